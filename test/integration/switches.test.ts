/**
 * The tenant-wide switches as a user meets them (docs/switches.md): `switches list|get|set`,
 * `explain`, `login --graph`, history and undo, against the emulator's Microsoft Graph over real
 * HTTPS (nothing of the HTTP layer mocked). Most runs are the CLI as a separate process; the one
 * that needs a person at a terminal runs the command in this process with a TTY (guard-helpers).
 */
import assert from 'node:assert/strict';
import {mkdtemp, readFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {PassThrough} from 'node:stream';
import {changeSets, readAudit} from '../../source/commerce/audit.js';
import {createContext} from '../../source/commands/context.js';
import type {Io} from '../../source/commands/output.js';
import {switchesList, switchesSet} from '../../source/commands/switches.js';
import {resolveSettings} from '../../source/config.js';
import type {Emulator} from '../../source/emulator/index.js';
import {cliEnv, runCli} from '../support/cli.js';
import {emulator} from '../support/emulator.js';
import {home as guardHome} from './guard-helpers.js';

const ADMIN = 'admin@contoso.onmicrosoft.com';
const READER = 'reader@contoso.onmicrosoft.com';
const GRAPH_CLI = '14d82eec-204b-4c2f-b7e8-296a70dab67e';
const VISIO = 'CFQ7TTC0HD33';
const REQUEST_ID = /correlation ID: ([0-9a-f-]{36})/;

const newHome = () => mkdtemp(join(tmpdir(), 'mscommerce-switches-'));
/** A Graph token for an account, as the emulator issues them (all four scopes; roles from the account). */
const graphToken = (emu: Emulator, username = ADMIN) => emu.issueToken(username, {scopes: [`${emu.graphUrl}/.default`]});
/** The CLI pointed at the emulator's licensing service and Graph, acting as `username` in both. */
async function graphEnv(emu: Emulator, username = ADMIN, extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv & {HOME: string}> {
	const home = await newHome();
	return {
		...cliEnv(emu, home, {MSCOMMERCE_GRAPH_URL: emu.graphUrl, MSCOMMERCE_TOKEN: username === ADMIN ? emu.tokens.admin : emu.tokens.reader, MSCOMMERCE_GRAPH_TOKEN: graphToken(emu, username)}),
		...extra,
		HOME: home,
	};
}
const stateDir = (env: {HOME: string}) => join(env.HOME, 'state', 'mscommerce');
const graphRequests = (emu: Emulator, from = 0) => emu.requests.slice(from).filter(r => /authorizationPolicy|appsAndServices/i.test(r.path));
const tenantOf = (emu: Emulator) => emu.accounts[0]!.tenantId;

type Listed = {name: string; value: 'on' | 'off' | null; allows: string; whoMayChange: string; error?: {title: string}};

test('switches list shows all four, each with its value, what on allows and who may change it, in text, JSON and CSV', async () => {
	const emu = await emulator();
	emu.setSwitches({isOfficeStoreEnabled: false});
	const env = await graphEnv(emu);
	const [text, json, csv] = await Promise.all([runCli(['switches', 'list'], env), runCli(['switches', 'list', '--json'], env), runCli(['switches', 'list', '-o', 'csv'], env)]);
	for (const run of [text, json, csv]) assert.equal(run.code, 0, run.stderr);
	const listed = JSON.parse(json.stdout) as Listed[];
	assert.deepEqual(listed.map(s => [s.name, s.value]), [['emailSignUp', 'on'], ['emailJoin', 'on'], ['trialsOnBehalfOfOrg', 'on'], ['officeStore', 'off']]);
	assert.match(listed[0]!.whoMayChange, /Privileged Role Administrator or Global Administrator \(Policy\.ReadWrite\.Authorization\)/);
	assert.match(listed[2]!.allows, /start trials of apps and services on behalf of the organization/);
	assert.match(text.stdout, /^Switch\s+Value\s+What on allows\s+Who may change it/);
	assert.match(text.stdout, /officeStore\s+off\s+Users may access the Office Store\./);
	assert.equal(csv.stdout.split('\r\n')[0], 'Switch,Value,What on allows,Who may change it');
	assert.equal(text.stderr, '');
});

test('each switch is read and written: compare before write, a PATCH of that property only, a read to verify, and intent and outcome lines in the audit log', async () => {
	const emu = await emulator();
	const env = await graphEnv(emu);
	const cases = [
		{name: 'emailSignUp', property: 'allowedToSignUpEmailBasedSubscriptions', sibling: 'allowEmailVerifiedUsersToJoinOrganization', object: /authorizationPolicy/},
		{name: 'emailJoin', property: 'allowEmailVerifiedUsersToJoinOrganization', sibling: 'isAppAndServicesTrialEnabled', object: /authorizationPolicy/},
		{name: 'trialsOnBehalfOfOrg', property: 'isAppAndServicesTrialEnabled', sibling: 'isOfficeStoreEnabled', object: /appsAndServices/},
		{name: 'officeStore', property: 'isOfficeStoreEnabled', sibling: undefined, object: /appsAndServices/},
	] as const;
	for (const {name, property, sibling, object} of cases) {
		const before = emu.requests.length;
		const run = await runCli(['switches', 'set', name, 'off', '--yes'], env);
		assert.equal(run.code, 0, `${name}: ${run.stderr}`);
		assert.match(run.stdout, new RegExp(`${name}\\s+on\\s+off\\s+changed`));
		assert.match(run.stderr, /as admin@contoso\.onmicrosoft\.com/);
		const state = emu.switches();
		assert.equal(state[property], false, `${name} is off`);
		if (sibling) assert.equal(state[sibling], true, `${name}: only its own property was sent`);
		// GET (the plan), GET (compare right before the write), PATCH, GET (verify): in that order, on its own object.
		const sent = graphRequests(emu, before);
		assert.deepEqual(sent.map(r => r.method), ['GET', 'GET', 'PATCH', 'GET'], name);
		for (const request of sent) assert.match(request.path, object);
	}
	const sets = changeSets((await readAudit(stateDir(env))).entries);
	assert.equal(sets.length, 4);
	for (const [i, set] of sets.entries()) {
		assert.equal(set.source, 'switches set');
		assert.equal(set.account, ADMIN);
		assert.deepEqual(set.entries.map(e => [e.scope, e.id, e.from, e.to, e.result]), [
			['switch', cases[i]!.name, 'on', 'off', 'intent'],
			['switch', cases[i]!.name, 'on', 'off', 'ok'],
		]);
		assert.equal(set.entries[1]?.now, 'off');
		assert.match(set.entries[1]?.correlationId ?? '', /^[0-9a-f-]{36}$/, "the PATCH's request-id");
	}
	// Already off: nothing planned, nothing sent.
	const before = emu.requests.length;
	const again = await runCli(['switches', 'set', 'officeStore', 'false', '--yes'], env);
	assert.equal(again.code, 0);
	assert.match(again.stderr, /already off: officeStore/);
	assert.deepEqual(graphRequests(emu, before).map(r => r.method), ['GET']);
});

test('a second admin changes the switch between the confirmation and the write: it is not written, and the run says so', async () => {
	const emu = await emulator();
	const user = await guardHome(emu);
	const flags = {graphUrl: emu.graphUrl, graphToken: graphToken(emu)};
	let patches = 0;
	const run = await user.run(ctx => switchesSet(ctx, 'trialsOnBehalfOfOrg', 'off', {}), flags, {
		terminal: {
			when: /\[y\/N\] $/,
			before: () => {
				// While the question waits, another admin turns it off in the admin center.
				emu.setSwitches({isAppAndServicesTrialEnabled: false});
				patches = emu.requests.filter(r => r.method === 'PATCH').length;
			},
			answer: 'y',
		},
	});
	assert.equal(run.code, 0, run.stderr);
	assert.match(run.stderr, /Change 1 switch in tenant contoso\.onmicrosoft\.com \(.+\) as admin@contoso\.onmicrosoft\.com\? \[y\/N\]/);
	assert.match(run.stderr, /trialsOnBehalfOfOrg: someone else changed it to off since you confirmed \(it was on\); nothing sent\./);
	assert.match(run.stdout, /trialsOnBehalfOfOrg\s+on\s+off\s+already there: changed elsewhere \(nothing sent\)/);
	assert.equal(emu.requests.filter(r => r.method === 'PATCH').length, patches, 'no PATCH after the confirmation');
	// Nothing was written, so nothing is logged and nothing offers an undo.
	assert.doesNotMatch(run.stderr, /Change set/);
	assert.deepEqual((await readAudit(user.stateDir)).entries, []);
});

test('a PATCH answered 204 that did not apply is caught by the read after it: failed, not applied (exit 5)', async () => {
	const emu = await emulator({faults: 'scope=graph,ignore=1x'});
	const env = await graphEnv(emu);
	const run = await runCli(['switches', 'set', 'emailJoin', 'off', '--yes'], env);
	assert.equal(run.code, 5, run.stderr);
	assert.match(run.stderr, /emailJoin: error: Not applied: the service still holds on/);
	assert.equal(emu.switches().allowEmailVerifiedUsersToJoinOrganization, true);
	const [set] = changeSets((await readAudit(stateDir(env))).entries);
	assert.deepEqual(set?.entries.map(e => e.result), ['intent', 'failed']);
	assert.equal(set?.entries[1]?.now, 'on');
});

test("Graph's error envelope is shown as one sentence with its code and message, and its request ID as the correlation ID", async () => {
	const emu = await emulator({faults: 'scope=graph,500=1x'});
	const env = await graphEnv(emu);
	const run = await runCli(['switches', 'get', 'emailSignUp'], env);
	assert.equal(run.code, 1, run.stderr);
	assert.match(run.stderr, /^error: Microsoft Graph failed on authorizationPolicy \(500 UnknownError\)\n/);
	const requestId = REQUEST_ID.exec(run.stderr)?.[1];
	assert.ok(requestId, run.stderr);
	assert.ok(
		emu.requests.some(r => r.correlationId === requestId),
		"the request ID is Graph's request-id for that request",
	);
});

test('a 403 changing authorizationPolicy names Privileged Role Administrator (or Global Administrator) and the permission; exit 4', async () => {
	const emu = await emulator();
	const env = await graphEnv(emu, READER);
	const run = await runCli(['switches', 'set', 'emailSignUp', 'off', '--yes'], env);
	assert.equal(run.code, 4, run.stderr);
	assert.match(run.stderr, /error: Microsoft Graph refused to change authorizationPolicy \(403 Authorization_RequestDenied\): Insufficient privileges to complete the operation\./);
	assert.match(run.stderr, /hint: Changing authorizationPolicy needs Privileged Role Administrator or Global Administrator, and the delegated permission Policy\.ReadWrite\.Authorization/);
	assert.match(run.stderr, REQUEST_ID);
	assert.equal(emu.switches().allowedToSignUpEmailBasedSubscriptions, true);
	// The reader may still look.
	const list = await runCli(['switches', 'list', '--json'], env);
	assert.equal(list.code, 0, list.stderr);
	// And appsAndServices names its own permission and role.
	const apps = await runCli(['switches', 'set', 'officeStore', 'off', '--yes'], env);
	assert.equal(apps.code, 4, apps.stderr);
	assert.match(apps.stderr, /OrgSettings-AppsAndServices\.ReadWrite\.All/);
	assert.match(apps.stderr, /Global Administrator/);
});

test('where the beta appsAndServices is not available, the other switches are still listed, those two unknown (exit 5)', async () => {
	const emu = await emulator();
	emu.setSwitches({beta: 'unavailable', allowedToSignUpEmailBasedSubscriptions: false});
	const env = await graphEnv(emu);
	const [json, text] = await Promise.all([runCli(['switches', 'list', '--json'], env), runCli(['switches', 'list'], env)]);
	assert.equal(json.code, 5, json.stderr);
	const listed = JSON.parse(json.stdout) as Listed[];
	assert.deepEqual(listed.map(s => [s.name, s.value]), [['emailSignUp', 'off'], ['emailJoin', 'on'], ['trialsOnBehalfOfOrg', null], ['officeStore', null]]);
	assert.equal(listed[2]?.error?.title, 'appsAndServices (beta) is not available in this tenant/cloud');
	assert.match(text.stdout, /trialsOnBehalfOfOrg\s+unknown/);
	assert.match(text.stderr, /^trialsOnBehalfOfOrg, officeStore: unknown\nerror: appsAndServices \(beta\) is not available in this tenant\/cloud\n/);
	assert.equal(text.stderr.match(/error:/g)?.length, 1, 'said once for both switches');
	// Its switches cannot be set; the others can.
	const set = await runCli(['switches', 'set', 'trialsOnBehalfOfOrg', 'off', '--yes'], env);
	assert.equal(set.code, 1);
	assert.match(set.stderr, /not available in this tenant\/cloud/);
	assert.equal((await runCli(['switches', 'set', 'emailJoin', 'off', '--yes'], env)).code, 0);
});

test('undo of a switch change set writes it back through the same path, and leaves alone a switch changed since', async () => {
	const emu = await emulator();
	const env = await graphEnv(emu);
	const set = await runCli(['switches', 'set', 'trialsOnBehalfOfOrg', 'off', '--yes'], env);
	assert.equal(set.code, 0, set.stderr);
	const id = /Change set ([0-9a-f]{8})/.exec(set.stderr)?.[1];
	assert.ok(id);
	const history = await runCli(['history'], env);
	assert.match(history.stdout, new RegExp(`${id}\\s+just now\\s+admin@contoso\\.onmicrosoft\\.com\\s+contoso\\.onmicrosoft\\.com\\s+switches set\\s+1 ok`));
	const before = emu.requests.length;
	const undo = await runCli(['undo', id, '--yes'], env);
	assert.equal(undo.code, 0, undo.stderr);
	assert.match(undo.stdout, /trialsOnBehalfOfOrg\s+off\s+on\s+changed/);
	assert.equal(emu.switches().isAppAndServicesTrialEnabled, true);
	assert.deepEqual(graphRequests(emu, before).map(r => r.method), ['GET', 'GET', 'PATCH', 'GET'], 'read for the plan, then compare, write, verify');
	const sets = changeSets((await readAudit(stateDir(env))).entries);
	const undone = sets.at(-1)!;
	assert.equal(undone.source, 'undo');
	assert.equal(undone.undoes?.slice(0, 8), id);
	assert.deepEqual(undone.entries.map(e => [e.id, e.from, e.to, e.result]), [
		['trialsOnBehalfOfOrg', 'off', 'on', 'intent'],
		['trialsOnBehalfOfOrg', 'off', 'on', 'ok'],
	]);
	// The undo is a change set too; someone turns the switch off again meanwhile: left alone, exit 5.
	emu.setSwitches({isAppAndServicesTrialEnabled: false});
	const writes = emu.requests.filter(r => r.method === 'PATCH').length;
	const again = await runCli(['undo', '--yes'], env);
	assert.equal(again.code, 5, again.stderr);
	assert.match(again.stderr, /left alone: trials on behalf of the organization \(trialsOnBehalfOfOrg\) changed since \(now off; the change set set on\)/);
	assert.equal(emu.requests.filter(r => r.method === 'PATCH').length, writes, 'nothing written');
});

test('bad switch names and values: one line with "did you mean", exit 2, nothing sent', async () => {
	const emu = await emulator();
	const env = await graphEnv(emu);
	const runs = await Promise.all([
		runCli(['switches', 'get', 'trials'], env),
		runCli(['switches', 'set', 'emailSingUp', 'off', '--yes'], env),
		runCli(['switches', 'set', 'emailSignUp', 'maybe', '--yes'], env),
		runCli(['switches', 'set', 'emailSignUp', '--yes'], env),
	]);
	for (const run of runs) assert.equal(run.code, 2, run.stderr);
	assert.equal(runs[0]!.stderr, 'error: unknown switch "trials": did you mean trialsOnBehalfOfOrg? (switches: emailSignUp, emailJoin, trialsOnBehalfOfOrg, officeStore)\n');
	assert.match(runs[1]!.stderr, /^error: unknown switch "emailSingUp": did you mean emailSignUp\?/);
	assert.equal(runs[1]!.stderr.split('\n').filter(Boolean).length, 1, 'one line');
	assert.match(runs[2]!.stderr, /"maybe" is not a switch value: use on or off/);
	assert.match(runs[3]!.stderr, /the value is missing: mscommerce switches set emailSignUp on\|off/);
	assert.deepEqual(graphRequests(emu), [], 'nothing sent');
});

test('without a terminal and without --yes, set refuses like products set does (exit 2), nothing written', async () => {
	const emu = await emulator();
	const env = await graphEnv(emu);
	const run = await runCli(['switches', 'set', 'officeStore', 'off'], env);
	assert.equal(run.code, 2);
	assert.match(run.stderr, /refusing to change 1 switch without confirmation: pass --yes \(or --dry-run to see the plan\)/);
	assert.equal(emu.requests.filter(r => r.method === 'PATCH').length, 0);
	const dry = await runCli(['switches', 'set', 'officeStore', 'off', '--dry-run'], env);
	assert.equal(dry.code, 0, dry.stderr);
	assert.match(dry.stdout, /officeStore\s+on\s+off/);
	assert.equal(emu.switches().isOfficeStoreEnabled, true);
});

test("a licensing --token alone is refused for the switches with one clear line (exit 2); MSCOMMERCE_GRAPH_TOKEN is Graph's", async () => {
	const emu = await emulator();
	const env = cliEnv(emu, await newHome(), {MSCOMMERCE_GRAPH_URL: emu.graphUrl, MSCOMMERCE_TOKEN: emu.tokens.admin});
	const run = await runCli(['switches', 'list'], env);
	assert.equal(run.code, 2);
	assert.match(run.stderr, /^error: --token \/ MSCOMMERCE_TOKEN is a token for the licensing service; the tenant-wide switches are read through Microsoft Graph, which needs its own\nhint: Pass a Microsoft Graph token with MSCOMMERCE_GRAPH_TOKEN/);
	assert.deepEqual(graphRequests(emu), []);
	// A licensing token given as Graph's is Graph's 401, said as Graph's.
	const wrong = await runCli(['switches', 'list'], {...env, MSCOMMERCE_GRAPH_TOKEN: emu.tokens.admin});
	assert.equal(wrong.code, 3, wrong.stderr);
	assert.match(wrong.stderr, /Microsoft Graph did not accept the sign-in for authorizationPolicy \(401 InvalidAuthenticationToken\)/);
});

test('delegated: Graph needs its own sign-in once (`login --graph`, the same cache and account), then reads and writes silently', async () => {
	const emu = await emulator({autoApproveMs: 50, deviceCodeIntervalSeconds: 0.1});
	const env = cliEnv(emu, await newHome(), {MSCOMMERCE_GRAPH_URL: emu.graphUrl});
	assert.equal((await runCli(['login'], env)).code, 0);
	const before = await runCli(['switches', 'list'], env);
	assert.equal(before.code, 3);
	assert.match(before.stderr, /^error: Not signed in to Microsoft Graph as admin@contoso\.onmicrosoft\.com\nhint: .*run `mscommerce login --graph`/);
	const login = await runCli(['login', '--graph'], env);
	assert.equal(login.code, 0, login.stderr);
	// Printed as `login` prints its prompt.
	assert.match(login.stderr, /^To sign in, open this page in a browser on any device \(your phone or laptop will do\):\n {2}https:\/\/127\.0\.0\.1:\d+\/devicelogin\nand enter the code [A-Z]{4}-[A-Z]{4}\n/);
	assert.match(login.stderr, /Signed in to Microsoft Graph as admin@contoso\.onmicrosoft\.com/);
	const cache = JSON.parse(await readFile(join(env.HOME!, 'config', 'mscommerce', 'msal-cache.json'), 'utf8')) as {RefreshToken: Record<string, {client_id: string}>; Account: Record<string, unknown>};
	assert.deepEqual(Object.values(cache.RefreshToken).map(t => t.client_id).sort(), ['3d5cffa9-04da-4657-8cab-c7f074657cad', GRAPH_CLI].sort(), 'one cache file, a refresh token per client');
	assert.equal(Object.keys(cache.Account).length, 1, 'one account');
	const list = await runCli(['switches', 'list', '--json'], env);
	assert.equal(list.code, 0, list.stderr);
	// Changing asks for the write permission then, silently (consented in Contoso).
	const set = await runCli(['switches', 'set', 'emailSignUp', 'off', '--yes'], env);
	assert.equal(set.code, 0, set.stderr);
	assert.equal(emu.switches().allowedToSignUpEmailBasedSubscriptions, false);
	const [changed] = changeSets((await readAudit(join(env.HOME!, 'state', 'mscommerce'))).entries);
	assert.equal(changed?.account, ADMIN);
	assert.equal(changed?.tenant, tenantOf(emu));
});

test('on a terminal, a switches command with no Graph sign-in shows a device code as login does, then goes on', async () => {
	const emu = await emulator({autoApproveMs: 50, deviceCodeIntervalSeconds: 0.1});
	const dir = await newHome();
	const settings = resolveSettings({authority: emu.authority, licensingUrl: emu.licensingUrl, graphUrl: emu.graphUrl}, {HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state')}, false);
	let stdout = '';
	let stderr = '';
	const io: Io = {
		stdout: {write: (text: string) => (stdout += text)},
		stderr: {write: (text: string) => (stderr += text), isTTY: true},
		stdin: Object.assign(new PassThrough(), {isTTY: true}),
	};
	const ctx = createContext(settings, io, new AbortController().signal, {ca: [emu.caPem]});
	try {
		assert.equal(await switchesList(ctx), 0, stderr);
	} finally {
		await ctx.net.close();
	}
	assert.match(stderr, /signing in to Microsoft Graph now/);
	assert.match(stderr, /To sign in, open this page in a browser on any device \(your phone or laptop will do\):\n {2}https:\/\/127\.0\.0\.1:\d+\/devicelogin\nand enter the code [A-Z]{4}-[A-Z]{4}\n/);
	assert.match(stdout, /trialsOnBehalfOfOrg\s+on/);
});

test('consent missing in Fabrikam: the sign-in names the permissions and the admin consent URL (exit 3)', async () => {
	const emu = await emulator({autoApproveMs: 50, deviceCodeIntervalSeconds: 0.1});
	const env = cliEnv(emu, await newHome(), {MSCOMMERCE_GRAPH_URL: emu.graphUrl});
	const run = await runCli(['login', '--graph', '--tenant', 'fabrikam.onmicrosoft.com'], env);
	assert.equal(run.code, 3, run.stderr);
	assert.match(run.stderr, /error: Microsoft Graph Command Line Tools needs admin consent in this tenant for Policy\.Read\.All, OrgSettings-AppsAndServices\.Read\.All/);
	assert.match(run.stderr, /AADSTS65001/);
	assert.ok(run.stderr.includes(`hint: An admin who may consent for the organization (Global Administrator, or Privileged Role Administrator) opens ${emu.url}/fabrikam.onmicrosoft.com/adminconsent?client_id=${GRAPH_CLI} and accepts`), run.stderr);
});

test('explain: each documented combination of the product value and trials on behalf of the organization, by ID or name', async () => {
	const emu = await emulator();
	const env = await graphEnv(emu);
	const tenant = tenantOf(emu);
	const explainOf = async (product = VISIO) => {
		const run = await runCli(['explain', product], env);
		assert.equal(run.code, 0, run.stderr);
		return run.stdout;
	};
	emu.setValue(tenant, 'product', VISIO, 'Disabled');
	const disabled = await explainOf();
	assert.match(disabled, /^Visio Plan 1 \(CFQ7TTC0HD33\): Disabled for purchase; a trial can still start: trials on behalf of the organization is on\.\n/);
	assert.match(disabled, /Not covered: Fabric \/ Power BI's own tenant setting .*Any admin-center setting that Microsoft has not documented an API for\./);
	assert.match(disabled, /Basis: inferred, from public reports \(CIPP issue 5737/);
	assert.equal((await runCli(['switches', 'set', 'trialsOnBehalfOfOrg', 'off', '--yes'], env)).code, 0);
	assert.match(await explainOf('visio plan 1'), /^Visio Plan 1 \(CFQ7TTC0HD33\): Disabled for purchase; no documented way for users to buy or trial it: trials on behalf of the organization is off\./);
	emu.setValue(tenant, 'product', VISIO, 'OnlyTrialsWithoutPaymentMethod');
	assert.match(await explainOf(), /Trials only \(without a payment method\): users can start a trial without a payment method, but not buy it\./);
	emu.setValue(tenant, 'product', VISIO, 'Enabled');
	const enabled = await explainOf();
	assert.match(enabled, /Enabled for purchase: users can buy it, and start a trial, themselves\./);
	assert.match(enabled, /Trials on behalf of the organization is off; whether that also stops this product's own self-service trial is not documented\./);
	const json = JSON.parse((await runCli(['explain', VISIO, '--json'], env)).stdout) as {verdict: string; basis: string; switches: Record<string, string | null>; notCovered: string[]};
	assert.equal(json.verdict, 'buy');
	assert.deepEqual(json.switches, {emailSignUp: 'on', emailJoin: 'on', trialsOnBehalfOfOrg: 'off', officeStore: 'on'});
	assert.equal(json.notCovered.length, 2);
	// Not a product: exit 2, nothing explained.
	const offerType = await runCli(['explain', 'SaaS'], env);
	assert.equal(offerType.code, 2);
	assert.match(offerType.stderr, /SaaS is an offer type/);
	assert.equal((await runCli(['explain', 'no such product at all'], env)).code, 2);
});

test('explain still answers from the product value when Graph cannot be read, and says why (exit 5)', async () => {
	const emu = await emulator();
	emu.setValue(tenantOf(emu), 'product', VISIO, 'Disabled');
	const env = cliEnv(emu, await newHome(), {MSCOMMERCE_GRAPH_URL: emu.graphUrl, MSCOMMERCE_TOKEN: emu.tokens.admin});
	const run = await runCli(['explain', VISIO], env);
	assert.equal(run.code, 5, run.stderr);
	assert.match(run.stdout, /^Visio Plan 1 \(CFQ7TTC0HD33\): Disabled for purchase; whether a trial can still start on behalf of the organization is not known: the tenant-wide switches could not be read \(--token \/ MSCOMMERCE_TOKEN is a token for the licensing service/);
	assert.match(run.stderr, /hint: Pass a Microsoft Graph token with MSCOMMERCE_GRAPH_TOKEN/);
});
