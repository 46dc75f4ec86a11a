/**
 * The token cache at rest with and without an OS keyring (auth/cacheProtection.ts), on Linux:
 * a Secret Service (GNOME Keyring in a D-Bus session of its own, as a desktop has one) and a
 * headless run (no D-Bus session). CI installs Debian's dbus and gnome-keyring for the first.
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtemp, readFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {isEncrypted} from '../../source/auth/cacheProtection.js';
import {cliEnv, runCli, runProcess, type CliResult} from '../support/cli.js';
import {emulator} from '../support/emulator.js';

const found = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const secretService = found('dbus-run-session') && found('gnome-keyring-daemon');
const CLI = `'${process.execPath}' --import tsx source/cli.tsx`;

/** A shell script in a D-Bus session of its own, with GNOME Keyring's Secret Service unlocked in it. */
function inSecretServiceSession(script: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
	return runProcess('dbus-run-session', ['--', 'sh', '-c', `printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; ${script}`], env);
}

test('with a Secret Service running, the token cache on disk is encrypted (no token readable) and whoami says where its key is', {skip: !secretService && 'needs dbus-run-session and gnome-keyring-daemon (Debian: dbus, gnome-keyring)'}, async () => {
	const emu = await emulator({autoApproveMs: 20});
	const home = await mkdtemp(join(tmpdir(), 'mscommerce-keyring-'));
	const run = await inSecretServiceSession(`${CLI} login </dev/null && ${CLI} whoami --json`, cliEnv(emu, home));
	assert.equal(run.code, 0, run.stderr);
	const whoami = JSON.parse(run.stdout) as {tokenCache?: {protection: string; detail: string}};
	assert.deepEqual(whoami.tokenCache, {protection: 'keyring', detail: 'the Secret Service (D-Bus)'});
	const onDisk = await readFile(join(home, 'config', 'mscommerce', 'msal-cache.json'), 'utf8');
	assert.ok(isEncrypted(onDisk), onDisk.slice(0, 80));
	assert.ok(!/RefreshToken|AccessToken|secret/.test(onDisk), 'no MSAL cache entry is readable in the file');
	// whoami signed in silently from it in a second process: the key came from the keyring.
	assert.match(run.stdout, /"source": ?"cache"/);
});

test('headless (no D-Bus session): the plain 0600 file, whoami says why, and login in a script says nothing about it', async () => {
	const emu = await emulator({autoApproveMs: 20});
	const home = await mkdtemp(join(tmpdir(), 'mscommerce-keyring-'));
	const env = cliEnv(emu, home);
	const login = await runCli(['login'], env);
	assert.equal(login.code, 0, login.stderr);
	assert.ok(!login.stderr.includes('Token cache'), 'not in a script or cron: stderr is no terminal');
	const whoami = await runCli(['whoami', '--json'], env);
	assert.equal(whoami.code, 0, whoami.stderr);
	assert.deepEqual((JSON.parse(whoami.stdout) as {tokenCache?: unknown}).tokenCache, {protection: 'file', detail: 'no Secret Service: no D-Bus session (a headless machine)'});
	const onDisk = await readFile(join(home, 'config', 'mscommerce', 'msal-cache.json'), 'utf8');
	assert.ok(!isEncrypted(onDisk) && 'RefreshToken' in (JSON.parse(onDisk) as object));
});
