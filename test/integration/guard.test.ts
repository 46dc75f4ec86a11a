/**
 * Guarding a tenant as a user does it, from the README: the CLI as a separate process against the
 * emulator over HTTPS. export → plan (in sync) → edit to "everything Disabled except two" → plan
 * (exit 6, exactly the drift, the new product marked) → apply → plan (exit 0) → history → undo.
 */
import assert from 'node:assert/strict';
import {mkdtemp, readFile, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {catalog} from '../../source/commerce/catalog.js';
import type {Emulator} from '../../source/emulator/index.js';
import {cliEnv, runCli} from '../support/cli.js';
import {emulator} from '../support/emulator.js';

const tenantOf = (emu: Emulator) => emu.accounts[0]!.tenantId;
const state = (emu: Emulator) => emu.tenantState(tenantOf(emu));
const puts = (emu: Emulator) => emu.requests.filter(r => r.method === 'PUT');

/** Every row's value, `scope:id` → value. */
function values(emu: Emulator): Record<string, string> {
	const {products, offerTypes} = state(emu);
	return Object.fromEntries([...products.map(p => [`product:${p.productId}`, p.policyValue]), ...offerTypes.map(o => [`offerType:${o.scopeId}`, o.policyValue])]);
}

const EVERYTHING_DISABLED_EXCEPT_TWO = `# everything Disabled except two
policy: AllowSelfServicePurchase
products:
  default: Disabled
  except:
    CFQ7TTC0HD33: Enabled          # Visio Plan 1
    CFQ7TTC0KP0N: Enabled          # Power Automate per user, by its former ID
offerTypes:
  default: Disabled
`;

test('export, plan in sync, edit to everything Disabled except two, plan shows exactly the drift (exit 6), apply, plan exits 0, history, undo restores the tenant', async () => {
	const emu = await emulator({preset: 'demo'});
	const home = await mkdtemp(join(tmpdir(), 'mscommerce-guard-'));
	const env = cliEnv(emu, home, {MSCOMMERCE_TOKEN: emu.tokens.admin});
	const file = join(home, 'baseline.yaml');

	const exported = await runCli(['baseline', 'export', '--file', file], env);
	assert.equal(exported.code, 0, exported.stderr);
	const yaml = await readFile(file, 'utf8');
	assert.match(yaml, /^policy: AllowSelfServicePurchase$/m);
	assert.match(yaml, /^ {2}default: Enabled/m, "the demo tenant's most common value");
	assert.match(yaml, /^ {4}CFQ7TTC0H9MP: Disabled +# Power BI Pro$/m, 'each except line names its product');
	const inSync = await runCli(['baseline', 'plan', '--file', file], env);
	assert.equal(inSync.code, 0, inSync.stderr);
	assert.equal(inSync.stdout, '');
	const rows = catalog.products.length + catalog.offerTypes.length;
	assert.match(inSync.stderr, new RegExp(`In sync: ${rows} rows match`));

	// Microsoft adds a product after the export: it arrives Enabled.
	emu.addProduct(tenantOf(emu), {productId: 'CFQ7TTC0NEW1', productName: 'Contoso Copilot Trial'});
	const before = values(emu);
	await writeFile(file, EVERYTHING_DISABLED_EXCEPT_TWO);
	const wanted = (key: string) => (key === 'product:CFQ7TTC0HD33' || key === 'product:CFQ7TTC0LH3L' ? 'Enabled' : 'Disabled');
	const expectedDrift = Object.entries(before).filter(([key, value]) => value !== wanted(key)).map(([key]) => key).sort();

	const drift = await runCli(['baseline', 'plan', '--file', file, '--json'], env);
	assert.equal(drift.code, 6, drift.stderr);
	const report = JSON.parse(drift.stdout) as {inSync: boolean; drift: Array<{scope: string; id: string; current: string; wanted: string; new: boolean; rule: string}>; new: Array<{id: string}>};
	assert.equal(report.inSync, false);
	assert.deepEqual(report.drift.map(d => `${d.scope}:${d.id}`).sort(), expectedDrift, 'exactly the rows that differ');
	for (const d of report.drift) assert.equal(d.wanted, wanted(`${d.scope}:${d.id}`));
	assert.deepEqual(report.drift.filter(d => d.new).map(d => d.id), ['CFQ7TTC0NEW1'], 'the product never seen before is marked new');
	assert.equal(report.drift.find(d => d.id === 'CFQ7TTC0NEW1')?.rule, 'products.default');
	assert.match(drift.stderr, /CFQ7TTC0KP0N is the former ID of Power Automate per user; using its current ID CFQ7TTC0LH3L/);
	assert.equal(puts(emu).length, 0, 'plan writes nothing');

	const apply = await runCli(['baseline', 'apply', '--file', file, '--yes'], env);
	assert.equal(apply.code, 0, apply.stderr);
	assert.match(apply.stderr, new RegExp(`Changed ${expectedDrift.length} rows`));
	assert.equal(puts(emu).length, expectedDrift.length, 'only the drift is written');
	for (const [key, value] of Object.entries(values(emu))) assert.equal(value, wanted(key), key);

	const [synced, listNew] = await Promise.all([runCli(['baseline', 'plan', '--file', file], env), runCli(['products', 'list', '--new', '--json'], env)]);
	assert.equal(synced.code, 0, synced.stderr);
	assert.match(synced.stderr, new RegExp(`In sync: ${rows + 1} rows match`), 'and the product added since');
	assert.match(synced.stderr, /new \(never seen before\): Contoso Copilot Trial \(CFQ7TTC0NEW1\) is Disabled, as the baseline wants/);
	assert.equal(listNew.code, 0, listNew.stderr);
	assert.deepEqual((JSON.parse(listNew.stdout) as Array<{productId: string}>).map(p => p.productId), ['CFQ7TTC0NEW1']);

	const history = await runCli(['history', '--json'], env);
	assert.equal(history.code, 0, history.stderr);
	const sets = JSON.parse(history.stdout) as Array<{id: string; source: string; account: string; tenant: string; changed: number; failed: number}>;
	assert.equal(sets.length, 1);
	assert.deepEqual([sets[0]!.source, sets[0]!.account, sets[0]!.tenant, sets[0]!.changed, sets[0]!.failed], ['baseline apply', 'admin@contoso.onmicrosoft.com', tenantOf(emu), expectedDrift.length, 0]);

	const undo = await runCli(['undo', '--yes'], env);
	assert.equal(undo.code, 0, undo.stderr);
	assert.match(undo.stderr, new RegExp(`Undoing change set ${sets[0]!.id.slice(0, 8)} \\(baseline apply`));
	assert.deepEqual(values(emu), before, "the emulator holds the state from before apply");
	assert.equal(puts(emu).length, 2 * expectedDrift.length);
});

test('a bad baseline exits 2 with one line per problem and its path, found in the file and against the tenant, before any write', async () => {
	const emu = await emulator();
	const home = await mkdtemp(join(tmpdir(), 'mscommerce-guard-'));
	const file = join(home, 'bad.yaml');
	await writeFile(
		file,
		['policy: AllowSelfServicePurchase', 'products:', '  default: Disabled', '  except:', '    CFQ7TTC0H9MP: OnlyTrialsWithoutPaymentMethod', '    CFQ7TTC0ZZZZ: Enabled', '    CFQ7TTC0HD33: Sometimes', '  excpet: {}', 'offerTypes:', '  default: Disabled', ''].join('\n'),
	);
	const result = await runCli(['baseline', 'apply', '--file', file, '--yes'], cliEnv(emu, home, {MSCOMMERCE_TOKEN: emu.tokens.admin}));
	assert.equal(result.code, 2, result.stderr);
	assert.deepEqual(result.stderr.trim().split('\n'), [
		`${file}:5: products.except.CFQ7TTC0H9MP: OnlyTrialsWithoutPaymentMethod is not allowed for Power BI Pro (CFQ7TTC0H9MP): it has no trial without a payment method`,
		`${file}:6: products.except.CFQ7TTC0ZZZZ: unknown product ID: not in this tenant's list (see \`mscommerce products list\`)`,
		`${file}:7: products.except.CFQ7TTC0HD33: "Sometimes" is not a value: use Enabled, Disabled or OnlyTrialsWithoutPaymentMethod`,
		`${file}:8: products.excpet: unknown key (expected default or except)`,
		`error: ${file} has 4 problems; nothing was changed.`,
	]);
	assert.equal(puts(emu).length, 0);
});
