/**
 * Sign-in failures: MSAL's errors carry little (a device-code poll failure is only
 * "post_request_failed: invalid_grant"), so source/auth keeps the identity service's own answer
 * (AADSTS code and text) and any network failure beside MSAL's error, and this turns them into
 * a Problem with the hint API.md gives for each AADSTS code.
 */
import type {Problem} from './types.js';

/** The identity service's error answer, as its JSON body said it. */
export type IdentityAnswer = {
	error: string;
	description?: string;
	codes?: number[];
	correlationId?: string;
	status?: number;
};

export class SignInError extends Error {
	override name = 'SignInError';
	constructor(
		/** What MSAL threw (or our own reason). */
		readonly original: unknown,
		/** The identity service's last error answer during this sign-in, if any. */
		readonly answer?: IdentityAnswer,
		/** A request that never got an answer (network, TLS, proxy), if that is why. */
		readonly network?: unknown,
	) {
		super(original instanceof Error ? original.message : String(original), {cause: original});
	}
}

const CLIENT_HINT =
	'Register your own public client app in Entra ID (Authentication → "Allow public client flows": Yes; API permission for the M365 licensing service) and pass its ID with --client-id or MSCOMMERCE_CLIENT_ID.';

const AADSTS: Record<number, {title: string; hints: string[]}> = {
	7000218: {title: 'This app is not allowed to sign in with a device code', hints: [CLIENT_HINT]},
	700016: {title: 'The app (client ID) was not found in this tenant', hints: [CLIENT_HINT, 'Or check --tenant: the app may be registered in another tenant.']},
	50020: {
		title: 'Your account is not in this tenant',
		hints: ['Pass the tenant your account belongs to: --tenant contoso.onmicrosoft.com (or its tenant ID), or sign in with an account of this tenant.'],
	},
	65001: {
		title: 'The app needs consent before it can sign you in',
		hints: ['A Global admin must grant consent to the app for the tenant (Entra ID → Enterprise applications), or use your own app with --client-id.'],
	},
	50076: {
		title: 'Multi-factor authentication is required',
		hints: ['Complete MFA in the browser page where you entered the code, then sign in again (`mscommerce login`).'],
	},
	50079: {
		title: 'You must register for multi-factor authentication',
		hints: ['Register MFA at https://aka.ms/mfasetup, then sign in again (`mscommerce login`).'],
	},
	53003: {
		title: 'Blocked by a Conditional Access policy',
		hints: ['A Conditional Access policy blocks this sign-in (device code flow, location or device). Ask your admin to allow it, or sign in from a compliant device.'],
	},
	90002: {title: 'The tenant was not found', hints: ['Check --tenant (a domain such as contoso.onmicrosoft.com or the tenant ID).']},
	700082: {title: 'Your session has expired', hints: ['Sign in again: `mscommerce login`.']},
	70043: {title: 'Your session has expired', hints: ['Sign in again: `mscommerce login`.']},
	50126: {title: 'Wrong user name or password', hints: ['Sign in again with the right account (`mscommerce login`).']},
};

const OAUTH: Record<string, {title: string; hints: string[]}> = {
	authorization_declined: {title: 'The sign-in was declined', hints: ['Sign in again and approve the request (`mscommerce login`, or Enter for a new code).']},
	expired_token: {title: 'The sign-in code expired before it was used', hints: ['Ask for a new code (Enter in the dashboard, or run `mscommerce login` again) and enter it within its time.']},
	device_code_expired: {title: 'The sign-in code expired before it was used', hints: ['Ask for a new code (Enter in the dashboard, or run `mscommerce login` again) and enter it within its time.']},
	bad_verification_code: {title: 'The sign-in code was not recognised', hints: ['Run `mscommerce login` again for a new code.']},
};

/** The Problem for a SignInError; `classify` handles the network cause the same way as any request's. */
export function signInProblem(error: SignInError, classify: (e: unknown) => Problem): Problem {
	if (error.network) {
		const inner = classify(error.network);
		return {...inner, title: `Sign-in failed: ${lowerFirst(inner.title)}`};
	}
	const answer = error.answer;
	const original = error.original as {errorCode?: string; errorMessage?: string; correlationId?: string};
	const code = answer?.codes?.[0] ?? aadstsIn(answer?.description) ?? aadstsIn(original.errorMessage);
	const known = (code !== undefined ? AADSTS[code] : undefined) ?? OAUTH[answer?.error ?? ''] ?? OAUTH[original.errorMessage ?? ''] ?? OAUTH[original.errorCode ?? ''];
	const detail = firstLine(answer?.description) ?? [original.errorCode, original.errorMessage].filter(Boolean).join(': ') ?? error.message;
	return {
		kind: 'sign-in',
		title: known?.title ?? 'Sign-in failed',
		detail: code !== undefined && !detail?.includes(`AADSTS${code}`) ? `AADSTS${code}: ${detail}` : detail,
		hints: known?.hints ?? ['Try `mscommerce login` again; check --tenant, --client-id and --authority.'],
		correlationId: answer?.correlationId ?? original.correlationId,
		retryable: false,
	};
}

function aadstsIn(text: string | undefined): number | undefined {
	const match = /AADSTS(\d+)/.exec(text ?? '');
	return match ? Number(match[1]) : undefined;
}

function firstLine(text: string | undefined): string | undefined {
	// AAD appends "Trace ID: … Correlation ID: … Timestamp: …" on new lines; the first line is the message.
	return text?.split(/\r?\n/)[0]?.trim() || undefined;
}

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}

const EXPIRED = new Set(['expired_token', 'device_code_expired', 'code_expired']);

/** Whether a sign-in failed only because its code expired (a new code is the fix). */
export function isExpiredSignIn(error: SignInError): boolean {
	const original = error.original as {errorCode?: string; errorMessage?: string};
	return [error.answer?.error, original.errorCode, original.errorMessage].some(code => code !== undefined && EXPIRED.has(code));
}
