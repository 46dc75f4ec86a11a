/** Picking rows by what a user typed: IDs (current or former), or a name pattern like the module's -match. */
import {UsageError} from '../problems/errors.js';
import {productForFormerId} from './catalog.js';
import type {Row} from './types.js';

export type Selection = {rows: Row[]; notes: string[]};

/**
 * The rows for the IDs given, case-insensitively; a former product ID stands for its current
 * product (with a note). Any unknown ID is a usage error naming all of them: nothing is written.
 */
export function rowsForIds(rows: readonly Row[], ids: readonly string[], what: string): Selection {
	const byId = new Map(rows.map(row => [row.id.toUpperCase(), row]));
	const found: Row[] = [];
	const notes: string[] = [];
	const unknown: string[] = [];
	for (const id of ids) {
		let row = byId.get(id.toUpperCase());
		if (!row) {
			const current = productForFormerId(id);
			row = current ? byId.get(current.productId.toUpperCase()) : undefined;
			if (row) notes.push(`note: ${id} is the former ID of ${row.name}; using its current ID ${row.id}`);
		}
		if (row) found.push(row);
		else unknown.push(id);
	}
	if (unknown.length > 0) {
		throw new UsageError(`unknown ${what} ID${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, [
			`List them with \`mscommerce ${what === 'product' ? 'products' : 'offer-types'} list\`.`,
		]);
	}
	return {rows: found, notes};
}

/** Rows whose name matches a pattern, case-insensitively, as PowerShell's -match does (a regular expression). */
export function rowsMatching(rows: readonly Row[], pattern: string): Row[] {
	let regex: RegExp;
	try {
		regex = new RegExp(pattern, 'i');
	} catch {
		throw new UsageError(`--match: "${pattern}" is not a valid pattern`);
	}
	const matched = rows.filter(row => regex.test(row.name));
	if (matched.length === 0) throw new UsageError(`--match: no product name matches "${pattern}"`);
	return matched;
}
