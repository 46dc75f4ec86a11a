/**
 * The fleet view's real backend (source/ui/realFleetBackend.ts) against the emulator over real
 * HTTPS: every tenant of a tenants file signs in app-only as the emulator's multi-tenant fleet app
 * and is loaded concurrently; a tenant the app may not sign in to fails on its own while the
 * others get their counts; a baseline gives drift and the seen-products record gives new rows;
 * a tenant's dashboard Backend reuses its sign-in. Nothing of the HTTP layer is mocked.
 */
import assert from 'node:assert/strict';
import {mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {after, test} from 'node:test';
import {catalog} from '../../source/commerce/catalog.js';
import {createContext, type Context} from '../../source/commands/context.js';
import type {Io} from '../../source/commands/output.js';
import {resolveSettings} from '../../source/config.js';
import {FLEET_APP_ID, syntheticTenant, type Emulator} from '../../source/emulator/index.js';
import {ExitCode} from '../../source/problems/exitCodes.js';
import type {TenantOutcome} from '../../source/ui/fleetBackend.js';
import {prepareFleet, type FleetFlags, type RealFleetBackend} from '../../source/ui/realFleetBackend.js';
import {emulator} from '../support/emulator.js';

const PRODUCTS = catalog.products.length;

/** A fresh home, a run context signing in app-only as the fleet app (as `--client-id … --client-secret …` would), and what went to stderr. */
async function fleetRun(emu: Emulator): Promise<{ctx: Context; dir: string; stderr: () => string}> {
	const dir = await mkdtemp(join(tmpdir(), 'mscommerce-fleet-view-'));
	let stderr = '';
	const io: Io = {
		stdout: {write: () => true},
		stderr: {write: (text: string) => ((stderr += text), true)},
		stdin: Readable.from([]) as NodeJS.ReadableStream,
	};
	const secret = emu.apps.find(app => app.clientId === FLEET_APP_ID)?.secret;
	const settings = resolveSettings(
		{authority: emu.authority, licensingUrl: emu.licensingUrl, graphUrl: emu.graphUrl, clientId: FLEET_APP_ID, clientSecret: secret},
		{HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state')},
		false,
		{fleet: true},
	);
	const ctx = createContext(settings, io, new AbortController().signal, {ca: [emu.caPem], persist: false});
	after(async () => ctx.net.close());
	return {ctx, dir, stderr: () => stderr};
}

async function prepared(ctx: Context, flags: FleetFlags): Promise<RealFleetBackend> {
	const fleet = await prepareFleet(ctx, flags);
	assert.notEqual(typeof fleet, 'number', 'the tenants file and baselines are good');
	const backend = fleet as RealFleetBackend;
	after(() => backend.close());
	return backend;
}

/** Loads the tenants named (all when undefined); the outcomes by tenant ID, and the order they arrived in. */
async function loadAll(fleet: RealFleetBackend, ids?: string[]): Promise<{outcomes: Map<string, TenantOutcome>; order: string[]}> {
	const outcomes = new Map<string, TenantOutcome>();
	const order: string[] = [];
	const expected = ids?.length ?? fleet.tenants.length;
	await new Promise<void>(resolve => {
		fleet.load(ids, (id, outcome) => {
			outcomes.set(id, outcome);
			order.push(id);
			if (outcomes.size === expected) resolve();
		});
	});
	return {outcomes, order};
}

const customer = (i: number) => syntheticTenant(i).domain;

test("each customer tenant gets its counts while tenants the fleet app cannot sign in to show their own problem", async () => {
	const emu = await emulator({tenantCount: 3});
	const {ctx, dir, stderr} = await fleetRun(emu);
	const tenants = join(dir, 'tenants.yaml');
	// Northwind never consented to its own app; customer004 is beyond the emulator's three.
	await writeFile(tenants, ['tenants:', `  - ${customer(1)}`, '  - northwindpartners.onmicrosoft.com', `  - tenant: ${customer(2)}`, '    name: Customer Two', `  - ${customer(3)}`, `  - ${customer(4)}`, ''].join('\n'));
	const fleet = await prepared(ctx, {tenants});
	assert.deepEqual(
		fleet.tenants.map(tenant => tenant.name),
		[customer(1), 'northwindpartners.onmicrosoft.com', 'Customer Two', customer(3), customer(4)],
	);
	const {outcomes} = await loadAll(fleet);
	for (const i of [1, 2, 3]) {
		const outcome = outcomes.get(customer(i));
		assert.ok(outcome?.ok, `${customer(i)}: ${outcome && !outcome.ok ? outcome.problem.title : 'no answer'}`);
		assert.deepEqual(outcome.summary.products, {Enabled: PRODUCTS, OnlyTrialsWithoutPaymentMethod: 0, Disabled: 0});
		assert.equal(outcome.summary.offerTypes.Enabled, catalog.offerTypes.length);
		assert.equal(outcome.summary.tenantId, syntheticTenant(i).id);
		assert.equal(outcome.summary.drift, undefined, 'no baseline: no drift');
		assert.equal(outcome.summary.fresh, 0, 'the first look starts the watch: nothing is new');
	}
	const northwind = outcomes.get('northwindpartners.onmicrosoft.com');
	assert.ok(northwind && !northwind.ok);
	assert.match(northwind.problem.title, /service principal/i);
	assert.ok(northwind.problem.hints.length > 0, 'the problem says what to do');
	const missing = outcomes.get(customer(4));
	assert.ok(missing && !missing.ok);
	assert.match(missing.problem.title, /not found/i);
	assert.equal(stderr(), '', 'nothing was written over the screen');
});

test('a baseline gives each tenant its drift, a product Microsoft adds shows as new, and a reload of one tenant sees both', async () => {
	const emu = await emulator({tenantCount: 2});
	const {ctx, dir} = await fleetRun(emu);
	const tenants = join(dir, 'tenants.yaml');
	const baseline = join(dir, 'baseline.yaml');
	const own = join(dir, 'own.yaml');
	await writeFile(tenants, ['tenants:', `  - ${customer(1)}`, `  - tenant: ${customer(2)}`, '    baseline: own.yaml', ''].join('\n'));
	await writeFile(baseline, ['policy: AllowSelfServicePurchase', 'products:', '  default: Enabled', '  except:', '    CFQ7TTC0H9MP: Disabled', ''].join('\n'));
	await writeFile(own, ['policy: AllowSelfServicePurchase', 'products:', '  default: Enabled', ''].join('\n'));
	const fleet = await prepared(ctx, {tenants, baseline});
	assert.equal(fleet.baseline, baseline);
	assert.deepEqual(
		fleet.tenants.map(tenant => tenant.baseline),
		[baseline, 'own.yaml'],
	);
	const first = await loadAll(fleet);
	const one = first.outcomes.get(customer(1));
	const two = first.outcomes.get(customer(2));
	assert.ok(one?.ok && two?.ok);
	assert.equal(one.summary.drift, 1, 'Power BI Pro is Enabled, the shared baseline wants it Disabled');
	assert.equal(two.summary.drift, 0, 'its own baseline wants every product Enabled');

	emu.addProduct(syntheticTenant(1).id, {productId: 'CFQ7TTC0ZZ01', productName: 'Brand New Product'});
	emu.setValue(syntheticTenant(2).id, 'product', 'CFQ7TTC0N8SS', 'Disabled');
	const again = await loadAll(fleet, [customer(1)]);
	assert.deepEqual(again.order, [customer(1)], 'only the tenant asked for is loaded again');
	const reloaded = again.outcomes.get(customer(1));
	assert.ok(reloaded?.ok);
	assert.equal(reloaded.summary.fresh, 1, 'the product added since the first look is new');
	assert.equal(reloaded.summary.products.Enabled, PRODUCTS + 1, 'one more product, Enabled as Microsoft adds them');
	assert.equal(reloaded.summary.drift, 1, 'the baseline governs it by its default, which it holds');
	const all = await loadAll(fleet);
	const changed = all.outcomes.get(customer(2));
	assert.ok(changed?.ok);
	assert.equal(changed.summary.drift, 1, 'a row changed behind the view drifts from its own baseline');
	assert.deepEqual(changed.summary.products, {Enabled: PRODUCTS - 1, OnlyTrialsWithoutPaymentMethod: 0, Disabled: 1});
});

test("a tenant's dashboard Backend signs in with the tenant's own sign-in and lists its rows", async () => {
	const emu = await emulator({tenantCount: 1});
	const {ctx, dir} = await fleetRun(emu);
	const tenants = join(dir, 'tenants.yaml');
	await writeFile(tenants, ['tenants:', `  - ${customer(1)}`, ''].join('\n'));
	const fleet = await prepared(ctx, {tenants});
	await loadAll(fleet);
	const backend = fleet.open(customer(1));
	const account = await backend.signInSilently();
	assert.equal(account?.tenantId, syntheticTenant(1).id);
	assert.equal(account?.tenantName, customer(1), 'named as the tenants file names it');
	assert.equal((await backend.loadRows('product')).length, PRODUCTS);
	assert.equal(fleet.open(customer(1)).session, backend.session, 'opened again: the same session (its undo)');
	assert.deepEqual(
		fleet.sessions().map(entry => entry.name),
		[customer(1), `${customer(1)}: tenant-wide switches`],
	);
});

test('problems in the tenants file or a baseline are printed as the commands print them, exit 2, before anything is sent', async () => {
	const emu = await emulator();
	const {ctx, dir, stderr} = await fleetRun(emu);
	const tenants = join(dir, 'tenants.yaml');
	await writeFile(tenants, ['tenants:', '  - organizations', '  - tenant: contoso.onmicrosoft.com', '    acount: x', ''].join('\n'));
	assert.equal(await prepareFleet(ctx, {tenants}), ExitCode.usage);
	assert.match(stderr(), /tenants\.yaml:2: tenants\.0: organizations is no tenant in particular/);
	assert.match(stderr(), /tenants\.yaml:4: tenants\.1\.acount: unknown key/);
	const good = join(dir, 'good.yaml');
	const bad = join(dir, 'bad.yaml');
	await writeFile(good, ['tenants:', '  - contoso.onmicrosoft.com', ''].join('\n'));
	await writeFile(bad, ['policy: AllowSelfServicePurchase', 'products:', '  default: Sometimes', ''].join('\n'));
	assert.equal(await prepareFleet(ctx, {tenants: good, baseline: bad}), ExitCode.usage);
	assert.match(stderr(), /bad\.yaml:3: products\.default/);
	await assert.rejects(prepareFleet(ctx, {tenants: '-'}), /--tenants -: the dashboard reads its keys from the terminal/);
	assert.equal(emu.requests.filter(entry => !entry.path.startsWith('/_emulator')).length, 0, 'nothing was sent');
});

test("a baseline's switches count in the Drift column, read app-only in each tenant; one that cannot be read fails its tenant, saying which and why", async () => {
	const emu = await emulator({tenantCount: 2});
	const {ctx, dir} = await fleetRun(emu);
	const tenants = join(dir, 'tenants.yaml');
	const baseline = join(dir, 'baseline.yaml');
	await writeFile(tenants, ['tenants:', `  - ${customer(1)}`, `  - ${customer(2)}`, ''].join('\n'));
	await writeFile(baseline, ['products:', '  default: Enabled', 'switches:', '  officeStore: off', '  emailJoin: on', ''].join('\n'));
	emu.setSwitches({isOfficeStoreEnabled: false}, customer(2));
	const fleet = await prepared(ctx, {tenants, baseline});
	const {outcomes} = await loadAll(fleet);
	const drift = (id: string) => {
		const outcome = outcomes.get(id);
		assert.ok(outcome?.ok, JSON.stringify(outcome));
		return outcome.summary.drift;
	};
	assert.equal(drift(customer(1)), 1, 'officeStore is on there: one switch drifts');
	assert.equal(drift(customer(2)), 0);
	emu.setSwitches({beta: 'unavailable'});
	const again = await loadAll(fleet, [customer(1)]);
	const failed = again.outcomes.get(customer(1));
	assert.ok(failed && !failed.ok);
	assert.equal(failed.problem.title, 'Tenant-wide switches not checked (officeStore): appsAndServices (beta) is not available in this tenant/cloud');
});
