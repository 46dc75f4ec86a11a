import assert from 'node:assert/strict';
import {test} from 'node:test';
import {changeSets, findChangeSet, type AuditEntry} from '../../source/commerce/audit.js';
import {resolveSettings, settingsForTenant} from '../../source/config.js';
import {formatProblem} from '../../source/files/yaml.js';
import {Limiter, tenantGate} from '../../source/net/gate.js';
import {inShard, parseShard, parseTenantsFile, shardOf} from '../../source/fleet/tenantsFile.js';
import {UsageError} from '../../source/problems/errors.js';

const problemsOf = (text: string) => parseTenantsFile(text, '/fleet/tenants.yaml').problems.map(p => formatProblem('tenants.yaml', p));

test('a tenants file gives each tenant its sign-in and its baseline, relative to the file', () => {
	const {members, problems} = parseTenantsFile(
		[
			'tenants:',
			'  - contoso.onmicrosoft.com',
			'  - tenant: 4c9e2b71-8f3d-4e6a-b5c2-7d1f0a9e3b68',
			'    name: Fabrikam (retail)',
			'    account: admin@partner.onmicrosoft.com',
			'    baseline: baselines/fabrikam.yaml',
			'  - tenant: northwind.example',
			'    app: 0E7C5A3B-1D2F-4E6A-9B8C-7D6E5F4A3B21',
			'    baseline: /etc/shared.yaml',
			'',
		].join('\n'),
		'/fleet/tenants.yaml',
	);
	assert.deepEqual(problems, []);
	assert.deepEqual(members, [
		{tenant: 'contoso.onmicrosoft.com', name: 'contoso.onmicrosoft.com', index: 0, line: 2},
		{
			tenant: '4c9e2b71-8f3d-4e6a-b5c2-7d1f0a9e3b68',
			name: 'Fabrikam (retail)',
			account: 'admin@partner.onmicrosoft.com',
			baseline: '/fleet/baselines/fabrikam.yaml',
			baselineAsWritten: 'baselines/fabrikam.yaml',
			index: 1,
			line: 3,
		},
		{tenant: 'northwind.example', name: 'northwind.example', app: '0e7c5a3b-1d2f-4e6a-9b8c-7d6e5f4a3b21', baseline: '/etc/shared.yaml', baselineAsWritten: '/etc/shared.yaml', index: 2, line: 7},
	]);
});

test('every problem of a tenants file is reported at once, with its path and line', () => {
	assert.deepEqual(
		problemsOf(
			[
				'tenants:',
				'  - organizations',
				'  - tenant: contoso.onmicrosoft.com',
				'    acount: admin@contoso.onmicrosoft.com',
				'  - tenant: fabrikam.onmicrosoft.com',
				'    account: not an account',
				'    app: 1234',
				'  - CONTOSO.onmicrosoft.com',
				'  - name: no tenant here',
				'  - [a, list]',
				'',
			].join('\n'),
		),
		[
			'tenants.yaml:2: tenants.0: organizations is no tenant in particular: name each tenant by its domain or tenant ID',
			'tenants.yaml:4: tenants.1.acount: unknown key (expected tenant, name, account, app, baseline)',
			'tenants.yaml:6: tenants.2.account: "not an account" is not an account (a user name such as admin@partner.onmicrosoft.com)',
			'tenants.yaml:7: tenants.2.app: "1234" is not an application (client) ID (a GUID)',
			'tenants.yaml:7: tenants.2.app: give account or app, not both: a tenant signs in one way',
			'tenants.yaml:8: tenants.3: CONTOSO.onmicrosoft.com is listed twice (also at tenants.1.tenant, line 3): a tenant is in a fleet once',
			'tenants.yaml:9: tenants.4: missing tenant: (a domain or tenant ID)',
			'tenants.yaml:10: tenants.5: expected a tenant (a domain or ID) or a mapping with tenant:, got a list',
		],
	);
});

test('a tenants file that is empty, not a list, or hostile YAML is refused in one line', () => {
	assert.match(problemsOf('')[0]!, /^tenants\.yaml: the file is empty/);
	assert.deepEqual(problemsOf('tenants: contoso.onmicrosoft.com\n'), ['tenants.yaml:1: tenants: expected a list of tenants, got "contoso.onmicrosoft.com"']);
	assert.deepEqual(problemsOf('Tenants:\n  - contoso.onmicrosoft.com\n'), ['tenants.yaml:1: Tenants: unknown key: did you mean tenants?', 'tenants.yaml: tenants: missing: list the tenants under tenants:']);
	assert.deepEqual(problemsOf(`tenants: ${'['.repeat(100)}`), ['tenants.yaml:1: nested more than 16 levels deep: a tenants file needs 4 (the file, tenants, a tenant, a value)']);
});

test('--shard slices are disjoint, cover the file, and keep a tenant in its slice when others come and go', () => {
	const tenants = Array.from({length: 200}, (_, i) => `customer${String(i + 1).padStart(3, '0')}.onmicrosoft.com`);
	const members = tenants.map((tenant, index) => ({tenant, name: tenant, index}));
	const slices = [1, 2, 3, 4].map(index => inShard(members, {index, count: 4}).map(m => m.tenant));
	assert.deepEqual(slices.flat().sort(), [...tenants].sort());
	assert.equal(new Set(slices.flat()).size, tenants.length);
	for (const slice of slices) assert.ok(slice.length > 20, `each slice gets a fair share, got ${slice.length}`);
	const fewer = inShard(members.slice(50), {index: 2, count: 4}).map(m => m.tenant);
	assert.deepEqual(fewer, slices[1]!.filter(t => tenants.indexOf(t) >= 50));
	// Case does not move a tenant: the file may spell it either way.
	assert.equal(shardOf('Contoso.OnMicrosoft.com', 7), shardOf('contoso.onmicrosoft.com', 7));
});

test('--shard takes K/N with 1 <= K <= N, and says so otherwise', () => {
	assert.deepEqual(parseShard('2/4'), {index: 2, count: 4});
	for (const bad of ['0/4', '5/4', '2', 'a/b', '1/0', '-1/4', '1/100000']) assert.throws(() => parseShard(bad), UsageError, bad);
});

test("each tenant's settings follow the authority rule and its own way of signing in", () => {
	const base = resolveSettings({authority: 'https://login.example.test/organizations', clientId: '0e7c5a3b-1d2f-4e6a-9b8c-7d6e5f4a3b21', clientSecret: 's3cret'}, {HOME: '/home/a'}, false, {fleet: true});
	const byApp = settingsForTenant(base, {tenant: 'contoso.onmicrosoft.com'});
	assert.equal(byApp.authority, 'https://login.example.test/contoso.onmicrosoft.com');
	assert.equal(byApp.clientSecret, 's3cret');
	const other = settingsForTenant(base, {tenant: 'fabrikam.onmicrosoft.com', app: '5f4e3d2c-1b0a-4988-8776-655443322110'});
	assert.equal(other.clientId, '5f4e3d2c-1b0a-4988-8776-655443322110');
	const person = settingsForTenant(base, {tenant: 'fabrikam.onmicrosoft.com', account: 'partner@northwind.example'});
	assert.equal(person.account, 'partner@northwind.example');
	assert.equal(person.clientSecret, undefined, "an account never signs in with the run's app secret");
	const delegated = resolveSettings({}, {HOME: '/home/a'}, false, {fleet: true});
	assert.throws(() => settingsForTenant(delegated, {tenant: 'contoso.onmicrosoft.com', app: '5f4e3d2c-1b0a-4988-8776-655443322110'}), /needs --client-secret/);
	assert.throws(() => settingsForTenant({...delegated, token: 'x'}, {tenant: 'contoso.onmicrosoft.com'}), /--token .* is for one tenant/);
});

test('a tenant waits for its own slots before taking one of the run, and a 429 pauses only that tenant', async () => {
	const run = new Limiter(3);
	const a = tenantGate(run, 2);
	const b = tenantGate(run, 2);
	const held = [await a.acquire(), await a.acquire()];
	const granted: Array<() => void> = [];
	void a.acquire().then(release => granted.push(release));
	await new Promise(resolve => setImmediate(resolve));
	assert.equal(granted.length, 0, 'a tenant never has more than its own limit in flight');
	assert.equal(run.inFlight, 2, 'and waiting for its own turn it holds none of the run');
	const releaseB = await b.acquire();
	assert.equal(run.inFlight, 3);
	held[0]!();
	await new Promise(resolve => setImmediate(resolve));
	assert.equal(granted.length, 1, 'a freed slot goes to the tenant waiting for it');
	granted[0]!();
	held[1]!();
	releaseB();
	b.pause(60_000);
	let bGot = false;
	const giveUp = new AbortController();
	const bWaits = b.acquire(giveUp.signal).then(release => {
		bGot = true;
		release();
	});
	const releaseA = await a.acquire();
	await new Promise(resolve => setImmediate(resolve));
	assert.equal(bGot, false, 'the throttled tenant waits out its Retry-After');
	assert.equal(run.inFlight, 1, 'the other tenant goes on meanwhile');
	releaseA();
	giveUp.abort();
	await assert.rejects(bWaits, /cancel/i);
	const aborted = new AbortController();
	const waiting = tenantGate(run, 1);
	const hold = await waiting.acquire();
	const queued = waiting.acquire(aborted.signal);
	aborted.abort();
	await assert.rejects(queued, /cancel/i);
	hold();
});

const entry = (changeSetId: string, tenant: string, id: string, result: AuditEntry['result']): AuditEntry => ({
	time: '2026-11-30T08:00:00.000Z',
	changeSetId,
	source: 'baseline apply',
	account: 'partner@northwindpartners.onmicrosoft.com',
	tenant,
	policyId: 'AllowSelfServicePurchase',
	scope: 'product',
	id,
	name: id,
	from: 'Enabled',
	to: 'Disabled',
	result,
});

test("a fleet's change set reads as one set per tenant under one ID, and undo by that ID takes them all", () => {
	const id = '5f3052ad-0000-4000-8000-000000000001';
	const sets = changeSets([entry(id, 'tenant-a', 'P1', 'intent'), entry(id, 'tenant-b', 'P2', 'intent'), entry(id, 'tenant-a', 'P1', 'ok'), entry(id, 'tenant-b', 'P2', 'ok')]);
	assert.deepEqual(
		sets.map(set => [set.id, set.tenant, set.changed]),
		[
			[id, 'tenant-a', 1],
			[id, 'tenant-b', 1],
		],
	);
	const lookup = findChangeSet(sets, {tenant: 'elsewhere', policyId: 'AllowSelfServicePurchase'}, '5f3052ad');
	assert.ok('fleet' in lookup);
	assert.deepEqual(
		lookup.fleet.map(part => part.tenant),
		['tenant-a', 'tenant-b'],
	);
});
