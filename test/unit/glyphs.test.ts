import assert from 'node:assert/strict';
import {test} from 'node:test';
import {glyphsFor} from '../../source/ui/glyphs.js';

test("where the console font lacks braille and ❯ (Windows' console host, the Linux console) the dashboard draws ASCII", () => {
	const ascii = {spinner: ['|', '/', '-', '\\'], pointer: '>', mark: '*'};
	assert.deepEqual(glyphsFor({}, 'win32'), ascii, 'cmd.exe / PowerShell in the console host');
	assert.deepEqual(glyphsFor({TERM: 'linux'}, 'linux'), ascii, 'the Linux virtual console');
	assert.equal(glyphsFor({WT_SESSION: 'b3c1…'}, 'win32').pointer, '❯', 'Windows Terminal');
	assert.equal(glyphsFor({TERM_PROGRAM: 'vscode'}, 'win32').mark, '●', "VS Code's terminal");
	assert.equal(glyphsFor({TERM: 'xterm-256color'}, 'linux').spinner[0], '⠋');
	assert.equal(glyphsFor({}, 'darwin').pointer, '❯');
	assert.deepEqual(glyphsFor({MSCOMMERCE_GLYPHS: 'ascii', WT_SESSION: 'x'}, 'win32'), ascii, 'said outright');
	assert.equal(glyphsFor({MSCOMMERCE_GLYPHS: 'unicode'}, 'win32').pointer, '❯');
});
