/**
 * The command line: parses arguments (commander), resolves settings, and runs either the
 * dashboard (a TTY and no subcommand) or one command. Every failure ends here, classified once,
 * printed on stderr with its hint, and turned into an exit code (docs/architecture.md, Exit codes).
 */
import './runtime.js'; // first: V8's settings apply to what loads after
import {Command, CommanderError, Option} from 'commander';
import {resolveSettings, type Flags, type Settings} from './config.js';
import type {Context, ContextOptions} from './commands/context.js';
import type {RetryInfo} from './net/http.js';
import type {EmulatorFlags} from './commands/emulator.js';
import type {Io} from './commands/output.js';
import {reportProblem} from './commands/report.js';
import {classify} from './problems/classify.js';
import {UsageError} from './problems/errors.js';
import {safeText} from './text/safe.js';
import {ExitCode, exitCodeFor, interruptedCode} from './problems/exitCodes.js';

declare const MSCOMMERCE_VERSION: string | undefined;
const VERSION = typeof MSCOMMERCE_VERSION === 'string' ? MSCOMMERCE_VERSION : '0.0.0-dev';

const io: Io = {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin};

type GlobalFlags = Flags & {demo?: boolean; faults?: string};

function parseCount(text: string, option: string): number {
	if (!/^\d+$/.test(text)) throw new UsageError(`${option}: "${text}" is not a whole number`);
	return Number(text);
}

/** Starts the embedded emulator for --demo and points the settings at it. */
async function demoSettings(settings: Settings, flags: GlobalFlags, forDashboard: boolean) {
	const {startEmulator} = await import('./emulator/index.js');
	const emulator = await startEmulator({preset: 'demo', autoApproveMs: 1000, faults: flags.faults});
	const demo: Settings = {
		...settings,
		authority: emulator.authority,
		licensingUrl: emulator.licensingUrl,
		// The dashboard shows the device-code sign-in (approved by itself); commands act as the demo admin.
		token: forDashboard ? undefined : emulator.tokens.admin,
	};
	return {settings: demo, options: {ca: [emulator.caPem], persist: false} satisfies ContextOptions, close: () => emulator.close()};
}

/** A retry is worth a line on stderr: the user sees why a command takes longer (stdout stays data). */
function noteRetry(info: RetryInfo): void {
	const host = new URL(info.context.url).host;
	const why = /^\d+$/.test(info.reason) ? `answered ${info.reason}` : `dropped the connection (${info.reason})`;
	// On a terminal, clear the line first: a bulk write's progress bar may be on it (it redraws on the next row).
	const clear = io.stderr.isTTY ? '\r\u001B[K' : '';
	io.stderr.write(`${clear}note: ${host} ${why}; trying again in ${Math.max(1, Math.round(info.delayMs / 1000))} s\n`);
}

/** Any failure, classified once: the problem on stderr, its exit code (docs/architecture.md, Exit codes). */
function fail(error: unknown): void {
	const problem = classify(error);
	reportProblem(io.stderr, problem);
	process.exitCode = exitCodeFor(problem);
}

type RunOptions = {
	/** The dashboard signs in with a device code under --demo; commands act as the demo admin. */
	dashboard?: boolean;
	/** Ctrl-C aborts the command's requests (the dashboard handles its own keys and signals). */
	interruptible?: boolean;
};

/**
 * Resolves settings (and the --demo emulator), builds the context, runs the action and sets the
 * exit code; any failure ends in fail(). The context and the emulator are closed afterwards.
 */
async function withContext(command: Command, options: RunOptions, action: (ctx: Context, signal: AbortSignal) => Promise<number>): Promise<void> {
	const flags = command.optsWithGlobals<GlobalFlags>();
	const controller = new AbortController();
	// The first Ctrl-C (or SIGTERM) stops the command: writes in flight are waited for and settled
	// (source/commerce/changes.ts); a second one quits at once.
	const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
		if (controller.signal.aborted) process.exit(signal === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted);
		controller.abort(signal);
	};
	const onSigint = () => onSignal('SIGINT');
	const onSigterm = () => onSignal('SIGTERM');
	if (options.interruptible) {
		process.on('SIGINT', onSigint);
		process.on('SIGTERM', onSigterm);
	}
	let ctx: Context | undefined;
	let closeDemo: (() => Promise<void>) | undefined;
	try {
		let settings = resolveSettings(flags);
		// Retry notes go to stderr for commands; on the dashboard's screen they would scribble over it.
		let contextOptions: ContextOptions = options.dashboard ? {} : {onRetry: noteRetry};
		if (flags.demo) {
			const demo = await demoSettings(settings, flags, Boolean(options.dashboard));
			settings = demo.settings;
			contextOptions = {...contextOptions, ...demo.options};
			closeDemo = demo.close;
		}
		const {createContext} = await import('./commands/context.js');
		ctx = createContext(settings, io, controller.signal, contextOptions);
		process.exitCode = await action(ctx, controller.signal);
	} catch (error) {
		fail(error);
		// Stopped at a question by SIGTERM rather than Ctrl-C: 143 (docs/architecture.md, Exit codes).
		if (controller.signal.aborted && process.exitCode === ExitCode.interrupted) process.exitCode = interruptedCode(controller.signal);
	} finally {
		process.off('SIGINT', onSigint);
		process.off('SIGTERM', onSigterm);
		await ctx?.net.close();
		await closeDemo?.();
	}
}

/** Runs one command; turns any failure into a problem on stderr and an exit code. */
async function run(command: Command, action: (ctx: Context) => Promise<number>): Promise<void> {
	await withContext(command, {interruptible: true}, action);
}

async function runDashboard(command: Command): Promise<void> {
	if (!process.stdout.isTTY || !process.stdin.isTTY) {
		io.stderr.write('mscommerce: the dashboard needs a terminal; for scripts use the commands (mscommerce --help), e.g. `mscommerce products list --json`\n');
		process.exitCode = ExitCode.usage;
		return;
	}
	const backendModule = import('./ui/realBackend.js');
	backendModule.catch(() => undefined); // awaited below; a failure surfaces there
	await withContext(command, {dashboard: true}, async ctx => {
		// The backend starts signing in and loading now; Ink is imported meanwhile.
		const backend = (await backendModule).createBackend(ctx);
		const {renderDashboard} = await import('./ui/run.js');
		// Up to 0.8 s for sign-in and the first loads, so the first frame is the loaded list.
		return renderDashboard(backend, {color: ctx.settings.color, warm: backend.settled(800)});
	});
}

export function buildProgram(): Command {
	const program = new Command('mscommerce')
		.description('See and change who may buy or trial Microsoft 365 products in your tenant (self-service purchase policies).')
		.version(VERSION, '-V, --version')
		.addOption(new Option('--policy-id <id>', 'policy to work on (env MSCOMMERCE_POLICY_ID)').default(undefined, 'AllowSelfServicePurchase'))
		.addOption(new Option('--tenant <tenant>', 'tenant domain or ID (env MSCOMMERCE_TENANT)').default(undefined, 'organizations'))
		.addOption(new Option('--client-id <id>', 'public client app ID used to sign in (env MSCOMMERCE_CLIENT_ID)').default(undefined, 'the MSCommerce module\'s'))
		.addOption(new Option('--authority <url>', 'sign-in authority URL (env MSCOMMERCE_AUTHORITY)').default(undefined, 'https://login.microsoftonline.com/<tenant>'))
		.addOption(new Option('--licensing-url <url>', 'licensing service URL (env MSCOMMERCE_LICENSING_URL)').default(undefined, 'https://licensing.m365.microsoft.com'))
		.addOption(new Option('--account <upn>', 'the signed-in account to act as (env MSCOMMERCE_ACCOUNT)').default(undefined, 'the default account'))
		.addOption(new Option('--client-secret <secret>', 'app-only sign-in with this client secret (env MSCOMMERCE_CLIENT_SECRET; needs --client-id and --tenant)'))
		.addOption(new Option('--certificate <file>', 'app-only sign-in with this certificate and private key, PEM (env MSCOMMERCE_CERTIFICATE; needs --client-id and --tenant)'))
		.addOption(new Option('--token <token>', 'use this bearer token instead of signing in (env MSCOMMERCE_TOKEN)'))
		.addOption(new Option('--ca-file <file>', 'extra trusted CA certificate, PEM (env MSCOMMERCE_CA_FILE; NODE_EXTRA_CA_CERTS works too)'))
		.addOption(new Option('--timeout <seconds>', 'give up on an answer not complete within this many seconds, per try (env MSCOMMERCE_TIMEOUT)').default(undefined, '60'))
		.addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'csv']))
		.option('--json', 'same as --output json')
		.option('--no-color', 'no colours (env NO_COLOR)')
		.option('--demo', 'run against the embedded emulator (no account needed)')
		.option('--faults <spec>', 'with --demo: inject faults, e.g. "latency=200ms,429=0.2,drop=0.1"')
		.showHelpAfterError('(add --help for usage)')
		.exitOverride()
		.allowExcessArguments(true)
		.action(async (_options, command: Command) => {
			const [word] = command.args;
			if (word !== undefined) {
				const known = command.commands.map(c => c.name());
				io.stderr.write(`error: unknown command '${safeText(word)}' (commands: ${known.join(', ')}; see mscommerce --help)\n`);
				process.exitCode = ExitCode.usage;
				return;
			}
			await runDashboard(command);
		});

	program
		.command('login')
		.description('sign in with a device code (works over SSH: approve on any device), or --browser where device code is blocked')
		.option('--browser', 'sign in in a browser (authorization code with PKCE; the browser comes back to this machine)')
		.option('--port <n>', 'with --browser: the loopback port the browser comes back to (default: a free one; forward it over SSH)')
		.option('--redirect-uri <uri>', "with --browser: the app's registered redirect URI (default http://localhost/m365/commerce for the MSCommerce app, http://localhost/ for others)")
		.action(async (options: {browser?: boolean; port?: string; redirectUri?: string}, command: Command) =>
			run(command, async ctx => (await import('./commands/account.js')).login(ctx, options)),
		);
	program
		.command('logout')
		.description('forget a signed-in account (the current one unless --account or --all)')
		.option('--all', 'forget every account')
		.action(async (options: {all?: boolean}, command: Command) =>
			run(command, async ctx => (await import('./commands/account.js')).logout(ctx, options)),
		);
	program
		.command('whoami')
		.description('the signed-in account, tenant, token expiry and roles')
		.action(async (_o, command: Command) => run(command, async ctx => (await import('./commands/account.js')).whoami(ctx)));

	const account = program.command('account').description('the signed-in accounts, and which one commands use');
	account
		.command('list')
		.description('every signed-in account, its home tenant, and the default')
		.action(async (_o, command: Command) => run(command, async ctx => (await import('./commands/account.js')).accountList(ctx)));
	account
		.command('use <upn>')
		.description('make a signed-in account the default (commands use it without --account)')
		.action(async (upn: string, _o, command: Command) => run(command, async ctx => (await import('./commands/account.js')).accountUse(ctx, upn)));

	const policies = program.command('policies').description('the policy itself: description and default value');
	policies
		.command('list')
		.description('every policy (Get-MSCommercePolicies)')
		.action(async (_o, command: Command) => run(command, async ctx => (await import('./commands/policies.js')).listPolicies(ctx)));
	policies
		.command('get [policyId]')
		.description('one policy, AllowSelfServicePurchase unless named (Get-MSCommercePolicy)')
		.action(async (policyId: string | undefined, _o, command: Command) => run(command, async ctx => (await import('./commands/policies.js')).getPolicy(ctx, policyId)));

	const products = program.command('products').description("products and their self-service purchase value");
	products
		.command('list')
		.description('every product (Get-MSCommerceProductPolicies)')
		.addOption(new Option('--scope <scope>', 'product, or offertype for the offer types').choices(['product', 'offertype', 'OfferType']).default('product'))
		.option('--new', 'only rows never seen before in this tenant (a full listing marks rows seen)')
		.action(async (options: {scope: string; new?: boolean}, command: Command) =>
			run(command, async ctx =>
				(await import('./commands/rows.js')).listCommand(ctx, options.scope.toLowerCase() === 'offertype' ? 'offerType' : 'product', undefined, {onlyNew: options.new}),
			),
		);
	products
		.command('get <productId>')
		.description('one product (Get-MSCommerceProductPolicy -ProductId); former IDs are accepted')
		.action(async (id: string, _o, command: Command) => run(command, async ctx => (await import('./commands/rows.js')).getCommand(ctx, 'product', id)));
	products
		.command('set <args...>')
		.usage('[options] <productId...> <value>   |   --match TEXT <value>')
		.description('set products to Enabled, Disabled or OnlyTrialsWithoutPaymentMethod (Update-MSCommerceProductPolicy)')
		.option('--match <text>', "select products whose name matches (case-insensitive, like PowerShell's -match)")
		.option('-y, --yes', 'do not ask for confirmation')
		.option('--dry-run', 'show what would change, write nothing')
		.action(async (args: string[], options: {yes?: boolean; dryRun?: boolean; match?: string}, command: Command) =>
			run(command, async ctx => (await import('./commands/rows.js')).setCommand(ctx, 'product', args, options)),
		);

	const offerTypes = program.command('offer-types').description('third-party offer types (SaaS, Power BI visuals, …) and their value');
	offerTypes
		.command('list')
		.description('every offer type (Get-MSCommerceProductPolicies -Scope OfferType)')
		.action(async (_o, command: Command) => run(command, async ctx => (await import('./commands/rows.js')).listCommand(ctx, 'offerType')));
	offerTypes
		.command('get <offerTypeId>')
		.description('one offer type (Get-MSCommerceProductPolicy -OfferType)')
		.action(async (id: string, _o, command: Command) => run(command, async ctx => (await import('./commands/rows.js')).getCommand(ctx, 'offerType', id)));
	offerTypes
		.command('set <args...>')
		.usage('[options] <offerTypeId...> <value>')
		.description('set offer types to Enabled or Disabled (Update-MSCommerceProductPolicy -OfferType)')
		.option('-y, --yes', 'do not ask for confirmation')
		.option('--dry-run', 'show what would change, write nothing')
		.action(async (args: string[], options: {yes?: boolean; dryRun?: boolean}, command: Command) =>
			run(command, async ctx => (await import('./commands/rows.js')).setCommand(ctx, 'offerType', args, options)),
		);

	const baseline = program
		.command('baseline')
		.description('keep the tenant as you decided: a baseline file (default + except per scope), its drift, and applying it');
	baseline
		.command('export')
		.description("write today's state as a baseline (YAML; --json for JSON): the most common value becomes the default")
		.option('--file <file>', 'write to this file instead of stdout')
		.action(async (options: {file?: string}, command: Command) => run(command, async ctx => (await import('./commands/baseline.js')).exportCommand(ctx, options)));
	baseline
		.command('plan')
		.description('show the drift from a baseline: exit 0 in sync, 6 when rows differ; rows never seen before are marked new')
		.requiredOption('--file <file>', 'the baseline (YAML or JSON; - for stdin)')
		.action(async (options: {file?: string}, command: Command) => run(command, async ctx => (await import('./commands/baseline.js')).planCommand(ctx, options)));
	baseline
		.command('apply')
		.description('make the tenant match a baseline: only the drift is written, so running it again finishes a partial run')
		.requiredOption('--file <file>', 'the baseline (YAML or JSON; - for stdin)')
		.option('-y, --yes', 'do not ask for confirmation')
		.option('--dry-run', 'show what would change, write nothing')
		.action(async (options: {file?: string; yes?: boolean; dryRun?: boolean}, command: Command) =>
			run(command, async ctx => (await import('./commands/baseline.js')).applyCommand(ctx, options)),
		);

	program
		.command('history')
		.description('the change sets of the audit log, newest first ($XDG_STATE_HOME/mscommerce/audit.jsonl)')
		.action(async (_o, command: Command) => run(command, async ctx => (await import('./commands/history.js')).historyCommand(ctx)));
	program
		.command('undo [changeSetId]')
		.description('reverse the last change set (or the named one); rows changed again since are left alone')
		.option('-y, --yes', 'do not ask for confirmation')
		.option('--dry-run', 'show what would change, write nothing')
		.action(async (id: string | undefined, options: {yes?: boolean; dryRun?: boolean}, command: Command) =>
			run(command, async ctx => (await import('./commands/history.js')).undoCommand(ctx, id, options)),
		);

	program
		.command('emulator')
		.description('run the local HTTPS emulator of the sign-in and licensing services (Ctrl-C stops it)')
		.option('--port <n>', 'port (default: a free one)')
		.option('--faults <spec>', 'inject faults, e.g. "latency=100ms,429=0.2,retry-after=1,503=0.1,drop=0.05,malformed=0.05,expire=0.1"')
		.option('--auto-approve', 'approve device codes by themselves after a second')
		.option('--products <n>', 'add N synthetic products (scale tests)')
		.option('--preset <name>', 'fresh (every row Enabled) or demo (a realistic mix)')
		.option('--legacy-tls', 'also listen on a port that only speaks TLS 1.0/1.1')
		.option('--hostile', 'serve names, descriptions, errors and sign-in messages full of terminal control (to see that none of it is obeyed)')
		.action(async (options: EmulatorFlags, command: Command) => {
			// `--faults` is also the program's own option (for --demo), which takes it first.
			options.faults ??= command.optsWithGlobals<GlobalFlags>().faults;
			const controller = new AbortController();
			const stop = () => controller.abort();
			process.once('SIGINT', stop);
			process.once('SIGTERM', stop);
			try {
				const {emulatorCommand} = await import('./commands/emulator.js');
				process.exitCode = await emulatorCommand(io, options, controller.signal, parseCount);
			} catch (error) {
				fail(error);
			}
		});

	return program;
}

/**
 * NODE_TLS_REJECT_UNAUTHORIZED=0 turns certificate checks off for every connection that does not
 * say otherwise. Net always says rejectUnauthorized: true, so it has no effect here; it is removed
 * before any connection all the same, so Node does not warn that checks are off when they are not,
 * and the user is told once what to do instead.
 */
function ignoreInsecureTlsVariable(): void {
	if (process.env.NODE_TLS_REJECT_UNAUTHORIZED !== '0') return;
	delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
	io.stderr.write(
		'note: NODE_TLS_REJECT_UNAUTHORIZED=0 is ignored: mscommerce never turns certificate checks off (pass your proxy\'s root CA with --ca-file)\n',
	);
}

export async function main(argv: string[]): Promise<void> {
	ignoreInsecureTlsVariable();
	const program = buildProgram();
	program.configureOutput({
		writeOut: text => void io.stdout.write(text),
		writeErr: text => void io.stderr.write(text),
	});
	try {
		await program.parseAsync(argv);
	} catch (error) {
		if (error instanceof CommanderError) {
			// --help and --version end here with code 0; anything else is a usage error.
			process.exitCode = error.exitCode === 0 ? 0 : ExitCode.usage;
			return;
		}
		throw error;
	}
}

await main(process.argv);
