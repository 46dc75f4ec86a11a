/** Picking rows by what a user typed: IDs (current or former), or a name pattern like the module's -match. */
import {UsageError} from '../problems/errors.js';
import {knownOfferType, looksLikeProductId, productForFormerId} from './catalog.js';
import type {Row, Scope} from './types.js';
import {parseValue} from './values.js';

export type Selection = {rows: Row[]; notes: string[]};

const NOUN: Record<Scope, string> = {product: 'product', offerType: 'offer type'};
const COMMAND: Record<Scope, string> = {product: 'products', offerType: 'offer-types'};

/**
 * The rows for the IDs given, case-insensitively; a former product ID stands for its current
 * product (with a note). Any unknown ID is a usage error naming all of them: nothing is written.
 * An ID of the other scope (an offer type given to `products set`) names the command to use;
 * `value` is what the user asked for, to put in that command.
 */
export function rowsForIds(rows: readonly Row[], ids: readonly string[], scope: Scope, value?: string): Selection {
	const byId = new Map(rows.map(row => [row.id.toUpperCase(), row]));
	const found: Row[] = [];
	const notes: string[] = [];
	const unknown: string[] = [];
	const elsewhere: string[] = [];
	for (const id of ids) {
		let row = byId.get(id.toUpperCase());
		if (!row) {
			const current = productForFormerId(id);
			row = current ? byId.get(current.productId.toUpperCase()) : undefined;
			if (row) notes.push(`note: ${id} is the former ID of ${row.name}; using its current ID ${row.id}`);
		}
		if (row) found.push(row);
		// Only IDs the service did not list: its list is the truth, the catalog only tells why.
		else if (otherScopeId(id, scope) !== undefined) elsewhere.push(id);
		else unknown.push(id);
	}
	if (unknown.length === 0 && elsewhere.length > 0) throw wrongScopeError(elsewhere, scope, 'set', value);
	if (unknown.length > 0) {
		const what = NOUN[scope];
		const message = `unknown ${what} ID${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`;
		throw new UsageError(elsewhere.length > 0 ? `${wrongScopeError(elsewhere, scope, 'set', value).message}; ${message}` : message, [
			`List them with \`mscommerce ${COMMAND[scope]} list\`.`,
		]);
	}
	return {rows: found, notes};
}

/**
 * The ID as the other scope spells it, when an ID given for `scope` belongs to the other one: an
 * offer type the catalog knows (SaaS) given for a product, or a product-shaped ID (CFQ7TTC0 and
 * four letters or digits) given for an offer type. The two never overlap.
 */
export function otherScopeId(id: string, scope: Scope): string | undefined {
	if (scope === 'product') return knownOfferType(id)?.scopeId;
	return looksLikeProductId(id) ? id.toUpperCase() : undefined;
}

/**
 * "SaaS is an offer type: use `mscommerce offer-types get SaaS`": for IDs given to the other
 * scope's command (each must have an otherScopeId). Exit 2, like every usage error.
 */
export function wrongScopeError(ids: readonly string[], scope: Scope, verb: 'get' | 'set', value?: string): UsageError {
	const other: Scope = scope === 'product' ? 'offerType' : 'product';
	const subject = ids.length === 1 ? `${ids[0]} is ${other === 'product' ? 'a product' : 'an offer type'}` : `${ids.join(', ')} are ${NOUN[other]}s`;
	const command = ['mscommerce', COMMAND[other], verb, ...ids.map(id => otherScopeId(id, scope) ?? id)];
	// Offer types take Enabled or Disabled only: a trials-only value would be refused there too.
	if (verb === 'set') command.push(value && !(other === 'offerType' && parseValue(value) === 'OnlyTrialsWithoutPaymentMethod') ? value : 'Enabled|Disabled');
	return new UsageError(`${subject}: use \`${command.join(' ')}\``);
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
