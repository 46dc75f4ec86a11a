/**
 * A fleet: the tenants of a tenants file (fleet/tenantsFile.ts), each with a context of its own
 * (its settings, sign-in and licensing client) over the run's one HTTP layer, worked on
 * concurrently within the run's limits (net/gate.ts: 32 requests in flight in all, 8 per tenant).
 * One tenant's failure (sign-in, a 403, an outage) is that tenant's result and never stops the
 * others. docs/fleet.md says how it looks from outside.
 */
import {setMaxListeners} from 'node:events';
import {createContext, type Context} from '../commands/context.js';
import {retryText} from '../commands/report.js';
import {settingsForTenant} from '../config.js';
import {readInputFile, type InputFile} from '../files/input.js';
import type {FileProblem} from '../files/yaml.js';
import {FLEET_LIMITS, Limiter, tenantGate} from '../net/gate.js';
import {classify} from '../problems/classify.js';
import {CancelledError} from '../problems/errors.js';
import type {Problem} from '../problems/types.js';
import {inShard, parseShard, parseTenantsFile, type FleetMember, type Shard} from './tenantsFile.js';

export const TENANTS_FILE: InputFile = {option: '--tenants', noun: 'tenants file', size: 'a tenants file lists tenants, a few lines each'};

export type Fleet = {
	/** The file as named (`stdin` for -). */
	file: string;
	/** The tenants this run works on: the file's, or its --shard slice, in the file's order. */
	members: FleetMember[];
	/** How many the file lists. */
	listed: number;
	shard?: Shard;
};

/** Reads and checks a tenants file and takes the --shard slice; the file's problems instead, all at once. */
export async function readFleet(ctx: Pick<Context, 'io'>, file: string, shardText?: string): Promise<Fleet | {file: string; problems: FileProblem[]}> {
	// --shard is checked before the file is read: a bad flag is the first thing to say.
	const shard = shardText === undefined ? undefined : parseShard(shardText);
	const text = await readInputFile(ctx.io.stdin, file, TENANTS_FILE);
	const label = file === '-' ? 'stdin' : file;
	const parsed = parseTenantsFile(text, file);
	if (!parsed.members) return {file: label, problems: parsed.problems};
	return {file: label, members: inShard(parsed.members, shard), listed: parsed.members.length, ...(shard ? {shard} : {})};
}

/** "Fabrikam (retail)" or "contoso.onmicrosoft.com": how notes and tables name a tenant. */
export function memberLabel(member: FleetMember): string {
	return member.name;
}

/**
 * One tenant's context: its settings (settingsForTenant: the authority, account or app), its own
 * sign-in, and a share of the run's HTTP layer: the same connections, at most `perTenant`
 * requests of its own in flight within the run's `limiter`. Its notes name it.
 */
export function tenantContext(run: Context, member: FleetMember, limiter: Limiter): Context {
	const settings = settingsForTenant(run.settings, member);
	const note = (line: string) => run.note(`${memberLabel(member)}: ${line}`);
	const net = run.net.scoped({gate: tenantGate(limiter), onRetry: info => note(`note: ${retryText(info)}`)});
	return createContext(settings, run.io, run.signal, {...run.options, net, note});
}

/**
 * A tenant's failure already classified, with words of the fleet's own (`trialsOnBehalfOfOrg not
 * checked: …`): forEachTenant takes its problem as it is instead of classifying the error again.
 */
export class TenantProblem extends Error {
	override name = 'TenantProblem';
	constructor(readonly problem: Problem) {
		super(problem.title);
	}
}

/** What became of one tenant: its value, or the problem that stopped it (classified once, problems/classify.ts). */
export type TenantResult<T> = {member: FleetMember; ctx?: Context} & ({ok: true; value: T} | {ok: false; problem: Problem});

export type ForEachOptions<T> = {
	/** The run's limit on requests in flight (one per run: several passes share it). */
	limiter?: Limiter;
	/** Told as each tenant finishes, in the order they finish. */
	onDone?: (result: TenantResult<T>, done: number, total: number) => void;
	/** Tenants worked on at once (default FLEET_LIMITS.total: more would only wait for the limiter). */
	width?: number;
	/** A tenant's context from an earlier pass (apply writes with the contexts that planned), else a new one. */
	contextFor?: (member: FleetMember) => Context | undefined;
};

export function runLimiter(): Limiter {
	return new Limiter(FLEET_LIMITS.total);
}

/**
 * Runs `work` for every tenant, up to `width` tenants at a time, and returns each one's result in
 * the file's order. A tenant's failure is its result; once the run's signal aborts (Ctrl-C), no
 * tenant is started and those not started are cancelled.
 */
export async function forEachTenant<T>(
	run: Context,
	members: readonly FleetMember[],
	work: (ctx: Context, member: FleetMember) => Promise<T>,
	options: ForEachOptions<T> = {},
): Promise<TenantResult<T>[]> {
	const limiter = options.limiter ?? runLimiter();
	// Every request waiting for its turn listens to the run's signal (Ctrl-C): a fleet has hundreds.
	setMaxListeners(0, run.signal);
	const results = new Array<TenantResult<T>>(members.length);
	let next = 0;
	let done = 0;
	const worker = async () => {
		for (;;) {
			const index = next++;
			const member = members[index];
			if (!member) return;
			let result: TenantResult<T>;
			let ctx: Context | undefined;
			try {
				if (run.signal.aborted) throw new CancelledError();
				ctx = options.contextFor?.(member) ?? tenantContext(run, member, limiter);
				result = {member, ctx, ok: true, value: await work(ctx, member)};
			} catch (error) {
				result = {member, ...(ctx ? {ctx} : {}), ok: false, problem: error instanceof TenantProblem ? error.problem : classify(error)};
			}
			results[index] = result;
			options.onDone?.(result, ++done, members.length);
		}
	};
	const width = Math.max(1, Math.min(options.width ?? FLEET_LIMITS.total, members.length));
	await Promise.all(Array.from({length: width}, worker));
	return results;
}
