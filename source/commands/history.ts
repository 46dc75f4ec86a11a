/**
 * mscommerce history | undo: the change sets of the audit log, and putting one back. Undo never
 * overwrites a row changed again since (by anyone): it reports it and leaves it alone, and the
 * undo itself is a new change set in the log. A change set of tenant-wide switches
 * (docs/switches.md) is undone the same way, through Microsoft Graph (commands/switches.ts).
 */
import {auditPath, changeSets, findChangeSet, readAudit, shortId, undoPlan, unreadableWarning, type ChangeSet} from '../commerce/audit.js';
import type {Scope} from '../commerce/types.js';
import {isMultiTenant} from '../config.js';
import {UsageError} from '../problems/errors.js';
import {ExitCode} from '../problems/exitCodes.js';
import type {Context} from './context.js';
import {printList, type Column} from './output.js';
import {runPlan, signedInAs} from './rows.js';
import {pastTime} from './time.js';
import {count} from '../words.js';

/** "25 ok, 2 failed, 1 unknown": what a change set's rows came to. */
function rowsText(set: ChangeSet): string {
	const parts = [`${set.changed} ok`];
	if (set.failed) parts.push(`${set.failed} failed`);
	if (set.skipped) parts.push(`${set.skipped} skipped`);
	if (set.unknown) parts.push(`${set.unknown} unknown`);
	return parts.join(', ');
}

// Account and tenant are cut, never dropped: a narrow terminal still says who changed what where.
const COLUMNS: Column<ChangeSet>[] = [
	{header: 'Change set', value: set => shortId(set.id)},
	// In words ("12 min ago", then the date); --json keeps the ISO time.
	{header: 'Time', value: set => pastTime(set.time)},
	{header: 'Account', value: set => set.account, shrinkTo: 12},
	{header: 'Tenant', value: set => set.tenantName ?? set.tenant, shrinkTo: 12},
	{header: 'Source', value: set => (set.undoes ? `undo ${shortId(set.undoes)}` : set.source), shrinkTo: 8},
	{header: 'Rows', value: rowsText},
];

/** `history [--json]`: change sets, newest first. Reads the local log only: no sign-in, no network. */
export async function historyCommand(ctx: Context): Promise<number> {
	const {entries, unreadable} = await readAudit(ctx.settings.stateDir);
	const warning = unreadableWarning(ctx.settings.stateDir, unreadable);
	if (warning) ctx.note(warning);
	const sets = changeSets(entries).reverse();
	printList(ctx.io, ctx.settings.output, sets, COLUMNS, set => ({
		id: set.id,
		time: set.time,
		account: set.account,
		tenant: set.tenant,
		tenantName: set.tenantName ?? null,
		policyId: set.policyId,
		source: set.source,
		undoes: set.undoes ?? null,
		changed: set.changed,
		failed: set.failed,
		skipped: set.skipped,
		unknown: set.unknown,
		rows: [...set.rows, ...set.switches].map(row => ({
			scope: row.scope,
			id: row.id,
			name: row.name,
			from: row.from,
			to: row.to,
			result: row.status,
			now: row.now ?? null,
			correlationId: row.correlationId ?? null,
			problem: row.problem ?? null,
		})),
	}));
	if (sets.length === 0) ctx.note(`No change recorded yet (${auditPath(ctx.settings.stateDir)}).`);
	else if (ctx.settings.output === 'text') {
		for (const set of sets) {
			const unknown = [...set.rows, ...set.switches].filter(row => row.status === 'unknown');
			if (unknown.length === 0) continue;
			const named = unknown.slice(0, 3).map(row => `${row.name} (${row.id})`).join(', ');
			const more = unknown.length > 3 ? ` and ${unknown.length - 3} more` : '';
			ctx.note(
				`unknown: change set ${shortId(set.id)} sent ${count(unknown.length, 'row')} with no outcome recorded (${named}${more}): \`mscommerce undo ${shortId(set.id)}\` re-reads them; running the same command again finishes the job.`,
			);
		}
	}
	return ExitCode.ok;
}

/**
 * `undo [CHANGE_SET_ID] [--yes] [--dry-run]`: puts back the last change set of this tenant (or
 * the named one). Exit 5 when rows were left alone because they changed since.
 */
export async function undoCommand(ctx: Context, id: string | undefined, options: {yes?: boolean; dryRun?: boolean}): Promise<number> {
	const {entries, unreadable} = await readAudit(ctx.settings.stateDir);
	const warning = unreadableWarning(ctx.settings.stateDir, unreadable);
	if (warning) ctx.note(warning);
	if (entries.length === 0) throw new UsageError(`nothing to undo: no change recorded yet (${auditPath(ctx.settings.stateDir)})`);
	const who = await signedInAs(ctx);
	const lookup = findChangeSet(changeSets(entries), {tenant: who.tenant, policyId: ctx.settings.policyId, anyTenant: isMultiTenant(ctx.settings.tenant)}, id);
	if ('error' in lookup) throw new UsageError(lookup.error, ['List change sets with `mscommerce history`.']);
	// A fleet's change set (rows and switches alike) is undone in each tenant, as who wrote it there.
	if ('fleet' in lookup) return (await import('./fleet.js')).fleetUndoCommand(ctx, lookup.fleet, options);
	const set = lookup.found;
	// `baseline apply` with a `switches:` section: rows and switches in one change set, undone as one.
	if (set.switches.length > 0 && set.rows.length > 0) return undoMixedSet(ctx, set, options);
	if (set.switches.length > 0) return undoSwitchSet(ctx, set, options);
	const scopes = [...new Set(set.rows.map(row => row.scope))] as Scope[];
	const current = (await Promise.all(scopes.map(async scope => ctx.client.listRows(ctx.settings.policyId, scope)))).flat();
	const undo = undoPlan(set, current);
	ctx.note(
		`Undoing change set ${shortId(set.id)} (${set.source}, ${set.time}, ${set.account}): ${count(set.changed, 'row')} written${set.unknown ? `, ${set.unknown} unknown (re-read now)` : ''}.`,
	);
	for (const skip of undo.leftAlone) ctx.note(`left alone: ${skip.reason}`);
	const code = await runPlan(ctx, scopes.length === 1 ? scopes[0] : undefined, undo, {yes: options.yes, dryRun: options.dryRun, source: 'undo', undoes: set.id});
	const left = undo.leftAlone.length;
	if (left > 0 && code === ExitCode.ok && !options.dryRun) {
		ctx.note(`${left} row${left === 1 ? ' was' : 's were'} not undone: changed since the change set. Change ${left === 1 ? 'it' : 'them'} with \`mscommerce products set\` if needed.`);
		return ExitCode.partial;
	}
	return code;
}

/**
 * Undo of a change set that changed both rows and tenant-wide switches (`baseline apply` of a
 * baseline with `switches:`): the rows back through the licensing service and the switches back
 * through Microsoft Graph, each only where it still holds what the change set left, confirmed
 * once and written as one change set (commands/baseline.ts, runMixedPlan). Exit 5 when any row or
 * switch was left alone because it changed since.
 */
async function undoMixedSet(ctx: Context, set: ChangeSet, options: {yes?: boolean; dryRun?: boolean}): Promise<number> {
	const scopes = [...new Set(set.rows.map(row => row.scope))] as Scope[];
	const current = (await Promise.all(scopes.map(async scope => ctx.client.listRows(ctx.settings.policyId, scope)))).flat();
	const undo = undoPlan(set, current);
	const rowsWritten = set.rows.filter(row => row.status === 'ok').length;
	const switchesWritten = set.switches.filter(row => row.status === 'ok').length;
	ctx.note(
		`Undoing change set ${shortId(set.id)} (${set.source}, ${set.time}, ${set.account}): ${count(rowsWritten, 'row')} and ${count(switchesWritten, 'switch', 'switches')} written${set.unknown ? `, ${set.unknown} unknown (re-read now)` : ''}.`,
	);
	for (const skip of undo.leftAlone) ctx.note(`left alone: ${skip.reason}`);
	const baseline = await import('./baseline.js');
	const written = set.switches.filter(row => row.status === 'ok' || row.status === 'unknown');
	const switchUndo = await baseline.planSwitchUndo(ctx, written);
	const runOptions = {yes: options.yes, dryRun: options.dryRun, source: 'undo', undoes: set.id};
	const code =
		switchUndo.changes.length === 0
			? await runPlan(ctx, scopes.length === 1 ? scopes[0] : undefined, undo, runOptions)
			: await baseline.runMixedPlan(ctx, undo, switchUndo.changes, switchUndo.switches, runOptions);
	if (undo.leftAlone.length + switchUndo.leftAlone > 0 && code === ExitCode.ok && !options.dryRun) {
		ctx.note(`${baseline.changeWords(undo.leftAlone.length, switchUndo.leftAlone)} not undone: changed since the change set.`);
		return ExitCode.partial;
	}
	return code;
}

/** Undo of a change set that changed tenant-wide switches: back through Microsoft Graph, by the same rule (commands/switches.ts). */
async function undoSwitchSet(ctx: Context, set: ChangeSet, options: {yes?: boolean; dryRun?: boolean}): Promise<number> {
	const written = set.switches.filter(row => row.status === 'ok' || row.status === 'unknown');
	ctx.note(
		`Undoing change set ${shortId(set.id)} (${set.source}, ${set.time}, ${set.account}): ${count(set.changed, 'switch', 'switches')} written${set.unknown ? `, ${set.unknown} unknown (re-read now)` : ''}.`,
	);
	const {undoSwitches} = await import('./switches.js');
	return undoSwitches(ctx, written, {yes: options.yes, dryRun: options.dryRun, source: 'undo', undoes: set.id});
}
