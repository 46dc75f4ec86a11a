/**
 * The commands over a fleet (`--tenants FILE`): baseline plan and apply, products / offer-types
 * list, and undo of a change set that spans tenants. Each tenant is worked on with its own
 * sign-in, concurrently within the run's limits (fleet/fleet.ts); one tenant's failure is shown on
 * its own row and never stops the others. docs/fleet.md has the outputs and exit codes.
 */
import {randomUUID} from 'node:crypto';
import {checkAuditLog, shortId, startChangeSet, undoPlan, type ChangeSet} from '../commerce/audit.js';
import {applyWrites, countOutcomes, heldAfter, type ApplyResult, type Change, type Outcome, type SwitchRow, type Writable} from '../commerce/changes.js';
import {serviceTarget} from '../commerce/client.js';
import type {BaselineComparison, BaselineSwitch} from '../commerce/baseline.js';
import {sortByRow} from '../commerce/sort.js';
import type {Row, Scope} from '../commerce/types.js';
import {isPolicyValue, VALUE_LABEL} from '../commerce/values.js';
import {forEachTenant, memberLabel, readFleet, runLimiter, TenantProblem, type Fleet, type TenantResult} from '../fleet/fleet.js';
import type {FleetMember} from '../fleet/tenantsFile.js';
import type {Limiter} from '../net/gate.js';
import {classify} from '../problems/classify.js';
import {UsageError} from '../problems/errors.js';
import {ExitCode, interruptedCode} from '../problems/exitCodes.js';
import type {Problem} from '../problems/types.js';
import {safeJson, safeText} from '../text/safe.js';
import {count} from '../words.js';
import {askYes} from './account.js';
import {
	baselineMisfit,
	compareSwitchesWithTenant,
	compareWithTenant,
	comparisonJson,
	driftColumns,
	managesSwitches,
	planSwitchUndo,
	printProblems,
	readBaselines,
	reportOutcomeNotes,
	resultText,
	SWITCH_DRIFT_COLUMNS,
	SWITCHES_HEADING,
	unknownGroups,
	type ReadBaseline,
	type SwitchCheck,
} from './baseline.js';
import type {Context} from './context.js';
import {printList, toTable, valueWord, type Column} from './output.js';
import {reportProblem} from './report.js';
import {listAll, outcomeJson, signedInAs, whereLine, type Listed, type Writer} from './rows.js';

/** The tenants file read and sliced, or exit 2 after printing its problems. */
async function loadFleet(ctx: Context, file: string, shard: string | undefined): Promise<Fleet | number> {
	const fleet = await readFleet(ctx, file, shard);
	if ('problems' in fleet) return printProblems(ctx, fleet.file, fleet.problems);
	if (fleet.members.length === 0) {
		// An empty slice is no mistake: a file of three tenants split over four jobs leaves one idle.
		ctx.note(`No tenant of ${fleet.file} is in shard ${fleet.shard?.index}/${fleet.shard?.count}: nothing to do.`);
	}
	return fleet;
}

/**
 * Progress on stderr as tenants finish: on a terminal one line that counts (tenants done / total),
 * elsewhere (a CI log) a line per tenant saying how it went.
 */
function fleetProgress<T>(ctx: Context, verb: string, describe: (result: TenantResult<T>) => string): (result: TenantResult<T>, done: number, total: number) => void {
	const tty = Boolean(ctx.io.stderr.isTTY);
	return (result, done, total) => {
		if (tty) {
			ctx.io.stderr.write(`\r\u001B[K${verb} ${done}/${total} tenants${done === total ? '\n' : ''}`);
			return;
		}
		ctx.io.stderr.write(`${safeText(`[${done}/${total}] ${memberLabel(result.member)}: ${result.ok ? describe(result) : `failed: ${result.problem.title}`}`)}\n`);
	};
}

/** A tenant's problem on stderr, under its name. */
function reportTenantProblem(ctx: Context, member: FleetMember, problem: Problem): void {
	ctx.io.stderr.write(`${safeText(`${memberLabel(member)} (${member.tenant}):`)}\n`);
	reportProblem(ctx.io.stderr, problem);
}

// ---------------------------------------------------------------------------------------------
// baseline plan / apply

/** One tenant against its baseline; `switchCheck` when the baseline manages switches (read through that tenant's own Graph sign-in). */
type TenantCheck = {who: Writer; baseline: string; comparison: BaselineComparison; scopes: Scope[]; rows: Row[]; switchCheck?: SwitchCheck};

/** Rows and switches that drift in one tenant: what the summary, the status and the Drift column count. */
function driftCount(check: TenantCheck): number {
	return check.comparison.drift.length + (check.switchCheck?.comparison.drift.length ?? 0);
}

/**
 * Every baseline the fleet needs (a tenant's own, else --file), each read and checked once, before
 * any request: a problem in any of them is exit 2 with nothing asked or sent.
 */
async function loadBaselines(ctx: Context, fleet: Fleet, shared: string | undefined): Promise<Map<string, ReadBaseline> | number> {
	const without = fleet.members.filter(member => !member.baseline);
	if (without.length > 0 && !shared) {
		const named = without.slice(0, 5).map(m => m.tenant).join(', ');
		throw new UsageError(`--file FILE is required: ${count(without.length, 'tenant')} of ${fleet.file} ${without.length === 1 ? 'has' : 'have'} no baseline of ${without.length === 1 ? 'its' : 'their'} own (${named}${without.length > 5 ? ', …' : ''})`, [
			'Give the shared baseline with --file, or a baseline: line to each tenant in the tenants file.',
		]);
	}
	return readBaselines(ctx, fleet.members, shared);
}

/**
 * One tenant against its baseline: who signs in there, and the comparison (or the problems only it
 * shows). A baseline with `switches:` reads them through the tenant's own Graph sign-in (app-only
 * `.default` with the run's app, or delegated as the tenant's account; never a device code: a
 * fleet asks nobody); a switch that cannot be read (consent missing, a 403, the beta missing) is
 * the tenant's failure, naming the switches and why.
 */
async function checkTenant(ctx: Context, member: FleetMember, baselines: Map<string, ReadBaseline>, shared: string | undefined): Promise<TenantCheck> {
	const {label, parsed} = baselines.get(member.baseline ?? shared!)!;
	const baseline = parsed.baseline!;
	const [who, compared] = await Promise.all([signedInAs(ctx), compareWithTenant(ctx, baseline, parsed)]);
	if ('problems' in compared) throw baselineMisfit(label, compared.problems);
	if (!managesSwitches(baseline)) return {who, baseline: label, ...compared};
	return {who, baseline: label, ...compared, switchCheck: await tenantSwitches(ctx, baseline.switches)};
}

/**
 * The switches a baseline manages, in one tenant of a fleet (`baseline plan|apply --tenants`, and
 * the fleet view's Drift column): read through the tenant's own Graph sign-in, never with a device
 * code. One that cannot be read fails the tenant, naming the switches and why (its hints, such as
 * the admin consent URL, kept).
 */
export async function tenantSwitches(ctx: Context, wanted: readonly BaselineSwitch[]): Promise<SwitchCheck> {
	const switchCheck = await compareSwitchesWithTenant(ctx, wanted, {prompt: false});
	const [first] = unknownGroups(switchCheck.comparison.unknown);
	if (first) {
		const names = switchCheck.comparison.unknown.map(u => u.name).join(', ');
		throw new TenantProblem({...first.problem, title: `Tenant-wide switches not checked (${names}): ${first.problem.title}`});
	}
	return switchCheck;
}

/**
 * A tenant the file names twice, once by its domain and once by its ID, is found once signed in
 * (the file alone cannot tell): the second is that tenant's failure, so nothing is planned or
 * written twice. Across --shard jobs it cannot be found at all: docs/fleet.md says to write IDs.
 */
function onceEach(results: TenantResult<TenantCheck>[]): TenantResult<TenantCheck>[] {
	const first = new Map<string, FleetMember>();
	return results.map(result => {
		if (!result.ok) return result;
		const id = result.value.who.tenant.toLowerCase();
		const earlier = first.get(id);
		if (!earlier) {
			first.set(id, result.member);
			return result;
		}
		const problem = classify(new UsageError(`${result.member.tenant} is the same tenant as ${earlier.tenant} (tenants.${earlier.index}, ${id}): a tenant is in a fleet once; it was left out here`));
		return {member: result.member, ...(result.ctx ? {ctx: result.ctx} : {}), ok: false, problem};
	});
}

type PlanOptions = {
	tenants: string;
	shard?: string;
	file?: string;
	/** Tenants worked on at once (default: as many as the run's request limit). The bench's one-at-a-time run sets 1. */
	tenantsAtOnce?: number;
};

/** Plans the whole fleet: the tenants file, its baselines, then every tenant concurrently. */
async function planFleet(ctx: Context, options: PlanOptions, limiter: Limiter): Promise<{fleet: Fleet; results: TenantResult<TenantCheck>[]} | number> {
	const fleet = await loadFleet(ctx, options.tenants, options.shard);
	if (typeof fleet === 'number') return fleet;
	const baselines = await loadBaselines(ctx, fleet, options.file);
	if (typeof baselines === 'number') return baselines;
	const describe = (result: TenantResult<TenantCheck>) => {
		if (!result.ok) return '';
		const drift = driftCount(result.value);
		const {newRows} = result.value.comparison;
		return `${drift === 0 ? 'in sync' : `${count(drift, 'row')} drift`}${newRows.length ? `, ${newRows.length} new` : ''}`;
	};
	const results = await forEachTenant(ctx, fleet.members, async (tenant, member) => checkTenant(tenant, member, baselines, options.file), {
		limiter,
		...(options.tenantsAtOnce ? {width: options.tenantsAtOnce} : {}),
		onDone: fleetProgress(ctx, 'Checked', describe),
	});
	return {fleet, results: onceEach(results)};
}

function statusOf(result: TenantResult<TenantCheck>): 'in-sync' | 'drift' | 'failed' {
	if (!result.ok) return 'failed';
	return driftCount(result.value) === 0 ? 'in-sync' : 'drift';
}

/** The tenant as a person knows it, with its ID once it is known (after sign-in). */
function tenantWords(member: FleetMember, who?: Writer): string {
	const label = memberLabel(member);
	const id = who?.tenant ?? member.tenant;
	return id.toLowerCase() === label.toLowerCase() ? label : `${label} (${id})`;
}

/** A row or switch of the plan's CSV: its scope (`switch`: the ID is its name), ID, name and value now. */
type CsvItem = {scope: string; id: string; name: string; value: string};

/** A flat row of the plan's CSV: one per tenant, one per drifting row or switch, one per new row that does not drift. */
type PlanCsvRow = {result: TenantResult<TenantCheck>; kind: 'tenant' | 'drift' | 'new'; row?: CsvItem; wanted?: string; rule?: string; isNew?: boolean};

const PLAN_CSV: Column<PlanCsvRow>[] = [
	{header: 'tenant', value: r => r.result.member.tenant},
	{header: 'tenantId', value: r => (r.result.ok ? r.result.value.who.tenant : '')},
	{header: 'name', value: r => r.result.member.name},
	{header: 'baseline', value: r => (r.result.ok ? r.result.value.baseline : '')},
	{header: 'status', value: r => statusOf(r.result)},
	{header: 'kind', value: r => r.kind},
	{header: 'scope', value: r => r.row?.scope ?? ''},
	{header: 'id', value: r => r.row?.id ?? ''},
	{header: 'rowName', value: r => r.row?.name ?? ''},
	{header: 'current', value: r => r.row?.value ?? ''},
	{header: 'wanted', value: r => r.wanted ?? ''},
	{header: 'rule', value: r => r.rule ?? ''},
	{header: 'new', value: r => (r.kind === 'tenant' ? '' : r.isNew ? 'true' : 'false')},
	{header: 'error', value: r => (r.kind === 'tenant' && !r.result.ok ? r.result.problem.title : '')},
];

function planJson(result: TenantResult<TenantCheck>): Record<string, unknown> {
	const base = {tenant: result.member.tenant, name: result.member.name, status: statusOf(result)};
	if (!result.ok) return {...base, tenantId: null, error: result.problem};
	const {who, baseline, comparison, switchCheck} = result.value;
	// A failed switch read fails the tenant (checkTenant): what is here was all checked.
	const {unknown: _unknown, ...json} = comparisonJson(comparison, switchCheck?.comparison);
	const {unknown: _unknownCount, ...counts} = json.counts;
	return {
		...base,
		tenantId: who.tenant,
		account: who.account,
		baseline,
		inSync: driftCount(result.value) === 0,
		...json,
		counts,
	};
}

/** `baseline plan --tenants FILE [--file F] [--shard K/N]`: exit 5 if a tenant failed, else 6 if one drifts, else 0. */
export async function fleetPlanCommand(ctx: Context, options: PlanOptions): Promise<number> {
	const planned = await planFleet(ctx, options, runLimiter());
	if (typeof planned === 'number') return planned;
	const {fleet, results} = planned;
	const failed = results.filter(r => !r.ok);
	const drifting = results.filter(r => statusOf(r) === 'drift');
	const format = ctx.settings.output;
	if (format === 'json') {
		ctx.io.stdout.write(
			`${safeJson(
				{
					tenantsFile: fleet.file,
					...(fleet.shard ? {shard: `${fleet.shard.index}/${fleet.shard.count}`} : {}),
					policyId: ctx.settings.policyId,
					tenants: results.map(planJson),
					counts: {tenants: results.length, inSync: results.length - failed.length - drifting.length, drift: drifting.length, failed: failed.length},
				},
				2,
			)}\n`,
		);
	} else if (format === 'csv') {
		const rows: PlanCsvRow[] = [];
		for (const result of results) {
			rows.push({result, kind: 'tenant'});
			if (!result.ok) continue;
			const {drift, newRows} = result.value.comparison;
			for (const d of sortByRow(drift, d => d.row)) rows.push({result, kind: 'drift', row: d.row, wanted: d.to, rule: d.rule, isNew: d.isNew});
			for (const d of result.value.switchCheck?.comparison.drift ?? []) {
				rows.push({result, kind: 'drift', row: {scope: 'switch', id: d.name, name: d.label, value: d.current}, wanted: d.to, rule: d.rule, isNew: false});
			}
			const driftingRows = new Set(drift.map(d => d.row));
			for (const n of newRows.filter(n => !driftingRows.has(n.row))) rows.push({result, kind: 'new', row: n.row, wanted: n.to, rule: n.rule, isNew: true});
		}
		printList(ctx.io, 'csv', rows, PLAN_CSV);
	} else {
		printPlanText(ctx, results);
	}
	for (const result of failed) if (!result.ok) reportTenantProblem(ctx, result.member, result.problem);
	// A switch that drifts counts as a drifting row.
	const driftRows = drifting.reduce((sum, r) => sum + (r.ok ? driftCount(r.value) : 0), 0);
	const inSync = results.length - failed.length - drifting.length;
	const parts = [`${inSync} in sync`, `${drifting.length} drift${driftRows ? ` (${count(driftRows, 'row')})` : ''}`, `${failed.length} failed`];
	ctx.note(`${count(results.length, 'tenant')} of ${fleet.file}${fleet.shard ? ` (shard ${fleet.shard.index}/${fleet.shard.count})` : ''}: ${parts.join(', ')}.`);
	if (drifting.length > 0) ctx.note(`Fix the drift with \`mscommerce baseline apply --tenants ${fleet.file}${options.file ? ` --file ${options.file}` : ''}${fleet.shard ? ` --shard ${fleet.shard.index}/${fleet.shard.count}` : ''}\`.`);
	if (failed.length > 0) return ExitCode.partial;
	return drifting.length > 0 ? ExitCode.drift : ExitCode.ok;
}

/** Text: each drifting tenant's rows under its name, new products named, then one line per tenant. */
function printPlanText(ctx: Context, results: readonly TenantResult<TenantCheck>[]): void {
	const width = ctx.io.stdout.isTTY ? ctx.io.stdout.columns : undefined;
	for (const result of results) {
		if (!result.ok) continue;
		const {comparison, scopes, who, switchCheck} = result.value;
		const {drift, newRows} = comparison;
		const switchDrift = switchCheck?.comparison.drift ?? [];
		const total = drift.length + switchDrift.length;
		const drifting = new Set(drift.map(d => d.row));
		const quietNew = newRows.filter(n => !drifting.has(n.row));
		if (total === 0 && quietNew.length === 0) continue;
		ctx.io.stdout.write(`${safeText(`${tenantWords(result.member, who)} as ${who.account}: ${total === 0 ? 'in sync' : `${count(total, 'row')} drift${total === 1 ? 's' : ''} from ${result.value.baseline}`}`)}\n`);
		if (drift.length > 0) {
			const columns = driftColumns(ctx, scopes);
			ctx.io.stdout.write(indent(toTable(sortByRow(drift, d => d.row), columns, width === undefined ? undefined : width - 2)));
		}
		if (switchDrift.length > 0) {
			ctx.io.stdout.write(`  ${SWITCHES_HEADING}\n`);
			ctx.io.stdout.write(indent(toTable(switchDrift, SWITCH_DRIFT_COLUMNS, width === undefined ? undefined : width - 2)));
		}
		for (const item of quietNew) {
			ctx.io.stdout.write(`  ${safeText(`new (never seen before): ${item.row.name} (${item.row.id}) is ${item.row.value}${item.to ? ', as the baseline wants' : ', not governed by the baseline'}`)}\n`);
		}
		ctx.io.stdout.write('\n');
	}
	const columns: Column<TenantResult<TenantCheck>>[] = [
		{header: 'Tenant', value: r => memberLabel(r.member), shrinkTo: 16},
		{header: 'Baseline', value: r => (r.ok ? r.value.baseline : ''), shrinkTo: 10, dropOrder: 1},
		{header: 'Drift', value: r => (r.ok ? String(driftCount(r.value)) : '-')},
		{header: 'New', value: r => (r.ok ? String(r.value.comparison.newRows.length) : '-')},
		{header: 'Result', value: r => (r.ok ? (driftCount(r.value) === 0 ? 'in sync' : 'drift') : `failed: ${r.problem.title}`), shrinkTo: 20},
	];
	if (results.length > 0) ctx.io.stdout.write(toTable(results, columns, width));
}

function indent(text: string): string {
	return text
		.split('\n')
		.map(line => (line ? `  ${line}` : line))
		.join('\n');
}

type ApplyOptions = PlanOptions & {yes?: boolean; dryRun?: boolean};

/**
 * What one tenant will be asked to change, and who changes it there: its rows (the licensing
 * service) and its switches (`switches`: its Graph client, the one that read them), one change set.
 */
type TenantWrite = {member: FleetMember; ctx: Context; who: Writer; changes: Change[]; switchChanges: Change<SwitchRow>[]; switches?: SwitchCheck['switches']};

/** A tenant's rows and switches to change. */
function changesOf(write: Pick<TenantWrite, 'changes' | 'switchChanges'>): number {
	return write.changes.length + write.switchChanges.length;
}

/**
 * `baseline apply --tenants FILE`: every tenant's drift, confirmed once for the whole fleet (the
 * question names each tenant and its count) and written as one change set whose lines carry their
 * tenant, so `undo ID` puts it back everywhere.
 */
export async function fleetApplyCommand(ctx: Context, options: ApplyOptions): Promise<number> {
	const limiter = runLimiter();
	const planned = await planFleet(ctx, options, limiter);
	if (typeof planned === 'number') return planned;
	const {results} = planned;
	const writes: TenantWrite[] = [];
	for (const result of results) {
		if (!result.ok) continue;
		const {comparison, switchCheck, who} = result.value;
		const switchChanges = switchCheck?.comparison.changes ?? [];
		if (comparison.plan.changes.length + switchChanges.length > 0) {
			writes.push({member: result.member, ctx: result.ctx!, who, changes: sortByRow(comparison.plan.changes, c => c.row), switchChanges, ...(switchCheck ? {switches: switchCheck.switches} : {})});
		}
	}
	const failed = results.filter((r): r is Extract<TenantResult<TenantCheck>, {ok: false}> => !r.ok);
	for (const result of failed) reportTenantProblem(ctx, result.member, result.problem);
	return writeFleet(ctx, writes, failed.length, {...options, source: 'baseline apply', limiter, checked: results.length - failed.length});
}

type WriteOptions = {yes?: boolean; dryRun?: boolean; source: string; undoes?: string; limiter: Limiter; /** Tenants checked, with or without changes. */ checked: number};

type TenantOutcome = {write: TenantWrite; result: ApplyResult; switchResult?: ApplyResult<SwitchRow>};

/** A row or a switch of a fleet's plan or result. */
type AnyChange = Change | Change<SwitchRow>;
type AnyOutcome = Outcome | Outcome<SwitchRow>;

/** A value as a fleet's tables show it: a policy value's short word in text (exact in CSV), a switch's on / off. */
function shownValue(ctx: Pick<Context, 'settings'>, value: string | undefined): string {
	if (value === undefined) return '?';
	return isPolicyValue(value) ? valueWord(ctx, value) : value;
}

/** The plan of each tenant, the one question, the writes (concurrently, per tenant through the engine) and the report. */
async function writeFleet(ctx: Context, writes: TenantWrite[], failedTenants: number, options: WriteOptions): Promise<number> {
	const total = writes.reduce((sum, w) => sum + changesOf(w), 0);
	if (total === 0) {
		ctx.note(`Nothing to change in ${count(options.checked, 'tenant')}${failedTenants ? `; ${count(failedTenants, 'tenant')} could not be checked` : ''}.`);
		return failedTenants > 0 ? ExitCode.partial : ExitCode.ok;
	}
	const summary = writes.map(w => `${tenantLine(w)}: ${count(changesOf(w), 'change')}${w.switchChanges.length > 0 ? ` (${count(w.switchChanges.length, 'switch', 'switches')})` : ''}`);
	type PlanRow = {write: TenantWrite; change: AnyChange};
	const planRows: PlanRow[] = writes.flatMap(write => [...write.changes, ...write.switchChanges].map(change => ({write, change})));
	const planColumns: Column<PlanRow>[] = [
		{header: 'Tenant', value: r => memberLabel(r.write.member), shrinkTo: 12},
		{header: 'Name', value: r => r.change.row.name, shrinkTo: 12},
		{header: 'ID', value: r => r.change.row.id},
		{header: 'From', value: r => shownValue(ctx, r.change.from)},
		{header: 'To', value: r => shownValue(ctx, r.change.to)},
	];
	ctx.note(`Plan for ${count(writes.length, 'tenant')}, policy ${ctx.settings.policyId}:`);
	for (const line of summary) ctx.note(`  ${line}`);
	if (options.dryRun) {
		printList(ctx.io, ctx.settings.output, planRows, planColumns, r => ({tenant: r.write.member.tenant, tenantId: r.write.who.tenant, name: r.change.row.name, id: r.change.row.id, scope: r.change.row.scope, from: r.change.from, to: r.change.to}));
		ctx.note(`Dry run: ${count(total, 'change')} planned in ${count(writes.length, 'tenant')}, nothing written.`);
		return failedTenants > 0 ? ExitCode.partial : ExitCode.ok;
	}
	await checkAuditLog(ctx.settings.stateDir);
	if (!options.yes) {
		if (!(ctx.io.stdin.isTTY && ctx.io.stderr.isTTY)) {
			throw new UsageError(`refusing to change ${count(total, 'row')} in ${count(writes.length, 'tenant')} without confirmation: pass --yes (or --dry-run to see the plan)`);
		}
		ctx.io.stderr.write(toTable(planRows, planColumns, (ctx.io.stderr as {columns?: number}).columns));
		ctx.io.stderr.write('Only trials and purchases from now on are affected; existing ones are not.\n');
		if (writes.some(w => w.switchChanges.length > 0)) ctx.io.stderr.write('A tenant-wide switch applies to every user of its tenant, from now on.\n');
		const ok = await askYes(ctx.io.stdin, ctx.io.stderr, `Change ${count(total, 'row')} in ${count(writes.length, 'tenant')} (${writes.map(w => `${memberLabel(w.member)} ${changesOf(w)}`).join(', ')})? [y/N] `, false, ctx.signal);
		if (!ok) {
			ctx.note('Nothing changed.');
			return ExitCode.ok;
		}
	}
	const changeSetId = randomUUID();
	let written = 0;
	const tty = Boolean(ctx.io.stderr.isTTY);
	const progress = () => {
		written++;
		if (tty && !ctx.signal.aborted) ctx.io.stderr.write(`\r\u001B[KWritten ${written}/${total} rows`);
	};
	const onStop = () => ctx.io.stderr.write(`${tty ? '\r\u001B[K' : ''}Stopping: no more writes are sent; waiting for those in flight, then re-reading what is unknown. Ctrl-C again quits at once.\n`);
	ctx.signal.addEventListener('abort', onStop, {once: true});
	const byMember = new Map(writes.map(w => [w.member, w]));
	let outcomes: TenantResult<TenantOutcome>[];
	try {
		outcomes = await forEachTenant(
			ctx,
			writes.map(w => w.member),
			async (_tenant, member) => {
				const write = byMember.get(member)!;
				const recorder = startChangeSet({stateDir: ctx.settings.stateDir, source: options.source, ...write.who, policyId: ctx.settings.policyId, id: changeSetId, undoes: options.undoes});
				// The rows through the licensing service and the switches through Graph, at once, into the one change set.
				const [result, switchResult] = await Promise.all([
					applyWrites(serviceTarget(write.ctx.client, ctx.settings.policyId), write.changes, {journal: recorder, stop: ctx.signal, onOutcome: progress}),
					write.switches && write.switchChanges.length > 0
						? (await import('../switches/switches.js')).writeSwitches(write.switches.client, write.switchChanges, {journal: recorder, stop: ctx.signal, onOutcome: progress})
						: undefined,
				]);
				return {write, result, ...(switchResult ? {switchResult} : {})};
			},
			{
				limiter: options.limiter,
				contextFor: member => byMember.get(member)?.ctx,
				onDone: (result, done, all) => {
					if (!tty) {
						const text = result.ok ? outcomeSummary(countOutcomes<Writable>(outcomesOf(result.value))) : `failed: ${result.problem.title}`;
						ctx.io.stderr.write(`${safeText(`[${done}/${all}] ${memberLabel(result.member)}: ${text}`)}\n`);
					}
				},
			},
		);
	} finally {
		ctx.signal.removeEventListener('abort', onStop);
		if (tty && written > 0) ctx.io.stderr.write('\n');
	}
	return reportFleet(ctx, outcomes, writes, changeSetId, failedTenants);
}

/** "Fabrikam (retail): tenant fabrikam.onmicrosoft.com (…) as …", the label left out when the tenant's own words say it. */
function tenantLine(write: Pick<TenantWrite, 'member' | 'who'>): string {
	const where = whereLine(write.who);
	const label = memberLabel(write.member);
	return where.toLowerCase().includes(label.toLowerCase()) ? where : `${label}: ${where}`;
}

function outcomeSummary(counts: ReturnType<typeof countOutcomes>): string {
	const skipped = counts.conflict + counts.gone;
	const parts = [`${counts.changed} changed`];
	if (counts.already) parts.push(`${counts.already} already there`);
	if (skipped) parts.push(`${skipped} skipped`);
	if (counts.failed) parts.push(`${counts.failed} failed`);
	if (counts.unknown) parts.push(`${counts.unknown} unknown`);
	if (counts['not-sent']) parts.push(`${counts['not-sent']} not sent`);
	return parts.join(', ');
}

type OutcomeRow = {write: TenantWrite; outcome: AnyOutcome; changeSetId: string};

/** A tenant's outcomes: its rows', then its switches'. */
function outcomesOf(value: TenantOutcome): AnyOutcome[] {
	return [...value.result.outcomes, ...(value.switchResult?.outcomes ?? [])];
}

/** Every row's result with its tenant (stdout), each problem (stderr), a line per tenant, and the exit code. */
function reportFleet(ctx: Context, results: TenantResult<TenantOutcome>[], writes: TenantWrite[], changeSetId: string, failedTenants: number): number {
	const rows: OutcomeRow[] = [];
	for (const result of results) if (result.ok) for (const outcome of outcomesOf(result.value)) rows.push({write: result.value.write, outcome, changeSetId});
	const columns: Column<OutcomeRow>[] = [
		{header: 'Tenant', value: r => memberLabel(r.write.member), shrinkTo: 12},
		{header: 'Name', value: r => r.outcome.change.row.name, shrinkTo: 12},
		{header: 'ID', value: r => r.outcome.change.row.id},
		{header: 'Now', value: r => {
			const held: string | undefined = heldAfter<Writable>(r.outcome);
			return held === undefined ? '?' : isPolicyValue(held) ? VALUE_LABEL[held] : held;
		}},
		{header: 'Result', value: r => resultText(r.outcome), shrinkTo: 20},
	];
	printList(ctx.io, ctx.settings.output, rows, columns, ({write, outcome}) => ({tenant: write.member.tenant, tenantId: write.who.tenant, tenantLabel: write.member.name, ...outcomeJson<Writable>(outcome), changeSetId}));
	let troubled = failedTenants;
	let retryable = false;
	let changedTenants = 0;
	let changed = 0;
	let unknown = 0;
	let interrupted = false;
	let journalError: Error | undefined;
	for (const result of results) {
		if (!result.ok) {
			troubled++;
			retryable ||= result.problem.retryable;
			reportTenantProblem(ctx, result.member, result.problem);
			continue;
		}
		const {write, result: applied, switchResult} = result.value;
		const outcomes = outcomesOf(result.value);
		for (const outcome of outcomes) reportOutcomeNotes(ctx, outcome, `${memberLabel(write.member)}: `);
		const counts = countOutcomes<Writable>(outcomes);
		if (counts.changed + counts.unknown > 0) changedTenants++;
		retryable ||= counts['not-sent'] + counts.unknown > 0 || outcomes.some(o => o.kind === 'failed' && o.problem.retryable);
		changed += counts.changed;
		unknown += counts.unknown;
		interrupted ||= applied.interrupted || Boolean(switchResult?.interrupted);
		journalError ??= applied.journalError ?? switchResult?.journalError;
		if (counts.failed + counts.conflict + counts.gone + counts.unknown + counts['not-sent'] > 0) troubled++;
		ctx.note(`${tenantLine(write)}: ${outcomeSummary(counts)}.`);
	}
	if (journalError) ctx.note(`error: the audit log could not be written (${journalError.message}); nothing more was sent. Each row's result is in the table above.`);
	if (changed + unknown > 0) {
		ctx.note(`Change set ${shortId(changeSetId)} in ${count(changedTenants, 'tenant')} (see \`mscommerce history\`; \`mscommerce undo ${shortId(changeSetId)}\` reverses it in every tenant).`);
	}
	if (interrupted || ctx.signal.aborted) {
		ctx.note('Interrupted: run the same command again to finish (rows already changed are skipped).');
		return interruptedCode(ctx.signal);
	}
	if (journalError) return ExitCode.failed;
	if (troubled > 0) {
		ctx.note(`${count(troubled, 'tenant')} not done (see above)${retryable ? ': run the same command again to finish (rows already changed are skipped)' : ''}.`);
		return ExitCode.partial;
	}
	ctx.note(`Done: ${count(changed, 'row')} changed in ${count(writes.length, 'tenant')}. Only trials and purchases from now on are affected.`);
	return ExitCode.ok;
}

// ---------------------------------------------------------------------------------------------
// products list / offer-types list

type ListedIn = {result: TenantResult<{who: Writer; listed: Listed[]}>; listed: Listed};

/** `products list --tenants FILE` / `offer-types list --tenants FILE`: every row of every tenant, with its tenant (the auditor's matrix). */
export async function fleetListCommand(ctx: Context, scope: Scope, options: {tenants: string; shard?: string}, filter?: (row: Row) => boolean): Promise<number> {
	const fleet = await loadFleet(ctx, options.tenants, options.shard);
	if (typeof fleet === 'number') return fleet;
	const results = await forEachTenant(
		ctx,
		fleet.members,
		async (tenant) => {
			const [who, listed] = await Promise.all([signedInAs(tenant), listAll(tenant, scope)]);
			return {who, listed: listed.filter(l => !filter || filter(l.row))};
		},
		{onDone: fleetProgress(ctx, 'Listed', r => (r.ok ? count(r.value.listed.length, scope === 'product' ? 'product' : 'offer type') : ''))},
	);
	const rows: ListedIn[] = results.flatMap(result => (result.ok ? result.value.listed.map(listed => ({result, listed})) : []));
	const columns: Column<ListedIn>[] = [
		{header: 'Tenant', value: r => memberLabel(r.result.member), shrinkTo: 12},
		{header: 'TenantId', value: r => (r.result.ok ? r.result.value.who.tenant : ''), dropOrder: 2},
		{header: scope === 'product' ? 'Product' : 'Offer type', value: r => r.listed.row.name, shrinkTo: 12},
		{header: 'ID', value: r => r.listed.row.id},
		{header: 'Value', value: r => (ctx.settings.output === 'text' ? VALUE_LABEL[r.listed.row.value] : r.listed.row.value)},
	];
	printList(ctx.io, ctx.settings.output, rows, columns, r => ({tenant: r.result.member.tenant, tenantId: r.result.ok ? r.result.value.who.tenant : null, tenantLabel: r.result.member.name, ...r.listed.item}));
	const failed = results.filter((r): r is Extract<typeof r, {ok: false}> => !r.ok);
	for (const result of failed) reportTenantProblem(ctx, result.member, result.problem);
	ctx.note(`${count(rows.length, 'row')} from ${count(results.length - failed.length, 'tenant')}${failed.length ? `; ${failed.length} failed` : ''}.`);
	return failed.length > 0 ? ExitCode.partial : ExitCode.ok;
}

// ---------------------------------------------------------------------------------------------
// undo of a change set that spans tenants

/**
 * `undo ID` of a fleet change set: in every tenant it wrote, with the account (or app) that wrote
 * it there, each row put back only where it still holds what the change set left (undoPlan).
 */
export async function fleetUndoCommand(ctx: Context, parts: readonly ChangeSet[], options: {yes?: boolean; dryRun?: boolean}): Promise<number> {
	const id = parts[0]!.id;
	const members: FleetMember[] = parts.map((part, index) => ({...signInOf(part), name: part.tenantName ?? part.tenant, index}));
	ctx.note(`Undoing change set ${shortId(id)} (${parts[0]!.source}) in ${count(parts.length, 'tenant')}.`);
	const limiter = runLimiter();
	const byMember = new Map(members.map((member, i) => [member, parts[i]!]));
	const results = await forEachTenant(
		ctx,
		members,
		async (tenant, member) => {
			const part = byMember.get(member)!;
			const scopes = [...new Set(part.rows.map(row => row.scope))];
			const [who, current] = await Promise.all([signedInAs(tenant), Promise.all(scopes.map(async scope => tenant.client.listRows(ctx.settings.policyId, scope))).then(lists => lists.flat())]);
			const plan = undoPlan(part, current);
			for (const skip of plan.leftAlone) tenant.note(`left alone: ${skip.reason}`);
			// Its switches back through the tenant's own Graph sign-in, by the same rule (a fleet asks nobody for a device code).
			const written = part.switches.filter(row => row.status === 'ok' || row.status === 'unknown');
			const switchUndo = written.length > 0 ? await planSwitchUndo(tenant, written, {prompt: false}) : undefined;
			return {who, plan, switchUndo};
		},
		{limiter},
	);
	const writes: TenantWrite[] = [];
	let leftAlone = 0;
	for (const result of results) {
		if (!result.ok) {
			reportTenantProblem(ctx, result.member, result.problem);
			continue;
		}
		const {who, plan, switchUndo} = result.value;
		leftAlone += plan.leftAlone.length + (switchUndo?.leftAlone ?? 0);
		const switchChanges = switchUndo?.changes ?? [];
		if (plan.changes.length + switchChanges.length > 0) {
			writes.push({member: result.member, ctx: result.ctx!, who, changes: plan.changes, switchChanges, ...(switchUndo ? {switches: switchUndo.switches} : {})});
		}
	}
	const failedTenants = results.filter(r => !r.ok).length;
	const code = await writeFleet(ctx, writes, failedTenants, {...options, source: 'undo', undoes: id, limiter, checked: results.length - failedTenants});
	if (leftAlone > 0 && code === ExitCode.ok && !options.dryRun) {
		ctx.note(`${count(leftAlone, 'row')} not undone: changed since the change set.`);
		return ExitCode.partial;
	}
	return code;
}

/** How to sign in where a change set was written: as its app (`app <client id>`) or its account. */
function signInOf(part: ChangeSet): {tenant: string; account?: string; app?: string} {
	const app = /^app ([0-9a-f-]{36})$/i.exec(part.account)?.[1];
	if (app) return {tenant: part.tenant, app};
	return part.account.includes('@') ? {tenant: part.tenant, account: part.account} : {tenant: part.tenant};
}
