/**
 * Guarding a tenant under stress, command by command in this process against the emulator over
 * HTTPS: bulk writes through 429 bursts and dropped connections, re-runs that finish a partial
 * apply without writing anything twice, new products, the audit log of every write path, and undo
 * that never overwrites a later change.
 */
import assert from 'node:assert/strict';
import {stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {test} from 'node:test';
import {applyCommand, planCommand} from '../../source/commands/baseline.js';
import {historyCommand, undoCommand} from '../../source/commands/history.js';
import {listCommand, setCommand} from '../../source/commands/rows.js';
import {changeSets, readAudit, startChangeSet} from '../../source/commerce/audit.js';
import {catalog} from '../../source/commerce/catalog.js';
import {countOutcomes, planChanges, rowKey} from '../../source/commerce/changes.js';
import {serviceTarget} from '../../source/commerce/client.js';
import {ChangeSession} from '../../source/commerce/session.js';
import type {Emulator} from '../../source/emulator/index.js';
import {clientFor, emulator} from '../support/emulator.js';
import {home} from './guard-helpers.js';

const P = 'AllowSelfServicePurchase';
const tenantOf = (emu: Emulator) => emu.accounts[0]!.tenantId;
const productValue = (emu: Emulator, id: string) => emu.tenantState(tenantOf(emu)).products.find(p => p.productId === id)?.policyValue;

/** Successful PUTs per row path. */
function writesPerRow(emu: Emulator): Map<string, number> {
	const counts = new Map<string, number>();
	for (const r of emu.requests) if (r.method === 'PUT' && r.status === 200) counts.set(r.path, (counts.get(r.path) ?? 0) + 1);
	return counts;
}

async function baselineFile(dir: string, text: string): Promise<string> {
	const file = join(dir, `baseline-${Math.random().toString(36).slice(2)}.yaml`);
	await writeFile(file, text);
	return file;
}

const ALL_DISABLED = 'policy: AllowSelfServicePurchase\nproducts:\n  default: Disabled\nofferTypes:\n  default: Disabled\n';

test('apply through 429 bursts and dropped connections: a partial result exits 5, the re-run finishes the rest, nothing is written twice', async () => {
	const emu = await emulator();
	const user = await home(emu);
	const file = await baselineFile(user.dir, ALL_DISABLED);
	const rows = emu.tenantState(tenantOf(emu)).products.length + emu.tenantState(tenantOf(emu)).offerTypes.length;
	// Dropped connections and 429s are retried (the shared policy); a 500 is not: exactly those rows fail.
	emu.setFaults('drop=3x,429=3x,retry-after=0,500=2x,writes-only');
	const partial = await user.run(ctx => applyCommand(ctx, {file, yes: true}), {json: true});
	assert.equal(partial.code, 5, partial.stderr);
	const results = JSON.parse(partial.stdout) as Array<{id: string; result: string; error?: {title: string}}>;
	const failed = results.filter(r => r.result === 'failed');
	assert.equal(results.length, rows);
	assert.equal(failed.length, 2);
	for (const f of failed) assert.equal(f.error?.title, 'The licensing service failed (500)');
	assert.match(partial.stderr, new RegExp(`Partly done in tenant contoso\\.onmicrosoft\\.com \\([0-9a-f-]+\\) as admin@contoso\\.onmicrosoft\\.com: ${rows - 2} changed, 2 failed\\.[\\s\\S]*Run the same command again to finish`));
	const faulted = emu.requests.filter(r => r.method === 'PUT' && r.fault);
	assert.deepEqual(['drop', '429', '500'].map(kind => faulted.filter(r => r.fault === kind).length), [3, 3, 2], 'every fault hit a write');

	const rerun = await user.run(ctx => applyCommand(ctx, {file, yes: true}), {json: true});
	assert.equal(rerun.code, 0, rerun.stderr);
	assert.deepEqual((JSON.parse(rerun.stdout) as Array<{id: string}>).map(r => r.id).sort(), failed.map(f => f.id).sort(), 'the re-run writes only what failed');
	const perRow = writesPerRow(emu);
	assert.equal(perRow.size, rows);
	assert.deepEqual([...new Set(perRow.values())], [1], 'every row written exactly once');
	const state = emu.tenantState(tenantOf(emu));
	assert.ok([...state.products, ...state.offerTypes].every(r => r.policyValue === 'Disabled'));

	const sets = changeSets((await readAudit(user.stateDir)).entries);
	assert.deepEqual(sets.map(s => [s.source, s.changed, s.failed]), [['baseline apply', rows - 2, 2], ['baseline apply', 2, 0]]);
	const synced = await user.run(ctx => planCommand(ctx, {file}));
	assert.equal(synced.code, 0, synced.stderr);
});

test('a product added to the tenant is new in plan and in products list --new until a full text listing shows it', async () => {
	const emu = await emulator();
	const user = await home(emu);
	const first = await user.run(ctx => listCommand(ctx, 'product', undefined, {onlyNew: true}), {json: true});
	assert.equal(first.code, 0, first.stderr);
	assert.deepEqual(JSON.parse(first.stdout), []);
	assert.match(first.stderr, new RegExp(`First look at this tenant's products: remembered ${catalog.products.length}\\b`));

	emu.addProduct(tenantOf(emu), {productId: 'CFQ7TTC0NEW2', productName: 'Northwind Agents'});
	const listNew = async () => (JSON.parse((await user.run(ctx => listCommand(ctx, 'product', undefined, {onlyNew: true}), {json: true})).stdout) as Array<{productId: string}>).map(p => p.productId);
	assert.deepEqual(await listNew(), ['CFQ7TTC0NEW2']);
	assert.deepEqual(await listNew(), ['CFQ7TTC0NEW2'], 'a report does not mark it seen');

	const file = await baselineFile(user.dir, 'products:\n  default: Enabled\n  except:\n    CFQ7TTC0H9MP: Disabled\n');
	const plan = await user.run(ctx => planCommand(ctx, {file}), {json: true});
	assert.equal(plan.code, 6, plan.stderr);
	const report = JSON.parse(plan.stdout) as {drift: Array<{id: string; new: boolean}>; new: Array<{id: string; wanted: string}>};
	assert.deepEqual(report.drift.map(d => [d.id, d.new]), [['CFQ7TTC0H9MP', false]]);
	assert.deepEqual(report.new, [{scope: 'product', id: 'CFQ7TTC0NEW2', name: 'Northwind Agents', current: 'Enabled', wanted: 'Enabled', rule: 'products.default'}]);

	const text = await user.run(ctx => planCommand(ctx, {file}));
	assert.match(text.stderr, /new \(never seen before\): Northwind Agents \(CFQ7TTC0NEW2\) is Enabled, as the baseline wants/);

	const inventory = await user.run(ctx => listCommand(ctx, 'product'), {json: true});
	assert.equal((JSON.parse(inventory.stdout) as unknown[]).length, catalog.products.length + 1);
	assert.deepEqual(await listNew(), ['CFQ7TTC0NEW2'], "a program's JSON listing does not mark it seen");
	const full = await user.run(ctx => listCommand(ctx, 'product'));
	assert.equal(full.code, 0);
	assert.equal(full.stderr, '');
	assert.deepEqual(await listNew(), [], 'a full listing marks it seen');
	const seenDir = join(user.stateDir, 'seen');
	assert.equal((await stat(user.stateDir)).mode & 0o777, 0o700);
	assert.equal((await stat(join(seenDir, `${tenantOf(emu)}@127.0.0.1.json`))).mode & 0o777, 0o600);
});

test('every write path leaves an intent and an outcome line per write: products set, offer-types set, baseline apply, undo, and failed writes', async () => {
	const emu = await emulator();
	const user = await home(emu);
	assert.equal((await user.run(ctx => setCommand(ctx, 'product', ['CFQ7TTC0HD33', 'CFQ7TTC0HD32', 'Disabled'], {yes: true}))).code, 0);
	emu.setFaults('500=1x,writes-only');
	assert.equal((await user.run(ctx => setCommand(ctx, 'offerType', ['SaaS', 'Disabled'], {yes: true}))).code, 5, 'a row failed: exit 5');
	const file = await baselineFile(user.dir, 'offerTypes:\n  default: Disabled\n  except:\n    POWERBIVISUALS: Enabled\n');
	assert.equal((await user.run(ctx => applyCommand(ctx, {file, yes: true}))).code, 0);
	assert.equal((await user.run(ctx => undoCommand(ctx, undefined, {yes: true}))).code, 0);

	const {entries} = await readAudit(user.stateDir);
	assert.equal((await stat(join(user.stateDir, 'audit.jsonl'))).mode & 0o777, 0o600);
	const sets = changeSets(entries);
	assert.deepEqual(
		sets.map(s => [s.source, s.changed, s.failed]),
		[['products set', 2, 0], ['offer-types set', 0, 1], ['baseline apply', 3, 0], ['undo', 3, 0]],
	);
	assert.equal(sets[3]!.undoes, sets[2]!.id);
	const puts = emu.requests.filter(r => r.method === 'PUT');
	assert.equal(entries.filter(e => e.result === 'intent').length, puts.length, 'an intent line before every write');
	assert.equal(entries.filter(e => e.result !== 'intent').length, puts.length, 'and an outcome after it');
	for (const entry of entries) {
		assert.equal(entry.account, 'admin@contoso.onmicrosoft.com');
		assert.equal(entry.tenant, tenantOf(emu));
		assert.equal(entry.policyId, P);
		if (entry.result !== 'intent') assert.ok(puts.some(r => r.correlationId === entry.correlationId), `the correlation ID of ${entry.id} is the request's`);
	}
	const failure = entries.find(e => e.result === 'failed')!;
	assert.deepEqual([failure.id, failure.name, failure.from, failure.to, failure.problem], ['SaaS', 'Software as a Service', 'Enabled', 'Disabled', 'The licensing service failed (500)']);
	const visio = entries.find(e => e.id === 'CFQ7TTC0HD33' && e.result !== 'intent')!;
	assert.deepEqual([visio.scope, visio.name, visio.from, visio.to, visio.result], ['product', 'Visio Plan 1', 'Enabled', 'Disabled', 'ok']);

	const history = await user.run(ctx => historyCommand(ctx));
	assert.match(history.stdout, /^Change set\s+Time\s+Account\s+Tenant\s+Source\s+Rows\n/);
	assert.match(history.stdout.split('\n')[1]!, new RegExp(`^${sets[3]!.id.slice(0, 8)} .* undo ${sets[2]!.id.slice(0, 8)}\\s+3 ok$`), 'newest first');
	assert.match(history.stdout.split('\n')[3]!, /offer-types set\s+0 ok, 1 failed$/);
});

test('undo never overwrites a row changed again since: it reports it, puts back the rest, exits 5, and is a change set of its own', async () => {
	const emu = await emulator();
	const user = await home(emu);
	const set = await user.run(ctx => setCommand(ctx, 'product', ['CFQ7TTC0HD33', 'CFQ7TTC0HD32', 'Disabled'], {yes: true}), {json: true});
	const changeSetId = (JSON.parse(set.stdout) as Array<{changeSetId: string}>)[0]!.changeSetId;
	// Someone else (the admin center, another tool) changes Visio Plan 2 again.
	await clientFor(emu, emu.tokens.admin).setProduct(P, 'CFQ7TTC0HD32', 'Enabled');
	await clientFor(emu, emu.tokens.admin).setProduct(P, 'CFQ7TTC0HD32', 'Disabled');
	await clientFor(emu, emu.tokens.admin).setProduct(P, 'CFQ7TTC0HD32', 'Enabled');
	const writesBefore = emu.requests.filter(r => r.method === 'PUT').length;

	const dry = await user.run(ctx => undoCommand(ctx, changeSetId.slice(0, 8), {dryRun: true}));
	assert.equal(dry.code, 0, dry.stderr);
	assert.match(dry.stdout, /Visio Plan 1\s+CFQ7TTC0HD33\s+Disabled\s+Enabled/);
	const refused = await user.run(ctx => undoCommand(ctx, undefined, {}));
	assert.equal(refused.code, 2, 'without a terminal or --yes nothing is written');
	assert.equal(emu.requests.filter(r => r.method === 'PUT').length, writesBefore);

	const undo = await user.run(ctx => undoCommand(ctx, undefined, {yes: true}));
	assert.equal(undo.code, 5, undo.stderr);
	assert.match(undo.stderr, /left alone: Visio Plan 2 \(CFQ7TTC0HD32\) changed since \(now Enabled; the change set set Disabled\)/);
	assert.match(undo.stderr, /1 row was not undone/);
	assert.equal(productValue(emu, 'CFQ7TTC0HD33'), 'Enabled', 'put back');
	assert.equal(productValue(emu, 'CFQ7TTC0HD32'), 'Enabled', "the later change stands");
	assert.deepEqual(emu.requests.filter(r => r.method === 'PUT').slice(writesBefore).map(r => r.path), [`/v1.0/policies/${P}/products/CFQ7TTC0HD33`]);

	// Undoing the same change set again finds nothing it may write.
	const again = await user.run(ctx => undoCommand(ctx, changeSetId, {yes: true}));
	assert.equal(again.code, 5);
	assert.match(again.stderr, /Nothing to change/);
	const unknown = await user.run(ctx => undoCommand(ctx, 'ffffffff', {yes: true}));
	assert.equal(unknown.code, 2);
	assert.match(unknown.stderr, /no change set ffffffff/);
	const sets = changeSets((await readAudit(user.stateDir)).entries);
	assert.deepEqual(sets.map(s => [s.source, s.changed, s.undoes ?? null]), [['products set', 2, null], ['undo', 1, changeSetId]]);
});

test('baseline apply off a terminal without --yes refuses, and --dry-run lists the drift and writes nothing', async () => {
	const emu = await emulator();
	const user = await home(emu);
	const file = await baselineFile(user.dir, ALL_DISABLED);
	const rows = catalog.products.length + catalog.offerTypes.length;
	const refused = await user.run(ctx => applyCommand(ctx, {file}));
	assert.equal(refused.code, 2);
	assert.match(refused.stderr, new RegExp(`refusing to change ${rows} rows without confirmation: pass --yes`));
	const dry = await user.run(ctx => applyCommand(ctx, {file, dryRun: true}), {json: true});
	assert.equal(dry.code, 0, dry.stderr);
	assert.equal((JSON.parse(dry.stdout) as unknown[]).length, rows);
	assert.match(dry.stderr, new RegExp(`Dry run: ${rows} changes planned in tenant contoso\\.onmicrosoft\\.com \\([0-9a-f-]+\\) as admin@contoso\\.onmicrosoft\\.com, nothing written`));
	assert.equal(emu.requests.filter(r => r.method === 'PUT').length, 0);
	assert.equal((await readAudit(user.stateDir)).entries.length, 0, 'nothing written, nothing logged');
});

test("the dashboard's path: a bulk change and its retry (R) are one change set in the log, u undoes it as a change set of its own and leaves later changes alone", async () => {
	const emu = await emulator();
	const user = await home(emu);
	const client = clientFor(emu, emu.tokens.admin);
	const meta = {stateDir: user.stateDir, source: 'dashboard', account: 'admin@contoso.onmicrosoft.com', tenant: tenantOf(emu), policyId: P};
	const session = new ChangeSession({target: serviceTarget(client, P), journal: options => startChangeSet({...meta, ...options})});
	const rows = (await client.listRows(P, 'product')).filter(r => r.name.startsWith('Windows 365') || r.name.startsWith('Visio'));
	assert.equal(rows.length, 5);
	emu.setFaults('500=1x,writes-only');
	const seen: string[] = [];
	const bulk = await session.apply({...planChanges(rows, 'Disabled'), kind: 'set'}, outcome => seen.push(outcome.change.row.id));
	assert.equal(seen.length, 5, 'each row is reported as its write returns');
	assert.deepEqual(Object.entries(countOutcomes(bulk.outcomes)).filter(([, n]) => n > 0), [['changed', 4], ['failed', 1]]);
	// R: the failed rows again, in the same change set: one confirmation, one change set.
	const current = new Map((await client.listRows(P, 'product')).map(row => [rowKey(row), row]));
	const retry = await session.apply(session.retryPlan(key => current.get(key)), () => undefined);
	assert.deepEqual(retry.outcomes.map(o => o.kind), ['changed']);
	// Someone changes one of the rows the bulk change wrote; then u undoes the bulk change set.
	const later = rows.find(row => row.id === 'CFQ7TTC0HD33')!;
	await client.setProduct(P, later.id, 'OnlyTrialsWithoutPaymentMethod');
	// The screen does not know yet: the plan is made from what it shows, the engine re-reads.
	const shown = new Map([...current].map(([key, row]) => [key, rows.some(r => rowKey(r) === key) ? {...row, value: 'Disabled' as const} : row]));
	const undo = session.undoPlan(key => shown.get(key))!;
	assert.equal(undo.changes.length, 5, 'from the screen, all five look undoable');
	const undone = await session.apply(undo, () => undefined);
	assert.deepEqual(undone.outcomes.filter(o => o.kind === 'conflict').map(o => o.change.row.id), [later.id], 'the later change is left alone, and said so');
	assert.equal(productValue(emu, later.id), 'OnlyTrialsWithoutPaymentMethod');
	for (const row of rows) if (row !== later) assert.equal(productValue(emu, row.id), 'Enabled');
	const sets = changeSets((await readAudit(user.stateDir)).entries);
	assert.deepEqual(sets.map(s => [s.source, s.changed, s.failed, s.skipped, s.undoes ?? null]), [
		['dashboard', 5, 0, 0, null],
		['dashboard', 4, 0, 1, sets[0]!.id],
	]);
	assert.equal(session.canUndo, false, 'an undo is not itself offered for undo');
});
