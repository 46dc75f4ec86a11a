/**
 * mscommerce products list|get|set and offer-types list|get|set: one implementation for both
 * scopes, with text / json / csv output. JSON is the service's own camelCase objects.
 */
import {randomUUID} from 'node:crypto';
import {applyChangeSet, shortId} from '../commerce/audit.js';
import {planChanges, type ChangeResult, type Plan} from '../commerce/changes.js';
import {offerTypeRow, productRow} from '../commerce/client.js';
import {loadSeen, markSeen, newRows, seenKey, watching, type Seen} from '../commerce/seen.js';
import {rowsForIds, rowsMatching} from '../commerce/select.js';
import type {OfferTypePolicy, PolicyValue, ProductPolicy, Row, Scope} from '../commerce/types.js';
import {parseValue, VALUE_LABEL} from '../commerce/values.js';
import {UsageError} from '../problems/errors.js';
import {ExitCode, exitCodeFor} from '../problems/exitCodes.js';
import {askYes} from './account.js';
import type {Context} from './context.js';
import {printList, printOne, type Column} from './output.js';
import {reportProblem} from './report.js';
import {count} from '../words.js';

type Item = ProductPolicy | OfferTypePolicy;
type Listed = {row: Row; item: Item};

const NOUN: Record<Scope, string> = {product: 'product', offerType: 'offer type'};

const trialColumn: Column<Listed> = {
	header: 'Trial w/o payment',
	value: ({row}) => (row.trialWithoutPaymentMethod === undefined ? '?' : row.trialWithoutPaymentMethod ? 'yes' : 'no'),
	dropOrder: 1,
};

export function columnsFor(scope: Scope): Column<Listed>[] {
	return [
		{header: scope === 'product' ? 'Product' : 'Offer type', value: ({row}) => row.name},
		{header: 'ID', value: ({row}) => row.id},
		{header: 'Value', value: ({row}) => row.value},
		...(scope === 'product' ? [trialColumn] : []),
	];
}

async function listAll(ctx: Context, scope: Scope): Promise<Listed[]> {
	const {client, settings} = ctx;
	if (scope === 'product') {
		const {data} = await client.listProducts(settings.policyId);
		return data.map(item => ({row: productRow(item), item}));
	}
	const {data} = await client.listOfferTypes(settings.policyId);
	return data.map(item => ({row: offerTypeRow(item), item}));
}

/** Who is writing, for the audit log: the signed-in account and its tenant (cached, so cheap). */
export async function signedInAs(ctx: Context): Promise<{account: string; tenant: string}> {
	try {
		const who = await ctx.auth.signInSilently();
		if (who) return {account: who.username, tenant: who.tenantId};
	} catch {
		// the write itself will say what is wrong with the sign-in
	}
	return {account: 'unknown account', tenant: ctx.settings.tenant};
}

/** The key the seen rows of the signed-in tenant are kept under. */
export async function seenKeyFor(ctx: Context): Promise<string> {
	return seenKey((await signedInAs(ctx)).tenant, ctx.settings.licensingUrl);
}

/** Remembers rows as seen; a state directory that cannot be written only costs a warning. */
export async function rememberSeen(ctx: Context, key: string, rows: readonly Row[], scopes: readonly Scope[]): Promise<void> {
	try {
		await markSeen(ctx.settings.stateDir, key, rows, scopes);
	} catch (error) {
		ctx.note(`warning: could not remember the rows seen in ${ctx.settings.stateDir}: ${error instanceof Error ? error.message : String(error)}`);
	}
}

/**
 * Starts watching the scopes of a tenant never looked at before: today's rows are recorded, none
 * is new (or every product would be "new" on the first day). Rows of watched scopes are untouched.
 */
export async function startWatching(ctx: Context, key: string, seen: Seen, rows: readonly Row[], scopes: readonly Scope[]): Promise<void> {
	const fresh = scopes.filter(scope => !watching(seen, scope));
	if (fresh.length > 0) await rememberSeen(ctx, key, rows.filter(row => fresh.includes(row.scope)), fresh);
}

/**
 * `products list` / `offer-types list` (and `products list --scope offertype`). A full listing in
 * text marks every row seen (a person has been shown it); JSON and CSV are for programs and mark
 * nothing, so a script's inventory never hides a new product. `--new` shows only rows never seen
 * before and leaves them new, so the same report can run again (or from cron) until someone looks.
 */
export async function listCommand(ctx: Context, scope: Scope, filter?: (row: Row) => boolean, options: {onlyNew?: boolean} = {}): Promise<number> {
	const all = await listAll(ctx, scope);
	const key = await seenKeyFor(ctx);
	const seen = await loadSeen(ctx.settings.stateDir, key);
	const plural = scope === 'product' ? 'products' : 'offer types';
	if (options.onlyNew) {
		if (!watching(seen, scope)) {
			await startWatching(ctx, key, seen, all.map(l => l.row), [scope]);
			ctx.note(`First look at this tenant's ${plural}: remembered ${all.length}; ${plural} added from now on will be listed here.`);
			printList(ctx.io, ctx.settings.output, [], columnsFor(scope), l => l.item);
			return ExitCode.ok;
		}
		const fresh = new Set(newRows(seen, all.map(l => l.row)));
		const listed = all.filter(l => fresh.has(l.row) && (!filter || filter(l.row)));
		printList(ctx.io, ctx.settings.output, listed, columnsFor(scope), l => l.item);
		ctx.note(
			listed.length === 0
				? `No new ${plural} since the last full listing.`
				: `${listed.length} new ${listed.length === 1 ? NOUN[scope] : plural}: they stay new until \`mscommerce ${scope === 'product' ? 'products' : 'offer-types'} list\` or the dashboard shows them.`,
		);
		return ExitCode.ok;
	}
	const listed = all.filter(l => !filter || filter(l.row));
	printList(ctx.io, ctx.settings.output, listed, columnsFor(scope), l => l.item);
	if (ctx.settings.output === 'text') await rememberSeen(ctx, key, listed.map(l => l.row), filter ? [] : [scope]);
	else await startWatching(ctx, key, seen, all.map(l => l.row), [scope]);
	return ExitCode.ok;
}

/** `products get ID` / `offer-types get ID`: a former product ID is accepted, with a note. */
export async function getCommand(ctx: Context, scope: Scope, id: string): Promise<number> {
	const {client, settings} = ctx;
	let listed: Listed;
	if (scope === 'product') {
		const {data} = await client.getProduct(settings.policyId, id);
		listed = {row: productRow(data), item: data};
		if (data.productId.toUpperCase() !== id.toUpperCase()) ctx.note(`note: ${id} is the former ID of ${data.productName}; its current ID is ${data.productId}`);
	} else {
		const {data} = await client.getOfferType(settings.policyId, id);
		listed = {row: offerTypeRow(data), item: data};
	}
	printOne(ctx.io, ctx.settings.output, listed, columnsFor(scope).map(c => ({...c, dropOrder: undefined})), l => l.item);
	return ExitCode.ok;
}

export type SetOptions = {yes?: boolean; dryRun?: boolean; match?: string};

/** `products set ID... VALUE` / `offer-types set ID... VALUE`, or `products set --match TEXT VALUE`. */
export async function setCommand(ctx: Context, scope: Scope, args: string[], options: SetOptions): Promise<number> {
	const valueText = args.at(-1);
	const ids = args.slice(0, -1);
	const value = valueText === undefined ? undefined : parseValue(valueText);
	if (valueText === undefined) throw new UsageError('set needs a value: Enabled, Disabled or OnlyTrialsWithoutPaymentMethod');
	if (!value) {
		throw new UsageError(`"${valueText}" is not a value: use Enabled, Disabled${scope === 'product' ? ' or OnlyTrialsWithoutPaymentMethod' : ''}`);
	}
	if (options.match !== undefined && scope !== 'product') throw new UsageError('--match selects products by name; offer types are set by ID');
	if (options.match !== undefined && ids.length > 0) throw new UsageError('give product IDs or --match, not both');
	if (options.match === undefined && ids.length === 0) throw new UsageError(`name at least one ${NOUN[scope]} ID before the value${scope === 'product' ? ', or use --match TEXT' : ''}`);

	const rows = (await listAll(ctx, scope)).map(l => l.row);
	let selected: Row[];
	if (options.match !== undefined) {
		selected = rowsMatching(rows, options.match);
		ctx.note(`--match "${options.match}" selects ${count(selected.length, 'product')}: ${selected.map(r => `${r.name} (${r.id})`).join(', ')}`);
	} else {
		const selection = rowsForIds(rows, ids, scope === 'product' ? 'product' : 'offer type');
		for (const note of selection.notes) ctx.note(note);
		selected = selection.rows;
	}
	const plan = planChanges(selected, value);
	if (plan.refused.length > 0) {
		throw new UsageError(plan.refused.map(r => r.reason).join('; '), ['Nothing was changed.']);
	}
	return runPlan(ctx, scope, plan, {...options, source: `${scope === 'product' ? 'products' : 'offer-types'} set`});
}

export type RunPlanOptions = {
	yes?: boolean;
	dryRun?: boolean;
	/** What the audit log names as the source of the change set: `products set`, `baseline apply`, `undo`. */
	source: string;
	/** The change set an undo reverses. */
	undoes?: string;
};

/** Rows already holding their value are named one by one up to this many, then counted. */
const UNCHANGED_LISTED = 10;

/**
 * Shows a plan, confirms it (TTY) or requires --yes, writes it through the one engine, records
 * every write in the audit log as one change set, and reports per row. `scope` undefined: the
 * plan holds both scopes (baseline apply, undo).
 */
export async function runPlan(ctx: Context, scope: Scope | undefined, plan: Plan, options: RunPlanOptions): Promise<number> {
	const {io} = ctx;
	if (plan.unchanged.length <= UNCHANGED_LISTED) {
		for (const row of plan.unchanged) ctx.note(`already ${row.value}: ${row.name} (${row.id})`);
	} else {
		ctx.note(`${plan.unchanged.length} rows already hold their value: not sent.`);
	}
	if (plan.changes.length === 0) {
		ctx.note('Nothing to change.');
		return ExitCode.ok;
	}
	const planColumns: Column<{row: Row; to: PolicyValue}>[] = [
		...(scope === undefined ? [{header: 'Scope', value: (c: {row: Row}) => NOUN[c.row.scope]}] : []),
		{header: rowHeader(scope), value: c => c.row.name},
		{header: 'ID', value: c => c.row.id},
		{header: 'From', value: c => c.row.value},
		{header: 'To', value: c => c.to},
	];
	if (options.dryRun) {
		printList(io, ctx.settings.output, plan.changes, planColumns, c => ({id: c.row.id, name: c.row.name, scope: c.row.scope, from: c.row.value, to: c.to}));
		ctx.note(`Dry run: ${count(plan.changes.length, 'change')} planned, nothing written.`);
		return ExitCode.ok;
	}
	if (!options.yes) {
		if (!(io.stdin.isTTY && io.stderr.isTTY)) {
			throw new UsageError(`refusing to change ${count(plan.changes.length, 'row')} without confirmation: pass --yes (or --dry-run to see the plan)`);
		}
		const {toTable} = await import('./output.js');
		io.stderr.write(toTable(plan.changes, planColumns, (io.stderr as {columns?: number}).columns));
		io.stderr.write('Only trials and purchases from now on are affected; existing ones are not.\n');
		const ok = await askYes(io.stdin, io.stderr, `Change ${count(plan.changes.length, 'row')}? [y/N] `, false);
		if (!ok) {
			ctx.note('Nothing changed.');
			return ExitCode.ok;
		}
	}
	const who = await signedInAs(ctx);
	const id = randomUUID();
	const meta = {id, stateDir: ctx.settings.stateDir, source: options.source, ...who, policyId: ctx.settings.policyId, undoes: options.undoes};
	const progress = progressReporter(ctx, plan.changes.length);
	const {results, logError} = await applyChangeSet(ctx.client, plan.changes, meta, {signal: ctx.signal, onResult: progress});
	const code = reportResults(ctx, scope, results, id);
	if (logError) ctx.note(`warning: the audit log could not be written (${logError.message}); the writes above were made.`);
	else ctx.note(`Change set ${shortId(id)} (see \`mscommerce history\`; \`mscommerce undo ${shortId(id)}\` reverses it).`);
	return code;
}

function rowHeader(scope: Scope | undefined): string {
	return scope === undefined ? 'Name' : scope === 'product' ? 'Product' : 'Offer type';
}

function progressReporter(ctx: Context, total: number): (result: ChangeResult) => void {
	let done = 0;
	const tty = Boolean(ctx.io.stderr.isTTY) && total > 1;
	return () => {
		done++;
		if (!tty) return;
		const width = 30;
		const filled = Math.round((done / total) * width);
		ctx.io.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
	};
}

function reportResults(ctx: Context, scope: Scope | undefined, results: ChangeResult[], changeSetId: string): number {
	const succeeded = results.filter((r): r is Extract<ChangeResult, {ok: true}> => r.ok);
	const failed = results.filter((r): r is Extract<ChangeResult, {ok: false}> => !r.ok);
	const columns: Column<ChangeResult>[] = [
		...(scope === undefined ? [{header: 'Scope', value: (r: ChangeResult) => NOUN[r.change.row.scope]}] : []),
		{header: rowHeader(scope), value: r => r.change.row.name},
		{header: 'ID', value: r => r.change.row.id},
		{header: 'From', value: r => VALUE_LABEL[r.change.row.value]},
		{header: 'Now', value: r => (r.ok ? r.row.value : r.change.row.value)},
		{header: 'Result', value: r => (r.ok ? 'changed' : `failed: ${r.problem.title}`)},
	];
	printList(ctx.io, ctx.settings.output, results, columns, r =>
		r.ok
			? {id: r.row.id, name: r.row.name, scope: r.row.scope, from: r.change.row.value, to: r.row.value, result: 'changed', correlationId: r.correlationId, changeSetId}
			: {id: r.change.row.id, name: r.change.row.name, scope: r.change.row.scope, from: r.change.row.value, to: r.change.to, result: 'failed', error: r.problem, changeSetId},
	);
	for (const failure of failed) {
		ctx.io.stderr.write(`${failure.change.row.name} (${failure.change.row.id}): `);
		reportProblem(ctx.io.stderr, failure.problem);
	}
	if (failed.length === 0) {
		ctx.note(`Changed ${count(succeeded.length, 'row')}. Only trials and purchases from now on are affected.`);
		return ExitCode.ok;
	}
	if (succeeded.length > 0) {
		ctx.note(`Partly done: ${succeeded.length} changed, ${failed.length} failed. Run the same command again to finish: rows already changed are skipped.`);
		return ExitCode.partial;
	}
	return exitCodeFor(failed[0]!.problem);
}
