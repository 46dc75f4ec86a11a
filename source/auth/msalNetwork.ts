/**
 * MSAL's HTTP goes through our Net (system.networkClient), so proxy, CA, timeouts and retries
 * apply to sign-in as to everything else. Beside sending, this module keeps what MSAL drops:
 * the identity service's own error answer (AADSTS code and text) and the network failure behind
 * MSAL's generic "endpoints could not be resolved", so that source/problems can name the fix.
 */
import {LogLevel, type INetworkModule, type NetworkRequestOptions, type NetworkResponse, type NodeSystemOptions} from '@azure/msal-node';
import {setTimeout as sleep} from 'node:timers/promises';
import type {Net} from '../net/http.js';
import {CancelledError} from '../problems/errors.js';
import type {IdentityAnswer} from '../problems/signIn.js';
import {safeText} from '../text/safe.js';

/** RFC 8628 §3.5: after slow_down, poll this much less often, for the rest of that code's life. */
export const SLOW_DOWN_STEP_MS = 5_000;

export class MsalNetwork implements INetworkModule {
	/** The identity service's last error answer (cleared when a sign-in starts). */
	lastAnswer: IdentityAnswer | undefined;
	/** The last request that never got an answer. */
	lastNetworkError: unknown;
	private signal: AbortSignal | undefined;
	private readonly extraDelay = new Map<string, number>();

	constructor(
		private readonly net: Net,
		private readonly slowDownStepMs = SLOW_DOWN_STEP_MS,
		/** Told of an authority's OpenID configuration when MSAL fetches it (to be cached). */
		private readonly onAuthorityMetadata?: (metadata: Record<string, unknown>) => void,
	) {}

	/** Starts a new sign-in: forgets the last failure and stops sending once `signal` aborts. */
	begin(signal?: AbortSignal): void {
		this.lastAnswer = undefined;
		this.lastNetworkError = undefined;
		this.signal = signal;
	}

	async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
		return this.send<T>('GET', url, options, timeout);
	}

	async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
		const deviceCode = deviceCodeOf(options?.body);
		const extra = deviceCode ? (this.extraDelay.get(deviceCode) ?? 0) : 0;
		if (extra > 0) await this.wait(extra);
		const response = await this.send<T>('POST', url, options);
		const body = response.body as {error?: unknown} | undefined;
		if (deviceCode && body?.error === 'slow_down') {
			// MSAL-node treats slow_down as a failure; the protocol says: keep polling, less often.
			this.extraDelay.set(deviceCode, extra + this.slowDownStepMs);
			return {...response, body: {...body, error: 'authorization_pending'} as T};
		}
		return response;
	}

	private async send<T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
		if (this.signal?.aborted) throw new CancelledError();
		let response;
		try {
			response = await this.net.send({
				method,
				url,
				headers: options?.headers,
				body: method === 'POST' ? (options?.body ?? '') : undefined,
				timeoutMs: timeout,
				signal: this.signal,
				correlationId: options?.correlationId,
			});
		} catch (error) {
			this.lastNetworkError = error;
			throw error;
		}
		let body: unknown;
		try {
			body = JSON.parse(response.body);
		} catch {
			// MSAL reads an object; an HTML or empty answer is still an answer with a status.
			body = {error: 'invalid_response', error_description: `HTTP ${response.status}: the answer was not JSON`};
		}
		const record = body as Record<string, unknown>;
		if (method === 'GET' && response.status === 200 && url.includes('/.well-known/openid-configuration') && typeof record.token_endpoint === 'string') {
			this.onAuthorityMetadata?.(record);
		}
		if (typeof record.error === 'string' && record.error !== 'authorization_pending' && record.error !== 'slow_down') {
			this.lastAnswer = {
				error: record.error,
				description: typeof record.error_description === 'string' ? record.error_description : undefined,
				codes: Array.isArray(record.error_codes) ? record.error_codes.filter((c): c is number => typeof c === 'number') : undefined,
				correlationId: typeof record.correlation_id === 'string' ? record.correlation_id : undefined,
				status: response.status,
			};
		}
		return {headers: response.headers, body: body as T, status: response.status};
	}

	private async wait(ms: number): Promise<void> {
		try {
			await sleep(ms, undefined, {signal: this.signal});
		} catch {
			throw new CancelledError();
		}
	}
}

function deviceCodeOf(body: string | undefined): string | undefined {
	if (!body || !body.includes('device_code')) return undefined;
	const params = new URLSearchParams(body);
	const grant = params.get('grant_type') ?? '';
	// MSAL sends 'device_code'; RFC 8628's name is the URN ending in ':device_code'.
	return grant === 'device_code' || grant.endsWith(':device_code') ? (params.get('device_code') ?? undefined) : undefined;
}

/**
 * MSAL's system options, the same for the public and the confidential client: our network module
 * (one dispatcher, one retry policy for all HTTP, so MSAL's own retries are off), and its log on
 * stderr only under MSCOMMERCE_DEBUG, without personal data, made safe (it quotes servers).
 */
export function msalSystem(network: MsalNetwork): NodeSystemOptions {
	const debug = Boolean(process.env.MSCOMMERCE_DEBUG);
	return {
		networkClient: network,
		disableInternalRetries: true,
		loggerOptions: {
			piiLoggingEnabled: false,
			logLevel: debug ? LogLevel.Warning : LogLevel.Error,
			loggerCallback: (_level, message) => {
				if (debug) process.stderr.write(`msal: ${safeText(message)}\n`);
			},
		},
	};
}
