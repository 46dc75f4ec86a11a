/**
 * The MSCommerce licensing API, one method per module cmdlet (docs/service.md, Routes). Every
 * request carries a fresh x-ms-correlation-id; every answer is validated, so a malformed body
 * becomes a problem, never an undefined on screen. A 401 renews the token once and tries again.
 */
import {randomUUID} from 'node:crypto';
import type {Net} from '../net/http.js';
import {HttpError, MalformedResponseError, type RequestContext} from '../problems/errors.js';
import type {AnswerShape} from './answers.js';
import {POLICY_VALUES, type OfferTypePolicy, type Policy, type PolicyValue, type ProductPolicy, type Row} from './types.js';
import {trialWithoutPaymentMethodFor} from './values.js';
import {rowKey, type WriteTarget} from './changes.js';

const VALUES: ReadonlySet<unknown> = new Set(POLICY_VALUES);
type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown, nonEmpty = false) => typeof value === 'string' && (!nonEmpty || value !== '');
const optionalText = (value: unknown) => value === undefined || typeof value === 'string';

/** Checks one item in place, filling in the defaults its schema gives. */
type Check = (item: Loose) => boolean;

const policyOk: Check = item => {
	if (!(text(item.id) && optionalText(item.description) && VALUES.has(item.defaultValue))) return false;
	item.description ??= '';
	return true;
};
const productOk: Check = item => text(item.policyId) && VALUES.has(item.policyValue) && text(item.productName) && text(item.productId, true) && optionalText(item.scope);
const offerTypeOk: Check = item => {
	if (!(text(item.policyId) && VALUES.has(item.policyValue) && text(item.scopeId, true) && text(item.scopeValue) && optionalText(item.scope))) return false;
	item.scope ??= 'OfferType';
	return true;
};
const one = (check: Check) => (json: unknown) => isObject(json) && check(json);
// Every item is checked before any answer is used: one that fails goes to the schema whole.
const list = (check: Check) => (json: unknown) => isObject(json) && Array.isArray(json.items) && (json.items as unknown[]).every(item => isObject(item) && check(item));

/**
 * Every answer is checked in place by these, with the rules of its schema in answers.ts: 10,000
 * products are not copied (zod copies each loose object, which doubled the garbage of loading a
 * big tenant), and zod is not loaded at all unless an answer fails, when it says what is wrong.
 */
export const CHECKS: Readonly<Record<AnswerShape, (json: unknown) => boolean>> = {
	policy: one(policyOk),
	policies: list(policyOk),
	product: one(productOk),
	products: list(productOk),
	offerType: one(offerTypeOk),
	offerTypes: list(offerTypeOk),
};

/** Gets a bearer token; `renew` asks for a fresh one after a 401. */
export type TokenSource = (options?: {renew?: boolean}) => Promise<string>;

export type CommerceClientOptions = {
	baseUrl: string;
	net: Net;
	token: TokenSource;
	signal?: AbortSignal;
	/** Whether the signed-in account acts in a tenant it is not at home in (a partner through GDAP), for the 403 hint. */
	partner?: () => boolean;
};

/** A result with the correlation ID of the request that produced it. */
export type Traced<T> = {data: T; correlationId: string};

export class CommerceClient {
	constructor(private readonly options: CommerceClientOptions) {}

	/** The same client, its requests cancelled by `signal` instead (writes outlive a first Ctrl-C). */
	withSignal(signal: AbortSignal): CommerceClient {
		return new CommerceClient({...this.options, signal});
	}

	/** Get-MSCommercePolicies */
	async listPolicies(): Promise<Traced<Policy[]>> {
		const {data, correlationId} = await this.call<{items: Policy[]}>('GET', '/v1.0/policies', 'policies');
		return {data: data.items, correlationId};
	}

	/** Get-MSCommercePolicy -PolicyId P */
	async getPolicy(policyId: string): Promise<Traced<Policy>> {
		return this.call<Policy>('GET', `/v1.0/policies/${seg(policyId)}`, 'policy', {scope: 'policy', id: policyId});
	}

	/** Get-MSCommerceProductPolicies -PolicyId P */
	async listProducts(policyId: string): Promise<Traced<ProductPolicy[]>> {
		const {data, correlationId} = await this.call<{items: ProductPolicy[]}>(
			'GET',
			`/v1.0/policies/${seg(policyId)}/products?scope=product`,
			'products',
			{scope: 'policy', id: policyId},
		);
		return {data: data.items, correlationId};
	}

	/** Get-MSCommerceProductPolicies -PolicyId P -Scope OfferType */
	async listOfferTypes(policyId: string): Promise<Traced<OfferTypePolicy[]>> {
		const {data, correlationId} = await this.call<{items: OfferTypePolicy[]}>(
			'GET',
			`/v1.0/policies/${seg(policyId)}/products?scope=OfferType`,
			'offerTypes',
			{scope: 'policy', id: policyId},
		);
		return {data: data.items, correlationId};
	}

	/** Get-MSCommerceProductPolicy -ProductId X */
	async getProduct(policyId: string, productId: string): Promise<Traced<ProductPolicy>> {
		return this.call('GET', `/v1.0/policies/${seg(policyId)}/products/${seg(productId)}`, 'product', {scope: 'product', id: productId});
	}

	/** Update-MSCommerceProductPolicy -ProductId X -Value V */
	async setProduct(policyId: string, productId: string, value: PolicyValue): Promise<Traced<ProductPolicy>> {
		return this.call('PUT', `/v1.0/policies/${seg(policyId)}/products/${seg(productId)}`, 'product', {scope: 'product', id: productId}, {policyValue: value});
	}

	/** Get-MSCommerceProductPolicy -OfferType O */
	async getOfferType(policyId: string, offerTypeId: string): Promise<Traced<OfferTypePolicy>> {
		return this.call('GET', `/v1.0/policies/${seg(policyId)}/offerTypes/${seg(offerTypeId)}`, 'offerType', {scope: 'offerType', id: offerTypeId});
	}

	/** Update-MSCommerceProductPolicy -OfferType O -Value V */
	async setOfferType(policyId: string, offerTypeId: string, value: PolicyValue): Promise<Traced<OfferTypePolicy>> {
		return this.call('PUT', `/v1.0/policies/${seg(policyId)}/offerTypes/${seg(offerTypeId)}`, 'offerType', {scope: 'offerType', id: offerTypeId}, {policyValue: value});
	}

	/** One list (products or offer types) as rows. */
	async listRows(policyId: string, scope: Row['scope']): Promise<Row[]> {
		return scope === 'product'
			? (await this.listProducts(policyId)).data.map(productRow)
			: (await this.listOfferTypes(policyId)).data.map(offerTypeRow);
	}

	/** Writes a row's value; resolves with the row as the service now holds it. */
	async setRow(policyId: string, row: Pick<Row, 'scope' | 'id'>, value: PolicyValue): Promise<Traced<Row>> {
		if (row.scope === 'product') {
			const {data, correlationId} = await this.setProduct(policyId, row.id, value);
			return {data: productRow(data), correlationId};
		}
		const {data, correlationId} = await this.setOfferType(policyId, row.id, value);
		return {data: offerTypeRow(data), correlationId};
	}

	/** Reads one row. */
	async getRow(policyId: string, scope: Row['scope'], id: string): Promise<Traced<Row>> {
		if (scope === 'product') {
			const {data, correlationId} = await this.getProduct(policyId, id);
			return {data: productRow(data), correlationId};
		}
		const {data, correlationId} = await this.getOfferType(policyId, id);
		return {data: offerTypeRow(data), correlationId};
	}

	private async call<T>(method: 'GET' | 'PUT', path: string, shape: AnswerShape, resource?: RequestContext['resource'], body?: unknown): Promise<Traced<T>> {
		const correlationId = randomUUID();
		const url = `${this.options.baseUrl}${path}`;
		let token = await this.options.token();
		for (let renewed = false; ; renewed = true) {
			const response = await this.options.net.send({
				method,
				url,
				correlationId,
				resource,
				signal: this.options.signal,
				headers: {
					authorization: `Bearer ${token}`,
					accept: 'application/json',
					...(body === undefined ? {} : {'content-type': 'application/json'}),
				},
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const context = {...response.context, correlationId: response.headers['x-ms-correlation-id'] ?? correlationId, ...(this.options.partner?.() ? {partner: true} : {})};
			if (response.status === 401 && !renewed) {
				token = await this.options.token({renew: true});
				continue;
			}
			if (response.status < 200 || response.status >= 300) {
				throw new HttpError(response.status, response.body, response.headers, context, response.attempts);
			}
			let json: unknown;
			try {
				json = JSON.parse(response.body);
			} catch {
				throw new MalformedResponseError(context, `not JSON: ${JSON.stringify(response.body.slice(0, 60))}`);
			}
			if (CHECKS[shape](json)) return {data: json as T, correlationId: context.correlationId};
			const read = (await import('./answers.js')).readAnswer(shape, json);
			if ('problem' in read) throw new MalformedResponseError(context, read.problem);
			return {data: read.data as T, correlationId: context.correlationId};
		}
	}
}

/**
 * The write engine's target on the licensing service (source/commerce/changes.ts): one row is
 * re-read with its own GET, several with one list per scope they span.
 */
export function serviceTarget(client: CommerceClient, policyId: string): WriteTarget {
	return {
		async read(changes, signal) {
			const scoped = client.withSignal(signal);
			const rows = new Map<string, Row>();
			if (changes.length === 1) {
				const [{row}] = changes as [(typeof changes)[number]];
				try {
					const {data} = await scoped.getRow(policyId, row.scope, row.id);
					rows.set(rowKey(data), data);
				} catch (error) {
					if (!(error instanceof HttpError && error.status === 404)) throw error;
				}
				return rows;
			}
			const scopes = [...new Set(changes.map(change => change.row.scope))];
			const lists = await Promise.all(scopes.map(async scope => scoped.listRows(policyId, scope)));
			for (const row of lists.flat()) rows.set(rowKey(row), row);
			return rows;
		},
		async write(change, signal) {
			const {data, correlationId} = await client.withSignal(signal).setRow(policyId, change.row, change.to);
			return {row: data, correlationId};
		},
	};
}

export function productRow(item: ProductPolicy): Row {
	return {
		scope: 'product',
		id: item.productId,
		name: item.productName,
		value: item.policyValue,
		trialWithoutPaymentMethod: trialWithoutPaymentMethodFor('product', item.productId, item.policyValue),
	};
}

export function offerTypeRow(item: OfferTypePolicy): Row {
	return {scope: 'offerType', id: item.scopeId, name: item.scopeValue, value: item.policyValue, trialWithoutPaymentMethod: false};
}

function seg(text: string): string {
	return encodeURIComponent(text);
}
