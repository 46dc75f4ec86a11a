/** Every failure, classified once, in the shape both faces show it. */

export const PROBLEM_KINDS = [
	'tls-protocol', // handshake reset or protocol version: TLS 1.2+ required, something in between downgrades it
	'tls-untrusted', // certificate not trusted, expired or for another host
	'proxy', // proxy unreachable or refusing the tunnel
	'proxy-auth', // 407 from the proxy
	'dns', // host name not found
	'timeout', // connect / headers / body timeout, or no complete answer within --timeout
	'connection', // refused, reset, dropped
	'unauthorized', // 401: sign in again
	'forbidden', // 403: role missing
	'not-found', // 404: unknown product / offer type / policy
	'refused', // 400 / 409 / 422: the service refused the value
	'throttled', // 429 after retries
	'server', // 5xx after retries
	'malformed', // the answer did not have the documented shape
	'too-large', // the answer passed the size cap: reading stopped there (a proxy or a wrong URL, not the service)
	'redirected', // a 3xx answer: never followed (a wrong URL, or a proxy or captive portal answering instead)
	'not-applied', // a write answered 2xx but the row does not hold the value asked for
	'unverified', // a write answered 2xx but reading it back failed: whether it applied is not known yet
	'audit-log', // the audit log could not be written: writes stop, nothing is sent unlogged
	'sign-in', // sign-in failed (AADSTS, declined, expired code)
	'not-signed-in', // no account in the cache and no token
	'unavailable', // a Microsoft Graph beta object this tenant or cloud does not offer
	'usage', // bad flag, ID, value or file
	'cancelled', // the user stopped it
	'unknown',
] as const;

export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export type Problem = {
	kind: ProblemKind;
	/** One line, what went wrong, in the user's terms. */
	title: string;
	/** The underlying message (server text, error code), for the curious and for support. */
	detail?: string;
	/** What to do, each naming the fix (a flag, an environment variable, a role). */
	hints: string[];
	/** The x-ms-correlation-id of the failed request: what Microsoft support asks for. */
	correlationId?: string;
	/** Whether trying the same thing again may work (network, throttling, 5xx). */
	retryable: boolean;
	/** HTTP status, where there was one. */
	status?: number;
};
