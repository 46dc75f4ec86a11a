/**
 * mscommerce login | logout | whoami | account: signing in and saying who is signed in, where.
 * What these print is read at 80 columns over SSH: a URL is on a line of its own (a terminal
 * that wraps it mid-word breaks copying it), times are in words with the clock beside them.
 */
import {createInterface} from 'node:readline';
import type {AccountInfo} from '@azure/msal-node';
import {homeTenantOf, type SignedIn} from '../auth/auth.js';
import type {DeviceCodePrompt} from '../auth/types.js';
import {NotSignedInError, UsageError} from '../problems/errors.js';
import {SignInError, isExpiredSignIn} from '../problems/signIn.js';
import {classify} from '../problems/classify.js';
import type {Context} from './context.js';
import {CancelledError} from '../problems/errors.js';
import {describeTenant} from '../words.js';
import {safeText} from '../text/safe.js';
import {printList, printOne, type Column} from './output.js';
import {reportProblem} from './report.js';
import {relativeTime} from './time.js';

export type LoginOptions = {browser?: boolean; port?: string; redirectUri?: string};

/** `login --browser`: the URL to open (here or on the machine you sit at), and for SSH the line that forwards the port. */
async function signInWithBrowser(ctx: Context, options: LoginOptions): Promise<SignedIn> {
	let port: number | undefined;
	if (options.port !== undefined) {
		if (!/^\d+$/.test(options.port) || Number(options.port) < 1 || Number(options.port) > 65535) throw new UsageError(`--port: "${options.port}" is not a port (1-65535)`);
		port = Number(options.port);
	}
	return ctx.auth.signInWithBrowser({
		port,
		redirectUri: options.redirectUri,
		signal: ctx.signal,
		onUrl: (url, listening) => {
			ctx.note('Open this URL in a browser and sign in:');
			ctx.note(`  ${url}`);
			ctx.note(`The browser comes back to http://localhost:${listening} on this machine. Over SSH, forward it first from the machine with the browser:`);
			ctx.note(`  ssh -L ${listening}:localhost:${listening} THIS-HOST`);
			ctx.note('Waiting for the browser (Ctrl-C to stop)…');
		},
	});
}

/**
 * Device-code sign-in in the terminal (MSAL's sentence on stderr, then wait; an expired code
 * offers a new one on a TTY), or `--browser`: authorization code with PKCE on a loopback redirect.
 */
export async function login(ctx: Context, options: LoginOptions = {}): Promise<number> {
	const {io} = ctx;
	if (!options.browser && (options.port !== undefined || options.redirectUri !== undefined)) throw new UsageError('--port and --redirect-uri go with --browser');
	const already = await signedInHere(ctx);
	if (already) ctx.note(`Already signed in as ${already.username}; signing in again adds or refreshes an account.`);
	for (;;) {
		try {
			const signedIn = options.browser
				? await signInWithBrowser(ctx, options)
				: await ctx.auth.signInWithDeviceCode(prompt => io.stderr.write(deviceCodeText(prompt)), ctx.signal);
			io.stderr.write(`${safeText(`Signed in as ${signedIn.username} (tenant ${describeTenant(signedIn)}).`)}\n`);
			io.stderr.write(`Roles: ${signedIn.roles.join(', ') || 'none found in the token'}; can change policies: ${yesNo(signedIn.canChange)}\n`);
			// Said where a person reads it, never in a script's or cron's output.
			const tokenCache = io.stderr.isTTY ? await tokenCacheOf(ctx) : undefined;
			if (tokenCache) io.stderr.write(`${safeText(`Token cache: ${protectionText(tokenCache)}`)}\n`);
			const fallback = await ctx.auth.defaultAccount();
			if (!fallback || fallback.username.toLowerCase() === signedIn.username.toLowerCase()) {
				ctx.note(`Commands will use ${signedIn.username} (the default account).`);
			} else {
				ctx.note(
					`Commands will still use the default account, ${fallback.username}: pass --account ${signedIn.username} (or MSCOMMERCE_ACCOUNT), or make it the default with \`mscommerce account use ${signedIn.username}\`.`,
				);
			}
			return 0;
		} catch (error) {
			if (!(error instanceof SignInError && isExpiredSignIn(error) && io.stdin.isTTY && io.stderr.isTTY)) throw error;
			reportProblem(io.stderr, classify(error));
			if (!(await askYes(io.stdin, io.stderr, 'Get a new code? [Y/n] ', true, ctx.signal))) return 3;
		}
	}
}

/**
 * The device code as lines a person copies from: the page on a line of its own, then the code.
 * Built from the fields, not from the server's sentence, which puts the URL mid-line (and is
 * outside text: a hostile server's link would only be shown, never obeyed, but the fields are
 * what MSAL polls with).
 */
export function deviceCodeText(prompt: DeviceCodePrompt, now = Date.now()): string {
	const minutes = Math.max(1, Math.round((prompt.expiresAt - now) / 60_000));
	return [
		'To sign in, open this page in a browser on any device (your phone or laptop will do):',
		`  ${safeText(prompt.verificationUri)}`,
		`and enter the code ${safeText(prompt.userCode)}`,
		`Waiting for approval (the code works for ${minutes} min; Ctrl-C to stop)…`,
		'',
	].join('\n');
}

/** The host of the authority this run signs in at: MSAL keeps each account under its authority's host (`environment`). */
function authorityHost(ctx: Context): string {
	return new URL(ctx.settings.authority).host.toLowerCase();
}

/** Cached accounts signed in at this run's authority, and those signed in at another one. */
async function accountsByAuthority(ctx: Context): Promise<{here: AccountInfo[]; elsewhere: AccountInfo[]}> {
	const host = authorityHost(ctx);
	const all = await ctx.auth.accounts();
	return {here: all.filter(a => a.environment.toLowerCase() === host), elsewhere: all.filter(a => a.environment.toLowerCase() !== host)};
}

/** The account a run would act as, if one is cached at this authority (read from the cache: no request). */
async function signedInHere(ctx: Context): Promise<AccountInfo | undefined> {
	if (ctx.settings.token || ctx.settings.clientSecret !== undefined || ctx.settings.certificate !== undefined) return undefined;
	const {here} = await accountsByAuthority(ctx);
	if (here.length === 0) return undefined;
	const fallback = await ctx.auth.defaultAccount();
	return here.find(a => a.homeAccountId === fallback?.homeAccountId) ?? here[0];
}

/**
 * "Not signed in" said more exactly when accounts are cached for another authority (the
 * emulator's, a sovereign cloud's): which authority has no account, and where the accounts are.
 * Any other error is returned as it came.
 */
export async function explainNotSignedIn(ctx: Context, error: unknown): Promise<unknown> {
	// Only the bare "Not signed in" (auth's and whoami's): one that names an --account already says what is wrong.
	if (!(error instanceof NotSignedInError) || error.message !== 'Not signed in' || ctx.settings.token) return error;
	let byAuthority;
	try {
		byAuthority = await accountsByAuthority(ctx);
	} catch {
		return error;
	}
	if (byAuthority.here.length > 0 || byAuthority.elsewhere.length === 0) return error;
	const hosts = [...new Set(byAuthority.elsewhere.map(a => `https://${a.environment}`))];
	const accounts = byAuthority.elsewhere.map(a => a.username).join(', ');
	return new NotSignedInError(`Not signed in at ${ctx.settings.authority} (accounts are signed in at ${hosts.join(', ')}: ${accounts})`, [
		`Accounts are kept per authority: to use those, pass --authority with that host (or set MSCOMMERCE_AUTHORITY), as when they signed in.`,
	]);
}

export async function logout(ctx: Context, options: {all?: boolean}): Promise<number> {
	const removed = await ctx.auth.logout({all: options.all});
	ctx.note(removed.length > 0 ? `Signed out: ${removed.join(', ')}` : 'Nobody was signed in.');
	return 0;
}

type WhoAmI = {
	username: string;
	tenantId: string;
	tenant?: string;
	source: SignedIn['source'];
	expiresOn?: string;
	roles: string[];
	canChangePolicies: boolean | null;
	accounts: string[];
	/** How the token cache file is protected at rest; absent when no cache file is used. */
	tokenCache?: {protection: 'keyring' | 'file'; detail: string};
};

const WHOAMI_COLUMNS: Column<WhoAmI>[] = [
	{header: 'Account', value: w => w.username},
	{header: 'Tenant', value: w => (w.tenant ? `${w.tenant} (${w.tenantId})` : w.tenantId)},
	{header: 'Signed in with', value: w => SOURCE_WORDS[w.source]},
	{header: 'Token expires', value: w => (w.expiresOn ? expiryText(w.expiresOn) : 'unknown')},
	{header: 'Roles', value: w => w.roles.join(', ') || 'none found in the token'},
	{header: 'Can change policies', value: w => yesNo(w.canChangePolicies ?? undefined)},
	{header: 'Accounts in cache', value: w => w.accounts.join(', ') || '-'},
	{header: 'Token cache', value: w => (w.tokenCache ? protectionText(w.tokenCache) : 'none (nothing is kept on disk)')},
];

function protectionText(cache: NonNullable<WhoAmI['tokenCache']>): string {
	return cache.protection === 'keyring' ? `encrypted, its key in ${cache.detail}` : `file permissions only (0600): ${cache.detail}`;
}

/** The token cache's protection for whoami and login (auth/cacheProtection.ts). */
async function tokenCacheOf(ctx: Context): Promise<WhoAmI['tokenCache']> {
	const protection = await ctx.auth.cacheProtection();
	if (!protection) return undefined;
	return protection.kind === 'keyring' ? {protection: 'keyring', detail: protection.store} : {protection: 'file', detail: protection.why};
}

/** "in 52 min (07:33 UTC)", or "expired 3 min ago (06:38 UTC)". */
export function expiryText(iso: string, now = new Date()): string {
	return new Date(iso).getTime() <= now.getTime() ? `expired ${relativeTime(iso, now)}` : relativeTime(iso, now);
}

/**
 * `whoami`: text says the expiry in words, JSON keeps the ISO time. A --token that is not a JWT
 * mscommerce can read, or one already expired, is unusable: exit 3, with a line that says so.
 */
export async function whoami(ctx: Context): Promise<number> {
	const signedIn = await ctx.auth.signInSilently();
	if (!signedIn) throw new NotSignedInError('Not signed in');
	if (signedIn.source === 'token' && !signedIn.claims) {
		throw new NotSignedInError('--token is not an access token mscommerce can read (a JWT: three base64url parts joined by dots); whoami cannot tell whose it is');
	}
	const accounts = (await ctx.auth.accounts()).map(a => a.username);
	const report: WhoAmI = {
		username: signedIn.username,
		tenantId: signedIn.tenantId,
		tenant: signedIn.tenantName,
		source: signedIn.source,
		expiresOn: signedIn.expiresOn?.toISOString(),
		roles: signedIn.roles,
		canChangePolicies: signedIn.canChange ?? null,
		accounts,
	};
	const tokenCache = signedIn.source === 'token' ? undefined : await tokenCacheOf(ctx);
	if (tokenCache) report.tokenCache = tokenCache;
	printOne(ctx.io, ctx.settings.output, report, WHOAMI_COLUMNS);
	if (signedIn.source === 'token' && signedIn.expiresOn && signedIn.expiresOn.getTime() <= Date.now()) {
		throw new NotSignedInError(`the token given with --token ${expiryText(signedIn.expiresOn.toISOString())}`);
	}
	return 0;
}

const SOURCE_WORDS: Record<SignedIn['source'], string> = {
	cache: 'a cached sign-in',
	'device-code': 'device code',
	browser: 'browser (authorization code)',
	token: '--token',
	'app-secret': 'app-only, client secret',
	'app-certificate': 'app-only, certificate',
};

function yesNo(value: boolean | undefined): string {
	return value === undefined ? 'unknown' : value ? 'yes' : 'no';
}

/**
 * Asks a yes/no question on a terminal; Enter gives the default. Ctrl-C (the signal) rejects with
 * CancelledError at once: nothing was decided, nothing is logged.
 */
export async function askYes(
	stdin: NodeJS.ReadableStream,
	stderr: {write(text: string): unknown},
	question: string,
	defaultYes = true,
	signal?: AbortSignal,
): Promise<boolean> {
	if (signal?.aborted) throw new CancelledError('Interrupted: nothing changed');
	const rl = createInterface({input: stdin, output: stderr as NodeJS.WritableStream, terminal: false});
	stderr.write(question);
	let onAbort: () => void = () => undefined;
	try {
		const answer = await new Promise<string | undefined>((resolve, reject) => {
			rl.once('line', resolve);
			rl.once('close', () => resolve(undefined));
			onAbort = () => {
				stderr.write('\n');
				reject(new CancelledError('Interrupted: nothing changed'));
			};
			signal?.addEventListener('abort', onAbort, {once: true});
		});
		if (answer === undefined) return false;
		const text = answer.trim().toLowerCase();
		return text === '' ? defaultYes : text === 'y' || text === 'yes';
	} finally {
		signal?.removeEventListener('abort', onAbort);
		rl.close();
	}
}

type AccountLine = {username: string; homeTenant: string; isDefault: boolean; tenantsUsed: string[]};

const ACCOUNT_COLUMNS: Column<AccountLine>[] = [
	{header: 'Account', value: a => a.username},
	{header: 'Home tenant', value: a => a.homeTenant, shrinkTo: 12},
	{header: 'Default', value: a => (a.isDefault ? 'yes' : '')},
	{header: 'Tenants used', value: a => a.tenantsUsed.join(', ') || '-', shrinkTo: 12},
];

/** `account list`: the signed-in accounts, and which one commands use without --account. */
export async function accountList(ctx: Context): Promise<number> {
	const [accounts, fallback, used] = await Promise.all([ctx.auth.accounts(), ctx.auth.defaultAccount(), ctx.auth.tenantsUsed()]);
	const lines = accounts.map(account => ({
		username: account.username,
		homeTenant: homeTenantOf(account),
		isDefault: account.homeAccountId === fallback?.homeAccountId,
		tenantsUsed: used[account.homeAccountId] ?? [],
	}));
	printList(ctx.io, ctx.settings.output, lines, ACCOUNT_COLUMNS);
	if (lines.length === 0) ctx.note('Nobody is signed in: `mscommerce login`.');
	else if (!fallback) ctx.note('No default account: commands use the first one; pick one with `mscommerce account use UPN`.');
	return 0;
}

/** `account use UPN`: the account commands use from now on without --account. */
export async function accountUse(ctx: Context, username: string): Promise<number> {
	const account = await ctx.auth.useAccount(username);
	ctx.note(`Commands will use ${account.username} from now on (--account overrides it for one command).`);
	return 0;
}
