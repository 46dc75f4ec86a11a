/**
 * mscommerce baseline export | plan | apply: keep a tenant the way its admin decided, including
 * for products Microsoft adds later. The file is checked whole (every problem with its path,
 * exit 2) before anything is written; plan exits 6 on drift; apply writes only the drift, through
 * the one engine (runPlan), so running it again finishes what a partial run left.
 *
 * A baseline is outside input: it is read no further than YAML_LIMITS.bytes (stdin can be
 * /dev/zero), and a file with thousands of problems shows the first MAX_PRINTED and a count, so
 * the summary is never lost in a wall of lines.
 *
 * A baseline's `switches:` section (docs/switches.md) is checked the same way: only when the file
 * has one are the switches read through Microsoft Graph (its own sign-in, loaded on demand), their
 * drift shown beside the rows', and written in the same change set as the rows (runMixedPlan). A
 * baseline without it never loads Graph's code or signs in to Graph.
 */
import {writeFile} from 'node:fs/promises';
import {checkAuditLog, startChangeSet} from '../commerce/audit.js';
import {
	baselineFromRows,
	baselineToJson,
	baselineToYaml,
	compareBaseline,
	compareSwitches,
	formatProblem,
	parseBaseline,
	readsBack,
	resolveBaseline,
	SECTIONS,
	sortProblems,
	type Baseline,
	type BaselineComparison,
	type BaselineProblem,
	type BaselineSwitch,
	type ParsedBaseline,
	type SectionName,
	type SwitchComparison,
	type SwitchState,
	type UnwritableId,
} from '../commerce/baseline.js';
import {applyWrites, countOutcomes, DEFAULT_DRAIN_MS, heldAfter, outcomeReason, undoStep, type ApplyResult, type Change, type Outcome, type Plan, type SwitchRow, type Writable} from '../commerce/changes.js';
import {serviceTarget} from '../commerce/client.js';
import {readInputFile, type InputFile} from '../files/input.js';
import type {FleetMember} from '../fleet/tenantsFile.js';
import {isNew, loadSeen} from '../commerce/seen.js';
import {sortByRow, sortRows} from '../commerce/sort.js';
import {valueWord} from './output.js';
import type {Row, Scope} from '../commerce/types.js';
import {isPolicyValue, VALUE_LABEL, type SwitchValue} from '../commerce/values.js';
import {isGuid} from '../config.js';
import {classify} from '../problems/classify.js';
import {CancelledError, UsageError} from '../problems/errors.js';
import {ExitCode, exitCodeFor} from '../problems/exitCodes.js';
import type {Problem} from '../problems/types.js';
import {definitionOf, SWITCH_NAMES, switchesOf, switchNamed, type GraphObjectId, type SwitchName} from '../switches/definitions.js';
import type {Switches} from '../switches/switches.js';
import {askYes} from './account.js';
import type {Context} from './context.js';
import {printList, toTable, type Column} from './output.js';
import {reportProblem} from './report.js';
import {finishWrite, outcomeJson, RESULT_TEXT, runPlan, seenKeyFor, signedInAs, startWatching, troubleParts, troublesIn, whereLine, type RunPlanOptions, type Writer} from './rows.js';
import {safeJson, safeText} from '../text/safe.js';
import {count} from '../words.js';

const NOUN: Record<Scope, string> = {product: 'product', offerType: 'offer type'};

const BASELINE_FILE: InputFile = {option: '--file', noun: 'baseline file', size: 'a baseline is a few KB (a default, and the rows that differ under except)'};

/** Problems (and refused IDs) a person reads in text output; the rest are counted. */
export const MAX_PRINTED = 20;

async function listRows(ctx: Context, scopes: readonly Scope[]): Promise<Partial<Record<Scope, Row[]>>> {
	const lists = await Promise.all(scopes.map(async scope => [scope, await ctx.client.listRows(ctx.settings.policyId, scope)] as const));
	return Object.fromEntries(lists) as Partial<Record<Scope, Row[]>>;
}

// ---------------------------------------------------------------------------------------------
// The tenant-wide switches of a baseline (docs/switches.md), through Microsoft Graph

/** The run's Graph sign-in and client (commands/switches.ts, loaded only now: a baseline without `switches:` never loads it). */
async function graphOf(ctx: Context): Promise<Switches> {
	return (await import('./switches.js')).switchesFor(ctx);
}

/**
 * A Graph token (for reading, or for changing `write`'s object) before anything else, as the
 * switches commands get one: on a terminal a missing Graph sign-in is made at once with a device
 * code (unless `prompt` is false: a fleet's tenants never ask); elsewhere its problem says to run
 * `mscommerce login --graph`.
 */
export async function graphSignIn(ctx: Context, switches: Switches, options: {write?: GraphObjectId; prompt?: boolean} = {}): Promise<void> {
	await (await import('./switches.js')).ensureGraphToken(ctx, switches, options.write, {prompt: options.prompt});
}

/**
 * The products and the switches of one change set are one tenant's: a Graph sign-in for another
 * tenant than the licensing one (MSCOMMERCE_GRAPH_TOKEN of another tenant, say) is refused.
 */
function sameTenant(switches: Switches, who: Writer): void {
	const graph = switches.auth.who?.tenantId;
	if (!graph || !isGuid(graph) || !isGuid(who.tenant) || graph.toLowerCase() === who.tenant.toLowerCase()) return;
	throw new UsageError(`the Microsoft Graph sign-in is for tenant ${graph}, the licensing sign-in for tenant ${who.tenant}: a baseline's products and switches are one tenant's`, [
		'Sign in to Microsoft Graph in the same tenant (`mscommerce login --graph`, or MSCOMMERCE_GRAPH_TOKEN of that tenant).',
	]);
}

/**
 * The switches named, as Graph holds them now: only the objects they live in are read; one object
 * failing (the beta missing, a 403) leaves the other's; no sign-in at all leaves every one unknown
 * with that problem. Only a stop (Ctrl-C) is thrown.
 */
export async function readSwitchStates(ctx: Context, names: readonly SwitchName[], options: {prompt?: boolean} = {}): Promise<{switches: Switches; states: Map<SwitchName, SwitchState>}> {
	const switches = await graphOf(ctx);
	const objects = [...new Set(names.map(name => definitionOf(name).object))];
	const states = new Map<SwitchName, SwitchState>();
	try {
		await graphSignIn(ctx, switches, {prompt: options.prompt});
		sameTenant(switches, await signedInAs(ctx));
		const reads = await Promise.allSettled(objects.map(async object => switches.client.read(object)));
		objects.forEach((object, i) => {
			const read = reads[i]!;
			const problem = read.status === 'rejected' ? classify(read.reason) : undefined;
			for (const {name} of switchesOf(object)) {
				const value = read.status === 'fulfilled' ? read.value.values[name] : undefined;
				states.set(name, value ? {value} : {problem: problem ?? classify(new Error(`${name} is missing from the answer`))});
			}
		});
	} catch (error) {
		if (ctx.signal.aborted) throw error;
		const problem = classify(error);
		for (const name of names) states.set(name, {problem});
	}
	if (ctx.signal.aborted) throw new CancelledError();
	return {switches, states};
}

/** A baseline's switches against the tenant: the Graph client (apply writes through it) and the comparison. */
export type SwitchCheck = {switches: Switches; comparison: SwitchComparison};

/** Compares the switches a baseline manages with what Graph holds now (unknown where it could not be read). */
export async function compareSwitchesWithTenant(ctx: Context, wanted: readonly BaselineSwitch[], options: {prompt?: boolean} = {}): Promise<SwitchCheck> {
	const {switches, states} = await readSwitchStates(ctx, wanted.map(w => w.name), options);
	return {switches, comparison: compareSwitches(wanted, name => states.get(name)!)};
}

/** The switches that could not be read, grouped by why: `names` (in the file's order) and the problem. */
export function unknownGroups(unknown: SwitchComparison['unknown']): Array<{names: string[]; problem: Problem}> {
	const groups = new Map<string, {names: string[]; problem: Problem}>();
	for (const item of unknown) {
		const group = groups.get(item.problem.title);
		if (group) group.names.push(item.name);
		else groups.set(item.problem.title, {names: [item.name], problem: item.problem});
	}
	return [...groups.values()];
}

/** Each reason once on stderr, under the switches it left unchecked (as `switches list` says `unknown`). */
export function reportUnknownSwitches(ctx: Context, unknown: SwitchComparison['unknown']): void {
	for (const {names, problem} of unknownGroups(unknown)) {
		ctx.io.stderr.write(`${safeText(`${names.join(', ')}: not checked (could not be read from Microsoft Graph)`)}\n`);
		reportProblem(ctx.io.stderr, problem);
	}
}

// ---------------------------------------------------------------------------------------------
// export

/**
 * `baseline export [--file F] [--switches]`: today's state as a baseline, on stdout unless --file.
 * The switches are added only when asked (--switches): reading them needs Microsoft Graph's own
 * sign-in, which export never asks for otherwise.
 */
export async function exportCommand(ctx: Context, options: {file?: string; switches?: boolean}): Promise<number> {
	// A baseline is a document, not a table: CSV could not hold default and except. Refused before any request.
	if (ctx.settings.output === 'csv') {
		throw new UsageError('baseline export writes YAML or JSON, not CSV', ['Leave out --output for YAML, or use --json; for a table of every row: mscommerce products list -o csv']);
	}
	const lists = await listRows(ctx, ['product', 'offerType']);
	const who = await signedInAs(ctx);
	const {baseline, names, unwritable} = baselineFromRows(ctx.settings.policyId, lists);
	// Refused before anything is written: a file its own plan would reject is worse than none.
	if (unwritable.length > 0) throw unwritableError(unwritable);
	let unread: SwitchName[] = [];
	if (options.switches) {
		const {states} = await readSwitchStates(ctx, SWITCH_NAMES);
		const unknown: SwitchComparison['unknown'] = [];
		baseline.switches = [];
		for (const name of SWITCH_NAMES) {
			const state = states.get(name)!;
			if ('value' in state) baseline.switches.push({key: name, name, value: state.value});
			else unknown.push({name, label: definitionOf(name).label, to: 'off', rule: `switches.${name}`, problem: state.problem});
		}
		reportUnknownSwitches(ctx, unknown);
		unread = unknown.map(u => u.name);
		// Not one could be read: nothing is written, and the exit code is the problem's (as `switches list`).
		if (baseline.switches.length === 0) {
			ctx.note('Nothing was written: --switches asks for the tenant-wide switches, and none could be read.');
			return exitCodeFor(unknown[0]!.problem);
		}
	}
	const text =
		ctx.settings.output === 'json'
			? `${safeJson(baselineToJson(baseline), 2)}\n`
			: baselineToYaml(baseline, names, [
					`Self-service purchase baseline of tenant ${who.tenant} (${who.account}), exported ${new Date().toISOString()}.`,
					'default: the value of every row not listed under except, including products Microsoft adds later.',
					...(baseline.switches ? ['switches: the tenant-wide switches in Microsoft Graph, on or off; a switch not listed is not managed.'] : []),
					...(unread.length > 0 ? [`Not listed (could not be read, so not managed): ${unread.join(', ')}.`] : []),
					'Check: mscommerce baseline plan --file FILE    Make the tenant match: mscommerce baseline apply --file FILE',
				]);
	const unreadable = readsBack(baseline, text);
	if (unreadable) throw new UsageError(`cannot export: the file would not read back as today's state (${unreadable}); nothing was written`);
	if (options.file && options.file !== '-') {
		try {
			await writeFile(options.file, text);
		} catch (error) {
			throw new UsageError(`--file: cannot write ${options.file}: ${(error as Error).message}`);
		}
		ctx.note(`Wrote ${options.file}: ${describeBaseline(baseline)}.`);
	} else {
		ctx.io.stdout.write(text);
	}
	// Exporting starts the watch (products added from now on are new) but marks nothing seen: a
	// nightly export must not hide a new product from the admin.
	const key = await seenKeyFor(ctx);
	await startWatching(ctx, key, await loadSeen(ctx.settings.stateDir, key, ctx.note), [...(lists.product ?? []), ...(lists.offerType ?? [])], ['product', 'offerType']);
	if (unread.length > 0) {
		ctx.note(`${unread.join(', ')} could not be read and ${unread.length === 1 ? 'is' : 'are'} not in the baseline (not managed).`);
		return ExitCode.partial;
	}
	return ExitCode.ok;
}

/** One line naming the IDs export refuses (JSON-quoted, so a line break shows as \n), the first MAX_PRINTED of them. */
function unwritableError(unwritable: readonly UnwritableId[]): UsageError {
	const named = unwritable.slice(0, MAX_PRINTED).map(u => `${NOUN[u.scope]} ${JSON.stringify(u.id)} (${u.name}): ${u.reason}`);
	const more = unwritable.length > MAX_PRINTED ? `; …and ${unwritable.length - MAX_PRINTED} more` : '';
	return new UsageError(`cannot export: the service lists ${count(unwritable.length, 'ID')} a baseline file cannot hold: ${named.join('; ')}${more}; nothing was written`, [
		'`mscommerce products list --json` and `mscommerce offer-types list --json` show these IDs exactly; a baseline can still govern them through default.',
	]);
}

function describeBaseline(baseline: Baseline): string {
	const parts: string[] = [];
	for (const name of Object.keys(SECTIONS) as SectionName[]) {
		const section = baseline[name];
		if (!section) continue;
		parts.push(`${name} ${section.default ? `default ${section.default}` : 'no default'}, ${section.except.length} except`);
	}
	if (baseline.switches) parts.push(`switches ${baseline.switches.map(s => `${s.name} ${s.value}`).join(', ') || 'none'}`);
	return parts.join('; ');
}

// ---------------------------------------------------------------------------------------------
// reading and comparing

type Loaded = {file: string; baseline: Baseline; comparison: BaselineComparison; scopes: Scope[]; switchCheck?: SwitchCheck};

/** A baseline file read and checked on its own (before any request): the file's label, and the parse. */
export type ReadBaseline = {label: string; parsed: ParsedBaseline};

/** Reads and checks a baseline file on its own: syntax, keys, values, policy. */
export async function readBaselineFile(ctx: Pick<Context, 'io' | 'settings'>, file: string): Promise<ReadBaseline> {
	const text = await readInputFile(ctx.io.stdin, file, BASELINE_FILE);
	return {label: file === '-' ? 'stdin' : file, parsed: parseBaseline(text, {policyId: ctx.settings.policyId})};
}

/**
 * Every baseline these tenants need (each its own, else `shared`), each read and checked once,
 * before any request; each named as the tenants file writes it, or as given. A problem in any of
 * them is printed and its exit code (2) comes back instead.
 */
export async function readBaselines(ctx: Pick<Context, 'io' | 'settings'>, members: readonly FleetMember[], shared: string | undefined): Promise<Map<string, ReadBaseline> | number> {
	const paths = [...new Set(members.map(member => member.baseline ?? shared).filter((path): path is string => path !== undefined))];
	const read = new Map<string, ReadBaseline>();
	let code: number | undefined;
	for (const path of paths) {
		const baseline = await readBaselineFile(ctx, path);
		const written = members.find(member => member.baseline === path)?.baselineAsWritten;
		if (written) baseline.label = written;
		if (!baseline.parsed.baseline || baseline.parsed.problems.length > 0) code = printProblems(ctx, baseline.label, baseline.parsed.problems);
		read.set(path, baseline);
	}
	return code ?? read;
}

/** A baseline that does not fit one tenant of a fleet (an ID it does not list): that tenant's problem, the first few named. */
export function baselineMisfit(label: string, problems: readonly BaselineProblem[]): UsageError {
	const shown = problems.slice(0, 3).map(problem => formatProblem(label, problem));
	const more = problems.length > 3 ? `; …and ${problems.length - 3} more` : '';
	return new UsageError(`${label} does not fit this tenant (${count(problems.length, 'problem')}): ${shown.join('; ')}${more}`);
}

/** What one tenant holds against a baseline: the comparison, every row listed, and the scopes it governs. */
export type TenantComparison = {comparison: BaselineComparison; scopes: Scope[]; rows: Row[]};

/**
 * Compares a (well-formed) baseline with the tenant: lists the scopes it governs, resolves its IDs
 * against them, starts the new-product watch on a first look, and compares. Problems only this
 * tenant shows (an ID not in its list, a value a row cannot take) come back instead, in order.
 * The switches are compared apart (compareSwitchesWithTenant): only a baseline with `switches:` needs Graph.
 */
export async function compareWithTenant(ctx: Context, baseline: Baseline, parsed: ParsedBaseline): Promise<TenantComparison | {problems: BaselineProblem[]}> {
	const scopes = (Object.keys(SECTIONS) as SectionName[]).filter(name => baseline[name]).map(name => SECTIONS[name]);
	const [lists, key] = await Promise.all([listRows(ctx, scopes), seenKeyFor(ctx)]);
	const resolved = resolveBaseline(baseline, lists, parsed.lineOf);
	const problems = sortProblems([...parsed.problems, ...resolved.problems]);
	if (problems.length > 0) return {problems};
	for (const note of resolved.notes) ctx.note(note);
	const seen = await loadSeen(ctx.settings.stateDir, key, ctx.note);
	const all = scopes.flatMap(scope => lists[scope] ?? []);
	await startWatching(ctx, key, seen, all, scopes);
	return {scopes, rows: all, comparison: compareBaseline(resolved.wanted, all, row => isNew(seen, row))};
}

/** Whether a baseline manages any switch (then, and only then, Microsoft Graph is read). */
export function managesSwitches(baseline: Baseline): baseline is Baseline & {switches: BaselineSwitch[]} {
	return (baseline.switches?.length ?? 0) > 0;
}

/** Reads, checks and compares a baseline with the tenant; an exit code (2) after printing its problems. */
async function load(ctx: Context, file: string | undefined): Promise<Loaded | number> {
	if (!file) throw new UsageError('--file FILE is required: the baseline to check against (make one with `mscommerce baseline export --file FILE`)');
	const {label, parsed} = await readBaselineFile(ctx, file);
	// A file that is not a baseline at all is reported before any request; otherwise its good
	// parts are checked against the tenant too, so every problem is reported at once.
	if (!parsed.baseline) return printProblems(ctx, label, parsed.problems);
	const compared = await compareWithTenant(ctx, parsed.baseline, parsed);
	if ('problems' in compared) return printProblems(ctx, label, compared.problems);
	// Graph only after the rows fit: a baseline the tenant rejects never asks for Graph's sign-in.
	const switchCheck = managesSwitches(parsed.baseline) ? await compareSwitchesWithTenant(ctx, parsed.baseline.switches) : undefined;
	return {file: label, baseline: parsed.baseline, scopes: compared.scopes, comparison: compared.comparison, ...(switchCheck ? {switchCheck} : {})};
}

/**
 * The problems, exit 2. Text shows the first MAX_PRINTED (in the file's order) and counts the
 * rest; JSON lists them all, for a pipeline that annotates each one (its size is bounded by the
 * file's: at most BASELINE_LIMITS.bytes were read, and checking is linear).
 */
export function printProblems(ctx: Pick<Context, 'io' | 'settings'>, file: string, problems: readonly BaselineProblem[]): number {
	if (ctx.settings.output === 'json') {
		ctx.io.stderr.write(`${safeJson({error: {kind: 'usage', title: `${file}: the baseline has ${count(problems.length, 'problem')}`, problems: problems.map(p => ({file, ...p}))}})}\n`);
	} else {
		const shown = problems.slice(0, MAX_PRINTED).map(problem => `${formatProblem(file, problem)}\n`);
		if (problems.length > MAX_PRINTED) shown.push(`…and ${count(problems.length - MAX_PRINTED, 'more problem')}\n`);
		ctx.io.stderr.write(`${shown.join('')}error: ${safeText(file)} has ${count(problems.length, 'problem')}; nothing was changed.\n`);
	}
	return ExitCode.usage;
}

// ---------------------------------------------------------------------------------------------
// plan

type DriftItem = BaselineComparison['drift'][number];
/** A switch that drifts, as a plan shows it. */
export type SwitchDriftItem = SwitchComparison['drift'][number];

/** A plan's drift as a table: the short words in text (80 columns), CSV keeps the exact values. */
export function driftColumns(ctx: Pick<Context, 'settings'>, scopes: readonly Scope[]): Column<DriftItem>[] {
	return [
		...(scopes.length > 1 ? [{header: 'Scope', value: (d: DriftItem) => NOUN[d.row.scope]}] : []),
		{header: 'Name', value: d => d.row.name, shrinkTo: 12},
		{header: 'ID', value: d => d.row.id},
		// The short words in text, as in set's plan: the table fits 80 columns; CSV and JSON keep the exact values.
		{header: 'Current', value: d => valueWord(ctx, d.row.value)},
		{header: 'Wanted', value: d => valueWord(ctx, d.to)},
		{header: 'New', value: d => (d.isNew ? 'new' : ''), dropOrder: 1},
	];
}

/** The switches that drift, as text shows them under their own heading (`Tenant-wide switches`). */
export const SWITCH_DRIFT_COLUMNS: Column<SwitchDriftItem>[] = [
	{header: 'Switch', value: d => d.name},
	{header: 'Current', value: d => d.current},
	{header: 'Wanted', value: d => d.to},
	{header: 'What on allows', value: d => definitionOf(d.name).allows, shrinkTo: 20, dropOrder: 1},
];

/** The heading of the switches' block in text. */
export const SWITCHES_HEADING = 'Tenant-wide switches (Microsoft Graph):';

/** One drifting row or switch as CSV gives it: one table, the scope saying which (`switch`: the ID is its name). */
type CsvDrift = {scope: string; name: string; id: string; current: string; wanted: string; isNew: boolean};

/** The drift of the rows (sorted by name) and then of the switches (in the file's order), as flat items. */
export function csvDrift(comparison: BaselineComparison, switches?: SwitchComparison): CsvDrift[] {
	return [
		...sortByRow(comparison.drift, d => d.row).map(d => ({scope: NOUN[d.row.scope], name: d.row.name, id: d.row.id, current: d.row.value, wanted: d.to, isNew: d.isNew})),
		...(switches?.drift ?? []).map(d => ({scope: 'switch', name: d.label, id: d.name, current: d.current, wanted: d.to, isNew: false})),
	];
}

const CSV_DRIFT_COLUMNS: Column<CsvDrift>[] = [
	{header: 'Scope', value: d => d.scope},
	{header: 'Name', value: d => d.name},
	{header: 'ID', value: d => d.id},
	{header: 'Current', value: d => d.current},
	{header: 'Wanted', value: d => d.wanted},
	{header: 'New', value: d => (d.isNew ? 'new' : '')},
];

/**
 * The drift, the new rows and the counts of a plan, as `--json` gives them (one tenant's, or each
 * of a fleet's). A baseline with `switches:` adds its switches: those that drift in `drift` (scope
 * `switch`, the ID its name, on / off), those in sync in `counts.inSync`, and those that could not
 * be read in `unknown` (with the problem) and `counts.unknown`.
 */
export function comparisonJson(comparison: BaselineComparison, switches?: SwitchComparison): {drift: unknown[]; new: unknown[]; unknown?: unknown[]; counts: {drift: number; inSync: number; new: number; unknown?: number}} {
	const {drift, newRows} = comparison;
	const switchDrift = switches?.drift ?? [];
	return {
		drift: [
			...drift.map(d => ({scope: d.row.scope, id: d.row.id, name: d.row.name, current: d.row.value, wanted: d.to, rule: d.rule, new: d.isNew})),
			...switchDrift.map(d => ({scope: 'switch', id: d.name, name: d.label, current: d.current, wanted: d.to, rule: d.rule, new: false})),
		],
		new: newRows.map(n => ({scope: n.row.scope, id: n.row.id, name: n.row.name, current: n.row.value, wanted: n.to ?? null, rule: n.rule ?? null})),
		...(switches ? {unknown: switches.unknown.map(u => ({scope: 'switch', id: u.name, name: u.label, current: null, wanted: u.to, rule: u.rule, error: u.problem}))} : {}),
		counts: {
			drift: drift.length + switchDrift.length,
			inSync: comparison.inSync + (switches?.inSync ?? 0),
			new: newRows.length,
			...(switches ? {unknown: switches.unknown.length} : {}),
		},
	};
}

/** "3 rows and 1 switch", "2 switches", "4 rows": the parts a baseline governs, zero parts left out unless both are. */
function rowsAndSwitches(rows: number, switches: number, hasRows: boolean, hasSwitches: boolean): string {
	const parts = [...(hasRows || !hasSwitches ? [count(rows, 'row')] : []), ...(hasSwitches ? [count(switches, 'switch', 'switches')] : [])];
	if (hasRows && hasSwitches && (rows === 0) !== (switches === 0)) return rows === 0 ? parts[1]! : parts[0]!;
	return parts.join(' and ');
}

/** `baseline plan --file F`: the drift, exit 0 in sync, 6 when something differs, 5 when a switch could not be checked. */
export async function planCommand(ctx: Context, options: {file?: string}): Promise<number> {
	const loaded = await load(ctx, options.file);
	if (typeof loaded === 'number') return loaded;
	const {comparison, file, scopes, switchCheck} = loaded;
	const switches = switchCheck?.comparison;
	const {drift, newRows} = comparison;
	const switchDrift = switches?.drift ?? [];
	const unknown = switches?.unknown ?? [];
	const driftCount = drift.length + switchDrift.length;
	if (ctx.settings.output === 'json') {
		ctx.io.stdout.write(
			`${safeJson(
				{
					file,
					policyId: ctx.settings.policyId,
					inSync: driftCount === 0 && unknown.length === 0,
					...comparisonJson(comparison, switches),
				},
				2,
			)}\n`,
		);
	} else if (ctx.settings.output === 'csv' && switches) {
		// One table: the rows, then the switches (scope `switch`).
		if (driftCount > 0) printList(ctx.io, 'csv', csvDrift(comparison, switches), CSV_DRIFT_COLUMNS);
	} else {
		const columns = driftColumns(ctx, scopes);
		if (drift.length > 0) printList(ctx.io, ctx.settings.output, sortByRow(drift, d => d.row), columns);
		if (switchDrift.length > 0) {
			ctx.io.stdout.write(`${drift.length > 0 ? '\n' : ''}${SWITCHES_HEADING}\n`);
			ctx.io.stdout.write(toTable(switchDrift, SWITCH_DRIFT_COLUMNS, ctx.io.stdout.isTTY ? ctx.io.stdout.columns : undefined));
		}
	}
	if (ctx.settings.output !== 'json') {
		// A set, not drift.some per new row: both can be the whole tenant.
		const drifting = new Set(drift.map(d => d.row));
		for (const item of newRows.filter(n => !drifting.has(n.row))) {
			ctx.note(`new (never seen before): ${item.row.name} (${item.row.id}) is ${item.row.value}${item.to ? ', as the baseline wants' : ', not governed by the baseline'}`);
		}
	}
	reportUnknownSwitches(ctx, unknown);
	const hasRows = scopes.length > 0;
	const hasSwitches = switches !== undefined;
	const inSyncWords = rowsAndSwitches(comparison.inSync, switches?.inSync ?? 0, hasRows, hasSwitches);
	const notChecked = unknown.length > 0 ? ` Not checked: ${count(unknown.length, 'switch', 'switches')} (${unknown.map(u => u.name).join(', ')}), see above.` : '';
	if (driftCount === 0) {
		ctx.note(`In sync: ${inSyncWords} match ${file}.${notChecked}`);
		return unknown.length > 0 ? ExitCode.partial : ExitCode.ok;
	}
	const newDrift = drift.filter(d => d.isNew).length;
	const driftWords = rowsAndSwitches(drift.length, switchDrift.length, hasRows, hasSwitches);
	ctx.note(
		`Drift: ${driftWords} differ${driftCount === 1 ? 's' : ''} from ${file}${newDrift > 0 ? ` (${newDrift} never seen before)` : ''}; ${hasSwitches ? inSyncWords : comparison.inSync} in sync.${notChecked} ` +
			`Fix it with \`mscommerce baseline apply --file ${file}\`.`,
	);
	// Something not checked comes first (5), as a fleet's failed tenant does: the drift is still listed.
	return unknown.length > 0 ? ExitCode.partial : ExitCode.drift;
}

// ---------------------------------------------------------------------------------------------
// apply

/** `baseline apply --file F [--yes] [--dry-run]`: writes only the drift, with the same rules as set. */
export async function applyCommand(ctx: Context, options: {file?: string; yes?: boolean; dryRun?: boolean}): Promise<number> {
	const loaded = await load(ctx, options.file);
	if (typeof loaded === 'number') return loaded;
	const {comparison, scopes, switchCheck} = loaded;
	const runOptions: RunPlanOptions = {yes: options.yes, dryRun: options.dryRun, source: 'baseline apply'};
	if (!switchCheck) {
		if (comparison.plan.changes.length === 0) {
			ctx.note(`In sync: ${count(comparison.inSync, 'row')} already match ${loaded.file}. Nothing to change.`);
			return ExitCode.ok;
		}
		return runPlan(ctx, scopes.length === 1 ? scopes[0] : undefined, comparison.plan, runOptions);
	}
	const {unknown, changes: switchChanges} = switchCheck.comparison;
	// Said first: these are not checked, so not written; the rest is (exit 5 at the end).
	reportUnknownSwitches(ctx, unknown);
	let code: number;
	if (comparison.plan.changes.length === 0 && switchChanges.length === 0) {
		const words = rowsAndSwitches(comparison.inSync, switchCheck.comparison.inSync, scopes.length > 0, true);
		ctx.note(`In sync: ${words} already match ${loaded.file}. Nothing to change.`);
		code = ExitCode.ok;
	} else if (switchChanges.length === 0) {
		code = await runPlan(ctx, scopes.length === 1 ? scopes[0] : undefined, comparison.plan, runOptions);
	} else {
		code = await runMixedPlan(ctx, comparison.plan, switchChanges, switchCheck.switches, runOptions);
	}
	if (unknown.length > 0 && (code === ExitCode.ok || code === ExitCode.drift)) {
		ctx.note(`Not done: ${count(unknown.length, 'switch', 'switches')} (${unknown.map(u => u.name).join(', ')}) could not be checked, so not written (see above). Run the same command again once Microsoft Graph can be read.`);
		return ExitCode.partial;
	}
	return code;
}

/** A row or a switch of a mixed plan. */
type AnyChange = Change | Change<SwitchRow>;
type AnyOutcome = Outcome | Outcome<SwitchRow>;

/** A value as a table shows it: a policy value's short word in text (its exact spelling in CSV), a switch's on / off. */
function shownValue(ctx: Pick<Context, 'settings'>, value: string | undefined): string {
	if (value === undefined) return '?';
	return isPolicyValue(value) ? valueWord(ctx, value) : value;
}

/** A row's scope in words: product, offer type, switch. */
function scopeWord(scope: string): string {
	return scope === 'product' || scope === 'offerType' ? NOUN[scope] : scope;
}

/** A switch that someone else set to the value wanted before it was written: nothing sent (a switch has two values). */
const CHANGED_ELSEWHERE = 'already there: changed elsewhere (nothing sent)';

/** "2 rows and 1 switch", "1 switch", "3 rows". */
export function changeWords(rows: number, switches: number): string {
	return rowsAndSwitches(rows, switches, rows > 0, switches > 0);
}

/**
 * A plan of rows and tenant-wide switches as one change set (`baseline apply`, and `undo` of a
 * change set that changed both): one plan naming the tenant and the account, one question on a
 * terminal (--yes in scripts, refused without either), then the rows through the licensing
 * service and the switches through Microsoft Graph, each through the one write engine (compare
 * before write, verify, intent and outcome in the audit log) into the same change set; one report
 * of both, and the exit codes of a write (docs/writes.md).
 */
export async function runMixedPlan(ctx: Context, given: Plan, switchChanges: readonly Change<SwitchRow>[], switches: Switches, options: RunPlanOptions): Promise<number> {
	const {io} = ctx;
	const rowChanges = sortByRow(given.changes, c => c.row);
	const unchanged = sortRows(given.unchanged);
	if (unchanged.length <= 10) for (const row of unchanged) ctx.note(`already ${row.value}: ${row.name} (${row.id})`);
	else ctx.note(`${unchanged.length} rows already hold their value: not sent.`);
	const all: AnyChange[] = [...rowChanges, ...switchChanges];
	if (all.length === 0) {
		ctx.note('Nothing to change.');
		return ExitCode.ok;
	}
	const who = await writerOf(ctx, switches);
	const words = changeWords(rowChanges.length, switchChanges.length);
	const planColumns: Column<AnyChange>[] = [
		{header: 'Scope', value: c => scopeWord(c.row.scope)},
		{header: 'Name', value: c => c.row.name, shrinkTo: 12},
		{header: 'ID', value: c => c.row.id},
		{header: 'From', value: c => shownValue(ctx, c.from)},
		{header: 'To', value: c => shownValue(ctx, c.to)},
	];
	ctx.note(`Plan for ${whereLine(who)}, ${rowChanges.length > 0 ? `policy ${ctx.settings.policyId} and the tenant-wide switches` : 'tenant-wide switches'} (Microsoft Graph):`);
	if (options.dryRun) {
		printList(io, ctx.settings.output, all, planColumns, c => ({id: c.row.id, name: c.row.name, scope: c.row.scope, from: c.from, to: c.to}));
		ctx.note(`Dry run: ${words} to change in ${whereLine(who)}, nothing written.`);
		return ExitCode.ok;
	}
	await checkAuditLog(ctx.settings.stateDir);
	// Changing a switch needs its object's write permission: asked for now, before the question (a
	// device code on a terminal, as `switches set` does), so nothing is written half-way for want of it.
	for (const object of new Set(switchChanges.map(c => definitionOf(c.row.id as SwitchName).object))) await graphSignIn(ctx, switches, {write: object});
	if (!options.yes) {
		if (!(io.stdin.isTTY && io.stderr.isTTY)) {
			throw new UsageError(`refusing to change ${words} without confirmation: pass --yes (or --dry-run to see the plan)`);
		}
		io.stderr.write(toTable(all, planColumns, (io.stderr as {columns?: number}).columns));
		if (rowChanges.length > 0) io.stderr.write('Only trials and purchases from now on are affected; existing ones are not.\n');
		io.stderr.write('A tenant-wide switch applies to every user of the tenant, from now on.\n');
		const ok = await askYes(io.stdin, io.stderr, `Change ${words} in ${whereLine(who)}? [y/N] `, false, ctx.signal);
		if (!ok) {
			ctx.note('Nothing changed.');
			return ExitCode.ok;
		}
	}
	const recorder = startChangeSet({stateDir: ctx.settings.stateDir, source: options.source, ...who, policyId: ctx.settings.policyId, undoes: options.undoes});
	const tty = Boolean(io.stderr.isTTY) && all.length > 1;
	let done = 0;
	let inFlight = 0;
	const progress = {
		sent: () => void inFlight++,
		settled: () => {
			done++;
			inFlight = Math.max(0, inFlight - 1);
			if (tty && !ctx.signal.aborted) io.stderr.write(`\r\u001B[KWritten ${Math.min(done, all.length)}/${all.length}${done >= all.length ? '\n' : ''}`);
		},
	};
	const onStop = () =>
		io.stderr.write(
			`${tty ? '\r\u001B[K' : ''}Stopping: ${count(inFlight, 'write')} in flight; waiting up to ${DEFAULT_DRAIN_MS / 1000} s for the answers, then re-reading what is unknown. Ctrl-C again quits at once.\n`,
		);
	ctx.signal.addEventListener('abort', onStop, {once: true});
	let results: [ApplyResult, ApplyResult<SwitchRow>];
	try {
		const {writeSwitches} = await import('../switches/switches.js');
		// The rows through the licensing service, the switches through Graph: at once, into the one change set.
		results = await Promise.all([
			applyWrites(serviceTarget(ctx.client, ctx.settings.policyId), rowChanges, {journal: recorder, stop: ctx.signal, onSend: progress.sent, onOutcome: progress.settled}),
			writeSwitches(switches.client, switchChanges, {journal: recorder, stop: ctx.signal, onSend: progress.sent, onOutcome: progress.settled}),
		]);
	} finally {
		ctx.signal.removeEventListener('abort', onStop);
	}
	return reportMixedOutcomes(ctx, results, recorder.id, who);
}

/**
 * Who writes the change set, and where: the licensing sign-in's account and tenant (the rows'); for
 * a baseline of switches only with no licensing sign-in at all (a Graph token alone), Graph's.
 */
async function writerOf(ctx: Context, switches: Switches): Promise<Writer> {
	const who = await signedInAs(ctx);
	const graph = switches.auth.who;
	if (who.account !== 'unknown account' || !graph || graph.username === 'unknown account') return who;
	return {account: graph.username, tenant: graph.tenantId, ...(graph.tenantName ? {tenantName: graph.tenantName} : {})};
}

/** A result as the tables say it: a switch found at the value wanted was changed elsewhere, not by this run. */
export function resultText(outcome: AnyOutcome): string {
	if (outcome.kind === 'already' && outcome.change.row.scope === 'switch') return CHANGED_ELSEWHERE;
	return RESULT_TEXT[outcome.kind] ?? `failed: ${(outcome as Extract<AnyOutcome, {kind: 'failed'}>).problem.title}`;
}

/** What a mixed change set's report says of one outcome on stderr (skipped, failed, changed elsewhere). */
export function reportOutcomeNotes(ctx: Context, outcome: AnyOutcome, prefix = ''): void {
	const {row} = outcome.change;
	if (outcome.kind === 'already' && row.scope === 'switch') {
		// A switch has two values: a change by someone else since the plan can only be to the value wanted.
		ctx.note(`${prefix}${row.id}: someone else changed it to ${outcome.row.value} since you confirmed (it was ${outcome.change.from}); nothing sent.`);
	}
	if (outcome.kind === 'conflict' || outcome.kind === 'gone') ctx.note(`${prefix}${row.name} (${row.id}): ${outcomeReason<Writable>(outcome)}`);
	if (outcome.kind !== 'failed' && outcome.kind !== 'unknown') return;
	ctx.io.stderr.write(safeText(`${prefix}${row.name} (${row.id}): `));
	reportProblem(ctx.io.stderr, outcome.problem);
}

/**
 * The result table of rows and switches (stdout), each problem (stderr), a summary naming the
 * tenant, and the exit code of a write: interrupted 130 (SIGTERM 143); the audit log failing 1;
 * every failure a 403 and nothing written 4 (a sign-in problem 3); anything failed, skipped or
 * unknown 5; else 0.
 */
function reportMixedOutcomes(ctx: Context, [rows, switches]: [ApplyResult, ApplyResult<SwitchRow>], changeSetId: string, who: Writer): number {
	const outcomes: AnyOutcome[] = [...rows.outcomes, ...switches.outcomes];
	const columns: Column<AnyOutcome>[] = [
		{header: 'Scope', value: o => scopeWord(o.change.row.scope)},
		{header: 'Name', value: o => o.change.row.name, shrinkTo: 12},
		{header: 'ID', value: o => o.change.row.id},
		{header: 'From', value: o => (isPolicyValue(o.change.from) ? VALUE_LABEL[o.change.from] : o.change.from)},
		{header: 'Now', value: o => {
			const held: string | undefined = heldAfter<Writable>(o);
			return held === undefined ? '?' : isPolicyValue(held) ? VALUE_LABEL[held] : held;
		}},
		// Short: the Now column says what the service holds; the long reason is in JSON.
		{header: 'Result', value: resultText, shrinkTo: 24},
	];
	printList(ctx.io, ctx.settings.output, outcomes, columns, o => ({...outcomeJson<Writable>(o), tenant: who.tenant, changeSetId}));
	for (const outcome of outcomes) reportOutcomeNotes(ctx, outcome);
	const counts = countOutcomes<Writable>(outcomes);
	const changedRows = countOutcomes(rows.outcomes).changed;
	const changedSwitches = countOutcomes(switches.outcomes).changed;
	const skipped = counts.conflict + counts.gone;
	const troubles = troublesIn(counts);
	const interrupted = rows.interrupted || switches.interrupted;
	const journalError = rows.journalError ?? switches.journalError;
	if (troubles === 0) {
		const elsewhere = countOutcomes(switches.outcomes).already;
		const already = countOutcomes(rows.outcomes).already;
		const extra = [...(already ? [`${already} already there`] : []), ...(elsewhere ? [`${count(elsewhere, 'switch', 'switches')} changed elsewhere first`] : [])];
		ctx.note(
			counts.changed === 0
				? `Nothing changed in ${whereLine(who)}: someone else made the changes first.`
				: `Changed ${changeWords(changedRows, changedSwitches)} in ${whereLine(who)}${extra.length ? ` (${extra.join(', ')})` : ''}. Only trials and purchases from now on are affected.`,
		);
	} else {
		const parts = [`${counts.changed} changed`];
		if (counts.already) parts.push(`${counts.already} already there`);
		ctx.note(`${interrupted ? 'Interrupted' : 'Partly done'} in ${whereLine(who)}: ${[...parts, ...troubleParts(counts, `${skipped} skipped (changed by someone else since you confirmed, or gone)`)].join(', ')}.`);
	}
	return finishWrite<Writable>(ctx, {outcomes, unjournaled: [...rows.unjournaled, ...switches.unjournaled], interrupted, journalError}, changeSetId, {rowNotes: true});
}

// ---------------------------------------------------------------------------------------------
// undo of switches (a change set of `baseline apply` that changed rows and switches: commands/history.ts, commands/fleet.ts)

/** A switch a change set wrote (commerce/audit.ts): its name, on / off, and how it ended. */
export type WrittenSwitch = {id: string; name: string; from: SwitchValue; to: SwitchValue; status: string};

/**
 * What undoing these switches would write, against what Graph holds now: the one undo rule
 * (commerce/changes.ts, undoStep): only a switch still holding what the change set left is put
 * back; one changed since is left alone and said. A read that fails is the caller's failure:
 * nothing is written. `prompt`: whether a missing Graph sign-in may ask for a device code.
 */
export async function planSwitchUndo(ctx: Context, written: readonly WrittenSwitch[], options: {prompt?: boolean} = {}): Promise<{switches: Switches; changes: Change<SwitchRow>[]; leftAlone: number}> {
	const switches = await graphOf(ctx);
	const named = written.map(row => ({row, definition: switchNamed(row.id)}));
	const objects = [...new Set(named.flatMap(({definition}) => (definition ? [definition.object] : [])))];
	await graphSignIn(ctx, switches, {prompt: options.prompt, ...(objects.length === 1 ? {write: objects[0]} : {})});
	sameTenant(switches, await signedInAs(ctx));
	const now = new Map<SwitchName, SwitchValue>();
	for (const object of objects) {
		const {values} = await switches.client.read(object);
		for (const [name, value] of Object.entries(values) as [SwitchName, SwitchValue][]) now.set(name, value);
	}
	const changes: Change<SwitchRow>[] = [];
	let leftAlone = 0;
	for (const {row, definition} of named) {
		const value = definition ? now.get(definition.name) : undefined;
		if (!definition || !value) {
			ctx.note(`left alone: ${row.name} (${row.id}) is not a switch this version knows`);
			leftAlone++;
			continue;
		}
		const step = undoStep<SwitchRow>(row, {scope: 'switch', id: definition.name, name: definition.label, value});
		if (step.kind === 'unchanged') ctx.note(`already ${row.from}: ${row.id} (nothing to put back)`);
		else if (step.kind === 'changed-since' || step.kind === 'gone') {
			ctx.note(`left alone: ${row.name} (${row.id}) changed since (now ${value}; the change set set ${row.to})`);
			leftAlone++;
		} else changes.push({row: step.row, from: step.row.value, to: step.to});
	}
	return {switches, changes, leftAlone};
}
