/**
 * The emulator's identity side: driven by @azure/msal-node, unmodified, through a network module
 * written here on undici that trusts only the emulator's CA; and by raw OAuth requests for the
 * answers MSAL hides (Entra's error bodies, slow_down, one-time device codes).
 */
import assert from 'node:assert/strict';
import {after, test} from 'node:test';
import {
	AuthError,
	PublicClientApplication,
	type AuthenticationResult,
	type DeviceCodeRequest,
	type INetworkModule,
	type NetworkRequestOptions,
	type NetworkResponse,
} from '@azure/msal-node';
import {Agent, request} from 'undici';
import {startEmulator, type Emulator, type EmulatorOptions} from '../../source/emulator/index.js';
import {postForm} from '../support/emulatorHttp.js';

const SCOPES = ['aeb86249-8ea3-49e2-900b-54cc8e308f85/.default'];
const CLIENT_ID = '3d5cffa9-04da-4657-8cab-c7f074657cad';
const CONTOSO = '7f3d2c1a-5b4e-4f6a-9c8d-0e1f2a3b4c5d';
const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const FAST: EmulatorOptions = {deviceCodeIntervalSeconds: 0.2};

/** MSAL's transport: undici, trusting the emulator's CA; remembers every URL MSAL asked for. */
class UndiciNetwork implements INetworkModule {
	readonly urls: string[] = [];
	constructor(readonly agent: Agent) {}

	sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
		return this.#send<T>('GET', url, options);
	}

	sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
		return this.#send<T>('POST', url, options);
	}

	async #send<T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
		this.urls.push(url);
		const response = await request(url, {method, headers: options?.headers, body: options?.body, dispatcher: this.agent});
		const text = await response.body.text();
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(response.headers)) {
			if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
		}
		let body: unknown = {};
		try {
			body = JSON.parse(text);
		} catch {
			// not JSON: MSAL sees an empty body and the status
		}
		return {status: response.statusCode, headers, body: body as T};
	}
}

type Setup = {emu: Emulator; app: PublicClientApplication; network: UndiciNetwork};

async function setup(options: EmulatorOptions = FAST, config: {authority?: (emu: Emulator) => string; clientId?: string} = {}): Promise<Setup> {
	const emu = await startEmulator(options);
	const agent = new Agent({connect: {ca: [emu.caPem]}});
	after(async () => {
		await agent.close();
		await emu.close();
	});
	const network = new UndiciNetwork(agent);
	const app = new PublicClientApplication({
		auth: {
			clientId: config.clientId ?? CLIENT_ID,
			authority: config.authority ? config.authority(emu) : emu.authority,
			knownAuthorities: [new URL(emu.url).host],
		},
		system: {networkClient: network},
	});
	return {emu, app, network};
}

/** Starts a device-code sign-in; `shown` resolves with the code MSAL hands to the callback. */
function signIn(app: PublicClientApplication, extra: Partial<DeviceCodeRequest> = {}) {
	let show: (code: {userCode: string; message: string; verificationUri: string; interval: number}) => void = () => undefined;
	const shown = new Promise<{userCode: string; message: string; verificationUri: string; interval: number}>(resolve => (show = resolve));
	const request: DeviceCodeRequest = {scopes: SCOPES, deviceCodeCallback: response => show(response), ...extra};
	const result = app.acquireTokenByDeviceCode(request);
	result.catch(() => undefined);
	return {shown, result, request};
}

const tokenPolls = (emu: Emulator) => emu.requests.filter(r => r.method === 'POST' && r.path.includes('/oauth2/v2.0/token'));
const failure = (promise: Promise<unknown>) =>
	promise.then(
		() => assert.fail('signed in'),
		(error: unknown) => {
			assert.ok(error instanceof AuthError, String(error));
			return error;
		},
	);

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 20));
	}
}

test('msal-node device code: pending until approved, then tokens the licensing side accepts; no internet', async () => {
	const {emu, app, network} = await setup();
	const {shown, result} = signIn(app);
	const code = await shown;
	assert.match(code.userCode, /^[A-Z]{4}-[A-Z]{4}$/);
	assert.equal(code.verificationUri, `${emu.url}/devicelogin`);
	assert.equal(code.message, `To sign in, use a web browser to open the page ${emu.url}/devicelogin and enter the code ${code.userCode} to authenticate.`);
	assert.deepEqual(emu.pendingCodes(), [code.userCode]);
	await until(() => tokenPolls(emu).length >= 2, 'two pending polls');
	assert.ok(tokenPolls(emu).every(r => r.status === 400));
	emu.approve(code.userCode, 'admin@contoso.onmicrosoft.com');
	const signedIn = (await result) as AuthenticationResult;
	assert.equal(signedIn.account?.username, 'admin@contoso.onmicrosoft.com');
	assert.equal(signedIn.account?.tenantId, CONTOSO);
	assert.equal(signedIn.account?.homeAccountId, `11f3a2b4-6c5d-4e7f-8a9b-0c1d2e3f4a5b.${CONTOSO}`);
	assert.equal(signedIn.tenantId, CONTOSO);
	assert.deepEqual(signedIn.scopes, SCOPES);
	assert.equal(signedIn.idTokenClaims && (signedIn.idTokenClaims as {preferred_username?: string}).preferred_username, 'admin@contoso.onmicrosoft.com');
	const claims = JSON.parse(Buffer.from(signedIn.accessToken.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
	assert.equal(claims.aud, 'aeb86249-8ea3-49e2-900b-54cc8e308f85');
	assert.deepEqual(claims.wids, ['62e90394-69f5-4237-9190-012177145e10']);
	assert.equal(claims.tid, CONTOSO);
	assert.deepEqual(emu.pendingCodes(), []);

	const products = await request(`${emu.licensingUrl}/v1.0/policies/AllowSelfServicePurchase/products`, {
		headers: {authorization: `Bearer ${signedIn.accessToken}`},
		dispatcher: network.agent,
	});
	assert.equal(products.statusCode, 200);
	await products.body.dump();

	// Silent renewal through the refresh-token grant.
	const account = signedIn.account;
	assert.ok(account);
	const renewed = await app.acquireTokenSilent({account, scopes: SCOPES, forceRefresh: true});
	assert.notEqual(renewed.accessToken, signedIn.accessToken);
	assert.equal(renewed.account?.username, 'admin@contoso.onmicrosoft.com');
	const grants = tokenPolls(emu).filter(r => r.status === 200);
	assert.equal(grants.length, 2, 'one device-code redemption, one refresh');
	assert.equal(grants[1]?.username, 'admin@contoso.onmicrosoft.com');
	// From the cache, without asking anyone.
	const before = network.urls.length;
	const cached = await app.acquireTokenSilent({account, scopes: SCOPES});
	assert.equal(cached.accessToken, renewed.accessToken);
	assert.equal(network.urls.length, before);

	assert.ok(network.urls.length > 0);
	assert.ok(
		network.urls.every(url => url.startsWith(`${emu.url}/`)),
		`MSAL asked outside the emulator: ${network.urls.filter(url => !url.startsWith(emu.url)).join(', ')}`,
	);
	assert.ok(network.urls.some(url => url.startsWith(`${emu.url}/organizations/v2.0/.well-known/openid-configuration`)));
});

test('msal-node against a tenant authority given by domain, and the demo auto-approval', async () => {
	const {emu, app, network} = await setup({...FAST, autoApproveMs: 300}, {authority: emu => emu.authorityFor('contoso.onmicrosoft.com')});
	const {result} = signIn(app);
	const signedIn = (await result) as AuthenticationResult;
	assert.equal(signedIn.account?.username, 'admin@contoso.onmicrosoft.com');
	// MSAL swaps the domain for the tenant ID in the discovered endpoints, and back again.
	assert.ok(network.urls.some(url => url.includes('/contoso.onmicrosoft.com/oauth2/v2.0/devicecode')));
	assert.ok(network.urls.every(url => url.startsWith(emu.url)));
});

test('msal-node: a declined sign-in fails with authorization_declined', async () => {
	const {emu, app} = await setup();
	const {shown, result} = signIn(app);
	emu.decline((await shown).userCode);
	const error = await failure(result);
	assert.equal(error.errorCode, 'post_request_failed');
	assert.match(error.errorMessage, /authorization_declined/);
});

test('msal-node: an expired code fails (the emulator answers expired_token, or MSAL notices first)', async () => {
	const {emu, app} = await setup({...FAST, deviceCodeLifetimeSeconds: 1});
	const {result} = signIn(app);
	const error = await failure(result);
	assert.ok(
		/expired_token/.test(error.errorMessage) || error.errorCode === 'device_code_expired',
		`${error.errorCode}: ${error.errorMessage}`,
	);
	assert.deepEqual(emu.pendingCodes(), []);
});

test('msal-node does not honour slow_down: it fails the sign-in (fault slowdown=1x)', async () => {
	const {emu, app} = await setup({...FAST, faults: 'slowdown=1x'});
	const {result} = signIn(app);
	const error = await failure(result);
	assert.equal(error.errorCode, 'post_request_failed');
	assert.match(error.errorMessage, /slow_down/);
	assert.equal(tokenPolls(emu).length, 1);
	assert.equal(tokenPolls(emu)[0]?.fault, 'slowdown');
});

test('msal-node polls at the interval it was given, and stops within one interval of DeviceCodeRequest.cancel', async () => {
	const {emu, app} = await setup({deviceCodeIntervalSeconds: 0.3});
	const {shown, result, request: deviceCodeRequest} = signIn(app);
	assert.equal((await shown).interval, 0.3);
	await until(() => tokenPolls(emu).length >= 3, 'three polls');
	const times = tokenPolls(emu).map(r => Date.parse(r.time));
	for (let i = 1; i < times.length; i += 1) {
		const gap = (times[i] ?? 0) - (times[i - 1] ?? 0);
		assert.ok(gap >= 290, `polled after ${gap} ms`);
	}
	assert.ok(tokenPolls(emu).every(r => r.status === 400), 'never told to slow down');
	const cancelledAt = Date.now();
	deviceCodeRequest.cancel = true;
	const error = await failure(result);
	assert.equal(error.errorCode, 'device_code_polling_cancelled');
	assert.ok(Date.now() - cancelledAt < 700, `cancel took ${Date.now() - cancelledAt} ms`);
});

test('msal-node surfaces the AADSTS code only as the OAuth error: failCode(50076) gives invalid_grant', async () => {
	const {emu, app} = await setup();
	const {shown, result} = signIn(app);
	emu.failCode((await shown).userCode, 50076);
	const error = await failure(result);
	assert.equal(error.errorCode, 'post_request_failed');
	assert.match(error.errorMessage, /invalid_grant/);
	assert.doesNotMatch(error.errorMessage, /50076/);
});

test('msal-node with a confidential client ID: invalid_client (AADSTS7000218 on the wire)', async () => {
	const confidential = '0b5c9a1e-6f7d-4c3b-9a8e-2d1f0e9c8b7a';
	const {emu, app} = await setup({...FAST, confidentialClientIds: [confidential]}, {clientId: confidential});
	const error = await failure(signIn(app).result);
	assert.match(error.errorMessage, /invalid_client/);
	assert.equal(tokenPolls(emu)[0]?.status, 401);
});

test('msal-node with a tenant authority and an account of another tenant: AADSTS50020 (invalid_grant)', async () => {
	const {emu, app} = await setup(FAST, {authority: emu => emu.authorityFor('4c9e2b71-8f3d-4e6a-b5c2-7d1f0a9e3b68')});
	const {shown, result} = signIn(app);
	emu.approve((await shown).userCode, 'admin@contoso.onmicrosoft.com');
	const error = await failure(result);
	assert.match(error.errorMessage, /invalid_grant/);
	assert.equal(tokenPolls(emu).at(-1)?.status, 400);
});

test('msal-node with an unknown tenant fails discovery (AADSTS90002 on the wire)', async () => {
	const {emu, app} = await setup(FAST, {authority: emu => emu.authorityFor('nowhere.onmicrosoft.com')});
	const error = await failure(signIn(app).result);
	assert.match(`${error.errorCode} ${error.errorMessage}`, /endpoints_resolution_error|openid/i);
	assert.equal(emu.requests[0]?.status, 400);
});

async function rawEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const emu = await startEmulator(options);
	after(async () => emu.close());
	return emu;
}

test("Entra's error shape: AADSTS code, description with trace and correlation IDs, error_codes, timestamp", async () => {
	const emu = await rawEmulator();
	const unknownClient = await postForm(emu, '/organizations/oauth2/v2.0/devicecode', {client_id: '00000000-1111-2222-3333-444444444444', scope: SCOPES[0] ?? ''});
	assert.equal(unknownClient.status, 400);
	assert.equal(unknownClient.body.error, 'unauthorized_client');
	assert.deepEqual(unknownClient.body.error_codes, [700016]);
	assert.match(String(unknownClient.body.error_description), /^AADSTS700016: .*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/s);
	assert.equal(unknownClient.body.correlation_id, unknownClient.headers['client-request-id']);
	assert.ok(typeof unknownClient.body.trace_id === 'string' && typeof unknownClient.body.timestamp === 'string');
	const badTenant = await postForm(emu, '/nowhere.example/oauth2/v2.0/devicecode', {client_id: CLIENT_ID, scope: SCOPES[0] ?? ''});
	assert.equal(badTenant.status, 400);
	assert.equal(badTenant.body.error, 'invalid_tenant');
	assert.deepEqual(badTenant.body.error_codes, [90002]);
	const badRefresh = await postForm(emu, '/organizations/oauth2/v2.0/token', {client_id: CLIENT_ID, grant_type: 'refresh_token', refresh_token: 'nope', scope: SCOPES[0] ?? ''});
	assert.equal(badRefresh.body.error, 'invalid_grant');
	assert.deepEqual(badRefresh.body.error_codes, [700082]);
});

test('device code by hand: slow_down when polled faster than interval, one-time redemption, refresh and revocation, expired_token, bad_verification_code', async () => {
	const emu = await rawEmulator({deviceCodeIntervalSeconds: 1, deviceCodeLifetimeSeconds: 1});
	const issue = async () => (await postForm(emu, `/${CONTOSO}/oauth2/v2.0/devicecode`, {client_id: CLIENT_ID, scope: `${SCOPES[0]} openid profile offline_access`})).body;
	const poll = (deviceCode: string) => postForm(emu, `/${CONTOSO}/oauth2/v2.0/token`, {client_id: CLIENT_ID, grant_type: DEVICE_CODE_GRANT, device_code: deviceCode});
	const code = await issue();
	assert.equal(code.interval, 1);
	assert.equal(code.expires_in, 1);
	const first = await poll(String(code.device_code));
	assert.equal(first.body.error, 'authorization_pending');
	assert.deepEqual(first.body.error_codes, [70016]);
	assert.equal((await poll(String(code.device_code))).body.error, 'slow_down');
	emu.approve(String(code.user_code), 'reader@contoso.onmicrosoft.com');
	const tokens = await poll(String(code.device_code));
	assert.equal(tokens.status, 200);
	assert.deepEqual(Object.keys(tokens.body).sort(), ['access_token', 'client_info', 'expires_in', 'ext_expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
	assert.equal(tokens.body.scope, SCOPES[0]);
	assert.deepEqual(JSON.parse(Buffer.from(String(tokens.body.client_info), 'base64url').toString()), {uid: '33d5c4d6-8e7f-4091-acbd-2e3f4a5b6c7d', utid: CONTOSO});
	assert.equal((await poll(String(code.device_code))).body.error, 'bad_verification_code', 'a device code is redeemed once');
	const refreshed = await postForm(emu, `/${CONTOSO}/oauth2/v2.0/token`, {client_id: CLIENT_ID, grant_type: 'refresh_token', refresh_token: String(tokens.body.refresh_token), scope: `${SCOPES[0]} offline_access`});
	assert.equal(refreshed.status, 200);
	assert.equal(emu.revokeRefreshTokens('reader@contoso.onmicrosoft.com'), 2);
	const revoked = await postForm(emu, `/${CONTOSO}/oauth2/v2.0/token`, {client_id: CLIENT_ID, grant_type: 'refresh_token', refresh_token: String(refreshed.body.refresh_token), scope: `${SCOPES[0]} offline_access`});
	assert.deepEqual(revoked.body.error_codes, [700082]);
	const late = await issue();
	await new Promise(resolve => setTimeout(resolve, 1100));
	const expired = await poll(String(late.device_code));
	assert.equal(expired.body.error, 'expired_token');
	assert.deepEqual(expired.body.error_codes, [70019]);
	assert.throws(() => emu.approve(String(late.user_code)), /expired/);
});

test('a person approves with curl: POST /devicelogin and /_emulator/approve', async () => {
	const emu = await rawEmulator();
	const agent = new Agent({connect: {ca: [emu.caPem]}});
	after(async () => agent.close());
	const codes: string[] = [];
	for (let i = 0; i < 2; i += 1) {
		const issued = await postForm(emu, '/organizations/oauth2/v2.0/devicecode', {client_id: CLIENT_ID, scope: SCOPES[0] ?? ''});
		codes.push(String(issued.body.user_code));
	}
	const [viaPage = '', viaControl = ''] = codes;
	const page = await request(`${emu.url}/devicelogin`, {
		method: 'POST',
		headers: {'content-type': 'application/x-www-form-urlencoded', accept: '*/*'},
		body: `user_code=${viaPage.toLowerCase()}&username=billing%40contoso.onmicrosoft.com`,
		dispatcher: agent,
	});
	assert.equal(page.statusCode, 200);
	assert.match(await page.body.text(), /billing@contoso.onmicrosoft.com signed in/);
	const control = await request(`${emu.url}/_emulator/approve`, {
		method: 'POST',
		headers: {'content-type': 'application/json'},
		body: JSON.stringify({user_code: viaControl}),
		dispatcher: agent,
	});
	assert.equal(control.statusCode, 200);
	await control.body.dump();
	assert.deepEqual(emu.pendingCodes(), []);
	const again = await request(`${emu.url}/_emulator/decline`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({user_code: viaControl}), dispatcher: agent});
	assert.equal(again.statusCode, 404);
	assert.match(await again.body.text(), /already approved/);
});
