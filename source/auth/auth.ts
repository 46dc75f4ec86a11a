/**
 * Sign-in: MSAL's device code flow, silent reuse from the 0600 cache, several accounts and
 * tenants in one cache, and `--token` for a raw bearer token. One configuration for Microsoft,
 * sovereign clouds and any https authority: nothing here knows about the emulator.
 */
import {
	CryptoProvider,
	InteractionRequiredAuthError,
	PublicClientApplication,
	type AccountInfo,
	type AuthenticationResult,
	type DeviceCodeRequest,
} from '@azure/msal-node';
import {rm} from 'node:fs/promises';
import {join} from 'node:path';
import {randomUUID} from 'node:crypto';
import {DEFAULT_CLIENT_ID, isMultiTenant, LICENSING_SCOPE, type Settings} from '../config.js';
import {AppOnlyClient, appCredentialOf, type AppCredential} from './appOnly.js';
import {listenForRedirect, redirectFor} from './browser.js';
import type {TokenSource} from '../commerce/client.js';
import type {Net} from '../net/http.js';
import {readPrivateFile, readPrivateFileSyncOrNothing, writePrivateFile} from '../privateFiles.js';
import {CancelledError, NotSignedInError, UsageError} from '../problems/errors.js';
import {SignInError} from '../problems/signIn.js';
import type {AccountSummary, DeviceCodePrompt} from './types.js';
import {FileCachePlugin} from './cachePlugin.js';
import type {Protection} from './cacheProtection.js';
import {readClaims, rolesOf, type TokenClaims} from './claims.js';
import {MsalNetwork, msalSystem} from './msalNetwork.js';

export type AuthOptions = {
	settings: Pick<Settings, 'clientId' | 'authority' | 'tenant' | 'token' | 'configDir' | 'account' | 'clientSecret' | 'certificate'> & {env?: NodeJS.ProcessEnv};
	net: Net;
	/** Persist the cache under settings.configDir (default), or keep it in memory (the demo). */
	persist?: boolean;
	warn?: (line: string) => void;
	/** RFC 8628's slow_down step; tests shorten it. */
	slowDownStepMs?: number;
};

export type SignedIn = AccountSummary & {expiresOn?: Date; claims?: TokenClaims; source: 'cache' | 'device-code' | 'browser' | 'token' | 'app-secret' | 'app-certificate'};

/** How `login --browser` listens for the browser's return (docs/sign-in.md). */
export type BrowserOptions = {
	/** --redirect-uri: the registered redirect, used as given. */
	redirectUri?: string;
	/** --port: the loopback port (else a free one). */
	port?: number;
	/** Told the URL to open, and the port (for an `ssh -L` line). */
	onUrl: (url: string, port: number) => void;
	signal: AbortSignal;
};

/** AADSTS50020: the account is neither member, guest nor partner (GDAP) in the tenant asked for. */
const NO_ACCESS_TO_TENANT = 50020;

export class Auth {
	private readonly network: MsalNetwork;
	private readonly pca: PublicClientApplication | undefined;
	/** The token cache file's plugin: undefined for --token, app-only and the demo's memory cache. */
	private readonly cacheFile: FileCachePlugin | undefined;
	/** App-only sign-in (--client-secret / --certificate): no account, no cache on disk. */
	private readonly app: AppOnlyClient | undefined;
	private readonly appCredential: AppCredential | undefined;
	private account: AccountInfo | undefined;
	private accessToken: string | undefined;
	/** The tenant of the last token (`tid`). */
	private tokenTenant: string | undefined;
	private readonly currentFile: string;

	constructor(private readonly options: AuthOptions) {
		const {settings} = options;
		this.currentFile = join(settings.configDir, 'current-account.json');
		const metadata = new AuthorityMetadataCache(join(settings.configDir, 'authority-metadata.json'), settings.authority, options.persist !== false);
		this.network = new MsalNetwork(options.net, options.slowDownStepMs, found => metadata.save(found));
		if (settings.token) return; // --token: MSAL is never involved
		this.appCredential = appCredentialOf(settings);
		if (this.appCredential) {
			this.app = new AppOnlyClient(settings, this.appCredential, this.network, metadata.load());
			return;
		}
		this.cacheFile = options.persist === false ? undefined : new FileCachePlugin(join(settings.configDir, 'msal-cache.json'), options.warn ?? (() => undefined), settings.env);
		this.pca = new PublicClientApplication({
			auth: {
				clientId: settings.clientId,
				authority: settings.authority,
				// Trust the configured authority's own metadata ({authority}/v2.0/.well-known/openid-configuration)
				// instead of asking login.microsoftonline.com's instance discovery about it: the same for
				// Microsoft's hosts, sovereign clouds and any other https authority.
				knownAuthorities: [new URL(settings.authority).host],
				// MSAL knows Microsoft's own authorities; any other's configuration it fetches on every
				// run. Kept for a day, it saves that round trip (and its TLS handshake) at each start.
				authorityMetadata: metadata.load(),
			},
			cache: this.cacheFile ? {cachePlugin: this.cacheFile} : undefined,
			system: msalSystem(this.network),
		});
	}

	/** A token source for the licensing client: cached token, silent renewal after a 401. */
	readonly token: TokenSource = async ({renew} = {}) => {
		if (this.options.settings.token) return this.options.settings.token;
		if (this.accessToken && !renew) return this.accessToken;
		const signedIn = await this.signInSilently({forceRefresh: Boolean(renew)});
		if (!signedIn || !this.accessToken) throw new NotSignedInError('Not signed in');
		return this.accessToken;
	};

	/** The accounts in the cache. */
	async accounts(): Promise<AccountInfo[]> {
		if (!this.pca) return [];
		// MSAL lists an account once per tenant it has tokens for (a partner's customers): one each, as at home.
		const byHome = new Map<string, AccountInfo>();
		for (const account of await this.pca.getTokenCache().getAllAccounts()) {
			const seen = byHome.get(account.homeAccountId);
			if (!seen || account.tenantId === homeTenantOf(account)) byHome.set(account.homeAccountId, account);
		}
		return [...byHome.values()];
	}

	/** Signs in without asking the user: --token, or the cache (refreshing if needed). Undefined: a device code is needed. */
	/**
	 * How the token cache file is protected at rest (auth/cacheProtection.ts): encrypted with a key
	 * in the OS keyring, or file permissions only; undefined when no cache file is used (--token,
	 * app-only, the demo).
	 */
	async cacheProtection(): Promise<Protection | undefined> {
		return this.cacheFile?.protection();
	}

	async signInSilently(options: {forceRefresh?: boolean} = {}): Promise<SignedIn | undefined> {
		if (options.forceRefresh) return this.signInSilentlyNow(true);
		// Callers at the same moment (a tenant's lists and its "who" in a fleet) share one sign-in:
		// one token request, one look at the authority's configuration.
		this.silentInFlight ??= this.signInSilentlyNow(false).finally(() => {
			this.silentInFlight = undefined;
		});
		return this.silentInFlight;
	}

	private silentInFlight: Promise<SignedIn | undefined> | undefined;

	private async signInSilentlyNow(forceRefresh: boolean): Promise<SignedIn | undefined> {
		const options = {forceRefresh};
		const raw = this.options.settings.token;
		if (raw) {
			const claims = readClaims(raw);
			this.accessToken = raw;
			return {...summarise(claims), expiresOn: claims?.expiresAt, claims, source: 'token'};
		}
		if (this.app) return this.signInAsApp(Boolean(options.forceRefresh));
		const pca = this.pca!;
		const account = await this.chooseAccount();
		if (!account) return undefined;
		this.network.begin();
		try {
			const result = await pca.acquireTokenSilent({account: this.inTenant(account), scopes: [LICENSING_SCOPE], forceRefresh: options.forceRefresh});
			return this.remember(result, 'cache');
		} catch (error) {
			if (error instanceof InteractionRequiredAuthError) return undefined;
			if (this.network.lastNetworkError) throw new SignInError(error, undefined, this.network.lastNetworkError);
			// A refresh token the service no longer accepts (expired, revoked): sign in again. But an
			// account with no access to this tenant (AADSTS50020: a partner without GDAP there) would
			// be no better off signing in again: that is said as it is.
			const answer = this.network.lastAnswer;
			if (answer?.error === 'invalid_grant' && !answer.codes?.includes(NO_ACCESS_TO_TENANT)) return undefined;
			throw new SignInError(error, this.network.lastAnswer);
		}
	}

	/** Device-code sign-in. onPrompt shows the code; aborting `signal` stops polling at once. */
	/** App-only: a token by client credentials (secret or certificate); never cached on disk. */
	private async signInAsApp(renew: boolean): Promise<SignedIn> {
		this.network.begin();
		try {
			const result = await this.app!.token(renew);
			this.accessToken = result.accessToken;
			const claims = readClaims(result.accessToken);
			return {...summarise(claims), expiresOn: result.expiresOn ?? claims?.expiresAt, claims, source: this.appCredential?.kind === 'certificate' ? 'app-certificate' : 'app-secret'};
		} catch (error) {
			if (error instanceof UsageError) throw error;
			if (this.network.lastNetworkError) throw new SignInError(error, undefined, this.network.lastNetworkError);
			throw new SignInError(error, this.network.lastAnswer);
		}
	}

	private refuseInteractive(how: string): void {
		if (this.options.settings.token) {
			throw new UsageError(`--token / MSCOMMERCE_TOKEN is set: there is nothing to sign in to (unset it to sign in ${how})`);
		}
		if (this.app) {
			throw new UsageError('app-only sign-in (--client-secret / --certificate) needs no login: every command gets its token by itself (try `mscommerce whoami`)');
		}
	}

	/**
	 * `login --browser`: authorization code with PKCE. Prints (onUrl) the URL to open; the browser
	 * comes back to a loopback listener with a code, which MSAL redeems. Same cache and accounts
	 * as device code.
	 */
	async signInWithBrowser(options: BrowserOptions): Promise<SignedIn> {
		this.refuseInteractive('in a browser');
		const pca = this.pca!;
		const {clientId} = this.options.settings;
		// The module's app registered this path; other apps usually register http://localhost.
		const path = clientId.toLowerCase() === DEFAULT_CLIENT_ID ? '/m365/commerce' : '/';
		const loopback = await listenForRedirect(redirectFor({redirectUri: options.redirectUri, port: options.port, path}));
		try {
			const {verifier, challenge} = await new CryptoProvider().generatePkceCodes();
			const state = randomUUID();
			const redirectUri = loopback.redirect.uri;
			this.network.begin(options.signal);
			const url = await pca.getAuthCodeUrl({scopes: [LICENSING_SCOPE], redirectUri, codeChallenge: challenge, codeChallengeMethod: 'S256', state, prompt: 'select_account'});
			options.onUrl(url, loopback.redirect.port);
			const code = await loopback.code(state, options.signal);
			this.network.begin(options.signal);
			const result = await pca.acquireTokenByCode({code, redirectUri, codeVerifier: verifier, scopes: [LICENSING_SCOPE]});
			await this.setCurrent(result.account);
			return this.remember(result, 'browser');
		} catch (error) {
			if (error instanceof UsageError || error instanceof CancelledError) throw error;
			if (options.signal.aborted) throw new CancelledError('Sign-in cancelled');
			if (this.network.lastNetworkError) throw new SignInError(error, undefined, this.network.lastNetworkError);
			throw new SignInError(error, this.network.lastAnswer);
		} finally {
			await loopback.close();
		}
	}

	async signInWithDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void, signal: AbortSignal): Promise<SignedIn> {
		this.refuseInteractive('with a device code');
		const result = await deviceCodeSignIn(this.pca!, this.network, [LICENSING_SCOPE], onPrompt, signal);
		await this.setCurrent(result.account);
		return this.remember(result, 'device-code');
	}

	/** Forgets one account (by user name) or all; resolves with the user names removed. */
	async logout(options: {username?: string; all?: boolean}): Promise<string[]> {
		if (!this.pca) throw new UsageError(this.app ? 'app-only sign-in keeps nothing on disk: there is nothing to forget' : '--token / MSCOMMERCE_TOKEN is set: there is no stored sign-in to forget');
		const cache = this.pca.getTokenCache();
		const accounts = await cache.getAllAccounts();
		let targets: AccountInfo[];
		options = {...options, username: options.username ?? this.options.settings.account};
		if (options.all) targets = accounts;
		else if (options.username) {
			targets = accounts.filter(a => a.username.toLowerCase() === options.username!.toLowerCase());
			if (targets.length === 0) {
				throw new UsageError(`--account: ${options.username} is not signed in (signed in: ${accounts.map(a => a.username).join(', ') || 'nobody'})`);
			}
		} else {
			const current = await this.chooseAccount();
			targets = current ? [current] : [];
		}
		for (const account of targets) await cache.removeAccount(account);
		const remaining = await cache.getAllAccounts();
		if (remaining.length === 0) await rm(this.currentFile, {force: true});
		this.account = undefined;
		this.accessToken = undefined;
		return targets.map(a => a.username);
	}

	/**
	 * The account this run acts as: --account when given (it must be signed in); else, when
	 * --tenant names a tenant, an account of that tenant; else the default account.
	 */
	private async chooseAccount(): Promise<AccountInfo | undefined> {
		if (this.account) return this.account;
		const accounts = await this.accounts();
		const wanted = this.options.settings.account;
		if (wanted) {
			const named = accounts.find(a => a.username.toLowerCase() === wanted.toLowerCase());
			if (!named) {
				throw new NotSignedInError(`${wanted} is not signed in (signed in: ${accounts.map(a => a.username).join(', ') || 'nobody'})`);
			}
			this.account = named;
			return named;
		}
		if (accounts.length === 0) return undefined;
		const fallback = (await this.defaultAccount()) ?? accounts[0];
		const {tenant} = this.options.settings;
		if (isMultiTenant(tenant)) return (this.account = fallback);
		// A tenant named: an account at home there, else the default account (a partner's, say,
		// which gets a token for a customer tenant silently through GDAP).
		this.account = accounts.find(a => atHomeIn(a, tenant)) ?? fallback;
		return this.account;
	}

	/**
	 * The account this run acts as, as MSAL should look it up for the tenant named (undefined when
	 * none is signed in): another client (Microsoft Graph's, source/auth/graph.ts) acts as the same.
	 */
	async actingAccount(): Promise<AccountInfo | undefined> {
		if (!this.pca) return undefined;
		const account = await this.chooseAccount();
		return account ? this.inTenant(account) : undefined;
	}

	/**
	 * The account as MSAL should look it up for the tenant named (--tenant): MSAL picks cached
	 * tokens by the account's tenant, so a partner's account names the customer tenant, and its
	 * refresh token is redeemed there (GDAP) when no token for that tenant is cached yet.
	 */
	private inTenant(account: AccountInfo): AccountInfo {
		const tenant = this.options.settings.tenant.toLowerCase();
		if (isMultiTenant(tenant) || atHomeIn(account, tenant)) return account;
		return {...account, tenantId: tenant};
	}

	/** The default account's home account ID (what commands use without --account), if it is still signed in. */
	async defaultAccount(): Promise<AccountInfo | undefined> {
		const current = await this.readCurrent();
		return (await this.accounts()).find(a => a.homeAccountId === current);
	}

	/** Makes a signed-in account the default (`mscommerce account use`). */
	async useAccount(username: string): Promise<AccountInfo> {
		const accounts = await this.accounts();
		const found = accounts.find(a => a.username.toLowerCase() === username.toLowerCase());
		if (!found) throw new UsageError(`${username} is not signed in (signed in: ${accounts.map(a => a.username).join(', ') || 'nobody'})`, ['Sign it in with `mscommerce login`.']);
		await this.setCurrent(found, {force: true});
		return found;
	}

	/** Each account's home account ID → the tenants it has had tokens for (beside the cache, 0600). */
	async tenantsUsed(): Promise<Record<string, string[]>> {
		try {
			const json = JSON.parse((await readPrivateFile(this.tenantsFile)) ?? '{}') as unknown;
			if (!json || typeof json !== 'object' || Array.isArray(json)) return {};
			const used: Record<string, string[]> = {};
			for (const [key, value] of Object.entries(json)) if (Array.isArray(value)) used[key] = value.filter((t): t is string => typeof t === 'string');
			return used;
		} catch {
			return {};
		}
	}

	/** Whether the last token is for a tenant the account is not at home in (a partner acting through GDAP). */
	get actingInAnotherTenant(): boolean {
		const tid = this.tokenTenant;
		return Boolean(this.account && tid && !atHomeIn(this.account, tid));
	}

	private get tenantsFile(): string {
		return join(this.options.settings.configDir, 'account-tenants.json');
	}

	private async noteTenant(account: AccountInfo | null, tenantId: string | undefined): Promise<void> {
		if (!account || !tenantId || this.options.persist === false) return;
		const used = await this.tenantsUsed();
		const list = used[account.homeAccountId] ?? [];
		if (list.includes(tenantId)) return;
		used[account.homeAccountId] = [...list, tenantId];
		// Only a convenience for `account list`: a failure to write it costs nothing else.
		await writePrivateFile(this.tenantsFile, JSON.stringify(used)).catch(() => undefined);
	}

	private remember(result: AuthenticationResult, source: SignedIn['source']): SignedIn {
		this.account = result.account ?? this.account;
		this.accessToken = result.accessToken;
		const claims = readClaims(result.accessToken);
		this.tokenTenant = claims?.tenantId;
		void this.noteTenant(result.account, claims?.tenantId);
		const summary = summarise(claims, result.account ?? undefined);
		return {...summary, expiresOn: result.expiresOn ?? claims?.expiresAt, claims, source};
	}

	private async readCurrent(): Promise<string | undefined> {
		try {
			const json = JSON.parse((await readPrivateFile(this.currentFile)) ?? '{}') as {homeAccountId?: unknown};
			return typeof json.homeAccountId === 'string' ? json.homeAccountId : undefined;
		} catch {
			return undefined;
		}
	}

	/** Records the default account: the very first sign-in, or `account use` (force). */
	private async setCurrent(account: AccountInfo | null, options: {force?: boolean} = {}): Promise<void> {
		if (!account || this.options.persist === false) return;
		if (!options.force && (await this.defaultAccount())) return;
		await writePrivateFile(this.currentFile, JSON.stringify({homeAccountId: account.homeAccountId}));
	}
}

/**
 * The device code flow for `scopes` (the licensing service's, or Graph's: source/auth/graph.ts):
 * `onPrompt` shows the code; aborting `signal` stops polling at once. Failures are SignInErrors
 * carrying the identity service's own answer (or CancelledError).
 */
export async function deviceCodeSignIn(
	pca: PublicClientApplication,
	network: MsalNetwork,
	scopes: string[],
	onPrompt: (prompt: DeviceCodePrompt) => void,
	signal: AbortSignal,
	wrap: (error: unknown, answer: MsalNetwork['lastAnswer'], network?: unknown) => SignInError = (error, answer, failure) => new SignInError(error, answer, failure),
): Promise<AuthenticationResult> {
	network.begin(signal);
	let refuse: (error: unknown) => void = () => undefined;
	const request: DeviceCodeRequest = {
		scopes,
		deviceCodeCallback: response => {
			if (!response.userCode) {
				// MSAL does not check the device-code answer: an error (an unknown client ID, say)
				// arrives here as an empty response, and MSAL would go on polling with no code.
				request.cancel = true;
				refuse(wrap(new Error('The identity service gave no sign-in code'), network.lastAnswer));
				return;
			}
			onPrompt({
				userCode: response.userCode,
				verificationUri: response.verificationUri,
				expiresAt: Date.now() + response.expiresIn * 1000,
				message: response.message,
			});
		},
	};
	let onAbort: () => void = () => undefined;
	const aborted = new Promise<never>((_resolve, reject) => {
		refuse = reject;
		onAbort = () => {
			request.cancel = true; // MSAL checks this before each poll
			reject(new CancelledError('Sign-in cancelled'));
		};
		if (signal.aborted) onAbort();
		else signal.addEventListener('abort', onAbort, {once: true});
	});
	const pending = pca.acquireTokenByDeviceCode(request);
	pending.catch(() => undefined); // after a cancel, MSAL's own rejection has no one to tell
	try {
		const result = await Promise.race([pending, aborted]);
		if (!result) throw wrap(new Error('The identity service returned no token'), undefined);
		return result;
	} catch (error) {
		if (error instanceof SignInError) throw error;
		if (signal.aborted || error instanceof CancelledError) throw new CancelledError('Sign-in cancelled');
		if (network.lastNetworkError) throw wrap(error, undefined, network.lastNetworkError);
		throw wrap(error, network.lastAnswer);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/** Who a token (and the account MSAL names) says is signed in, in which tenant, with which roles. */
export function summarise(claims: TokenClaims | undefined, account?: AccountInfo): AccountSummary {
	const {roles, canChange} = rolesOf(claims);
	const username = account?.username || claims?.username || (claims?.idtyp === 'app' && claims.appId ? `app ${claims.appId}` : 'unknown account');
	// The token's tenant: a partner's account is at home elsewhere (MSAL's account names its home).
	const tenantId = claims?.tenantId || account?.tenantId || 'unknown tenant';
	const tenantName = homeDomain(username, tenantId, account, claims);
	return {username, tenantId, ...(tenantName ? {tenantName} : {}), roles, canChange};
}

/**
 * The tenant's domain, when the account's user name says it: only for an account at home in
 * that tenant. A guest's or a partner's user name names another tenant's domain (a guest's has
 * #EXT#, an access token for one carries `idp`; MSAL's home account ID ends with the home tenant).
 */
function homeDomain(username: string, tenantId: string, account: AccountInfo | undefined, claims: TokenClaims | undefined): string | undefined {
	if (!username.includes('@') || /#EXT#/i.test(username)) return undefined;
	const home = account ? homeTenantOf(account) : claims?.idp ? undefined : tenantId;
	if (!home || home.toLowerCase() !== tenantId.toLowerCase()) return undefined;
	return username.split('@')[1];
}

/** An account's home tenant ID: MSAL's home account ID is `<object ID>.<home tenant ID>`. */
export function homeTenantOf(account: AccountInfo): string {
	return account.homeAccountId.split('.').at(-1) ?? account.tenantId;
}

/** Whether an account is at home in a tenant named by ID or by a domain of its user name. */
function atHomeIn(account: AccountInfo, tenant: string): boolean {
	const wanted = tenant.toLowerCase();
	return homeTenantOf(account).toLowerCase() === wanted || account.username.toLowerCase().endsWith(`@${wanted}`);
}

const METADATA_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** An authority's OpenID configuration, as MSAL fetched it, kept a day in the config directory. */
/**
 * The saved OpenID configurations, per file, read once per process: a fleet's hundred tenants
 * each have their own authority, and reading and parsing the file for each (and writing it back
 * for each, racing) lost entries and cost a fifth of a second. Writes go out one at a time, each
 * the whole of what this process knows.
 */
type SavedMetadata = {entries: Record<string, {savedAt?: number; metadata?: unknown}>; writing: Promise<void>; queued: boolean};
const savedMetadata = new Map<string, SavedMetadata>();

export class AuthorityMetadataCache {
	constructor(
		private readonly file: string,
		private readonly authority: string,
		private readonly persist: boolean,
	) {}

	private saved(): SavedMetadata {
		let saved = savedMetadata.get(this.file);
		if (!saved) {
			let entries = {};
			try {
				const parsed: unknown = JSON.parse(readPrivateFileSyncOrNothing(this.file) ?? '{}');
				if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) entries = parsed;
			} catch {
				// none yet, or unreadable: MSAL fetches the configurations
			}
			saved = {entries, writing: Promise.resolve(), queued: false};
			savedMetadata.set(this.file, saved);
		}
		return saved;
	}

	/** The saved configuration as MSAL's authorityMetadata option, if fresh. */
	load(): string | undefined {
		if (!this.persist) return undefined;
		const entry = this.saved().entries[this.authority];
		if (!entry?.metadata || typeof entry.savedAt !== 'number' || Date.now() - entry.savedAt > METADATA_MAX_AGE_MS) return undefined;
		return JSON.stringify(entry.metadata);
	}

	save(metadata: Record<string, unknown>): void {
		if (!this.persist) return;
		const saved = this.saved();
		saved.entries[this.authority] = {savedAt: Date.now(), metadata};
		// One write queued at a time holds every save made before it starts.
		if (saved.queued) return;
		saved.queued = true;
		saved.writing = saved.writing
			.then(async () => {
				saved.queued = false;
				await writePrivateFile(this.file, JSON.stringify(saved.entries));
			})
			// Only a cache: if it cannot be written, the next run fetches the configuration again.
			.catch(() => undefined);
	}
}
