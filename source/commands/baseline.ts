/**
 * mscommerce baseline export | plan | apply: keep a tenant the way its admin decided, including
 * for products Microsoft adds later. The file is checked whole (every problem with its path,
 * exit 2) before anything is written; plan exits 6 on drift; apply writes only the drift, through
 * the one engine (runPlan), so running it again finishes what a partial run left.
 */
import {readFile, writeFile} from 'node:fs/promises';
import {
	baselineFromRows,
	baselineToJson,
	baselineToYaml,
	compareBaseline,
	formatProblem,
	parseBaseline,
	resolveBaseline,
	SECTIONS,
	sortProblems,
	type Baseline,
	type BaselineComparison,
	type BaselineProblem,
	type SectionName,
} from '../commerce/baseline.js';
import {isNew, loadSeen} from '../commerce/seen.js';
import type {Row, Scope} from '../commerce/types.js';
import {UsageError} from '../problems/errors.js';
import {ExitCode} from '../problems/exitCodes.js';
import type {Context} from './context.js';
import {printList, type Column} from './output.js';
import {runPlan, seenKeyFor, signedInAs, startWatching} from './rows.js';
import {count} from '../words.js';

const NOUN: Record<Scope, string> = {product: 'product', offerType: 'offer type'};

async function listRows(ctx: Context, scopes: readonly Scope[]): Promise<Partial<Record<Scope, Row[]>>> {
	const lists = await Promise.all(scopes.map(async scope => [scope, await ctx.client.listRows(ctx.settings.policyId, scope)] as const));
	return Object.fromEntries(lists) as Partial<Record<Scope, Row[]>>;
}

/** `baseline export [--file F]`: today's state as a baseline, on stdout unless --file. */
export async function exportCommand(ctx: Context, options: {file?: string}): Promise<number> {
	const lists = await listRows(ctx, ['product', 'offerType']);
	const who = await signedInAs(ctx);
	const {baseline, names} = baselineFromRows(ctx.settings.policyId, lists);
	const text =
		ctx.settings.output === 'json'
			? `${JSON.stringify(baselineToJson(baseline), null, 2)}\n`
			: baselineToYaml(baseline, names, [
					`Self-service purchase baseline of tenant ${who.tenant} (${who.account}), exported ${new Date().toISOString()}.`,
					'default: the value of every row not listed under except, including products Microsoft adds later.',
					'Check: mscommerce baseline plan --file FILE    Make the tenant match: mscommerce baseline apply --file FILE',
				]);
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
	await startWatching(ctx, key, await loadSeen(ctx.settings.stateDir, key), [...(lists.product ?? []), ...(lists.offerType ?? [])], ['product', 'offerType']);
	return ExitCode.ok;
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

/** Reads, checks and compares a baseline with the tenant; an exit code (2) after printing its problems. */
async function load(ctx: Context, file: string | undefined): Promise<Loaded | number> {
	if (!file) throw new UsageError('--file FILE is required: the baseline to check against (make one with `mscommerce baseline export --file FILE`)');
	let text: string;
	try {
		text = file === '-' ? await readStdin(ctx.io.stdin) : await readFile(file, 'utf8');
	} catch (error) {
		throw new UsageError(`--file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
	}
	const label = file === '-' ? 'stdin' : file;
	const parsed = parseBaseline(text, {policyId: ctx.settings.policyId});
	// A file that is not a baseline at all is reported before any request; otherwise its good
	// parts are checked against the tenant too, so every problem is reported at once.
	if (!parsed.baseline) return printProblems(ctx, label, parsed.problems);
	const baseline = parsed.baseline;
	const scopes = (Object.keys(SECTIONS) as SectionName[]).filter(name => baseline[name]).map(name => SECTIONS[name]);
	const [lists, key] = await Promise.all([listRows(ctx, scopes), seenKeyFor(ctx)]);
	const resolved = resolveBaseline(baseline, lists, parsed.lineOf);
	const problems = sortProblems([...parsed.problems, ...resolved.problems]);
	if (problems.length > 0) return printProblems(ctx, label, problems);
	for (const note of resolved.notes) ctx.note(note);
	const seen = await loadSeen(ctx.settings.stateDir, key);
	const all = scopes.flatMap(scope => lists[scope] ?? []);
	await startWatching(ctx, key, seen, all, scopes);
	return {file: label, baseline, scopes, comparison: compareBaseline(resolved.wanted, all, row => isNew(seen, row))};
}

function printProblems(ctx: Context, file: string, problems: readonly BaselineProblem[]): number {
	if (ctx.settings.output === 'json') {
		ctx.io.stderr.write(`${JSON.stringify({error: {kind: 'usage', title: `${file}: the baseline has ${count(problems.length, 'problem')}`, problems: problems.map(p => ({file, ...p}))}})}\n`);
	} else {
		for (const problem of problems) ctx.io.stderr.write(`${formatProblem(file, problem)}\n`);
		ctx.io.stderr.write(`error: ${file} has ${count(problems.length, 'problem')}; nothing was changed.\n`);
	}
	return ExitCode.usage;
}

type DriftItem = BaselineComparison['drift'][number];

/** `baseline plan --file F`: the drift, exit 0 in sync, 6 when something differs. */
export async function planCommand(ctx: Context, options: {file?: string}): Promise<number> {
	const loaded = await load(ctx, options.file);
	if (typeof loaded === 'number') return loaded;
	const {comparison, file, scopes} = loaded;
	const {drift, newRows} = comparison;
	const inSync = drift.length === 0;
	if (ctx.settings.output === 'json') {
		ctx.io.stdout.write(
			`${JSON.stringify(
				{
					file,
					policyId: ctx.settings.policyId,
					inSync,
					drift: drift.map(d => ({scope: d.row.scope, id: d.row.id, name: d.row.name, current: d.row.value, wanted: d.to, rule: d.rule, new: d.isNew})),
					new: newRows.map(n => ({scope: n.row.scope, id: n.row.id, name: n.row.name, current: n.row.value, wanted: n.to ?? null, rule: n.rule ?? null})),
					counts: {drift: drift.length, inSync: comparison.inSync, new: newRows.length},
				},
				null,
				2,
			)}\n`,
		);
	} else {
		const columns: Column<DriftItem>[] = [
			...(scopes.length > 1 ? [{header: 'Scope', value: (d: DriftItem) => NOUN[d.row.scope]}] : []),
			{header: 'Name', value: d => d.row.name},
			{header: 'ID', value: d => d.row.id},
			{header: 'Current', value: d => d.row.value},
			{header: 'Wanted', value: d => d.to},
			{header: 'New', value: d => (d.isNew ? 'new' : ''), dropOrder: 1},
		];
		if (!inSync) printList(ctx.io, ctx.settings.output, drift, columns);
		for (const item of newRows.filter(n => !drift.some(d => d.row === n.row))) {
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


async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
	return Buffer.concat(chunks).toString('utf8');
}
