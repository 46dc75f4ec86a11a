/**
 * A baseline's `switches:` section (docs/switches.md, "Baselines") as a user meets it: plan, apply,
 * export, history and undo of the tenant-wide switches beside the rows, against the emulator's
 * licensing service and Microsoft Graph over real HTTPS (nothing of the HTTP layer mocked); and
 * over a fleet (`--tenants`), each tenant with its own Graph sign-in. Most runs are the CLI as a
 * separate process; the one that needs a person at a terminal runs in this process (guard-helpers).
 */
import assert from 'node:assert/strict';
import {mkdtemp, readFile, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {changeSets, readAudit} from '../../source/commerce/audit.js';
import {applyCommand} from '../../source/commands/baseline.js';
import {FLEET_APP_ID, PARTNER_USERNAME, syntheticTenant, type Emulator} from '../../source/emulator/index.js';
import {cliEnv, runCli} from '../support/cli.js';
import {emulator} from '../support/emulator.js';
import {home as guardHome} from './guard-helpers.js';

const ADMIN = 'admin@contoso.onmicrosoft.com';
const CONTOSO = 'contoso.onmicrosoft.com';
const FABRIKAM = 'fabrikam.onmicrosoft.com';
const VISIO = 'CFQ7TTC0HD33';
const C1 = syntheticTenant(1).domain;

const tenantOf = (emu: Emulator) => emu.accounts[0]!.tenantId;
const valueOf = (emu: Emulator, tenant: string, id: string) => emu.tenantState(tenant).products.find(p => p.productId === id)?.policyValue;
const graphRequests = (emu: Emulator, from = 0) => emu.requests.slice(from).filter(r => /authorizationPolicy|appsAndServices/i.test(r.path));
const writes = (emu: Emulator, method: 'PUT' | 'PATCH', from = 0) => emu.requests.slice(from).filter(r => r.method === method);
const stateDir = (home: string) => join(home, 'state', 'mscommerce');

/** A fresh home with these files, and the CLI pointed at the emulator's licensing service and Graph as Contoso's admin. */
async function setUp(emu: Emulator, files: Record<string, string>, extra: NodeJS.ProcessEnv = {}): Promise<{dir: string; env: NodeJS.ProcessEnv; path: (name: string) => string}> {
	const dir = await mkdtemp(join(tmpdir(), 'mscommerce-baseline-switches-'));
	for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
	const env = cliEnv(emu, dir, {
		MSCOMMERCE_GRAPH_URL: emu.graphUrl,
		MSCOMMERCE_TOKEN: emu.tokens.admin,
		MSCOMMERCE_GRAPH_TOKEN: emu.issueToken(ADMIN, {scopes: [`${emu.graphUrl}/.default`]}),
		...extra,
	});
	return {dir, env, path: name => join(dir, name)};
}

/** Every product Enabled but Visio Plan 1; sign-up by email off, trials on behalf of the organization off. */
const BASELINE = `products:
  default: Enabled
  except:
    ${VISIO}: Disabled          # Visio Plan 1
switches:
  emailSignUp: off
  trialsOnBehalfOfOrg: false    # a YAML boolean
`;

type PlanJson = {
	inSync: boolean;
	drift: Array<{scope: string; id: string; name: string; current: string; wanted: string; rule: string; new: boolean}>;
	unknown?: Array<{scope: string; id: string; wanted: string; error: {title: string; kind: string}}>;
	counts: {drift: number; inSync: number; new: number; unknown?: number};
};

test('a baseline without switches: never signs in to Graph nor reads it, for plan, apply and export alike', async () => {
	const emu = await emulator({autoApproveMs: 50, deviceCodeIntervalSeconds: 0.1});
	const {env, path} = await setUp(emu, {'b.yaml': `products:\n  default: Enabled\n  except:\n    ${VISIO}: Disabled\n`});
	const plan = await runCli(['baseline', 'plan', '--file', path('b.yaml'), '--json'], env);
	assert.equal(plan.code, 6, plan.stderr);
	const report = JSON.parse(plan.stdout) as PlanJson;
	assert.deepEqual(report.drift.map(d => d.id), [VISIO]);
	assert.equal(report.unknown, undefined, 'no switches part at all');
	assert.equal((await runCli(['baseline', 'apply', '--file', path('b.yaml'), '--yes'], env)).code, 0);
	assert.equal((await runCli(['baseline', 'export', '--file', path('out.yaml')], env)).code, 0);
	assert.doesNotMatch(await readFile(path('out.yaml'), 'utf8'), /switches/);
	assert.deepEqual(graphRequests(emu), [], 'Graph was never contacted');

	// Signed in for the licensing service only (no `login --graph`): nothing asks for Graph either.
	const delegated = await mkdtemp(join(tmpdir(), 'mscommerce-baseline-switches-'));
	const delegatedEnv = cliEnv(emu, delegated, {MSCOMMERCE_GRAPH_URL: emu.graphUrl});
	assert.equal((await runCli(['login'], delegatedEnv)).code, 0);
	const tokens = emu.requests.filter(r => /\/token/.test(r.path)).length;
	const again = await runCli(['baseline', 'plan', '--file', path('b.yaml')], delegatedEnv);
	assert.equal(again.code, 0, again.stderr);
	assert.equal(emu.requests.filter(r => /\/token/.test(r.path)).length, tokens, 'no token asked for: the licensing one is cached, and Graph is not needed');
	assert.deepEqual(graphRequests(emu), []);
});

test('plan: in sync (exit 0), a switch drifts (exit 6: text block, JSON scope switch, CSV), read only where it lives', async () => {
	const emu = await emulator();
	emu.setValue(tenantOf(emu), 'product', VISIO, 'Disabled');
	emu.setSwitches({allowedToSignUpEmailBasedSubscriptions: false, isAppAndServicesTrialEnabled: false});
	const {env, path} = await setUp(emu, {'b.yaml': BASELINE});
	const synced = await runCli(['baseline', 'plan', '--file', path('b.yaml')], env);
	assert.equal(synced.code, 0, synced.stderr);
	assert.equal(synced.stdout, '');
	assert.match(synced.stderr, /In sync: \d+ rows and 2 switches match .*b\.yaml\./);
	// Both objects hold a managed switch: each read once, nothing written.
	assert.deepEqual(graphRequests(emu).map(r => r.method), ['GET', 'GET']);

	// Someone turns trials on behalf of the organization back on.
	emu.setSwitches({isAppAndServicesTrialEnabled: true});
	const [text, json, csv] = await Promise.all([
		runCli(['baseline', 'plan', '--file', path('b.yaml')], env),
		runCli(['baseline', 'plan', '--file', path('b.yaml'), '--json'], env),
		runCli(['baseline', 'plan', '--file', path('b.yaml'), '-o', 'csv'], env),
	]);
	for (const run of [text, json, csv]) assert.equal(run.code, 6, run.stderr);
	assert.match(text.stdout, /^Tenant-wide switches \(Microsoft Graph\):\nSwitch\s+Current\s+Wanted\s+What on allows\ntrialsOnBehalfOfOrg\s+on\s+off\s+Users may start trials/);
	assert.match(text.stderr, /Drift: 1 switch differs from .*b\.yaml; \d+ rows and 1 switch in sync\. Fix it with `mscommerce baseline apply --file /);
	const report = JSON.parse(json.stdout) as PlanJson;
	assert.equal(report.inSync, false);
	assert.deepEqual(report.drift, [{scope: 'switch', id: 'trialsOnBehalfOfOrg', name: 'trials on behalf of the organization', current: 'on', wanted: 'off', rule: 'switches.trialsOnBehalfOfOrg', new: false}]);
	assert.deepEqual(report.unknown, []);
	assert.equal(report.counts.drift, 1);
	assert.equal(report.counts.unknown, 0);
	assert.deepEqual(csv.stdout.trim().split('\r\n'), ['Scope,Name,ID,Current,Wanted,New', 'switch,trials on behalf of the organization,trialsOnBehalfOfOrg,on,off,']);

	// A product drifts too: both in one report, the rows' table first.
	emu.setValue(tenantOf(emu), 'product', VISIO, 'Enabled');
	const both = await runCli(['baseline', 'plan', '--file', path('b.yaml')], env);
	assert.equal(both.code, 6);
	assert.match(both.stdout, /^Name\s+ID\s+Current\s+Wanted\s+New\nVisio Plan 1\s+CFQ7TTC0HD33\s+Enabled\s+Disabled\s*\n\nTenant-wide switches \(Microsoft Graph\):\n/);
	assert.match(both.stderr, /Drift: 1 row and 1 switch differ from /);

	// Only one object's switches managed: only that object is read.
	await writeFile(path('one.yaml'), 'switches:\n  EmailSignUp: OFF\n');
	const before = emu.requests.length;
	const one = await runCli(['baseline', 'plan', '--file', path('one.yaml')], env);
	assert.equal(one.code, 0, one.stderr);
	assert.match(one.stderr, /In sync: 1 switch match/);
	assert.deepEqual(graphRequests(emu, before).map(r => r.path), ['/v1.0/policies/authorizationPolicy']);
});

test("plan where Graph's beta is unavailable or Graph refuses: the products are still planned, the switches not checked are named with why (exit 5)", async () => {
	const emu = await emulator();
	emu.setSwitches({beta: 'unavailable', allowedToSignUpEmailBasedSubscriptions: false});
	const {env, path} = await setUp(emu, {'b.yaml': BASELINE});
	const [text, json] = await Promise.all([runCli(['baseline', 'plan', '--file', path('b.yaml')], env), runCli(['baseline', 'plan', '--file', path('b.yaml'), '--json'], env)]);
	assert.equal(text.code, 5, text.stderr);
	assert.equal(json.code, 5, json.stderr);
	assert.match(text.stdout, /Visio Plan 1\s+CFQ7TTC0HD33\s+Enabled\s+Disabled/, 'the products are planned');
	assert.match(text.stderr, /^trialsOnBehalfOfOrg: not checked \(could not be read from Microsoft Graph\)\nerror: appsAndServices \(beta\) is not available in this tenant\/cloud\n/m);
	assert.match(text.stderr, /Drift: 1 row differs from .*; \d+ rows and 1 switch in sync\. Not checked: 1 switch \(trialsOnBehalfOfOrg\), see above\./);
	const report = JSON.parse(json.stdout) as PlanJson;
	assert.deepEqual(report.drift.map(d => [d.scope, d.id]), [['product', VISIO]]);
	assert.deepEqual(report.unknown?.map(u => [u.scope, u.id, u.wanted, u.error.title]), [['switch', 'trialsOnBehalfOfOrg', 'off', 'appsAndServices (beta) is not available in this tenant/cloud']]);
	assert.equal(report.counts.unknown, 1);
	assert.equal(report.inSync, false);

	// Apply writes what could be checked and says what could not (exit 5).
	const apply = await runCli(['baseline', 'apply', '--file', path('b.yaml'), '--yes'], env);
	assert.equal(apply.code, 5, apply.stderr);
	assert.equal(valueOf(emu, tenantOf(emu), VISIO), 'Disabled');
	assert.match(apply.stderr, /Not done: 1 switch \(trialsOnBehalfOfOrg\) could not be checked, so not written/);
	assert.equal(writes(emu, 'PATCH').length, 0);

	// A billing admin may not read either object: every switch unknown, the products still planned.
	emu.setSwitches({beta: 'available'});
	const billing = await runCli(['baseline', 'plan', '--file', path('b.yaml')], {...env, MSCOMMERCE_GRAPH_TOKEN: emu.issueToken('billing@contoso.onmicrosoft.com', {scopes: [`${emu.graphUrl}/.default`]})});
	assert.equal(billing.code, 5, billing.stderr);
	assert.match(billing.stderr, /emailSignUp: not checked[\s\S]*403 Authorization_RequestDenied/);
	assert.match(billing.stderr, /trialsOnBehalfOfOrg: not checked/);
	assert.match(billing.stderr, /In sync: \d+ rows match .*b\.yaml\. Not checked: 2 switches \(emailSignUp, trialsOnBehalfOfOrg\), see above\./);

	// No Graph sign-in at all (a licensing --token only): said once, with the way to sign in.
	const noGraph = await runCli(['baseline', 'plan', '--file', path('b.yaml')], {...env, MSCOMMERCE_GRAPH_TOKEN: ''});
	assert.equal(noGraph.code, 5, noGraph.stderr);
	assert.match(noGraph.stderr, /^emailSignUp, trialsOnBehalfOfOrg: not checked \(could not be read from Microsoft Graph\)\nerror: --token \/ MSCOMMERCE_TOKEN is a token for the licensing service/m);
});

test('apply writes exactly the drift of rows and switches as one change set, logged ahead; plan is then in sync; history shows both; undo restores both', async () => {
	const emu = await emulator();
	const tenant = tenantOf(emu);
	emu.setSwitches({isAppAndServicesTrialEnabled: false});
	const {env, path, dir} = await setUp(emu, {'b.yaml': BASELINE});
	const before = {visio: valueOf(emu, tenant, VISIO), switches: emu.switches()};
	const dry = await runCli(['baseline', 'apply', '--file', path('b.yaml'), '--dry-run'], env);
	assert.equal(dry.code, 0, dry.stderr);
	assert.match(dry.stdout, /^Scope\s+Name\s+ID\s+From\s+To\nproduct\s+Visio Plan 1\s+CFQ7TTC0HD33\s+Enabled\s+Disabled\s*\nswitch\s+sign-up for email-based subscriptions\s+emailSignUp\s+on\s+off\n$/);
	assert.match(dry.stderr, /Dry run: 1 row and 1 switch to change in tenant /);
	assert.equal(writes(emu, 'PUT').length + writes(emu, 'PATCH').length, 0);

	const apply = await runCli(['baseline', 'apply', '--file', path('b.yaml'), '--yes', '--json'], env);
	assert.equal(apply.code, 0, apply.stderr);
	const rows = JSON.parse(apply.stdout) as Array<{scope: string; id: string; from: string; to: string; now: string; result: string; changeSetId: string}>;
	assert.deepEqual(rows.map(r => [r.scope, r.id, r.from, r.now, r.result]), [
		['product', VISIO, 'Enabled', 'Disabled', 'changed'],
		['switch', 'emailSignUp', 'on', 'off', 'changed'],
	]);
	assert.equal(new Set(rows.map(r => r.changeSetId)).size, 1);
	assert.match(apply.stderr, /Changed 1 row and 1 switch in tenant /);
	assert.equal(writes(emu, 'PUT').length, 1, 'only the drifting product');
	assert.equal(writes(emu, 'PATCH').length, 1, 'only the drifting switch');
	assert.equal(valueOf(emu, tenant, VISIO), 'Disabled');
	assert.equal(emu.switches().allowedToSignUpEmailBasedSubscriptions, false);
	assert.equal(emu.switches().isAppAndServicesTrialEnabled, false);

	// One change set in the audit log: an intent before each write, an outcome after.
	const sets = changeSets((await readAudit(stateDir(dir))).entries);
	assert.equal(sets.length, 1);
	const [set] = sets;
	assert.equal(set?.source, 'baseline apply');
	assert.equal(set?.tenant, tenant);
	assert.deepEqual(
		set?.entries.map(e => [e.scope, e.id, e.from, e.to, e.result]).sort(),
		[
			['product', VISIO, 'Enabled', 'Disabled', 'intent'],
			['product', VISIO, 'Enabled', 'Disabled', 'ok'],
			['switch', 'emailSignUp', 'on', 'off', 'intent'],
			['switch', 'emailSignUp', 'on', 'off', 'ok'],
		].sort(),
	);
	for (const id of [VISIO, 'emailSignUp']) {
		const lines: string[] = set!.entries.filter(e => e.id === id).map(e => e.result);
		assert.deepEqual(lines, ['intent', 'ok'], `${id}: the intent is written before the outcome`);
	}

	const synced = await runCli(['baseline', 'plan', '--file', path('b.yaml')], env);
	assert.equal(synced.code, 0, synced.stderr);

	const history = await runCli(['history', '--json'], env);
	const listed = JSON.parse(history.stdout) as Array<{id: string; changed: number; rows: Array<{scope: string; id: string; result: string}>}>;
	assert.equal(listed.length, 1);
	assert.equal(listed[0]!.changed, 2);
	assert.deepEqual(listed[0]!.rows.map(r => [r.scope, r.id, r.result]), [['product', VISIO, 'ok'], ['switch', 'emailSignUp', 'ok']]);
	const historyText = await runCli(['history'], env);
	assert.match(historyText.stdout, new RegExp(`${set!.id.slice(0, 8)}\\s+just now\\s+admin@contoso\\.onmicrosoft\\.com\\s+.*baseline apply\\s+2 ok`));

	const undo = await runCli(['undo', set!.id.slice(0, 8), '--yes'], env);
	assert.equal(undo.code, 0, undo.stderr);
	assert.match(undo.stderr, /Undoing change set [0-9a-f]{8} \(baseline apply, .*\): 1 row and 1 switch written\./);
	assert.match(undo.stdout, /product\s+Visio Plan 1\s+CFQ7TTC0HD33\s+Disabled\s+Enabled\s+changed/);
	assert.match(undo.stdout, /switch\s+sign-up for email-based subscriptions\s+emailSignUp\s+off\s+on\s+changed/);
	assert.equal(valueOf(emu, tenant, VISIO), before.visio);
	assert.deepEqual(emu.switches(), before.switches);
	const all = changeSets((await readAudit(stateDir(dir))).entries);
	assert.equal(all.length, 2);
	assert.equal(all[1]?.undoes, set!.id);
	assert.deepEqual(all[1]?.entries.filter(e => e.result === 'ok').map(e => [e.scope, e.id, e.from, e.to]).sort(), [
		['product', VISIO, 'Disabled', 'Enabled'],
		['switch', 'emailSignUp', 'off', 'on'],
	]);
});

test('undo of a mixed change set leaves alone a switch changed since and puts back the product (exit 5)', async () => {
	const emu = await emulator();
	const tenant = tenantOf(emu);
	emu.setSwitches({isAppAndServicesTrialEnabled: false});
	const {env, path} = await setUp(emu, {'b.yaml': BASELINE});
	const apply = await runCli(['baseline', 'apply', '--file', path('b.yaml'), '--yes'], env);
	assert.equal(apply.code, 0, apply.stderr);
	// Someone turns sign-up back on since: the undo must not touch it.
	emu.setSwitches({allowedToSignUpEmailBasedSubscriptions: true});
	const [patches, puts] = [writes(emu, 'PATCH').length, writes(emu, 'PUT').length];
	const undo = await runCli(['undo', '--yes'], env);
	assert.equal(undo.code, 5, undo.stderr);
	assert.match(undo.stderr, /left alone: sign-up for email-based subscriptions \(emailSignUp\) changed since \(now on; the change set set off\)/);
	assert.match(undo.stderr, /1 switch not undone: changed since the change set\./);
	assert.equal(writes(emu, 'PATCH').length, patches, 'no switch written');
	assert.equal(writes(emu, 'PUT').length, puts + 1, 'the product put back');
	assert.equal(valueOf(emu, tenant, VISIO), 'Enabled');
});

test('a second admin changes a switch while apply waits for the confirmation: it is not written and the run says so; the product is written', async () => {
	const emu = await emulator();
	const tenant = tenantOf(emu);
	emu.setSwitches({allowedToSignUpEmailBasedSubscriptions: false});
	const user = await guardHome(emu);
	const file = join(user.dir, 'b.yaml');
	await writeFile(file, BASELINE);
	const flags = {graphUrl: emu.graphUrl, graphToken: emu.issueToken(ADMIN, {scopes: [`${emu.graphUrl}/.default`]})};
	let patches = 0;
	const run = await user.run(ctx => applyCommand(ctx, {file}), flags, {
		terminal: {
			when: /\[y\/N\] $/,
			before: () => {
				// While the question waits, another admin turns trials off in the admin center.
				emu.setSwitches({isAppAndServicesTrialEnabled: false});
				patches = writes(emu, 'PATCH').length;
			},
			answer: 'y',
		},
	});
	assert.equal(run.code, 0, run.stderr);
	assert.match(run.stderr, /switch\s+trials on behalf of the organization\s+trialsOnBehalfOfOrg\s+on\s+off/);
	assert.match(run.stderr, /A tenant-wide switch applies to every user of the tenant, from now on\./);
	assert.match(run.stderr, /Change 1 row and 1 switch in tenant contoso\.onmicrosoft\.com \(.+\) as admin@contoso\.onmicrosoft\.com\? \[y\/N\]/);
	assert.match(run.stderr, /trialsOnBehalfOfOrg: someone else changed it to off since you confirmed \(it was on\); nothing sent\./);
	assert.match(run.stdout, /switch\s+trials on behalf of the organization\s+trialsOnBehalfOfOrg\s+on\s+off\s+already there: changed elsewhere \(nothing sent\)/);
	assert.match(run.stdout, /product\s+Visio Plan 1\s+CFQ7TTC0HD33\s+Enabled\s+Disabled\s+changed/);
	assert.match(run.stderr, /Changed 1 row in tenant .* \(1 switch changed elsewhere first\)/);
	assert.equal(writes(emu, 'PATCH').length, patches, 'no PATCH after the confirmation');
	assert.equal(valueOf(emu, tenant, VISIO), 'Disabled');
	// Only the product is in the change set: nothing was written to the switch.
	const [set] = changeSets((await readAudit(user.stateDir)).entries);
	assert.deepEqual(set?.entries.map(e => [e.scope, e.result]), [
		['product', 'intent'],
		['product', 'ok'],
	]);
});

test('export --switches adds the switches (read through Graph) and reads back in sync; plain export leaves them out', async () => {
	const emu = await emulator();
	emu.setSwitches({isOfficeStoreEnabled: false});
	const {env, path} = await setUp(emu, {});
	const exported = await runCli(['baseline', 'export', '--switches', '--file', path('b.yaml')], env);
	assert.equal(exported.code, 0, exported.stderr);
	const yaml = await readFile(path('b.yaml'), 'utf8');
	assert.match(yaml, /^switches:\n {2}emailSignUp: on {10}# sign-up for email-based subscriptions\n {2}emailJoin: on {12}# joining by verified email\n {2}trialsOnBehalfOfOrg: on {2}# trials on behalf of the organization\n {2}officeStore: off {9}# access to the Office Store\n$/m);
	assert.match(exported.stderr, /switches emailSignUp on, emailJoin on, trialsOnBehalfOfOrg on, officeStore off/);
	const plan = await runCli(['baseline', 'plan', '--file', path('b.yaml')], env);
	assert.equal(plan.code, 0, plan.stderr);
	assert.match(plan.stderr, /In sync: \d+ rows and 4 switches match/);
	const json = await runCli(['baseline', 'export', '--switches', '--json'], env);
	assert.deepEqual((JSON.parse(json.stdout) as {switches: unknown}).switches, {emailSignUp: 'on', emailJoin: 'on', trialsOnBehalfOfOrg: 'on', officeStore: 'off'});

	// Where the beta is missing: the two it could read, the others named as not managed (exit 5).
	emu.setSwitches({beta: 'unavailable'});
	const partial = await runCli(['baseline', 'export', '--switches'], env);
	assert.equal(partial.code, 5, partial.stderr);
	assert.match(partial.stdout, /^# Not listed \(could not be read, so not managed\): trialsOnBehalfOfOrg, officeStore\.$/m);
	assert.match(partial.stdout, /^switches:\n {2}emailSignUp: on +#[^\n]*\n {2}emailJoin: on +#[^\n]*\n$/m);
	assert.match(partial.stderr, /trialsOnBehalfOfOrg, officeStore: not checked[\s\S]*appsAndServices \(beta\) is not available/);
});

// ---------------------------------------------------------------------------------------------
// fleets

test('fleet plan with switches, delegated: each tenant signs in to Graph as the partner; Fabrikam, never consented, fails with the consent hint; Contoso is planned', async () => {
	const emu = await emulator({onDeviceCode: code => setTimeout(() => emu.approve(code, PARTNER_USERNAME), 50)});
	// The partner may read and change the switches in Contoso (GDAP as Global Administrator there).
	emu.setGdap(PARTNER_USERNAME, CONTOSO, ['Global Administrator']);
	emu.setSwitches({isAppAndServicesTrialEnabled: false}, CONTOSO);
	const dir = await mkdtemp(join(tmpdir(), 'mscommerce-baseline-switches-'));
	await writeFile(join(dir, 'base.yaml'), 'products:\n  default: Enabled\nswitches:\n  trialsOnBehalfOfOrg: off\n  emailJoin: off\n');
	await writeFile(join(dir, 'tenants.yaml'), `tenants:\n  - tenant: ${CONTOSO}\n    name: Contoso\n  - tenant: ${FABRIKAM}\n    name: Fabrikam\n`);
	const env = cliEnv(emu, dir, {MSCOMMERCE_GRAPH_URL: emu.graphUrl});
	assert.equal((await runCli(['login'], env)).code, 0);
	const graph = await runCli(['login', '--graph'], env);
	assert.equal(graph.code, 0, graph.stderr);
	const args = ['baseline', 'plan', '--tenants', join(dir, 'tenants.yaml'), '--file', join(dir, 'base.yaml')];
	const [text, json, csv] = await Promise.all([runCli(args, env), runCli([...args, '--json'], env), runCli([...args, '-o', 'csv'], env)]);
	for (const run of [text, json, csv]) assert.equal(run.code, 5, run.stderr);
	const report = JSON.parse(json.stdout) as {
		tenants: Array<{name: string; status: string; drift?: Array<{scope: string; id: string; current: string; wanted: string}>; counts?: Record<string, number>; error?: {kind: string; title: string; hints: string[]}}>;
		counts: Record<string, number>;
	};
	assert.deepEqual(report.tenants.map(t => [t.name, t.status]), [['Contoso', 'drift'], ['Fabrikam', 'failed']]);
	assert.deepEqual(report.tenants[0]!.drift?.map(d => [d.scope, d.id, d.current, d.wanted]), [['switch', 'emailJoin', 'on', 'off']]);
	assert.equal(report.tenants[0]!.counts?.drift, 1);
	const fabrikam = report.tenants[1]!.error!;
	assert.equal(fabrikam.kind, 'sign-in');
	assert.match(fabrikam.title, /^Tenant-wide switches not checked \(trialsOnBehalfOfOrg, emailJoin\): Microsoft Graph Command Line Tools needs admin consent in this tenant/);
	assert.ok(fabrikam.hints.some(h => h.includes(`/${FABRIKAM}/adminconsent?client_id=`)), JSON.stringify(fabrikam.hints));
	assert.deepEqual(report.counts, {tenants: 2, inSync: 0, drift: 1, failed: 1});
	// Text: the switch under its tenant, the summary counting it as a drifting row, Fabrikam's problem with its hint.
	assert.match(text.stdout, /Contoso \(.+\) as partner@northwindpartners\.onmicrosoft\.com: 1 row drifts from .*base\.yaml\n {2}Tenant-wide switches \(Microsoft Graph\):\n {2}Switch\s+Current\s+Wanted\s+What on allows\n {2}emailJoin\s+on\s+off/);
	assert.match(text.stderr, /2 tenants of .*tenants\.yaml: 0 in sync, 1 drift \(1 row\), 1 failed\./);
	assert.match(text.stderr, /Fabrikam \(fabrikam\.onmicrosoft\.com\):\nerror: Tenant-wide switches not checked[\s\S]*AADSTS65001[\s\S]*hint: .*adminconsent/);
	const lines = csv.stdout.trim().split('\r\n').map(line => line.split(','));
	assert.deepEqual(lines.filter(cells => cells[5] === 'drift').map(cells => [cells[0], ...cells.slice(6, 12)]), [[CONTOSO, 'switch', 'emailJoin', 'joining by verified email', 'on', 'off', 'switches.emailJoin']]);
});

test('fleet apply with switches, app-only: each tenant with the run app, one change set across tenants for rows and switches; undo restores both everywhere', async () => {
	const emu = await emulator({tenantCount: 1});
	const app = emu.apps.find(a => a.clientId === FLEET_APP_ID)!;
	emu.setValue(C1, 'product', VISIO, 'Disabled');
	emu.setSwitches({allowedToSignUpEmailBasedSubscriptions: false}, CONTOSO);
	const dir = await mkdtemp(join(tmpdir(), 'mscommerce-baseline-switches-'));
	await writeFile(join(dir, 'base.yaml'), 'products:\n  default: Enabled\nswitches:\n  emailSignUp: on\n  officeStore: off\n');
	await writeFile(join(dir, 'tenants.yaml'), `tenants:\n  - ${CONTOSO}\n  - ${C1}\n`);
	const env = cliEnv(emu, dir, {MSCOMMERCE_GRAPH_URL: emu.graphUrl, MSCOMMERCE_CLIENT_ID: app.clientId, MSCOMMERCE_CLIENT_SECRET: app.secret});
	const args = ['--tenants', join(dir, 'tenants.yaml'), '--file', join(dir, 'base.yaml')];
	const plan = await runCli(['baseline', 'plan', ...args], env);
	assert.equal(plan.code, 6, plan.stderr);
	assert.match(plan.stderr, /2 tenants of .*: 0 in sync, 2 drift \(4 rows\), 0 failed\./);

	const dry = await runCli(['baseline', 'apply', ...args, '--dry-run'], env);
	assert.equal(dry.code, 0, dry.stderr);
	assert.match(dry.stdout, new RegExp(`${CONTOSO.replace(/\./g, '\\.')}\\s+sign-up for email-based subscriptions\\s+emailSignUp\\s+off\\s+on`));
	assert.match(dry.stdout, /customer001\.onmicrosoft\.com\s+Visio Plan 1\s+CFQ7TTC0HD33\s+Disabled\s+Enabled/);

	const apply = await runCli(['baseline', 'apply', ...args, '--yes', '--json'], env);
	assert.equal(apply.code, 0, apply.stderr);
	const rows = JSON.parse(apply.stdout) as Array<{tenant: string; scope: string; id: string; result: string; changeSetId: string}>;
	assert.deepEqual(rows.map(r => [r.tenant, r.scope, r.id, r.result]), [
		[CONTOSO, 'switch', 'emailSignUp', 'changed'],
		[CONTOSO, 'switch', 'officeStore', 'changed'],
		[C1, 'product', VISIO, 'changed'],
		[C1, 'switch', 'officeStore', 'changed'],
	]);
	assert.equal(new Set(rows.map(r => r.changeSetId)).size, 1, 'one change set across tenants');
	assert.deepEqual([emu.switches(CONTOSO).allowedToSignUpEmailBasedSubscriptions, emu.switches(CONTOSO).isOfficeStoreEnabled, emu.switches(C1).isOfficeStoreEnabled], [true, false, false]);
	assert.equal(valueOf(emu, C1, VISIO), 'Enabled');
	assert.equal((await runCli(['baseline', 'plan', ...args], env)).code, 0);

	const history = JSON.parse((await runCli(['history', '--json'], env)).stdout) as Array<{id: string; tenant: string; account: string; rows: Array<{scope: string; id: string}>}>;
	const parts = history.filter(set => set.id === rows[0]!.changeSetId);
	assert.deepEqual(parts.map(p => p.rows.map(r => `${r.scope}:${r.id}`).sort()).sort(), [['product:CFQ7TTC0HD33', 'switch:officeStore'], ['switch:emailSignUp', 'switch:officeStore']]);
	assert.ok(parts.every(p => p.account === `app ${app.clientId}`));

	const undo = await runCli(['undo', rows[0]!.changeSetId.slice(0, 8), '--yes'], env);
	assert.equal(undo.code, 0, undo.stderr);
	assert.deepEqual([emu.switches(CONTOSO).allowedToSignUpEmailBasedSubscriptions, emu.switches(CONTOSO).isOfficeStoreEnabled, emu.switches(C1).isOfficeStoreEnabled], [false, true, true]);
	assert.equal(valueOf(emu, C1, VISIO), 'Disabled');
});
