/**
 * One resolved Settings object from flags, environment variables and defaults (README.md,
 * "Options and environment"). Bad values are usage errors here, before anything is sent.
 */
import {homedir} from 'node:os';
import {existsSync, mkdirSync, renameSync} from 'node:fs';
import {posix, win32} from 'node:path';
import {DEFAULT_POLICY_ID} from './commerce/types.js';
import {checkServiceUrl} from './net/urls.js';
import {UsageError} from './problems/errors.js';

export const DEFAULT_CLIENT_ID = '3d5cffa9-04da-4657-8cab-c7f074657cad';
export const LICENSING_SCOPE = 'aeb86249-8ea3-49e2-900b-54cc8e308f85/.default';
export const DEFAULT_LICENSING_URL = 'https://licensing.m365.microsoft.com';
export const DEFAULT_TENANT = 'organizations';
/** Microsoft Graph, for the tenant-wide switches (docs/switches.md). */
export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com';
/** The Microsoft Graph Command Line Tools public client (Microsoft Graph PowerShell's): the default client for Graph. */
export const GRAPH_CLI_CLIENT_ID = '14d82eec-204b-4c2f-b7e8-296a70dab67e';

export type OutputFormat = 'text' | 'json' | 'csv';

export type Settings = {
	policyId: string;
	tenant: string;
	clientId: string;
	authority: string;
	licensingUrl: string;
	/** --graph-url / MSCOMMERCE_GRAPH_URL: Microsoft Graph (the tenant-wide switches); its origin is the resource of Graph scopes. */
	graphUrl: string;
	/** --graph-client-id / MSCOMMERCE_GRAPH_CLIENT_ID: the public client that signs in to Graph (delegated). */
	graphClientId: string;
	token?: string;
	/** --graph-token / MSCOMMERCE_GRAPH_TOKEN: a Graph token to use instead of signing in to Graph (--token is the licensing service's). */
	graphToken?: string;
	/** --account / MSCOMMERCE_ACCOUNT: the signed-in account to act as (else the default account). */
	account?: string;
	/** App-only sign-in: --client-secret / MSCOMMERCE_CLIENT_SECRET (never printed, never cached on disk). */
	clientSecret?: string;
	/** App-only sign-in: --certificate / MSCOMMERCE_CERTIFICATE, a PEM file with the certificate and its private key. */
	certificate?: string;
	caFile?: string;
	/** --timeout / MSCOMMERCE_TIMEOUT in ms: the deadline of one attempt of a request (undefined: Net's default, 60 s). */
	timeoutMs?: number;
	output: OutputFormat;
	color: boolean;
	/** $XDG_CONFIG_HOME/mscommerce: the token cache. */
	configDir: string;
	/** $XDG_STATE_HOME/mscommerce: audit log, seen products. */
	stateDir: string;
	env: NodeJS.ProcessEnv;
};

/** What the command line gave; every field optional (commander's parsed global options). */
export type Flags = {
	policyId?: string;
	tenant?: string;
	clientId?: string;
	authority?: string;
	licensingUrl?: string;
	graphUrl?: string;
	graphClientId?: string;
	token?: string;
	graphToken?: string;
	account?: string;
	clientSecret?: string;
	certificate?: string;
	caFile?: string;
	timeout?: string;
	output?: string;
	json?: boolean;
	color?: boolean;
};

/** A day: longer is a mistake, and Node's timers end at 2^31-1 ms (~24.8 days). */
const MAX_TIMEOUT_SECONDS = 86_400;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT = /^(organizations|common|consumers|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;

const MULTI_TENANT = new Set(['organizations', 'common', 'consumers']);
const ACCOUNT = /^[^\s@]+@[^\s@]+$/;

/** An application (client) ID, or any GUID. */
export function isGuid(text: string): boolean {
	return GUID.test(text);
}

/** A tenant as --tenant takes it: organizations, common, consumers, a tenant ID or a domain. */
export function isTenantName(text: string): boolean {
	return TENANT.test(text);
}

/** An account as --account takes it: a user name (UPN). */
export function isAccountName(text: string): boolean {
	return ACCOUNT.test(text);
}

/** Whether `tenant` names no tenant in particular (organizations, common, consumers). */
export function isMultiTenant(tenant: string): boolean {
	return MULTI_TENANT.has(tenant.toLowerCase());
}

/** The authority of `tenant`: the given authority's last path segment replaced (kept for organizations and the like). */
export function forTenant(authority: string, tenant: string): string {
	if (isMultiTenant(tenant)) return authority;
	const url = new URL(authority);
	const segments = url.pathname.split('/').filter(Boolean);
	segments[segments.length > 0 ? segments.length - 1 : 0] = tenant;
	url.pathname = `/${segments.join('/')}`;
	return url.href.replace(/\/$/, '');
}

/**
 * `fleet`: the run works over a tenants file, whose tenants each get their settings from these
 * (settingsForTenant), so app-only sign-in needs no --tenant here.
 */
export function resolveSettings(flags: Flags, env: NodeJS.ProcessEnv = process.env, isTty = Boolean(process.stdout.isTTY), options: {fleet?: boolean} = {}): Settings {
	const pick = (flag: string | undefined, name: string): string | undefined => {
		const value = flag ?? env[name];
		return value === undefined || value === '' ? undefined : value;
	};
	const tenant = pick(flags.tenant, 'MSCOMMERCE_TENANT') ?? DEFAULT_TENANT;
	if (!TENANT.test(tenant)) {
		throw new UsageError(`--tenant: "${tenant}" is not a tenant (use organizations, a domain such as contoso.onmicrosoft.com, or a tenant ID)`);
	}
	const clientIdGiven = pick(flags.clientId, 'MSCOMMERCE_CLIENT_ID');
	const clientId = clientIdGiven ?? DEFAULT_CLIENT_ID;
	if (!GUID.test(clientId)) throw new UsageError(`--client-id: "${clientId}" is not an application (client) ID (a GUID)`);
	const authorityText = pick(flags.authority, 'MSCOMMERCE_AUTHORITY');
	// Another tenant's authority is --authority with its last path segment replaced by the tenant,
	// so sovereign clouds, any https authority and the emulator work the same way.
	const authority = authorityText
		? forTenant(checkServiceUrl(authorityText, '--authority'), tenant)
		: `https://login.microsoftonline.com/${tenant}`;
	const licensingUrl = checkServiceUrl(pick(flags.licensingUrl, 'MSCOMMERCE_LICENSING_URL') ?? DEFAULT_LICENSING_URL, '--licensing-url');
	const policyId = pick(flags.policyId, 'MSCOMMERCE_POLICY_ID') ?? DEFAULT_POLICY_ID;
	if (!/^[A-Za-z0-9_-]+$/.test(policyId)) throw new UsageError(`--policy-id: "${policyId}" is not a policy ID`);
	const token = pick(flags.token, 'MSCOMMERCE_TOKEN')?.replace(/^Bearer\s+/i, '').trim();
	if (token !== undefined && (token === '' || /\s/.test(token))) throw new UsageError('--token: the token must be one word (the raw bearer token)');
	const graphUrl = checkGraphUrl(pick(flags.graphUrl, 'MSCOMMERCE_GRAPH_URL') ?? DEFAULT_GRAPH_URL);
	const graphClientId = pick(flags.graphClientId, 'MSCOMMERCE_GRAPH_CLIENT_ID') ?? GRAPH_CLI_CLIENT_ID;
	if (!GUID.test(graphClientId)) throw new UsageError(`--graph-client-id: "${graphClientId}" is not an application (client) ID (a GUID)`);
	const graphToken = pick(flags.graphToken, 'MSCOMMERCE_GRAPH_TOKEN')?.replace(/^Bearer\s+/i, '').trim();
	if (graphToken !== undefined && (graphToken === '' || /\s/.test(graphToken))) throw new UsageError('--graph-token: the token must be one word (the raw bearer token)');
	const account = pick(flags.account, 'MSCOMMERCE_ACCOUNT')?.trim();
	if (account !== undefined && !isAccountName(account)) throw new UsageError(`--account: "${account}" is not an account (a user name such as admin@contoso.onmicrosoft.com)`);
	const clientSecret = pick(flags.clientSecret, 'MSCOMMERCE_CLIENT_SECRET');
	const certificate = pick(flags.certificate, 'MSCOMMERCE_CERTIFICATE');
	if (clientSecret !== undefined && certificate !== undefined) {
		throw new UsageError('give --client-secret (MSCOMMERCE_CLIENT_SECRET) or --certificate (MSCOMMERCE_CERTIFICATE), not both');
	}
	if ((clientSecret !== undefined || certificate !== undefined) && isMultiTenant(tenant) && !options.fleet) {
		throw new UsageError('app-only sign-in (--client-secret / --certificate) needs --tenant: an app gets tokens for one tenant (a domain or tenant ID), never for organizations or common');
	}
	if ((clientSecret !== undefined || certificate !== undefined) && clientIdGiven === undefined) {
		throw new UsageError('app-only sign-in needs --client-id: the application (client) ID of your app registration');
	}
	const timeoutMs = timeoutOf(pick(flags.timeout, 'MSCOMMERCE_TIMEOUT'), flags.timeout === undefined ? 'MSCOMMERCE_TIMEOUT (--timeout)' : '--timeout');
	// Case does not matter (`-o CSV`), as in az and gh.
	const output = flags.json ? 'json' : (flags.output?.toLowerCase() ?? 'text');
	if (output !== 'text' && output !== 'json' && output !== 'csv') {
		throw new UsageError(`--output: "${output}" is not one of json, text, csv`);
	}
	return {
		policyId,
		tenant,
		clientId,
		authority,
		licensingUrl,
		graphUrl,
		graphClientId,
		token,
		...(graphToken !== undefined ? {graphToken} : {}),
		...(account ? {account} : {}),
		...(clientSecret !== undefined ? {clientSecret} : {}),
		...(certificate !== undefined ? {certificate} : {}),
		caFile: pick(flags.caFile, 'MSCOMMERCE_CA_FILE'),
		...(timeoutMs === undefined ? {} : {timeoutMs}),
		output,
		color: flags.color !== false && !env.NO_COLOR && isTty,
		...dataDirs(env),
		env,
	};
}

/**
 * --graph-url: a service URL (https, or http for this machine), without the API version: the
 * program adds /v1.0/ and /beta/ itself, and the origin is the resource scopes are asked for.
 */
function checkGraphUrl(text: string): string {
	const url = checkServiceUrl(text, '--graph-url');
	if (/\/(v1\.0|beta)$/i.test(new URL(url).pathname)) {
		throw new UsageError(`--graph-url: "${text}" names an API version; give Microsoft Graph's address without it (e.g. ${DEFAULT_GRAPH_URL})`);
	}
	return url;
}

/** Where mscommerce keeps its files: the token cache (configDir), the audit log and the seen products (stateDir). */
export type DataDirs = {configDir: string; stateDir: string};

/**
 * XDG_CONFIG_HOME / XDG_STATE_HOME when set, on any platform. Otherwise on Windows
 * %LOCALAPPDATA%\mscommerce\config and \state: local to the machine, where a roaming profile does
 * not copy a refresh token to a file server (and where Windows tools keep such files); on Linux
 * and macOS (as gh does there) ~/.config/mscommerce and ~/.local/state/mscommerce.
 */
export function dataDirs(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): DataDirs {
	const path = platform === 'win32' ? win32 : posix;
	const home = env.HOME || (platform === 'win32' ? env.USERPROFILE : undefined) || homedir();
	const local = platform === 'win32' ? path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'mscommerce') : undefined;
	return {
		configDir: env.XDG_CONFIG_HOME ? path.join(env.XDG_CONFIG_HOME, 'mscommerce') : local ? path.join(local, 'config') : path.join(home, '.config', 'mscommerce'),
		stateDir: env.XDG_STATE_HOME ? path.join(env.XDG_STATE_HOME, 'mscommerce') : local ? path.join(local, 'state') : path.join(home, '.local', 'state', 'mscommerce'),
	};
}

/** $XDG_STATE_HOME/mscommerce (see dataDirs): also what shell completion reads, which never fails on a bad flag. */
export function stateDirOf(env: NodeJS.ProcessEnv = process.env): string {
	return dataDirs(env).stateDir;
}

/**
 * Once, on Windows: versions before 0.2 kept the files where Linux does (%USERPROFILE%\.config,
 * \.local\state). Each directory found there, whose new place does not exist yet, is moved to its
 * place under %LOCALAPPDATA% (dataDirs); a move that fails leaves it where it was (the program then
 * starts afresh: a sign-in again) and says so. Returns the lines to tell the user.
 */
export function moveFromOldWindowsPlace(dirs: DataDirs, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
	if (platform !== 'win32') return [];
	const home = env.HOME || env.USERPROFILE || homedir();
	const old: DataDirs = {configDir: win32.join(home, '.config', 'mscommerce'), stateDir: win32.join(home, '.local', 'state', 'mscommerce')};
	const told: string[] = [];
	for (const which of ['configDir', 'stateDir'] as const) {
		if ((which === 'configDir' ? env.XDG_CONFIG_HOME : env.XDG_STATE_HOME) || old[which] === dirs[which]) continue;
		if (!existsSync(old[which]) || existsSync(dirs[which])) continue;
		try {
			mkdirSync(win32.dirname(dirs[which]), {recursive: true});
			renameSync(old[which], dirs[which]);
			told.push(`moved ${old[which]} to ${dirs[which]} (mscommerce keeps its files under %LOCALAPPDATA% on Windows)`);
		} catch (error) {
			told.push(`could not move ${old[which]} to ${dirs[which]} (${(error as NodeJS.ErrnoException).code ?? String(error)}): move it yourself, or set ${which === 'configDir' ? 'XDG_CONFIG_HOME' : 'XDG_STATE_HOME'} to its parent`);
		}
	}
	return told;
}

/** --timeout: a positive number of seconds (fractions allowed), as ms; a UsageError naming `name` otherwise. */
function timeoutOf(text: string | undefined, name: string): number | undefined {
	if (text === undefined) return undefined;
	const seconds = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(text) ? Number(text) : Number.NaN;
	if (!(seconds >= 0.001 && seconds <= MAX_TIMEOUT_SECONDS)) {
		throw new UsageError(`${name}: "${text}" is not a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS} (e.g. --timeout 120)`);
	}
	return Math.round(seconds * 1000);
}

/** How one tenant of a fleet signs in (fleet/tenantsFile.ts): an account (delegated, GDAP) or an app (app-only). */
export type TenantSignIn = {tenant: string; account?: string; app?: string};

/**
 * The settings for one tenant of a fleet, from the run's own: the tenant's authority follows
 * --tenant's rule (--authority with its last path segment replaced). `account:` signs in as that
 * account with the public client (a partner account through GDAP); `app:` signs in app-only as
 * that app with the run's secret or certificate; neither keeps the run's way of signing in (the
 * default account, or the run's own app). A UsageError when the run cannot sign in that way.
 */
export function settingsForTenant(base: Settings, who: TenantSignIn): Settings {
	if (base.token !== undefined) throw new UsageError('--token / MSCOMMERCE_TOKEN is for one tenant: with --tenants each tenant signs in by itself');
	const appOnly = base.clientSecret !== undefined || base.certificate !== undefined;
	const settings: Settings = {...base, tenant: who.tenant, authority: forTenant(base.authority, who.tenant)};
	if (who.app !== undefined) {
		if (!appOnly) throw new UsageError(`app ${who.app} for ${who.tenant}: app-only sign-in needs --client-secret (MSCOMMERCE_CLIENT_SECRET) or --certificate (MSCOMMERCE_CERTIFICATE)`);
		return {...settings, clientId: who.app};
	}
	if (who.account !== undefined) {
		// A person signs in with the public client: the run's app and its secret are for the other tenants.
		const {clientSecret: _secret, certificate: _certificate, ...delegated} = settings;
		return {...delegated, account: who.account, clientId: appOnly ? DEFAULT_CLIENT_ID : base.clientId};
	}
	return settings;
}

