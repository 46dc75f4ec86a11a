/**
 * mscommerce products list|get|set and offer-types list|get|set: one implementation for both
 * scopes, with text / json / csv output. JSON is the service's own camelCase objects. Rows are
 * listed in the dashboard's order (commerce/sort.ts), so a table and the dashboard read alike.
 */
import {checkAuditLog, shortId, startChangeSet, type ChangeSetMeta} from '../commerce/audit.js';
import {applyWrites, countOutcomes, DEFAULT_DRAIN_MS, heldAfter, outcomeReason, planChanges, type ApplyResult, type Outcome, type Plan, type Writable} from '../commerce/changes.js';
import {offerTypeRow, productRow, serviceTarget} from '../commerce/client.js';
import {loadSeen, markSeen, newRows, seenKey, watching, type Seen} from '../commerce/seen.js';
import {otherScopeId, rowsForIds, rowsMatching, wrongScopeError} from '../commerce/select.js';
import {sortByRow, sortRows} from '../commerce/sort.js';
import type {OfferTypePolicy, PolicyValue, ProductPolicy, Row, Scope} from '../commerce/types.js';
import {parseValue, VALUE_LABEL} from '../commerce/values.js';
import {HttpError, UsageError} from '../problems/errors.js';
import {classify} from '../problems/classify.js';
import {ExitCode, exitCodeFor, interruptedCode} from '../problems/exitCodes.js';
import {askYes} from './account.js';
import type {Context} from './context.js';
import {printList, printOne, toTable, valueWord, type Column} from './output.js';
import {reportProblem} from './report.js';
import {count, describeTenant} from '../words.js';
import {safeJson, safeText} from '../text/safe.js';

type Item = ProductPolicy | OfferTypePolicy;
export type Listed = {row: Row; item: Item};

const NOUN: Record<Scope, string> = {product: 'product', offerType: 'offer type'};
const COMMAND: Record<Scope, string> = {product: 'products', offerType: 'offer-types'};

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

/** Every row of a scope, sorted as the dashboard shows them. */
export async function listAll(ctx: Context, scope: Scope): Promise<Listed[]> {
	const {client, settings} = ctx;
	if (scope === 'product') {
		const {data} = await client.listProducts(settings.policyId);
		return sortByRow(data.map(item => ({row: productRow(item), item})), l => l.row);
	}
	const {data} = await client.listOfferTypes(settings.policyId);
	return sortByRow(data.map(item => ({row: offerTypeRow(item), item})), l => l.row);
}

/**
 * Keeps the IDs just listed for shell completion (`mscommerce products set CF<Tab>`). Completion
 * is a convenience: whatever goes wrong here never fails the listing (the module is loaded only
 * now, so a list never waits on it before its output).
 */
async function rememberIds(ctx: Context, scope: Scope, rows: readonly Row[]): Promise<void> {
	try {
		const {rememberForCompletion} = await import('./completion.js');
		await rememberForCompletion(ctx.settings.stateDir, scope, rows.map(row => row.id), ctx.settings.tenant);
	} catch {
		// completion then offers what it knew before (or commands and options only)
	}
}

/** Who is writing, and where: the signed-in account and its tenant (cached, so cheap). */
export type Writer = {account: string; tenant: string; tenantName?: string};

export async function signedInAs(ctx: Context): Promise<Writer> {
	try {
		const who = await ctx.auth.signInSilently();
		if (who) return {account: who.username, tenant: who.tenantId, ...(who.tenantName ? {tenantName: who.tenantName} : {})};
	} catch {
		// the write itself will say what is wrong with the sign-in
	}
	return {account: 'unknown account', tenant: ctx.settings.tenant};
}

/** "tenant contoso.onmicrosoft.com (0c9e…) as admin@contoso.onmicrosoft.com": what every plan and result names. */
export function whereLine(who: Writer): string {
	return `tenant ${describeTenant({tenantId: who.tenant, tenantName: who.tenantName})} as ${who.account}`;
}

/** The key the seen rows of the signed-in tenant are kept under. */
export async function seenKeyFor(ctx: Context): Promise<string> {
	return seenKey((await signedInAs(ctx)).tenant, ctx.settings.licensingUrl);
}

/** Remembers rows as seen; a state directory that cannot be written only costs a warning. */
export async function rememberSeen(ctx: Context, key: string, rows: readonly Row[], scopes: readonly Scope[]): Promise<void> {
	try {
		await markSeen(ctx.settings.stateDir, key, rows, scopes, ctx.note);
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
	const seen = await loadSeen(ctx.settings.stateDir, key, ctx.note);
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
	await rememberIds(ctx, scope, all.map(l => l.row));
	return ExitCode.ok;
}

/**
 * `products get ID` / `offer-types get ID`: a former product ID is accepted, with a note. An ID
 * the service does not know that belongs to the other command (an offer type given to `products
 * get`) names that command: the service is asked first, since its list is the truth. Any other
 * 404 is an unknown ID: exit 2 like `set` (problems/exitCodes.ts maps not-found to usage).
 */
export async function getCommand(ctx: Context, scope: Scope, id: string): Promise<number> {
	const {client, settings} = ctx;
	let listed: Listed;
	try {
		if (scope === 'product') {
			const {data} = await client.getProduct(settings.policyId, id);
			listed = {row: productRow(data), item: data};
			if (data.productId.toUpperCase() !== id.toUpperCase()) ctx.note(`note: ${id} is the former ID of ${data.productName}; its current ID is ${data.productId}`);
		} else {
			const {data} = await client.getOfferType(settings.policyId, id);
			listed = {row: offerTypeRow(data), item: data};
		}
	} catch (error) {
		if (error instanceof HttpError && error.status === 404 && otherScopeId(id, scope) !== undefined) throw wrongScopeError([id], scope, 'get');
		throw error;
	}
	printOne(ctx.io, ctx.settings.output, listed, columnsFor(scope).map(c => ({...c, dropOrder: undefined})), l => l.item);
	return ExitCode.ok;
}

export type SetOptions = {yes?: boolean; dryRun?: boolean; match?: string};

/** The values a scope's rows take, as a user types them. */
function valuesText(scope: Scope): string {
	return scope === 'product' ? 'Enabled, Disabled or OnlyTrialsWithoutPaymentMethod' : 'Enabled or Disabled';
}

/** `products set ID... VALUE` / `offer-types set ID... VALUE`, or `products set --match TEXT VALUE`. */
export async function setCommand(ctx: Context, scope: Scope, args: string[], options: SetOptions): Promise<number> {
	const example = `mscommerce ${COMMAND[scope]} set ${scope === 'product' ? 'CFQ7TTC0HD33' : 'SaaS'} Disabled`;
	if (args.length === 0) {
		throw new UsageError(
			options.match === undefined ? `name at least one ${NOUN[scope]} ID and a value (${valuesText(scope)})` : `--match needs a value after it: ${valuesText(scope)}`,
			[`For example: ${options.match === undefined ? example : `mscommerce products set --match "${options.match}" Disabled`}`],
		);
	}
	const valueText = args.at(-1)!;
	const ids = args.slice(0, -1);
	const value = parseValue(valueText);
	if (!value) {
		// One word and no value: the value was left out (`set CFQ7TTC0HD33 --dry-run`), not misspelt.
		const missing = ids.length === 0 && options.match === undefined;
		throw new UsageError(
			missing ? `the value is missing: name it after the ${NOUN[scope]} IDs (${valuesText(scope)})` : `"${valueText}" is not a value: use ${valuesText(scope)}`,
			missing ? [`For example: mscommerce ${COMMAND[scope]} set ${valueText} Disabled`] : [],
		);
	}
	if (options.match !== undefined && scope !== 'product') throw new UsageError('--match selects products by name; offer types are set by ID');
	if (options.match !== undefined && ids.length > 0) throw new UsageError('give product IDs or --match, not both');
	if (options.match === undefined && ids.length === 0) {
		throw new UsageError(`name at least one ${NOUN[scope]} ID before the value${scope === 'product' ? ', or use --match TEXT' : ''}`, [`For example: ${example}`]);
	}

	const rows = (await listAll(ctx, scope)).map(l => l.row);
	let selected: Row[];
	if (options.match !== undefined) {
		selected = rowsMatching(rows, options.match);
		ctx.note(`--match "${options.match}" selects ${count(selected.length, 'product')}: ${selected.map(r => `${r.name} (${r.id})`).join(', ')}`);
	} else {
		const selection = rowsForIds(rows, ids, scope, valueText);
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

type PlanRow = {row: Row; from: PolicyValue; to: PolicyValue};

/**
 * Shows a plan (naming the tenant and account), confirms it (TTY) or requires --yes, and writes it
 * through the one engine (compare before write, verify after, intent and outcome in the audit
 * log) as one change set; then reports per row. `scope` undefined: the plan holds both scopes
 * (baseline apply, undo). Ctrl-C stops sending, waits for the writes in flight, re-reads what is
 * unknown and exits 130 (SIGTERM 143).
 */
export async function runPlan(ctx: Context, scope: Scope | undefined, given: Plan, options: RunPlanOptions): Promise<number> {
	const {io} = ctx;
	// Shown, written and reported in the dashboard's order.
	const plan: Plan = {...given, changes: sortByRow(given.changes, c => c.row), unchanged: sortRows(given.unchanged)};
	if (plan.unchanged.length <= UNCHANGED_LISTED) {
		for (const row of plan.unchanged) ctx.note(`already ${row.value}: ${row.name} (${row.id})`);
	} else {
		ctx.note(`${plan.unchanged.length} rows already hold their value: not sent.`);
	}
	if (plan.changes.length === 0) {
		ctx.note('Nothing to change.');
		return ExitCode.ok;
	}
	const who = await signedInAs(ctx);
	const planColumns: Column<PlanRow>[] = [
		...(scope === undefined ? [{header: 'Scope', value: (c: PlanRow) => NOUN[c.row.scope]}] : []),
		{header: rowHeader(scope), value: c => c.row.name, shrinkTo: 12},
		{header: 'ID', value: c => c.row.id},
		// The short words in text (as in the result table): full names would push the table past 80 columns.
		{header: 'From', value: c => valueWord(ctx, c.from)},
		{header: 'To', value: c => valueWord(ctx, c.to)},
	];
	ctx.note(`Plan for ${whereLine(who)}, policy ${ctx.settings.policyId}:`);
	if (!options.dryRun) await checkAuditLog(ctx.settings.stateDir);
	if (options.dryRun) {
		printList(io, ctx.settings.output, plan.changes, planColumns, c => ({id: c.row.id, name: c.row.name, scope: c.row.scope, from: c.from, to: c.to}));
		ctx.note(`Dry run: ${count(plan.changes.length, 'change')} planned in ${whereLine(who)}, nothing written.`);
		return ExitCode.ok;
	}
	if (!options.yes) {
		if (!(io.stdin.isTTY && io.stderr.isTTY)) {
			throw new UsageError(`refusing to change ${count(plan.changes.length, 'row')} without confirmation: pass --yes (or --dry-run to see the plan)`);
		}
		io.stderr.write(toTable(plan.changes, planColumns, (io.stderr as {columns?: number}).columns));
		io.stderr.write('Only trials and purchases from now on are affected; existing ones are not.\n');
		const ok = await askYes(io.stdin, io.stderr, `Change ${count(plan.changes.length, 'row')} in ${whereLine(who)}? [y/N] `, false, ctx.signal);
		if (!ok) {
			ctx.note('Nothing changed.');
			return ExitCode.ok;
		}
	}
	const meta: ChangeSetMeta = {stateDir: ctx.settings.stateDir, source: options.source, ...who, policyId: ctx.settings.policyId, undoes: options.undoes};
	const recorder = startChangeSet(meta);
	const progress = progressReporter(ctx, plan.changes.length);
	const result = await applyWrites(serviceTarget(ctx.client, ctx.settings.policyId), plan.changes, {
		journal: recorder,
		stop: ctx.signal,
		onSend: progress.sent,
		onOutcome: progress.settled,
	});
	progress.end();
	return reportOutcomes(ctx, scope, result, recorder.id, who);
}

function rowHeader(scope: Scope | undefined): string {
	return scope === undefined ? 'Name' : scope === 'product' ? 'Product' : 'Offer type';
}

/** A progress bar on a terminal, and the "stopping" note when Ctrl-C arrives with writes in flight. */
function progressReporter(ctx: Context, total: number): {sent: () => void; settled: () => void; end: () => void} {
	let done = 0;
	let inFlight = 0;
	const tty = Boolean(ctx.io.stderr.isTTY) && total > 1;
	const onStop = () => {
		const clear = tty ? '\r\u001B[K' : '';
		ctx.io.stderr.write(
			`${clear}Stopping: ${count(inFlight, 'write')} in flight; waiting up to ${DEFAULT_DRAIN_MS / 1000} s for the answers, then re-reading what is unknown. Ctrl-C again quits at once.\n`,
		);
	};
	ctx.signal.addEventListener('abort', onStop, {once: true});
	return {
		sent: () => {
			inFlight++;
		},
		settled: () => {
			done++;
			inFlight = Math.max(0, inFlight - 1);
			if (!tty || ctx.signal.aborted) return;
			const width = 30;
			const filled = Math.round((Math.min(done, total) / total) * width);
			ctx.io.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.min(done, total)}/${total}${done >= total ? '\n' : ''}`);
		},
		end: () => ctx.signal.removeEventListener('abort', onStop),
	};
}

/** What a row's result is called in text and JSON (`changed` and `failed` as before; the rest added). */
export const RESULT_WORD: Record<Outcome['kind'], string> = {
	changed: 'changed',
	already: 'already',
	conflict: 'skipped',
	gone: 'skipped',
	failed: 'failed',
	unknown: 'unknown',
	'not-sent': 'not sent',
};

/** One row's result as `--json` gives it (a fleet's adds its tenant's fields). */
export function outcomeJson<R extends Writable = Row>(o: Outcome<R>): Record<string, unknown> {
	return {
		id: o.change.row.id,
		name: o.change.row.name,
		scope: o.change.row.scope,
		from: o.change.from,
		to: o.change.to,
		now: heldAfter(o) ?? null,
		result: RESULT_WORD[o.kind],
		...(o.kind === 'changed' && o.correlationId ? {correlationId: o.correlationId} : {}),
		...(o.kind === 'failed' || o.kind === 'unknown' ? {error: o.problem} : {}),
		...(o.kind === 'conflict' || o.kind === 'gone' ? {reason: outcomeReason(o)} : {}),
	};
}

/** A row's result in the text table (failures add their problem's title). */
export const RESULT_TEXT: Partial<Record<Outcome['kind'], string>> = {
	changed: 'changed',
	already: 'already there (nothing sent)',
	conflict: 'skipped: changed by someone else',
	gone: 'skipped: no longer listed',
	unknown: 'unknown: no answer',
	'not-sent': 'not sent (stopped)',
};

/**
 * The per-row table (stdout), each problem (stderr), a summary naming the tenant, and the exit
 * code: interrupted 130 (SIGTERM 143); the audit log failing 1; every failure a 403 and nothing
 * written 4 (a sign-in problem 3); any row failed, skipped or unknown 5; else 0.
 */
function reportOutcomes(ctx: Context, scope: Scope | undefined, result: ApplyResult, changeSetId: string, who: Writer): number {
	const {outcomes} = result;
	const columns: Column<Outcome>[] = [
		...(scope === undefined ? [{header: 'Scope', value: (o: Outcome) => NOUN[o.change.row.scope]}] : []),
		{header: rowHeader(scope), value: o => o.change.row.name, shrinkTo: 12},
		{header: 'ID', value: o => o.change.row.id},
		{header: 'From', value: o => VALUE_LABEL[o.change.from]},
		{header: 'Now', value: o => {
			const held = heldAfter(o);
			return held ? VALUE_LABEL[held] : '?';
		}},
		// Short: the Now column says what the service holds; the long reason is in JSON.
		{header: 'Result', value: o => RESULT_TEXT[o.kind] ?? `failed: ${(o as Extract<Outcome, {kind: 'failed'}>).problem.title}`, shrinkTo: 24},
	];
	printList(ctx.io, ctx.settings.output, outcomes, columns, o => ({...outcomeJson(o), tenant: who.tenant, changeSetId}));
	for (const outcome of outcomes) {
		if (outcome.kind === 'conflict' || outcome.kind === 'gone') ctx.note(`${outcome.change.row.name} (${outcome.change.row.id}): ${outcomeReason(outcome)}`);
		if (outcome.kind !== 'failed' && outcome.kind !== 'unknown') continue;
		ctx.io.stderr.write(safeText(`${outcome.change.row.name} (${outcome.change.row.id}): `));
		reportProblem(ctx.io.stderr, outcome.problem);
	}
	const counts = countOutcomes(outcomes);
	const skipped = counts.conflict + counts.gone;
	if (troublesIn(counts) === 0) {
		ctx.note(`Changed ${count(counts.changed, 'row')} in ${whereLine(who)}${counts.already ? ` (${counts.already} already there)` : ''}. Only trials and purchases from now on are affected.`);
	} else {
		const parts = [`${counts.changed} changed`];
		if (counts.already) parts.push(`${counts.already} already there`);
		ctx.note(`${result.interrupted ? 'Interrupted' : 'Partly done'} in ${whereLine(who)}: ${[...parts, ...troubleParts(counts, `${skipped} skipped (changed by someone else since you confirmed, or gone)`)].join(', ')}.`);
	}
	return finishWrite(ctx, result, changeSetId, {rowNotes: true});
}

type Counts = ReturnType<typeof countOutcomes>;

/** Outcomes that were not what was asked: failed, skipped (changed elsewhere, gone), unknown, not sent. */
export function troublesIn(counts: Counts): number {
	return counts.failed + counts.conflict + counts.gone + counts.unknown + counts['not-sent'];
}

/** The summary's words for the troubles ("2 failed, 1 unknown"); `skippedWords` says the skipped ones. */
export function troubleParts(counts: Counts, skippedWords: string): string[] {
	const parts: string[] = [];
	if (counts.conflict + counts.gone) parts.push(skippedWords);
	if (counts.failed) parts.push(`${counts.failed} failed`);
	if (counts.unknown) parts.push(`${counts.unknown} unknown`);
	if (counts['not-sent']) parts.push(`${counts['not-sent']} not sent`);
	return parts;
}

/**
 * The end of every write's report (products and offer types, switches, a baseline's rows and
 * switches together): an audit log that could not be written, with the lines it should have held;
 * the change set to look up or undo; and the exit code: interrupted 130 (SIGTERM 143); the audit
 * log failing 1; every failure a 403 and nothing written 4 (a sign-in problem 3); anything failed,
 * skipped or unknown 5; else 0. `rowNotes`: the notes on unknown rows and on running again.
 */
export function finishWrite<R extends Writable>(
	ctx: Context,
	result: Pick<ApplyResult<R>, 'outcomes' | 'unjournaled' | 'interrupted' | 'journalError'>,
	changeSetId: string,
	options: {rowNotes: boolean},
): number {
	const {outcomes} = result;
	const counts = countOutcomes<R>(outcomes);
	if (result.journalError) {
		ctx.note(`error: the audit log could not be written (${result.journalError.message}); nothing more was sent.`);
		ctx.io.stderr.write(`Change set ${changeSetId}, as the log should have recorded it (keep this):\n`);
		for (const outcome of result.unjournaled.length > 0 ? result.unjournaled : outcomes) {
			ctx.io.stderr.write(`${safeJson({changeSetId, scope: outcome.change.row.scope, id: outcome.change.row.id, from: outcome.change.from, to: outcome.change.to, result: RESULT_WORD[outcome.kind], now: heldAfter<R>(outcome) ?? null})}\n`);
		}
	}
	if (counts.changed + counts.unknown > 0) {
		ctx.note(`Change set ${shortId(changeSetId)} (see \`mscommerce history\`; \`mscommerce undo ${shortId(changeSetId)}\` reverses it).`);
	}
	if (options.rowNotes && counts.unknown > 0) ctx.note('Rows marked unknown were sent but could not be confirmed: `mscommerce history` lists them, and running the same command again (or `undo`) re-reads them.');
	if (result.interrupted) return interruptedCode(ctx.signal);
	if (result.journalError) return Math.max(ExitCode.failed, exitCodeFor(classify(result.journalError)));
	const failures = outcomes.filter((o): o is Extract<Outcome<R>, {kind: 'failed'}> => o.kind === 'failed');
	const troubled = failures.length + counts.conflict + counts.gone + counts.unknown;
	if (troubled === 0) return ExitCode.ok;
	if (counts.changed === 0 && failures.length === troubled && failures.every(f => f.problem.kind === 'forbidden')) return ExitCode.forbidden;
	if (counts.changed === 0 && failures.length === troubled && failures.every(f => exitCodeFor(f.problem) === ExitCode.notSignedIn)) return ExitCode.notSignedIn;
	// Worth saying only when trying again can help: not for a value the service refused.
	if (options.rowNotes && (counts['not-sent'] > 0 || failures.some(f => f.problem.retryable))) ctx.note('Run the same command again to finish: rows already changed are skipped.');
	return ExitCode.partial;
}
