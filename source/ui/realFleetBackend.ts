/**
 * The fleet view's FleetBackend on the fleet engine (source/fleet/fleet.ts): the tenants file and
 * every baseline it needs are read and checked before the screen opens (their problems are printed
 * as the CLI prints them, exit 2); then each tenant is worked on concurrently with its own sign-in,
 * within one run's limits (one runLimiter: 32 requests in flight in all, 8 per tenant). A tenant's
 * failure is its own row's problem, never the others'.
 *
 * One tenant's row: its products and offer types per value, its drift from its baseline
 * (compareWithTenant, as `baseline plan` computes it; a baseline's `switches:` counted too, read
 * through the tenant's own Graph sign-in as `baseline plan --tenants` reads them), and its rows never seen before (the
 * seen-products record, commerce/seen.ts). Looking at a tenant here starts its new-product watch
 * on a first look, as `baseline plan` does, and marks nothing seen: only its dashboard, or a
 * listing a person reads, does that.
 */
import {loadSeen, newRows} from '../commerce/seen.js';
import type {Row, Scope} from '../commerce/types.js';
import {countValues} from '../commerce/values.js';
import {baselineMisfit, compareWithTenant, managesSwitches, printProblems, readBaselines, type ReadBaseline} from '../commands/baseline.js';
import type {Context} from '../commands/context.js';
import {isGuid} from '../config.js';
import {seenKeyFor, signedInAs, startWatching} from '../commands/rows.js';
import {forEachTenant, readFleet, runLimiter, tenantContext, type Fleet} from '../fleet/fleet.js';
import type {FleetMember} from '../fleet/tenantsFile.js';
import {UsageError} from '../problems/errors.js';
import {ExitCode} from '../problems/exitCodes.js';
import type {FleetBackend, FleetTenant, TenantSummary} from './fleetBackend.js';
import {createBackend, type EarlyBackend} from './realBackend.js';

export type FleetFlags = {
	/** --tenants FILE */
	tenants: string;
	/** --shard K/N */
	shard?: string;
	/** --baseline FILE: the baseline of every tenant without one of its own. */
	baseline?: string;
};

export type RealFleetBackend = FleetBackend & {
	/** Stops every load still in flight (the screen has closed). */
	close(): void;
};

const SCOPES: readonly Scope[] = ['product', 'offerType'];

/**
 * Reads the tenants file (and its --shard slice) and every baseline the fleet needs, each once,
 * before the screen opens: a problem in any of them is printed the way the CLI prints it, and the
 * exit code (2) comes back instead of a backend. An empty slice is no mistake: a note, exit 0.
 */
export async function prepareFleet(ctx: Context, flags: FleetFlags): Promise<RealFleetBackend | number> {
	for (const [option, file] of [
		['--tenants', flags.tenants],
		['--baseline', flags.baseline],
	] as const) {
		if (file === '-') throw new UsageError(`${option} -: the dashboard reads its keys from the terminal, so it cannot read a file from stdin: give the file's path`);
	}
	const fleet = await readFleet(ctx, flags.tenants, flags.shard);
	if ('problems' in fleet) return printProblems(ctx, fleet.file, fleet.problems);
	if (fleet.members.length === 0) {
		ctx.note(`No tenant of ${fleet.file} is in shard ${fleet.shard?.index}/${fleet.shard?.count}: nothing to show.`);
		return ExitCode.ok;
	}
	const baselines = await readBaselines(ctx, fleet.members, flags.baseline);
	if (typeof baselines === 'number') return baselines;
	return createFleetBackend(ctx, fleet, baselines, flags.baseline);
}

/** Of these rows, those never seen before; a scope never looked at starts its watch (and has none). */
async function freshRows(ctx: Context, rows: readonly Row[], scopes: readonly Scope[]): Promise<Row[]> {
	if (scopes.length === 0) return [];
	const key = await seenKeyFor(ctx);
	const seen = await loadSeen(ctx.settings.stateDir, key, ctx.note);
	await startWatching(ctx, key, seen, rows, scopes);
	return newRows(seen, rows);
}

/** One tenant, as its row shows it: counts per value, drift from its baseline (when it has one), new rows. */
async function summarise(ctx: Context, baseline: ReadBaseline | undefined): Promise<TenantSummary> {
	const list = async (scope: Scope) => ctx.client.listRows(ctx.settings.policyId, scope);
	const who = signedInAs(ctx);
	let rows: Row[];
	let drift: number | undefined;
	let fresh: number;
	if (baseline?.parsed.baseline) {
		// Lists the scopes the baseline governs, and starts their watch on a first look.
		const compared = await compareWithTenant(ctx, baseline.parsed.baseline, baseline.parsed);
		if ('problems' in compared) throw baselineMisfit(baseline.label, compared.problems);
		const others = SCOPES.filter(scope => !compared.scopes.includes(scope));
		const extra = (await Promise.all(others.map(list))).flat();
		rows = [...compared.rows, ...extra];
		drift = compared.comparison.drift.length;
		// A switch that drifts is a drifting row here, as in the plan's summary; one that cannot be read fails the tenant, as there.
		const managed = baseline.parsed.baseline;
		if (managesSwitches(managed)) drift += (await (await import('../commands/fleet.js')).tenantSwitches(ctx, managed.switches)).comparison.drift.length;
		fresh = compared.comparison.newRows.length + (await freshRows(ctx, extra, others)).length;
	} else {
		rows = (await Promise.all(SCOPES.map(list))).flat();
		fresh = (await freshRows(ctx, rows, SCOPES)).length;
	}
	return {
		tenantId: (await who).tenant,
		products: countValues(rows.filter(row => row.scope === 'product')),
		offerTypes: countValues(rows.filter(row => row.scope === 'offerType')),
		...(drift === undefined ? {} : {drift}),
		fresh,
	};
}

const idOf = (member: FleetMember): string => member.tenant.toLowerCase();

export function createFleetBackend(ctx: Context, fleet: Fleet, baselines: ReadonlyMap<string, ReadBaseline>, shared: string | undefined): RealFleetBackend {
	// Loads stop when the run stops, or when the screen has closed.
	const controller = new AbortController();
	const forward = () => controller.abort(ctx.signal.reason);
	if (ctx.signal.aborted) forward();
	else ctx.signal.addEventListener('abort', forward, {once: true});
	// One limiter for the whole run, whichever loads (all, one, again) are in flight.
	const limiter = runLimiter();
	const members = new Map(fleet.members.map(member => [idOf(member), member]));
	const baselineOf = (member: FleetMember) => {
		const path = member.baseline ?? shared;
		return path === undefined ? undefined : baselines.get(path);
	};
	const tenants: FleetTenant[] = fleet.members.map(member => {
		const label = baselineOf(member)?.label;
		return {id: idOf(member), name: member.name, tenant: member.tenant, ...(label === undefined ? {} : {baseline: label})};
	});

	const noteListeners = new Set<(id: string, line: string) => void>();
	// The run as the fleet engine sees it: this screen's signal, and notes to the rows rather than
	// stderr (which would write over the screen).
	const run: Context = {...ctx, signal: controller.signal, note: () => undefined};
	const contexts = new Map<string, Context>();
	/** A tenant's context, made once: every load and its dashboard share its sign-in. */
	const contextOf = (member: FleetMember): Context => {
		const id = idOf(member);
		let tenant = contexts.get(id);
		if (!tenant) {
			const prefix = `${member.name}: `;
			const note = (line: string) => {
				const said = line.startsWith(prefix) ? line.slice(prefix.length) : line;
				for (const listener of noteListeners) listener(id, said);
			};
			tenant = tenantContext({...run, note}, member, limiter);
			contexts.set(id, tenant);
		}
		return tenant;
	};

	const opened = new Map<string, EarlyBackend>();
	let closed = false;

	return {
		file: fleet.file,
		...(fleet.shard ? {shard: `${fleet.shard.index}/${fleet.shard.count}`} : {}),
		...(shared === undefined ? {} : {baseline: baselines.get(shared)?.label ?? shared}),
		policyId: ctx.settings.policyId,
		tenants,
		load(ids, onResult) {
			const chosen = ids === undefined ? fleet.members : ids.map(id => members.get(id)).filter((member): member is FleetMember => member !== undefined);
			void forEachTenant(run, chosen, async (tenant, member) => summarise(tenant, baselineOf(member)), {
				limiter,
				contextFor: contextOf,
				onDone: result => {
					if (closed) return;
					onResult(idOf(result.member), result.ok ? {ok: true, summary: result.value} : {ok: false, problem: result.problem});
				},
			}).catch(() => undefined);
		},
		onNote(listener) {
			noteListeners.add(listener);
			return () => noteListeners.delete(listener);
		},
		open(id) {
			const member = members.get(id);
			if (!member) throw new RangeError(`No tenant ${id} in ${fleet.file}`);
			const existing = opened.get(id);
			if (existing) {
				// Opened before: the same sign-in and session, but the rows are loaded again (what it
				// loaded first is old news now).
				return {
					...existing,
					ready: () => {
						const ready = existing.ready?.();
						return ready ? {account: ready.account} : undefined;
					},
				};
			}
			// A tenant named by its domain is called so in the header, even when the sign-in says only its ID.
			const backend = createBackend(contextOf(member), isGuid(member.tenant) ? {} : {tenantName: member.tenant.toLowerCase()});
			opened.set(id, backend);
			return backend;
		},
		sessions() {
			// Each tenant's products and, when its Tenant switches tab was used, its switches.
			return [...opened].flatMap(([id, backend]) => {
				const name = members.get(id)?.name ?? id;
				return [{name, session: backend.session}, ...(backend.switches ? [{name: `${name}: tenant-wide switches`, session: backend.switches.session}] : [])];
			});
		},
		close() {
			closed = true;
			ctx.signal.removeEventListener('abort', forward);
			controller.abort();
		},
	};
}
