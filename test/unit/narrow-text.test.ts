import assert from 'node:assert/strict';
import {test} from 'node:test';
import stringWidth from 'string-width';
// The older copy Ink's wrap-ansi bundles: the build gives both the same fast path.
import olderStringWidth from '../../node_modules/wrap-ansi/node_modules/string-width/index.js';
import {graphemes, NARROW_CLASS, narrowWidth} from '../../scripts/narrowText.mjs';

test("the build's fast path for widths counts only characters string-width itself measures as one column", () => {
	const narrow = new RegExp(`^[${NARROW_CLASS}]$`, 'u');
	const wrong: string[] = [];
	let checked = 0;
	for (let code = 0; code <= 0xffff; code++) {
		const char = String.fromCodePoint(code);
		if (!narrow.test(char)) continue;
		checked++;
		if (stringWidth(char) !== 1 || (olderStringWidth as (s: string) => number)(char) !== 1) wrong.push(`U+${code.toString(16).toUpperCase().padStart(4, '0')}`);
	}
	assert.deepEqual(wrong, []);
	assert.ok(checked > 1000, `the class covers the dashboard's characters (${checked})`);
	for (const char of '…·→↑↓–│›⠼❯●←╭─╮╰╯') assert.ok(narrow.test(char), char);
});

test("the build's fast path gives string-width's width for styled lines and declines what it cannot measure", () => {
	const older = olderStringWidth as (s: string, o?: object) => number;
	const bold = (s: string) => `\u001B[1m\u001B[36m${s}\u001B[39m\u001B[22m`;
	const lines = [
		'',
		'plain ASCII',
		`${bold('Products 24')} │ \u001B[90mOffer types 4\u001B[39m`,
		` \u001B[33m●\u001B[39m Windows 365 Enterprise  CFQ7TTC0HHS9 \u001B[32mEnabled    \u001B[39m no `,
		'\u001B[38;5;208morange 256\u001B[39m and \u001B[38;2;1;2;3mtrue colour\u001B[0m',
		'\u001B[7m\u001B[27m',
	];
	for (const line of lines) {
		assert.equal(narrowWidth(line), stringWidth(line), JSON.stringify(line));
		assert.equal(narrowWidth(line), older(line), JSON.stringify(line));
	}
	// Wide, combining or unknown sequences: string-width measures them itself.
	for (const line of ['漢字', 'e\u0301', '\u001B]8;;https://x\u0007link\u001B]8;;\u0007', `${bold('x')}😀`, '\u001B[1Acursor']) assert.equal(narrowWidth(line), undefined, JSON.stringify(line));
	// Options string-width honours: escape codes counted, ambiguous characters wide.
	assert.equal(narrowWidth(bold('x'), {countAnsiEscapeCodes: true}), undefined);
	assert.equal(narrowWidth('·', {ambiguousIsNarrow: false}), undefined);
});

test("the build's grapheme walk for Ink's tokenizers splits narrow styled lines as Intl.Segmenter does", () => {
	const icu = new Intl.Segmenter(undefined, {granularity: 'grapheme'});
	const plain = (segments: Iterable<{segment: string; index: number}>) => [...segments].map(({segment, index}) => [segment, index]);
	const lines = ['', 'abc', ` \u001B[33m●\u001B[39m Visio Plan 1 │ \u001B[1mEnabled\u001B[22m ⠼ …`, '漢字 and e\u0301 and 😀 and \r\n', '\u001B]8;;https://example.com\u0007link\u001B]8;;\u0007'];
	for (const line of lines) {
		assert.deepEqual(plain(graphemes.segment(line)), plain(icu.segment(line)), JSON.stringify(line));
		for (const index of [0, 1, line.length - 1, line.length, -1]) {
			const ours = graphemes.segment(line).containing(index);
			const theirs = icu.segment(line).containing(index);
			assert.deepEqual(ours && [ours.segment, ours.index], theirs && [theirs.segment, theirs.index], `${JSON.stringify(line)} at ${index}`);
		}
	}
});
