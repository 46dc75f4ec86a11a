/**
 * The `/` filter and the sort (`s`): which rows the list shows, in which order. A word of the
 * query must appear in a row's name or ID (case-insensitively; every word must match), so typing
 * "power b" never finds every Enabled row. What is not a name is asked with a qualifier:
 * `value:disabled` (enabled, trials; a prefix will do), `is:new`, `is:failed`, `is:marked`.
 * The lower-cased name and ID of each row are kept per row object, so a keystroke over 10,000
 * rows is one pass of `includes`.
 */
import {rowKey} from '../../commerce/changes.js';
import {POLICY_VALUES, type PolicyValue, type Row} from '../../commerce/types.js';
import type {Marks} from './marks.js';

const searchText = new WeakMap<Row, string>();

function textOf(row: Row): string {
	let text = searchText.get(row);
	if (text === undefined) {
		text = `${row.name}\u0000${row.id}`.toLowerCase();
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

export type Flag = 'new' | 'failed' | 'marked';
const FLAGS: readonly Flag[] = ['new', 'failed', 'marked'];

/** The words a qualifier's value may start with, and the value each means. */
const VALUE_WORDS: ReadonlyArray<[string, PolicyValue]> = [
	['enabled', 'Enabled'],
	['trials', 'OnlyTrialsWithoutPaymentMethod'],
	['onlytrialswithoutpaymentmethod', 'OnlyTrialsWithoutPaymentMethod'],
	['disabled', 'Disabled'],
];

export type Query = {
	/** Words to find in a name or ID, lower-cased. */
	terms: string[];
	values: PolicyValue[];
	flags: Flag[];
	/** Qualifiers that mean nothing, for the filter line ("is:foo: use is:new, is:failed or is:marked"). */
	unknown: string[];
};

/** The query's words and qualifiers; an empty or blank query has none. A qualifier still being typed (`value:`) asks nothing yet. */
export function parseQuery(query: string): Query {
	const parsed: Query = {terms: [], values: [], flags: [], unknown: []};
	for (const word of query.toLowerCase().split(/\s+/)) {
		if (!word) continue;
		const qualifier = /^(value|is):(.*)$/.exec(word);
		if (!qualifier) {
			parsed.terms.push(word);
			continue;
		}
		const [, kind, wanted = ''] = qualifier;
		if (!wanted) continue;
		if (kind === 'value') {
			const value = VALUE_WORDS.find(([name]) => name.startsWith(wanted))?.[1];
			if (value) parsed.values.push(value);
			else parsed.unknown.push(`${word}: use value:enabled, value:trials or value:disabled`);
		} else {
			const flag = FLAGS.find(name => name.startsWith(wanted));
			if (flag) parsed.flags.push(flag);
			else parsed.unknown.push(`${word}: use is:new, is:failed or is:marked`);
		}
	}
	return parsed;
}

/** What the `is:` qualifiers ask about a row, for the tab on show. */
export type RowFacts = {fresh: ReadonlySet<string>; failed: ReadonlyMap<string, unknown>; marks: Marks};

export const NO_FACTS: RowFacts = {fresh: new Set(), failed: new Map(), marks: new Set()};

function hasFlag(row: Row, flag: Flag, facts: RowFacts): boolean {
	if (flag === 'new') return facts.fresh.has(row.id);
	if (flag === 'failed') return facts.failed.has(rowKey(row));
	return facts.marks.has(row.id);
}

export function rowMatches(row: Row, query: Query, facts: RowFacts = NO_FACTS): boolean {
	if (query.unknown.length > 0) return false;
	if (query.terms.length > 0) {
		const text = textOf(row);
		for (const term of query.terms) if (!text.includes(term)) return false;
	}
	// Two value: qualifiers mean either value (value:enabled value:trials).
	if (query.values.length > 0 && !query.values.includes(row.value)) return false;
	for (const flag of query.flags) if (!hasFlag(row, flag, facts)) return false;
	return true;
}

function asksNothing(query: Query): boolean {
	return query.terms.length === 0 && query.values.length === 0 && query.flags.length === 0 && query.unknown.length === 0;
}

/** The rows the filter shows, in order. Returns `rows` itself when the query asks nothing. */
export function filterRows(rows: readonly Row[], text: string, facts: RowFacts = NO_FACTS): readonly Row[] {
	const query = parseQuery(text);
	if (asksNothing(query)) return rows;
	const shown: Row[] = [];
	for (const row of rows) if (rowMatches(row, query, facts)) shown.push(row);
	return shown;
}

export type SortKey = 'name' | 'id' | 'value';
export const SORT_KEYS: readonly SortKey[] = ['name', 'id', 'value'];
export const SORT_LABEL: Record<SortKey, string> = {name: 'name', id: 'ID', value: 'value'};

/** Rows arrive sorted by name (then ID); the other orders keep that order within equal keys. */
export function sortRows(rows: readonly Row[], by: SortKey): readonly Row[] {
	if (by === 'name') return rows;
	if (by === 'id') return [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	return [...rows].sort((a, b) => POLICY_VALUES.indexOf(a.value) - POLICY_VALUES.indexOf(b.value));
}

type Shown = {query: string; sort: SortKey; facts: RowFacts; flags: boolean; shown: readonly Row[]};
const lastShown = new WeakMap<readonly Row[], Shown>();

/**
 * The rows on show, filtered and sorted, remembered per list for the last query: the frame and
 * the key handler ask for the same rows, and only a new query, order or rows cost a pass (marks
 * and the rest only for a query with `is:`).
 */
export function shownRows(rows: readonly Row[], query: string, facts: RowFacts = NO_FACTS, sort: SortKey = 'name'): readonly Row[] {
	const last = lastShown.get(rows);
	const flags = query.includes('is:');
	if (last && last.query === query && last.sort === sort && (!flags || last.facts === facts || sameFacts(last.facts, facts))) return last.shown;
	const shown = filterRows(sortRows(rows, sort), query, facts);
	lastShown.set(rows, {query, sort, facts, flags, shown});
	return shown;
}

function sameFacts(a: RowFacts, b: RowFacts): boolean {
	return a.fresh === b.fresh && a.failed === b.failed && a.marks === b.marks;
}

export type Span = {text: string; match: boolean};

/** `text` cut into the parts a query's words match and the rest, for highlighting (case-insensitive, overlaps merged). */
export function highlight(text: string, terms: readonly string[]): Span[] {
	if (terms.length === 0 || !text) return [{text, match: false}];
	const lower = text.toLowerCase();
	const hit = new Array<boolean>(text.length).fill(false);
	for (const term of terms) {
		for (let at = lower.indexOf(term); at >= 0; at = lower.indexOf(term, at + 1)) hit.fill(true, at, at + term.length);
	}
	const spans: Span[] = [];
	for (let index = 0; index < text.length; index++) {
		const last = spans.at(-1);
		const char = text[index] ?? '';
		if (last && last.match === hit[index]) last.text += char;
		else spans.push({text: char, match: hit[index] ?? false});
	}
	return spans;
}
