/**
 * mscommerce baseline export | plan | apply: keep a tenant the way its admin decided, including
 * for products Microsoft adds later. The file is checked whole (every problem with its path,
 * exit 2) before anything is written; plan exits 6 on drift; apply writes only the drift, through
 * the one engine (runPlan), so running it again finishes what a partial run left.
 *
 * A baseline is outside input: it is read no further than YAML_LIMITS.bytes (stdin can be
 * /dev/zero), and a file with thousands of problems shows the first MAX_PRINTED and a count, so
 * the summary is never lost in a wall of lines.
 */
import {writeFile} from 'node:fs/promises';
import {
	baselineFromRows,
	baselineToJson,
	baselineToYaml,
	compareBaseline,
	formatProblem,
	parseBaseline,
	readsBack,
	resolveBaseline,
	SECTIONS,
	sortProblems,
	type Baseline,
	type BaselineComparison,
	type BaselineProblem,
	type ParsedBaseline,
	type SectionName,
	type UnwritableId,
} from '../commerce/baseline.js';
import {readInputFile, type InputFile} from '../files/input.js';
import type {FleetMember} from '../fleet/tenantsFile.js';
import {isNew, loadSeen} from '../commerce/seen.js';
import {sortByRow} from '../commerce/sort.js';
import {valueWord} from './output.js';
import type {Row, Scope} from '../commerce/types.js';
import {UsageError} from '../problems/errors.js';
import {ExitCode} from '../problems/exitCodes.js';
import type {Context} from './context.js';
import {printList, type Column} from './output.js';
import {runPlan, seenKeyFor, signedInAs, startWatching} from './rows.js';
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

/** `baseline export [--file F]`: today's state as a baseline, on stdout unless --file. */
export async function exportCommand(ctx: Context, options: {file?: string}): Promise<number> {
	// A baseline is a document, not a table: CSV could not hold default and except. Refused before any request.
	if (ctx.settings.output === 'csv') {
		throw new UsageError('baseline export writes YAML or JSON, not CSV', ['Leave out --output for YAML, or use --json; for a table of every row: mscommerce products list -o csv']);
	}
	const lists = await listRows(ctx, ['product', 'offerType']);
	const who = await signedInAs(ctx);
	const {baseline, names, unwritable} = baselineFromRows(ctx.settings.policyId, lists);
	// Refused before anything is written: a file its own plan would reject is worse than none.
	if (unwritable.length > 0) throw unwritableError(unwritable);
	const text =
		ctx.settings.output === 'json'
			? `${safeJson(baselineToJson(baseline), 2)}\n`
			: baselineToYaml(baseline, names, [
					`Self-service purchase baseline of tenant ${who.tenant} (${who.account}), exported ${new Date().toISOString()}.`,
					'default: the value of every row not listed under except, including products Microsoft adds later.',
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
	return parts.join('; ');
}

type Loaded = {file: string; baseline: Baseline; comparison: BaselineComparison; scopes: Scope[]};

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

/** Reads, checks and compares a baseline with the tenant; an exit code (2) after printing its problems. */
async function load(ctx: Context, file: string | undefined): Promise<Loaded | number> {
	if (!file) throw new UsageError('--file FILE is required: the baseline to check against (make one with `mscommerce baseline export --file FILE`)');
	const {label, parsed} = await readBaselineFile(ctx, file);
	// A file that is not a baseline at all is reported before any request; otherwise its good
	// parts are checked against the tenant too, so every problem is reported at once.
	if (!parsed.baseline) return printProblems(ctx, label, parsed.problems);
	const compared = await compareWithTenant(ctx, parsed.baseline, parsed);
	if ('problems' in compared) return printProblems(ctx, label, compared.problems);
	return {file: label, baseline: parsed.baseline, scopes: compared.scopes, comparison: compared.comparison};
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

type DriftItem = BaselineComparison['drift'][number];

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

/** The drift, the new rows and the counts of a plan, as `--json` gives them (one tenant's, or each of a fleet's). */
export function comparisonJson(comparison: BaselineComparison): {drift: unknown[]; new: unknown[]; counts: {drift: number; inSync: number; new: number}} {
	const {drift, newRows} = comparison;
	return {
		drift: drift.map(d => ({scope: d.row.scope, id: d.row.id, name: d.row.name, current: d.row.value, wanted: d.to, rule: d.rule, new: d.isNew})),
		new: newRows.map(n => ({scope: n.row.scope, id: n.row.id, name: n.row.name, current: n.row.value, wanted: n.to ?? null, rule: n.rule ?? null})),
		counts: {drift: drift.length, inSync: comparison.inSync, new: newRows.length},
	};
}

/** `baseline plan --file F`: the drift, exit 0 in sync, 6 when something differs. */
export async function planCommand(ctx: Context, options: {file?: string}): Promise<number> {
	const loaded = await load(ctx, options.file);
	if (typeof loaded === 'number') return loaded;
	const {comparison, file, scopes} = loaded;
	const {drift, newRows} = comparison;
	const inSync = drift.length === 0;
	if (ctx.settings.output === 'json') {
		ctx.io.stdout.write(
			`${safeJson(
				{
					file,
					policyId: ctx.settings.policyId,
					inSync,
					...comparisonJson(comparison),
				},
				2,
			)}\n`,
		);
	} else {
		const columns = driftColumns(ctx, scopes);
		if (!inSync) printList(ctx.io, ctx.settings.output, sortByRow(drift, d => d.row), columns);
		// A set, not drift.some per new row: both can be the whole tenant.
		const drifting = new Set(drift.map(d => d.row));
		for (const item of newRows.filter(n => !drifting.has(n.row))) {
			ctx.note(`new (never seen before): ${item.row.name} (${item.row.id}) is ${item.row.value}${item.to ? ', as the baseline wants' : ', not governed by the baseline'}`);
		}
	}
	const newDrift = drift.filter(d => d.isNew).length;
	if (inSync) {
		ctx.note(`In sync: ${count(comparison.inSync, 'row')} match ${file}.`);
		return ExitCode.ok;
	}
	ctx.note(
		`Drift: ${count(drift.length, 'row')} differ${drift.length === 1 ? 's' : ''} from ${file}${newDrift > 0 ? ` (${newDrift} never seen before)` : ''}; ${comparison.inSync} in sync. ` +
			`Fix it with \`mscommerce baseline apply --file ${file}\`.`,
	);
	return ExitCode.drift;
}

/** `baseline apply --file F [--yes] [--dry-run]`: writes only the drift, with the same rules as set. */
export async function applyCommand(ctx: Context, options: {file?: string; yes?: boolean; dryRun?: boolean}): Promise<number> {
	const loaded = await load(ctx, options.file);
	if (typeof loaded === 'number') return loaded;
	const {comparison, scopes} = loaded;
	if (comparison.plan.changes.length === 0) {
		ctx.note(`In sync: ${count(comparison.inSync, 'row')} already match ${loaded.file}. Nothing to change.`);
		return ExitCode.ok;
	}
	return runPlan(ctx, scopes.length === 1 ? scopes[0] : undefined, comparison.plan, {yes: options.yes, dryRun: options.dryRun, source: 'baseline apply'});
}
