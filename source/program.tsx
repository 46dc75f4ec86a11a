/**
 * The program behind the `mscommerce` binary (source/cli.tsx runs it). Importing it runs
 * nothing, so tests and shell completion can read the command tree (buildProgram).
 *
 * The command line: parses arguments (commander), resolves settings, and runs either the
 * dashboard (a TTY and no subcommand) or one command. Every failure ends here, classified once,
 * printed on stderr with its hint, and turned into an exit code (docs/architecture.md, Exit codes).
 * Commander's own usage errors are shaped to the same layout (an `error:` line, then `hint:`
 * lines), and a mistyped word is answered with the nearest command at every level.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Argument, Command, CommanderError, InvalidArgumentError, Option} from 'commander';
import {resolveSettings, stateDirOf, type Flags, type Settings} from './config.js';
import type {Context, ContextOptions} from './commands/context.js';
import type {RetryInfo} from './net/http.js';
import type {EmulatorFlags} from './commands/emulator.js';
import type {Io} from './commands/output.js';
import {reportProblem, retryText} from './commands/report.js';
import {suggest} from './text/suggest.js';
import {classify} from './problems/classify.js';
import {UsageError} from './problems/errors.js';
import {safeText} from './text/safe.js';
import {ExitCode, exitCodeFor, interruptedCode} from './problems/exitCodes.js';

declare const MSCOMMERCE_VERSION: string | undefined;
const VERSION = typeof MSCOMMERCE_VERSION === 'string' ? MSCOMMERCE_VERSION : '0.0.0-dev';

const io: Io = {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin};

type GlobalFlags = Flags & {demo?: boolean; faults?: string; tenants?: string; shard?: string; baseline?: string};

function parseCount(text: string, option: string): number {
	if (!/^\d+$/.test(text)) throw new UsageError(`${option}: "${text}" is not a whole number`);
	return Number(text);
}

/** The account commands act as under --demo (the emulator's Contoso Global Administrator). */
const DEMO_ADMIN = 'admin@contoso.onmicrosoft.com';

/** The synthetic customer tenants of a demo fleet (--demo --tenants): customer001…customer005. */
const DEMO_TENANT_COUNT = 5;

/**
 * Starts the embedded emulator for --demo and points the settings at it. The demo's audit log,
 * seen products and completion IDs go to a temporary state directory removed when the run ends:
 * the user's `history` never shows a demo change set, and a demo never marks a real product seen.
 * (The token cache stays in memory: persist false.)
 *
 * With --tenants (a demo fleet) the emulator also holds customer001…customer005, every tenant
 * signs in app-only as the emulator's fleet app (its client ID and secret, as a real run would be
 * given them: the sign-in code does not know it is a demo), and the tenants differ a little, as a
 * real fleet does: values changed here and there, and a product Microsoft added since the last look.
 */
async function demoSettings(settings: Settings, flags: GlobalFlags, forDashboard: boolean) {
	const {startEmulator, FLEET_APP_ID, FABRIKAM, syntheticTenant} = await import('./emulator/index.js');
	const stateRoot = await mkdtemp(join(tmpdir(), 'mscommerce-demo-'));
	const removeState = () => rm(stateRoot, {recursive: true, force: true});
	const fleet = flags.tenants !== undefined;
	let emulator;
	try {
		emulator = await startEmulator({preset: 'demo', autoApproveMs: 1000, faults: flags.faults, ...(fleet ? {tenantCount: DEMO_TENANT_COUNT} : {})});
	} catch (error) {
		await removeState();
		throw error;
	}
	let demo: Settings = {
		...settings,
		authority: emulator.authority,
		licensingUrl: emulator.licensingUrl,
		// The dashboard shows the device-code sign-in (approved by itself); commands act as the demo admin.
		token: forDashboard ? undefined : emulator.tokens.admin,
		// Microsoft Graph (the tenant-wide switches) is the same emulator; commands act as the demo admin there too.
		graphUrl: emulator.graphUrl,
		...(forDashboard ? {} : {graphToken: emulator.issueToken(DEMO_ADMIN, {scopes: [`${emulator.graphUrl}/.default`]})}),
		stateDir: join(stateRoot, 'mscommerce'),
	};
	const close = async () => {
		try {
			await emulator.close();
		} finally {
			await removeState();
		}
	};
	if (fleet) {
		const app = emulator.apps.find(candidate => candidate.clientId === FLEET_APP_ID);
		const {token: _token, certificate: _certificate, ...rest} = demo;
		demo = {...rest, clientId: FLEET_APP_ID, clientSecret: app?.secret ?? ''};
		try {
			const {markSeen, seenKey} = await import('./commerce/seen.js');
			emulator.setValue(FABRIKAM.id, 'product', 'CFQ7TTC0MM8R', 'Disabled');
			emulator.setValue(FABRIKAM.id, 'product', 'CFQ7TTC0N8SS', 'Disabled');
			emulator.setValue(syntheticTenant(2).id, 'product', 'CFQ7TTC0H9MP', 'Enabled');
			emulator.setValue(syntheticTenant(3).id, 'product', 'CFQ7TTC0HD33', 'OnlyTrialsWithoutPaymentMethod');
			// customer001 was looked at before; Microsoft has added a product since.
			const first = syntheticTenant(1).id;
			const seen = emulator.tenantState(first).products.map(product => ({scope: 'product' as const, id: product.productId}));
			await markSeen(demo.stateDir, seenKey(first, emulator.licensingUrl), seen, ['product']);
			emulator.addProduct(first, {productId: 'CFQ7TTC0DEM0', productName: 'Microsoft Loop (demo: new since the last look)', policyValue: 'Enabled'});
		} catch (error) {
			await close();
			throw error;
		}
	}
	return {settings: demo, options: {ca: [emulator.caPem], persist: false} satisfies ContextOptions, close};
}

/** A retry is worth a line on stderr: the user sees why a command takes longer (stdout stays data). */
function noteRetry(info: RetryInfo): void {
	// On a terminal, clear the line first: a bulk write's progress bar may be on it (it redraws on the next row).
	const clear = io.stderr.isTTY ? '\r\u001B[K' : '';
	io.stderr.write(`${clear}note: ${retryText(info)}\n`);
}

/** Any failure, classified once: the problem on stderr, its exit code (docs/architecture.md, Exit codes). */
function fail(error: unknown): void {
	const problem = classify(error);
	reportProblem(io.stderr, problem);
	process.exitCode = exitCodeFor(problem);
}

/** "mscommerce products set": a command as the user types it. */
function commandPath(command: Command): string {
	const names: string[] = [];
	for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
	return names.join(' ');
}

function helpHint(command: Command): string {
	return `see \`${commandPath(command)} --help\``;
}

type RunOptions = {
	/** The dashboard signs in with a device code under --demo; commands act as the demo admin. */
	dashboard?: boolean;
	/** Ctrl-C aborts the command's requests (the dashboard handles its own keys and signals). */
	interruptible?: boolean;
	/** The dashboard's listener for retries (its status line shows them). */
	onRetry?: (info: RetryInfo) => void;
	/** The command works over a fleet with --tenants (docs/fleet.md); any other refuses it. */
	fleet?: boolean;
	/** App-only sign-in needs no --tenant here: each tenant the command works in is named elsewhere (undo of a fleet's change set). */
	tenantsElsewhere?: boolean;
};

/** What --tenants works with, for the one line that refuses it elsewhere. */
const FLEET_COMMANDS = 'baseline plan, baseline apply, products list, offer-types list and the dashboard';

/** --tenants and --shard, checked before anything else: where they make sense, and with each other. */
function checkFleetFlags(command: Command, flags: GlobalFlags, options: RunOptions): void {
	if (flags.baseline !== undefined && !options.dashboard) {
		throw new UsageError(`--baseline is the fleet view's shared baseline; \`${commandPath(command)}\` takes none (baseline plan and apply take --file)`);
	}
	if (flags.tenants === undefined && flags.shard === undefined) return;
	if (flags.tenants === undefined) throw new UsageError('--shard needs --tenants FILE: it picks a slice of the tenants file');
	if (!options.fleet) throw new UsageError(`--tenants works with ${FLEET_COMMANDS}; \`${commandPath(command)}\` works on one tenant (--tenant)`);
	if (flags.tenant !== undefined) throw new UsageError('give --tenant or --tenants, not both: --tenants FILE names every tenant (and how each signs in)');
}

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
		checkFleetFlags(command, flags, options);
		let settings = resolveSettings(flags, process.env, Boolean(process.stdout.isTTY), {fleet: flags.tenants !== undefined || options.tenantsElsewhere});
		// --token or MSCOMMERCE_TOKEN alike: refused once here, not as a failure of every tenant.
		if (flags.tenants !== undefined && settings.token !== undefined) {
			throw new UsageError('--token / MSCOMMERCE_TOKEN is for one tenant: with --tenants each tenant signs in by itself (an account, or an app with --client-secret / --certificate)');
		}
		// Retry notes go to stderr for commands; the dashboard shows them on its status line instead.
		let contextOptions: ContextOptions = {onRetry: options.dashboard ? options.onRetry : noteRetry};
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
		// "Not signed in" names the authority without an account when accounts are cached for another one.
		const explained = ctx ? await (await import('./commands/account.js')).explainNotSignedIn(ctx, error) : error;
		fail(explained);
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

/** A command that works on one tenant, or over the fleet of --tenants FILE (with --shard K/N). */
async function runFleetOr(
	command: Command,
	fleetAction: (ctx: Context, fleet: {tenants: string; shard?: string}) => Promise<number>,
	action: (ctx: Context) => Promise<number>,
): Promise<void> {
	const {tenants, shard} = command.optsWithGlobals<GlobalFlags>();
	await withContext(command, {interruptible: true, fleet: true}, async ctx => (tenants === undefined ? action(ctx) : fleetAction(ctx, {tenants, ...(shard === undefined ? {} : {shard})})));
}

async function runDashboard(command: Command): Promise<void> {
	const flags = command.optsWithGlobals<GlobalFlags>();
	if (flags.baseline !== undefined && flags.tenants === undefined) {
		fail(new UsageError('--baseline is the shared baseline of a fleet: give it with --tenants FILE (for one tenant: mscommerce baseline plan --file FILE)'));
		return;
	}
	if (!process.stdout.isTTY || !process.stdin.isTTY) {
		io.stderr.write('mscommerce: the dashboard needs a terminal; for scripts use the commands (mscommerce --help), e.g. `mscommerce products list --json`\n');
		process.exitCode = ExitCode.usage;
		return;
	}
	if (flags.tenants !== undefined) {
		// The fleet view: the tenants file and its baselines are read and checked first (their
		// problems are printed as the commands print them, exit 2), then every tenant loads at once.
		const tenants = flags.tenants;
		const fleetModule = import('./ui/realFleetBackend.js');
		fleetModule.catch(() => undefined); // awaited below; a failure surfaces there
		await withContext(command, {dashboard: true, fleet: true}, async ctx => {
			const fleet = await (await fleetModule).prepareFleet(ctx, {tenants, ...(flags.shard === undefined ? {} : {shard: flags.shard}), ...(flags.baseline === undefined ? {} : {baseline: flags.baseline})});
			if (typeof fleet === 'number') return fleet;
			try {
				const {renderFleet} = await import('./ui/run.js');
				return await renderFleet(fleet, {color: ctx.settings.color});
			} finally {
				fleet.close();
			}
		});
		return;
	}
	const backendModule = import('./ui/realBackend.js');
	backendModule.catch(() => undefined); // awaited below; a failure surfaces there
	// The backend exists only inside the context; retries before it is made have no one to tell.
	let relay: ((info: RetryInfo) => void) | undefined;
	await withContext(command, {dashboard: true, fleet: true, onRetry: info => relay?.(info)}, async ctx => {
		// The backend starts signing in and loading now; Ink is imported meanwhile.
		const backend = (await backendModule).createBackend(ctx);
		relay = backend.noteRetry;
		const {renderDashboard} = await import('./ui/run.js');
		// Up to 0.8 s for sign-in and the first loads, so the first frame is the loaded list.
		return renderDashboard(backend, {color: ctx.settings.color, warm: backend.settled(800)});
	});
}

/** Commander's error text in the program's layout: its "(Did you mean x?)" becomes a hint line. */
function shapeCommanderError(text: string): string {
	return text.replace(/\n?\(Did you mean (.+?)\?\)/, '\nhint: did you mean $1?');
}

/**
 * A fixed set of values, in any case (`-o CSV`, `--scope OfferType`). The choices stay on the
 * option, so help lists them and shell completion offers them.
 */
function oneOf(option: Option, values: string[]): Option {
	return option.choices(values).argParser((text: string) => {
		const lower = text.toLowerCase();
		if (!values.includes(lower)) throw new InvalidArgumentError(`Use ${values.join(', ')}.`);
		return lower;
	});
}

/** Examples at the end of a command's help: what to type, as gh and az show them. */
function examples(command: Command, lines: string[]): Command {
	return command.addHelpText('after', `\nExamples:\n${lines.map(line => `  $ ${line}`).join('\n')}\n`);
}

/** The commands a user can type at one level (hidden ones left out). */
function visibleNames(parent: Command): string[] {
	return parent.createHelp().visibleCommands(parent).map(c => c.name());
}

/**
 * A word that is no command of `parent`: the error line, the nearest command with the rest of
 * the line as it would then read, and the list of commands. Exit 2, nothing sent.
 */
function unknownCommand(parent: Command, word: string, rest: readonly string[], typed = commandPath(parent)): void {
	const names = visibleNames(parent);
	const near = suggest(word, names);
	const lines = [`error: unknown command '${word}'`];
	if (near.length > 0) lines.push(`hint: did you mean ${near.map(name => `\`${[typed, name, ...rest].join(' ')}\``).join(' or ')}?`);
	lines.push(`hint: commands: ${names.join(', ')}; see \`${commandPath(parent)} --help\``);
	// The words are the user's own, but may hold anything a terminal would obey.
	io.stderr.write(`${lines.map(safeText).join('\n')}\n`);
	process.exitCode = ExitCode.usage;
}

/** `mscommerce __complete WORDS…`: candidates for a shell's Tab. It never prints an error: whatever it prints lands in the shell. */
async function runCompletion(words: string[], program: Command): Promise<void> {
	try {
		const {completeCommand} = await import('./commands/completion.js');
		process.exitCode = await completeCommand(io, words, program, stateDirOf(process.env));
	} catch {
		process.exitCode = ExitCode.ok;
	}
}

const COMMAND_HELP_TAIL = `
Exit codes: 0 done, 1 failed, 2 usage (a bad flag, value or ID), 3 not signed in, 4 permission
denied, 5 partly done, 6 drift found (baseline plan), 130 interrupted.`;

export function buildProgram(): Command {
	const program = new Command('mscommerce');
	// Set before any subcommand is added: commander copies these settings to each one as it is made.
	program
		.configureOutput({
			writeOut: text => void io.stdout.write(text),
			writeErr: text => void io.stderr.write(text),
			outputError: (text, write) => write(shapeCommanderError(text)),
		})
		.configureHelp({showGlobalOptions: true})
		.showSuggestionAfterError(true)
		.exitOverride();
	program
		.description('See and change who may buy or trial Microsoft 365 products in your tenant (self-service purchase policies).\nWith no command on a terminal: the dashboard.')
		.version(VERSION, '-V, --version', 'print the version')
		.addOption(new Option('--policy-id <id>', 'policy to work on (env MSCOMMERCE_POLICY_ID)').default(undefined, 'AllowSelfServicePurchase'))
		.addOption(new Option('--tenant <tenant>', 'tenant domain or ID (env MSCOMMERCE_TENANT)').default(undefined, 'organizations'))
		.addOption(new Option('--client-id <id>', 'public client app ID used to sign in (env MSCOMMERCE_CLIENT_ID)').default(undefined, 'the MSCommerce module\'s'))
		.addOption(new Option('--authority <url>', 'sign-in authority URL (env MSCOMMERCE_AUTHORITY)').default(undefined, 'https://login.microsoftonline.com/<tenant>'))
		.addOption(new Option('--licensing-url <url>', 'licensing service URL (env MSCOMMERCE_LICENSING_URL)').default(undefined, 'https://licensing.m365.microsoft.com'))
		.addOption(new Option('--graph-url <url>', 'Microsoft Graph URL, for the tenant-wide switches (env MSCOMMERCE_GRAPH_URL)').default(undefined, 'https://graph.microsoft.com'))
		.addOption(new Option('--graph-client-id <id>', 'public client app ID used to sign in to Microsoft Graph (env MSCOMMERCE_GRAPH_CLIENT_ID)').default(undefined, 'Microsoft Graph Command Line Tools'))
		.addOption(new Option('--account <upn>', 'the signed-in account to act as (env MSCOMMERCE_ACCOUNT)').default(undefined, 'the default account'))
		.addOption(new Option('--client-secret <secret>', 'app-only sign-in with this client secret (env MSCOMMERCE_CLIENT_SECRET; needs --client-id and --tenant)'))
		.addOption(new Option('--certificate <file>', 'app-only sign-in with this certificate and private key, PEM (env MSCOMMERCE_CERTIFICATE; needs --client-id and --tenant)'))
		.addOption(new Option('--token <token>', 'use this bearer token for the licensing service instead of signing in (env MSCOMMERCE_TOKEN)'))
		.addOption(new Option('--graph-token <token>', 'use this bearer token for Microsoft Graph (the switches) instead of signing in (env MSCOMMERCE_GRAPH_TOKEN)'))
		.addOption(new Option('--ca-file <file>', 'extra trusted CA certificate, PEM (env MSCOMMERCE_CA_FILE; NODE_EXTRA_CA_CERTS works too)'))
		.addOption(new Option('--timeout <seconds>', 'give up on an answer not complete within this many seconds, per try (env MSCOMMERCE_TIMEOUT)').default(undefined, '60'))
		.addOption(oneOf(new Option('-o, --output <format>', 'output format, in any case'), ['text', 'json', 'csv']))
		.option('--json', 'same as --output json')
		.option('--no-color', 'no colours (env NO_COLOR)')
		.option('--demo', 'run against the embedded emulator (no account needed; writes nothing to your files)')
		.option('--faults <spec>', 'with --demo: inject faults, e.g. "latency=200ms,429=0.2,drop=0.1"')
		.addOption(new Option('--tenants <file>', `every tenant of this tenants file (YAML; docs/fleet.md): ${FLEET_COMMANDS}`))
		.addOption(new Option('--shard <K/N>', 'with --tenants: only slice K of N (a tenant is in slice 1 + SHA-256(tenant) mod N)'))
		.addOption(new Option('--baseline <file>', "with --tenants, the dashboard: the baseline of every tenant without one of its own (the fleet view's Drift column)"))
		.allowExcessArguments(true)
		.action(async (_options, command: Command) => {
			// The program's action is the dashboard, so commander never calls a first word unknown: this does.
			const [word, ...rest] = command.args;
			if (word !== undefined) return unknownCommand(command, word, rest);
			await runDashboard(command);
		});
	examples(program, [
		'mscommerce                                  # the dashboard (on a terminal)',
		'mscommerce --demo                           # the dashboard against the embedded emulator',
		'mscommerce --tenants tenants.yaml           # the fleet view: every tenant of a tenants file',
		'mscommerce login',
		'mscommerce products list',
		'mscommerce products set CFQ7TTC0HD33 Disabled --dry-run',
		'mscommerce help products set',
	]).addHelpText('after', COMMAND_HELP_TAIL);

	const login = program
		.command('login')
		.description('sign in with a device code (works over SSH: approve on any device), or --browser where device code is blocked')
		.option('--browser', 'sign in in a browser (authorization code with PKCE; the browser comes back to this machine)')
		.option('--port <n>', 'with --browser: the loopback port the browser comes back to (default: a free one; forward it over SSH)')
		.option('--redirect-uri <uri>', "with --browser: the app's registered redirect URI (default http://localhost/m365/commerce for the MSCommerce app, http://localhost/ for others)")
		.option('--graph', 'sign in to Microsoft Graph (device code), for the tenant-wide switches: once, as the account commands use')
		.action(async (options: {browser?: boolean; port?: string; redirectUri?: string; graph?: boolean}, command: Command) =>
			run(command, async ctx => {
				if (options.graph) {
					if (options.browser || options.port !== undefined || options.redirectUri !== undefined) throw new UsageError('login --graph signs in with a device code: --browser, --port and --redirect-uri are for the licensing sign-in');
					return (await import('./commands/switches.js')).loginGraph(ctx);
				}
				return (await import('./commands/account.js')).login(ctx, options);
			}),
		);
	examples(login, [
		'mscommerce login',
		'mscommerce login --tenant contoso.onmicrosoft.com',
		'mscommerce login --browser --port 8400        # over SSH: ssh -L 8400:localhost:8400 HOST',
		'mscommerce login --graph                      # Microsoft Graph, for mscommerce switches and explain',
	]);
	const logout = program
		.command('logout')
		.description('forget a signed-in account (the current one unless --account or --all)')
		.option('--all', 'forget every account')
		.action(async (options: {all?: boolean}, command: Command) =>
			run(command, async ctx => (await import('./commands/account.js')).logout(ctx, options)),
		);
	examples(logout, ['mscommerce logout', 'mscommerce logout --account admin@contoso.onmicrosoft.com', 'mscommerce logout --all']);
	const whoami = program
		.command('whoami')
		.description('the signed-in account, tenant, token expiry and roles')
		.action(async (_o, command: Command) => run(command, async ctx => (await import('./commands/account.js')).whoami(ctx)));
	examples(whoami, ['mscommerce whoami', 'mscommerce whoami --json']);

	const account = program.command('account').description('the signed-in accounts, and which one commands use');
	examples(account, ['mscommerce account list', 'mscommerce account use admin@contoso.onmicrosoft.com']);
	examples(
		account
			.command('list')
			.description('every signed-in account, its home tenant, and the default')
			.action(async (_o, command: Command) => run(command, async ctx => (await import('./commands/account.js')).accountList(ctx))),
		['mscommerce account list', 'mscommerce account list --json'],
	);
	examples(
		account
			.command('use <upn>')
			.description('make a signed-in account the default (commands use it without --account)')
			.action(async (upn: string, _o, command: Command) => run(command, async ctx => (await import('./commands/account.js')).accountUse(ctx, upn))),
		['mscommerce account use admin@contoso.onmicrosoft.com'],
	);

	const policies = program.command('policies').description('the policy itself: description and default value');
	examples(policies, ['mscommerce policies list', 'mscommerce policies get']);
	examples(
		policies
			.command('list')
			.description('every policy (Get-MSCommercePolicies)')
			.action(async (_o, command: Command) => run(command, async ctx => (await import('./commands/policies.js')).listPolicies(ctx))),
		['mscommerce policies list', 'mscommerce policies list --json'],
	);
	examples(
		policies
			.command('get [policyId]')
			.description('one policy, AllowSelfServicePurchase unless named (Get-MSCommercePolicy)')
			.action(async (policyId: string | undefined, _o, command: Command) => run(command, async ctx => (await import('./commands/policies.js')).getPolicy(ctx, policyId))),
		['mscommerce policies get', 'mscommerce policies get AllowSelfServicePurchase --json'],
	);

	const products = program.command('products').description('products and their self-service purchase value');
	examples(products, ['mscommerce products list', 'mscommerce products get CFQ7TTC0LH3L', 'mscommerce products set CFQ7TTC0HD33 Disabled']);
	examples(
		products
			.command('list')
			.description('every product, sorted by name (Get-MSCommerceProductPolicies)')
			.addOption(oneOf(new Option('--scope <scope>', 'product, or offertype for the offer types (any case)'), ['product', 'offertype']).default('product'))
			.option('--new', 'only rows never seen before in this tenant (a full listing marks rows seen)')
			.action(async (options: {scope: string; new?: boolean}, command: Command) =>
				runFleetOr(
					command,
					async (ctx, fleet) => {
						if (options.new) throw new UsageError('--new is for one tenant: over a fleet, `baseline plan --tenants FILE` reports the new products of every tenant');
						return (await import('./commands/fleet.js')).fleetListCommand(ctx, options.scope === 'offertype' ? 'offerType' : 'product', fleet);
					},
					async ctx => (await import('./commands/rows.js')).listCommand(ctx, options.scope === 'offertype' ? 'offerType' : 'product', undefined, {onlyNew: options.new}),
				),
			),
		[
			'mscommerce products list',
			'mscommerce products list --new',
			'mscommerce products list -o csv > products.csv',
			'mscommerce products list --tenants tenants.yaml -o csv > fleet-products.csv',
			`mscommerce products list --json | jq -r '.[] | select(.policyValue == "Enabled") | .productName'`,
		],
	);
	examples(
		products
			.command('get <id>')
			.description('one product (Get-MSCommerceProductPolicy -ProductId); former IDs are accepted')
			.action(async (id: string, _o, command: Command) => run(command, async ctx => (await import('./commands/rows.js')).getCommand(ctx, 'product', id))),
		['mscommerce products get CFQ7TTC0LH3L', 'mscommerce products get CFQ7TTC0LH3L --json'],
	);
	examples(
		products
			.command('set')
			// Optional to commander: setCommand says what is missing in the user's terms, not "missing argument 'id'".
			.argument('[id...]', 'product IDs (former IDs work), then the value: Enabled, Disabled or OnlyTrialsWithoutPaymentMethod (any case)')
			.usage('[options] <id...> <value>   |   --match TEXT <value>')
			.description('set products to Enabled, Disabled or OnlyTrialsWithoutPaymentMethod (Update-MSCommerceProductPolicy)')
			.option('--match <text>', "select products whose name matches (case-insensitive, like PowerShell's -match)")
			.option('-y, --yes', 'do not ask for confirmation')
			.option('--dry-run', 'show what would change, write nothing')
			.action(async (args: string[], options: {yes?: boolean; dryRun?: boolean; match?: string}, command: Command) =>
				run(command, async ctx => (await import('./commands/rows.js')).setCommand(ctx, 'product', args, options)),
			),
		[
			'mscommerce products set CFQ7TTC0HD33 CFQ7TTC0HD32 Disabled',
			'mscommerce products set --match "power automate" Disabled --dry-run',
			'mscommerce products set CFQ7TTC0HD33 OnlyTrialsWithoutPaymentMethod --yes',
		],
	);

	const offerTypes = program.command('offer-types').description('third-party offer types (SaaS, Power BI visuals, …) and their value');
	examples(offerTypes, ['mscommerce offer-types list', 'mscommerce offer-types set SaaS Disabled']);
	examples(
		offerTypes
			.command('list')
			.description('every offer type, sorted by name (Get-MSCommerceProductPolicies -Scope OfferType)')
			.action(async (_o, command: Command) =>
				runFleetOr(
					command,
					async (ctx, fleet) => (await import('./commands/fleet.js')).fleetListCommand(ctx, 'offerType', fleet),
					async ctx => (await import('./commands/rows.js')).listCommand(ctx, 'offerType'),
				),
			),
		['mscommerce offer-types list', 'mscommerce offer-types list --json', 'mscommerce offer-types list --tenants tenants.yaml -o csv'],
	);
	examples(
		offerTypes
			.command('get <id>')
			.description('one offer type (Get-MSCommerceProductPolicy -OfferType)')
			.action(async (id: string, _o, command: Command) => run(command, async ctx => (await import('./commands/rows.js')).getCommand(ctx, 'offerType', id))),
		['mscommerce offer-types get SaaS'],
	);
	examples(
		offerTypes
			.command('set')
			.argument('[id...]', 'offer type IDs, then the value: Enabled or Disabled (any case)')
			.usage('[options] <id...> <value>')
			.description('set offer types to Enabled or Disabled (Update-MSCommerceProductPolicy -OfferType)')
			.option('-y, --yes', 'do not ask for confirmation')
			.option('--dry-run', 'show what would change, write nothing')
			.action(async (args: string[], options: {yes?: boolean; dryRun?: boolean}, command: Command) =>
				run(command, async ctx => (await import('./commands/rows.js')).setCommand(ctx, 'offerType', args, options)),
			),
		['mscommerce offer-types set SaaS POWERBIVISUALS Disabled --yes', 'mscommerce offer-types set SaaS Enabled --dry-run'],
	);

	const switches = program
		.command('switches')
		.description('the tenant-wide switches (Microsoft Graph) that decide, beside each product, who may buy or trial');
	examples(switches, ['mscommerce switches list', 'mscommerce switches get trialsOnBehalfOfOrg', 'mscommerce switches set trialsOnBehalfOfOrg off']);
	examples(
		switches
			.command('list')
			.description('every switch: its value, what on allows, and who may change it')
			.action(async (_o, command: Command) => run(command, async ctx => (await import('./commands/switches.js')).switchesList(ctx))),
		['mscommerce switches list', 'mscommerce switches list --json'],
	);
	examples(
		switches
			.command('get <name>')
			.description('one switch: emailSignUp, emailJoin, trialsOnBehalfOfOrg or officeStore')
			.action(async (name: string, _o, command: Command) => run(command, async ctx => (await import('./commands/switches.js')).switchesGet(ctx, name))),
		['mscommerce switches get trialsOnBehalfOfOrg', 'mscommerce switches get emailSignUp --json'],
	);
	examples(
		switches
			.command('set <name> [value]')
			.description('turn a switch on or off (true / false work too); confirmed like products set, logged and undoable')
			.option('-y, --yes', 'do not ask for confirmation')
			.option('--dry-run', 'show what would change, write nothing')
			.action(async (name: string, value: string | undefined, options: {yes?: boolean; dryRun?: boolean}, command: Command) =>
				run(command, async ctx => (await import('./commands/switches.js')).switchesSet(ctx, name, value, options)),
			),
		['mscommerce switches set trialsOnBehalfOfOrg off', 'mscommerce switches set emailSignUp off --yes', 'mscommerce switches set officeStore on --dry-run'],
	);
	examples(
		program
			.command('explain <product>')
			.description("who can buy or trial a product (ID or name): its value and the tenant-wide switches together, and what that does not cover")
			.action(async (product: string, _o, command: Command) => run(command, async ctx => (await import('./commands/switches.js')).explainCommand(ctx, product))),
		['mscommerce explain CFQ7TTC0HD33', 'mscommerce explain "Visio Plan 1" --json'],
	);

	const baseline = program
		.command('baseline')
		.description('keep the tenant as you decided: a baseline file (default + except per scope), its drift, and applying it');
	examples(baseline, ['mscommerce baseline export --file baseline.yaml', 'mscommerce baseline plan --file baseline.yaml', 'mscommerce baseline apply --file baseline.yaml --yes']);
	examples(
		baseline
			.command('export')
			.description("write today's state as a baseline (YAML; --json for JSON): the most common value becomes the default")
			.option('--file <file>', 'write to this file instead of stdout')
			.option('--switches', "add a switches: section with the tenant-wide switches (read through Microsoft Graph: its own sign-in, `mscommerce login --graph`)")
			.action(async (options: {file?: string; switches?: boolean}, command: Command) => run(command, async ctx => (await import('./commands/baseline.js')).exportCommand(ctx, options))),
		['mscommerce baseline export --file baseline.yaml', 'mscommerce baseline export --switches --file baseline.yaml', 'mscommerce baseline export --json > baseline.json'],
	);
	examples(
		baseline
			.command('plan')
			.description('show the drift from a baseline (its switches: too, through Microsoft Graph): exit 0 in sync, 6 when rows differ, 5 when something could not be checked; rows never seen before are marked new')
			.option('--file <file>', 'the baseline (YAML or JSON; - for stdin); with --tenants, for every tenant without one of its own')
			.action(async (options: {file?: string}, command: Command) =>
				runFleetOr(
					command,
					async (ctx, fleet) => (await import('./commands/fleet.js')).fleetPlanCommand(ctx, {...fleet, file: options.file}),
					async ctx => (await import('./commands/baseline.js')).planCommand(ctx, options),
				),
			),
		[
			'mscommerce baseline plan --file baseline.yaml; echo $?',
			'mscommerce baseline plan --file baseline.yaml --json',
			'mscommerce baseline plan --tenants tenants.yaml --file baseline.yaml',
			'mscommerce baseline plan --tenants tenants.yaml --file baseline.yaml --shard 2/4 --json > plan-2.json',
		],
	);
	examples(
		baseline
			.command('apply')
			.description('make the tenant match a baseline: only the drift is written, so running it again finishes a partial run')
			.option('--file <file>', 'the baseline (YAML or JSON; - for stdin); with --tenants, for every tenant without one of its own')
			.option('-y, --yes', 'do not ask for confirmation')
			.option('--dry-run', 'show what would change, write nothing')
			.action(async (options: {file?: string; yes?: boolean; dryRun?: boolean}, command: Command) =>
				runFleetOr(
					command,
					async (ctx, fleet) => (await import('./commands/fleet.js')).fleetApplyCommand(ctx, {...fleet, ...options}),
					async ctx => (await import('./commands/baseline.js')).applyCommand(ctx, options),
				),
			),
		[
			'mscommerce baseline apply --file baseline.yaml --dry-run',
			'mscommerce baseline apply --file baseline.yaml --yes',
			'mscommerce baseline apply --tenants tenants.yaml --file baseline.yaml --yes',
		],
	);

	examples(
		program
			.command('history')
			.description('the change sets of the audit log, newest first ($XDG_STATE_HOME/mscommerce/audit.jsonl)')
			// The log only: no sign-in, so app-only settings without --tenant are no mistake here.
			.action(async (_o, command: Command) => withContext(command, {interruptible: true, tenantsElsewhere: true}, async ctx => (await import('./commands/history.js')).historyCommand(ctx))),
		['mscommerce history', 'mscommerce history --json'],
	);
	examples(
		program
			.command('undo [changeSetId]')
			.description('reverse the last change set (or the named one); rows changed again since are left alone')
			.option('-y, --yes', 'do not ask for confirmation')
			.option('--dry-run', 'show what would change, write nothing')
			.action(async (id: string | undefined, options: {yes?: boolean; dryRun?: boolean}, command: Command) =>
				withContext(command, {interruptible: true, tenantsElsewhere: true}, async ctx => (await import('./commands/history.js')).undoCommand(ctx, id, options)),
			),
		['mscommerce undo --dry-run', 'mscommerce undo --yes', 'mscommerce undo 5f3052ad --yes'],
	);

	const emulator = program
		.command('emulator')
		.description('run the local HTTPS emulator of the sign-in and licensing services (Ctrl-C stops it)')
		.option('--port <n>', 'port (default: a free one)')
		.option('--faults <spec>', 'inject faults, e.g. "latency=100ms,429=0.2,retry-after=1,503=0.1,drop=0.05,malformed=0.05,expire=0.1"')
		.option('--auto-approve', 'approve device codes by themselves after a second')
		.option('--products <n>', 'add N synthetic products (scale tests)')
		.option('--tenant-count <n>', 'add N synthetic customer tenants, customer001.onmicrosoft.com… (fleets; up to 10000)')
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
	examples(emulator, ['mscommerce emulator --port 8443 --auto-approve', 'mscommerce emulator --faults "latency=300ms,429=0.2"']);

	examples(
		program
			.command('completion')
			.addArgument(new Argument('<shell>', 'bash, zsh, fish or powershell'))
			.description('print the script that makes your shell complete commands, options, values and the IDs of the last list')
			.action(async (shell: string) => {
				const {completionCommand} = await import('./commands/completion.js');
				process.exitCode = await completionCommand(io, shell, program);
			}),
		['eval "$(mscommerce completion bash)"          # in ~/.bashrc', 'source <(mscommerce completion zsh)            # in ~/.zshrc', 'mscommerce completion fish > ~/.config/fish/completions/mscommerce.fish'],
	);
	// What the completion scripts call. main() sends it here before commander parses the words:
	// they are a half-typed command line (`-o` waiting for its value) that must not be parsed.
	program
		.command('__complete [words...]', {hidden: true})
		.helpOption(false)
		.allowUnknownOption(true)
		.action(async (words: string[]) => runCompletion(words, program));

	program
		.command('version')
		.description('print the version (as --version does)')
		.action(() => void io.stdout.write(`${VERSION}\n`));
	examples(
		program
			.command('help [command...]')
			.description('help for a command: mscommerce help products set')
			.action((words: string[]) => {
				let target = program;
				for (const [at, word] of words.entries()) {
					const next = target.commands.find(c => c.name() === word && visibleNames(target).includes(word));
					if (!next) return unknownCommand(target, word, words.slice(at + 1), ['mscommerce help', ...words.slice(0, at)].join(' '));
					target = next;
				}
				target.outputHelp();
			}),
		['mscommerce help', 'mscommerce help products set'],
	);

	// Commander's usage errors end with a hint naming the help page of the command they happened in.
	const everyCommand = (command: Command): Command[] => [command, ...command.commands.flatMap(everyCommand)];
	for (const command of everyCommand(program)) command.showHelpAfterError(`hint: ${helpHint(command)}`);
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

/**
 * A reader that stops early (`mscommerce --help | head -1`, `products list | head`) closes the
 * pipe: nothing more of the output is wanted, and that is no error. The program goes on as if the
 * lines had been read (a write under way still finishes and is logged) and exits as it would have;
 * Node's default would be a crash with a stack trace on stderr.
 */
function ignoreClosedPipes(): void {
	for (const stream of [process.stdout, process.stderr]) {
		stream.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code !== 'EPIPE') throw error;
		});
	}
}

export async function main(argv: string[]): Promise<void> {
	ignoreClosedPipes();
	ignoreInsecureTlsVariable();
	const program = buildProgram();
	if (argv[2] === '__complete') return runCompletion(argv.slice(3), program);
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
