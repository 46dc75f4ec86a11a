/**
 * The Tenant switches tab on the real program (source/ui/realBackend.ts, realSwitches.ts) against
 * the emulator over real HTTPS, nothing of the HTTP layer mocked: the dashboard signs in to the
 * licensing service with a device code, the tab asks Microsoft Graph for nothing until Enter, then
 * signs in to Graph with a device code of its own (approved through the emulator, as a person
 * would on /devicelogin), reads the switches, and writes trialsOnBehalfOfOrg off through the one
 * engine: Graph holds off, the audit log has the change set, and `mscommerce history` lists it.
 */
import assert from 'node:assert/strict';
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {after, test} from 'node:test';
import {cleanup, render} from 'ink-testing-library';
import {createElement} from 'react';
import {changeSets, readAudit} from '../../source/commerce/audit.js';
import {createContext} from '../../source/commands/context.js';
import type {Io} from '../../source/commands/output.js';
import {resolveSettings} from '../../source/config.js';
import {App} from '../../source/ui/App.js';
import {createBackend} from '../../source/ui/realBackend.js';
import {cliEnv, runCli} from '../support/cli.js';
import {emulator} from '../support/emulator.js';

const ADMIN = 'admin@contoso.onmicrosoft.com';

/** Polls until `check` holds; the last frame in the message when it never does. */
async function until(check: () => boolean, what: () => string, timeoutMs = 15_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
		await new Promise(resolve => setTimeout(resolve, 20));
	}
}

test('the switches tab signs in to Microsoft Graph with a device code approved through the emulator, writes trialsOnBehalfOfOrg off, and the audit log has the line', async () => {
	const emu = await emulator({deviceCodeIntervalSeconds: 0.1});
	const home = await mkdtemp(join(tmpdir(), 'mscommerce-switches-dashboard-'));
	const settings = resolveSettings(
		{authority: emu.authority, licensingUrl: emu.licensingUrl, graphUrl: emu.graphUrl},
		{HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state')},
		false,
	);
	const io: Io = {stdout: {write: () => true}, stderr: {write: () => true}, stdin: Readable.from([]) as NodeJS.ReadableStream};
	const ctx = createContext(settings, io, new AbortController().signal, {ca: [emu.caPem], slowDownStepMs: 100});
	after(async () => ctx.net.close());
	const backend = createBackend(ctx);
	const app = render(createElement(App, {backend, onExit: () => undefined}));
	after(() => cleanup());
	const frame = () => app.lastFrame() ?? '';
	const see = (...texts: string[]) => until(() => texts.every(text => frame().includes(text)), () => `"${texts.join('", "')}" in\n${frame()}`);
	const press = async (...keys: string[]) => {
		for (const key of keys) {
			app.stdin.write(key);
			await new Promise(resolve => setImmediate(resolve));
		}
	};
	const graphRequests = () => emu.requests.filter(r => /authorizationPolicy|appsAndServices/i.test(r.path));
	const codeRequests = () => emu.requests.filter(r => /devicecode/i.test(r.path));

	// The licensing sign-in: a device code, approved by the person on /devicelogin.
	await until(() => emu.pendingCodes().length === 1, () => `the licensing code in\n${frame()}`);
	const [licensingCode] = emu.pendingCodes();
	await see(`(type it as ${licensingCode})`);
	emu.approve(licensingCode!, ADMIN);
	await see('Clipchamp Premium', '›');

	// Tenant switches: nothing asked of Graph, and no device code, until Enter.
	await press('\t', '\t');
	await see('Enter: sign in to Microsoft Graph', 'a separate service');
	await new Promise(resolve => setTimeout(resolve, 300));
	assert.deepEqual(graphRequests(), [], 'no Graph request before Enter');
	assert.equal(codeRequests().length, 1, "the licensing code only: the tab started no device code by itself");
	assert.deepEqual(emu.pendingCodes(), []);

	await press('\r');
	await until(() => emu.pendingCodes().length === 1, () => `the Graph code in\n${frame()}`);
	const [graphCode] = emu.pendingCodes();
	await see('Sign in to Microsoft Graph, for the tenant-wide switches', `(type it as ${graphCode})`, `${emu.url}/devicelogin`);
	emu.approve(graphCode!, ADMIN);
	await see('trialsOnBehalfOfOrg', 'officeStore', 'Tenant switches 4');
	assert.match(frame(), /trialsOnBehalfOfOrg\s+on\s/);

	// d on trialsOnBehalfOfOrg: confirmed, written through Graph, verified.
	await press('j', 'j', 'd');
	await see('Change trialsOnBehalfOfOrg (trials on behalf of the organization)', 'on → off', `as ${ADMIN}`);
	assert.equal(graphRequests().filter(r => r.method === 'PATCH').length, 0, 'nothing sent before yes');
	await press('y');
	await see('trialsOnBehalfOfOrg: on → off, saved (Microsoft Graph holds off)');
	assert.match(frame(), /trialsOnBehalfOfOrg\s+off\s/);
	assert.equal(emu.switches().isAppAndServicesTrialEnabled, false, 'the emulator holds off');
	assert.equal(emu.switches().isOfficeStoreEnabled, true, 'only that property was sent');

	const stateDir = join(home, 'state', 'mscommerce');
	const [set] = changeSets((await readAudit(stateDir)).entries);
	assert.equal(set?.source, 'dashboard');
	assert.equal(set?.account, ADMIN);
	assert.deepEqual(
		set?.entries.map(e => [e.scope, e.id, e.from, e.to, e.result]),
		[
			['switch', 'trialsOnBehalfOfOrg', 'on', 'off', 'intent'],
			['switch', 'trialsOnBehalfOfOrg', 'on', 'off', 'ok'],
		],
	);
	assert.equal(set?.entries[1]?.now, 'off');

	// The change set as `mscommerce history` lists it.
	const history = await runCli(['history', '--json'], cliEnv(emu, home));
	assert.equal(history.code, 0, history.stderr);
	const listed = JSON.parse(history.stdout) as Array<{id: string; source: string; rows: Array<{scope: string; id: string; from: string; to: string}>}>;
	assert.equal(listed.length, 1);
	assert.equal(listed[0]?.source, 'dashboard');
	assert.deepEqual(listed[0]?.rows.map(row => [row.scope, row.id, row.from, row.to]), [['switch', 'trialsOnBehalfOfOrg', 'on', 'off']]);
});
