/**
 * Sign-in failures: MSAL's errors carry little (a device-code poll failure is only
 * "post_request_failed: invalid_grant"), so source/auth keeps the identity service's own answer
 * (AADSTS code and text) and any network failure beside MSAL's error, and this turns them into
 * a Problem with a hint for each AADSTS code (docs/sign-in.md, AADSTS codes).
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

/**
 * A sign-in for another resource than the licensing service (Microsoft Graph, for the
 * tenant-wide switches): which app asked for which permissions, and where an admin grants consent.
 */
export type ConsentContext = {
	/** The app's name, as a person finds it in Enterprise applications. */
	app: string;
	clientId: string;
	/** The delegated permissions asked for (Policy.Read.All, …). */
	permissions: string[];
	/** Microsoft's admin consent URL for the tenant: `{authority host}/{tenant}/adminconsent?client_id={client ID}`. */
	consentUrl: string;
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
		/** A sign-in to Microsoft Graph: what it asked for, for the consent hint (AADSTS65001). */
		readonly consent?: ConsentContext,
	) {
		super(original instanceof Error ? original.message : String(original), {cause: original});
	}
}

// The Azure PowerShell public client: Microsoft's own sign-in helper for Microsoft365DSC gets the
// licensing scope with it by device code (docs/sign-in.md).
export const AZURE_POWERSHELL_CLIENT_ID = '1950a258-227b-4e31-a9cf-717495945fc2';
const TRY_OTHER_CLIENT = `Try the Azure PowerShell public client: --client-id ${AZURE_POWERSHELL_CLIENT_ID} (or MSCOMMERCE_CLIENT_ID).`;
const OWN_APP = 'Or register your own app (steps in docs/sign-in.md: public client flows on, the License Manager permission, admin consent) and pass its --client-id.';
const NO_DEVICE_CODE = 'If your tenant blocks the device code flow, sign in with `mscommerce login --browser`, or use app-only sign-in (--client-id with --client-secret or --certificate, and --tenant).';

const AADSTS: Record<number, {title: string; hints: string[]}> = {
	7000218: {title: 'This app is not allowed to sign in with a device code', hints: [TRY_OTHER_CLIENT, OWN_APP]},
	700016: {title: 'The app (client ID) was not found in this tenant', hints: [TRY_OTHER_CLIENT, OWN_APP, 'Or check --tenant: the app may be registered in another tenant.']},
	50020: {
		title: 'This account has no access to that tenant',
		hints: [
			'It is not a member or guest there, and no partner (GDAP) relationship gives it access: check --tenant, or pick an account of that tenant with --account (`mscommerce account list`).',
		],
	},
	65001: {
		title: 'The app needs consent in this tenant',
		hints: ['A Global admin must grant consent to the app for the tenant (Entra ID → Enterprise applications).', TRY_OTHER_CLIENT, OWN_APP],
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
		title: 'Blocked by Conditional Access',
		hints: ['A Conditional Access policy blocks this sign-in (often the device code flow itself, a location or a device).', NO_DEVICE_CODE],
	},
	90002: {title: 'The tenant was not found', hints: ['Check --tenant (a domain such as contoso.onmicrosoft.com or the tenant ID).']},
	700082: {title: 'Your session has expired', hints: ['Sign in again: `mscommerce login`.']},
	70043: {title: 'Your session has expired', hints: ['Sign in again: `mscommerce login`.']},
	50126: {title: 'Wrong user name or password', hints: ['Sign in again with the right account (`mscommerce login`).']},
	7000229: {title: 'The app has no service principal in this tenant (never consented there)', hints: ["An admin of that tenant must consent to the app (admin consent URL: https://login.microsoftonline.com/<tenant>/adminconsent?client_id=<app's client ID>), or sign in to it another way in the tenants file (account: for a partner's GDAP access)."]},
	7000215: {title: 'The client secret is wrong', hints: ['Pass the secret\'s value (not its ID) with --client-secret or MSCOMMERCE_CLIENT_SECRET; a secret may also have expired (Entra ID → App registrations → Certificates & secrets).']},
	700027: {title: 'The certificate assertion was refused', hints: ['Upload the certificate of --certificate to the app registration (Certificates & secrets), and check the file holds that certificate and its private key.']},
	90009: {title: 'App-only sign-in needs a tenant', hints: ['Pass --tenant (a domain or tenant ID): an app gets tokens for one tenant, never for organizations or common.']},
	1002012: {title: 'The requested scope is not valid for app-only sign-in', hints: ['This is a bug: app-only sign-in asks for the licensing service\'s /.default scope.']},
	65004: {title: 'The sign-in was cancelled in the browser', hints: ['Run `mscommerce login --browser` again and approve it.']},
	50011: {title: 'The redirect URI is not registered for this app', hints: ['Add http://localhost (Mobile and desktop applications) to the app registration, or pass the registered one with --redirect-uri.']},
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
	const known =
		(code === CONSENT_REQUIRED && error.consent ? consentNeeded(error.consent) : undefined) ??
		(code !== undefined ? AADSTS[code] : undefined) ??
		OAUTH[answer?.error ?? ''] ??
		OAUTH[original.errorMessage ?? ''] ??
		OAUTH[original.errorCode ?? ''];
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

/** AADSTS65001: the app has no consent for what it asked, in this tenant. */
const CONSENT_REQUIRED = 65001;

/** The consent an admin must grant for a Graph sign-in: the app, the permissions, Microsoft's admin consent URL. */
function consentNeeded(consent: ConsentContext): {title: string; hints: string[]} {
	return {
		title: `${consent.app} needs admin consent in this tenant for ${consent.permissions.join(', ')}`,
		hints: [
			`An admin who may consent for the organization (Global Administrator, or Privileged Role Administrator) opens ${consent.consentUrl} and accepts; then run the command again.`,
			`Or grant it in Entra ID → Enterprise applications → ${consent.app} (${consent.clientId}) → Permissions, or pass your own app with these delegated permissions with --graph-client-id.`,
		],
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
