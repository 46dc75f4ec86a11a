import assert from 'node:assert/strict';
import {test} from 'node:test';
import stringWidth from 'string-width';
// The older copy Ink's wrap-ansi bundles: the build gives both the same fast path.
import olderStringWidth from '../../node_modules/wrap-ansi/node_modules/string-width/index.js';
import {NARROW_CLASS} from '../../scripts/narrowText.mjs';

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
