/**
 * A fleet as a partner runs it, through the CLI against the emulator's many tenants: a tenants
 * file with different baselines, a tenant in sync, drifting ones, a new product, a tenant where
 * the GDAP relationship has no role (403) and one where sign-in fails; then apply, plan again and
 * undo the fleet's change set everywhere. And app-only over a fleet, and bad input refused.
 */
import assert from 'node:assert/strict';
import {mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {FLEET_APP_ID, PARTNER_USERNAME, syntheticTenant, type Emulator} from '../../source/emulator/index.js';
import {cliEnv, runCli} from '../support/cli.js';
import {emulator} from '../support/emulator.js';

const CONTOSO = 'contoso.onmicrosoft.com';
const FABRIKAM = 'fabrikam.onmicrosoft.com';
const VISIO_1 = 'CFQ7TTC0HD33';
const VISIO_2 = 'CFQ7TTC0HD32';
const [C1, C2, C3, C4] = [1, 2, 3, 4].map(i => syntheticTenant(i).domain) as [string, string, string, string];

type PlanJson = {
	tenants: Array<{tenant: string; name: string; status: string; drift?: Array<{id: string; current: string; wanted: string}>; new?: Array<{id: string}>; error?: {kind: string; title: string}}>;
	counts: {tenants: number; inSync: number; drift: number; failed: number};
};

const valueOf = (emu: Emulator, tenant: string, id: string) => emu.tenantState(tenant).products.find(p => p.productId === id)?.policyValue;

async function fleetHome(files: Record<string, string>): Promise<string> {
	const dir = await mkdtemp(join(tmpdir(), 'mscommerce-fleet-'));
	for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
	return dir;
}

test('a partner plans a fleet (in sync, drift, a new product, 403 without a GDAP role, a failed sign-in), applies exactly the drift as one change set, and undoes it in every tenant', async () => {
	const emu = await emulator({tenantCount: 4, onDeviceCode: code => setTimeout(() => emu.approve(code, PARTNER_USERNAME), 50)});
	const dir = await fleetHome({
		// Every product Enabled but Visio Plan 1.
		'base.yaml': `products:\n  default: Enabled\n  except:\n    ${VISIO_1}: Disabled\n`,
		'fabrikam.yaml': 'products:\n  default: Enabled\n',
		'tenants.yaml': [
			'tenants:',
			`  - ${CONTOSO}`,
			`  - tenant: ${FABRIKAM}`,
			'    name: Fabrikam (retail)',
			'    baseline: fabrikam.yaml',
			`  - ${C1}`,
			`  - ${C2}`,
			`  - tenant: ${C3}`,
			'    name: No role here',
			`  - ${C4}`,
			'',
		].join('\n'),
	});
	const env = cliEnv(emu, dir);
	assert.equal((await runCli(['login'], env)).code, 0);
	// Contoso holds what the baseline wants but for Visio Plan 2; customer001 drifts on Visio Plan 1; customer002 is in sync.
	emu.setValue(CONTOSO, 'product', VISIO_1, 'Disabled');
	emu.setValue(CONTOSO, 'product', VISIO_2, 'Disabled');
	emu.setValue(C2, 'product', VISIO_1, 'Disabled');
	emu.setGdap(PARTNER_USERNAME, C3, []);
	emu.setGdap(PARTNER_USERNAME, C4, null);
	const plan = (...extra: string[]) => runCli(['baseline', 'plan', '--tenants', join(dir, 'tenants.yaml'), '--file', join(dir, 'base.yaml'), ...extra], env);

	// The first look starts the new-product watch; then Microsoft adds a product to customer002.
	assert.equal((await plan()).code, 5);
	emu.addProduct(C2, {productId: 'CFQ7TTC0ZZZ1', productName: 'Contoso Brand New'});
	const planned = await plan('--json');
	assert.equal(planned.code, 5, 'a tenant failed: 5, even though others drift');
	const report = JSON.parse(planned.stdout) as PlanJson;
	const byTenant = new Map(report.tenants.map(t => [t.tenant, t]));
	assert.deepEqual(
		report.tenants.map(t => [t.name, t.status]),
		[
			[CONTOSO, 'drift'],
			['Fabrikam (retail)', 'in-sync'],
			[C1, 'drift'],
			[C2, 'in-sync'],
			['No role here', 'failed'],
			[C4, 'failed'],
		],
	);
	assert.deepEqual(byTenant.get(CONTOSO)?.drift, [{scope: 'product', id: VISIO_2, name: 'Visio Plan 2', current: 'Disabled', wanted: 'Enabled', rule: 'products.default', new: false}]);
	assert.deepEqual(byTenant.get(C1)?.drift?.map(d => [d.id, d.current, d.wanted]), [[VISIO_1, 'Enabled', 'Disabled']]);
	assert.deepEqual(byTenant.get(C2)?.new?.map(n => n.id), ['CFQ7TTC0ZZZ1'], 'the new product is named in its tenant only');
	assert.equal(byTenant.get(C3)?.error?.kind, 'forbidden');
	assert.equal(byTenant.get(C4)?.error?.title, 'This account has no access to that tenant', 'the partner is signed in: the relationship is what is missing');
	assert.deepEqual(report.counts, {tenants: 6, inSync: 2, drift: 2, failed: 2});

	// Text: each drifting tenant's rows, a line per tenant, and why the failed ones failed.
	const text = await plan();
	assert.match(text.stdout, /Visio Plan 2/);
	assert.match(text.stdout, /No role here\s+base\.yaml|No role here\s+-\s+-\s+failed/);
	assert.match(text.stderr, /6 tenants of .*tenants\.yaml: 2 in sync, 2 drift \(2 rows\), 2 failed/);
	assert.match(text.stdout, /new \(never seen before\): Contoso Brand New \(CFQ7TTC0ZZZ1\) is Enabled, as the baseline wants/);

	// CSV: a row per tenant and per drifting or new row.
	const csv = (await plan('-o', 'csv')).stdout.trim().split('\r\n');
	assert.equal(csv[0], 'tenant,tenantId,name,baseline,status,kind,scope,id,rowName,current,wanted,rule,new,error');
	assert.equal(csv.filter(line => line.split(',')[5] === 'tenant').length, 6);
	assert.deepEqual(
		csv
			.map(line => line.split(','))
			.filter(cells => cells[5] === 'drift' || cells[5] === 'new')
			.map(cells => [cells[0], ...cells.slice(5, 8)]),
		[
			[CONTOSO, 'drift', 'product', VISIO_2],
			[C1, 'drift', 'product', VISIO_1],
			[C2, 'new', 'product', 'CFQ7TTC0ZZZ1'],
		],
	);

	// --shard: the slices are disjoint and cover the file.
	const slices = await Promise.all([1, 2].map(async k => (JSON.parse((await plan('--json', '--shard', `${k}/2`)).stdout) as PlanJson).tenants.map(t => t.tenant)));
	assert.deepEqual([...slices[0]!, ...slices[1]!].sort(), [CONTOSO, FABRIKAM, C1, C2, C3, C4].sort());
	assert.equal(new Set([...slices[0]!, ...slices[1]!]).size, 6);

	// Apply writes exactly each tenant's drift, as one change set across tenants.
	const apply = await runCli(['baseline', 'apply', '--tenants', join(dir, 'tenants.yaml'), '--file', join(dir, 'base.yaml'), '--yes', '--json'], env);
	assert.equal(apply.code, 5, `two tenants could not be checked: ${apply.stderr}`);
	const rows = JSON.parse(apply.stdout) as Array<{tenant: string; id: string; result: string; changeSetId: string}>;
	assert.deepEqual(
		rows.map(r => [r.tenant, r.id, r.result]),
		[
			[CONTOSO, VISIO_2, 'changed'],
			[C1, VISIO_1, 'changed'],
		],
	);
	assert.equal(new Set(rows.map(r => r.changeSetId)).size, 1, 'one confirmation, one change set');
	assert.equal(valueOf(emu, CONTOSO, VISIO_2), 'Enabled');
	assert.equal(valueOf(emu, C1, VISIO_1), 'Disabled');
	assert.equal(valueOf(emu, C2, 'CFQ7TTC0ZZZ1'), 'Enabled', 'nothing else written');
	assert.match(apply.stderr, /undo [0-9a-f]{8}` reverses it in every tenant/);

	// History shows the change set once per tenant, under one ID.
	const history = JSON.parse((await runCli(['history', '--json'], env)).stdout) as Array<{id: string; tenant: string; changed: number}>;
	const parts = history.filter(set => set.id === rows[0]!.changeSetId);
	assert.equal(parts.length, 2);
	assert.deepEqual(parts.map(p => p.changed), [1, 1]);

	// Plan again: the four it can reach are in sync, the fifth and sixth still reported.
	const again = JSON.parse((await plan('--json')).stdout) as PlanJson;
	assert.deepEqual(again.counts, {tenants: 6, inSync: 4, drift: 0, failed: 2});

	// Undo by ID puts both back, each tenant as the account that wrote it there.
	const undo = await runCli(['undo', rows[0]!.changeSetId.slice(0, 8), '--yes'], env);
	assert.equal(undo.code, 0, undo.stderr);
	assert.equal(valueOf(emu, CONTOSO, VISIO_2), 'Disabled');
	assert.equal(valueOf(emu, C1, VISIO_1), 'Enabled');
});

test('app-only over a fleet: one app lists every tenant with a tenant column; a tenant that never consented is named with the fix, the others still listed', async () => {
	const emu = await emulator({tenantCount: 2});
	const app = emu.apps.find(a => a.clientId === FLEET_APP_ID)!;
	const dir = await fleetHome({'tenants.yaml': `tenants:\n  - ${C1}\n  - ${C2}\n  - northwindpartners.onmicrosoft.com\n`});
	const env = cliEnv(emu, dir, {MSCOMMERCE_CLIENT_ID: app.clientId, MSCOMMERCE_CLIENT_SECRET: app.secret});
	const listed = await runCli(['offer-types', 'list', '--tenants', join(dir, 'tenants.yaml'), '-o', 'csv'], env);
	assert.equal(listed.code, 5, listed.stderr);
	const lines = listed.stdout.trim().split('\r\n');
	assert.match(lines[0]!, /^Tenant,TenantId,Offer type,ID,Value$/);
	const tenants = new Set(lines.slice(1).map(line => line.split(',')[0]));
	assert.deepEqual([...tenants], [C1, C2]);
	assert.match(listed.stderr, /northwindpartners\.onmicrosoft\.com[\s\S]*no service principal in this tenant[\s\S]*consent/);
	assert.ok(!listed.stdout.includes(app.secret) && !listed.stderr.includes(app.secret), 'the secret is never printed');
});

test('a bad tenants file, --shard or flag is one clear line, exit 2, and nothing is sent', async () => {
	const emu = await emulator({tenantCount: 1});
	const dir = await fleetHome({'bad.yaml': `tenants:\n  - organizations\n  - tenant: ${C1}\n    app: nope\n`, 'ok.yaml': `tenants:\n  - ${C1}\n`, 'base.yaml': 'products:\n  default: Enabled\n'});
	const env = cliEnv(emu, dir);
	const before = emu.requests.length;
	const bad = await runCli(['baseline', 'plan', '--tenants', join(dir, 'bad.yaml'), '--file', join(dir, 'base.yaml')], env);
	assert.equal(bad.code, 2);
	assert.match(bad.stderr, /bad\.yaml:2: tenants\.0: organizations is no tenant in particular/);
	assert.match(bad.stderr, /bad\.yaml:4: tenants\.1\.app: "nope" is not an application \(client\) ID/);
	for (const [args, message] of [
		[['baseline', 'plan', '--tenants', join(dir, 'ok.yaml'), '--file', join(dir, 'base.yaml'), '--shard', '3/2'], /--shard: "3\/2" is not a slice K\/N/],
		[['baseline', 'plan', '--shard', '1/2', '--file', join(dir, 'base.yaml')], /--shard needs --tenants FILE/],
		[['products', 'set', VISIO_1, 'Disabled', '--tenants', join(dir, 'ok.yaml')], /--tenants works with baseline plan, .*`mscommerce products set` works on one tenant/],
		[['baseline', 'plan', '--tenants', join(dir, 'ok.yaml')], /--file FILE is required: 1 tenant of .* has no baseline/],
		[['baseline', 'plan', '--tenants', join(dir, 'missing.yaml'), '--file', join(dir, 'base.yaml')], /--tenants: cannot read .*missing\.yaml: no such file/],
	] as const) {
		const result = await runCli([...args], env);
		assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
		assert.match(result.stderr, message);
	}
	// A token from the environment is refused once, like --token, not as a failure of each tenant.
	const token = await runCli(['baseline', 'plan', '--tenants', join(dir, 'ok.yaml'), '--file', join(dir, 'base.yaml')], cliEnv(emu, dir, {MSCOMMERCE_TOKEN: emu.tokens.admin}));
	assert.equal(token.code, 2, token.stderr);
	assert.match(token.stderr, /^error: --token \/ MSCOMMERCE_TOKEN is for one tenant/);
	assert.equal(emu.requests.length, before, 'nothing was sent');
});

test('app-only: a tenant named by its domain and by its ID is planned once; a change set that wrote in one tenant is undone there by its ID alone, and history needs no --tenant', async () => {
	const emu = await emulator({tenantCount: 2});
	const app = emu.apps.find(a => a.clientId === FLEET_APP_ID)!;
	const dir = await fleetHome({
		'tenants.yaml': `tenants:\n  - ${C1}\n  - ${C2}\n  - ${syntheticTenant(1).id}\n`,
		'base.yaml': `products:\n  default: Enabled\n`,
	});
	const env = cliEnv(emu, dir, {MSCOMMERCE_CLIENT_ID: app.clientId, MSCOMMERCE_CLIENT_SECRET: app.secret});
	emu.setValue(C2, 'product', VISIO_1, 'Disabled');
	const args = ['--tenants', join(dir, 'tenants.yaml'), '--file', join(dir, 'base.yaml')];
	const plan = await runCli(['baseline', 'plan', ...args, '--json'], env);
	assert.equal(plan.code, 5, plan.stderr);
	const report = JSON.parse(plan.stdout) as PlanJson;
	assert.deepEqual(
		report.tenants.map(t => t.status),
		['in-sync', 'drift', 'failed'],
	);
	assert.match(report.tenants[2]!.error!.title, /is the same tenant as customer001\.onmicrosoft\.com/);
	const apply = await runCli(['baseline', 'apply', ...args, '--yes', '--json'], env);
	const rows = JSON.parse(apply.stdout) as Array<{tenant: string; changeSetId: string}>;
	assert.deepEqual(rows.map(r => r.tenant), [C2], 'written once, in the one tenant that drifts');
	assert.equal(valueOf(emu, C2, VISIO_1), 'Enabled');
	assert.match(apply.stderr, /Change set [0-9a-f]{8} in 1 tenant/);
	const history = await runCli(['history', '--json'], env);
	assert.equal(history.code, 0, history.stderr);
	const undo = await runCli(['undo', rows[0]!.changeSetId.slice(0, 8), '--yes'], env);
	assert.equal(undo.code, 0, undo.stderr);
	assert.equal(valueOf(emu, C2, VISIO_1), 'Disabled');
});
