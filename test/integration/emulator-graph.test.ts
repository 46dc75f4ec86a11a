/**
 * The emulator's Microsoft Graph side (docs/graph.md): authorizationPolicy (v1.0) and
 * adminAppsAndServices (beta) per tenant, Graph tokens from each sign-in way, consent, Graph's
 * error envelope, faults on Graph's routes and the control routes, over real HTTPS with the
 * emulator's CA trusted (raw requests, so every answer is seen as sent).
 */
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {test} from 'node:test';
import {Agent, request} from 'undici';
import {
	CONTOSO,
	FABRIKAM,
	FLEET_APP_ID,
	GRAPH_APP_ID,
	GRAPH_CLI_CLIENT_ID,
	parseFaults,
	PARTNER_USERNAME,
	syntheticTenant,
	type Emulator,
} from '../../source/emulator/index.js';
import {call, postForm, printedBy, start, type Answer} from '../support/emulatorHttp.js';

const AUTHZ = '/v1.0/policies/authorizationPolicy';
const APPS = '/beta/admin/appsAndServices';
const PRODUCTS = '/v1.0/policies/AllowSelfServicePurchase/products';
const LICENSING_SCOPE = 'aeb86249-8ea3-49e2-900b-54cc8e308f85/.default';
const MSCOMMERCE_CLIENT_ID = '3d5cffa9-04da-4657-8cab-c7f074657cad';
const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ADMIN = 'admin@contoso.onmicrosoft.com';
const READER = 'reader@contoso.onmicrosoft.com';
const BILLING = 'billing@contoso.onmicrosoft.com';
const AUTOMATION_APP = '0e7c5a3b-1d2f-4e6a-9b8c-7d6e5f4a3b21';
const REPORT_APP = '5f4e3d2c-1b0a-4988-8776-655443322110';

type Body = Record<string, unknown>;
type GraphErrorBody = {error: {code: string; message: string; innerError: Record<string, string>}};

const claimsOf = (token: unknown): Body => JSON.parse(Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString()) as Body;

/** A Graph token as the emulator's control API issues it: `.default` (all four scopes) unless scopes say otherwise. */
const graphToken = (emu: Emulator, username: string, scopes: string[] = ['https://graph.microsoft.com/.default'], tenant?: string) =>
	emu.issueToken(username, {scopes, tenant});

const patch = (emu: Emulator, path: string, body: unknown, token: string) =>
	call(emu, 'PATCH', path, {body: typeof body === 'string' ? body : JSON.stringify(body), token});

/** Asserts Graph's error envelope and its request IDs; returns the error. */
function graphError(answer: Answer, status: number, code: string): GraphErrorBody['error'] {
	assert.equal(answer.status, status, answer.text);
	const {error} = answer.json() as GraphErrorBody;
	assert.equal(error.code, code, answer.text);
	assert.deepEqual(Object.keys(error).sort(), ['code', 'innerError', 'message']);
	assert.deepEqual(Object.keys(error.innerError).sort(), ['client-request-id', 'date', 'request-id']);
	assert.match(error.innerError.date ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
	assert.equal(error.innerError['request-id'], answer.headers['request-id']);
	assert.equal(error.innerError['client-request-id'], answer.headers['client-request-id']);
	return error;
}

/** The app's client-credentials token for a scope at a tenant (raw OAuth). */
async function appToken(emu: Emulator, clientId: string, scope: string, tenant = CONTOSO.domain): Promise<string> {
	const secret = emu.apps.find(app => app.clientId === clientId)?.secret ?? '';
	const answer = await postForm(emu, `/${tenant}/oauth2/v2.0/token`, {client_id: clientId, client_secret: secret, grant_type: 'client_credentials', scope});
	assert.equal(answer.status, 200, JSON.stringify(answer.body));
	return String(answer.body.access_token);
}

/** A device-code sign-in approved at once as `username`: the token endpoint's answer. */
async function deviceCodeSignIn(emu: Emulator, clientId: string, scope: string, username: string) {
	const issued = await postForm(emu, '/organizations/oauth2/v2.0/devicecode', {client_id: clientId, scope});
	assert.equal(issued.status, 200, JSON.stringify(issued.body));
	emu.approve(String(issued.body.user_code), username);
	return postForm(emu, '/organizations/oauth2/v2.0/token', {client_id: clientId, grant_type: DEVICE_CODE_GRANT, device_code: String(issued.body.device_code)});
}

test("GET authorizationPolicy answers Microsoft's documented shape, both switches on, with Graph's request IDs", async () => {
	const emu = await start();
	const answer = await call(emu, 'GET', AUTHZ, {token: graphToken(emu, ADMIN), headers: {'client-request-id': 'c1b2a3d4-0000-4000-8000-000000000001'}});
	assert.equal(answer.status, 200, answer.text);
	assert.match(String(answer.headers['content-type']), /^application\/json;odata\.metadata=minimal/);
	assert.match(String(answer.headers['request-id']), UUID);
	assert.equal(answer.headers['client-request-id'], 'c1b2a3d4-0000-4000-8000-000000000001', 'the client-request-id is echoed');
	assert.deepEqual(answer.json(), {
		'@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#policies/authorizationPolicy/$entity',
		id: 'authorizationPolicy',
		displayName: 'Authorization Policy',
		description: 'Used to manage authorization related settings across the company.',
		allowInvitesFrom: 'everyone',
		allowedToSignUpEmailBasedSubscriptions: true,
		allowedToUseSSPR: true,
		allowEmailVerifiedUsersToJoinOrganization: true,
		allowUserConsentForRiskyApps: false,
		blockMsolPowerShell: false,
		guestUserRoleId: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
		defaultUserRolePermissions: {
			allowedToCreateApps: true,
			allowedToCreateSecurityGroups: true,
			allowedToCreateTenants: true,
			allowedToReadBitlockerKeysForOwnedDevice: true,
			allowedToReadOtherUsers: true,
			permissionGrantPoliciesAssigned: ['ManagePermissionGrantsForSelf.microsoft-user-default-legacy'],
		},
	});
	const withoutClientId = await call(emu, 'GET', AUTHZ, {token: graphToken(emu, ADMIN)});
	assert.equal(withoutClientId.headers['client-request-id'], withoutClientId.headers['request-id'], 'without one, the request-id stands in');
	const beta = await call(emu, 'GET', '/beta/policies/authorizationPolicy', {token: graphToken(emu, ADMIN)});
	assert.equal((beta.json() as Body)['@odata.context'], 'https://graph.microsoft.com/beta/$metadata#policies/authorizationPolicy/$entity');
});

test('PATCH authorizationPolicy answers 204 with an empty body, and the next GET shows the new values (paths are case-insensitive)', async () => {
	const emu = await start();
	const token = graphToken(emu, ADMIN);
	const changed = await patch(emu, AUTHZ, {allowedToSignUpEmailBasedSubscriptions: false}, token);
	assert.equal(changed.status, 204, changed.text);
	assert.equal(changed.text, '');
	assert.equal(changed.headers['content-length'], '0');
	assert.match(String(changed.headers['request-id']), UUID);
	const after = (await call(emu, 'GET', AUTHZ, {token})).json() as Body;
	assert.deepEqual([after.allowedToSignUpEmailBasedSubscriptions, after.allowEmailVerifiedUsersToJoinOrganization], [false, true], 'only what was sent changes');
	assert.equal((await patch(emu, '/V1.0/Policies/AuthorizationPolicy', {allowEmailVerifiedUsersToJoinOrganization: false, allowedToSignUpEmailBasedSubscriptions: true}, token)).status, 204);
	const again = (await call(emu, 'GET', '/v1.0/POLICIES/authorizationpolicy', {token})).json() as Body;
	assert.deepEqual([again.allowedToSignUpEmailBasedSubscriptions, again.allowEmailVerifiedUsersToJoinOrganization], [true, false]);
	assert.deepEqual(emu.switches(), {allowedToSignUpEmailBasedSubscriptions: true, allowEmailVerifiedUsersToJoinOrganization: false, isAppAndServicesTrialEnabled: true, isOfficeStoreEnabled: true, beta: 'available'});
	// Another documented writable property, merged into its object.
	assert.equal((await patch(emu, AUTHZ, {defaultUserRolePermissions: {allowedToCreateApps: false}, blockMsolPowerShell: true}, token)).status, 204);
	const merged = (await call(emu, 'GET', AUTHZ, {token})).json() as {blockMsolPowerShell: boolean; defaultUserRolePermissions: Body};
	assert.equal(merged.blockMsolPowerShell, true);
	assert.deepEqual([merged.defaultUserRolePermissions.allowedToCreateApps, merged.defaultUserRolePermissions.allowedToReadOtherUsers], [false, true]);
});

test('GET /beta/admin/appsAndServices answers the documented shape; PATCH with one or both settings answers 204 and sticks', async () => {
	const emu = await start();
	const token = graphToken(emu, ADMIN);
	const first = await call(emu, 'GET', APPS, {token});
	assert.equal(first.status, 200, first.text);
	const body = first.json() as {id: string};
	assert.match(body.id, UUID);
	assert.deepEqual(body, {
		'@odata.context': 'https://graph.microsoft.com/beta/$metadata#admin/appsAndServices/$entity',
		id: body.id,
		settings: {isAppAndServicesTrialEnabled: true, isOfficeStoreEnabled: true},
	});
	const one = await patch(emu, APPS, {settings: {isAppAndServicesTrialEnabled: false}}, token);
	assert.equal(one.status, 204, one.text);
	assert.equal(one.text, '');
	assert.deepEqual(((await call(emu, 'GET', APPS, {token})).json() as Body).settings, {isAppAndServicesTrialEnabled: false, isOfficeStoreEnabled: true});
	// The documented example sends @odata.type annotations with both settings.
	const both = await patch(emu, APPS, {'@odata.type': '#microsoft.graph.adminAppsAndServices', settings: {'@odata.type': 'microsoft.graph.appsAndServicesSettings', isOfficeStoreEnabled: false, isAppAndServicesTrialEnabled: true}}, token);
	assert.equal(both.status, 204, both.text);
	const after = (await call(emu, 'GET', APPS, {token})).json() as Body;
	assert.deepEqual(after.settings, {isAppAndServicesTrialEnabled: true, isOfficeStoreEnabled: false});
	assert.equal(after.id, body.id, 'the same object');
	assert.deepEqual(emu.tenantState(CONTOSO.id).switches, {allowedToSignUpEmailBasedSubscriptions: true, allowEmailVerifiedUsersToJoinOrganization: true, isAppAndServicesTrialEnabled: true, isOfficeStoreEnabled: false});
});

test("bad PATCH bodies answer 400 in Graph's envelope and change nothing", async () => {
	const emu = await start();
	const token = graphToken(emu, ADMIN);
	const cases: Array<[string, string, string | unknown, string, RegExp]> = [
		['a string for a boolean', AUTHZ, {allowedToSignUpEmailBasedSubscriptions: 'false'}, 'BadRequest', /Cannot convert a primitive value to the expected type 'Edm\.Boolean'/],
		['a number for a boolean', AUTHZ, {allowEmailVerifiedUsersToJoinOrganization: 0}, 'BadRequest', /Edm\.Boolean/],
		['null for a boolean', AUTHZ, {allowEmailVerifiedUsersToJoinOrganization: null}, 'BadRequest', /A null value was found for the property named 'allowEmailVerifiedUsersToJoinOrganization'/],
		['an unknown property', AUTHZ, {allowedToSignUpEmailBasedSubscriptions: false, allowSelfServicePurchase: false}, 'BadRequest', /The property 'allowSelfServicePurchase' does not exist on type 'microsoft\.graph\.authorizationPolicy'/],
		['the read-only id', AUTHZ, {id: 'other'}, 'Request_BadRequest', /Property 'id' is read-only/],
		['a value outside its set', AUTHZ, {allowInvitesFrom: 'anyone'}, 'Request_BadRequest', /Invalid value specified for property 'allowInvitesFrom'/],
		['a list, not an object', AUTHZ, [{allowedToSignUpEmailBasedSubscriptions: false}], 'BadRequest', /unexpected 'StartArray' node/],
		['not JSON', AUTHZ, '{allowedToSignUpEmailBasedSubscriptions: false', 'BadRequest', /Unable to read JSON request payload/],
		['an empty body', AUTHZ, '', 'BadRequest', /Unable to read JSON request payload/],
		['a boolean setting as a string', APPS, {settings: {isOfficeStoreEnabled: 'no'}}, 'BadRequest', /Edm\.Boolean/],
		['an unknown setting', APPS, {settings: {isOfficeStoreEnabled: false, isCopilotEnabled: false}}, 'BadRequest', /'isCopilotEnabled' does not exist on type 'microsoft\.graph\.appsAndServicesSettings'/],
		['settings as a boolean', APPS, {settings: false}, 'BadRequest', /unexpected 'PrimitiveValue' node was found for property named 'settings'/],
		['the settings without their object', APPS, {isOfficeStoreEnabled: false}, 'BadRequest', /'isOfficeStoreEnabled' does not exist on type 'microsoft\.graph\.adminAppsAndServices'/],
		['another type', APPS, {'@odata.type': '#microsoft.graph.user', settings: {isOfficeStoreEnabled: false}}, 'BadRequest', /could not be resolved by the model/],
	];
	for (const [name, path, body, code, message] of cases) {
		const answer = await patch(emu, path, body, token);
		const error = graphError(answer, 400, code);
		assert.match(error.message, message, name);
	}
	const plainText = await call(emu, 'PATCH', AUTHZ, {token, body: '{"allowedToSignUpEmailBasedSubscriptions":false}', headers: {'content-type': 'text/plain'}});
	assert.match(graphError(plainText, 400, 'BadRequest').message, /Content-Type header is set/);
	assert.deepEqual(emu.tenantState(CONTOSO.id).switches, {allowedToSignUpEmailBasedSubscriptions: true, allowEmailVerifiedUsersToJoinOrganization: true, isAppAndServicesTrialEnabled: true, isOfficeStoreEnabled: true}, 'a refused body changes nothing, not even its good part');
	assert.equal(((await call(emu, 'GET', AUTHZ, {token})).json() as Body).allowInvitesFrom, 'everyone');
});

test('each tenant has its own switches: a change in Contoso is not seen in Fabrikam or a customer tenant', async () => {
	const emu = await start({tenantCount: 2});
	const contoso = graphToken(emu, ADMIN);
	const customer = graphToken(emu, 'admin@customer002.onmicrosoft.com');
	assert.equal((await patch(emu, AUTHZ, {allowedToSignUpEmailBasedSubscriptions: false}, contoso)).status, 204);
	assert.equal((await patch(emu, APPS, {settings: {isOfficeStoreEnabled: false}}, customer)).status, 204);
	assert.equal(((await call(emu, 'GET', AUTHZ, {token: customer})).json() as Body).allowedToSignUpEmailBasedSubscriptions, true);
	assert.deepEqual(((await call(emu, 'GET', APPS, {token: contoso})).json() as Body).settings, {isAppAndServicesTrialEnabled: true, isOfficeStoreEnabled: true});
	const fabrikam = graphToken(emu, 'admin@fabrikam.onmicrosoft.com');
	assert.equal(((await call(emu, 'GET', AUTHZ, {token: fabrikam})).json() as Body).allowedToSignUpEmailBasedSubscriptions, true);
	assert.equal(emu.switches(syntheticTenant(2).domain).isOfficeStoreEnabled, false);
	assert.equal(emu.switches(syntheticTenant(1).id).isOfficeStoreEnabled, true);
	assert.notEqual(((await call(emu, 'GET', APPS, {token: customer})).json() as Body).id, ((await call(emu, 'GET', APPS, {token: contoso})).json() as Body).id, 'each tenant its own object');
	const state = await call(emu, 'GET', `/_emulator/state?tenant=${syntheticTenant(2).domain}`, {token: null});
	assert.deepEqual((state.json() as {switches: Body}).switches, {allowedToSignUpEmailBasedSubscriptions: true, allowEmailVerifiedUsersToJoinOrganization: true, isAppAndServicesTrialEnabled: true, isOfficeStoreEnabled: false});
});

test("401 in Graph's envelope without a token, with a bad one and with a licensing token; the licensing service refuses a Graph token", async () => {
	const emu = await start();
	const other = await start();
	const cases: Array<[string, string | null, string]> = [
		['none', null, 'Access token is empty.'],
		['garbage', 'not-a-jwt', 'Access token validation failure.'],
		["another emulator's", graphToken(other, ADMIN), 'Access token validation failure.'],
		['expired', emu.issueToken(ADMIN, {scopes: ['https://graph.microsoft.com/.default'], expiresInSeconds: -5}), 'Lifetime validation failed, the token is expired.'],
		['for the licensing service', emu.tokens.admin, 'Access token validation failure. Invalid audience.'],
	];
	for (const path of [AUTHZ, APPS]) {
		for (const [name, token, message] of cases) {
			const answer = await call(emu, 'GET', path, {token, headers: {'client-request-id': 'my-run-42'}});
			const error = graphError(answer, 401, 'InvalidAuthenticationToken');
			assert.equal(error.message, message, `${path}: ${name}`);
			assert.equal(error.innerError['client-request-id'], 'my-run-42');
			assert.match(String(answer.headers['www-authenticate']), /^Bearer realm="", authorization_uri="https:\/\/127\.0\.0\.1:\d+\/common\/oauth2\/authorize", client_id="00000003-0000-0000-c000-000000000000"$/);
		}
	}
	assert.equal((await patch(emu, AUTHZ, {allowedToSignUpEmailBasedSubscriptions: false}, emu.tokens.admin)).status, 401, 'a licensing token writes nothing either');
	assert.equal(emu.switches().allowedToSignUpEmailBasedSubscriptions, true);
	// And the other way round: the licensing service answers its own 401 to a Graph token.
	const refused = await call(emu, 'GET', PRODUCTS, {token: graphToken(emu, ADMIN)});
	assert.equal(refused.status, 401);
	assert.equal(refused.text, '');
	assert.match(String(refused.headers['www-authenticate']), /error="invalid_token".*audience is invalid/);
});

test('403: Graph scopes and directory roles decide who reads and who changes each switch', async () => {
	const emu = await start();
	const status = async (method: 'GET' | 'PATCH', path: string, token: string) =>
		(method === 'GET' ? await call(emu, 'GET', path, {token}) : await patch(emu, path, path === AUTHZ ? {blockMsolPowerShell: false} : {settings: {}}, token)).status;
	const reader = graphToken(emu, READER);
	assert.deepEqual([await status('GET', AUTHZ, reader), await status('GET', APPS, reader)], [200, 200], 'a Global Reader reads both');
	const readerWrite = await patch(emu, AUTHZ, {allowedToSignUpEmailBasedSubscriptions: false}, reader);
	assert.equal(graphError(readerWrite, 403, 'Authorization_RequestDenied').message, 'Insufficient privileges to complete the operation.');
	assert.equal(await status('PATCH', APPS, reader), 403);
	// A Billing Administrator manages self-service purchase, but none of these roles is theirs.
	const billing = graphToken(emu, BILLING);
	assert.deepEqual([await status('GET', AUTHZ, billing), await status('GET', APPS, billing)], [403, 403]);
	const user = graphToken(emu, 'user@contoso.onmicrosoft.com');
	assert.deepEqual([await status('GET', AUTHZ, user), await status('GET', APPS, user)], [403, 403]);
	// A Global Administrator with a read scope only may read, not write.
	const readOnly = graphToken(emu, ADMIN, ['https://graph.microsoft.com/Policy.Read.All', 'https://graph.microsoft.com/OrgSettings-AppsAndServices.Read.All']);
	assert.deepEqual([await status('GET', AUTHZ, readOnly), await status('GET', APPS, readOnly)], [200, 200]);
	graphError(await patch(emu, AUTHZ, {allowedToSignUpEmailBasedSubscriptions: false}, readOnly), 403, 'Authorization_RequestDenied');
	const appsWrite = graphError(await patch(emu, APPS, {settings: {isOfficeStoreEnabled: false}}, readOnly), 403, 'Forbidden');
	assert.equal(
		appsWrite.message,
		"Missing scope permissions on the request. API requires one of 'OrgSettings-AppsAndServices.ReadWrite.All'. Scopes on the request 'Policy.Read.All, OrgSettings-AppsAndServices.Read.All'",
	);
	// Scopes for the other resource only.
	const authzOnly = graphToken(emu, ADMIN, ['https://graph.microsoft.com/Policy.ReadWrite.Authorization']);
	assert.equal(await status('PATCH', AUTHZ, authzOnly), 204);
	assert.match(graphError(await call(emu, 'GET', APPS, {token: authzOnly}), 403, 'Forbidden').message, /API requires one of 'OrgSettings-AppsAndServices\.Read\.All, OrgSettings-AppsAndServices\.ReadWrite\.All'/);
	// A Privileged Role Administrator (here through GDAP) changes authorizationPolicy, not the apps and services settings.
	emu.setGdap(PARTNER_USERNAME, CONTOSO.domain, ['Privileged Role Administrator']);
	const pra = graphToken(emu, PARTNER_USERNAME, undefined, CONTOSO.domain);
	assert.deepEqual(claimsOf(pra).wids, ['e8611ab8-c189-46e8-94e1-60213ab1f814']);
	assert.equal(await status('PATCH', AUTHZ, pra), 204);
	assert.deepEqual([await status('GET', APPS, pra), await status('PATCH', APPS, pra)], [403, 403]);
	assert.equal(emu.switches().isOfficeStoreEnabled, true);
});

test('device code with Microsoft Graph Command Line Tools: a Graph token in Contoso (scopes named by the graph URL), AADSTS65001 in Fabrikam', async () => {
	const emu = await start();
	const scope = `${emu.url}/Policy.Read.All ${emu.url}/Policy.ReadWrite.Authorization openid profile offline_access`;
	const signedIn = await deviceCodeSignIn(emu, GRAPH_CLI_CLIENT_ID, scope, ADMIN);
	assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
	assert.equal(signedIn.body.scope, `${emu.url}/Policy.Read.All ${emu.url}/Policy.ReadWrite.Authorization`, 'the scopes as asked, for MSAL\'s cache');
	const claims = claimsOf(signedIn.body.access_token);
	assert.deepEqual([claims.aud, claims.scp, claims.wids, claims.tid, claims.azp], [GRAPH_APP_ID, 'Policy.Read.All Policy.ReadWrite.Authorization', ['62e90394-69f5-4237-9190-012177145e10'], CONTOSO.id, GRAPH_CLI_CLIENT_ID]);
	assert.equal((await call(emu, 'GET', AUTHZ, {token: String(signedIn.body.access_token)})).status, 200);
	assert.equal((await call(emu, 'GET', APPS, {token: String(signedIn.body.access_token)})).status, 403, 'no apps-and-services scope was asked for');

	const refused = await deviceCodeSignIn(emu, GRAPH_CLI_CLIENT_ID, scope, 'admin@fabrikam.onmicrosoft.com');
	assert.equal(refused.status, 400);
	assert.equal(refused.body.error, 'invalid_grant');
	assert.deepEqual(refused.body.error_codes, [65001]);
	assert.equal(refused.body.suberror, 'consent_required');
	assert.ok(
		String(refused.body.error_description).startsWith(
			`AADSTS65001: The user or administrator has not consented to use the application with ID '${GRAPH_CLI_CLIENT_ID}' named 'Microsoft Graph Command Line Tools'. Send an interactive authorization request for this user and resource.\r\nTrace ID: `,
		),
		String(refused.body.error_description),
	);
	assert.deepEqual(emu.pendingCodes(), []);
});

test("a licensing sign-in's refresh token gets Graph tokens where an admin consented: AADSTS65001 in Fabrikam until consent is granted", async () => {
	const emu = await start();
	const graphScope = 'https://graph.microsoft.com/OrgSettings-AppsAndServices.ReadWrite.All offline_access';
	const refresh = (tenant: string, refreshToken: string) =>
		postForm(emu, `/${tenant}/oauth2/v2.0/token`, {client_id: MSCOMMERCE_CLIENT_ID, grant_type: 'refresh_token', refresh_token: refreshToken, scope: graphScope});
	// The program's own client: signed in for the licensing service, then asking for Graph.
	const contoso = await deviceCodeSignIn(emu, MSCOMMERCE_CLIENT_ID, `${LICENSING_SCOPE} offline_access`, ADMIN);
	const inContoso = await refresh(CONTOSO.domain, String(contoso.body.refresh_token));
	assert.equal(inContoso.status, 200, JSON.stringify(inContoso.body));
	assert.deepEqual([claimsOf(inContoso.body.access_token).aud, claimsOf(inContoso.body.access_token).scp], [GRAPH_APP_ID, 'OrgSettings-AppsAndServices.ReadWrite.All']);
	assert.equal((await patch(emu, APPS, {settings: {isAppAndServicesTrialEnabled: false}}, String(inContoso.body.access_token))).status, 204);

	const fabrikam = await deviceCodeSignIn(emu, MSCOMMERCE_CLIENT_ID, `${LICENSING_SCOPE} offline_access`, 'admin@fabrikam.onmicrosoft.com');
	assert.equal(fabrikam.status, 200, 'the licensing service needs no Graph consent');
	const refused = await refresh(FABRIKAM.domain, String(fabrikam.body.refresh_token));
	assert.equal(refused.status, 400);
	assert.deepEqual([refused.body.error, refused.body.error_codes, refused.body.suberror], ['invalid_grant', [65001], 'consent_required']);
	assert.match(String(refused.body.error_description), new RegExp(`^AADSTS65001: The user or administrator has not consented to use the application with ID '${MSCOMMERCE_CLIENT_ID}'`));
	// An admin consents (POST /_emulator/consent), and the same refresh token now works.
	const consent = await call(emu, 'POST', '/_emulator/consent', {token: null, body: JSON.stringify({tenant: FABRIKAM.domain, granted: true})});
	assert.deepEqual(consent.json(), {tenantId: FABRIKAM.id, granted: true});
	assert.equal((await refresh(FABRIKAM.domain, String(fabrikam.body.refresh_token))).status, 200);
	emu.setGraphConsent(CONTOSO.id, false);
	assert.deepEqual((await refresh(CONTOSO.domain, String(inContoso.body.refresh_token))).body.error_codes, [65001], 'consent revoked');
});

test('authorization code with PKCE for Graph scopes: a Graph token for a Contoso account, AADSTS65001 for a Fabrikam one', async () => {
	const emu = await start();
	const verifier = 'a-code-verifier-long-enough-for-pkce-0123456789';
	const redirectUri = 'http://localhost:8400/';
	const scope = `${emu.url}/OrgSettings-AppsAndServices.Read.All openid offline_access`;
	const signIn = async (username: string) => {
		const query = new URLSearchParams({
			client_id: GRAPH_CLI_CLIENT_ID,
			redirect_uri: redirectUri,
			response_type: 'code',
			code_challenge: createHash('sha256').update(verifier).digest('base64url'),
			code_challenge_method: 'S256',
			scope,
		});
		const approved = await call(emu, 'POST', `/organizations/oauth2/v2.0/authorize?${query}`, {
			token: null,
			body: new URLSearchParams({username, action: 'approve'}).toString(),
			headers: {'content-type': 'application/x-www-form-urlencoded'},
		});
		assert.equal(approved.status, 302, approved.text);
		const code = new URL(String(approved.headers.location)).searchParams.get('code') ?? '';
		return postForm(emu, '/organizations/oauth2/v2.0/token', {client_id: GRAPH_CLI_CLIENT_ID, grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, scope});
	};
	const reader = await signIn(READER);
	assert.equal(reader.status, 200, JSON.stringify(reader.body));
	assert.deepEqual([claimsOf(reader.body.access_token).aud, claimsOf(reader.body.access_token).scp], [GRAPH_APP_ID, 'OrgSettings-AppsAndServices.Read.All']);
	assert.equal((await call(emu, 'GET', APPS, {token: String(reader.body.access_token)})).status, 200);
	const fabrikam = await signIn('admin@fabrikam.onmicrosoft.com');
	assert.deepEqual([fabrikam.status, fabrikam.body.error, fabrikam.body.error_codes, fabrikam.body.suberror], [400, 'invalid_grant', [65001], 'consent_required']);
});

test('one token request may not mix the licensing service and Graph (AADSTS28000); a stranger resource is still AADSTS500011', async () => {
	const emu = await start();
	const mixed = await postForm(emu, '/organizations/oauth2/v2.0/devicecode', {client_id: GRAPH_CLI_CLIENT_ID, scope: `${LICENSING_SCOPE} https://graph.microsoft.com/Policy.Read.All`});
	assert.equal(mixed.status, 400);
	assert.deepEqual([mixed.body.error, mixed.body.error_codes], ['invalid_scope', [28000]]);
	const stranger = await postForm(emu, '/organizations/oauth2/v2.0/devicecode', {client_id: GRAPH_CLI_CLIENT_ID, scope: 'https://management.azure.com/.default'});
	assert.deepEqual(stranger.body.error_codes, [500011]);
	for (const scope of ['https://graph.microsoft.com/.default', `${GRAPH_APP_ID}/.default`, `${emu.url}/.default`, 'Policy.Read.All']) {
		const answer = await postForm(emu, '/organizations/oauth2/v2.0/devicecode', {client_id: MSCOMMERCE_CLIENT_ID, scope});
		assert.equal(answer.status, 200, `${scope}: ${JSON.stringify(answer.body)}`);
	}
});

test("app-only: client credentials with the graph URL's /.default give the app's Graph permissions; the report app reads but may not write", async () => {
	const emu = await start({tenantCount: 1});
	const automation = await appToken(emu, AUTOMATION_APP, `${emu.url}/.default`);
	const claims = claimsOf(automation);
	assert.deepEqual([claims.aud, claims.idtyp, claims.tid], [GRAPH_APP_ID, 'app', CONTOSO.id]);
	assert.deepEqual(claims.roles, ['Policy.Read.All', 'Policy.ReadWrite.Authorization', 'OrgSettings-AppsAndServices.Read.All', 'OrgSettings-AppsAndServices.ReadWrite.All']);
	assert.equal((await call(emu, 'GET', AUTHZ, {token: automation})).status, 200);
	assert.equal((await patch(emu, AUTHZ, {allowEmailVerifiedUsersToJoinOrganization: false}, automation)).status, 204);
	assert.equal((await patch(emu, APPS, {settings: {isOfficeStoreEnabled: false}}, automation)).status, 204);
	assert.deepEqual(emu.switches(), {allowedToSignUpEmailBasedSubscriptions: true, allowEmailVerifiedUsersToJoinOrganization: false, isAppAndServicesTrialEnabled: true, isOfficeStoreEnabled: false, beta: 'available'});
	assert.equal((await call(emu, 'GET', PRODUCTS, {token: automation})).status, 401, 'a Graph app token is no licensing token');

	for (const scope of ['https://graph.microsoft.com/.default', `${GRAPH_APP_ID}/.default`]) {
		const report = await appToken(emu, REPORT_APP, scope);
		assert.deepEqual(claimsOf(report).roles, ['Policy.Read.All', 'OrgSettings-AppsAndServices.Read.All']);
		assert.deepEqual([(await call(emu, 'GET', AUTHZ, {token: report})).status, (await call(emu, 'GET', APPS, {token: report})).status], [200, 200]);
		graphError(await patch(emu, AUTHZ, {allowEmailVerifiedUsersToJoinOrganization: true}, report), 403, 'Authorization_RequestDenied');
		const denied = graphError(await patch(emu, APPS, {settings: {isOfficeStoreEnabled: true}}, report), 403, 'Forbidden');
		assert.equal(denied.message, "Missing role permissions on the request. API requires one of 'OrgSettings-AppsAndServices.ReadWrite.All'. Roles on the request 'Policy.Read.All, OrgSettings-AppsAndServices.Read.All'");
	}
	// The multi-tenant fleet app, in a customer tenant: that tenant's switches.
	const fleet = await appToken(emu, FLEET_APP_ID, 'https://graph.microsoft.com/.default', syntheticTenant(1).domain);
	assert.equal((await patch(emu, APPS, {settings: {isAppAndServicesTrialEnabled: false}}, fleet)).status, 204);
	assert.deepEqual([emu.switches(syntheticTenant(1).domain).isAppAndServicesTrialEnabled, emu.switches().isAppAndServicesTrialEnabled], [false, true]);
	// The licensing service's /.default still gives a licensing token.
	const licensing = await appToken(emu, AUTOMATION_APP, LICENSING_SCOPE);
	assert.deepEqual(claimsOf(licensing).roles, ['Policy.ReadWrite.AllowSelfServicePurchase']);
});

test("beta unavailable: /beta/admin/appsAndServices answers Graph's 400 for a segment it does not know; authorizationPolicy still answers", async () => {
	const emu = await start();
	const token = graphToken(emu, ADMIN);
	const off = await call(emu, 'POST', '/_emulator/switches', {token: null, body: JSON.stringify({beta: 'unavailable'})});
	assert.equal(off.status, 200, off.text);
	assert.equal((off.json() as Body).beta, 'unavailable');
	for (const method of ['GET', 'PATCH'] as const) {
		const answer = method === 'GET' ? await call(emu, 'GET', APPS, {token}) : await patch(emu, APPS, {settings: {isOfficeStoreEnabled: false}}, token);
		assert.equal(graphError(answer, 400, 'BadRequest').message, "Resource not found for the segment 'appsAndServices'.");
	}
	assert.equal((await call(emu, 'GET', AUTHZ, {token})).status, 200);
	assert.equal(emu.switches().isOfficeStoreEnabled, true);
	emu.setSwitches({beta: 'available'});
	assert.equal((await call(emu, 'GET', APPS, {token})).status, 200);
	// v1.0 never had it, and other unknown paths are answered the same way; other methods 405.
	assert.equal(graphError(await call(emu, 'GET', '/v1.0/admin/appsAndServices', {token}), 400, 'BadRequest').message, "Resource not found for the segment 'appsAndServices'.");
	assert.equal(graphError(await call(emu, 'GET', '/beta/policies/authorizationPolicy/extra', {token}), 400, 'BadRequest').message, "Resource not found for the segment 'extra'.");
	assert.equal(graphError(await call(emu, 'GET', '/beta/constructor/name', {token}), 400, 'BadRequest').message, "Resource not found for the segment 'constructor'.");
	const deleted = await call(emu, 'DELETE', AUTHZ, {token});
	graphError(deleted, 405, 'Request_BadRequest');
	assert.equal(deleted.headers.allow, 'GET, PATCH');
	// The licensing service keeps the rest of /v1.0.
	assert.equal((await call(emu, 'GET', '/v1.0/policies/AllowSelfServicePurchase')).status, 200);
});

test("faults with scope=graph: 429 with Retry-After in Graph's envelope, then the request goes through; other routes untouched", async () => {
	assert.equal(parseFaults('500=1,scope=graph').scope, 'graph');
	assert.throws(() => parseFaults('scope=msgraph'), /expected licensing, identity, graph or all/);
	const emu = await start({faults: '429=1x,retry-after=3,scope=graph'});
	const token = graphToken(emu, ADMIN);
	assert.equal((await call(emu, 'GET', PRODUCTS)).status, 200, 'the licensing routes are not faulted');
	const throttled = await call(emu, 'GET', AUTHZ, {token, headers: {'client-request-id': 'retry-me'}});
	const error = graphError(throttled, 429, 'TooManyRequests');
	assert.equal(throttled.headers['retry-after'], '3');
	assert.equal(error.innerError['client-request-id'], 'retry-me');
	assert.equal((await call(emu, 'GET', AUTHZ, {token})).status, 200);
	assert.deepEqual(emu.requests.map(r => [r.path, r.status, r.fault ?? null]), [[PRODUCTS, 200, null], [AUTHZ, 429, '429'], [AUTHZ, 200, null]]);

	emu.setFaults('503=1x,500=1x,expire=1x,retry-after=2,scope=graph');
	const unavailable = await call(emu, 'GET', APPS, {token});
	graphError(unavailable, 503, 'serviceNotAvailable');
	assert.equal(unavailable.headers['retry-after'], '2');
	assert.equal(graphError(await call(emu, 'GET', APPS, {token}), 500, 'UnknownError').message, '');
	assert.equal(graphError(await call(emu, 'GET', APPS, {token}), 401, 'InvalidAuthenticationToken').message, 'Lifetime validation failed, the token is expired.');
	assert.equal((await call(emu, 'GET', APPS, {token})).status, 200);

	// The default scope (licensing) leaves Graph alone.
	emu.setFaults('429=1x');
	assert.equal((await call(emu, 'GET', AUTHZ, {token})).status, 200);
	assert.equal((await call(emu, 'GET', PRODUCTS)).status, 429);
});

test('write faults on Graph: ignore answers 204 and changes nothing, writes-only spares the reads, late applies before it answers', async () => {
	const emu = await start({faults: 'ignore=1x,scope=graph'});
	const token = graphToken(emu, ADMIN);
	assert.equal((await patch(emu, AUTHZ, {allowedToSignUpEmailBasedSubscriptions: false}, token)).status, 204);
	assert.equal(emu.switches().allowedToSignUpEmailBasedSubscriptions, true, 'a write that did not apply');
	assert.equal(emu.requests.at(-1)?.fault, 'ignore');
	assert.equal((await patch(emu, AUTHZ, {allowedToSignUpEmailBasedSubscriptions: false}, token)).status, 204);
	assert.equal(emu.switches().allowedToSignUpEmailBasedSubscriptions, false);
	emu.setFaults('500=1,writes-only,scope=graph');
	assert.equal((await call(emu, 'GET', AUTHZ, {token})).status, 200);
	assert.equal((await patch(emu, AUTHZ, {allowedToSignUpEmailBasedSubscriptions: true}, token)).status, 500);
	assert.equal(emu.switches().allowedToSignUpEmailBasedSubscriptions, false);
	// late: applied at once, answered later.
	emu.setFaults('late=800ms,scope=graph');
	let answered = false;
	const answer = patch(emu, APPS, {settings: {isOfficeStoreEnabled: false}}, token).finally(() => (answered = true));
	while (emu.switches().isOfficeStoreEnabled) await new Promise(resolve => setTimeout(resolve, 10));
	assert.equal(answered, false, 'applied before the answer came');
	assert.equal((await answer).status, 204);
	assert.equal(emu.requests.at(-1)?.fault, 'late=800ms');
});

test('hostile mode reaches Graph too: the policy description carries terminal control sequences', async () => {
	const emu = await start({hostile: true});
	const {description} = (await call(emu, 'GET', AUTHZ, {token: graphToken(emu, ADMIN)})).json() as {description: string};
	assert.ok(description.includes('\u001b]0;'), JSON.stringify(description));
});

test('POST /_emulator/switches: another admin changes a switch behind the client; bad bodies are 400; the Emulator object does the same', async () => {
	const emu = await start({tenantCount: 1});
	const token = graphToken(emu, ADMIN);
	const control = (body: unknown) => call(emu, 'POST', '/_emulator/switches', {token: null, body: JSON.stringify(body)});
	const changed = await control({allowedToSignUpEmailBasedSubscriptions: false, isAppAndServicesTrialEnabled: false});
	assert.equal(changed.status, 200, changed.text);
	assert.deepEqual(changed.json(), {allowedToSignUpEmailBasedSubscriptions: false, allowEmailVerifiedUsersToJoinOrganization: true, isAppAndServicesTrialEnabled: false, isOfficeStoreEnabled: true, beta: 'available'});
	assert.equal(((await call(emu, 'GET', AUTHZ, {token})).json() as Body).allowedToSignUpEmailBasedSubscriptions, false);
	assert.deepEqual(((await call(emu, 'GET', APPS, {token})).json() as Body).settings, {isAppAndServicesTrialEnabled: false, isOfficeStoreEnabled: true});
	// Another tenant, by domain; Contoso keeps its values.
	assert.equal((await control({tenantId: syntheticTenant(1).domain, isOfficeStoreEnabled: false})).status, 200);
	assert.equal(emu.switches(syntheticTenant(1).id).isOfficeStoreEnabled, false);
	assert.equal(emu.switches().isOfficeStoreEnabled, true);
	const read = await call(emu, 'GET', `/_emulator/switches?tenant=${syntheticTenant(1).id}`, {token: null});
	assert.equal((read.json() as Body).isOfficeStoreEnabled, false);
	for (const [body, message] of [
		[{isOfficeStoreEnabled: 'no'}, /isOfficeStoreEnabled must be true or false/],
		[{allowSelfServicePurchase: false}, /Unknown switch "allowSelfServicePurchase"/],
		[{beta: 'maybe'}, /beta must be "available" or "unavailable"/],
		[[true], /The body must be JSON/],
	] as const) {
		const answer = await control(body);
		assert.equal(answer.status, 400, answer.text);
		assert.match((answer.json() as {error: string}).error, message);
	}
	assert.equal((await control({tenantId: 'nowhere.onmicrosoft.com', isOfficeStoreEnabled: false})).status, 404);
	// In process, as tests use it.
	assert.deepEqual(emu.setSwitches({allowEmailVerifiedUsersToJoinOrganization: false}, syntheticTenant(1).domain), {...emu.switches(syntheticTenant(1).domain), allowEmailVerifiedUsersToJoinOrganization: false});
	assert.equal(emu.switches(syntheticTenant(1).domain).allowEmailVerifiedUsersToJoinOrganization, false);
	assert.throws(() => emu.setSwitches({isOfficeStoreEnabled: 'no' as unknown as boolean}), /isOfficeStoreEnabled must be true or false/);
	assert.equal(emu.requests.length, 2, 'control routes are never logged');
});

test('the request log records Graph requests with tenant and account; a token from the control route works', async () => {
	const emu = await start();
	const issued = await call(emu, 'POST', '/_emulator/token', {token: null, body: JSON.stringify({username: READER, scope: 'https://graph.microsoft.com/Policy.Read.All'})});
	const {access_token: token} = issued.json() as {access_token: string};
	assert.equal(claimsOf(token).scp, 'Policy.Read.All');
	await call(emu, 'GET', AUTHZ, {token});
	await patch(emu, AUTHZ, {allowedToSignUpEmailBasedSubscriptions: false}, token);
	const app = await appToken(emu, AUTOMATION_APP, 'https://graph.microsoft.com/.default');
	await call(emu, 'GET', APPS, {token: app});
	const graphEntries = emu.requests.filter(entry => !entry.path.includes('oauth2'));
	assert.deepEqual(
		graphEntries.map(entry => [entry.method, entry.path, entry.status, entry.tenantId, entry.username ?? null]),
		[
			['GET', AUTHZ, 200, CONTOSO.id, READER],
			['PATCH', AUTHZ, 403, CONTOSO.id, READER],
			['GET', APPS, 200, CONTOSO.id, null],
		],
	);
	assert.ok(graphEntries.every(entry => UUID.test(entry.correlationId ?? '')), 'the request-id');
});

test('runEmulator prints the graph URL, a Graph curl that answers, --graph-url in the CLI lines, and the Graph sign-in facts', async () => {
	const {lines, text, stop} = await printedBy({cacheDir: false});
	const curl = lines.find(line => line.includes('/v1.0/policies/authorizationPolicy')) ?? '';
	const match = /curl --cacert (\S+) -H "Authorization: Bearer (\S+)" (https:\/\/127\.0\.0\.1:\d+)(\/v1\.0\/policies\/authorizationPolicy)$/.exec(curl.trim());
	assert.ok(match, `no Graph curl line in:\n${text}`);
	const [, caFile = '', token = '', url = '', path = ''] = match;
	assert.match(text, new RegExp(`graph URL +${url}\n`));
	assert.match(text, new RegExp(`mscommerce login --authority \\S+ --licensing-url \\S+ --ca-file \\S+ --graph-url ${url}`));
	assert.match(text, new RegExp(`mscommerce switches list .*--graph-url ${url}`));
	assert.match(text, /\/_emulator\/switches/);
	assert.match(text, new RegExp(`Microsoft Graph Command Line Tools \\(${GRAPH_CLI_CLIENT_ID}\\)`));
	assert.match(text, /not in Fabrikam \(AADSTS65001 there\)/);
	assert.match(text, /Contoso policy report: .*\n {4}Microsoft Graph: Policy\.Read\.All, OrgSettings-AppsAndServices\.Read\.All/);
	const agent = new Agent({connect: {ca: [await readFile(caFile, 'utf8')]}});
	const response = await request(`${url}${path}`, {headers: {authorization: `Bearer ${token}`}, dispatcher: agent});
	assert.equal(response.statusCode, 200);
	assert.equal(((await response.body.json()) as Body).allowedToSignUpEmailBasedSubscriptions, true);
	await agent.close();
	await stop();
});
