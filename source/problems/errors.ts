/**
 * The error types the program throws on purpose. Everything else (undici, MSAL, Node) is
 * recognised by source/problems/classify.ts from its code and message.
 */

/** Bad input from the user: a flag, ID, value or file. Exit 2, nothing changed. */
export class UsageError extends Error {
	override name = 'UsageError';
	constructor(
		message: string,
		readonly hints: string[] = [],
	) {
		super(message);
	}
}

/** No account to act as: not signed in, or the session cannot be renewed silently. `hints` come before the one to sign in. */
export class NotSignedInError extends Error {
	override name = 'NotSignedInError';
	constructor(
		message?: string,
		readonly hints: string[] = [],
	) {
		super(message);
	}
}

/**
 * No Microsoft Graph token to read or change the tenant-wide switches with (docs/switches.md):
 * Graph needs a sign-in of its own. Its hints replace the licensing sign-in's.
 */
export class GraphNotSignedInError extends NotSignedInError {
	override name = 'GraphNotSignedInError';
}

/** The user stopped it (Esc, Ctrl-C). */
export class CancelledError extends Error {
	override name = 'CancelledError';
	constructor(message = 'Cancelled') {
		super(message);
	}
}

/** A write the service answered (2xx) whose answer does not hold the value asked for. */
export class NotAppliedError extends Error {
	override name = 'NotAppliedError';
	constructor(
		readonly rowName: string,
		readonly wanted: string,
		readonly held: string,
		readonly correlationId?: string,
	) {
		super(`The service answered the write of ${rowName} but still holds ${held} (asked for ${wanted})`);
	}
}

/** The audit log could not be written: no write is sent that the log cannot tell about. */
export class AuditLogError extends Error {
	override name = 'AuditLogError';
	constructor(
		readonly file: string,
		options: {cause: unknown},
	) {
		const cause = options.cause;
		super(`The audit log ${file} could not be written: ${cause instanceof Error ? cause.message : String(cause)}`, options);
	}
}

/**
 * A Microsoft Graph request for the tenant-wide switches (source/switches/): which object, and
 * what it takes to read or change it, so a 403 names the permission and the role.
 */
export type GraphRequest = {
	/** The Graph object: authorizationPolicy, appsAndServices. */
	object: string;
	/** Whether it is Graph's beta API. */
	beta: boolean;
	/** A change (PATCH) rather than a read. */
	write: boolean;
	/** The delegated permission this request needs. */
	permission: string;
	/** Who may change the object (roles), for the hint of a 403. */
	roles: string;
};

/** What a failed request was about, so a problem can name the row and the right hint. */
export type RequestContext = {
	method: string;
	url: string;
	correlationId?: string;
	/** The proxy the request went through, if any. */
	proxy?: string;
	/** The product or offer type the request was about. */
	resource?: {scope: 'product' | 'offerType' | 'policy'; id: string};
	/** The account is acting in a tenant it is not at home in (a partner through GDAP). */
	partner?: boolean;
	/** A Microsoft Graph request (the tenant-wide switches). */
	graph?: GraphRequest;
	/**
	 * After a certificate no trusted root vouched for: `checked`, the operating system's trust store
	 * was trusted too (Node 22.15+); `unavailable`, the runtime cannot read it (Node 20).
	 */
	systemTrustStore?: 'checked' | 'unavailable';
};

/**
 * Certificates that chain to no root this process trusts (the TLS error codes): untrusted
 * problems (classify.ts), and what the operating system's trust store may still vouch for
 * (net/http.ts). UND_ERR_PRX_TLS: undici's SecureProxyConnectionError, the check failed through a proxy.
 */
export const UNKNOWN_ISSUER: ReadonlySet<string> = new Set([
	'SELF_SIGNED_CERT_IN_CHAIN',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'CERT_UNTRUSTED',
	'UND_ERR_PRX_TLS',
]);

/** A request that never got an answer: DNS, connect, TLS, proxy, timeout, dropped connection. */
export class NetworkError extends Error {
	override name = 'NetworkError';
	constructor(
		readonly context: RequestContext,
		options: {cause: unknown},
	) {
		super(`${context.method} ${context.url} failed: ${describe(options.cause)}`, options);
	}
}

/** An answer with a status other than 2xx. The body is kept as text: its shape is not known. */
export class HttpError extends Error {
	override name = 'HttpError';
	constructor(
		readonly status: number,
		readonly body: string,
		readonly headers: Record<string, string>,
		readonly context: RequestContext,
		/** How many tries it took before giving up (429/503 are retried). */
		readonly attempts = 1,
	) {
		super(`${context.method} ${context.url} answered ${status}`);
	}
}

/** A 2xx answer that does not have the documented shape. */
export class MalformedResponseError extends Error {
	override name = 'MalformedResponseError';
	constructor(
		readonly context: RequestContext,
		readonly reason: string,
	) {
		super(`${context.method} ${context.url}: the answer did not have the expected shape (${reason})`);
	}
}

/**
 * A 3xx answer. Never followed: the licensing and sign-in services do not redirect, so a redirect
 * means a wrong URL or something in between (a proxy, a captive portal) answering instead.
 */
export class RedirectError extends Error {
	override name = 'RedirectError';
	constructor(
		readonly context: RequestContext,
		readonly status: number,
		/** The Location header as sent, if any (outside text). */
		readonly location: string | undefined,
	) {
		super(`${context.method} ${context.url} answered ${status}, redirecting to ${location ?? '(no Location)'}: not followed`);
	}
}

/** How far an answer had come when a limit stopped it. */
export type AnswerProgress = {
	/** The status, once the headers had arrived. */
	status?: number;
	/** Body bytes received so far. */
	received: number;
	/** The Content-Length the answer declared, if any. */
	expected?: number;
};

/** No complete answer (headers and the whole body) within the deadline of one attempt (--timeout). */
export class AnswerTooSlowError extends Error {
	override name = 'AnswerTooSlowError';
	constructor(
		readonly context: RequestContext,
		readonly timeoutMs: number,
		readonly progress: AnswerProgress,
	) {
		super(`${context.method} ${context.url}: no complete answer within ${timeoutMs} ms`);
	}
}

/** An answer larger than the size cap: reading stopped as soon as it was passed. */
export class AnswerTooLargeError extends Error {
	override name = 'AnswerTooLargeError';
	constructor(
		readonly context: RequestContext,
		readonly limitBytes: number,
		readonly progress: AnswerProgress,
	) {
		super(`${context.method} ${context.url}: the answer is larger than ${limitBytes} bytes`);
	}
}

function describe(error: unknown): string {
	if (error instanceof Error) {
		const code = (error as {code?: unknown}).code;
		return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
	}
	return String(error);
}

/** The `code` of an error or of the first cause that has one (undici wraps socket errors). */
export function errorCode(error: unknown): string | undefined {
	for (let e: unknown = error, depth = 0; e && depth < 6; depth++) {
		const code = (e as {code?: unknown}).code;
		if (typeof code === 'string' && code !== 'UND_ERR') return code;
		e = (e as {cause?: unknown}).cause;
	}
	return undefined;
}

/**
 * Graph's beta object answered 404 or 400 to a read: it is not offered in this tenant or cloud
 * (adminAppsAndServices exists in the global service only). The other switches still work.
 */
export class BetaUnavailableError extends Error {
	override name = 'BetaUnavailableError';
	constructor(
		readonly context: RequestContext & {graph: GraphRequest},
		readonly status: number,
		readonly body: string,
		readonly headers: Record<string, string>,
	) {
		super(`${context.method} ${context.url} answered ${status}: ${context.graph.object} (beta) is not available`);
	}
}

/**
 * A write the service accepted (2xx) that could not be read back to check it: whether it holds
 * the value asked for is not known until a later read (the write engine re-reads it).
 */
export class UnverifiedWriteError extends Error {
	override name = 'UnverifiedWriteError';
	constructor(
		readonly rowName: string,
		readonly correlationId: string | undefined,
		options: {cause: unknown},
	) {
		super(`The write of ${rowName} was accepted, but reading it back failed`, options);
	}
}
