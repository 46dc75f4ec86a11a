/**
 * Small HTTP helpers: handlers return a Reply (status, headers, body) and the server writes it,
 * which lets fault injection replace an answer after the fact and the request log see every status.
 */
import type {IncomingHttpHeaders, IncomingMessage} from 'node:http';
import {randomUUID} from 'node:crypto';

export type Reply = {status: number; headers?: Record<string, string>; body?: string};

/** What one request looks like to a handler. */
export type Exchange = {
	method: string;
	url: URL;
	headers: IncomingHttpHeaders;
	contentType: string | undefined;
	body: string;
	correlationId: string;
	/** The base URL this request came in on (the main or the legacy-TLS listener). */
	baseUrl: string;
	/** Filled in by handlers for the request log. */
	note: {tenantId?: string; username?: string; fault?: string};
};

export const MAX_BODY_BYTES = 1024 * 1024;

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
	return {
		status,
		headers: {'content-type': 'application/json; charset=utf-8', ...headers},
		body: JSON.stringify(value),
	};
}

export function html(status: number, page: string, headers: Record<string, string> = {}): Reply {
	return {status, headers: {'content-type': 'text/html; charset=utf-8', ...headers}, body: page};
}

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}

/**
 * The licensing service's JSON error body, as the public record shows it (docs/service.md, Errors):
 * `{"errorCode": "BadRequest", "reason": "Invalid scope."}`. The client must also read other
 * shapes (text, HTML: the 5xx pages below), so the emulator keeps sending those where it did.
 */
export function serviceError(status: number, code: string, reason: string): Reply {
	return json(status, {errorCode: code, reason});
}

/** A 5xx as a gateway in front of a real service answers it: an HTML page. */
export function serverErrorPage(status: number, correlationId: string, headers: Record<string, string> = {}): Reply {
	const title = status === 503 ? '503 Service Unavailable' : status === 502 ? '502 Bad Gateway' : '500 Internal Server Error';
	return html(
		status,
		`<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1>` +
			`<p>The service could not complete the request. Try again later.</p>` +
			`<p>Correlation ID: ${escapeHtml(correlationId)}</p></body></html>\n`,
		headers,
	);
}

/** A Graph request's IDs: `request-id` is the service's own, `client-request-id` the client's (echoed) or the same. */
export type GraphIds = {requestId: string; clientRequestId: string};

/** The client's `client-request-id` when it is fit to send back in a header (Graph echoes it), else undefined. */
export function echoableRequestId(value: string | undefined): string | undefined {
	return value !== undefined && /^[\w.:-]{1,128}$/.test(value) ? value : undefined;
}

/**
 * Microsoft Graph's error envelope (docs/graph.md, Errors): `{"error": {"code", "message",
 * "innerError": {"date", "request-id", "client-request-id"}}}`, the date in Graph's format
 * (`2026-11-30T10:00:00`: seconds, no zone).
 */
export function graphError(status: number, code: string, message: string, ids: GraphIds, headers: Record<string, string> = {}): Reply {
	const innerError = {date: new Date().toISOString().slice(0, 19), 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId};
	return json(status, {error: {code, message, innerError}}, headers);
}

/** Entra ID's timestamp format in error descriptions: `2024-05-01 12:34:56Z`. */
function aadTimestamp(date: Date): string {
	return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/**
 * Entra ID's OAuth error body: `{error, error_description: "AADSTS…: …\r\nTrace ID: …\r\nCorrelation
 * ID: …\r\nTimestamp: …", error_codes, timestamp, trace_id, correlation_id, error_uri, suberror?,
 * claims?}` (the CRLFs are Entra's own).
 */
export function aadError(
	baseUrl: string,
	status: number,
	error: string,
	code: number | undefined,
	message: string,
	correlationId: string,
	extra: {suberror?: string; claims?: string} = {},
): Reply {
	const traceId = randomUUID();
	const timestamp = aadTimestamp(new Date());
	const prefix = code === undefined ? '' : `AADSTS${code}: `;
	const body: Record<string, unknown> = {
		error,
		error_description: `${prefix}${message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
		error_codes: code === undefined ? [] : [code],
		timestamp,
		trace_id: traceId,
		correlation_id: correlationId,
	};
	if (code !== undefined) body.error_uri = `${baseUrl}/error?code=${code}`;
	if (extra.suberror) body.suberror = extra.suberror;
	if (extra.claims) body.claims = extra.claims;
	return json(status, body);
}

export async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		const buffer = chunk as Buffer;
		size += buffer.length;
		if (size > MAX_BODY_BYTES) throw new Error('body too large');
		chunks.push(buffer);
	}
	return Buffer.concat(chunks).toString('utf8');
}

/** A form (`application/x-www-form-urlencoded`) or JSON object body as string fields. */
export function formOrJson(contentType: string | undefined, body: string): Record<string, string> {
	const fields: Record<string, string> = {};
	if ((contentType ?? '').toLowerCase().includes('json')) {
		try {
			const parsed: unknown = JSON.parse(body);
			if (typeof parsed === 'object' && parsed !== null) {
				for (const [key, value] of Object.entries(parsed)) {
					if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[key] = String(value);
				}
			}
		} catch {
			// an unparsable body has no fields
		}
		return fields;
	}
	for (const [key, value] of new URLSearchParams(body)) fields[key] = value;
	return fields;
}
