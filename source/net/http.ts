/**
 * The one place the program speaks HTTP: every request (the licensing API and MSAL's sign-in)
 * goes through Net.send, so proxy, CA, timeouts and the retry policy apply to all of them alike.
 */
import {readFileSync} from 'node:fs';
import {createSecureContext, rootCertificates, type SecureContext} from 'node:tls';
import {setTimeout as sleep} from 'node:timers/promises';
import {Agent, ProxyAgent, request, type AgentOptions, type Dispatcher} from './undici.js';
import {CancelledError, NetworkError, UsageError, errorCode, type RequestContext} from '../problems/errors.js';
import {bypassesProxy, isLoopbackHost} from './urls.js';

export type RetryPolicy = {
	/** Tries in all, the first included. */
	maxAttempts: number;
	/** First backoff; doubles each try, with jitter. */
	baseDelayMs: number;
	/** The longest Retry-After honoured; a longer one ends the retries and is reported. */
	maxRetryAfterMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = {maxAttempts: 4, baseDelayMs: 300, maxRetryAfterMs: 60_000};

export type NetSettings = {
	/** An extra trusted CA, PEM file (--ca-file). NODE_EXTRA_CA_CERTS keeps working beside it. */
	caFile?: string;
	/** Extra trusted CAs as PEM text. */
	ca?: string[];
	/** Where HTTPS_PROXY, HTTP_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS are read (default process.env). */
	env?: NodeJS.ProcessEnv;
	connectTimeoutMs?: number;
	headersTimeoutMs?: number;
	bodyTimeoutMs?: number;
	retry?: Partial<RetryPolicy>;
	/** Told of each retry, for progress output ("throttled, retrying in 2 s"). */
	onRetry?: (info: RetryInfo) => void;
};

export type RetryInfo = {context: RequestContext; attempt: number; delayMs: number; reason: string};

export type HttpMethod = 'GET' | 'PUT' | 'POST';

export type HttpRequest = {
	method: HttpMethod;
	url: string;
	headers?: Record<string, string>;
	body?: string;
	signal?: AbortSignal;
	/** Request-specific timeout for the whole exchange (MSAL passes one for discovery). */
	timeoutMs?: number;
	correlationId?: string;
	resource?: RequestContext['resource'];
};

export type HttpResponse = {
	status: number;
	headers: Record<string, string>;
	body: string;
	context: RequestContext;
	/** How many tries it took. */
	attempts: number;
};

// 429 and 503 are the service asking us to come back later; 502/504 are gateways in between.
const RETRY_STATUS = new Set([429, 502, 503, 504]);
// A connection dropped before the answer came: safe to send again when the method is idempotent.
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);
const IDEMPOTENT = new Set<HttpMethod>(['GET', 'PUT']);

const USER_AGENT = 'mscommerce-tui';

export class Net {
	readonly retry: RetryPolicy;
	private readonly direct: Agent;
	private readonly proxies = new Map<string, ProxyAgent>();
	private readonly env: NodeJS.ProcessEnv;
	private readonly agentOptions: AgentOptions;
	private readonly tls: {secureContext?: SecureContext};

	constructor(private readonly settings: NetSettings = {}) {
		this.env = settings.env ?? process.env;
		this.retry = {...DEFAULT_RETRY, ...settings.retry};
		this.tls = secureContextFor(extraCas(settings));
		this.agentOptions = {
			keepAliveTimeout: 10_000,
			headersTimeout: settings.headersTimeoutMs ?? 30_000,
			bodyTimeout: settings.bodyTimeoutMs ?? 30_000,
			connect: {...this.tls, timeout: settings.connectTimeoutMs ?? 10_000},
		};
		this.direct = new Agent(this.agentOptions);
	}

	/** The proxy a URL goes through, from HTTPS_PROXY / HTTP_PROXY / NO_PROXY, if any. */
	proxyFor(url: URL): string | undefined {
		const env = this.env;
		const proxy =
			url.protocol === 'https:'
				? (env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy)
				: (env.HTTP_PROXY ?? env.http_proxy);
		if (!proxy) return undefined;
		return bypassesProxy(url, env.NO_PROXY ?? env.no_proxy) ? undefined : proxy;
	}

	private dispatcherFor(url: URL): {dispatcher: Dispatcher; proxy?: string} {
		const proxy = this.proxyFor(url);
		if (!proxy) return {dispatcher: this.direct};
		let agent = this.proxies.get(proxy);
		if (!agent) {
			let proxyUrl: URL;
			try {
				proxyUrl = new URL(proxy);
			} catch {
				throw new UsageError(`HTTPS_PROXY / HTTP_PROXY: "${redactProxy(proxy)}" is not a URL (expected http://host:port)`);
			}
			agent = new ProxyAgent({
				...this.agentOptions,
				uri: proxyUrl.href,
				requestTls: this.tls,
				proxyTls: this.tls,
			});
			this.proxies.set(proxy, agent);
		}
		return {dispatcher: agent, proxy: redactProxy(proxy)};
	}

	/**
	 * Sends one request, retrying per the policy: 429/503 (and 502/504) after Retry-After or a
	 * backoff, and a dropped connection for GET and PUT. Answers of any status are returned;
	 * a request that never got an answer throws a NetworkError.
	 */
	async send(req: HttpRequest): Promise<HttpResponse> {
		const url = new URL(req.url);
		if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
			throw new UsageError(`Refusing plain http:// to ${url.host}: only https:// leaves this machine`);
		}
		const {dispatcher, proxy} = this.dispatcherFor(url);
		const context: RequestContext = {
			method: req.method,
			url: req.url,
			correlationId: req.correlationId,
			proxy,
			resource: req.resource,
		};
		const headers: Record<string, string> = {'user-agent': USER_AGENT, ...req.headers};
		if (req.correlationId) headers['x-ms-correlation-id'] = req.correlationId;

		for (let attempt = 1; ; attempt++) {
			if (req.signal?.aborted) throw new CancelledError();
			let reason: string;
			let delayMs: number;
			try {
				const signal = combineSignals(req.signal, req.timeoutMs);
				const answer = await request(dispatcher, url, {
					method: req.method,
					headers,
					body: req.body,
					signal,
				});
				const body = await answer.body.text();
				const response: HttpResponse = {
					status: answer.statusCode,
					headers: flattenHeaders(answer.headers),
					body,
					context,
					attempts: attempt,
				};
				if (!RETRY_STATUS.has(response.status) || attempt >= this.retry.maxAttempts) return response;
				if ((response.status === 502 || response.status === 504) && !IDEMPOTENT.has(req.method)) return response;
				const retryAfter = parseRetryAfter(response.headers['retry-after']);
				if (retryAfter !== undefined && retryAfter > this.retry.maxRetryAfterMs) return response;
				delayMs = retryAfter ?? this.backoff(attempt);
				reason = `${response.status}`;
			} catch (error) {
				if (req.signal?.aborted) throw new CancelledError();
				if (isTimeoutAbort(error)) {
					throw new NetworkError(context, {cause: Object.assign(new Error('Request timed out'), {code: 'UND_ERR_HEADERS_TIMEOUT'})});
				}
				const code = errorCode(error);
				if (!(code && DROPPED.has(code) && IDEMPOTENT.has(req.method) && attempt < this.retry.maxAttempts)) {
					throw new NetworkError(context, {cause: error});
				}
				delayMs = this.backoff(attempt);
				reason = code;
			}
			this.settings.onRetry?.({context, attempt, delayMs, reason});
			try {
				await sleep(delayMs, undefined, {signal: req.signal});
			} catch {
				throw new CancelledError();
			}
		}
	}

	private backoff(attempt: number): number {
		const base = this.retry.baseDelayMs * 2 ** (attempt - 1);
		return Math.round(base * (0.75 + Math.random() * 0.5));
	}

	async close(): Promise<void> {
		await Promise.all([this.direct.close(), ...[...this.proxies.values()].map(async p => p.close())]);
	}
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const trimmed = value.trim();
	if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The extra CAs the user trusts (--ca-file and the ca option), as PEM text; undefined when none. */
function extraCas(settings: NetSettings): string[] | undefined {
	const extra = [...(settings.ca ?? [])];
	if (settings.caFile) {
		try {
			extra.push(readFileSync(settings.caFile, 'utf8'));
		} catch (error) {
			throw new UsageError(`--ca-file: cannot read ${settings.caFile} (${errorCode(error) ?? String(error)})`);
		}
		if (!extra.at(-1)?.includes('-----BEGIN CERTIFICATE-----')) {
			throw new UsageError(`--ca-file: ${settings.caFile} is not a PEM certificate (no BEGIN CERTIFICATE line)`);
		}
	}
	return extra.length > 0 ? extra : undefined;
}

type NativeContext = {addCACert?: (pem: string) => void};

/**
 * One secure context for every connection: Node's own trust store (public roots and
 * NODE_EXTRA_CA_CERTS) plus the extra CAs. Passing `ca` instead would replace Node's store, and
 * re-parsing ~140 public roots costs ~60 ms, which start-up would feel; so the extra CAs are added
 * to a default context the way Node adds NODE_EXTRA_CA_CERTS, falling back to the full list.
 */
function secureContextFor(extra: string[] | undefined): {secureContext?: SecureContext} {
	if (!extra) return {};
	const context = createSecureContext();
	const native = (context as SecureContext & {context?: NativeContext}).context;
	if (typeof native?.addCACert === 'function') {
		for (const pem of extra) native.addCACert(pem);
		return {secureContext: context};
	}
	const fromEnv: string[] = [];
	if (process.env.NODE_EXTRA_CA_CERTS) {
		try {
			fromEnv.push(readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8'));
		} catch {
			// Node itself warns about an unreadable NODE_EXTRA_CA_CERTS at start-up.
		}
	}
	return {secureContext: createSecureContext({ca: [...rootCertificates, ...fromEnv, ...extra]})};
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
	const flat: Record<string, string> = {};
	for (const [key, value] of Object.entries(headers)) {
		if (value !== undefined) flat[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
	}
	return flat;
}

function combineSignals(signal: AbortSignal | undefined, timeoutMs: number | undefined): AbortSignal | undefined {
	if (timeoutMs === undefined) return signal;
	const timeout = AbortSignal.timeout(timeoutMs);
	return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

function isTimeoutAbort(error: unknown): boolean {
	return error instanceof Error && (error.name === 'TimeoutError' || (error.cause as Error | undefined)?.name === 'TimeoutError');
}

/** A proxy URL without its password, for messages. */
function redactProxy(proxy: string): string {
	try {
		const url = new URL(proxy);
		if (url.password) url.password = '***';
		return url.href.replace(/\/$/, '');
	} catch {
		return proxy.replace(/\/\/[^@/]*@/, '//***@');
	}
}
