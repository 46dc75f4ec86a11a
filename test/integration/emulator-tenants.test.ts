/**
 * The emulator as many tenants, for fleet runs: synthetic customer tenants that exist only in the
 * emulator started with them, each with its own policy state; the partner's GDAP relationships
 * there and their changes at run time; and the multi-tenant fleet app signing in app-only in each
 * tenant that consented. Raw OAuth requests over HTTPS, so every AADSTS code is seen as sent.
 */
import assert from 'node:assert/strict';
import {createHash, createPrivateKey, sign, X509Certificate} from 'node:crypto';
import {test} from 'node:test';
import type {ProductPolicy} from '../../source/commerce/types.js';
import {Directory, guidFrom} from '../../source/emulator/directory.js';
import {
	CONTOSO,
	FABRIKAM,
	FLEET_APP_ID,
	MAX_TENANT_COUNT,
	NORTHWIND,
	PARTNER_USERNAME,
	ROLE,
	startEmulator,
	syntheticTenant,
	type Emulator,
} from '../../source/emulator/index.js';
import {call, postForm, printedBy, start} from '../support/emulatorHttp.js';

const LICENSING = 'aeb86249-8ea3-49e2-900b-54cc8e308f85';
const CLIENT_ID = '3d5cffa9-04da-4657-8cab-c7f074657cad';
const PRODUCTS = '/v1.0/policies/AllowSelfServicePurchase/products';
const PRODUCT = 'CFQ7TTC0H9MP';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Body = Record<string, unknown>;

const claimsOf = (token: unknown): Body => JSON.parse(Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString()) as Body;

/** The partner signs in once at home (device code, approved at once) and keeps its refresh token. */
async function partnerRefreshToken(emu: Emulator): Promise<string> {
	const issued = await postForm(emu, '/organizations/oauth2/v2.0/devicecode', {client_id: CLIENT_ID, scope: `${LICENSING}/.default offline_access`});
	emu.approve(String(issued.body.user_code), PARTNER_USERNAME);
	const tokens = await postForm(emu, '/organizations/oauth2/v2.0/token', {
		client_id: CLIENT_ID,
		grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
		device_code: String(issued.body.device_code),
	});
	assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
	return String(tokens.body.refresh_token);
}

/** The partner's refresh token redeemed at a customer tenant: what MSAL's silent call does there. */
const refreshAt = (emu: Emulator, tenant: string, refreshToken: string) =>
	postForm(emu, `/${tenant}/oauth2/v2.0/token`, {client_id: CLIENT_ID, grant_type: 'refresh_token', refresh_token: refreshToken, scope: `${LICENSING}/.default offline_access`});

const fleetSecret = (emu: Emulator): string => emu.apps.find(app => app.clientId === FLEET_APP_ID)?.secret ?? '';

const appToken = (emu: Emulator, tenant: string, form: Record<string, string> = {client_secret: fleetSecret(emu)}) =>
	postForm(emu, `/${tenant}/oauth2/v2.0/token`, {client_id: FLEET_APP_ID, grant_type: 'client_credentials', scope: `${LICENSING}/.default`, ...form});

const gdap = (emu: Emulator, body: string) => call(emu, 'POST', '/_emulator/gdap', {token: null, body});

test('syntheticTenant(i) names tenants without an emulator: customer001…, Customer i, a lowercase version 4 GUID from the domain', () => {
	const first = syntheticTenant(1);
	assert.deepEqual({domain: first.domain, displayName: first.displayName}, {domain: 'customer001.onmicrosoft.com', displayName: 'Customer 1'});
	assert.equal(syntheticTenant(42).domain, 'customer042.onmicrosoft.com');
	assert.equal(syntheticTenant(1000).domain, 'customer1000.onmicrosoft.com');
	assert.equal(first.id, guidFrom('customer001.onmicrosoft.com'));
	assert.deepEqual(syntheticTenant(1), first, 'the same every time');
	const ids = Array.from({length: 500}, (_, i) => syntheticTenant(i + 1).id);
	assert.ok(ids.every(id => GUID.test(id) && id === id.toLowerCase() && id[14] === '4' && '89ab'.includes(id[19] ?? '')), 'version 4, RFC 4122 variant');
	assert.equal(new Set([...ids, CONTOSO.id, FABRIKAM.id, NORTHWIND.id]).size, ids.length + 3);
	assert.throws(() => syntheticTenant(0), RangeError);
	assert.throws(() => syntheticTenant(1.5), RangeError);
});

test('synthetic tenants exist only up to tenantCount, and only in the emulator started with them; the fixed tenants stay', async () => {
	const three = await start({tenantCount: 3});
	const none = await start();
	const discovery = (emu: Emulator, tenant: string) => call(emu, 'GET', `/${tenant}/v2.0/.well-known/openid-configuration`, {token: null});
	const found = await discovery(three, 'customer003.onmicrosoft.com');
	assert.equal(found.status, 200);
	assert.equal((found.json() as Body).issuer, `${three.url}/${syntheticTenant(3).id}/v2.0`);
	assert.equal((await discovery(three, syntheticTenant(2).id)).status, 200, 'by ID too');
	const beyond = await discovery(three, 'customer004.onmicrosoft.com');
	assert.equal(beyond.status, 400);
	assert.deepEqual((beyond.json() as Body).error_codes, [90002]);
	assert.equal((await discovery(none, 'customer001.onmicrosoft.com')).status, 400, 'another emulator in the same process does not have them');
	for (const fixed of [CONTOSO, FABRIKAM, NORTHWIND]) assert.equal((await discovery(none, fixed.domain)).status, 200);

	assert.deepEqual(three.tenants.map(t => t.domain), [CONTOSO.domain, FABRIKAM.domain, NORTHWIND.domain, 'customer001.onmicrosoft.com', 'customer002.onmicrosoft.com', 'customer003.onmicrosoft.com']);
	assert.equal(none.tenants.length, 3);
	const admin = three.accounts.find(a => a.username === 'admin@customer002.onmicrosoft.com');
	assert.deepEqual([admin?.tenantId, admin?.roles, admin?.canWrite], [syntheticTenant(2).id, [ROLE.globalAdministrator], true]);
	assert.equal(none.accounts.length, 6);
	assert.throws(() => none.issueToken('admin@customer001.onmicrosoft.com'), /No account/);
	assert.throws(() => three.tenantState('customer004.onmicrosoft.com'), /No tenant customer004\.onmicrosoft\.com: use .*customer001…customer003\.onmicrosoft\.com/);
	// A synthetic tenant's admin is who auto-approval and a bare approve sign in as there.
	const issued = await postForm(three, '/customer003.onmicrosoft.com/oauth2/v2.0/devicecode', {client_id: CLIENT_ID, scope: `${LICENSING}/.default`});
	three.approve(String(issued.body.user_code));
	const tokens = await postForm(three, '/customer003.onmicrosoft.com/oauth2/v2.0/token', {client_id: CLIENT_ID, grant_type: 'device_code', device_code: String(issued.body.device_code)});
	assert.deepEqual([claimsOf(tokens.body.access_token).upn, claimsOf(tokens.body.access_token).tid], ['admin@customer003.onmicrosoft.com', syntheticTenant(3).id]);
});

test('each synthetic tenant has its own policy state, created on first use: a value set in customer002 is not seen in customer001', async () => {
	const emu = await start({tenantCount: 100});
	const info = async () => (await call(emu, 'GET', '/_emulator/info', {token: null})).json() as {tenantCount: number; tenantsWithState: number};
	const before = await info();
	assert.deepEqual([before.tenantCount, before.tenantsWithState], [100, 0], 'no tenant has state before it is used');
	const second = emu.issueToken('admin@customer002.onmicrosoft.com');
	const first = emu.issueToken('admin@customer001.onmicrosoft.com');
	const put = await call(emu, 'PUT', `${PRODUCTS}/${PRODUCT}`, {token: second, body: JSON.stringify({policyValue: 'Disabled'})});
	assert.equal(put.status, 200);
	assert.equal(emu.requests.at(-1)?.tenantId, syntheticTenant(2).id);
	const seen = await call(emu, 'GET', `${PRODUCTS}/${PRODUCT}`, {token: first});
	assert.equal((seen.json() as ProductPolicy).policyValue, 'Enabled');
	assert.equal(emu.tenantState('customer002.onmicrosoft.com').products.find(p => p.productId === PRODUCT)?.policyValue, 'Disabled');
	assert.equal(emu.tenantState(CONTOSO.id).products.find(p => p.productId === PRODUCT)?.policyValue, 'Enabled');
	// Behind the program's back, by domain, over the control route.
	const set = await call(emu, 'POST', '/_emulator/set', {token: null, body: JSON.stringify({tenantId: 'customer100.onmicrosoft.com', id: PRODUCT, policyValue: 'OnlyTrialsWithoutPaymentMethod'})});
	assert.equal(set.status, 200);
	assert.equal(emu.tenantState(syntheticTenant(100).id).products.find(p => p.productId === PRODUCT)?.policyValue, 'OnlyTrialsWithoutPaymentMethod');
	assert.equal((await info()).tenantsWithState, 4, 'customer001, customer002, Contoso and customer100: the other 96 cost nothing');
});

test('synthetic tenants get the same catalog, preset and synthetic products as the fixed ones', async () => {
	const emu = await start({tenantCount: 2, preset: 'demo', syntheticProducts: 50});
	const contoso = emu.tenantState(CONTOSO.id);
	const customer = emu.tenantState('customer002.onmicrosoft.com');
	assert.deepEqual(customer, contoso);
	assert.ok(customer.products.some(p => p.policyValue === 'Disabled'), 'the demo preset');
	// Microsoft adds a product: every tenant, synthetic ones included, even those not used yet.
	emu.addProduct(undefined, {productId: 'CFQ7TTC0NEW9', productName: 'Fleet Loop'});
	assert.equal(emu.tenantState('customer001.onmicrosoft.com').products.at(-1)?.productId, 'CFQ7TTC0NEW9');
});

test('the partner redeems its refresh token in a synthetic tenant and gets Billing Administrator there through GDAP, so it may change policies', async () => {
	const emu = await start({tenantCount: 3});
	const refreshToken = await partnerRefreshToken(emu);
	const customer = syntheticTenant(2);
	const tokens = await refreshAt(emu, customer.domain, refreshToken);
	assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
	const claims = claimsOf(tokens.body.access_token);
	assert.deepEqual(
		[claims.tid, claims.upn, claims.wids, claims.idp, claims.iss],
		[customer.id, PARTNER_USERNAME, [ROLE.billingAdministrator], `https://sts.windows.net/${NORTHWIND.id}/`, `${emu.url}/${customer.id}/v2.0`],
	);
	const put = await call(emu, 'PUT', `${PRODUCTS}/${PRODUCT}`, {token: String(tokens.body.access_token), body: JSON.stringify({policyValue: 'Disabled'})});
	assert.equal(put.status, 200);
	assert.equal(emu.tenantState(customer.id).products.find(p => p.productId === PRODUCT)?.policyValue, 'Disabled');
	assert.equal(emu.requests.at(-1)?.username, PARTNER_USERNAME);
	// The fixed relationships are as they were.
	assert.deepEqual(claimsOf((await refreshAt(emu, FABRIKAM.domain, refreshToken)).body.access_token).wids, [ROLE.globalReader]);
	assert.deepEqual(claimsOf((await refreshAt(emu, CONTOSO.domain, refreshToken)).body.access_token).wids, [ROLE.billingAdministrator]);
});

test('POST /_emulator/gdap: [] gives a token without roles that the licensing API refuses 403; null makes the refresh there fail with AADSTS50020; names or IDs give roles back', async () => {
	const emu = await start({tenantCount: 2});
	const refreshToken = await partnerRefreshToken(emu);
	const customer = syntheticTenant(1);

	const noRole = await gdap(emu, JSON.stringify({username: PARTNER_USERNAME, tenant: customer.domain, roles: []}));
	assert.equal(noRole.status, 200, noRole.text);
	assert.deepEqual(noRole.json(), {username: PARTNER_USERNAME, tenantId: customer.id, roles: []});
	const roleless = await refreshAt(emu, customer.domain, refreshToken);
	assert.equal(roleless.status, 200, 'a relationship without a role still signs in');
	assert.deepEqual(claimsOf(roleless.body.access_token).wids, []);
	const refused = await call(emu, 'GET', PRODUCTS, {token: String(roleless.body.access_token)});
	assert.equal(refused.status, 403);
	assert.match(refused.text, /not allowed to read/);

	assert.equal((await gdap(emu, JSON.stringify({username: PARTNER_USERNAME, tenant: customer.id, roles: null}))).status, 200);
	const ended = await refreshAt(emu, customer.domain, refreshToken);
	assert.equal(ended.status, 400);
	assert.equal(ended.body.error, 'invalid_grant');
	assert.deepEqual(ended.body.error_codes, [50020]);
	assert.equal((await refreshAt(emu, 'customer002.onmicrosoft.com', refreshToken)).status, 200, 'only that tenant changed');

	// By template ID, and by name in any case: a role the partner did not have in Fabrikam.
	assert.equal((await gdap(emu, JSON.stringify({username: PARTNER_USERNAME, tenant: customer.domain, roles: [ROLE.billingAdministrator]}))).status, 200);
	assert.deepEqual(claimsOf((await refreshAt(emu, customer.domain, refreshToken)).body.access_token).wids, [ROLE.billingAdministrator]);
	const fabrikam = await gdap(emu, JSON.stringify({username: PARTNER_USERNAME.toUpperCase(), tenant: 'FABRIKAM.onmicrosoft.com', roles: ['global reader', 'Billing Administrator']}));
	assert.deepEqual((fabrikam.json() as Body).roles, [ROLE.globalReader, ROLE.billingAdministrator]);
	assert.deepEqual(claimsOf((await refreshAt(emu, FABRIKAM.id, refreshToken)).body.access_token).wids, [ROLE.globalReader, ROLE.billingAdministrator]);
	// The Emulator object's method does the same.
	assert.deepEqual(emu.setGdap(PARTNER_USERNAME, CONTOSO.domain, null), {username: PARTNER_USERNAME, tenantId: CONTOSO.id, roles: null});
	assert.deepEqual((await refreshAt(emu, CONTOSO.id, refreshToken)).body.error_codes, [50020]);
});

test('POST /_emulator/gdap answers 400 with a clear message for bad input', async () => {
	const emu = await start({tenantCount: 2});
	const cases: Array<[body: string, message: RegExp]> = [
		['not json', /The body must be JSON: \{"username"/],
		['[]', /The body must be JSON/],
		[JSON.stringify({tenant: 'customer001.onmicrosoft.com', roles: []}), /username is required/],
		[JSON.stringify({username: PARTNER_USERNAME, roles: []}), /tenant is required/],
		[JSON.stringify({username: PARTNER_USERNAME, tenant: 'customer001.onmicrosoft.com'}), /roles is required: .*\[\] for a relationship without a role, or null for none/],
		[JSON.stringify({username: PARTNER_USERNAME, tenant: 'customer001.onmicrosoft.com', roles: 'Billing Administrator'}), /roles must be a list/],
		[JSON.stringify({username: PARTNER_USERNAME, tenant: 'customer001.onmicrosoft.com', roles: ['Billing Admin']}), /roles: "Billing Admin" is not a role the emulator knows \(use Global Administrator, Billing Administrator, Global Reader/],
		[JSON.stringify({username: PARTNER_USERNAME, tenant: 'customer003.onmicrosoft.com', roles: []}), /tenant: there is no tenant customer003\.onmicrosoft\.com \(use .*customer001…customer002\.onmicrosoft\.com/],
		[JSON.stringify({username: 'nobody@contoso.onmicrosoft.com', tenant: CONTOSO.id, roles: []}), /username: there is no account nobody@contoso\.onmicrosoft\.com/],
		[JSON.stringify({username: PARTNER_USERNAME, tenant: NORTHWIND.domain, roles: []}), /is the home tenant of partner@/],
	];
	for (const [body, message] of cases) {
		const answer = await gdap(emu, body);
		assert.equal(answer.status, 400, `${body}: ${answer.text}`);
		assert.match((answer.json() as {error: string}).error, message);
	}
	assert.throws(() => emu.setGdap(PARTNER_USERNAME, 'customer003.onmicrosoft.com', []), /there is no tenant/);
});

test('GDAP changed at run time in one emulator does not reach another, nor a new one', async () => {
	const changed = await start({tenantCount: 1});
	const other = await start({tenantCount: 1});
	changed.setGdap(PARTNER_USERNAME, 'customer001.onmicrosoft.com', null);
	changed.setGdap(PARTNER_USERNAME, FABRIKAM.domain, ['Billing Administrator']);
	assert.deepEqual((await refreshAt(changed, 'customer001.onmicrosoft.com', await partnerRefreshToken(changed))).body.error_codes, [50020]);
	const token = await partnerRefreshToken(other);
	assert.deepEqual(claimsOf((await refreshAt(other, 'customer001.onmicrosoft.com', token)).body.access_token).wids, [ROLE.billingAdministrator]);
	assert.deepEqual(claimsOf((await refreshAt(other, FABRIKAM.domain, token)).body.access_token).wids, [ROLE.globalReader]);
	const fresh = new Directory({tenantCount: 1});
	assert.deepEqual(fresh.gdapRoles(PARTNER_USERNAME, syntheticTenant(1).id), [ROLE.billingAdministrator]);
});

test('the fleet app gets app-only tokens whose tid is the tenant it asked at, in Contoso and in customer002, and acts there alone', async () => {
	const emu = await start({tenantCount: 2});
	const app = emu.apps.find(a => a.clientId === FLEET_APP_ID);
	assert.deepEqual([app?.displayName, app?.tenantId, app?.roles], ['Northwind fleet automation', NORTHWIND.id, ['Policy.ReadWrite.AllowSelfServicePurchase']]);
	const customer = syntheticTenant(2);
	const inCustomer = await appToken(emu, customer.domain);
	const inContoso = await appToken(emu, CONTOSO.id);
	assert.equal(inCustomer.status, 200, JSON.stringify(inCustomer.body));
	assert.equal(inContoso.status, 200, JSON.stringify(inContoso.body));
	const customerClaims = claimsOf(inCustomer.body.access_token);
	const contosoClaims = claimsOf(inContoso.body.access_token);
	assert.deepEqual(
		[customerClaims.tid, customerClaims.iss, customerClaims.azp, customerClaims.idtyp, customerClaims.roles],
		[customer.id, `${emu.url}/${customer.id}/v2.0`, FLEET_APP_ID, 'app', ['Policy.ReadWrite.AllowSelfServicePurchase']],
	);
	assert.equal(contosoClaims.tid, CONTOSO.id);
	assert.ok(GUID.test(String(customerClaims.oid)) && customerClaims.oid !== contosoClaims.oid, "each tenant's service principal has its own object ID");
	assert.equal(emu.requests.at(-2)?.tenantId, customer.id, 'the sign-in is logged in the tenant asked at');

	const put = await call(emu, 'PUT', `${PRODUCTS}/${PRODUCT}`, {token: String(inCustomer.body.access_token), body: JSON.stringify({policyValue: 'Disabled'})});
	assert.equal(put.status, 200);
	assert.equal(emu.tenantState(customer.id).products.find(p => p.productId === PRODUCT)?.policyValue, 'Disabled');
	assert.equal(emu.tenantState(CONTOSO.id).products.find(p => p.productId === PRODUCT)?.policyValue, 'Enabled');
	assert.equal((await appToken(emu, FABRIKAM.domain)).status, 200, 'consented in Fabrikam too');
	const wrongSecret = await appToken(emu, customer.id, {client_secret: 'emulator-secret-fleet~wrong-one-not-this-at-all'});
	assert.deepEqual([wrongSecret.status, wrongSecret.body.error_codes], [401, [7000215]]);
});

test('the fleet app is refused where it has no service principal (Northwind: AADSTS7000229) and where the tenant is not in this emulator (AADSTS90002); single-tenant apps stay at home (AADSTS700016)', async () => {
	const emu = await start({tenantCount: 2});
	const home = await appToken(emu, NORTHWIND.domain);
	assert.equal(home.status, 401);
	assert.equal(home.body.error, 'invalid_client');
	assert.deepEqual(home.body.error_codes, [7000229]);
	assert.match(String(home.body.error_description), new RegExp(`^AADSTS7000229: The client application ${FLEET_APP_ID} is missing service principal in the tenant ${NORTHWIND.id}\\.`));
	const beyond = await appToken(emu, 'customer003.onmicrosoft.com');
	assert.deepEqual([beyond.status, beyond.body.error, beyond.body.error_codes], [400, 'invalid_tenant', [90002]]);
	const noCustomers = await start();
	assert.deepEqual((await appToken(noCustomers, 'customer001.onmicrosoft.com')).body.error_codes, [90002]);
	assert.equal((await appToken(noCustomers, CONTOSO.domain)).status, 200);

	const contosoApp = emu.apps[0]!;
	const abroad = await postForm(emu, '/customer001.onmicrosoft.com/oauth2/v2.0/token', {client_id: contosoApp.clientId, client_secret: contosoApp.secret, grant_type: 'client_credentials', scope: `${LICENSING}/.default`});
	assert.deepEqual([abroad.status, abroad.body.error, abroad.body.error_codes], [400, 'unauthorized_client', [700016]]);
	const atHome = await postForm(emu, `/${CONTOSO.domain}/oauth2/v2.0/token`, {client_id: contosoApp.clientId, client_secret: contosoApp.secret, grant_type: 'client_credentials', scope: `${LICENSING}/.default`});
	assert.deepEqual([atHome.status, claimsOf(atHome.body.access_token).tid, claimsOf(atHome.body.access_token).oid], [200, CONTOSO.id, contosoApp.oid]);
});

test('the fleet app signs in with its certificate (emu.appCertificate) in a synthetic tenant', async () => {
	const emu = await start({tenantCount: 1});
	const {pem} = await emu.appCertificate(FLEET_APP_ID);
	const certificate = new X509Certificate(/-----BEGIN CERTIFICATE-----[^]+?-----END CERTIFICATE-----/.exec(pem)?.[0] ?? '');
	const tenant = syntheticTenant(1);
	const now = Math.floor(Date.now() / 1000);
	const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const unsigned = `${part({alg: 'RS256', typ: 'JWT', 'x5t#S256': createHash('sha256').update(certificate.raw).digest('base64url')})}.${part({
		iss: FLEET_APP_ID,
		sub: FLEET_APP_ID,
		aud: `${emu.url}/${tenant.domain}/oauth2/v2.0/token`,
		exp: now + 300,
		nbf: now,
		jti: guidFrom(String(now)),
	})}`;
	const assertion = `${unsigned}.${sign('sha256', Buffer.from(unsigned), createPrivateKey(pem)).toString('base64url')}`;
	const answer = await appToken(emu, tenant.domain, {client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion});
	assert.equal(answer.status, 200, JSON.stringify(answer.body));
	assert.deepEqual([claimsOf(answer.body.access_token).tid, claimsOf(answer.body.access_token).azpacr], [tenant.id, '2']);
});

test('an emulator with 100 tenants starts as fast as one without; tenantCount is a whole number up to the maximum', async t => {
	await start({cacheDir: false}); // certificates into memory, as the second start-up in emulator.test.ts
	const plain = await start({cacheDir: false});
	const hundred = await start({cacheDir: false, tenantCount: 100});
	t.diagnostic(`start-up: without tenants ${plain.startupMs.toFixed(1)} ms, with 100 ${hundred.startupMs.toFixed(1)} ms`);
	assert.ok(hundred.startupMs < 200, `took ${hundred.startupMs} ms`);
	const began = performance.now();
	const largest = new Directory({tenantCount: MAX_TENANT_COUNT});
	const elapsed = performance.now() - began;
	t.diagnostic(`a directory of ${MAX_TENANT_COUNT} tenants in ${elapsed.toFixed(1)} ms`);
	assert.equal(largest.findTenant(syntheticTenant(MAX_TENANT_COUNT).id)?.domain, `customer${MAX_TENANT_COUNT}.onmicrosoft.com`);
	assert.ok(elapsed < 1000, `took ${elapsed} ms`);
	for (const tenantCount of [-1, 1.5, Number.NaN, MAX_TENANT_COUNT + 1]) {
		await assert.rejects(startEmulator({cacheDir: false, tenantCount}), /tenantCount must be a whole number from 0 to 10000/);
	}
});

test('runEmulator prints the synthetic tenants, their admins, the fleet app and how to change GDAP', async () => {
	const printed = await printedBy({cacheDir: false, tenantCount: 250});
	await printed.stop();
	const {text} = printed;
	assert.match(text, /customers +250 synthetic tenants: customer001\.onmicrosoft\.com … customer250\.onmicrosoft\.com/);
	assert.match(text, /admin@customerNNN\.onmicrosoft\.com in each of the 250 customer tenants \(Global Administrator\)/);
	assert.doesNotMatch(text, /admin@customer002/, 'not one line per tenant');
	assert.match(text, new RegExp(`Northwind fleet automation: --client-id ${FLEET_APP_ID} --client-secret '[^']+' \\(Policy\\.ReadWrite\\.AllowSelfServicePurchase, multi-tenant: consented in Contoso, Fabrikam and every customer tenant\\)`));
	assert.match(text, /and each customer tenant \(Billing Administrator\)/);
	assert.match(text, /\/_emulator\/gdap/);
});
