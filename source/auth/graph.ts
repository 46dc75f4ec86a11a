/**
 * Sign-in to Microsoft Graph, for the tenant-wide switches (docs/switches.md, docs/sign-in.md).
 * Graph needs a token of its own: delegated, a second MSAL public client for the Graph client ID
 * (Microsoft Graph Command Line Tools unless --graph-client-id), with the same authority, token
 * cache file, cache plugin and account as the licensing sign-in (MSAL keeps tokens per client
 * ID). A refresh token of one client cannot be redeemed by another, so the first time needs a
 * device code (`mscommerce login --graph`, or the prompt of an interactive command). App-only:
 * client credentials for `{graph origin}/.default`. MSCOMMERCE_GRAPH_TOKEN: a token as given.
 *
 * Scopes are `{graph URL origin}/{permission}`: only the read permissions to read, the write
 * permission of the object being changed added only when writing (incremental consent).
 * Loaded only when a switches command, `explain` or `login --graph` runs.
 */
import {InteractionRequiredAuthError, PublicClientApplication, type AccountInfo, type AuthenticationResult} from '@azure/msal-node';
import {join} from 'node:path';
import {forTenant, GRAPH_CLI_CLIENT_ID, isMultiTenant, type Settings} from '../config.js';
import {GraphNotSignedInError, UsageError} from '../problems/errors.js';
import {SignInError, type ConsentContext, type IdentityAnswer} from '../problems/signIn.js';
import {GRAPH_OBJECTS, graphDefaultScope, graphScopes, readPermissions, type GraphObjectId} from '../switches/definitions.js';
import {AppOnlyClient, appCredentialOf} from './appOnly.js';
import {AuthorityMetadataCache, deviceCodeSignIn, summarise, type SignedIn} from './auth.js';
import {FileCachePlugin} from './cachePlugin.js';
import {readClaims} from './claims.js';
import {MsalNetwork, msalSystem} from './msalNetwork.js';
import type {Net} from '../net/http.js';
import type {DeviceCodePrompt} from './types.js';

/** Names people find in Enterprise applications, for the consent hint. */
const CLIENT_NAMES: Record<string, string> = {
	[GRAPH_CLI_CLIENT_ID]: 'Microsoft Graph Command Line Tools',
};

/** AADSTS65001 (consent missing) and 50020 (no access to the tenant): said as they are, never "sign in again". */
const CONSENT_REQUIRED = 65001;
const NO_ACCESS_TO_TENANT = 50020;

export type GraphAuthOptions = {
	settings: Pick<Settings, 'graphUrl' | 'graphClientId' | 'graphToken' | 'token' | 'authority' | 'tenant' | 'configDir' | 'clientId' | 'clientSecret' | 'certificate'> & {env?: NodeJS.ProcessEnv};
	net: Net;
	/** The licensing sign-in: Graph acts as the account it acts as. */
	licensing: {actingAccount(): Promise<AccountInfo | undefined>};
	/** Persist the cache under settings.configDir (default), or keep it in memory (the demo). */
	persist?: boolean;
	warn?: (line: string) => void;
	/** RFC 8628's slow_down step; tests shorten it. */
	slowDownStepMs?: number;
};

export class GraphAuth {
	private readonly network: MsalNetwork;
	private readonly metadata: AuthorityMetadataCache;
	private pcaInstance: PublicClientApplication | undefined;
	private appInstance: AppOnlyClient | undefined;
	/** Tokens this run got (or is getting), by what they were asked for: callers at the same moment share one. */
	private readonly tokens = new Map<string, Promise<string>>();
	private signedIn: SignedIn | undefined;

	constructor(private readonly options: GraphAuthOptions) {
		const {settings} = options;
		this.metadata = new AuthorityMetadataCache(join(settings.configDir, 'authority-metadata.json'), settings.authority, options.persist !== false);
		this.network = new MsalNetwork(options.net, options.slowDownStepMs, found => this.metadata.save(found));
	}

	/** The permissions a token is asked for: every read permission, and the write permission of `write`. */
	permissionsFor(write?: GraphObjectId): string[] {
		return [...readPermissions(), ...(write ? [GRAPH_OBJECTS[write].writePermission] : [])];
	}

	/** Who the last Graph token is for (the audit log names them). */
	get who(): SignedIn | undefined {
		return this.signedIn;
	}

	/**
	 * A Graph token without asking anyone: MSCOMMERCE_GRAPH_TOKEN, app-only, or the cache (renewed
	 * with Graph's refresh token). No cached Graph sign-in: GraphNotSignedInError, whose hint is
	 * `mscommerce login --graph`. A licensing --token alone is refused: it is not for Graph.
	 */
	readonly token = async (options: {write?: GraphObjectId; renew?: boolean} = {}): Promise<string> => {
		const key = options.write ?? 'read';
		const cached = this.tokens.get(key);
		if (cached && !options.renew) return cached;
		const pending = this.fetchToken(options);
		this.tokens.set(key, pending);
		// A failure is not kept: the next caller tries again (after `login --graph`, say).
		pending.catch(() => {
			if (this.tokens.get(key) === pending) this.tokens.delete(key);
		});
		return pending;
	};

	private async fetchToken(options: {write?: GraphObjectId; renew?: boolean}): Promise<string> {
		const {settings} = this.options;
		let token: string;
		if (settings.graphToken) {
			token = settings.graphToken;
			const claims = readClaims(token);
			this.signedIn = {...summarise(claims), expiresOn: claims?.expiresAt, claims, source: 'token'};
		} else if (settings.token) {
			throw new UsageError('--token / MSCOMMERCE_TOKEN is a token for the licensing service; the tenant-wide switches are read through Microsoft Graph, which needs its own', [
				'Pass a Microsoft Graph token with MSCOMMERCE_GRAPH_TOKEN (or --graph-token), or unset MSCOMMERCE_TOKEN and sign in (`mscommerce login --graph`).',
			]);
		} else if (appCredentialOf(settings)) {
			token = await this.appToken(Boolean(options.renew));
		} else {
			token = (await this.silent(options.write, Boolean(options.renew))).accessToken;
		}
		return token;
	}

	/**
	 * `mscommerce login --graph`, or an interactive command's first use of Graph: the device code
	 * flow for the Graph client, for the read permissions (and `write`'s, when about to change it).
	 */
	async signInWithDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void, signal: AbortSignal, write?: GraphObjectId): Promise<SignedIn> {
		const {settings} = this.options;
		if (settings.graphToken || settings.token) {
			throw new UsageError(`${settings.graphToken ? 'MSCOMMERCE_GRAPH_TOKEN (--graph-token)' : '--token / MSCOMMERCE_TOKEN'} is set: there is nothing to sign in to (unset it to sign in to Microsoft Graph with a device code)`);
		}
		if (appCredentialOf(settings)) {
			throw new UsageError('app-only sign-in (--client-secret / --certificate) needs no login: every command gets its Graph token by itself');
		}
		const permissions = this.permissionsFor(write);
		const account = await this.options.licensing.actingAccount().catch(() => undefined);
		const result = await deviceCodeSignIn(this.pca(), this.network, graphScopes(settings.graphUrl, permissions), onPrompt, signal, (error, answer, failure) =>
			new SignInError(error, answer, failure, this.consent(permissions, account)),
		);
		this.tokens.set(write ?? 'read', Promise.resolve(result.accessToken));
		return this.remember(result, 'device-code');
	}

	private async silent(write: GraphObjectId | undefined, renew: boolean): Promise<AuthenticationResult> {
		const {settings} = this.options;
		const account = await this.options.licensing.actingAccount();
		if (!account) {
			throw new GraphNotSignedInError('Not signed in to Microsoft Graph (nobody is signed in)', graphHints());
		}
		const permissions = this.permissionsFor(write);
		this.network.begin();
		try {
			const result = await this.pca().acquireTokenSilent({account, scopes: graphScopes(settings.graphUrl, permissions), forceRefresh: renew});
			this.remember(result, 'cache');
			return result;
		} catch (error) {
			const answer = this.network.lastAnswer;
			if (this.network.lastNetworkError) throw new SignInError(error, undefined, this.network.lastNetworkError);
			if (has(answer, CONSENT_REQUIRED) || has(answer, NO_ACCESS_TO_TENANT)) throw new SignInError(error, answer, undefined, this.consent(permissions, account));
			// No Graph refresh token for this account yet (the licensing one cannot be redeemed by
			// Graph's client), or one the service no longer accepts: a device code is needed.
			if (error instanceof InteractionRequiredAuthError || answer?.error === 'invalid_grant') {
				throw new GraphNotSignedInError(`Not signed in to Microsoft Graph as ${account.username}`, graphHints(account.username));
			}
			throw new SignInError(error, answer, undefined, this.consent(permissions, account));
		}
	}

	/** App-only: client credentials for `{graph origin}/.default` (the app's consented application permissions). */
	private async appToken(renew: boolean): Promise<string> {
		const {settings} = this.options;
		this.appInstance ??= new AppOnlyClient(settings, appCredentialOf(settings)!, this.network, this.metadata.load());
		this.network.begin();
		try {
			const result = await this.appInstance.token(renew, [graphDefaultScope(settings.graphUrl)]);
			const claims = readClaims(result.accessToken);
			this.signedIn = {...summarise(claims), expiresOn: result.expiresOn ?? claims?.expiresAt, claims, source: appCredentialOf(settings)?.kind === 'certificate' ? 'app-certificate' : 'app-secret'};
			return result.accessToken;
		} catch (error) {
			if (error instanceof UsageError) throw error;
			if (this.network.lastNetworkError) throw new SignInError(error, undefined, this.network.lastNetworkError);
			throw new SignInError(error, this.network.lastAnswer, undefined, this.consent(['its application permissions'], undefined));
		}
	}

	/** The second public client: Graph's client ID, the licensing sign-in's authority and cache file. */
	private pca(): PublicClientApplication {
		if (this.pcaInstance) return this.pcaInstance;
		const {settings} = this.options;
		this.pcaInstance = new PublicClientApplication({
			auth: {
				clientId: settings.graphClientId,
				authority: settings.authority,
				knownAuthorities: [new URL(settings.authority).host],
				authorityMetadata: this.metadata.load(),
			},
			// The same file and the same locking as the licensing client (source/auth/cachePlugin.ts):
			// MSAL keys tokens by client ID, so both live side by side, and accounts are shared.
			cache: this.options.persist === false ? undefined : {cachePlugin: new FileCachePlugin(join(settings.configDir, 'msal-cache.json'), this.options.warn ?? (() => undefined), settings.env)},
			system: msalSystem(this.network),
		});
		return this.pcaInstance;
	}

	private remember(result: AuthenticationResult, source: SignedIn['source']): SignedIn {
		const claims = readClaims(result.accessToken);
		this.signedIn = {...summarise(claims, result.account ?? undefined), expiresOn: result.expiresOn ?? claims?.expiresAt, claims, source};
		return this.signedIn;
	}

	/**
	 * What an admin must consent to, and where: Microsoft's admin consent URL
	 * (`{authority host}/{tenant}/adminconsent?client_id={client ID}`), for the tenant named, else
	 * the account's, else organizations (the admin's own tenant).
	 */
	private consent(permissions: string[], account: AccountInfo | undefined): ConsentContext {
		const {settings} = this.options;
		const tenant = !isMultiTenant(settings.tenant) ? settings.tenant : (account?.tenantId ?? settings.tenant);
		const clientId = settings.graphClientId;
		return {
			app: CLIENT_NAMES[clientId.toLowerCase()] ?? `The app ${clientId}`,
			clientId,
			permissions,
			consentUrl: `${forTenant(settings.authority, tenant)}/adminconsent?client_id=${encodeURIComponent(clientId)}`,
		};
	}
}

function has(answer: IdentityAnswer | undefined, code: number): boolean {
	return Boolean(answer?.codes?.includes(code) || answer?.description?.includes(`AADSTS${code}`));
}

/** What to do when Graph has no sign-in yet. */
function graphHints(username?: string): string[] {
	return [
		`The tenant-wide switches are read through Microsoft Graph, which needs a sign-in of its own, once: run \`mscommerce login --graph\`${username ? ` (as ${username})` : ''}.`,
		'Or pass a Graph token with MSCOMMERCE_GRAPH_TOKEN, or sign in app-only (--client-id with --client-secret or --certificate, and --tenant).',
	];
}
