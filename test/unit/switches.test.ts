/**
 * The tenant-wide switches without a network (docs/switches.md): value spellings, the explain
 * truth table, how Graph's failures read, the consent hint, the Graph options, switch lines in the
 * audit log, and completion of the new commands.
 */
import assert from 'node:assert/strict';
import {mkdtemp, mkdir, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {test} from 'node:test';
import {changeSets, findChangeSet, readAudit, type AuditEntry} from '../../source/commerce/audit.js';
import {parseSwitchValue, switchEnabled, switchValueOf} from '../../source/commerce/values.js';
import {completeCommand} from '../../source/commands/completion.js';
import type {Io} from '../../source/commands/output.js';
import {resolveSettings, DEFAULT_GRAPH_URL, GRAPH_CLI_CLIENT_ID} from '../../source/config.js';
import {classify} from '../../source/problems/classify.js';
import {BetaUnavailableError, GraphNotSignedInError, HttpError, UsageError} from '../../source/problems/errors.js';
import {exitCodeFor} from '../../source/problems/exitCodes.js';
import {SignInError} from '../../source/problems/signIn.js';
import {buildProgram} from '../../source/program.js';
import {graphRequest, graphScopes, SWITCHES, switchNamed} from '../../source/switches/definitions.js';
import {explain, NOT_COVERED, type ExplainInput} from '../../source/switches/explain.js';
import {patchBody} from '../../source/switches/graph.js';

const VISIO = {id: 'CFQ7TTC0HD33', name: 'Visio Plan 1'};
const graphUrl = 'https://graph.microsoft.com';
const envelope = (code: string, message: string, requestId = 'b1c2d3e4-0000-4000-8000-000000000042') =>
	JSON.stringify({error: {code, message, innerError: {'request-id': requestId, date: '2026-11-30T10:00:00', 'client-request-id': 'c-9'}}});
const graphContext = (object: 'authorizationPolicy' | 'appsAndServices', write: boolean) => ({
	method: write ? 'PATCH' : 'GET',
	url: `${graphUrl}${object === 'authorizationPolicy' ? '/v1.0/policies/authorizationPolicy' : '/beta/admin/appsAndServices'}`,
	correlationId: 'client-request-id-1',
	graph: graphRequest(object, write),
});

test('switch values are on or off; true and false are accepted in any case, anything else is not a value', () => {
	assert.equal(parseSwitchValue('on'), 'on');
	assert.equal(parseSwitchValue(' OFF '), 'off');
	assert.equal(parseSwitchValue('True'), 'on');
	assert.equal(parseSwitchValue('false'), 'off');
	assert.equal(parseSwitchValue('$false'), 'off');
	for (const wrong of ['yes', 'enabled', '1', '', 'onn']) assert.equal(parseSwitchValue(wrong), undefined, wrong);
	assert.equal(switchValueOf(true), 'on');
	assert.equal(switchEnabled('off'), false);
});

test('the four switches are named as the CLI and baselines spell them, any case, each with what on allows and where it lives', () => {
	assert.deepEqual(SWITCHES.map(s => s.name), ['emailSignUp', 'emailJoin', 'trialsOnBehalfOfOrg', 'officeStore']);
	assert.equal(switchNamed('TRIALSONBEHALFOFORG')?.name, 'trialsOnBehalfOfOrg');
	assert.equal(switchNamed('trials'), undefined);
	for (const definition of SWITCHES) assert.match(definition.allows, /^[A-Z].+\.$/, `${definition.name}: one sentence`);
	// A PATCH carries only the one property, nested as Graph holds it.
	assert.deepEqual(patchBody(switchNamed('trialsOnBehalfOfOrg')!, 'off'), {settings: {isAppAndServicesTrialEnabled: false}});
	assert.deepEqual(patchBody(switchNamed('emailSignUp')!, 'on'), {allowedToSignUpEmailBasedSubscriptions: true});
});

test("Graph scopes name the graph URL's origin: Microsoft's, a sovereign cloud's and any https server alike", () => {
	assert.deepEqual(graphScopes('https://graph.microsoft.com', ['Policy.Read.All']), ['https://graph.microsoft.com/Policy.Read.All']);
	assert.deepEqual(graphScopes('https://microsoftgraph.chinacloudapi.cn', ['Policy.Read.All']), ['https://microsoftgraph.chinacloudapi.cn/Policy.Read.All']);
	assert.deepEqual(graphScopes('https://127.0.0.1:8443/prefix', ['Policy.Read.All']), ['https://127.0.0.1:8443/Policy.Read.All']);
});

test('the Graph options: defaults, https only but for this machine, no API version in the URL, a GUID for the client', () => {
	const env = {HOME: '/nonexistent'};
	const settings = resolveSettings({}, env, false);
	assert.equal(settings.graphUrl, DEFAULT_GRAPH_URL);
	assert.equal(settings.graphClientId, GRAPH_CLI_CLIENT_ID);
	assert.equal(settings.graphToken, undefined);
	assert.equal(resolveSettings({graphUrl: 'https://graph.microsoft.us/'}, env, false).graphUrl, 'https://graph.microsoft.us');
	assert.equal(resolveSettings({}, {...env, MSCOMMERCE_GRAPH_URL: 'http://127.0.0.1:8443'}, false).graphUrl, 'http://127.0.0.1:8443');
	assert.throws(() => resolveSettings({graphUrl: 'http://graph.example.com'}, env, false), (e: unknown) => e instanceof UsageError && /--graph-url: plain http/.test(e.message));
	assert.throws(() => resolveSettings({graphUrl: 'https://graph.microsoft.com/v1.0'}, env, false), (e: unknown) => e instanceof UsageError && /API version/.test(e.message));
	assert.throws(() => resolveSettings({graphClientId: 'graph'}, env, false), (e: unknown) => e instanceof UsageError && /--graph-client-id/.test(e.message));
	assert.equal(resolveSettings({}, {...env, MSCOMMERCE_GRAPH_TOKEN: 'Bearer abc.def.ghi'}, false).graphToken, 'abc.def.ghi');
});

/** An explain input: the product's value and the switches (any left out are unknown). */
const input = (value: ExplainInput['product']['value'], switches: ExplainInput['switches']): ExplainInput => ({product: {...VISIO, value}, switches});

test('explain: Disabled with trials on behalf of the organization on still lets a trial start (inferred)', () => {
	const answer = explain(input('Disabled', {trialsOnBehalfOfOrg: 'on', emailSignUp: 'off'}));
	assert.equal(answer.verdict, 'trial');
	assert.equal(answer.sentence, 'Disabled for purchase; a trial can still start: trials on behalf of the organization is on');
	assert.equal(answer.basis, 'inferred');
	assert.match(answer.source, /CIPP issue 5737/);
	assert.match(answer.source, /11268/);
});

test('explain: Disabled with trials on behalf of the organization off leaves no documented way to buy or trial', () => {
	const answer = explain(input('Disabled', {trialsOnBehalfOfOrg: 'off', emailSignUp: 'off'}));
	assert.equal(answer.verdict, 'none');
	assert.equal(answer.sentence, 'Disabled for purchase; no documented way for users to buy or trial it: trials on behalf of the organization is off');
	assert.equal(answer.basis, 'documented');
	assert.deepEqual(answer.notes, []);
});

test('explain: Enabled lets users buy and trial whatever the switches; trials off is said as not documented to matter', () => {
	for (const trials of ['on', 'off'] as const) {
		const answer = explain(input('Enabled', {trialsOnBehalfOfOrg: trials, emailSignUp: 'off'}));
		assert.equal(answer.verdict, 'buy');
		assert.equal(answer.sentence, 'Enabled for purchase: users can buy it, and start a trial, themselves');
		assert.equal(answer.basis, 'documented');
		assert.equal(answer.notes.some(note => /not documented/.test(note)), trials === 'off', trials);
	}
});

test('explain: trials only allows a trial without a payment method, never a purchase', () => {
	for (const trials of ['on', 'off'] as const) {
		const answer = explain(input('OnlyTrialsWithoutPaymentMethod', {trialsOnBehalfOfOrg: trials, emailSignUp: 'off'}));
		assert.equal(answer.verdict, 'trial-only');
		assert.equal(answer.sentence, 'Trials only (without a payment method): users can start a trial without a payment method, but not buy it');
		assert.equal(answer.basis, 'documented');
	}
});

test('explain: email-based sign-up on is named as another way in, never as a purchase or trial', () => {
	const answer = explain(input('Disabled', {trialsOnBehalfOfOrg: 'off', emailSignUp: 'on'}));
	assert.equal(answer.verdict, 'none');
	assert.equal(answer.notes.length, 1);
	assert.match(answer.notes[0]!, /sign-up for email-based subscriptions is on/);
	assert.match(answer.notes[0]!, /neither buying nor a trial/);
});

test('explain: switches that could not be read leave the answer to the product value, and say why', () => {
	const reason = 'the tenant-wide switches could not be read (not signed in to Microsoft Graph)';
	const disabled = explain(input('Disabled', {trialsOnBehalfOfOrg: {unknown: reason}, emailSignUp: {unknown: reason}}));
	assert.equal(disabled.verdict, 'unknown');
	assert.equal(disabled.sentence, `Disabled for purchase; whether a trial can still start on behalf of the organization is not known: ${reason}`);
	const enabled = explain(input('Enabled', {trialsOnBehalfOfOrg: {unknown: reason}, emailSignUp: {unknown: reason}}));
	assert.equal(enabled.verdict, 'buy');
	assert.deepEqual(enabled.notes, [`Not known whether trials on behalf of the organization or sign-up for email-based subscriptions are on: ${reason}.`], 'one note per reason');
	// Left out entirely: not known either.
	assert.equal(explain(input('Disabled', {})).verdict, 'unknown');
});

test('explain always names what it does not cover: Fabric / Power BI trials and undocumented admin-center settings', () => {
	for (const value of ['Enabled', 'OnlyTrialsWithoutPaymentMethod', 'Disabled'] as const) {
		for (const trials of ['on', 'off', {unknown: 'x'}] as const) {
			const answer = explain(input(value, {trialsOnBehalfOfOrg: trials, emailSignUp: 'off'}));
			assert.deepEqual(answer.notCovered, [...NOT_COVERED]);
			assert.match(answer.notCovered.join(' '), /Fabric \/ Power BI/);
			assert.match(answer.notCovered.join(' '), /not documented an API/);
		}
	}
});

test("Graph's error envelope reads as one sentence with its code and message, the request ID as correlation ID", () => {
	const problem = classify(new HttpError(500, envelope('UnknownError', 'Something broke \u001b]0;owned\u0007 here'), {'request-id': 'header-id'}, graphContext('authorizationPolicy', false)));
	assert.equal(problem.kind, 'server');
	assert.equal(problem.title, 'Microsoft Graph failed on authorizationPolicy (500 UnknownError): Something broke \\x1b]0;owned\\x07 here');
	assert.equal(problem.correlationId, 'b1c2d3e4-0000-4000-8000-000000000042', "the envelope's request-id");
	assert.equal(problem.detail, undefined, 'said once');
	// Without an envelope, the request-id header.
	assert.equal(classify(new HttpError(502, '<html>bad gateway</html>', {'request-id': 'header-id'}, graphContext('authorizationPolicy', false))).correlationId, 'header-id');
});

test('a 403 changing authorizationPolicy names Privileged Role Administrator (or Global Administrator) and the permission; exit 4', () => {
	const problem = classify(new HttpError(403, envelope('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'), {}, graphContext('authorizationPolicy', true)));
	assert.equal(problem.kind, 'forbidden');
	assert.equal(problem.title, 'Microsoft Graph refused to change authorizationPolicy (403 Authorization_RequestDenied): Insufficient privileges to complete the operation.');
	assert.match(problem.hints[0]!, /Privileged Role Administrator or Global Administrator/);
	assert.match(problem.hints[0]!, /Policy\.ReadWrite\.Authorization/);
	assert.equal(exitCodeFor(problem), 4);
});

test('a 403 on appsAndServices names its permission and role', () => {
	const write = classify(new HttpError(403, envelope('Forbidden', "Missing scope permissions on the request. API requires one of 'OrgSettings-AppsAndServices.ReadWrite.All'."), {}, graphContext('appsAndServices', true)));
	assert.match(write.title, /refused to change appsAndServices \(beta\) \(403 Forbidden\)/);
	assert.match(write.hints[0]!, /OrgSettings-AppsAndServices\.ReadWrite\.All/);
	assert.match(write.hints[0]!, /Global Administrator/);
	const read = classify(new HttpError(403, envelope('Forbidden', 'no'), {}, graphContext('appsAndServices', false)));
	assert.match(read.hints[0]!, /OrgSettings-AppsAndServices\.Read\.All/);
});

test('the beta object answering 400 or 404 is "not available in this tenant/cloud", not a failure of the others', () => {
	const context = graphContext('appsAndServices', false);
	const problem = classify(new BetaUnavailableError(context, 400, envelope('BadRequest', "Resource not found for the segment 'appsAndServices'."), {}));
	assert.equal(problem.kind, 'unavailable');
	assert.equal(problem.title, 'appsAndServices (beta) is not available in this tenant/cloud');
	assert.match(problem.detail ?? '', /400 BadRequest: Resource not found for the segment 'appsAndServices'\./);
	assert.match(problem.hints[0]!, /the other switches still work/);
	assert.equal(problem.correlationId, 'b1c2d3e4-0000-4000-8000-000000000042');
});

test('consent missing (AADSTS65001) for Graph names the permissions and the admin consent URL', () => {
	const answer = {error: 'invalid_grant', description: "AADSTS65001: The user or administrator has not consented to use the application with ID '14d82eec-204b-4c2f-b7e8-296a70dab67e'.", codes: [65001], correlationId: 'corr-1'};
	const consent = {
		app: 'Microsoft Graph Command Line Tools',
		clientId: GRAPH_CLI_CLIENT_ID,
		permissions: ['Policy.Read.All', 'OrgSettings-AppsAndServices.Read.All'],
		consentUrl: `https://login.microsoftonline.com/fabrikam.onmicrosoft.com/adminconsent?client_id=${GRAPH_CLI_CLIENT_ID}`,
	};
	const problem = classify(new SignInError(new Error('invalid_grant'), answer, undefined, consent));
	assert.equal(problem.kind, 'sign-in');
	assert.equal(problem.title, 'Microsoft Graph Command Line Tools needs admin consent in this tenant for Policy.Read.All, OrgSettings-AppsAndServices.Read.All');
	assert.match(problem.hints[0]!, /https:\/\/login\.microsoftonline\.com\/fabrikam\.onmicrosoft\.com\/adminconsent\?client_id=14d82eec-204b-4c2f-b7e8-296a70dab67e/);
	assert.match(problem.hints[0]!, /Global Administrator, or Privileged Role Administrator/);
	assert.equal(problem.correlationId, 'corr-1');
	assert.equal(exitCodeFor(problem), 3);
	// The licensing sign-in's own 65001 keeps its hint.
	assert.doesNotMatch(classify(new SignInError(new Error('x'), answer)).hints.join(' '), /adminconsent/);
});

test('no Graph sign-in yet: the hint is `mscommerce login --graph`, not the licensing sign-in', () => {
	const problem = classify(new GraphNotSignedInError('Not signed in to Microsoft Graph as admin@contoso.onmicrosoft.com', ['run `mscommerce login --graph`']));
	assert.equal(problem.kind, 'not-signed-in');
	assert.deepEqual(problem.hints, ['run `mscommerce login --graph`']);
	assert.equal(exitCodeFor(problem), 3);
});

/** Writes audit lines to a fresh state directory. */
async function auditWith(entries: Array<Record<string, unknown>>): Promise<string> {
	const dir = join(await mkdtemp(join(tmpdir(), 'mscommerce-switch-audit-')), 'state');
	await mkdir(dir, {recursive: true, mode: 0o700});
	await writeFile(join(dir, 'audit.jsonl'), entries.map(entry => JSON.stringify(entry)).join('\n') + '\n', {mode: 0o600});
	return dir;
}

const line = (extra: Partial<AuditEntry>): AuditEntry => ({
	time: '2026-11-30T10:00:00.000Z',
	changeSetId: '11111111-2222-4333-8444-555555555555',
	source: 'switches set',
	account: 'admin@contoso.onmicrosoft.com',
	tenant: 'contoso-id',
	policyId: 'AllowSelfServicePurchase',
	scope: 'switch',
	id: 'trialsOnBehalfOfOrg',
	name: 'trials on behalf of the organization',
	from: 'on',
	to: 'off',
	result: 'intent',
	...extra,
});

test('switch lines read back as the change set of a switch (on / off), counted like rows and undoable', async () => {
	const dir = await auditWith([line({}), line({result: 'ok', now: 'off'}), {...line({}), from: 'Enabled'}, {...line({}), scope: 'tenant'}]);
	const {entries, unreadable} = await readAudit(dir);
	assert.equal(unreadable, 2, "a switch line with a product's value, and an unknown scope, are not entries");
	const [set] = changeSets(entries);
	assert.equal(set?.changed, 1);
	assert.deepEqual(set?.rows, []);
	assert.deepEqual(set?.switches.map(s => [s.id, s.from, s.to, s.status, s.now]), [['trialsOnBehalfOfOrg', 'on', 'off', 'ok', 'off']]);
	const found = findChangeSet(changeSets(entries), {tenant: 'contoso-id', policyId: 'AllowSelfServicePurchase'});
	assert.ok('found' in found && found.found.id === set?.id, 'the last change set of the tenant is the switch one');
});

function fakeIo(): Io & {out: () => string} {
	let out = '';
	return {stdout: {write: (text: string) => (out += text)}, stderr: {write: () => true}, stdin: Readable.from([]), out: () => out};
}

async function tab(line: string): Promise<string[]> {
	const io = fakeIo();
	await completeCommand(io, line.split(' '), buildProgram(), join(tmpdir(), 'mscommerce-no-state'));
	return io.out().split('\n').filter(Boolean);
}

test('Tab completes the switches commands, switch names and on / off, and explain', async () => {
	assert.deepEqual(await tab('switches '), ['list', 'get', 'set', 'help']);
	assert.deepEqual(await tab('switches get '), ['emailSignUp', 'emailJoin', 'trialsOnBehalfOfOrg', 'officeStore']);
	assert.deepEqual(await tab('switches set tr'), ['trialsOnBehalfOfOrg']);
	assert.deepEqual(await tab('switches set trialsOnBehalfOfOrg '), ['on', 'off']);
	assert.deepEqual(await tab('switches set trialsOnBehalfOfOrg off '), []);
	assert.ok((await tab('ex')).includes('explain'));
	assert.ok((await tab('login --g')).includes('--graph'));
	assert.ok((await tab('--graph-u')).includes('--graph-url'));
});
