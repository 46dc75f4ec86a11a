/**
 * mscommerce products list|get|set and offer-types list|get|set: one implementation for both
 * scopes, with text / json / csv output. JSON is the service's own camelCase objects.
 */
import {applyChanges, planChanges, type ChangeResult, type Plan} from '../commerce/changes.js';
import {offerTypeRow, productRow} from '../commerce/client.js';
import {rowsForIds, rowsMatching} from '../commerce/select.js';
import type {OfferTypePolicy, PolicyValue, ProductPolicy, Row, Scope} from '../commerce/types.js';
import {parseValue, VALUE_LABEL} from '../commerce/values.js';
import {UsageError} from '../problems/errors.js';
import {ExitCode, exitCodeFor} from '../problems/exitCodes.js';
import {askYes} from './account.js';
import type {Context} from './context.js';
import {printList, printOne, type Column} from './output.js';
import {reportProblem} from './report.js';

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

/** `products list` / `offer-types list` (and `products list --scope offertype`). */
export async function listCommand(ctx: Context, scope: Scope, filter?: (row: Row) => boolean): Promise<number> {
	const listed = (await listAll(ctx, scope)).filter(l => !filter || filter(l.row));
	printList(ctx.io, ctx.settings.output, listed, columnsFor(scope), l => l.item);
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
		ctx.note(`--match "${options.match}" selects ${selected.length} product${selected.length === 1 ? '' : 's'}: ${selected.map(r => `${r.name} (${r.id})`).join(', ')}`);
	} else {
		const selection = rowsForIds(rows, ids, scope === 'product' ? 'product' : 'offer type');
		for (const note of selection.notes) ctx.note(note);
		selected = selection.rows;
	}
	const plan = planChanges(selected, value);
	if (plan.refused.length > 0) {
		throw new UsageError(plan.refused.map(r => r.reason).join('; '), ['Nothing was changed.']);
	}
	return runPlan(ctx, scope, plan, options);
}

/** Shows a plan, confirms it (TTY) or requires --yes, writes it, and reports per row. */
export async function runPlan(ctx: Context, scope: Scope, plan: Plan, options: {yes?: boolean; dryRun?: boolean}): Promise<number> {
	const {io} = ctx;
	for (const row of plan.unchanged) ctx.note(`already ${row.value}: ${row.name} (${row.id})`);
	if (plan.changes.length === 0) {
		ctx.note('Nothing to change.');
		return ExitCode.ok;
	}
	const planColumns: Column<{row: Row; to: PolicyValue}>[] = [
		{header: NOUN[scope] === 'product' ? 'Product' : 'Offer type', value: c => c.row.name},
		{header: 'ID', value: c => c.row.id},
		{header: 'From', value: c => c.row.value},
		{header: 'To', value: c => c.to},
	];
	if (options.dryRun) {
		printList(io, ctx.settings.output, plan.changes, planColumns, c => ({id: c.row.id, name: c.row.name, scope: c.row.scope, from: c.row.value, to: c.to}));
		ctx.note(`Dry run: ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} planned, nothing written.`);
		return ExitCode.ok;
	}
	if (!options.yes) {
		if (!(io.stdin.isTTY && io.stderr.isTTY)) {
			throw new UsageError(`refusing to change ${plan.changes.length} row${plan.changes.length === 1 ? '' : 's'} without confirmation: pass --yes (or --dry-run to see the plan)`);
		}
		const {toTable} = await import('./output.js');
		io.stderr.write(toTable(plan.changes, planColumns, (io.stderr as {columns?: number}).columns));
		io.stderr.write('Only trials and purchases from now on are affected; existing ones are not.\n');
		const ok = await askYes(io.stdin, io.stderr, `Change ${plan.changes.length} row${plan.changes.length === 1 ? '' : 's'}? [y/N] `, false);
		if (!ok) {
			ctx.note('Nothing changed.');
			return ExitCode.ok;
		}
	}
	const progress = progressReporter(ctx, plan.changes.length);
	const results = await applyChanges(ctx.client, ctx.settings.policyId, plan.changes, {signal: ctx.signal, onResult: progress});
	return reportResults(ctx, scope, results);
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

function reportResults(ctx: Context, scope: Scope, results: ChangeResult[]): number {
	const succeeded = results.filter((r): r is Extract<ChangeResult, {ok: true}> => r.ok);
	const failed = results.filter((r): r is Extract<ChangeResult, {ok: false}> => !r.ok);
	const columns: Column<ChangeResult>[] = [
		{header: scope === 'product' ? 'Product' : 'Offer type', value: r => r.change.row.name},
		{header: 'ID', value: r => r.change.row.id},
		{header: 'From', value: r => VALUE_LABEL[r.change.row.value]},
		{header: 'Now', value: r => (r.ok ? r.row.value : r.change.row.value)},
		{header: 'Result', value: r => (r.ok ? 'changed' : `failed: ${r.problem.title}`)},
	];
	printList(ctx.io, ctx.settings.output, results, columns, r =>
		r.ok
			? {id: r.row.id, name: r.row.name, from: r.change.row.value, to: r.row.value, result: 'changed', correlationId: r.correlationId}
			: {id: r.change.row.id, name: r.change.row.name, from: r.change.row.value, to: r.change.to, result: 'failed', error: r.problem},
	);
	for (const failure of failed) {
		ctx.io.stderr.write(`${failure.change.row.name} (${failure.change.row.id}): `);
		reportProblem(ctx.io.stderr, failure.problem);
	}
	if (failed.length === 0) {
		ctx.note(`Changed ${succeeded.length} row${succeeded.length === 1 ? '' : 's'}. Only trials and purchases from now on are affected.`);
		return ExitCode.ok;
	}
	if (succeeded.length > 0) {
		ctx.note(`Partly done: ${succeeded.length} changed, ${failed.length} failed. Run the same command again to finish: rows already changed are skipped.`);
		return ExitCode.partial;
	}
	return exitCodeFor(failed[0]!.problem);
}
