/** mscommerce login | logout | whoami */
import {createInterface} from 'node:readline';
import type {SignedIn} from '../auth/auth.js';
import {NotSignedInError, UsageError} from '../problems/errors.js';
import {SignInError, isExpiredSignIn} from '../problems/signIn.js';
import {classify} from '../problems/classify.js';
import type {Context} from './context.js';
import {CancelledError} from '../problems/errors.js';
import {describeTenant} from '../words.js';
import {safeText} from '../text/safe.js';
import {printList, printOne, type Column} from './output.js';
import {reportProblem} from './report.js';

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
	for (;;) {
		try {
			const signedIn = options.browser
				? await signInWithBrowser(ctx, options)
				: await ctx.auth.signInWithDeviceCode(prompt => {
						// The sign-in server's sentence is data: a link in it is shown, never made clickable.
						io.stderr.write(`${safeText(prompt.message)}\n`);
						io.stderr.write(`Waiting for approval (the code works for ${Math.round((prompt.expiresAt - Date.now()) / 60_000)} min; Ctrl-C to stop)…\n`);
					}, ctx.signal);
			io.stderr.write(`${safeText(`Signed in as ${signedIn.username} (tenant ${describeTenant(signedIn)}).`)}\n`);
			io.stderr.write(`Roles: ${signedIn.roles.join(', ') || 'none found in the token'}; can change policies: ${yesNo(signedIn.canChange)}\n`);
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
};

const WHOAMI_COLUMNS: Column<WhoAmI>[] = [
	{header: 'Account', value: w => w.username},
	{header: 'Tenant', value: w => (w.tenant ? `${w.tenant} (${w.tenantId})` : w.tenantId)},
	{header: 'Signed in with', value: w => SOURCE_WORDS[w.source]},
	{header: 'Token expires', value: w => w.expiresOn ?? 'unknown'},
	{header: 'Roles', value: w => w.roles.join(', ') || 'none found in the token'},
	{header: 'Can change policies', value: w => yesNo(w.canChangePolicies ?? undefined)},
	{header: 'Accounts in cache', value: w => w.accounts.join(', ') || '-'},
];

export async function whoami(ctx: Context): Promise<number> {
	const signedIn = await ctx.auth.signInSilently();
	if (!signedIn) throw new NotSignedInError('Not signed in');
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
	printOne(ctx.io, ctx.settings.output, report, WHOAMI_COLUMNS);
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
		homeTenant: account.homeAccountId.split('.').at(-1) ?? account.tenantId,
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
