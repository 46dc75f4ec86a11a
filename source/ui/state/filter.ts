/**
 * The `/` filter: a row matches when every word of the query appears in its name, ID or value
 * (the full value or its short label), case-insensitively. The lower-cased text of each row is
 * kept per row object, so a keystroke over 10,000 rows is one pass of `includes`.
 */
import type {Row} from '../../commerce/types.js';
import {VALUE_LABEL} from '../../commerce/values.js';

const searchText = new WeakMap<Row, string>();

function textOf(row: Row): string {
	let text = searchText.get(row);
	if (text === undefined) {
		text = `${row.name}\u0000${row.id}\u0000${row.value}\u0000${VALUE_LABEL[row.value]}`.toLowerCase();
		searchText.set(row, text);
	}
	return text;
}

/**
 * Works out every row's search text ahead of the first keystroke (after a load), so typing
 * the first letter costs one pass of `includes` like every other.
 */
export function prepareSearch(rows: readonly Row[]): void {
	for (const row of rows) textOf(row);
}

/** The query's words, lower-cased; none for an empty or blank query. */
export function queryTerms(query: string): string[] {
	return query.toLowerCase().split(/\s+/).filter(term => term.length > 0);
}

export function rowMatches(row: Row, terms: readonly string[]): boolean {
	const text = textOf(row);
	for (const term of terms) if (!text.includes(term)) return false;
	return true;
}

/** The rows the filter shows, in order. Returns `rows` itself when the query is blank. */
export function filterRows(rows: readonly Row[], query: string): readonly Row[] {
	const terms = queryTerms(query);
	if (terms.length === 0) return rows;
	const shown: Row[] = [];
	for (const row of rows) if (rowMatches(row, terms)) shown.push(row);
	return shown;
}

const lastFiltered = new WeakMap<readonly Row[], {query: string; shown: readonly Row[]}>();

/**
 * filterRows, remembered per list for the last query: the frame and the key handler ask for the
 * same rows, and only a new query or new rows cost a pass.
 */
export function shownRows(rows: readonly Row[], query: string): readonly Row[] {
	const last = lastFiltered.get(rows);
	if (last && last.query === query) return last.shown;
	const shown = filterRows(rows, query);
	lastFiltered.set(rows, {query, shown});
	return shown;
}
