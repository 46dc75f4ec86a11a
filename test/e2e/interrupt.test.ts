/**
 * Stopping the built binary in the middle of `baseline apply`, as a person or a service manager
 * does: Ctrl-C (SIGINT), SIGTERM and `kill -9`. The emulator applies each write at once and
 * answers it late, so writes are in flight when the signal lands. Afterwards the audit log must
 * agree with the service row for row, and undo must put back exactly what the run wrote.
 */
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtemp, readFile, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {changeSets, readAudit} from '../../source/commerce/audit.js';
import {catalog} from '../../source/commerce/catalog.js';
import type {Emulator} from '../../source/emulator/index.js';
import {cliEnv} from '../support/cli.js';
import {emulator} from '../support/emulator.js';

type Result = {code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string};

const tenantOf = (emu: Emulator) => emu.accounts[0]!.tenantId;
const disabled = (emu: Emulator) => emu.tenantState(tenantOf(emu)).products.filter(p => p.policyValue === 'Disabled').map(p => p.productId).sort();

function start(args: string[], env: NodeJS.ProcessEnv): {child: ChildProcess; done: Promise<Result>} {
	const child = spawn(process.execPath, ['bin/mscommerce.js', ...args], {env: {PATH: process.env.PATH, NO_COLOR: '1', ...env}, stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const done = new Promise<Result>(resolve => child.on('close', (code, signal) => resolve({code, signal, stdout, stderr})));
	return {child, done};
}

/** Resolves once `ready()` holds, polling. */
async function until(ready: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await ready())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 5));
	}
}

async function intents(stateDir: string): Promise<number> {
	const text = await readFile(join(stateDir, 'audit.jsonl'), 'utf8').catch(() => '');
	return text.split('"result":"intent"').length - 1;
}

async function setup(late: string) {
	const emu = await emulator({faults: late});
	const home = await mkdtemp(join(tmpdir(), 'mscommerce-interrupt-'));
	const env = cliEnv(emu, home, {MSCOMMERCE_TOKEN: emu.tokens.admin});
	const file = join(home, 'baseline.yaml');
	await writeFile(file, 'products:\n  default: Disabled\n');
	return {emu, env, file, stateDir: join(home, 'state', 'mscommerce')};
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
	test(`${signal} with writes in flight: nothing more is sent, the answers are waited for, exit ${code}, the audit log matches the service`, async () => {
		const {emu, env, file, stateDir} = await setup('late=500ms');
		const run = start(['baseline', 'apply', '--file', file, '--yes', '--json'], env);
		await until(async () => (await intents(stateDir)) > 0, 'the first write');
		run.child.kill(signal);
		const result = await run.done;
		assert.equal(result.code, code, result.stderr);
		assert.match(result.stderr, /Stopping: \d+ writes? in flight/);
		const rows = JSON.parse(result.stdout) as Array<{id: string; result: string}>;
		const changed = rows.filter(row => row.result === 'changed').map(row => row.id).sort();
		assert.ok(changed.length > 0 && changed.length < rows.length, `some rows written (${changed.length} of ${rows.length})`);
		assert.deepEqual(changed, disabled(emu), 'what it says it changed is what the service holds');
		const logged = changeSets((await readAudit(stateDir)).entries).flatMap(set => set.rows);
		assert.deepEqual(logged.filter(row => row.status === 'ok').map(row => row.id).sort(), disabled(emu), 'and so does the audit log');
		assert.equal(logged.filter(row => row.status === 'unknown').length, 0);
	});
}

test('kill -9 with writes in flight: history shows them unknown, a re-run finishes, undo re-reads them and puts back exactly what that run left', async () => {
	const {emu, env, file, stateDir} = await setup('late=3000ms');
	const run = start(['baseline', 'apply', '--file', file, '--yes'], env);
	// Eight writes in flight (applied, not yet answered), and no ninth until one is answered.
	await until(async () => (await intents(stateDir)) === 8 && disabled(emu).length === 8, 'eight writes applied and unanswered');
	run.child.kill('SIGKILL');
	assert.equal((await run.done).signal, 'SIGKILL');
	const killed = disabled(emu);
	emu.setFaults('none');

	const history = start(['history'], env);
	const shown = await history.done;
	assert.equal(shown.code, 0, shown.stderr);
	assert.match(shown.stdout, /baseline apply\s+0 ok, 8 unknown/);
	assert.match(shown.stderr, /^unknown: change set [0-9a-f]{8} sent 8 rows with no outcome recorded \(.+ and 5 more\): `mscommerce undo [0-9a-f]{8}` re-reads them/m);

	const rerun = await start(['baseline', 'apply', '--file', file, '--yes'], env).done;
	assert.equal(rerun.code, 0, rerun.stderr);
	assert.match(rerun.stderr, new RegExp(`Changed ${catalog.products.length - 8} rows`));
	assert.equal(disabled(emu).length, catalog.products.length);

	const sets = changeSets((await readAudit(stateDir)).entries);
	const first = sets[0]!;
	const undo = await start(['undo', first.id.slice(0, 8), '--yes', '--json'], env).done;
	assert.equal(undo.code, 0, undo.stderr);
	assert.match(undo.stderr, /8 unknown \(re-read now\)/);
	const undone = (JSON.parse(undo.stdout) as Array<{id: string; result: string}>).filter(row => row.result === 'changed').map(row => row.id).sort();
	assert.deepEqual(undone, killed, 'exactly the rows the killed run had written');
	assert.equal(disabled(emu).length, catalog.products.length - 8, "the re-run's rows stand");
});
