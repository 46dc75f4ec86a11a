/**
 * The identity side, laid out like Microsoft Entra ID so that @azure/msal-node works unmodified:
 * `/{tenant}/v2.0/.well-known/openid-configuration`, `/{tenant}/oauth2/v2.0/devicecode`,
 * `/{tenant}/oauth2/v2.0/authorize` (a small approve page for the authorization-code flow with
 * PKCE), `/{tenant}/oauth2/v2.0/token` (device-code, authorization-code, refresh-token and
 * client-credentials grants, with a client secret or a certificate assertion), with Entra's
 * error bodies. A partner account's refresh token redeemed at a customer tenant gives a token
 * there when a GDAP relationship allows it (docs/sign-in.md); a multi-tenant app gets app-only
 * tokens in each tenant where an admin consented. Who exists where is the emulator's Directory.
 * Scopes name the licensing service or Microsoft Graph (by its app ID, graph.microsoft.com or the
 * emulator's own origin: docs/graph.md); a token is for one of them, and Graph's four scopes need
 * an admin's consent in the tenant (AADSTS65001 without it).
 */
import {createHash, createPublicKey, randomBytes, randomUUID, timingSafeEqual, verify as verifySignature, X509Certificate, constants as cryptoConstants} from 'node:crypto';
import {
	CONTOSO,
	DEFAULT_USERNAME,
	GRAPH_CLI_CLIENT_ID,
	GRAPH_PERMISSIONS,
	type AuthorityTenant,
	type Directory,
	type EmulatorAccount,
	type EmulatorApp,
} from './directory.js';
import type {FaultInjector} from './faults.js';
import {GRAPH_APP_ID, GRAPH_RESOURCE} from './graph.js';
import {HOSTILE} from './hostile.js';
import {aadError, escapeHtml, formOrJson, html, json, type Exchange, type Reply} from './http.js';
import type {TokenSigner} from './tokens.js';
import {base64url} from './tokens.js';

/** The MSCommerce module's public client (docs/sign-in.md, Device code). */
export const MSCOMMERCE_CLIENT_ID = '3d5cffa9-04da-4657-8cab-c7f074657cad';
/** The M365 licensing service app: the audience of licensing tokens. */
export const LICENSING_APP_ID = 'aeb86249-8ea3-49e2-900b-54cc8e308f85';
const LICENSING_APP_URI = 'https://licensing.m365.microsoft.com';
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
// A user code alphabet without vowels (no words) and without look-alikes.
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

export type IdentityOptions = {
	/** The emulator's main URL (issuer of every token). */
	issuerBase: () => string;
	signer: TokenSigner;
	faults: FaultInjector;
	/** This emulator's tenants, accounts, apps and GDAP relationships. */
	directory: Directory;
	clientIds: readonly string[];
	confidentialClientIds: readonly string[];
	tokenLifetimeSeconds: number;
	deviceCodeIntervalSeconds: number;
	deviceCodeLifetimeSeconds: number;
	autoApproveMs: number | false;
	autoApproveAs?: string;
	onDeviceCode?: (userCode: string) => void;
};

type DeviceCodeState = 'pending' | 'approved' | 'declined' | 'redeemed';

type DeviceCode = {
	userCode: string;
	deviceCode: string;
	clientId: string;
	scopes: string[];
	authority: AuthorityTenant;
	expiresAt: number;
	intervalMs: number;
	state: DeviceCodeState;
	account?: EmulatorAccount;
	lastPollAt?: number;
	failWith?: number;
	timer?: NodeJS.Timeout;
};

type RefreshGrant = {account: EmulatorAccount; clientId: string; scopes: string[]};

/** An authorization code from the approve page, for one client, redirect URI and PKCE challenge. */
type AuthCode = {account: EmulatorAccount; clientId: string; redirectUri: string; challenge: string; scopes: string[]; authority: AuthorityTenant; expiresAt: number};

const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export class IdentityError extends Error {
	override name = 'IdentityError';
}

export class Identity {
	readonly #options: IdentityOptions;
	readonly #directory: Directory;
	readonly #publicClients: Set<string>;
	readonly #confidentialClients: Set<string>;
	readonly #codes = new Map<string, DeviceCode>(); // by normalized user code
	readonly #byDeviceCode = new Map<string, DeviceCode>();
	readonly #refreshTokens = new Map<string, RefreshGrant>();

	readonly #authCodes = new Map<string, AuthCode>();
	/** Certificates uploaded to app registrations (client ID → PEM), for assertion checks. */
	readonly #appCertificates = new Map<string, string>();

	/** Hostile text in device-code messages and error descriptions (source/emulator/hostile.ts). */
	hostile = false;

	constructor(options: IdentityOptions) {
		this.#options = options;
		this.#directory = options.directory;
		this.#publicClients = new Set([MSCOMMERCE_CLIENT_ID, GRAPH_CLI_CLIENT_ID, ...options.clientIds].map(id => id.toLowerCase()));
		this.#confidentialClients = new Set(options.confidentialClientIds.map(id => id.toLowerCase()));
	}

	/** Handles `/{tenant}/...`; undefined when the path is not an identity route. */
	handle(exchange: Exchange, segments: string[]): Reply | undefined {
		const [tenantSegment = '', ...rest] = segments;
		const route = rest.join('/').toLowerCase();
		const known = [
			'v2.0/.well-known/openid-configuration',
			'oauth2/v2.0/devicecode',
			'oauth2/v2.0/token',
			'oauth2/v2.0/authorize',
			'oauth2/v2.0/logout',
			'discovery/v2.0/keys',
		];
		if (!known.includes(route)) return undefined;
		const authority = this.#directory.resolveAuthorityTenant(tenantSegment);
		if (!authority) {
			return aadError(
				exchange.baseUrl,
				400,
				'invalid_tenant',
				90002,
				`Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
				exchange.correlationId,
			);
		}
		if (authority.kind === 'tenant') exchange.note.tenantId = authority.tenant.id;
		const expectPost = (handler: () => Reply): Reply =>
			exchange.method === 'POST'
				? handler()
				: aadError(exchange.baseUrl, 405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.', exchange.correlationId);
		switch (route) {
			case 'v2.0/.well-known/openid-configuration':
				return json(200, this.#metadata(exchange.baseUrl, authority));
			case 'discovery/v2.0/keys':
				// Tokens are HS256 with a secret only the emulator knows: there is no public key to publish.
				return json(200, {keys: []});
			case 'oauth2/v2.0/authorize':
				return this.#authorize(exchange, authority);
			case 'oauth2/v2.0/logout':
				return html(200, '<!DOCTYPE html><html><body><p>You have signed out.</p></body></html>\n');
			case 'oauth2/v2.0/devicecode':
				return expectPost(() => this.#deviceCode(exchange, authority));
			default:
				return expectPost(() => this.#token(exchange, authority));
		}
	}

	/** Entra's discovery document; `{tenantid}` stays a placeholder for organizations/common, as Entra does. */
	#metadata(base: string, authority: AuthorityTenant): Record<string, unknown> {
		const path = authority.kind === 'tenant' ? authority.tenant.id : authority.segment;
		const issuerTenant = authority.kind === 'tenant' ? authority.tenant.id : '{tenantid}';
		return {
			token_endpoint: `${base}/${path}/oauth2/v2.0/token`,
			token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
			jwks_uri: `${base}/${path}/discovery/v2.0/keys`,
			response_modes_supported: ['query', 'fragment', 'form_post'],
			subject_types_supported: ['pairwise'],
			id_token_signing_alg_values_supported: ['RS256'],
			response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
			scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
			issuer: `${this.#options.issuerBase()}/${issuerTenant}/v2.0`,
			request_uri_parameter_supported: false,
			userinfo_endpoint: `${base}/oidc/userinfo`,
			authorization_endpoint: `${base}/${path}/oauth2/v2.0/authorize`,
			device_authorization_endpoint: `${base}/${path}/oauth2/v2.0/devicecode`,
			http_logout_supported: true,
			frontchannel_logout_supported: true,
			end_session_endpoint: `${base}/${path}/oauth2/v2.0/logout`,
			claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'name', 'tid', 'ver', 'oid', 'preferred_username'],
			tenant_region_scope: 'EU',
			cloud_instance_name: 'emulator.local',
			cloud_graph_host_name: 'graph.windows.net',
			msgraph_host: 'graph.microsoft.com',
			rbac_url: 'https://pas.windows.net',
		};
	}

	#clientCheck(exchange: Exchange, clientId: string | undefined, authority: AuthorityTenant): Reply | undefined {
		const error = (status: number, code: string, aadsts: number, message: string): Reply =>
			aadError(exchange.baseUrl, status, code, aadsts, message, exchange.correlationId);
		if (!clientId) return error(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
		const id = clientId.toLowerCase();
		if (this.#publicClients.has(id) || this.#confidentialClients.has(id) || this.#directory.findApp(id)) return undefined;
		const directory = authority.kind === 'tenant' ? authority.tenant.id : CONTOSO.id;
		return error(
			400,
			'unauthorized_client',
			700016,
			`Application with identifier '${clientId}' was not found in the directory '${directory}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
		);
	}

	#deviceCode(exchange: Exchange, authority: AuthorityTenant): Reply {
		const form = formOrJson(exchange.contentType, exchange.body);
		const refused = this.#clientCheck(exchange, form.client_id, authority);
		if (refused) return refused;
		const scopes = (form.scope ?? '').split(/\s+/).filter(Boolean);
		const scopeProblem = this.#scopeProblem(exchange, scopes);
		if (scopeProblem) return scopeProblem;
		const options = this.#options;
		const userCode = this.#newUserCode();
		const code: DeviceCode = {
			userCode,
			deviceCode: `DAQABAAEAAAD${randomBytes(48).toString('base64url')}`,
			clientId: form.client_id ?? '',
			scopes,
			authority,
			expiresAt: Date.now() + options.deviceCodeLifetimeSeconds * 1000,
			intervalMs: options.deviceCodeIntervalSeconds * 1000,
			state: 'pending',
		};
		this.#codes.set(normalizeUserCode(userCode), code);
		this.#byDeviceCode.set(code.deviceCode, code);
		if (options.autoApproveMs !== false) {
			const username =
				options.autoApproveAs ?? (authority.kind === 'tenant' ? this.#directory.adminOf(authority.tenant.id)?.username : undefined) ?? DEFAULT_USERNAME;
			code.timer = setTimeout(() => {
				code.timer = undefined;
				if (code.state === 'pending' && Date.now() < code.expiresAt) this.approve(userCode, username);
			}, options.autoApproveMs);
			code.timer.unref();
		}
		options.onDeviceCode?.(userCode);
		const verificationUri = `${exchange.baseUrl}/devicelogin`;
		return json(200, {
			user_code: userCode,
			device_code: code.deviceCode,
			verification_uri: verificationUri,
			expires_in: options.deviceCodeLifetimeSeconds,
			interval: options.deviceCodeIntervalSeconds,
			message: this.hostile
				? HOSTILE.deviceCodeMessage(userCode)
				: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
		});
	}

	/** Where Graph may be named in a scope besides its app ID and graph.microsoft.com: this emulator's origins. */
	#graphOrigins(exchange?: Exchange): string[] {
		return [this.#options.issuerBase(), exchange?.baseUrl ?? ''].filter(Boolean).map(origin => origin.toLowerCase());
	}

	/** Scopes must name the licensing service or Graph, one of them (or only OpenID Connect scopes). */
	#scopeProblem(exchange: Exchange, scopes: string[]): Reply | undefined {
		if (scopes.length === 0) {
			return aadError(exchange.baseUrl, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.", exchange.correlationId);
		}
		const origins = this.#graphOrigins(exchange);
		const resources = new Set<string>();
		for (const scope of scopes) {
			const resource = resourceOf(scope, origins);
			if (resource !== undefined) resources.add(resource);
			if (resource === undefined || resource === LICENSING_APP_ID || resource === GRAPH_APP_ID) continue;
			return aadError(
				exchange.baseUrl,
				400,
				'invalid_resource',
				500011,
				`The resource principal named ${scope.slice(0, scope.lastIndexOf('/'))} was not found in the tenant named ${CONTOSO.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
				exchange.correlationId,
			);
		}
		if (resources.size > 1) {
			return aadError(
				exchange.baseUrl,
				400,
				'invalid_scope',
				28000,
				`Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scopes.join(' ')} is not valid.`,
				exchange.correlationId,
			);
		}
		return undefined;
	}

	/**
	 * AADSTS65001 when the scopes ask for Graph's four (docs/graph.md) in a tenant whose admin never
	 * consented to them: Entra asks for an interactive consent, which a token request cannot give.
	 */
	#consentProblem(exchange: Exchange, scopes: string[], tenantId: string, account: EmulatorAccount, clientId: string, authority: AuthorityTenant): Failure | undefined {
		const wanted = graphScopeNames(scopes, this.#graphOrigins(exchange)).filter(name => GRAPH_PERMISSIONS.includes(name));
		if (wanted.length === 0 || this.#directory.graphConsented(tenantId)) return undefined;
		return failureFor(65001, account, clientId, authority);
	}

	#token(exchange: Exchange, authority: AuthorityTenant): Reply {
		const form = formOrJson(exchange.contentType, exchange.body);
		const error = (status: number, code: string, aadsts: number | undefined, message: string, extra?: {suberror?: string; claims?: string}): Reply =>
			aadError(exchange.baseUrl, status, code, aadsts, message, exchange.correlationId, extra);
		const refused = this.#clientCheck(exchange, form.client_id, authority);
		if (refused) return refused;
		const clientId = form.client_id ?? '';
		if (form.grant_type === 'client_credentials') return this.#clientCredentials(exchange, form, authority, error);
		if (this.#confidentialClients.has(clientId.toLowerCase()) || this.#directory.findApp(clientId)) {
			return error(
				401,
				'invalid_client',
				7000218,
				"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
			);
		}
		// MSAL sends the short 'device_code'; RFC 8628 names the URN. Entra ID accepts both.
		if (form.grant_type === DEVICE_CODE_GRANT || form.grant_type === 'device_code') return this.#redeemDeviceCode(exchange, form, error);
		if (form.grant_type === 'refresh_token') return this.#redeemRefreshToken(exchange, form, authority, error);
		if (form.grant_type === 'authorization_code') return this.#redeemAuthCode(exchange, form, authority, error);
		return error(
			400,
			'unsupported_grant_type',
			70003,
			`The app requested an unsupported grant type '${form.grant_type ?? ''}'.`,
		);
	}

	#redeemDeviceCode(
		exchange: Exchange,
		form: Record<string, string>,
		error: (status: number, code: string, aadsts: number | undefined, message: string, extra?: {suberror?: string; claims?: string}) => Reply,
	): Reply {
		const deviceCode = form.device_code;
		if (!deviceCode) return error(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'device_code'.");
		const code = this.#byDeviceCode.get(deviceCode);
		if (!code || code.clientId.toLowerCase() !== (form.client_id ?? '').toLowerCase() || code.state === 'redeemed') {
			return error(400, 'bad_verification_code', 70000, 'The device code is not valid: it was not issued, was issued to another application, or was already used.');
		}
		const now = Date.now();
		const previousPoll = code.lastPollAt;
		code.lastPollAt = now;
		if (code.state === 'declined') {
			return error(400, 'authorization_declined', 70000, 'The user declined the authorization request.');
		}
		if (now >= code.expiresAt) {
			return error(400, 'expired_token', 70019, 'Verification code expired.');
		}
		if (code.failWith !== undefined) {
			const failure = failureFor(code.failWith, code.account ?? this.#directory.findAccount(DEFAULT_USERNAME), code.clientId, code.authority);
			this.#forget(code);
			return error(failure.status, failure.error, code.failWith, `${failure.message}${this.hostile ? HOSTILE.suffix : ''}`, failure.extra);
		}
		if (this.#options.faults.fire('slowdown', {route: 'identity', method: exchange.method})) {
			exchange.note.fault = 'slowdown';
			return error(400, 'slow_down', undefined, 'The client is polling too quickly. Wait longer between requests (RFC 8628 section 3.5).');
		}
		if (code.state === 'pending') {
			// RFC 8628: a client that polls faster than `interval` is told to slow down.
			if (previousPoll !== undefined && now - previousPoll < code.intervalMs * 0.8) {
				return error(400, 'slow_down', undefined, `The client is polling too quickly: wait at least ${code.intervalMs / 1000} s between requests (RFC 8628 section 3.5).`);
			}
			return error(400, 'authorization_pending', 70016, 'The provided request has not yet been authorized by the user. The user must input their code.');
		}
		const account = code.account;
		if (!account) return error(500, 'server_error', undefined, 'An approved device code has no account.');
		exchange.note.username = account.username;
		exchange.note.tenantId = account.tenantId;
		if (code.authority.kind === 'tenant' && code.authority.tenant.id !== account.tenantId) {
			this.#forget(code);
			const failure = failureFor(50020, account, code.clientId, code.authority);
			return error(failure.status, failure.error, 50020, failure.message);
		}
		const consent = this.#consentProblem(exchange, code.scopes, account.tenantId, account, code.clientId, code.authority);
		if (consent) {
			this.#forget(code);
			return error(consent.status, consent.error, 65001, `${consent.message}${this.hostile ? HOSTILE.suffix : ''}`, consent.extra);
		}
		code.state = 'redeemed';
		this.#forget(code);
		return json(200, this.#tokenResponse(account, code.clientId, code.scopes, undefined, exchange), {'cache-control': 'no-store'});
	}

	#redeemRefreshToken(
		exchange: Exchange,
		form: Record<string, string>,
		authority: AuthorityTenant,
		error: (status: number, code: string, aadsts: number | undefined, message: string, extra?: {suberror?: string; claims?: string}) => Reply,
	): Reply {
		const grant = form.refresh_token ? this.#refreshTokens.get(form.refresh_token) : undefined;
		if (!grant || grant.clientId.toLowerCase() !== (form.client_id ?? '').toLowerCase()) {
			return error(
				400,
				'invalid_grant',
				700082,
				'The refresh token has expired or was revoked. Sign in again to get a new one.',
			);
		}
		exchange.note.username = grant.account.username;
		exchange.note.tenantId = grant.account.tenantId;
		const requested = (form.scope ?? '').split(/\s+/).filter(Boolean);
		const scopes = requested.length > 0 ? requested : grant.scopes;
		if (authority.kind === 'tenant' && authority.tenant.id !== grant.account.tenantId) {
			// A partner's refresh token at a customer tenant: a token there, with the GDAP roles.
			const roles = this.#directory.gdapRoles(grant.account.username, authority.tenant.id);
			if (!roles) {
				const failure = failureFor(50020, grant.account, grant.clientId, authority);
				return error(failure.status, failure.error, 50020, failure.message);
			}
			exchange.note.tenantId = authority.tenant.id;
			const consent = this.#consentProblem(exchange, scopes, authority.tenant.id, grant.account, grant.clientId, authority);
			if (consent) return error(consent.status, consent.error, 65001, consent.message, consent.extra);
			return json(200, this.#tokenResponse(grant.account, grant.clientId, scopes, {tenantId: authority.tenant.id, roles}, exchange), {'cache-control': 'no-store'});
		}
		const consent = this.#consentProblem(exchange, scopes, grant.account.tenantId, grant.account, grant.clientId, authority);
		if (consent) return error(consent.status, consent.error, 65001, consent.message, consent.extra);
		return json(200, this.#tokenResponse(grant.account, grant.clientId, scopes, undefined, exchange), {
			'cache-control': 'no-store',
		});
	}

	#tokenResponse(
		account: EmulatorAccount,
		clientId: string,
		scopes: string[],
		customer: {tenantId: string; roles: readonly string[]} | undefined,
		exchange: Exchange,
	): Record<string, unknown> {
		const lifetime = this.#options.tokenLifetimeSeconds;
		const resourceScopes = scopes.filter(scope => !OIDC_SCOPES.has(scope.toLowerCase()));
		const response: Record<string, unknown> = {
			token_type: 'Bearer',
			// As asked (Graph by whichever name the client used), so MSAL finds the token in its cache again.
			scope: resourceScopes.join(' '),
			expires_in: lifetime,
			ext_expires_in: lifetime,
			access_token: this.issueAccessToken(account, {expiresInSeconds: lifetime, clientId, scopes, customer, graphOrigins: this.#graphOrigins(exchange)}),
		};
		const wants = new Set(scopes.map(scope => scope.toLowerCase()));
		if (wants.has('offline_access')) {
			const refreshToken = `0.emu.${randomBytes(48).toString('base64url')}`;
			this.#refreshTokens.set(refreshToken, {account, clientId, scopes});
			response.refresh_token = refreshToken;
		}
		if (wants.has('openid')) response.id_token = this.#idToken(account, clientId, customer?.tenantId);
		response.client_info = base64url({uid: account.oid, utid: account.tenantId});
		return response;
	}

	#idToken(account: EmulatorAccount, clientId: string, tenantId = account.tenantId): string {
		const now = Math.floor(Date.now() / 1000);
		return this.#options.signer.sign({
			aud: clientId,
			iss: `${this.#options.issuerBase()}/${tenantId}/v2.0`,
			iat: now,
			nbf: now,
			exp: now + this.#options.tokenLifetimeSeconds,
			name: account.displayName,
			oid: account.oid,
			preferred_username: account.username,
			sub: pairwiseSubject(account.oid, clientId),
			tid: tenantId,
			ver: '2.0',
		});
	}

	/**
	 * An access token for an account, wids = its roles: for the licensing service (the default;
	 * aud = the licensing app), or for Graph when the scopes name it (aud = Graph's app ID, scp =
	 * the Graph scopes by their short names, `.default` standing for the four the emulator knows).
	 */
	issueAccessToken(
		account: EmulatorAccount,
		options: {
			expiresInSeconds?: number;
			clientId?: string;
			scopes?: string[];
			customer?: {tenantId: string; roles: readonly string[]};
			graphOrigins?: readonly string[];
		} = {},
	): string {
		const tenantId = options.customer?.tenantId ?? account.tenantId;
		const now = Math.floor(Date.now() / 1000);
		const clientId = options.clientId ?? MSCOMMERCE_CLIENT_ID;
		const scopes = options.scopes ?? [`${LICENSING_APP_ID}/.default`];
		const origins = options.graphOrigins ?? this.#graphOrigins();
		const forLicensing = scopes.length === 0 || scopes.some(scope => resourceOf(scope, origins) === LICENSING_APP_ID);
		return this.#options.signer.sign({
			aud: forLicensing ? LICENSING_APP_ID : GRAPH_APP_ID,
			iss: `${this.#options.issuerBase()}/${tenantId}/v2.0`,
			iat: now,
			nbf: now,
			exp: now + (options.expiresInSeconds ?? this.#options.tokenLifetimeSeconds),
			azp: clientId,
			azpacr: '0',
			idtyp: 'user',
			name: account.displayName,
			oid: account.oid,
			preferred_username: account.username,
			upn: account.username,
			scp: forLicensing ? 'user_impersonation' : graphScopeNames(scopes, origins).join(' ') || 'User.Read',
			sub: pairwiseSubject(account.oid, clientId),
			tid: tenantId,
			uti: randomBytes(16).toString('base64url'),
			ver: '2.0',
			wids: options.customer ? [...options.customer.roles] : account.roles,
			// Not at home in this tenant (a partner through GDAP): the home tenant is the identity provider.
			...(options.customer ? {idp: `https://sts.windows.net/${account.tenantId}/`} : {}),
		});
	}

	/**
	 * `GET …/authorize`: the approve page a browser is sent to (authorization code with PKCE);
	 * `POST` with user name and action approves and redirects to the client's redirect URI with
	 * a code and the state, or with `error=access_denied`. Only loopback redirect URIs are accepted.
	 */
	#authorize(exchange: Exchange, authority: AuthorityTenant): Reply {
		const query = Object.fromEntries(exchange.url.searchParams);
		const fields = exchange.method === 'POST' ? {...query, ...formOrJson(exchange.contentType, exchange.body)} : query;
		const page = (status: number, title: string, body: string) => html(status, `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>\n`);
		const clientId = fields.client_id ?? '';
		const refused = this.#clientCheck(exchange, clientId, authority);
		if (refused) return refused;
		let redirect: URL;
		try {
			redirect = new URL(fields.redirect_uri ?? '');
		} catch {
			return page(400, 'Sign-in failed', '<p>AADSTS50011: the redirect URI is missing or not a URL.</p>');
		}
		// Entra ID matches loopback redirects ignoring the port; anything else would be a registered URI.
		if (redirect.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(redirect.hostname)) {
			return page(400, 'Sign-in failed', `<p>AADSTS50011: the redirect URI ${escapeHtml(redirect.href)} is not registered for this application.</p>`);
		}
		if (fields.response_type !== 'code' || fields.code_challenge_method !== 'S256' || !fields.code_challenge) {
			return page(400, 'Sign-in failed', '<p>AADSTS9002325: Proof Key for Code Exchange (S256) is required.</p>');
		}
		const scopes = (fields.scope ?? '').split(/\s+/).filter(Boolean);
		if (exchange.method !== 'POST') {
			const options = this.#directory.accounts.map(a => `<option value="${escapeHtml(a.username)}">${escapeHtml(a.username)}</option>`).join('');
			const hidden = Object.entries(query)
				.map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
				.join('');
			return page(
				200,
				'mscommerce emulator: sign in',
				`<form method="post"><label>Account <select name="username">${options}</select></label>${hidden}` +
					`<button name="action" value="approve">Sign in</button> <button name="action" value="decline">Cancel</button></form>`,
			);
		}
		const back = new URL(redirect.href);
		if (fields.state) back.searchParams.set('state', fields.state);
		if (fields.action === 'decline') {
			back.searchParams.set('error', 'access_denied');
			back.searchParams.set('error_description', 'AADSTS65004: User declined to consent to access the app.');
			return {status: 302, headers: {location: back.href}};
		}
		const account = this.#directory.findAccount(fields.username ?? DEFAULT_USERNAME);
		if (!account) return page(400, 'Sign-in failed', '<p>No such account.</p>');
		const code = `0.emu-code.${randomBytes(24).toString('base64url')}`;
		this.#authCodes.set(code, {account, clientId, redirectUri: redirect.href, challenge: fields.code_challenge, scopes, authority, expiresAt: Date.now() + 600_000});
		back.searchParams.set('code', code);
		return {status: 302, headers: {location: back.href}};
	}

	#redeemAuthCode(
		exchange: Exchange,
		form: Record<string, string>,
		authority: AuthorityTenant,
		error: (status: number, code: string, aadsts: number | undefined, message: string, extra?: {suberror?: string; claims?: string}) => Reply,
	): Reply {
		const grant = form.code ? this.#authCodes.get(form.code) : undefined;
		if (form.code) this.#authCodes.delete(form.code); // one use
		if (!grant || grant.expiresAt < Date.now() || grant.clientId.toLowerCase() !== (form.client_id ?? '').toLowerCase()) {
			return error(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.');
		}
		if (grant.redirectUri !== form.redirect_uri) {
			return error(400, 'invalid_grant', 50148, 'The redirect URI does not match the one the authorization code was issued for.');
		}
		const challenge = createHash('sha256').update(form.code_verifier ?? '').digest('base64url');
		if (challenge !== grant.challenge) {
			return error(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
		}
		exchange.note.username = grant.account.username;
		exchange.note.tenantId = grant.account.tenantId;
		if (authority.kind === 'tenant' && authority.tenant.id !== grant.account.tenantId) {
			const failure = failureFor(50020, grant.account, grant.clientId, authority);
			return error(failure.status, failure.error, 50020, failure.message);
		}
		const requested = (form.scope ?? '').split(/\s+/).filter(Boolean);
		const scopes = requested.length > 0 ? requested : grant.scopes;
		const consent = this.#consentProblem(exchange, scopes, grant.account.tenantId, grant.account, grant.clientId, authority);
		if (consent) return error(consent.status, consent.error, 65001, consent.message, consent.extra);
		return json(200, this.#tokenResponse(grant.account, grant.clientId, scopes, undefined, exchange), {'cache-control': 'no-store'});
	}

	/** Registers a certificate for an app (Certificates & secrets): assertions signed with its key are accepted. */
	registerAppCertificate(clientId: string, certPem: string): void {
		const app = this.#directory.findApp(clientId);
		if (!app) throw new IdentityError(`No app ${clientId}`);
		this.#appCertificates.set(app.clientId, certPem);
	}

	/** Client credentials (app-only): a client secret, or a client assertion signed with the app's certificate. */
	#clientCredentials(
		exchange: Exchange,
		form: Record<string, string>,
		authority: AuthorityTenant,
		error: (status: number, code: string, aadsts: number | undefined, message: string) => Reply,
	): Reply {
		const app = this.#directory.findApp(form.client_id ?? '');
		if (!app) return this.#clientCheck(exchange, form.client_id, authority) ?? error(400, 'unauthorized_client', 700016, 'Unknown application.');
		if (authority.kind !== 'tenant') {
			return error(400, 'invalid_request', 90009, 'Application is requesting a token for itself. This scenario is supported only if resource is specified using the GUID based App Identifier: use a tenant-specific endpoint, not /organizations or /common.');
		}
		// Entra looks the app up as a service principal of the authority's tenant: a single-tenant
		// app is not found anywhere but at home (700016); a multi-tenant one is known, but has no
		// service principal where no admin consented (7000229, 401 as Entra answers it).
		const servicePrincipal = this.#directory.servicePrincipal(app, authority.tenant.id);
		if (servicePrincipal === undefined) {
			if (app.consentedIn) {
				return error(401, 'invalid_client', 7000229, `The client application ${app.clientId} is missing service principal in the tenant ${authority.tenant.id}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`);
			}
			return error(400, 'unauthorized_client', 700016, `Application with identifier '${app.clientId}' was not found in the directory '${authority.tenant.id}'.`);
		}
		const tokenEndpoint = `${exchange.baseUrl}/${authority.segment}/oauth2/v2.0/token`;
		if (form.client_secret !== undefined) {
			const given = Buffer.from(form.client_secret);
			const wanted = Buffer.from(app.secret);
			if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
				return error(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
			}
		} else if (form.client_assertion_type === CLIENT_ASSERTION_TYPE && form.client_assertion) {
			const problem = this.#assertionProblem(app, form.client_assertion, [tokenEndpoint, `${exchange.baseUrl}/${authority.tenant.id}/oauth2/v2.0/token`]);
			if (problem) return error(401, 'invalid_client', 700027, `Client assertion failed signature validation or is not valid: ${problem}.`);
		} else {
			return error(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
		}
		const scopes = (form.scope ?? '').split(/\s+/).filter(Boolean);
		const origins = this.#graphOrigins(exchange);
		// The licensing service's or Graph's `/.default`: the app's consented permissions there.
		const resource = scopes
			.filter(scope => scope.endsWith('/.default'))
			.map(scope => resourceOf(scope, origins))
			.find(candidate => candidate === LICENSING_APP_ID || candidate === GRAPH_APP_ID);
		if (!resource) {
			return error(400, 'invalid_scope', 1002012, `The provided value for scope ${form.scope ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`);
		}
		// The token is the authority's tenant's (a multi-tenant app acts there, not at home), and
		// its oid is the service principal's there.
		const tenantId = authority.tenant.id;
		exchange.note.tenantId = tenantId;
		const now = Math.floor(Date.now() / 1000);
		const lifetime = this.#options.tokenLifetimeSeconds;
		// Entra leaves `roles` out of a token whose app has no permission on the resource.
		const roles = resource === GRAPH_APP_ID ? app.graphRoles : app.roles;
		const token = this.#options.signer.sign({
			aud: resource,
			iss: `${this.#options.issuerBase()}/${tenantId}/v2.0`,
			iat: now,
			nbf: now,
			exp: now + lifetime,
			azp: app.clientId,
			azpacr: form.client_secret !== undefined ? '1' : '2',
			idtyp: 'app',
			oid: servicePrincipal,
			sub: servicePrincipal,
			...(roles.length > 0 ? {roles} : {}),
			tid: tenantId,
			uti: randomBytes(16).toString('base64url'),
			ver: '2.0',
		});
		return json(200, {token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token}, {'cache-control': 'no-store'});
	}

	/** Why a client assertion is refused (undefined: it is good): signature by the app's certificate, iss, sub, aud, exp. */
	#assertionProblem(app: EmulatorApp, assertion: string, audiences: string[]): string | undefined {
		const certPem = this.#appCertificates.get(app.clientId);
		if (!certPem) return 'no certificate is registered for the app';
		const [headerPart = '', payloadPart = '', signaturePart = ''] = assertion.split('.');
		let header: Record<string, unknown>;
		let payload: Record<string, unknown>;
		try {
			header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as Record<string, unknown>;
			payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as Record<string, unknown>;
		} catch {
			return 'the assertion is not a JWT';
		}
		const certificate = new X509Certificate(certPem);
		const thumbprint = createHash('sha256').update(certificate.raw).digest('base64url');
		if (header['x5t#S256'] !== thumbprint) return 'the x5t#S256 header does not name the registered certificate';
		const key = createPublicKey(certificate.publicKey.export({type: 'spki', format: 'pem'}));
		const data = Buffer.from(`${headerPart}.${payloadPart}`);
		const signature = Buffer.from(signaturePart, 'base64url');
		const good =
			header.alg === 'PS256'
				? verifySignature('sha256', data, {key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: 32}, signature)
				: header.alg === 'RS256' && verifySignature('sha256', data, key, signature);
		if (!good) return 'the signature does not verify with the registered certificate';
		if (payload.iss !== app.clientId || payload.sub !== app.clientId) return 'iss and sub must be the client ID';
		if (typeof payload.aud !== 'string' || !audiences.includes(payload.aud)) return `the audience must be the token endpoint (${audiences[0]})`;
		if (typeof payload.exp !== 'number' || payload.exp * 1000 < Date.now()) return 'the assertion expired';
		return undefined;
	}

	approve(userCode: string, username?: string): void {
		const code = this.#pendingCode(userCode);
		const name =
			username ?? (code.authority.kind === 'tenant' ? this.#directory.adminOf(code.authority.tenant.id)?.username : undefined) ?? DEFAULT_USERNAME;
		const account = this.#directory.findAccount(name);
		if (!account) {
			throw new IdentityError(`No account ${name}: use one of ${this.#directory.describeAccounts()}`);
		}
		code.account = account;
		code.state = 'approved';
		this.#clearTimer(code);
	}

	decline(userCode: string): void {
		const code = this.#pendingCode(userCode);
		code.state = 'declined';
		this.#clearTimer(code);
	}

	/** The next poll for this code fails with that AADSTS error. */
	failCode(userCode: string, aadsts: number): void {
		const code = this.#codes.get(normalizeUserCode(userCode));
		if (!code) throw new IdentityError(`No device code ${userCode}`);
		code.failWith = aadsts;
		this.#clearTimer(code);
	}

	pendingCodes(): string[] {
		const now = Date.now();
		return [...this.#codes.values()].filter(code => code.state === 'pending' && now < code.expiresAt).map(code => code.userCode);
	}

	/** Revokes refresh tokens (of one account, or all): the next refresh answers AADSTS700082. */
	revokeRefreshTokens(username?: string): number {
		let revoked = 0;
		for (const [token, grant] of this.#refreshTokens) {
			if (username === undefined || grant.account.username === username.toLowerCase()) {
				this.#refreshTokens.delete(token);
				revoked += 1;
			}
		}
		return revoked;
	}

	close(): void {
		for (const code of this.#codes.values()) this.#clearTimer(code);
	}

	#pendingCode(userCode: string): DeviceCode {
		const code = this.#codes.get(normalizeUserCode(userCode));
		if (!code) throw new IdentityError(`No device code ${userCode}`);
		if (Date.now() >= code.expiresAt) throw new IdentityError(`The code ${code.userCode} has expired`);
		if (code.state !== 'pending') throw new IdentityError(`The code ${code.userCode} is already ${code.state}`);
		return code;
	}

	#forget(code: DeviceCode): void {
		this.#clearTimer(code);
		this.#byDeviceCode.delete(code.deviceCode);
		this.#codes.delete(normalizeUserCode(code.userCode));
	}

	#clearTimer(code: DeviceCode): void {
		if (code.timer) clearTimeout(code.timer);
		code.timer = undefined;
	}

	#newUserCode(): string {
		for (;;) {
			const bytes = randomBytes(8);
			const letters = [...bytes].map(byte => USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length] ?? 'B').join('');
			const userCode = `${letters.slice(0, 4)}-${letters.slice(4)}`;
			if (!this.#codes.has(normalizeUserCode(userCode))) return userCode;
		}
	}
}

function normalizeUserCode(userCode: string): string {
	return userCode.replace(/[\s-]/g, '').toUpperCase();
}

/**
 * The resource app a scope names (an app ID), or undefined for OIDC scopes. A short scope is
 * Graph's (Entra reads `User.Read` so); so is one of graph.microsoft.com or of `graphOrigins`, the
 * emulator's own origins, which stand for Graph when a client's graph URL is the emulator.
 */
function resourceOf(scope: string, graphOrigins: readonly string[]): string | undefined {
	const slash = scope.lastIndexOf('/');
	if (slash < 0) return OIDC_SCOPES.has(scope.toLowerCase()) ? undefined : GRAPH_APP_ID;
	const resource = scope.slice(0, slash).toLowerCase().replace(/\/+$/, '');
	if (resource === LICENSING_APP_ID || resource === LICENSING_APP_URI) return LICENSING_APP_ID;
	if (resource === GRAPH_APP_ID || resource === GRAPH_RESOURCE || graphOrigins.includes(resource)) return GRAPH_APP_ID;
	return resource;
}

/**
 * The Graph scopes among `scopes` by their short names (a token's `scp`), the four the emulator
 * knows in their own spelling, and `.default` standing for those four (what admins consent to).
 */
function graphScopeNames(scopes: readonly string[], graphOrigins: readonly string[]): string[] {
	const names = new Set<string>();
	for (const scope of scopes) {
		if (resourceOf(scope, graphOrigins) !== GRAPH_APP_ID) continue;
		const name = scope.slice(scope.lastIndexOf('/') + 1);
		if (name.toLowerCase() === '.default') {
			for (const permission of GRAPH_PERMISSIONS) names.add(permission);
			continue;
		}
		names.add(GRAPH_PERMISSIONS.find(permission => permission.toLowerCase() === name.toLowerCase()) ?? name);
	}
	return [...names];
}

/** Display names of the clients Entra names in its messages. */
const CLIENT_NAMES: Record<string, string> = {
	[MSCOMMERCE_CLIENT_ID]: 'Microsoft Commerce Tools',
	[GRAPH_CLI_CLIENT_ID]: 'Microsoft Graph Command Line Tools',
};

/** A client's display name; any other client keeps the name the emulator always gave. */
function clientName(clientId: string): string {
	const id = clientId.toLowerCase();
	return (Object.hasOwn(CLIENT_NAMES, id) ? CLIENT_NAMES[id] : undefined) ?? 'Microsoft Commerce Tools';
}

function pairwiseSubject(oid: string, clientId: string): string {
	return createHash('sha256').update(`${oid}:${clientId.toLowerCase()}`).digest('base64url').slice(0, 43);
}

type Failure = {status: number; error: string; message: string; extra?: {suberror?: string; claims?: string}};

/** What Entra answers for the AADSTS codes people meet when signing in to an admin API. */
function failureFor(aadsts: number, account: EmulatorAccount | undefined, clientId: string, authority: AuthorityTenant): Failure {
	const who = account?.username ?? 'the user';
	const tenant = authority.kind === 'tenant' ? authority.tenant.displayName : 'the tenant';
	switch (aadsts) {
		case 50076:
		case 50079:
			return {
				status: 400,
				error: 'invalid_grant',
				message:
					aadsts === 50076
						? `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${LICENSING_APP_ID}'.`
						: 'Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access the resource.',
				extra: {suberror: 'basic_action', claims: JSON.stringify({access_token: {capolids: {essential: true, values: [randomUUID()]}}})},
			};
		case 53003:
			return {
				status: 400,
				error: 'invalid_grant',
				message: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
				extra: {suberror: 'message_only'},
			};
		case 65001:
			return {
				status: 400,
				error: 'invalid_grant',
				message: `The user or administrator has not consented to use the application with ID '${clientId}' named '${clientName(clientId)}'. Send an interactive authorization request for this user and resource.`,
				extra: {suberror: 'consent_required'},
			};
		case 50020:
			return {
				status: 400,
				error: 'invalid_grant',
				message: `User account '${who}' from identity provider 'https://sts.windows.net/${account?.tenantId ?? ''}/' does not exist in tenant '${tenant}' and cannot access the application '${clientId}' in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`,
			};
		default:
			return {status: 400, error: 'invalid_grant', message: `Sign-in failed for ${who} (an error injected by the emulator).`};
	}
}
