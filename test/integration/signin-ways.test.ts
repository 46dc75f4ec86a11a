/**
 * Every way an admin can get a token, against the emulator over HTTPS with @azure/msal-node
 * unmodified (docs/sign-in.md): app-only with a client secret and with a certificate, `login
 * --browser` with the test playing the browser, and a partner account acting in customer tenants
 * through GDAP without a second sign-in.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtemp, readdir} from 'node:fs/promises';
import {request as httpRequest} from 'node:http';
import {request as httpsRequest} from 'node:https';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import type {Emulator} from '../../source/emulator/index.js';
import {cliEnv, runCli} from '../support/cli.js';
import {emulator} from '../support/emulator.js';

const CONTOSO = 'contoso.onmicrosoft.com';
const FABRIKAM = 'fabrikam.onmicrosoft.com';
const PARTNER = 'partner@northwindpartners.onmicrosoft.com';

async function freshHome(): Promise<string> {
	return mkdtemp(join(tmpdir(), 'mscommerce-signin-'));
}

function appFlags(emu: Emulator, which: 'readWrite' | 'read'): string[] {
	const app = emu.apps.find(a => a.roles.some(role => (which === 'readWrite' ? role.includes('ReadWrite') : !role.includes('ReadWrite'))))!;
	return ['--tenant', CONTOSO, '--client-id', app.clientId, '--client-secret', app.secret];
}

test('app-only with a client secret: a non-interactive shell lists, plans and writes, whoami shows the app and its roles, nothing is cached on disk', async () => {
	const emu = await emulator();
	const home = await freshHome();
	const env = cliEnv(emu, home);
	const who = await runCli(['whoami', '--json', ...appFlags(emu, 'readWrite')], env);
	assert.equal(who.code, 0, who.stderr);
	const me = JSON.parse(who.stdout) as {username: string; source: string; roles: string[]; canChangePolicies: boolean; tenantId: string};
	assert.deepEqual([me.source, me.roles, me.canChangePolicies, me.tenantId], ['app-secret', ['Policy.ReadWrite.AllowSelfServicePurchase'], true, emu.accounts[0]!.tenantId]);
	assert.match(me.username, /^app /);
	const set = await runCli(['products', 'set', 'CFQ7TTC0HD33', 'Disabled', '--yes', ...appFlags(emu, 'readWrite')], env);
	assert.equal(set.code, 0, set.stderr);
	assert.equal(emu.tenantState(CONTOSO).products.find(p => p.productId === 'CFQ7TTC0HD33')?.policyValue, 'Disabled');
	const secret = appFlags(emu, 'readWrite')[5]!;
	assert.ok(!set.stdout.includes(secret) && !set.stderr.includes(secret) && !who.stdout.includes(secret), 'the secret is never printed');
	assert.deepEqual((await readdir(join(home, 'config', 'mscommerce')).catch(() => [])).filter(name => name.includes('msal-cache')), [], 'no token cache for an app');
	// The Read permission may look, not change.
	const reader = await runCli(['products', 'set', 'CFQ7TTC0HD32', 'Disabled', '--yes', ...appFlags(emu, 'read')], env);
	assert.equal(reader.code, 4, reader.stderr);
	assert.match(reader.stderr, /Policy\.ReadWrite\.AllowSelfServicePurchase permission is required/);
	assert.equal((await runCli(['products', 'list', '--json', ...appFlags(emu, 'read')], env)).code, 0);
});

test('app-only with a certificate: the assertion is signed and accepted; bad set-ups are one clear line each', async () => {
	const emu = await emulator();
	const home = await freshHome();
	const env = cliEnv(emu, home);
	const app = emu.apps[0]!;
	const {file} = await emu.appCertificate(app.clientId);
	const plan = await runCli(['products', 'list', '--json', '--tenant', CONTOSO, '--client-id', app.clientId, '--certificate', file], env);
	assert.equal(plan.code, 0, plan.stderr);
	assert.ok((JSON.parse(plan.stdout) as unknown[]).length > 0);
	const withoutTenant = await runCli(['products', 'list', '--client-id', app.clientId, '--certificate', file], env);
	assert.equal(withoutTenant.code, 2);
	assert.match(withoutTenant.stderr, /app-only sign-in .* needs --tenant/);
	const both = await runCli(['products', 'list', '--tenant', CONTOSO, '--client-id', app.clientId, '--certificate', file, '--client-secret', 'x'], env);
	assert.equal(both.code, 2);
	assert.match(both.stderr, /not both/);
	const wrong = await runCli(['products', 'list', '--tenant', CONTOSO, '--client-id', app.clientId, '--client-secret', 'not-the-secret'], env);
	assert.equal(wrong.code, 3, wrong.stderr);
	assert.match(wrong.stderr, /The client secret is wrong/);
	assert.match(wrong.stderr, /AADSTS7000215/);
});

/** GET or POST over HTTPS to the emulator (trusting its CA), as a browser would; no redirects followed. */
function browse(emu: Emulator, url: string, form?: Record<string, string>): Promise<{status: number; location?: string; body: string}> {
	return new Promise((resolve, reject) => {
		const body = form ? new URLSearchParams(form).toString() : undefined;
		const req = httpsRequest(url, {method: form ? 'POST' : 'GET', ca: emu.caPem, headers: {accept: 'text/html', ...(body ? {'content-type': 'application/x-www-form-urlencoded'} : {})}}, res => {
			let text = '';
			res.on('data', (chunk: Buffer) => (text += chunk.toString()));
			res.on('end', () => resolve({status: res.statusCode ?? 0, location: res.headers.location, body: text}));
		});
		req.on('error', reject);
		req.end(body);
	});
}

function get(url: string): Promise<number> {
	return new Promise((resolve, reject) => {
		httpRequest(url, res => {
			res.resume();
			res.on('end', () => resolve(res.statusCode ?? 0));
		})
			.on('error', reject)
			.end();
	});
}

test('login --browser: the printed URL, opened by another process, comes back to the loopback redirect on /m365/commerce; the same cache then serves whoami', async () => {
	const emu = await emulator();
	const home = await freshHome();
	const env = cliEnv(emu, home);
	const child = spawn(process.execPath, ['--import', 'tsx', 'source/cli.tsx', 'login', '--browser'], {env: {PATH: process.env.PATH, NO_COLOR: '1', ...env}, stdio: ['ignore', 'pipe', 'pipe']});
	after(() => void child.kill());
	let stderr = '';
	const url = await new Promise<string>((resolve, reject) => {
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
			const found = /^ {2}(https:\/\/\S+authorize\S+)$/m.exec(stderr);
			if (found) resolve(found[1]!);
		});
		child.on('close', () => reject(new Error(`login ended before printing a URL:\n${stderr}`)));
	});
	const redirect = new URL(new URL(url).searchParams.get('redirect_uri') ?? '');
	assert.equal(redirect.pathname, '/m365/commerce', "the module's registered path is kept");
	// The browser: the approve page, then the form posted, then the redirect followed to the loopback.
	const page = await browse(emu, url);
	assert.equal(page.status, 200);
	assert.match(page.body, /<form method="post">/);
	const hidden = Object.fromEntries([...page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(m => [m[1]!, m[2]!.replaceAll('&amp;', '&')]));
	const approved = await browse(emu, url, {...hidden, username: 'admin@contoso.onmicrosoft.com', action: 'approve'});
	assert.equal(approved.status, 302);
	assert.match(approved.location ?? '', /^http:\/\/localhost:\d+\/m365\/commerce\?.*code=/);
	assert.equal(await get(approved.location!), 200);
	const code = await new Promise<number | null>(resolve => child.on('close', resolve));
	assert.equal(code, 0, stderr);
	assert.match(stderr, /Signed in as admin@contoso\.onmicrosoft\.com/);
	assert.match(stderr, new RegExp(`ssh -L ${redirect.port}:localhost:${redirect.port} THIS-HOST`), 'over SSH, the line that forwards the port');
	const who = await runCli(['whoami', '--json'], env);
	assert.equal(who.code, 0, who.stderr);
	assert.equal((JSON.parse(who.stdout) as {username: string}).username, 'admin@contoso.onmicrosoft.com');
	assert.equal(emu.requests.filter(r => r.path.includes('/devicecode')).length, 0, 'no device code anywhere');
});

test('a partner account signed in once lists a customer tenant silently (GDAP), writes where the relationship has Billing Administrator, and is told why not where it has not', async () => {
	const emu = await emulator({onDeviceCode: code => setTimeout(() => emu.approve(code, PARTNER), 50)});
	const home = await freshHome();
	const env = cliEnv(emu, home);
	const login = await runCli(['login'], env);
	assert.equal(login.code, 0, login.stderr);
	const codes = emu.requests.filter(r => r.path.includes('/devicecode')).length;
	const contoso = await runCli(['products', 'list', '--json', '--tenant', CONTOSO], env);
	assert.equal(contoso.code, 0, contoso.stderr);
	assert.equal(emu.requests.filter(r => r.path.includes('/devicecode')).length, codes, 'no second sign-in');
	const who = JSON.parse((await runCli(['whoami', '--json', '--tenant', CONTOSO], env)).stdout) as {username: string; tenantId: string; tenant?: string; canChangePolicies: boolean};
	assert.deepEqual([who.username, who.tenantId, who.tenant, who.canChangePolicies], [PARTNER, emu.accounts[0]!.tenantId, undefined, true], "the partner's own domain is never shown as the customer's");
	const write = await runCli(['products', 'set', 'CFQ7TTC0HD33', 'Disabled', '--yes', '--tenant', CONTOSO], env);
	assert.equal(write.code, 0, write.stderr);
	assert.match(write.stderr, new RegExp(`tenant ${emu.accounts[0]!.tenantId} as ${PARTNER.replace('.', '\\.')}`));
	const reader = await runCli(['products', 'set', 'CFQ7TTC0HD33', 'Disabled', '--yes', '--tenant', FABRIKAM], env);
	assert.equal(reader.code, 4, reader.stderr);
	assert.match(reader.stderr, /partner \(GDAP\) relationship: changing policies needs the Billing Administrator/);
	const accounts = JSON.parse((await runCli(['account', 'list', '--json'], env)).stdout) as Array<{username: string; tenantsUsed: string[]}>;
	assert.deepEqual(accounts.map(a => a.username), [PARTNER], 'one account, however many tenants it has used');
	assert.ok(accounts[0]!.tenantsUsed.includes(emu.accounts[0]!.tenantId), 'the tenants it has used are listed');
});
