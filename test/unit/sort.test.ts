import assert from 'node:assert/strict';
import {test} from 'node:test';
import {ASCII_COLLATION, compareNames, sortRows} from '../../source/commerce/sort.js';

const icu = new Intl.Collator('en', {sensitivity: 'base'});
const sign = (n: number) => Math.sign(n);

test('names of printable ASCII are ordered as the ICU collator orders them, without it', () => {
	const chars = Array.from({length: 0x7f - 0x20}, (_, i) => String.fromCharCode(0x20 + i));
	assert.equal(new Set(ASCII_COLLATION).size + 26, chars.length, 'the table ranks every printable character (letters once for both cases)');
	for (const a of chars) for (const b of chars) assert.equal(sign(compareNames(a, b)), sign(icu.compare(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
	// Pseudo-random names (a fixed seed: the same cases every run), prefixes and case differences.
	let seed = 7;
	const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
	const name = () => Array.from({length: Math.floor(next() * 8)}, () => chars[Math.floor(next() * chars.length)]).join('');
	for (let i = 0; i < 20_000; i++) {
		const a = name();
		const b = next() < 0.2 ? a.toUpperCase() + name() : name();
		assert.equal(sign(compareNames(a, b)), sign(icu.compare(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
	}
});

test('names with accents or other scripts still sort by the collator, accents and case ignored', () => {
	assert.equal(compareNames('Éclair', 'eclair'), 0);
	assert.ok(compareNames('Ärger', 'Zebra') < 0, 'Ä sorts with A, not after Z');
	assert.ok(compareNames('Zebra', 'Ärger') > 0);
	const rows = ['Visio Plan 2', 'visio plan 1', 'Ökonomie', 'Power BI Pro', 'Project-Plan 3', 'Project Plan 3'].map((name, i) => ({scope: 'product' as const, name, id: `ID${i}`}));
	assert.deepEqual(
		sortRows(rows).map(r => r.name),
		['Ökonomie', 'Power BI Pro', 'Project Plan 3', 'Project-Plan 3', 'visio plan 1', 'Visio Plan 2'],
	);
});
