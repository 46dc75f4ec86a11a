/**
 * The one classifier: anything thrown, or any non-2xx answer, becomes a Problem with a hint
 * that names the fix. Both faces (dashboard, CLI) show only what this returns.
 */
import {productForFormerId} from '../commerce/catalog.js';
import {
	AnswerTooLargeError,
	AnswerTooSlowError,
	AuditLogError,
	BetaUnavailableError,
	CancelledError,
	GraphNotSignedInError,
	HttpError,
	MalformedResponseError,
	NetworkError,
	NotAppliedError,
	NotSignedInError,
	RedirectError,
	UnverifiedWriteError,
	UsageError,
	errorCode,
	UNKNOWN_ISSUER,
	type GraphRequest,
	type RequestContext,
} from './errors.js';
import type {Problem, ProblemKind} from './types.js';
import {SignInError, signInProblem} from './signIn.js';
import {safeText} from '../text/safe.js';

const TLS_PROTOCOL = new Set([
	'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
	'ERR_SSL_UNSUPPORTED_PROTOCOL',
	'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
	'ERR_SSL_WRONG_VERSION_NUMBER',
	'ERR_SSL_VERSION_TOO_LOW',
	'EPROTO',
]);
const TLS_UNTRUSTED = new Set([
	...UNKNOWN_ISSUER,
	'CERT_SIGNATURE_FAILURE',
	'CERT_HAS_EXPIRED',
	'CERT_NOT_YET_VALID',
	'CERT_REVOKED',
	'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const TIMEOUT = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const CONNECTION = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENETDOWN',
	'UND_ERR_SOCKET',
	'UND_ERR_CLOSED',
	'ECONNABORTED',
]);

const CA_HINT =
	'If your network inspects TLS, save its root CA as a PEM file and pass it with --ca-file FILE (or NODE_EXTRA_CA_CERTS=FILE). Never turn certificate checks off.';

/**
 * What to do about a certificate no trusted root vouches for. Node 22.15+ reads the operating
 * system's trust store and the HTTP layer tried it too (net/http.ts): the root is not there
 * either. Node 20 cannot read it: the root must be exported, and the hints say how on Windows and
 * macOS, where TLS-inspecting proxies install their roots.
 */
export function untrustedHints(context: RequestContext): string[] {
	if (context.systemTrustStore === 'checked') {
		return [
			"This machine's own trust store was checked too: the root that signed this certificate is not in it either. If your network inspects TLS, ask for its root CA to be installed there, or pass it with --ca-file FILE. Never turn certificate checks off.",
		];
	}
	if (context.systemTrustStore !== 'unavailable') return [CA_HINT];
	return [
		`Node ${process.versions.node} cannot read this machine's trust store (Node 22.15 and later can, and mscommerce then trusts it by itself).`,
		CA_HINT,
		"Windows (PowerShell), the root's name for NAME: Get-ChildItem Cert:\\LocalMachine\\Root | Where-Object Subject -like '*NAME*' | ForEach-Object { '-----BEGIN CERTIFICATE-----'; [Convert]::ToBase64String($_.RawData, 'InsertLineBreaks'); '-----END CERTIFICATE-----' } | Out-File -Encoding ascii root.pem",
		'macOS: security find-certificate -a -p -c "NAME" /Library/Keychains/System.keychain > root.pem',
	];
}

export function classify(error: unknown): Problem {
	if (error instanceof SignInError) return signInProblem(error, classify);
	if (error instanceof HttpError) return error.context.graph ? fromGraph(error, error.context.graph) : fromStatus(error);
	if (error instanceof BetaUnavailableError) return betaUnavailable(error);
	if (error instanceof NetworkError) return fromNetwork(error);
	if (error instanceof MalformedResponseError) {
		return problem('malformed', 'The service answered with something unexpected', {
			detail: error.reason,
			correlationId: error.context.correlationId,
			retryable: true,
			hints: [
				'A proxy or captive portal may have answered instead of the service: check HTTPS_PROXY and NO_PROXY.',
				'Otherwise try again; if it keeps happening, give Microsoft support the correlation ID.',
			],
		});
	}
	if (error instanceof AnswerTooSlowError) return tooSlow(error);
	if (error instanceof AnswerTooLargeError) return tooLarge(error);
	if (error instanceof RedirectError) return redirected(error);
	if (error instanceof NotAppliedError) {
		return problem('not-applied', `Not applied: the service still holds ${error.held}`, {
			detail: error.message,
			correlationId: error.correlationId,
			retryable: true,
			hints: ['The service accepted the request but kept the old value. Try again (R in the dashboard); if it keeps happening, give Microsoft support the correlation ID.'],
		});
	}
	if (error instanceof UnverifiedWriteError) {
		const cause = classify(error.cause);
		return problem('unverified', `Sent, but reading ${error.rowName} back failed: ${lowerFirst(cause.title)}`, {
			detail: cause.detail,
			correlationId: error.correlationId ?? cause.correlationId,
			retryable: true,
			hints: ['The change was accepted; whether it holds is read again before the command ends. Run the same command again to be sure (it writes nothing if the value is already there).'],
		});
	}
	if (error instanceof AuditLogError) {
		return problem('audit-log', 'The audit log could not be written: nothing more was sent', {
			detail: error.message,
			hints: [`Free space or fix the permissions of ${error.file}, then run the same command again: rows already changed are skipped.`],
		});
	}
	if (error instanceof UsageError) return problem('usage', error.message, {hints: error.hints});
	// Graph's own sign-in: its hints name `login --graph`, never the licensing sign-in's.
	if (error instanceof GraphNotSignedInError) return problem('not-signed-in', error.message || 'Not signed in to Microsoft Graph', {hints: error.hints});
	if (error instanceof NotSignedInError) {
		return problem('not-signed-in', error.message || 'Not signed in', {
			hints: [...error.hints, 'Run `mscommerce login` to sign in with a device code, or pass a token with --token / MSCOMMERCE_TOKEN.'],
		});
	}
	if (error instanceof CancelledError || (error instanceof Error && error.name === 'AbortError')) {
		return problem('cancelled', error instanceof CancelledError && error.message ? error.message : 'Cancelled', {});
	}
	const message = error instanceof Error ? error.message : String(error);
	return problem('unknown', 'Something unexpected went wrong', {
		detail: message,
		hints: ['Try again; if it keeps happening, report it with the command you ran.'],
	});
}

function fromNetwork(error: NetworkError): Problem {
	const context = error.context;
	const host = hostOf(context.url);
	const code = errorCode(error.cause);
	const detail = causeMessage(error.cause);
	const base = {detail, correlationId: context.correlationId};
	const proxyAnswer = /Proxy response \((\d+)\)|Proxy Authentication Required \((\d+)\)/.exec(detail ?? '');
	const proxyStatus = proxyAnswer ? Number(proxyAnswer[1] ?? proxyAnswer[2]) : undefined;

	if (proxyStatus === 407) {
		return problem('proxy-auth', `The proxy ${context.proxy ?? ''} wants a user name and password`.replace('  ', ' '), {
			...base,
			retryable: false,
			hints: ['Put the credentials in the proxy URL: HTTPS_PROXY=http://USER:PASSWORD@proxy.example.com:8080'],
		});
	}
	if (context.proxy && (proxyStatus !== undefined || (code && (CONNECTION.has(code) || DNS.has(code) || TIMEOUT.has(code)) && !isTlsHandshakeDrop(error.cause)))) {
		return problem('proxy', `The proxy ${context.proxy} did not let the request through to ${host}`, {
			...base,
			retryable: true,
			hints: [
				`Check HTTPS_PROXY (now ${context.proxy}): is the proxy running and reachable from here?`,
				`To reach ${host} without the proxy, add it to NO_PROXY.`,
			],
		});
	}
	if (code && TLS_UNTRUSTED.has(code)) {
		const expired = code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID';
		const wrongHost = code === 'ERR_TLS_CERT_ALTNAME_INVALID';
		return problem('tls-untrusted', `The certificate presented for ${host} is not trusted (${code})`, {
			...base,
			retryable: false,
			hints: expired
				? [`The certificate is outside its validity dates: check this machine's clock, or the TLS-inspecting proxy's certificate.`, CA_HINT]
				: wrongHost
					? [`The certificate is for another host: a proxy may be intercepting, or --licensing-url / --authority names the wrong host.`, CA_HINT]
					: [`Something between you and ${host} presents a certificate this machine does not trust.`, ...untrustedHints(context)],
		});
	}
	if ((code && TLS_PROTOCOL.has(code)) || isTlsHandshakeDrop(error.cause)) {
		return problem('tls-protocol', `The secure connection to ${host} was closed during the TLS handshake`, {
			...base,
			retryable: false,
			hints: [
				'The service needs TLS 1.2 or later, which this program always offers: a proxy or firewall in between is resetting or downgrading the handshake (the MSCommerce module reports this as "The underlying connection was closed").',
				`Ask your network team to allow TLS 1.2+ to ${host}, or send the traffic through your organisation's proxy with HTTPS_PROXY=http://proxy:port.`,
			],
		});
	}
	if (code && DNS.has(code)) {
		return problem('dns', `${host} could not be found (${code})`, {
			...base,
			retryable: true,
			hints: [
				'Check the network connection and DNS on this machine.',
				'Check the host in --licensing-url / --authority; if the internet is only reachable through a proxy, set HTTPS_PROXY.',
			],
		});
	}
	if (code && TIMEOUT.has(code)) {
		return problem('timeout', `${host} did not answer in time`, {
			...base,
			retryable: true,
			hints: ['Check the network; if you are behind a proxy, set HTTPS_PROXY.', 'Try again (r in the dashboard).'],
		});
	}
	if (code && CONNECTION.has(code)) {
		const refused = code === 'ECONNREFUSED';
		return problem('connection', refused ? `${host} refused the connection` : `The connection to ${host} was dropped (${code})`, {
			...base,
			retryable: true,
			hints: refused
				? ['Nothing is listening there: check --licensing-url / --authority, or the proxy settings (HTTPS_PROXY).']
				: ['The network or a proxy closed the connection; the request was retried. Try again (r in the dashboard).'],
		});
	}
	return problem('connection', `The request to ${host} failed`, {
		...base,
		retryable: true,
		hints: ['Check the network and proxy settings (HTTPS_PROXY, NO_PROXY), then try again.'],
	});
}

function fromStatus(error: HttpError): Problem {
	const {status, context} = error;
	const said = readErrorBody(error.body);
	const base = {detail: statusDetail(status, said), correlationId: context.correlationId ?? error.headers['x-ms-correlation-id'], status};
	const what = describeResource(context);
	if (status === 401) {
		return problem('unauthorized', 'The service did not accept the sign-in (401)', {
			...base,
			retryable: false,
			hints: ['Your session has expired or is not for this service: run `mscommerce login` again (a token passed with --token / MSCOMMERCE_TOKEN may have expired).'],
		});
	}
	if (status === 403) {
		const write = context.method === 'PUT';
		return problem('forbidden', write ? `Not allowed to change ${what} (403)` : `Not allowed to read ${what} (403)`, {
			...base,
			retryable: false,
			hints: context.partner
				? [
						`You act in this customer tenant through a partner (GDAP) relationship: ${write ? 'changing policies needs the Billing Administrator (or Global Administrator) role in it' : 'reading policies needs a role such as Global Reader in it'}. Ask the customer's admin to add the role to the relationship (Partner Center → Customers → Admin relationships).`,
					]
				: write
					? ['Changing policies needs the Global admin or Billing admin role; a Global reader can only look. Sign in with such an account (`mscommerce login`) or ask a Global admin for the Billing admin role.']
					: ['Reading policies needs the Global reader, Billing admin or Global admin role.'],
		});
	}
	if (status === 404) {
		const id = context.resource?.id;
		const former = id ? productForFormerId(id) : undefined;
		return problem('not-found', `${capitalise(what)} was not found (404)`, {
			...base,
			retryable: false,
			hints: [
				former
					? `${id} is the former ID of ${former.productName}: use its current ID ${former.productId}.`
					: 'Check the ID with `mscommerce products list` or `mscommerce offer-types list`; some product IDs changed (Power Apps, Power Automate, Power BI, Project, Visio), so use the current ID.',
			],
		});
	}
	if (status === 407) {
		return problem('proxy-auth', 'The proxy wants a user name and password (407)', {
			...base,
			retryable: false,
			hints: ['Put the credentials in the proxy URL: HTTPS_PROXY=http://USER:PASSWORD@proxy.example.com:8080'],
		});
	}
	if (status === 429) {
		const after = error.headers['retry-after'];
		return problem('throttled', 'The service is throttling requests (429)', {
			...base,
			retryable: true,
			hints: [`Tried ${attemptsNote(error)}; wait${after ? ` ${after} s` : ' a minute'} and try again.`],
		});
	}
	if (status >= 500) {
		return problem('server', `The licensing service failed (${status})`, {
			...base,
			retryable: true,
			hints: ['This is on the service side: try again later. If it persists, give Microsoft support the correlation ID.'],
		});
	}
	return problem('refused', `The service refused the request for ${what} (${status})`, {
		...base,
		retryable: false,
		// The service's words are in the detail already: said once.
		hints: ['Check the value and the ID, then try again.'],
	});
}

/**
 * Graph's error envelope, `{"error": {"code", "message", "innerError": {"request-id", "date",
 * "client-request-id"}}}`, as one sentence with the code and the message (made safe: it is outside
 * text), and the request ID as the correlation ID (what Microsoft support asks for). A 403 names
 * the permission and the role the object needs (docs/switches.md).
 */
function fromGraph(error: HttpError, graph: GraphRequest): Problem {
	const {status} = error;
	const said = readErrorBody(error.body);
	const code = said.code ? ` ${safeText(said.code)}` : '';
	const message = said.message ? `: ${safeText(said.message)}` : '';
	const object = `${graph.object}${graph.beta ? ' (beta)' : ''}`;
	const correlationId = graphRequestId(error.body) ?? error.headers['request-id'] ?? error.context.correlationId;
	const base = {correlationId, status};
	const sentence = (doing: string) => `Microsoft Graph ${doing} (${status}${code})${message}`;
	if (status === 401) {
		return problem('unauthorized', sentence(`did not accept the sign-in for ${object}`), {
			...base,
			hints: ['The Microsoft Graph session has expired or is not for this tenant: run `mscommerce login --graph` again (a token passed with MSCOMMERCE_GRAPH_TOKEN may have expired).'],
		});
	}
	if (status === 403) {
		return problem('forbidden', sentence(`refused to ${graph.write ? 'change' : 'read'} ${object}`), {
			...base,
			hints: graph.write
				? [`Changing ${graph.object} needs ${graph.roles}, and the delegated permission ${graph.permission} consented for the Graph client (app-only: the application permission). Sign in as such an admin (\`mscommerce login --graph --account UPN\`).`]
				: [`Reading ${graph.object} needs the permission ${graph.permission}, consented for the Graph client, and an admin role that may read it (for example Global Reader).`],
		});
	}
	if (status === 429) {
		return problem('throttled', sentence(`is throttling requests for ${object}`), {...base, retryable: true, hints: [`Tried ${attemptsNote(error)}; wait${error.headers['retry-after'] ? ` ${error.headers['retry-after']} s` : ' a minute'} and try again.`]});
	}
	if (status >= 500) {
		return problem('server', sentence(`failed on ${object}`), {...base, retryable: true, hints: ['This is on the service side: try again later. If it persists, give Microsoft support the request ID.']});
	}
	return problem('refused', sentence(`refused the request for ${object}`), {...base, hints: ['Check --graph-url (Microsoft Graph, without /v1.0) and the switch; if it persists, give Microsoft support the request ID.']});
}

function betaUnavailable(error: BetaUnavailableError): Problem {
	const said = readErrorBody(error.body);
	const {graph} = error.context;
	return problem('unavailable', `${graph.object} (beta) is not available in this tenant/cloud`, {
		detail: `Microsoft Graph answered ${statusDetail(error.status, {...(said.code ? {code: safeText(said.code)} : {}), ...(said.message ? {message: safeText(said.message)} : {})})}`,
		correlationId: graphRequestId(error.body) ?? error.headers['request-id'] ?? error.context.correlationId,
		status: error.status,
		hints: [
			`Its switches cannot be read or changed here (Microsoft offers ${graph.object} in the global service only, and in beta); the other switches still work. Change them in the Microsoft 365 admin center (Settings → Org settings).`,
		],
	});
}

/** The request ID in Graph's error envelope (`error.innerError["request-id"]`), if any. */
function graphRequestId(body: string): string | undefined {
	try {
		const json = JSON.parse(body) as {error?: {innerError?: Record<string, unknown>; innererror?: Record<string, unknown>}};
		const inner = json.error?.innerError ?? json.error?.innererror;
		const id = inner?.['request-id'];
		return typeof id === 'string' && id.trim() ? safeText(id.trim()).slice(0, 100) : undefined;
	} catch {
		return undefined;
	}
}

function tooSlow(error: AnswerTooSlowError): Problem {
	const {context, progress} = error;
	const host = hostOf(context.url);
	const seconds = formatSeconds(error.timeoutMs);
	const got =
		progress.status === undefined
			? `${host} had not answered yet`
			: `${host} answered ${progress.status} and sent ${progress.received}${progress.expected === undefined ? '' : ` of ${progress.expected}`} bytes`;
	return problem('timeout', `The service answered too slowly: no complete answer within ${seconds} s`, {
		detail: `${got} (${context.method} ${context.url})`,
		correlationId: context.correlationId,
		retryable: true,
		hints: [
			`On a slow network or proxy, allow more time with --timeout SECONDS (or MSCOMMERCE_TIMEOUT); now ${seconds} s.`,
			context.proxy ? `Check the proxy ${context.proxy} (HTTPS_PROXY, NO_PROXY), then try again (r in the dashboard).` : 'Try again (r in the dashboard).',
		],
	});
}

// 'too-large', not 'malformed': nothing was parsed, trying again does not help, and the hint is
// about who answered (no answer of these services comes near the cap), not about a bad shape.
function tooLarge(error: AnswerTooLargeError): Problem {
	const {context, progress} = error;
	const declared = progress.expected !== undefined && progress.expected > error.limitBytes;
	return problem('too-large', `The service answered too much: more than ${formatBytes(error.limitBytes)}, so reading stopped`, {
		detail: `${hostOf(context.url)} answered ${progress.status ?? '?'} ${declared ? `declaring ${progress.expected} bytes` : `with more than ${error.limitBytes} bytes`} (${context.method} ${context.url})`,
		correlationId: context.correlationId,
		status: progress.status,
		retryable: false,
		hints: [
			'No answer of the licensing or sign-in service comes near this size: a proxy or captive portal may be answering instead (check HTTPS_PROXY and NO_PROXY), or --licensing-url / --authority names the wrong service.',
		],
	});
}

function redirected(error: RedirectError): Problem {
	const {context, status} = error;
	// The licensing API lives under /v1.0/; everything else is sign-in (the authority).
	const option = context.graph ? '--graph-url' : /^\/v1\.0\//i.test(pathOf(context.url)) ? '--licensing-url' : '--authority';
	const where = error.location === undefined ? 'somewhere (no Location)' : clip(resolvedLocation(error.location, context.url));
	return problem('redirected', `The service redirected to ${where} — not followed; check ${option} or your proxy`, {
		detail: `${hostOf(context.url)} answered ${status} (${context.method} ${context.url})`,
		correlationId: context.correlationId,
		status,
		retryable: false,
		hints: [
			`mscommerce never follows a redirect: the service does not send one, so ${option} names the wrong URL, or a proxy or captive portal answered instead (check HTTPS_PROXY and NO_PROXY).`,
		],
	});
}

function resolvedLocation(location: string, base: string): string {
	try {
		return new URL(location, base).href;
	} catch {
		return location;
	}
}

function formatSeconds(ms: number): string {
	return String(Math.round(ms) / 1000);
}

function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
	if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
	return `${bytes} bytes`;
}

/** What an error body says: one sentence, and the service's error code where it names one. */
export type ServerSays = {message?: string; code?: string};

/**
 * The detail line of a non-2xx answer: `404 ProductNotFound: Product … was not found`. The code
 * is for support and scripts; the sentence is said here and nowhere else in the problem.
 */
function statusDetail(status: number, said: ServerSays): string {
	const head = said.code ? `${status} ${said.code}` : String(status);
	if (said.message) return `${head}: ${said.message}`;
	return said.code ? head : `HTTP ${status}`;
}

/** The human part of an error body whose shape is not known: JSON, text or HTML. */
export function serverMessage(body: string): string | undefined {
	return readErrorBody(body).message;
}

/**
 * Reads an error body of any shape (docs/service.md, Errors: never assume one). The licensing
 * service answers `{"errorCode", "reason"}`, and its `reason` may carry another service's JSON
 * after a method name (`GetProductDetailsByProductIdAsync failed{"errorCode":"ProductNotFound",
 * "message":…}`): the innermost sentence and code win, since the outer ones only say that a call
 * failed. Other JSON shapes (`{error: {code, message}}`, OAuth's `error_description`), text and
 * HTML still work.
 */
export function readErrorBody(body: string): ServerSays {
	const text = body.trim();
	if (!text) return {};
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		// not JSON: text or HTML, below
	}
	if (json !== undefined) {
		const said = fromJson(json, 0);
		// JSON with no words anyone knows is still better shown than hidden.
		return said.message || said.code ? clipped(said) : {message: clip(text)};
	}
	const plain = text.replace(/<(head|script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
	return plain ? clipped(fromText(plain, 0)) : {};
}

// Each level of JSON inside a string is one more service in a chain; a few are plenty.
const MAX_NESTING = 4;
const MESSAGE_KEYS = ['message', 'reason', 'error_description', 'Message', 'detail', 'title'] as const;
const CODE_KEYS = ['errorCode', 'code'] as const;

function fromJson(json: unknown, depth: number): ServerSays {
	if (typeof json === 'string') return fromText(json, depth);
	if (!json || typeof json !== 'object' || Array.isArray(json)) return {};
	const record = json as Record<string, unknown>;
	const code = firstString(record, CODE_KEYS);
	const message = firstString(record, MESSAGE_KEYS);
	let said: ServerSays = {};
	if (message !== undefined) said = fromText(message, depth);
	// `{error: {code, message}}` (OData) or `{error: "text"}`: the inner part says it.
	else if (record.error !== undefined) said = fromJson(record.error, depth);
	return {message: said.message, code: said.code ?? code};
}

/** A sentence, or a sentence with a JSON object inside it: the object's own words are preferred. */
function fromText(text: string, depth: number): ServerSays {
	const nested = depth < MAX_NESTING ? embeddedObject(text) : undefined;
	if (!nested) return {message: text.trim() || undefined};
	const said = fromJson(nested.value, depth + 1);
	// Without words of its own, the text before the object ("… failed") is better than raw JSON.
	return {message: said.message ?? (text.slice(0, nested.start).trim() || undefined), code: said.code};
}

// Bounds for looking for an object inside a string: error bodies are small; a huge one is not
// worth a long scan.
const MAX_SCAN_CHARS = 64 * 1024;
const MAX_CANDIDATES = 16;

/** The first `{` in the text that starts a JSON object which parses, with where it starts. */
function embeddedObject(text: string): {value: Record<string, unknown>; start: number} | undefined {
	const scanned = text.length > MAX_SCAN_CHARS ? text.slice(0, MAX_SCAN_CHARS) : text;
	let start = scanned.indexOf('{');
	for (let tries = 0; start !== -1 && tries < MAX_CANDIDATES; tries++) {
		const end = objectEnd(scanned, start);
		if (end !== undefined) {
			try {
				const value: unknown = JSON.parse(scanned.slice(start, end + 1));
				if (value && typeof value === 'object' && !Array.isArray(value)) return {value: value as Record<string, unknown>, start};
			} catch {
				// balanced, but not JSON: try the next brace
			}
		}
		start = scanned.indexOf('{', start + 1);
	}
	return undefined;
}

/** Where the object opened at `start` closes (braces inside JSON strings do not count). */
function objectEnd(text: string, start: number): number | undefined {
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const c = text[i];
		if (inString) {
			if (c === '\\') i++;
			else if (c === '"') inString = false;
		} else if (c === '"') inString = true;
		else if (c === '{') depth++;
		else if (c === '}' && --depth === 0) return i;
	}
	return undefined;
}

function firstString(record: Record<string, unknown>, keys: readonly string[]): string | undefined {
	for (const key of keys) {
		const value = record[key];
		if (typeof value === 'string' && value.trim()) return value;
	}
	return undefined;
}

function clipped(said: ServerSays): ServerSays {
	return {
		...(said.message ? {message: clip(said.message)} : {}),
		...(said.code ? {code: clip(said.code)} : {}),
	};
}

function clip(text: string): string {
	return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

function attemptsNote(error: HttpError): string {
	return error.attempts > 1 ? `${error.attempts} times` : 'once';
}

function describeResource(context: RequestContext): string {
	const resource = context.resource;
	if (!resource) return 'the policies';
	if (resource.scope === 'product') return `product ${resource.id}`;
	if (resource.scope === 'offerType') return `offer type ${resource.id}`;
	return `policy ${resource.id}`;
}

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

function pathOf(url: string): string {
	try {
		return new URL(url).pathname;
	} catch {
		return '';
	}
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}

function causeMessage(error: unknown): string | undefined {
	const parts: string[] = [];
	for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
		if (e instanceof Error && e.message && !parts.includes(e.message)) parts.push(e.message);
		e = (e as {cause?: unknown}).cause;
	}
	return parts.join(': ') || undefined;
}

/** "Client network socket disconnected before secure TLS connection was established": the module's "underlying connection was closed" (docs/service.md, TLS, proxies and certificates). */
function isTlsHandshakeDrop(error: unknown): boolean {
	for (let e: unknown = error, depth = 0; e && depth < 6; depth++) {
		if (e instanceof Error && /before secure TLS connection|tls.*alert|ssl.*alert|wrong version number|protocol version/i.test(e.message)) return true;
		e = (e as {cause?: unknown}).cause;
	}
	return false;
}

export function problem(
	kind: ProblemKind,
	title: string,
	extra: Partial<Omit<Problem, 'kind' | 'title'>>,
): Problem {
	return {kind, title, hints: [], retryable: false, ...extra};
}
