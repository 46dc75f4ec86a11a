/**
 * The emulator's own routes, never faulted and never logged: `/_emulator/*` for out-of-process
 * tests (the built binary in tmux) and `/devicelogin`, the page a person approves a code on.
 */
import type {OfferTypePolicy, PolicyValue, ProductPolicy} from '../commerce/types.js';
import {isPolicyValue} from '../commerce/values.js';
import {DEFAULT_USERNAME, type EmulatorAccount} from './directory.js';
import {escapeHtml, formOrJson, html, json, type Exchange, type Reply} from './http.js';
import {SWITCH_NAMES, type Switches} from './state.js';

/** Whether Graph's beta serves /admin/appsAndServices (docs/graph.md). */
export type BetaAvailability = 'available' | 'unavailable';

/** A tenant's four switches, and (service-wide) whether the beta resource is there. */
export type SwitchesState = Switches & {beta: BetaAvailability};

export type RequestLogEntry = {
	/** When the request arrived (ISO 8601). */
	time: string;
	method: string;
	/** Path with query. */
	path: string;
	/** 0 when the connection was dropped without an answer. */
	status: number;
	correlationId?: string;
	tenantId?: string;
	username?: string;
	/** Which injected fault hit this request, if any (e.g. `429`, `latency=120ms,500`). */
	fault?: string;
	durationMs: number;
};

/** What the control routes may do: a subset of the Emulator object. */
export type ControlApi = {
	approve(userCode: string, username?: string): void;
	decline(userCode: string): void;
	failCode(userCode: string, aadsts: number): void;
	pendingCodes(): string[];
	requests: RequestLogEntry[];
	setFaults(spec: string): void;
	/** The fault plan in force, as a spec (`none` when there is none). */
	faults(): string;
	tenantState(tenantId: string): {products: ProductPolicy[]; offerTypes: OfferTypePolicy[]; switches: Switches};
	/** Microsoft adds a product: to one tenant, or to every tenant when tenantId is undefined. */
	addProduct(
		tenantId: string | undefined,
		p: {productId: string; productName: string; trialWithoutPaymentMethod?: boolean; policyValue?: PolicyValue},
	): void;
	/** Another admin changes a row (in the admin center, or another copy of this program): no request is logged. */
	setValue(tenantId: string | undefined, scope: 'product' | 'offerType', id: string, value: PolicyValue): void;
	/** From now on, names, descriptions, device-code messages and error descriptions carry hostile text (hostile.ts). */
	makeHostile(): void;
	/**
	 * A ready access token: for the licensing service, or for Graph when `scopes` name it (e.g.
	 * `https://graph.microsoft.com/.default`: every Graph scope the emulator knows, consent or not).
	 * `tenant`: another tenant, where the account's GDAP relationship gives its roles.
	 */
	issueToken(username: string, opts?: {expiresInSeconds?: number; scopes?: string[]; tenant?: string}): string;
	/** Revokes refresh tokens (of one account, or everyone's): the next refresh answers invalid_grant AADSTS700082. */
	revokeRefreshTokens(username?: string): number;
	/**
	 * Sets an account's GDAP relationship with another tenant (by ID or domain): roles by name or
	 * template ID, `[]` a relationship without a role (tokens without `wids`, so the licensing
	 * routes answer 403), `null` none at all (a refresh at that tenant answers AADSTS50020).
	 */
	setGdap(username: string, tenant: string, roles: readonly string[] | null): {username: string; tenantId: string; roles: string[] | null};
	/** A tenant's switches (Contoso's when tenantId is undefined or empty) and the beta's availability. */
	switches(tenantId?: string): SwitchesState;
	/**
	 * Another admin changes switches (in the admin center, or with another tool): the ones given,
	 * in one tenant (Contoso's by default); `beta` is service-wide. Returns the tenant's switches.
	 */
	setSwitches(values: Partial<Switches> & {beta?: BetaAvailability}, tenantId?: string): SwitchesState;
	/** An admin grants (true) or revokes (false) consent to the Graph scopes in a tenant (by ID or domain). */
	setGraphConsent(tenant: string, granted: boolean): {tenantId: string; granted: boolean};
	/** Every account: the fixed ones, then each synthetic tenant's admin. */
	accounts: EmulatorAccount[];
	info(): Record<string, unknown>;
};

function failure(status: number, error: unknown): Reply {
	return json(status, {error: error instanceof Error ? error.message : String(error)});
}

/** `/_emulator/...` (segments after `_emulator`). */
export function handleControl(exchange: Exchange, segments: string[], api: ControlApi): Reply {
	const route = segments.join('/');
	const method = exchange.method;
	const fields = (): Record<string, string> => formOrJson(exchange.contentType, exchange.body);
	const attempt = (status: number, action: () => unknown): Reply => {
		try {
			const value = action();
			return json(status, value ?? {ok: true});
		} catch (error) {
			return failure(error instanceof Error && /^No |already|expired/.test(error.message) ? 404 : 400, error);
		}
	};
	switch (`${method} ${route}`) {
		case 'GET ':
		case 'GET info':
			return json(200, api.info());
		case 'POST approve':
			return attempt(200, () => {
				const {user_code: userCode, username} = fields();
				if (!userCode) throw new Error('user_code is required');
				api.approve(userCode, username || undefined);
			});
		case 'POST decline':
			return attempt(200, () => {
				const {user_code: userCode} = fields();
				if (!userCode) throw new Error('user_code is required');
				api.decline(userCode);
			});
		case 'POST fail':
			return attempt(200, () => {
				const {user_code: userCode, aadsts} = fields();
				if (!userCode || !aadsts || !/^\d+$/.test(aadsts)) throw new Error('user_code and a numeric aadsts are required');
				api.failCode(userCode, Number(aadsts));
			});
		case 'POST revoke':
			return attempt(200, () => ({revoked: api.revokeRefreshTokens(fields().username || undefined)}));
		case 'GET pending':
			return json(200, {codes: api.pendingCodes()});
		case 'GET requests':
			return json(200, {requests: api.requests});
		case 'DELETE requests':
			api.requests.length = 0;
			return json(200, {ok: true});
		case 'GET state':
			return attempt(200, () => api.tenantState(exchange.url.searchParams.get('tenant') ?? ''));
		case 'GET faults':
			return json(200, {faults: api.faults()});
		case 'POST faults':
			return attempt(200, () => {
				api.setFaults(exchange.body);
				return {faults: api.faults()};
			});
		case 'POST products':
			return attempt(201, () => {
				let body: unknown;
				try {
					body = JSON.parse(exchange.body);
				} catch {
					throw new Error('The body must be JSON: {"productId", "productName", "trialWithoutPaymentMethod"?, "policyValue"?, "tenantId"?}');
				}
				const p = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
				if (typeof p.productId !== 'string' || typeof p.productName !== 'string') throw new Error('productId and productName are required strings');
				if (p.policyValue !== undefined && !isPolicyValue(p.policyValue)) throw new Error(`policyValue must be one of Enabled, Disabled, OnlyTrialsWithoutPaymentMethod`);
				api.addProduct(typeof p.tenantId === 'string' ? p.tenantId : undefined, {
					productId: p.productId,
					productName: p.productName,
					trialWithoutPaymentMethod: p.trialWithoutPaymentMethod === true,
					policyValue: p.policyValue,
				});
			});
		case 'POST set':
			return attempt(200, () => {
				const {tenantId, scope = 'product', id, policyValue} = fields();
				if (!id) throw new Error('id is required (a product or offer type ID)');
				if (scope !== 'product' && scope !== 'offerType') throw new Error('scope must be product or offerType');
				if (!isPolicyValue(policyValue)) throw new Error('policyValue must be one of Enabled, Disabled, OnlyTrialsWithoutPaymentMethod');
				api.setValue(tenantId || undefined, scope, id, policyValue);
			});
		case 'POST gdap':
			return attempt(200, () => {
				const body = jsonObject(
					exchange.body,
					'The body must be JSON: {"username": "...", "tenant": "<ID or domain>", "roles": ["Billing Administrator"] or [] or null}',
				);
				const {username, tenant, roles} = body;
				if (typeof username !== 'string' || !username) throw new Error('username is required (an account, e.g. partner@northwindpartners.onmicrosoft.com)');
				if (typeof tenant !== 'string' || !tenant) throw new Error('tenant is required (a tenant ID or domain)');
				// Present and null ends the relationship; missing is a mistake, not a request to end it.
				if (!('roles' in body)) throw new Error('roles is required: a list of role names or IDs, [] for a relationship without a role, or null for none');
				if (roles !== null && !(Array.isArray(roles) && roles.every(role => typeof role === 'string'))) {
					throw new Error('roles must be a list of role names or IDs (strings), [] or null');
				}
				return api.setGdap(username, tenant, roles);
			});
		case 'GET switches':
			return attempt(200, () => api.switches(exchange.url.searchParams.get('tenant') ?? undefined));
		case 'POST switches':
			return attempt(200, () => {
				const body = jsonObject(exchange.body, SWITCHES_USAGE);
				const {tenantId, beta, ...values} = body;
				if (tenantId !== undefined && typeof tenantId !== 'string') throw new Error('tenantId must be a tenant ID or domain');
				const unknown = Object.keys(values).filter(name => !(SWITCH_NAMES as readonly string[]).includes(name));
				if (unknown.length > 0) throw new Error(`Unknown switch ${unknown.map(name => JSON.stringify(name.slice(0, 80))).join(', ')}: ${SWITCHES_USAGE}`);
				const changes: Partial<Switches> = {};
				for (const name of SWITCH_NAMES) {
					const value = values[name];
					if (value === undefined) continue;
					if (typeof value !== 'boolean') throw new Error(`${name} must be true or false`);
					changes[name] = value;
				}
				if (beta !== undefined && beta !== 'available' && beta !== 'unavailable') throw new Error('beta must be "available" or "unavailable"');
				return api.setSwitches({...changes, ...(beta === undefined ? {} : {beta})}, tenantId || undefined);
			});
		case 'POST consent':
			return attempt(200, () => {
				const {tenant, granted} = jsonObject(exchange.body, 'The body must be JSON: {"tenant": "<ID or domain>", "granted": true or false}');
				if (typeof tenant !== 'string' || !tenant) throw new Error('tenant is required (a tenant ID or domain)');
				if (typeof granted !== 'boolean') throw new Error('granted must be true or false');
				return api.setGraphConsent(tenant, granted);
			});
		case 'POST hostile':
			return attempt(200, () => api.makeHostile());
		case 'POST token':
			return attempt(200, () => {
				const {username, expires_in: expiresIn, scope, tenant} = fields();
				const seconds = expiresIn === undefined ? undefined : Number(expiresIn);
				if (seconds !== undefined && !Number.isFinite(seconds)) throw new Error('expires_in must be a number of seconds');
				const scopes = scope?.split(/\s+/).filter(Boolean);
				return {access_token: api.issueToken(username || DEFAULT_USERNAME, {expiresInSeconds: seconds, scopes: scopes?.length ? scopes : undefined, tenant: tenant || undefined})};
			});
		default:
			return failure(404, `No control route ${method} /_emulator/${route}`);
	}
}

const SWITCHES_USAGE =
	'The body must be JSON: {"tenantId"?: "<ID or domain>", "allowedToSignUpEmailBasedSubscriptions"?: bool, "allowEmailVerifiedUsersToJoinOrganization"?: bool, "isAppAndServicesTrialEnabled"?: bool, "isOfficeStoreEnabled"?: bool, "beta"?: "available" or "unavailable"}';

/** A JSON object body, or an Error with `usage` (the control routes answer it 400). */
function jsonObject(body: string, usage: string): Record<string, unknown> {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body);
	} catch {
		throw new Error(usage);
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(usage);
	return parsed as Record<string, unknown>;
}

const PAGE_STYLE = 'body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;line-height:1.5}input,select,button{font:inherit;margin:.2rem 0}';

function page(title: string, content: string): string {
	return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head><body>${content}</body></html>\n`;
}

/** `GET /devicelogin`: the verification page; `POST /devicelogin` (user_code, username, action=approve|decline). */
export function handleDeviceLogin(exchange: Exchange, api: ControlApi): Reply {
	if (exchange.method === 'GET') {
		const options = api.accounts.map(
			account =>
				`<option value="${escapeHtml(account.username)}">${escapeHtml(account.username)} (${escapeHtml(account.roleNames.join(', ') || 'no admin role')})</option>`,
		).join('');
		const code = escapeHtml(exchange.url.searchParams.get('user_code') ?? '');
		return html(
			200,
			page(
				'Enter code',
				`<h1>mscommerce emulator: enter code</h1><p>Enter the code shown by the application to sign in as one of the emulator's accounts.</p>` +
					`<form method="post" action="/devicelogin"><label>Code<br><input name="user_code" value="${code}" autocomplete="off" required></label><br>` +
					`<label>Account<br><select name="username">${options}</select></label><br>` +
					`<button name="action" value="approve">Sign in</button> <button name="action" value="decline">Decline</button></form>`,
			),
		);
	}
	if (exchange.method !== 'POST') return html(405, page('Not allowed', '<p>Use GET or POST.</p>'), {allow: 'GET, POST'});
	const {user_code: userCode = '', username, action = 'approve'} = formOrJson(exchange.contentType, exchange.body);
	// A browser gets a page; curl (Accept: */*) gets one line of text.
	const browser = (exchange.headers.accept ?? '').includes('text/html');
	const answer = (status: number, title: string, text: string): Reply =>
		browser
			? html(status, page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`))
			: {status, headers: {'content-type': 'text/plain; charset=utf-8'}, body: `${text}\n`};
	try {
		if (action === 'decline') {
			api.decline(userCode);
			return answer(200, 'Declined', `The sign-in request ${userCode} was declined.`);
		}
		api.approve(userCode, username || undefined);
		return answer(200, 'You have signed in', `${username || 'The tenant admin'} signed in with code ${userCode}. You can return to the application.`);
	} catch (error) {
		return answer(400, 'That code was not accepted', error instanceof Error ? error.message : String(error));
	}
}
