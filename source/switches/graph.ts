/**
 * The Microsoft Graph client for the tenant-wide switches (docs/switches.md): GET an object, PATCH
 * one property of it. Like the licensing client (source/commerce/client.ts), every answer is
 * checked in place, so a malformed body becomes a problem, never an undefined on screen; every
 * request carries a fresh client-request-id; a 401 renews the token once and tries again. All HTTP
 * goes through the one Net.
 */
import {randomUUID} from 'node:crypto';
import type {HttpMethod, Net} from '../net/http.js';
import {BetaUnavailableError, HttpError, MalformedResponseError, type RequestContext} from '../problems/errors.js';
import {switchValueOf, switchEnabled, type SwitchValue} from '../commerce/values.js';
import {GRAPH_OBJECTS, graphRequest, switchesOf, type GraphObjectId, type SwitchDefinition, type SwitchName} from './definitions.js';

/** A Graph token: for reading, or for changing one object (its write permission added). `renew` after a 401. */
export type GraphTokenSource = (options: {write?: GraphObjectId; renew?: boolean}) => Promise<string>;

export type GraphClientOptions = {
	/** --graph-url, without a trailing slash. */
	baseUrl: string;
	net: Net;
	token: GraphTokenSource;
	signal?: AbortSignal;
};

/** The switches of one object as Graph holds them now, and the request that read them. */
export type ObjectRead = {values: Partial<Record<SwitchName, SwitchValue>>; correlationId: string};


type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at a property path, or undefined. */
function at(json: unknown, path: readonly string[]): unknown {
	let value: unknown = json;
	for (const key of path) {
		if (!isObject(value) || !Object.hasOwn(value, key)) return undefined;
		value = value[key];
	}
	return value;
}

/** The first key of an object's switches (`settings`, or the property itself): present at the top of a bare answer. */
function definition0(object: GraphObjectId): string {
	return switchesOf(object)[0]!.property[0]!;
}

/** `{settings: {isAppAndServicesTrialEnabled: false}}`: only the one property, as Graph's PATCH takes it. */
export function patchBody(definition: SwitchDefinition, value: SwitchValue): Loose {
	const body: Loose = {};
	let level = body;
	definition.property.forEach((key, index) => {
		if (index === definition.property.length - 1) level[key] = switchEnabled(value);
		else level = level[key] = {};
	});
	return body;
}

export class GraphClient {
	constructor(private readonly options: GraphClientOptions) {}

	/** The same client, its requests cancelled by `signal` instead (writes outlive a first Ctrl-C). */
	withSignal(signal: AbortSignal): GraphClient {
		return new GraphClient({...this.options, signal});
	}

	/** GET an object: the value of each switch it holds (each must be a boolean, or the answer is malformed). */
	async read(object: GraphObjectId): Promise<ObjectRead> {
		const {body, context} = await this.call('GET', object);
		let json: unknown;
		try {
			json = JSON.parse(body);
		} catch {
			throw new MalformedResponseError(context, `not JSON: ${JSON.stringify(body.slice(0, 60))}`);
		}
		const values: ObjectRead['values'] = {};
		// Microsoft's example for adminAppsAndServices wraps the object in {"value": {…}}; a singleton
		// is answered bare everywhere else in Graph. Either is read.
		const root = isObject(json) && !Object.hasOwn(json, definition0(object)) && isObject(json.value) ? json.value : json;
		for (const definition of switchesOf(object)) {
			const value = at(root, definition.property);
			if (typeof value !== 'boolean') {
				throw new MalformedResponseError(context, `${definition.property.join('.')} is ${value === undefined ? 'missing' : `not true or false (${JSON.stringify(value).slice(0, 40)})`}`);
			}
			values[definition.name] = switchValueOf(value);
		}
		return {values, correlationId: context.correlationId ?? ''};
	}

	/** PATCH one switch's property (Graph answers 204, no body): the caller reads the object again to know what it holds. */
	async write(definition: SwitchDefinition, value: SwitchValue): Promise<{correlationId: string}> {
		const {context} = await this.call('PATCH', definition.object, patchBody(definition, value));
		return {correlationId: context.correlationId ?? ''};
	}

	private async call(method: HttpMethod, object: GraphObjectId, body?: unknown): Promise<{body: string; context: RequestContext}> {
		const it = GRAPH_OBJECTS[object];
		const write = body !== undefined;
		const clientRequestId = randomUUID();
		const url = `${this.options.baseUrl}${it.path}`;
		let token = await this.options.token(write ? {write: object} : {});
		for (let renewed = false; ; renewed = true) {
			const response = await this.options.net.send({
				method,
				url,
				correlationId: clientRequestId,
				signal: this.options.signal,
				headers: {
					authorization: `Bearer ${token}`,
					accept: 'application/json',
					'client-request-id': clientRequestId,
					...(write ? {'content-type': 'application/json'} : {}),
				},
				body: write ? JSON.stringify(body) : undefined,
			});
			// Graph names its request with request-id: what Microsoft support asks for.
			const context = {...response.context, correlationId: response.headers['request-id'] ?? clientRequestId, graph: graphRequest(object, write)};
			if (response.status === 401 && !renewed) {
				token = await this.options.token({...(write ? {write: object} : {}), renew: true});
				continue;
			}
			// A beta object this tenant or cloud does not offer: its switches are unknown, the others still work.
			if (it.beta && (response.status === 404 || (response.status === 400 && !write))) {
				throw new BetaUnavailableError(context, response.status, response.body, response.headers);
			}
			if (response.status < 200 || response.status >= 300) {
				throw new HttpError(response.status, response.body, response.headers, context, response.attempts);
			}
			return {body: response.body, context};
		}
	}
}
