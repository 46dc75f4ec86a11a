/**
 * Writes you can trust (docs/writes.md), against the emulator over HTTPS: a second admin changing
 * the same rows while the first confirms, a 200 that did not apply, an audit log that cannot be
 * written, and Ctrl-C at the question and in the middle of a bulk write.
 */
import assert from 'node:assert/strict';
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {test} from 'node:test';
import {applyCommand} from '../../source/commands/baseline.js';
import {undoCommand} from '../../source/commands/history.js';
import {setCommand} from '../../source/commands/rows.js';
import {changeSets, readAudit, startChangeSet} from '../../source/commerce/audit.js';
import {catalog} from '../../source/commerce/catalog.js';
import {applyWrites, planChanges} from '../../source/commerce/changes.js';
import {serviceTarget} from '../../source/commerce/client.js';
import type {Emulator} from '../../source/emulator/index.js';
import {clientFor, emulator} from '../support/emulator.js';
import {home} from './guard-helpers.js';

const P = 'AllowSelfServicePurchase';
const tenantOf = (emu: Emulator) => emu.accounts[0]!.tenantId;
const valueOf = (emu: Emulator, id: string) => {
	const state = emu.tenantState(tenantOf(emu));
	return (state.products.find(p => p.productId === id) ?? state.offerTypes.find(o => o.scopeId === id))?.policyValue;
};
const puts = (emu: Emulator) => emu.requests.filter(r => r.method === 'PUT');
const TENANT_LINE = /tenant contoso\.onmicrosoft\.com \([0-9a-f-]{36}\) as admin@contoso\.onmicrosoft\.com/;

test("products set: another admin changes the row while [y/N] waits; y leaves their value, says so, logs it skipped, and offers no undo", async () => {
	const emu = await emulator();
	const user = await home(emu);
	const run = await user.run(ctx => setCommand(ctx, 'product', ['CFQ7TTC0HD33', 'Disabled'], {}), {}, {
		terminal: {when: /\[y\/N\]/, before: () => emu.setValue(undefined, 'product', 'CFQ7TTC0HD33', 'OnlyTrialsWithoutPaymentMethod'), answer: 'y'},
	});
	assert.equal(run.code, 5, run.stderr);
	assert.match(run.stderr, new RegExp(`Plan for ${TENANT_LINE.source}, policy AllowSelfServicePurchase`), 'the plan names the tenant and account');
	assert.match(run.stderr, new RegExp(`Change 1 row in ${TENANT_LINE.source}\\? \\[y/N\\]`), 'so does the question');
	assert.match(run.stdout, /Visio Plan 1\s+CFQ7TTC0HD33\s+Enabled\s+Trials only\s+skipped: changed by someone else/);
	assert.match(run.stderr, /Visio Plan 1 \(CFQ7TTC0HD33\): skipped: someone else changed it to OnlyTrialsWithoutPaymentMethod \(it was Enabled when you confirmed\); left alone/);
	assert.match(run.stderr, /Partly done in tenant .*: 0 changed, 1 skipped/);
	assert.doesNotMatch(run.stderr, /mscommerce undo/, 'nothing changed: no undo offered');
	assert.equal(valueOf(emu, 'CFQ7TTC0HD33'), 'OnlyTrialsWithoutPaymentMethod', "the other admin's value stands");
	assert.equal(puts(emu).length, 0, 'nothing was sent');
	const [set] = changeSets((await readAudit(user.stateDir)).entries);
	assert.deepEqual([set?.changed, set?.skipped, set?.rows[0]?.now], [0, 1, 'OnlyTrialsWithoutPaymentMethod']);
	const undo = await user.run(ctx => undoCommand(ctx, undefined, {yes: true}));
	assert.equal(undo.code, 2);
	assert.match(undo.stderr, /nothing to undo/);
});

test('baseline apply: rows another admin changes between the confirmation and the write are skipped and named; the rest is written', async () => {
	const emu = await emulator();
	const user = await home(emu);
	const file = join(user.dir, 'baseline.yaml');
	await writeFile(file, 'products:\n  default: Disabled\n');
	const run = await user.run(ctx => applyCommand(ctx, {file}), {json: true}, {
		terminal: {
			when: /\[y\/N\]/,
			before: () => {
				emu.setValue(undefined, 'product', 'CFQ7TTC0HD33', 'OnlyTrialsWithoutPaymentMethod');
				emu.setValue(undefined, 'product', 'CFQ7TTC0H9MP', 'Disabled');
			},
			answer: 'y',
		},
	});
	assert.equal(run.code, 5, run.stderr);
	const rows = JSON.parse(run.stdout) as Array<{id: string; result: string; now: string; tenant: string}>;
	const byId = new Map(rows.map(row => [row.id, row]));
	assert.deepEqual([byId.get('CFQ7TTC0HD33')?.result, byId.get('CFQ7TTC0HD33')?.now], ['skipped', 'OnlyTrialsWithoutPaymentMethod']);
	assert.deepEqual([byId.get('CFQ7TTC0H9MP')?.result, byId.get('CFQ7TTC0H9MP')?.now], ['already', 'Disabled'], 'already at the wanted value: done, no write, no conflict');
	// Every product but the two changed behind its back.
	const written = catalog.products.length - 2;
	assert.equal(rows.filter(row => row.result === 'changed').length, written);
	assert.ok(rows.every(row => row.tenant === tenantOf(emu)));
	assert.equal(valueOf(emu, 'CFQ7TTC0HD33'), 'OnlyTrialsWithoutPaymentMethod');
	assert.equal(puts(emu).length, written, 'one write per changed row, none for the others');
});

test('undo: a row another admin changes while the undo waits for its answer is left alone and reported', async () => {
	const emu = await emulator();
	const user = await home(emu);
	assert.equal((await user.run(ctx => setCommand(ctx, 'product', ['CFQ7TTC0HD33', 'CFQ7TTC0HD32', 'Disabled'], {yes: true}))).code, 0);
	const undo = await user.run(ctx => undoCommand(ctx, undefined, {}), {}, {
		terminal: {when: /\[y\/N\]/, before: () => emu.setValue(undefined, 'product', 'CFQ7TTC0HD32', 'OnlyTrialsWithoutPaymentMethod'), answer: 'y'},
	});
	assert.equal(undo.code, 5, undo.stderr);
	assert.match(undo.stdout, /Visio Plan 2\s+CFQ7TTC0HD32\s+Disabled\s+Trials only\s+skipped: changed by someone else/);
	assert.deepEqual([valueOf(emu, 'CFQ7TTC0HD33'), valueOf(emu, 'CFQ7TTC0HD32')], ['Enabled', 'OnlyTrialsWithoutPaymentMethod']);
});

test('a 200 whose answer still holds the old value is "not applied": a failure, never "changed"', async () => {
	const emu = await emulator();
	const user = await home(emu);
	emu.setFaults('ignore=1x');
	const run = await user.run(ctx => setCommand(ctx, 'product', ['CFQ7TTC0HD33', 'Disabled'], {yes: true}), {json: true});
	assert.equal(run.code, 5, run.stderr);
	const [row] = JSON.parse(run.stdout) as Array<{result: string; now: string; error: {kind: string; title: string}}>;
	assert.deepEqual([row?.result, row?.now, row?.error.kind, row?.error.title], ['failed', 'Enabled', 'not-applied', 'Not applied: the service still holds Enabled']);
	const [set] = changeSets((await readAudit(user.stateDir)).entries);
	assert.deepEqual([set?.changed, set?.failed], [0, 1]);
	// Running it again finishes the job.
	assert.equal((await user.run(ctx => setCommand(ctx, 'product', ['CFQ7TTC0HD33', 'Disabled'], {yes: true}))).code, 0);
	assert.equal(valueOf(emu, 'CFQ7TTC0HD33'), 'Disabled');
});

test('an audit log that cannot be written: no write is sent, the command fails loudly, and the change set is printed on stderr', async () => {
	const emu = await emulator();
	const user = await home(emu);
	// Tests run as root, who may write a read-only file: a directory in the log's place cannot be
	// appended to by anyone. It appears while the question waits, after the log was found writable.
	const log = join(user.stateDir, 'audit.jsonl');
	const run = await user.run(ctx => setCommand(ctx, 'product', ['CFQ7TTC0HD33', 'CFQ7TTC0HD32', 'Disabled'], {}), {}, {
		terminal: {when: /\[y\/N\]/, before: async () => {
			await rm(log);
			await mkdir(log);
		}, answer: 'y'},
	});
	assert.equal(run.code, 1, run.stderr);
	assert.equal(puts(emu).length, 0, 'no write the log could not tell about');
	assert.match(run.stderr, /error: the audit log could not be written \(The audit log .*audit\.jsonl could not be written: EISDIR/);
	assert.match(run.stderr, /"id":"CFQ7TTC0HD33".*"result":"failed"/);
	assert.equal(valueOf(emu, 'CFQ7TTC0HD33'), 'Enabled');
});

test('Ctrl-C at the [y/N] question exits 130 at once and logs nothing', async () => {
	const emu = await emulator();
	const user = await home(emu);
	const controller = new AbortController();
	const run = await user.run(ctx => setCommand(ctx, 'product', ['CFQ7TTC0HD33', 'Disabled'], {}), {}, {
		onStderr: (_text, all) => {
			if (/\[y\/N\] $/.test(all)) setImmediate(() => controller.abort('SIGINT'));
		},
		terminal: {when: /never/, answer: ''},
		controller,
	});
	assert.equal(run.code, 130, run.stderr);
	assert.match(run.stderr, /Interrupted: nothing changed/);
	assert.deepEqual((await readAudit(user.stateDir)).entries, []);
	assert.equal(puts(emu).length, 0);
});

/** Aborts `controller` (as the first Ctrl-C would) once the audit log holds an intent: writes are in flight. */
function abortOnFirstIntent(stateDir: string, controller: AbortController, reason = 'SIGINT'): () => void {
	const timer = setInterval(() => {
		readFile(join(stateDir, 'audit.jsonl'), 'utf8').then(
			text => {
				if (text.includes('"result":"intent"') && !controller.signal.aborted) controller.abort(reason);
			},
			() => undefined,
		);
	}, 5);
	return () => clearInterval(timer);
}

/** Every product's value in the emulator against what the audit log says was written. */
async function auditMatchesService(emu: Emulator, stateDir: string): Promise<{ok: string[]; unknown: string[]}> {
	const sets = changeSets((await readAudit(stateDir)).entries);
	const rows = sets.flatMap(set => set.rows);
	const ok = rows.filter(row => row.status === 'ok').map(row => row.id).sort();
	const disabled = emu.tenantState(tenantOf(emu)).products.filter(p => p.policyValue === 'Disabled').map(p => p.productId).sort();
	assert.deepEqual(ok, disabled, 'every row the service changed is logged ok, and no other');
	return {ok, unknown: rows.filter(row => row.status === 'unknown').map(row => row.id)};
}

test('Ctrl-C in the middle of a bulk write: nothing more is sent, the writes in flight are waited for, exit 130, and the audit log matches the service row for row', async () => {
	const emu = await emulator();
	const user = await home(emu);
	const file = join(user.dir, 'baseline.yaml');
	await writeFile(file, 'products:\n  default: Disabled\n');
	// Each write is applied at once and answered 400 ms later.
	emu.setFaults('late=400ms');
	const controller = new AbortController();
	const stop = abortOnFirstIntent(user.stateDir, controller);
	const run = await user.run(ctx => applyCommand(ctx, {file, yes: true}), {json: true}, {controller}).finally(stop);
	assert.equal(run.code, 130, run.stderr);
	assert.match(run.stderr, /Stopping: \d+ writes? in flight; waiting up to 10 s for the answers/);
	const rows = JSON.parse(run.stdout) as Array<{result: string}>;
	const changed = rows.filter(row => row.result === 'changed').length;
	const notSent = rows.filter(row => row.result === 'not sent').length;
	assert.ok(changed > 0 && notSent > 0, `some written (${changed}), some never sent (${notSent})`);
	assert.equal(changed + notSent, catalog.products.length);
	assert.match(run.stderr, new RegExp(`Interrupted in tenant .*: ${changed} changed, ${notSent} not sent`));
	const {ok, unknown} = await auditMatchesService(emu, user.stateDir);
	assert.equal(ok.length, changed);
	assert.deepEqual(unknown, []);
});

test('a write answered later than the engine waits is settled by a re-read: applied writes are logged ok, never "failed: cancelled"', async () => {
	const emu = await emulator();
	const user = await home(emu);
	const client = clientFor(emu, emu.tokens.admin);
	const rows = await client.listRows(P, 'product');
	emu.setFaults('late=800ms');
	const journal = startChangeSet({stateDir: user.stateDir, source: 'test', account: 'a', tenant: tenantOf(emu), policyId: P});
	const stop = new AbortController();
	// Ctrl-C once the service has applied eight writes (the engine's eight in flight), whose answers
	// are still 800 ms away: not after a fixed time, which a busy machine may not have reached.
	const disabled = () => emu.tenantState(tenantOf(emu)).products.filter(p => p.policyValue === 'Disabled').length;
	const watch = setInterval(() => {
		if (disabled() >= 8) stop.abort('SIGINT');
	}, 5);
	const result = await applyWrites(serviceTarget(client, P), planChanges(rows, 'Disabled').changes, {journal, stop: stop.signal, drainMs: 100}).finally(() => clearInterval(watch));
	assert.equal(result.interrupted, true);
	const kinds = new Set(result.outcomes.map(o => o.kind));
	assert.ok(!kinds.has('unknown'), 'every write in flight was settled by the re-read');
	const changed = result.outcomes.filter(o => o.kind === 'changed').length;
	assert.ok(changed >= 8, `the eight writes in flight applied and are known to have (${changed})`);
	await auditMatchesService(emu, user.stateDir);
});
