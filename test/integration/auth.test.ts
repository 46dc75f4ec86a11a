/** Sign-in against the emulator's identity side over HTTPS, with @azure/msal-node unmodified. */
import assert from 'node:assert/strict';
import {mkdtemp, readFile, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import type {Emulator} from '../../source/emulator/index.js';
import {classify} from '../../source/problems/classify.js';
import type {DeviceCodePrompt} from '../../source/auth/types.js';
import {authFor, emulator, settingsFor} from '../support/emulator.js';
import {cliEnv, runCli} from '../support/cli.js';

/** Starts a device-code sign-in and resolves the prompt as soon as it is shown. */
function startSignIn(auth: ReturnType<typeof authFor>, controller = new AbortController()) {
	let showPrompt: (p: DeviceCodePrompt) => void = () => undefined;
	const prompt = new Promise<DeviceCodePrompt>(resolve => (showPrompt = resolve));
	const result = auth.signInWithDeviceCode(showPrompt, controller.signal);
	result.catch(() => undefined);
	return {prompt, result, controller};
}

const polls = (emu: Emulator) => emu.requests.filter(r => r.method === 'POST' && r.path.includes('/oauth2/v2.0/token'));

test('device code: pending until approved, then signed in with the roles from the token', async () => {
	const emu = await emulator();
	const auth = authFor(emu, await settingsFor(emu));
	const {prompt, result} = startSignIn(auth);
	const shown = await prompt;
	assert.match(shown.userCode, /\S{4,}/);
	assert.match(shown.message, new RegExp(shown.userCode));
	assert.ok(shown.verificationUri.startsWith('https://'));
	assert.ok(shown.expiresAt > Date.now());
	await new Promise(resolve => setTimeout(resolve, 1300));
	emu.approve(shown.userCode, 'admin@contoso.onmicrosoft.com');
	const signedIn = await result;
	assert.equal(signedIn.username, 'admin@contoso.onmicrosoft.com');
	assert.deepEqual(signedIn.roles, ['Global admin']);
	assert.equal(signedIn.canChange, true);
	assert.ok(polls(emu).length >= 2, 'polled while pending');
	assert.ok(!emu.requests.some(r => r.path.includes('login.microsoftonline.com')));
});

test('a declined sign-in says so', async () => {
	const emu = await emulator();
	const auth = authFor(emu, await settingsFor(emu));
	const {prompt, result} = startSignIn(auth);
	emu.decline((await prompt).userCode);
	const problem = classify(await result.then(() => assert.fail('signed in'), (e: unknown) => e));
	assert.equal(problem.kind, 'sign-in');
	assert.match(problem.title, /declined/);
});

test('an expired code says so and how to get a new one', async () => {
	const emu = await emulator({deviceCodeLifetimeSeconds: 2});
	const auth = authFor(emu, await settingsFor(emu));
	const {result} = startSignIn(auth);
	const problem = classify(await result.then(() => assert.fail('signed in'), (e: unknown) => e));
	assert.equal(problem.kind, 'sign-in');
	assert.match(problem.title, /expired/);
	assert.match(problem.hints[0] ?? '', /new code/);
});

test('slow_down makes polling slower for the rest of that code', async () => {
	const emu = await emulator({faults: 'scope=identity,slowdown=1x'});
	const auth = authFor(emu, await settingsFor(emu), undefined, 1500);
	const {prompt, result} = startSignIn(auth);
	const {userCode} = await prompt;
	await new Promise(resolve => setTimeout(resolve, 4200));
	emu.approve(userCode);
	await result;
	const times = polls(emu).map(r => Date.parse(r.time));
	const gaps = times.slice(1).map((t, i) => t - times[i]!);
	// interval 1 s; after the slow_down the gaps grow by the 1.5 s step
	assert.ok(gaps.length >= 2, `gaps ${gaps}`);
	assert.ok(gaps.slice(1).every(gap => gap >= 2400), `gaps after slow_down: ${gaps}`);
});

test('cancelling stops polling within a poll interval', async () => {
	const emu = await emulator();
	const auth = authFor(emu, await settingsFor(emu));
	const {prompt, result, controller} = startSignIn(auth);
	await prompt;
	controller.abort();
	const problem = classify(await result.then(() => assert.fail('signed in'), (e: unknown) => e));
	assert.equal(problem.kind, 'cancelled');
	const count = polls(emu).length;
	await new Promise(resolve => setTimeout(resolve, 2500));
	assert.ok(polls(emu).length <= count + 1, 'at most one poll after cancelling');
});

test('every AADSTS refusal comes back with its hint', async () => {
	const emu = await emulator();
	const cases: Array<[number, RegExp]> = [
		[50076, /MFA/],
		[53003, /Conditional Access[\s\S]*`mscommerce login --browser`, or use app-only sign-in/],
		[65001, /consent[\s\S]*--client-id 1950a258-227b-4e31-a9cf-717495945fc2[\s\S]*docs\/sign-in\.md/],
		[50020, /no partner \(GDAP\) relationship gives it access: check --tenant/],
	];
	for (const [code, hint] of cases) {
		const auth = authFor(emu, await settingsFor(emu));
		const {prompt, result} = startSignIn(auth);
		emu.failCode((await prompt).userCode, code);
		const problem = classify(await result.then(() => assert.fail('signed in'), (e: unknown) => e));
		assert.equal(problem.kind, 'sign-in', String(code));
		assert.match(problem.detail ?? '', new RegExp(`AADSTS${code}`));
		assert.match(problem.hints.join(' '), hint, String(code));
	}
});

test('a client ID the tenant does not know, or one not allowed public flows, points at the Azure PowerShell client and at registering your own app', async () => {
	const confidential = '11111111-2222-3333-4444-555555555555';
	const emu = await emulator({confidentialClientIds: [confidential]});
	for (const clientId of ['99999999-9999-9999-9999-999999999999', confidential]) {
		const auth = authFor(emu, await settingsFor(emu, {clientId}));
		const {prompt, result} = startSignIn(auth);
		if (clientId === confidential) emu.approve((await prompt).userCode);
		const problem = classify(await result.then(() => assert.fail('signed in'), (e: unknown) => e));
		assert.equal(problem.kind, 'sign-in');
		assert.match(problem.detail ?? '', /AADSTS(700016|7000218)/);
		assert.match(problem.hints.join(' '), /Try the Azure PowerShell public client: --client-id 1950a258-227b-4e31-a9cf-717495945fc2/);
		assert.match(problem.hints.join(' '), /register your own app \(steps in docs\/sign-in\.md/);
	}
});

test('the cache is 0600 in a 0700 directory, and a second run signs in silently', async () => {
	const emu = await emulator({autoApproveMs: 200});
	const settings = await settingsFor(emu);
	await startSignIn(authFor(emu, settings)).result;
	const cacheFile = join(settings.configDir, 'msal-cache.json');
	assert.equal((await stat(cacheFile)).mode & 0o777, 0o600);
	assert.equal((await stat(settings.configDir)).mode & 0o777, 0o700);
	const cacheText = await readFile(cacheFile, 'utf8');
	assert.ok(cacheText.includes('admin@contoso.onmicrosoft.com'));
	const again = await authFor(emu, settings).signInSilently();
	assert.equal(again?.username, 'admin@contoso.onmicrosoft.com');
	assert.equal(again?.source, 'cache');
	assert.equal(emu.requests.filter(r => r.path.includes('/devicecode')).length, 1);
});

test('an expired access token is renewed with the refresh token, without a device code', async () => {
	const emu = await emulator({autoApproveMs: 200, tokenLifetimeSeconds: 1});
	const settings = await settingsFor(emu);
	await startSignIn(authFor(emu, settings)).result;
	const before = emu.requests.filter(r => r.path.includes('/token')).length;
	const auth = authFor(emu, settings);
	const token = await auth.token();
	assert.ok(token.length > 20);
	const tokenRequests = emu.requests.filter(r => r.path.includes('/token'));
	assert.ok(tokenRequests.length > before, 'asked for a new access token');
	assert.equal(emu.requests.filter(r => r.path.includes('/devicecode')).length, 1);
});

test('a corrupt cache is deleted with a warning (it may hold a live refresh token), and the run starts signed out', async () => {
	const emu = await emulator();
	const settings = await settingsFor(emu);
	const {mkdir} = await import('node:fs/promises');
	await mkdir(settings.configDir, {recursive: true});
	await writeFile(join(settings.configDir, 'msal-cache.json'), '{ not json');
	const warnings: string[] = [];
	const {Auth} = await import('../../source/auth/auth.js');
	const {Net} = await import('../../source/net/http.js');
	const auth = new Auth({settings, net: new Net({ca: [emu.caPem], env: {}}), warn: line => warnings.push(line)});
	assert.equal(await auth.signInSilently(), undefined);
	assert.equal(warnings.length, 1);
	assert.match(warnings[0] ?? '', /unreadable and has been deleted \(it may have held tokens\); signed out/);
	const {readdir} = await import('node:fs/promises');
	assert.deepEqual((await readdir(settings.configDir)).filter(name => name.includes('msal-cache')), [], 'no copy of it is left behind');
});

test('several accounts live in one cache; logout forgets one, or all', async () => {
	const emu = await emulator();
	const settings = await settingsFor(emu);
	for (const username of ['admin@contoso.onmicrosoft.com', 'reader@contoso.onmicrosoft.com']) {
		const {prompt, result} = startSignIn(authFor(emu, settings));
		emu.approve((await prompt).userCode, username);
		await result;
	}
	const auth = authFor(emu, settings);
	assert.deepEqual((await auth.accounts()).map(a => a.username).sort(), ['admin@contoso.onmicrosoft.com', 'reader@contoso.onmicrosoft.com']);
	assert.deepEqual(await auth.logout({username: 'reader@contoso.onmicrosoft.com'}), ['reader@contoso.onmicrosoft.com']);
	assert.deepEqual((await authFor(emu, settings).accounts()).map(a => a.username), ['admin@contoso.onmicrosoft.com']);
	assert.deepEqual(await authFor(emu, settings).logout({all: true}), ['admin@contoso.onmicrosoft.com']);
	assert.equal((await authFor(emu, settings).accounts()).length, 0);
});

test('--token skips sign-in entirely and is never printed', async () => {
	const emu = await emulator();
	const home = await mkdtemp(join(tmpdir(), 'mscommerce-token-'));
	const result = await runCli(['whoami', '--json'], cliEnv(emu, home, {MSCOMMERCE_TOKEN: emu.tokens.reader}));
	assert.equal(result.code, 0, result.stderr);
	const who = JSON.parse(result.stdout) as {username: string; roles: string[]; canChangePolicies: boolean; source: string};
	assert.equal(who.username, 'reader@contoso.onmicrosoft.com');
	assert.deepEqual(who.roles, ['Global reader']);
	assert.equal(who.canChangePolicies, false);
	assert.equal(who.source, 'token');
	assert.ok(!result.stdout.includes(emu.tokens.reader) && !result.stderr.includes(emu.tokens.reader));
	assert.equal(emu.requests.filter(r => r.path.includes('/oauth2/')).length, 0);
});

test('login, then whoami in a second process needs no sign-in, then logout forgets it', async () => {
	const emu = await emulator({autoApproveMs: 300});
	const home = await mkdtemp(join(tmpdir(), 'mscommerce-cli-'));
	const env = cliEnv(emu, home);
	const login = await runCli(['login'], env);
	assert.equal(login.code, 0, login.stderr);
	assert.match(login.stderr, /enter the code/);
	assert.match(login.stderr, /Signed in as admin@contoso\.onmicrosoft\.com/);
	const codes = emu.requests.filter(r => r.path.includes('/devicecode')).length;
	const discovery = () => emu.requests.filter(r => r.path.includes('/.well-known/openid-configuration')).length;
	const discovered = discovery();
	const who = await runCli(['whoami'], env);
	assert.equal(who.code, 0, who.stderr);
	assert.match(who.stdout, /Account:\s+admin@contoso\.onmicrosoft\.com/);
	assert.match(who.stdout, /Can change policies:\s+yes/);
	assert.equal(emu.requests.filter(r => r.path.includes('/devicecode')).length, codes, 'no new device code');
	assert.equal(discovery(), discovered, "the authority's configuration is remembered, not fetched again");
	const logout = await runCli(['logout'], env);
	assert.equal(logout.code, 0);
	const after = await runCli(['whoami'], env);
	assert.equal(after.code, 3);
	assert.match(after.stderr, /Not signed in/);
	assert.match(after.stderr, /mscommerce login/);
});

test('login with a client ID the tenant does not know fails at once with the --client-id hint, printing no empty code', async () => {
	const emu = await emulator();
	const home = await mkdtemp(join(tmpdir(), 'mscommerce-cli-'));
	const started = Date.now();
	const result = await runCli(['login', '--client-id', '99999999-9999-9999-9999-999999999999'], cliEnv(emu, home));
	assert.equal(result.code, 3);
	assert.doesNotMatch(result.stderr, /undefined/);
	assert.match(result.stderr, /AADSTS700016/);
	assert.match(result.stderr, /--client-id/);
	assert.ok(Date.now() - started < 8000, 'no polling without a code');
	assert.equal(emu.requests.filter(r => r.path.includes('/token')).length, 0);
});

test('two sign-ins finishing at once in one cache both stay signed in (the cache is locked, written whole)', async () => {
	const emu = await emulator();
	const settings = await settingsFor(emu);
	const first = startSignIn(authFor(emu, settings));
	const second = startSignIn(authFor(emu, settings));
	const [a, b] = await Promise.all([first.prompt, second.prompt]);
	emu.approve(a.userCode, 'admin@contoso.onmicrosoft.com');
	emu.approve(b.userCode, 'reader@contoso.onmicrosoft.com');
	await Promise.all([first.result, second.result]);
	const names = (await authFor(emu, settings).accounts()).map(account => account.username).sort();
	assert.deepEqual(names, ['admin@contoso.onmicrosoft.com', 'reader@contoso.onmicrosoft.com']);
	JSON.parse(await readFile(join(settings.configDir, 'msal-cache.json'), 'utf8'));
});

test('the default account is the first one signed in; a later login says so, --account picks another for one command, `account use` changes the default', async () => {
	const signInAs: string[] = ['admin@contoso.onmicrosoft.com', 'reader@contoso.onmicrosoft.com'];
	const approve: {emu?: Emulator} = {};
	const emu = await emulator({onDeviceCode: code => setTimeout(() => approve.emu?.approve(code, signInAs.shift()), 50)});
	approve.emu = emu;
	const home = await mkdtemp(join(tmpdir(), 'mscommerce-accounts-'));
	const env = cliEnv(emu, home);
	const first = await runCli(['login'], env);
	assert.match(first.stderr, /Commands will use admin@contoso\.onmicrosoft\.com \(the default account\)/);
	const second = await runCli(['login'], env);
	assert.equal(second.code, 0, second.stderr);
	assert.match(second.stderr, /Signed in as reader@contoso\.onmicrosoft\.com/);
	assert.match(second.stderr, /Commands will still use the default account, admin@contoso\.onmicrosoft\.com: pass --account reader@contoso\.onmicrosoft\.com/);
	const list = await runCli(['account', 'list', '--json'], env);
	assert.deepEqual(
		(JSON.parse(list.stdout) as Array<{username: string; isDefault: boolean}>).map(a => [a.username, a.isDefault]).sort(),
		[['admin@contoso.onmicrosoft.com', true], ['reader@contoso.onmicrosoft.com', false]],
	);
	const who = async (...extra: string[]) => (JSON.parse((await runCli(['whoami', '--json', ...extra], env)).stdout) as {username: string}).username;
	assert.equal(await who(), 'admin@contoso.onmicrosoft.com');
	assert.equal(await who('--account', 'reader@contoso.onmicrosoft.com'), 'reader@contoso.onmicrosoft.com');
	const unknown = await runCli(['whoami', '--account', 'nobody@contoso.onmicrosoft.com'], env);
	assert.equal(unknown.code, 3);
	assert.match(unknown.stderr, /nobody@contoso\.onmicrosoft\.com is not signed in \(signed in: /);
	assert.equal((await runCli(['account', 'use', 'reader@contoso.onmicrosoft.com'], env)).code, 0);
	assert.equal(await who(), 'reader@contoso.onmicrosoft.com', 'the new default');
});
