/**
 * The one order rows are shown in, by the dashboard and by every command's table: by name, then
 * by ID (several products can share a name). Products and offer types sort apart: products first.
 */
import type {Row, Scope} from './types.js';

// Printable ASCII in the order of Unicode's default collation at base strength (case ignored):
// space, punctuation, symbols, digits, letters. Names made of these, nearly all product names, are
// compared by this table; any other name goes to ICU's collator, made on first use (it loads
// collation tables: ~3 MiB resident and time the first frame does not need).
// test/unit/sort.test.ts proves the table gives Intl.Collator's order.
export const ASCII_COLLATION = ` _-,;:!?.'"()[]{}@*/\\&#%\`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz`;
const RANK = new Uint8Array(128).fill(255);
for (const [rank, char] of [...ASCII_COLLATION].entries()) {
	RANK[char.charCodeAt(0)] = rank;
	RANK[char.toUpperCase().charCodeAt(0)] = rank;
}
const isPrintableAscii = (text: string) => {
	for (let i = 0; i < text.length; i++) if ((RANK[text.charCodeAt(i)] ?? 255) === 255) return false;
	return true;
};

// One collator: localeCompare with options builds an ICU collator per comparison, which for
// 10,000 rows took 0.7 s and 20 MiB of native memory.
let collator: Intl.Collator | undefined;

/** Names as Intl.Collator('en', {sensitivity: 'base'}) orders them (case and accents ignored). */
export function compareNames(a: string, b: string): number {
	if (!isPrintableAscii(a) || !isPrintableAscii(b)) {
		collator ??= new Intl.Collator('en', {sensitivity: 'base'});
		return collator.compare(a, b);
	}
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) {
		const d = RANK[a.charCodeAt(i)]! - RANK[b.charCodeAt(i)]!;
		if (d !== 0) return d < 0 ? -1 : 1;
	}
	return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

const SCOPE_ORDER: Record<Scope, number> = {product: 0, offerType: 1};

/** Compares two rows as shown: scope (products first), name (case and accents ignored), then ID. */
export function compareRows(a: Pick<Row, 'scope' | 'name' | 'id'>, b: Pick<Row, 'scope' | 'name' | 'id'>): number {
	const byScope = SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope];
	if (byScope !== 0) return byScope;
	const byName = compareNames(a.name, b.name);
	return byName === 0 ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : byName;
}

/** Rows as shown: a sorted copy. */
export function sortRows<T extends Pick<Row, 'scope' | 'name' | 'id'>>(rows: readonly T[]): T[] {
	return [...rows].sort(compareRows);
}

/** Items holding a row (a plan's change, a listed row with its service object), in the rows' order. */
export function sortByRow<T>(items: readonly T[], rowOf: (item: T) => Pick<Row, 'scope' | 'name' | 'id'>): T[] {
	return [...items].sort((a, b) => compareRows(rowOf(a), rowOf(b)));
}
