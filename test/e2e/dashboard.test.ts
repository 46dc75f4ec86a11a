/**
 * The built binary in tmux against the emulator, driven by keys as a person would: sign in with
 * the code shown on screen, filter to "visio", change Visio Plan 1 to trials only, confirm, and
 * check both the screen and what the service now holds.
 */
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {catalog} from '../../source/commerce/catalog.js';
import {cliEnv} from '../support/cli.js';
import {emulator} from '../support/emulator.js';

const BIN = join(process.cwd(), 'bin/mscommerce.js');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function tmux(...args: string[]): string {
	return execFileSync('tmux', args, {encoding: 'utf8'});
}

/** A tmux session running the dashboard; read() is the screen as text. */
function openDashboard(env: NodeJS.ProcessEnv, size = {columns: 80, rows: 24}) {
	const session = `mscommerce-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
	const assignments = Object.entries(env).map(([key, value]) => `${key}='${String(value).replace(/'/g, `'\\''`)}'`);
	tmux('new-session', '-d', '-s', session, '-x', String(size.columns), '-y', String(size.rows), `env -i ${assignments.join(' ')} '${process.execPath}' '${BIN}'; sleep 5`);
	after(() => void spawnSync('tmux', ['kill-session', '-t', session]));
	const read = () => tmux('capture-pane', '-p', '-t', session);
	return {
		read,
		keys: (...keys: string[]) => tmux('send-keys', '-t', session, ...keys),
		type: (text: string) => tmux('send-keys', '-t', session, '-l', text),
		async see(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const screen = read();
				if (pattern.test(screen)) return screen;
				if (Date.now() > deadline) assert.fail(`${pattern} never appeared; the screen was:\n${screen}`);
				await sleep(50);
			}
		},
	};
}

test('sign in, filter to visio, set Visio Plan 1 to trials only, confirm: the screen and the service agree, even with CI=true set', {skip: hasTmux ? false : 'tmux is not installed (.ci/run installs it)'}, async () => {
	assert.ok(existsSync(join(process.cwd(), 'dist/cli.js')), 'the binary is built (npm run build)');
	const emu = await emulator();
	const home = await mkdtemp(join(tmpdir(), 'mscommerce-e2e-'));
	// CI=true, as many shells and build agents set it: Ink would then draw nothing until exit.
	const env = {...cliEnv(emu, home), PATH: process.env.PATH ?? '', TERM: 'xterm-256color', LANG: 'C.UTF-8', CI: 'true'};
	const screen = openDashboard(env);

	const signIn = await screen.see(/[A-Z0-9]{4}-[A-Z0-9]{4}/);
	const code = /([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(signIn)?.[1];
	assert.ok(code && emu.pendingCodes().includes(code), `the code on screen (${code}) is the one the service issued`);
	emu.approve(code, 'admin@contoso.onmicrosoft.com');
	await screen.see(/Clipchamp Premium/);
	assert.match(screen.read(), /admin@contoso\.onmicrosoft\.com/);

	screen.keys('/');
	screen.type('visio');
	screen.keys('Enter');
	const filtered = await screen.see(new RegExp(`2 of ${catalog.products.length}`));
	assert.doesNotMatch(filtered, /Power BI Pro/);

	// The filter keeps the list order: Visio Plan 1 comes first.
	const rowLine = () => screen.read().split('\n').find(line => line.includes('Visio Plan 1')) ?? '';
	assert.match(rowLine(), /Enabled/);
	screen.keys('t');
	const dialog = await screen.see(/Enabled\s*→\s*Trials only/);
	assert.match(dialog, /from now on/);
	screen.keys('y');
	await screen.see(/Visio Plan 1.*(Trials only|OnlyTrials)/);
	const state = emu.tenantState(emu.accounts[0]!.tenantId).products.find(p => p.productId === 'CFQ7TTC0HD33');
	assert.equal(state?.policyValue, 'OnlyTrialsWithoutPaymentMethod');
	const puts = emu.requests.filter(r => r.method === 'PUT');
	assert.equal(puts.length, 1);
	assert.match(puts[0]!.path, /CFQ7TTC0HD33/);

	// Every write is in the audit log, as one change set made from the dashboard.
	const {readFile} = await import('node:fs/promises');
	const audit = (await readFile(join(home, 'state', 'mscommerce', 'audit.jsonl'), 'utf8')).trim().split('\n').map(line => JSON.parse(line) as Record<string, string>);
	assert.deepEqual(audit.map(line => line.result), ['intent', 'ok'], 'the intent is logged before the write, the outcome after');
	assert.equal(audit[1]?.source, 'dashboard');
	assert.equal(audit[1]?.id, 'CFQ7TTC0HD33');
	assert.equal(audit[1]?.account, 'admin@contoso.onmicrosoft.com');
	assert.equal(audit[1]?.correlationId, puts[0]!.correlationId);

	// Microsoft adds a product: after a reload it is marked new and counted.
	emu.addProduct(emu.accounts[0]!.tenantId, {productId: 'CFQ7TTC0NEW1', productName: 'Contoso Copilot Add-on'});
	screen.keys('Escape');
	// A lone Escape is held for a moment (it may start an Alt+key): r waits until the filter is gone.
	await screen.see(/^(?![\s\S]*\/visio)/);
	screen.keys('r');
	await screen.see(/1 new/);
	screen.keys('/');
	screen.type('contoso copilot');
	screen.keys('Enter');
	assert.match(await screen.see(/\+ Contoso Copilot Add-on/), new RegExp(`1 of ${catalog.products.length + 1}`));

	screen.keys('q');
	// The terminal is given back: the dashboard's screen is gone.
	await screen.see(/^(?![\s\S]*Clipchamp)(?![\s\S]*Visio Plan 1)/, 5000);
});
