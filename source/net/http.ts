/**
 * The one place the program speaks HTTP: every request (the licensing API and MSAL's sign-in)
 * goes through Net.send, so proxy, CA, timeouts and the retry policy apply to all of them alike.
 * The limits live here too, because what answers may be a proxy, a captive portal or a wrong URL
 * rather than the service: every attempt has a deadline for the whole answer, an answer has a
 * size cap, a redirect is never followed, and certificate checks cannot be turned off.
 */
import {readFileSync} from 'node:fs';
import tls, {createSecureContext, rootCertificates, type SecureContext} from 'node:tls';
import {setTimeout as sleep} from 'node:timers/promises';
import {Agent, ProxyAgent, request, type AgentOptions, type Dispatcher} from './undici.js';
import {
	AnswerTooLargeError,
	AnswerTooSlowError,
	CancelledError,
	NetworkError,
	RedirectError,
	UsageError,
	errorCode,
	UNKNOWN_ISSUER,
	type AnswerProgress,
	type RequestContext,
} from '../problems/errors.js';
import type {Gate} from './gate.js';
import {bypassesProxy, checkProxyUrl, isLoopbackHost, redactProxy} from './urls.js';

export type RetryPolicy = {
	/** Tries in all, the first included. */
	maxAttempts: number;
	/** First backoff; doubles each try, with jitter. */
	baseDelayMs: number;
	/** The longest Retry-After honoured; a longer one ends the retries and is reported. */
	maxRetryAfterMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = {maxAttempts: 4, baseDelayMs: 300, maxRetryAfterMs: 60_000};

/** The deadline of one attempt, connect to the last byte of the body (--timeout). */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** The largest answer read. A list of 10,000 products is under 2 MiB; nothing the services send comes near. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
// undici's own headers and body timers stay as a backstop just past the deadline, so the deadline,
// which counts the whole answer, is the one the user meets.
const BACKSTOP_MS = 1_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export type NetSettings = {
	/** An extra trusted CA, PEM file (--ca-file). NODE_EXTRA_CA_CERTS keeps working beside it. */
	caFile?: string;
	/** Extra trusted CAs as PEM text. */
	ca?: string[];
	/** Where HTTPS_PROXY, HTTP_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS are read (default process.env). */
	env?: NodeJS.ProcessEnv;
	/**
	 * The deadline of one attempt: connect, headers and the whole body (--timeout; default 60 s).
	 * A body that trickles in is cut here; waits for Retry-After between attempts do not count.
	 */
	timeoutMs?: number;
	/** The largest answer read, in bytes (default 32 MiB): reading stops as soon as it is passed. */
	maxResponseBytes?: number;
	connectTimeoutMs?: number;
	/** undici's wait for the headers (default: just past timeoutMs). */
	headersTimeoutMs?: number;
	/** undici's longest pause between body chunks (default: just past timeoutMs). */
	bodyTimeoutMs?: number;
	retry?: Partial<RetryPolicy>;
	/** Told of each retry, for progress output ("throttled, retrying in 2 s"). */
	onRetry?: (info: RetryInfo) => void;
	/** Each attempt waits for a slot here (a fleet's limits, net/gate.ts); the waits between retries hold none. */
	gate?: Gate;
};

export type RetryInfo = {context: RequestContext; attempt: number; delayMs: number; reason: string};

/** PATCH is Graph's (the tenant switches); like POST it is not sent again after a dropped connection. */
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH';

export type HttpRequest = {
	method: HttpMethod;
	url: string;
	headers?: Record<string, string>;
	body?: string;
	signal?: AbortSignal;
	/** A shorter deadline for each attempt of this request (MSAL passes one for discovery). */
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
// As undici's text() does: UTF-8, a byte order mark dropped.
const UTF8 = new TextDecoder();

type Tls = {secureContext?: SecureContext; rejectUnauthorized: true};

/**
 * The trust and the connections made with it, shared by a Net and every Net scoped from it. The
 * operating system's trust store (Node 22.15+ reads it: Windows' certificate store, macOS's
 * keychains, OpenSSL's files on Linux, SSL_CERT_FILE included) is trusted beside Node's bundled
 * roots and the extra CAs; it is read only when a certificate fails without it, since reading it
 * costs ~50 ms that a start-up would pay on every run. Then the connections are made again with
 * it, for the rest of the process.
 */
type Trust = {tls: Tls; direct: Agent; proxies: Map<string, ProxyAgent>; agentOptions: AgentOptions; system: 'unavailable' | 'unread' | 'added'};


/** The OS trust store's certificates (PEM), where the runtime reads it (Node 22.15+, 23.5+); else undefined. */
function systemCertificates(): string[] | undefined {
	// Not in @types/node 20, which the project builds against (the floor is Node 20).
	const read = (tls as {getCACertificates?: (which: 'system') => string[]}).getCACertificates;
	return typeof read === 'function' ? read('system') : undefined;
}
const HAS_SYSTEM_STORE = typeof (tls as {getCACertificates?: unknown}).getCACertificates === 'function';

export class Net {
	readonly retry: RetryPolicy;
	readonly timeoutMs: number;
	readonly maxResponseBytes: number;
	private readonly env: NodeJS.ProcessEnv;
	private readonly trust: Trust;
	private readonly extra: string[] | undefined;
	/** A scoped Net (see scoped) closes nothing: its connections are its parent's. */
	private readonly owner: boolean;

	constructor(settings?: NetSettings);
	constructor(settings: NetSettings, parent: Net);
	constructor(
		private readonly settings: NetSettings = {},
		parent?: Net,
	) {
		this.owner = parent === undefined;
		if (parent) {
			// The parent's connections, proxies and trust: only the gate and the retry listener differ.
			this.env = parent.env;
			this.retry = parent.retry;
			this.timeoutMs = parent.timeoutMs;
			this.maxResponseBytes = parent.maxResponseBytes;
			this.trust = parent.trust;
			this.extra = parent.extra;
			return;
		}
		this.env = settings.env ?? process.env;
		this.retry = {...DEFAULT_RETRY, ...settings.retry};
		this.timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		// A timer longer than 2^31-1 ms fires at once (Node warns and uses 1 ms).
		if (!(this.timeoutMs > 0 && this.timeoutMs <= MAX_TIMER_MS)) throw new RangeError(`Net: timeoutMs must be from 1 to ${MAX_TIMER_MS}, got ${this.timeoutMs}`);
		this.maxResponseBytes = settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
		// rejectUnauthorized said out loud: Node reads NODE_TLS_REJECT_UNAUTHORIZED=0 only for
		// connections that leave it unset, so no environment can turn certificate checks off.
		this.extra = extraCas(settings);
		this.trust = this.connections({...secureContextFor(this.extra), rejectUnauthorized: true}, HAS_SYSTEM_STORE ? 'unread' : 'unavailable');
	}

	private connections(tlsOptions: Tls, system: Trust['system']): Trust {
		const agentOptions: AgentOptions = {
			keepAliveTimeout: 10_000,
			headersTimeout: this.settings.headersTimeoutMs ?? this.timeoutMs + BACKSTOP_MS,
			bodyTimeout: this.settings.bodyTimeoutMs ?? this.timeoutMs + BACKSTOP_MS,
			connect: {...tlsOptions, timeout: this.settings.connectTimeoutMs ?? 10_000},
		};
		return {tls: tlsOptions, direct: new Agent(agentOptions), proxies: new Map(), agentOptions, system};
	}

	/**
	 * After a certificate failed: trust the OS store too, once per process (for this Net and every
	 * Net scoped from it), and make new connections with it. True if the request should be tried
	 * again; false when the store is read already or the runtime has none.
	 */
	private addSystemStore(): boolean {
		if (this.trust.system !== 'unread') return false;
		const system = systemCertificates() ?? [];
		const old = {direct: this.trust.direct, proxies: [...this.trust.proxies.values()]};
		Object.assign(this.trust, this.connections({...secureContextFor([...(this.extra ?? []), ...system]), rejectUnauthorized: true}, 'added'));
		// Requests in flight keep their connections until they end.
		void Promise.allSettled([old.direct.close(), ...old.proxies.map(async p => p.close())]);
		return true;
	}

	/**
	 * A Net for one tenant of a fleet: the same connections, trust, proxy and limits, with its own
	 * gate (its share of the run's requests) and its own retry listener.
	 */
	scoped(options: {gate?: Gate; onRetry?: (info: RetryInfo) => void}): Net {
		return new Net({...this.settings, gate: options.gate, onRetry: options.onRetry ?? this.settings.onRetry}, this);
	}

	/** The proxy a URL goes through, from HTTPS_PROXY / HTTP_PROXY / NO_PROXY, if any. */
	proxyFor(url: URL): string | undefined {
		return this.proxySetting(url)?.value;
	}

	/** The proxy variable that applies to a URL: its name (for messages) and value. */
	private proxySetting(url: URL): {variable: string; value: string} | undefined {
		const env = this.env;
		const names = url.protocol === 'https:' ? ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] : ['HTTP_PROXY', 'http_proxy'];
		const variable = names.find(name => env[name] !== undefined);
		const value = variable === undefined ? undefined : env[variable];
		if (variable === undefined || !value) return undefined;
		return bypassesProxy(url, env.NO_PROXY ?? env.no_proxy) ? undefined : {variable, value};
	}

	private dispatcherFor(url: URL): {dispatcher: Dispatcher; proxy?: string} {
		const setting = this.proxySetting(url);
		const trust = this.trust;
		if (!setting) return {dispatcher: trust.direct};
		const proxy = setting.value;
		let agent = trust.proxies.get(proxy);
		if (!agent) {
			const proxyUrl = checkProxyUrl(proxy, setting.variable);
			agent = new ProxyAgent({
				...trust.agentOptions,
				uri: proxyUrl.href,
				requestTls: trust.tls,
				proxyTls: trust.tls,
			});
			trust.proxies.set(proxy, agent);
		}
		return {dispatcher: agent, proxy: redactProxy(proxy)};
	}

	/**
	 * Sends one request, retrying per the policy: 429/503 (and 502/504) after Retry-After or a
	 * backoff, and a dropped connection for GET and PUT. Answers of any status but 3xx are
	 * returned. Throws a RedirectError for a 3xx (never followed), an AnswerTooSlowError when an
	 * attempt has no complete answer within its deadline, an AnswerTooLargeError past the size
	 * cap, a CancelledError when `signal` aborts, and a NetworkError when there was no answer.
	 */
	async send(req: HttpRequest): Promise<HttpResponse> {
		const url = new URL(req.url);
		if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
			throw new UsageError(`Refusing plain http:// to ${url.host}: only https:// leaves this machine`);
		}
		const {proxy} = this.dispatcherFor(url);
		const context: RequestContext = {
			method: req.method,
			url: req.url,
			correlationId: req.correlationId,
			proxy,
			resource: req.resource,
		};
		if (this.trust.system === 'added') context.systemTrustStore = 'checked';
		const headers: Record<string, string> = {'user-agent': USER_AGENT, ...req.headers};
		if (req.correlationId) headers['x-ms-correlation-id'] = req.correlationId;

		let usedSystemStore = false;
		for (let attempt = 1; ; attempt++) {
			if (req.signal?.aborted) throw new CancelledError();
			let reason: string;
			let delayMs: number;
			const release = await this.settings.gate?.acquire(req.signal);
			try {
				// Chosen for each try: the connections are made anew once the OS trust store is added.
				const {dispatcher} = this.dispatcherFor(url);
				usedSystemStore = this.trust.system === 'added';
				const response = await this.tryOnce(dispatcher, url, req, headers, context, attempt);
				if (!RETRY_STATUS.has(response.status) || attempt >= this.retry.maxAttempts) return response;
				if ((response.status === 502 || response.status === 504) && !IDEMPOTENT.has(req.method)) return response;
				const retryAfter = parseRetryAfter(response.headers['retry-after']);
				if (retryAfter !== undefined && retryAfter > this.retry.maxRetryAfterMs) return response;
				delayMs = retryAfter ?? this.backoff(attempt);
				reason = `${response.status}`;
				// Throttled: the tenant's other requests wait as long, rather than each meeting a 429 of its own.
				if (response.status === 429) this.settings.gate?.pause(delayMs);
			} catch (error) {
				const code = error instanceof NetworkError ? errorCode(error.cause) : undefined;
				// Nothing was sent over a connection whose certificate failed: tried again at once, whatever the method.
				if (code && UNKNOWN_ISSUER.has(code)) {
					if (!usedSystemStore && (this.trust.system === 'added' || this.addSystemStore())) {
						context.systemTrustStore = 'checked';
						continue;
					}
					if (this.trust.system === 'unavailable') context.systemTrustStore = 'unavailable';
				}
				if (!(code && DROPPED.has(code) && IDEMPOTENT.has(req.method) && attempt < this.retry.maxAttempts)) throw error;
				delayMs = this.backoff(attempt);
				reason = code;
			} finally {
				release?.();
			}
			this.settings.onRetry?.({context, attempt, delayMs, reason});
			try {
				await sleep(delayMs, undefined, {signal: req.signal});
			} catch {
				throw new CancelledError();
			}
		}
	}

	/**
	 * One try, under its own deadline: from connecting to the last byte of the body. The deadline
	 * aborts the request, which ends the body stream too, so a body that trickles in is cut.
	 */
	private async tryOnce(
		dispatcher: Dispatcher,
		url: URL,
		req: HttpRequest,
		headers: Record<string, string>,
		context: RequestContext,
		attempt: number,
	): Promise<HttpResponse> {
		const timeoutMs = Math.min(req.timeoutMs ?? Number.POSITIVE_INFINITY, this.timeoutMs);
		const deadline = new AbortController();
		const timer = setTimeout(() => deadline.abort(), timeoutMs);
		const signal = req.signal ? AbortSignal.any([req.signal, deadline.signal]) : deadline.signal;
		const progress: AnswerProgress = {received: 0};
		try {
			const answer = await request(dispatcher, url, {method: req.method, headers, body: req.body, signal});
			const answerHeaders = flattenHeaders(answer.headers);
			progress.status = answer.statusCode;
			const declared = Number(answerHeaders['content-length']);
			if (answerHeaders['content-length'] !== undefined && Number.isSafeInteger(declared)) progress.expected = declared;
			if (answer.statusCode >= 300 && answer.statusCode < 400) {
				discard(answer.body);
				throw new RedirectError(context, answer.statusCode, answerHeaders.location);
			}
			const body = await this.readCapped(answer.body, context, progress);
			return {status: answer.statusCode, headers: answerHeaders, body, context, attempts: attempt};
		} catch (error) {
			if (req.signal?.aborted) throw new CancelledError();
			if (deadline.signal.aborted) throw new AnswerTooSlowError(context, timeoutMs, progress);
			if (error instanceof RedirectError || error instanceof AnswerTooLargeError) throw error;
			throw new NetworkError(context, {cause: error});
		} finally {
			clearTimeout(timer);
		}
	}

	/**
	 * The body as text, read no further than the cap: an answer that says it is larger is not read
	 * at all, and one that grows past it is stopped there (the connection is closed), so an endless
	 * body costs at most the cap in memory.
	 */
	private async readCapped(body: Dispatcher.ResponseData['body'], context: RequestContext, progress: AnswerProgress): Promise<string> {
		const limit = this.maxResponseBytes;
		if (progress.expected !== undefined && progress.expected > limit) {
			discard(body);
			throw new AnswerTooLargeError(context, limit, progress);
		}
		const chunks: Buffer[] = [];
		for await (const chunk of body as AsyncIterable<Buffer>) {
			progress.received += chunk.length;
			if (progress.received > limit) {
				discard(body);
				throw new AnswerTooLargeError(context, limit, progress);
			}
			chunks.push(chunk);
		}
		return UTF8.decode(Buffer.concat(chunks, progress.received));
	}

	private backoff(attempt: number): number {
		const base = this.retry.baseDelayMs * 2 ** (attempt - 1);
		return Math.round(base * (0.75 + Math.random() * 0.5));
	}

	async close(): Promise<void> {
		if (!this.owner) return;
		await Promise.all([this.trust.direct.close(), ...[...this.trust.proxies.values()].map(async p => p.close())]);
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

/**
 * Stops reading an answer: its connection is closed rather than drained, so nothing more arrives.
 * undici then reports "Request aborted" on the stream, which is what was asked for, not a failure.
 */
function discard(body: Dispatcher.ResponseData['body']): void {
	body.on('error', () => undefined);
	body.destroy();
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
	const flat: Record<string, string> = {};
	for (const [key, value] of Object.entries(headers)) {
		if (value !== undefined) flat[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
	}
	return flat;
}
