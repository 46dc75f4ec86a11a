/**
 * The MSCommerce licensing API, one method per module cmdlet (docs/service.md, Routes). Every
 * request carries a fresh x-ms-correlation-id; every answer is validated, so a malformed body
 * becomes a problem, never an undefined on screen. A 401 renews the token once and tries again.
 */
import {randomUUID} from 'node:crypto';
// zod/mini: the same validation at a third of the import cost, which start-up feels.
import {_default, array as zArray, enum as zEnum, looseObject, minLength, object as zObject, optional as zOptional, string as zString, type infer as Infer, type ZodMiniType} from 'zod/mini';
import type {Net} from '../net/http.js';
import {HttpError, MalformedResponseError, type RequestContext} from '../problems/errors.js';
import {POLICY_VALUES, type OfferTypePolicy, type Policy, type PolicyValue, type ProductPolicy, type Row} from './types.js';
import {trialWithoutPaymentMethodFor} from './values.js';
import {rowKey, type WriteTarget} from './changes.js';

const policyValue = zEnum(POLICY_VALUES);
const policySchema = looseObject({id: zString(), description: _default(zString(), ''), defaultValue: policyValue});
const productSchema = looseObject({
	policyId: zString(),
	policyValue,
	productName: zString(),
	productId: zString().check(minLength(1)),
	scope: zOptional(zString()),
});
const offerTypeSchema = looseObject({
	policyId: zString(),
	policyValue,
	scope: _default(zString(), 'OfferType'),
	scopeId: zString().check(minLength(1)),
	scopeValue: zString(),
});
// Loose objects: fields the service adds later pass through to --json output untouched.
const list = <T extends ZodMiniType>(item: T) => zObject({items: zArray(item)});

const VALUES: ReadonlySet<unknown> = new Set(POLICY_VALUES);
type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown, nonEmpty = false) => typeof value === 'string' && (!nonEmpty || value !== '');

/**
 * The product and offer-type lists checked in place: the same rules as their schemas, without
 * zod copying every one of 10,000 objects (which doubled the garbage of loading a big tenant and
 * cost a tenth of the dashboard's start-up). An answer this rejects goes through the schema, which
 * says what is wrong in its words; one it accepts is the schema's result, defaults filled in.
 */
const QUICK_ITEMS = new Map<ZodMiniType, (item: Loose) => boolean>([
	[productSchema, item => text(item.policyId) && VALUES.has(item.policyValue) && text(item.productName) && text(item.productId, true) && (item.scope === undefined || text(item.scope))],
	[
		offerTypeSchema,
		item => {
			if (!(text(item.policyId) && VALUES.has(item.policyValue) && text(item.scopeId, true) && text(item.scopeValue) && (item.scope === undefined || text(item.scope)))) return false;
			item.scope ??= 'OfferType';
			return true;
		},
	],
]);
const quickLists = new WeakMap<ZodMiniType, (item: Loose) => boolean>();

function listOf<T extends ZodMiniType>(item: T) {
	const schema = list(item);
	const quick = QUICK_ITEMS.get(item);
	if (quick) quickLists.set(schema, quick);
	return schema;
}

/** The list answer as its schema would give it, when every item passes the quick check; else undefined. */
function quickList(schema: ZodMiniType, json: unknown): unknown {
	const quick = quickLists.get(schema);
	if (!quick || !isObject(json) || !Array.isArray(json.items)) return undefined;
	// Every item first: an item that fails leaves the answer to the schema untouched but for defaults, which it would set too.
	for (const item of json.items as unknown[]) if (!isObject(item) || !quick(item)) return undefined;
	return {items: json.items};
}

const PRODUCT_LIST = listOf(productSchema);
const OFFER_TYPE_LIST = listOf(offerTypeSchema);

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
		const {data, correlationId} = await this.call('GET', '/v1.0/policies', list(policySchema));
		return {data: data.items, correlationId};
	}

	/** Get-MSCommercePolicy -PolicyId P */
	async getPolicy(policyId: string): Promise<Traced<Policy>> {
		return this.call('GET', `/v1.0/policies/${seg(policyId)}`, policySchema, {scope: 'policy', id: policyId});
	}

	/** Get-MSCommerceProductPolicies -PolicyId P */
	async listProducts(policyId: string): Promise<Traced<ProductPolicy[]>> {
		const {data, correlationId} = await this.call(
			'GET',
			`/v1.0/policies/${seg(policyId)}/products?scope=product`,
			PRODUCT_LIST,
			{scope: 'policy', id: policyId},
		);
		return {data: data.items, correlationId};
	}

	/** Get-MSCommerceProductPolicies -PolicyId P -Scope OfferType */
	async listOfferTypes(policyId: string): Promise<Traced<OfferTypePolicy[]>> {
		const {data, correlationId} = await this.call(
			'GET',
			`/v1.0/policies/${seg(policyId)}/products?scope=OfferType`,
			OFFER_TYPE_LIST,
			{scope: 'policy', id: policyId},
		);
		return {data: data.items, correlationId};
	}

	/** Get-MSCommerceProductPolicy -ProductId X */
	async getProduct(policyId: string, productId: string): Promise<Traced<ProductPolicy>> {
		return this.call('GET', `/v1.0/policies/${seg(policyId)}/products/${seg(productId)}`, productSchema, {scope: 'product', id: productId});
	}

	/** Update-MSCommerceProductPolicy -ProductId X -Value V */
	async setProduct(policyId: string, productId: string, value: PolicyValue): Promise<Traced<ProductPolicy>> {
		return this.call('PUT', `/v1.0/policies/${seg(policyId)}/products/${seg(productId)}`, productSchema, {scope: 'product', id: productId}, {policyValue: value});
	}

	/** Get-MSCommerceProductPolicy -OfferType O */
	async getOfferType(policyId: string, offerTypeId: string): Promise<Traced<OfferTypePolicy>> {
		return this.call('GET', `/v1.0/policies/${seg(policyId)}/offerTypes/${seg(offerTypeId)}`, offerTypeSchema, {scope: 'offerType', id: offerTypeId});
	}

	/** Update-MSCommerceProductPolicy -OfferType O -Value V */
	async setOfferType(policyId: string, offerTypeId: string, value: PolicyValue): Promise<Traced<OfferTypePolicy>> {
		return this.call('PUT', `/v1.0/policies/${seg(policyId)}/offerTypes/${seg(offerTypeId)}`, offerTypeSchema, {scope: 'offerType', id: offerTypeId}, {policyValue: value});
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

	private async call<T extends ZodMiniType>(
		method: 'GET' | 'PUT',
		path: string,
		schema: T,
		resource?: RequestContext['resource'],
		body?: unknown,
	): Promise<Traced<Infer<T>>> {
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
			const quick = quickList(schema, json);
			if (quick !== undefined) return {data: quick as Infer<T>, correlationId: context.correlationId};
			const parsed = schema.safeParse(json);
			if (!parsed.success) {
				const issue = parsed.error.issues[0];
				throw new MalformedResponseError(context, issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unexpected shape');
			}
			return {data: parsed.data, correlationId: context.correlationId};
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
