/**
 * The licensing side: the MSCommerce routes of docs/service.md, Routes, per tenant (the token's `tid`),
 * behind bearer tokens the emulator issued.
 */
import {POLICY_VALUES, type PolicyValue} from '../commerce/types.js';
import {APP_ROLE, READ_ROLES, WRITE_ROLES} from './directory.js';
import {json, serviceError, type Exchange, type Reply} from './http.js';
import {LICENSING_APP_ID} from './identity.js';
import {findPolicy, offerTypeItem, productItem, POLICIES, type PolicyStore} from './state.js';
import type {TokenSigner} from './tokens.js';
import {HOSTILE} from './hostile.js';

export type LicensingDeps = {store: PolicyStore; signer: TokenSigner};

/** A 401 as resource servers behind Entra answer it: no body, the reason in WWW-Authenticate. */
export function unauthorized(exchange: Exchange, description: string): Reply {
	return {
		status: 401,
		headers: {
			'www-authenticate': `Bearer authorization_uri="${exchange.baseUrl}/organizations/oauth2/v2.0/authorize", error="invalid_token", error_description="${description}"`,
		},
	};
}

/** Handles `/v1.0/...` (segments after `v1.0`). */
export function handleLicensing(exchange: Exchange, segments: string[], authorization: string | undefined, deps: LicensingDeps): Reply {
	const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
	if (!bearer?.[1]) return unauthorized(exchange, 'The access token is missing');
	const check = deps.signer.verify(bearer[1], LICENSING_APP_ID);
	if (!check.ok) {
		const reasons = {
			malformed: 'The access token is malformed',
			signature: 'The access token signature is invalid',
			expired: 'The access token expired',
			'not yet valid': 'The access token is not yet valid',
			audience: `The access token audience is invalid: expected ${LICENSING_APP_ID}`,
		} as const;
		return unauthorized(exchange, reasons[check.reason]);
	}
	const claims = check.claims;
	const tenantId = typeof claims.tid === 'string' ? claims.tid : '';
	const username = typeof claims.upn === 'string' ? claims.upn : undefined;
	exchange.note.tenantId = tenantId;
	if (username) exchange.note.username = username;
	// A user's token carries directory roles (`wids`); an app's, application permissions (`roles`).
	const listed = (claim: unknown) => (Array.isArray(claim) ? claim.filter((r): r is string => typeof r === 'string') : []);
	const app = claims.idtyp === 'app';
	const roles = listed(app ? claims.roles : claims.wids);
	const canRead = app ? roles.includes(APP_ROLE.read) || roles.includes(APP_ROLE.readWrite) : roles.some(role => READ_ROLES.includes(role));
	const canWrite = app ? roles.includes(APP_ROLE.readWrite) : roles.some(role => WRITE_ROLES.includes(role));
	const caller = username ?? (app ? `The app ${String(claims.azp ?? claims.appid ?? '')}` : 'The caller');
	if (!canRead) {
		return serviceError(
			403,
			'Forbidden',
			`${caller} is not allowed to read self-service purchase policies: ${app ? `the ${APP_ROLE.read} permission` : 'a Global Administrator, Billing Administrator or Global Reader role'} is required.`,
		);
	}
	const method = exchange.method;
	if (method === 'PUT' && !canWrite) {
		return serviceError(
			403,
			'Forbidden',
			`${caller} is not allowed to change self-service purchase policies: ${app ? `the ${APP_ROLE.readWrite} permission` : 'a Global Administrator or Billing Administrator role'} is required.`,
		);
	}

	let parts: string[];
	try {
		parts = segments.map(segment => decodeURIComponent(segment));
	} catch {
		return serviceError(400, 'BadRequest', 'The request path is not valid.');
	}
	const [root, policyId, collection, itemId, ...extra] = parts;
	const notFound = (): Reply => serviceError(404, 'NotFound', `No route matches ${method} ${exchange.url.pathname}.`);
	if (root?.toLowerCase() !== 'policies' || extra.length > 0) return notFound();
	const onlyGet = (answer: () => Reply): Reply =>
		method === 'GET' ? answer() : {...serviceError(405, 'MethodNotAllowed', `${method} is not allowed here.`), headers: {allow: 'GET'}};

	const shown = (policy: (typeof POLICIES)[number]) => (deps.store.hostile ? {...policy, description: HOSTILE.policyDescription} : policy);
	if (policyId === undefined) return onlyGet(() => json(200, {items: POLICIES.map(shown)}));
	const policy = findPolicy(policyId);
	if (!policy) return serviceError(404, 'PolicyNotFound', `Policy '${policyId}' was not found.`);
	if (collection === undefined) return onlyGet(() => json(200, shown(policy)));

	const tenant = deps.store.tenant(tenantId);
	const kind = collection.toLowerCase();
	if (kind === 'products' && itemId === undefined) {
		return onlyGet(() => {
			const scope = (exchange.url.searchParams.get('scope') ?? 'product').toLowerCase();
			const list = (body: string): Reply => ({status: 200, headers: {'content-type': 'application/json; charset=utf-8'}, body});
			if (scope === 'product') return list(tenant.listBody(policy.id, 'product'));
			if (scope === 'offertype') return list(tenant.listBody(policy.id, 'offerType'));
			return serviceError(400, 'InvalidScope', `Scope '${exchange.url.searchParams.get('scope') ?? ''}' is not valid: use product or OfferType.`);
		});
	}
	if (itemId === undefined || (kind !== 'products' && kind !== 'offertypes')) return notFound();
	if (method !== 'GET' && method !== 'PUT') {
		return {...serviceError(405, 'MethodNotAllowed', `${method} is not allowed here.`), headers: {allow: 'GET, PUT'}};
	}

	if (kind === 'products') {
		const product = tenant.product(itemId);
		if (!product) return serviceError(404, 'Unknown', `GetProductDetailsByProductIdAsync failed${JSON.stringify({errorCode: 'ProductNotFound', message: `Product ${itemId} was not found`, source: 'DCatFD'})}`);
		if (method === 'PUT') {
			const value = requestedValue(exchange);
			if (typeof value !== 'string') return value;
			if (value === 'OnlyTrialsWithoutPaymentMethod' && !product.trialWithoutPaymentMethod) {
				return serviceError(
					400,
					'PolicyValueNotSupported',
					`OnlyTrialsWithoutPaymentMethod is not supported for ${product.productName} (${product.productId}): the product has no trial without a payment method. Use Enabled or Disabled.${deps.store.hostile ? HOSTILE.suffix : ''}`,
				);
			}
			tenant.setProductValue(product, value);
		}
		return json(200, productItem(policy.id, product));
	}

	const offerType = tenant.offerType(itemId);
	if (!offerType) return serviceError(404, 'OfferTypeNotFound', `Offer type '${itemId}' was not found for policy '${policy.id}'.`);
	if (method === 'PUT') {
		const value = requestedValue(exchange);
		if (typeof value !== 'string') return value;
		if (value === 'OnlyTrialsWithoutPaymentMethod') {
			return serviceError(
				400,
				'PolicyValueNotSupported',
				`OnlyTrialsWithoutPaymentMethod is not supported for offer types (${offerType.scopeId}). Use Enabled or Disabled.`,
			);
		}
		tenant.setOfferTypeValue(offerType, value);
	}
	return json(200, offerTypeItem(policy.id, offerType));
}

/** The `policyValue` of a PUT body, or the 4xx that refuses it. */
function requestedValue(exchange: Exchange): PolicyValue | Reply {
	if (!(exchange.contentType ?? '').toLowerCase().startsWith('application/json')) {
		return serviceError(415, 'UnsupportedMediaType', 'The request body must be JSON (Content-Type: application/json).');
	}
	let body: unknown;
	try {
		body = JSON.parse(exchange.body);
	} catch {
		return serviceError(400, 'InvalidRequestBody', 'The request body is not valid JSON.');
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body) || !('policyValue' in body)) {
		return serviceError(400, 'InvalidRequestBody', 'The request body must be an object with a policyValue.');
	}
	const given = (body as {policyValue: unknown}).policyValue;
	const value = typeof given === 'string' ? POLICY_VALUES.find(v => v.toLowerCase() === given.toLowerCase()) : undefined;
	if (!value) {
		return serviceError(
			400,
			'InvalidPolicyValue',
			`'${String(given)}' is not a valid policy value. Valid values: ${POLICY_VALUES.join(', ')}.`,
		);
	}
	return value;
}
