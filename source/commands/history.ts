/**
 * mscommerce history | undo: the change sets of the audit log, and putting one back. Undo never
 * overwrites a row changed again since (by anyone): it reports it and leaves it alone, and the
 * undo itself is a new change set in the log.
 */
import {auditPath, changeSets, findChangeSet, readAudit, shortId, undoPlan, type ChangeSet} from '../commerce/audit.js';
import type {Scope} from '../commerce/types.js';
import {UsageError} from '../problems/errors.js';
import {ExitCode} from '../problems/exitCodes.js';
import type {Context} from './context.js';
import {printList, type Column} from './output.js';
import {runPlan, signedInAs} from './rows.js';
import {count} from '../words.js';

const COLUMNS: Column<ChangeSet>[] = [
	{header: 'Change set', value: set => shortId(set.id)},
	{header: 'Time', value: set => set.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z')},
	{header: 'Account', value: set => set.account, dropOrder: 2},
	{header: 'Tenant', value: set => set.tenant, dropOrder: 3},
	{header: 'Source', value: set => (set.undoes ? `undo ${shortId(set.undoes)}` : set.source)},
	{header: 'Changed', value: set => String(set.changed)},
	{header: 'Failed', value: set => String(set.failed)},
];

/** `history [--json]`: change sets, newest first. Reads the local log only: no sign-in needed. */
export async function historyCommand(ctx: Context): Promise<number> {
	const {entries, unreadable} = await readAudit(ctx.settings.stateDir);
	if (unreadable > 0) ctx.note(`warning: ${count(unreadable, 'line')} of ${auditPath(ctx.settings.stateDir)} could not be read and ${unreadable === 1 ? 'was' : 'were'} left out.`);
	const sets = changeSets(entries).reverse();
	printList(ctx.io, ctx.settings.output, sets, COLUMNS, set => ({
		id: set.id,
		time: set.time,
		account: set.account,
		tenant: set.tenant,
		policyId: set.policyId,
		source: set.source,
		undoes: set.undoes ?? null,
		changed: set.changed,
		failed: set.failed,
		rows: set.entries.map(e => ({
			scope: e.scope,
			id: e.id,
			name: e.name,
			from: e.from,
			to: e.to,
			result: e.result,
			time: e.time,
			correlationId: e.correlationId ?? null,
			problem: e.problem ?? null,
		})),
	}));
	if (sets.length === 0) ctx.note(`No change recorded yet (${auditPath(ctx.settings.stateDir)}).`);
	return ExitCode.ok;
}

/**
 * `undo [CHANGE_SET_ID] [--yes] [--dry-run]`: puts back the last change set of this tenant (or
 * the named one). Exit 5 when rows were left alone because they changed since.
 */
export async function undoCommand(ctx: Context, id: string | undefined, options: {yes?: boolean; dryRun?: boolean}): Promise<number> {
	const {entries} = await readAudit(ctx.settings.stateDir);
	if (entries.length === 0) throw new UsageError(`nothing to undo: no change recorded yet (${auditPath(ctx.settings.stateDir)})`);
	const who = await signedInAs(ctx);
	const lookup = findChangeSet(changeSets(entries), {tenant: who.tenant, policyId: ctx.settings.policyId}, id);
	if ('error' in lookup) throw new UsageError(lookup.error, ['List change sets with `mscommerce history`.']);
	const set = lookup.found;
	const scopes = [...new Set(set.entries.map(e => e.scope))] as Scope[];
	const current = (await Promise.all(scopes.map(async scope => ctx.client.listRows(ctx.settings.policyId, scope)))).flat();
	const undo = undoPlan(set, current);
	ctx.note(`Undoing change set ${shortId(set.id)} (${set.source}, ${set.time}, ${set.account}): ${count(set.changed, 'row')} written.`);
	for (const skip of undo.skipped) ctx.note(`left alone: ${skip.reason}`);
	const code = await runPlan(ctx, scopes.length === 1 ? scopes[0] : undefined, undo.plan, {yes: options.yes, dryRun: options.dryRun, source: 'undo', undoes: set.id});
	if (undo.skipped.length > 0 && code === ExitCode.ok && !options.dryRun) {
		ctx.note(`${undo.skipped.length} row${undo.skipped.length === 1 ? ' was' : 's were'} not undone: changed since the change set. Change ${undo.skipped.length === 1 ? 'it' : 'them'} with \`mscommerce products set\` if needed.`);
		return ExitCode.partial;
	}
	return code;
}
