/**
 * Windows, simulated on any machine: where the files live, the one-time move from the old place,
 * and the passing EPERM / EACCES / EBUSY that Windows answers while a file is held or scanned.
 */
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join, win32} from 'node:path';
import {test} from 'node:test';
import {dataDirs, moveFromOldWindowsPlace} from '../../source/config.js';
import {isWindowsTransient, retryTransient, TRANSIENT_RETRY} from '../../source/privateFiles.js';

const fsError = (code: string) => Object.assign(new Error(`${code}: operation not permitted`), {code});

test('files live under %LOCALAPPDATA%\\mscommerce on Windows, under XDG directories when set, and in ~/.config and ~/.local/state elsewhere', () => {
	const windows = {USERPROFILE: 'C:\\Users\\ada', LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local'};
	assert.deepEqual(dataDirs(windows, 'win32'), {configDir: 'C:\\Users\\ada\\AppData\\Local\\mscommerce\\config', stateDir: 'C:\\Users\\ada\\AppData\\Local\\mscommerce\\state'});
	assert.deepEqual(dataDirs({USERPROFILE: 'C:\\Users\\ada'}, 'win32').configDir, 'C:\\Users\\ada\\AppData\\Local\\mscommerce\\config', 'no LOCALAPPDATA: its usual place');
	assert.deepEqual(dataDirs({...windows, XDG_CONFIG_HOME: 'D:\\cfg'}, 'win32'), {configDir: 'D:\\cfg\\mscommerce', stateDir: 'C:\\Users\\ada\\AppData\\Local\\mscommerce\\state'}, 'XDG wins where set');
	assert.deepEqual(dataDirs({HOME: '/Users/ada'}, 'darwin'), {configDir: '/Users/ada/.config/mscommerce', stateDir: '/Users/ada/.local/state/mscommerce'}, 'macOS as gh does');
	assert.deepEqual(dataDirs({HOME: '/home/ada', XDG_STATE_HOME: '/var/x'}, 'linux'), {configDir: '/home/ada/.config/mscommerce', stateDir: '/var/x/mscommerce'});
});

test("Windows: the old place's files are moved once to %LOCALAPPDATA%, said in a line, and never over files already there", async () => {
	// Simulated in a fresh working directory: a relative win32 path (`ada\\.config\\mscommerce`) is one
	// odd file name here, which is enough for existsSync, mkdirSync and renameSync to act on.
	const root = await mkdtemp(join(tmpdir(), 'mscommerce-windows-'));
	const cwd = process.cwd();
	process.chdir(root);
	try {
		const env = {USERPROFILE: 'ada', LOCALAPPDATA: win32.join('ada', 'AppData', 'Local')};
		const dirs = dataDirs(env, 'win32');
		const oldConfig = win32.join('ada', '.config', 'mscommerce');
		mkdirSync(oldConfig);
		writeFileSync(join(oldConfig, 'token-cache.json'), '{"refresh":"…"}');
		const told = moveFromOldWindowsPlace(dirs, env, 'win32');
		assert.deepEqual(told, [`moved ${oldConfig} to ${dirs.configDir} (mscommerce keeps its files under %LOCALAPPDATA% on Windows)`]);
		assert.equal(readFileSync(join(dirs.configDir, 'token-cache.json'), 'utf8'), '{"refresh":"…"}');
		assert.ok(!existsSync(oldConfig));
		assert.deepEqual(moveFromOldWindowsPlace(dirs, env, 'win32'), [], 'once: nothing left to move');
		// A second old copy (an older version run again) is left alone: the new place is not overwritten.
		mkdirSync(oldConfig);
		assert.deepEqual(moveFromOldWindowsPlace(dirs, env, 'win32'), []);
		assert.ok(existsSync(oldConfig));
		assert.deepEqual(moveFromOldWindowsPlace(dataDirs({HOME: root}, 'linux'), {HOME: root}, 'linux'), [], 'nothing moves elsewhere');
	} finally {
		process.chdir(cwd);
		await rm(root, {recursive: true, force: true});
	}
});

test("Windows' passing EPERM / EACCES / EBUSY are tried again, a bounded number of times; elsewhere they fail at once", async () => {
	let calls = 0;
	const flaky = (failures: string[]) => async () => {
		const code = failures[calls++];
		if (code) throw fsError(code);
		return 'renamed';
	};
	assert.equal(await retryTransient(flaky(['EPERM', 'EBUSY', 'EACCES']), 'win32'), 'renamed');
	assert.equal(calls, 4);
	calls = 0;
	await assert.rejects(retryTransient(flaky(['EPERM']), 'linux'), /EPERM/, 'on Linux a permission error is real');
	assert.equal(calls, 1);
	calls = 0;
	await assert.rejects(retryTransient(flaky(Array(20).fill('EBUSY')), 'win32'), /EBUSY/, 'held for good: it gives up');
	assert.equal(calls, TRANSIENT_RETRY.tries);
	calls = 0;
	await assert.rejects(retryTransient(flaky(['ENOENT']), 'win32'), /ENOENT/, 'other errors are not waited out');
	assert.equal(calls, 1);
	assert.ok(isWindowsTransient(fsError('EPERM'), 'win32') && !isWindowsTransient(fsError('EEXIST'), 'win32') && !isWindowsTransient(fsError('EPERM'), 'darwin'));
});
