/**
 * What a key press would change, worked out before anything is sent: the rows that change
 * (from → to), the rows that cannot take the value (skipped, with the reason from checkValue),
 * and the rows that already hold it. One confirmed plan is one change set, which `u` can undo.
 */
import type {PolicyValue, Row, Scope} from '../../commerce/types.js';
import {planChanges, undoStep} from '../../commerce/changes.js';
import {nextValue} from '../../commerce/values.js';
import {count} from '../../words.js';

export type Change = {row: Row; from: PolicyValue; to: PolicyValue};
export type Skip = {row: Row; reason: string};

export type PlanKind = 'set' | 'cycle' | 'undo' | 'retry';

export type ChangePlan = {
	kind: PlanKind;
	/** The value every row is given (set); undefined when rows go to different values. */
	value?: PolicyValue;
	changes: Change[];
	skipped: Skip[];
	unchanged: Row[];
	/** The change set an undo plan reverses. */
	undoes?: number;
	/** Made from the marked rows (x, X): the confirmation counts rows even when one changes. */
	fromMarks?: boolean;
};

/** One row written in a change set: what it was, and what the service holds after the write. */
export type ChangeSetEntry = {scope: Scope; id: string; name: string; from: PolicyValue; to: PolicyValue};
export type ChangeSet = {id: number; entries: ChangeSetEntry[]};

export const SEED_NOTE = 'Only trials and purchases from now on are affected; existing ones are not.';

/** e t d: give every row one value; rows that cannot take it are skipped and counted (the commands' planner). */
export function planSet(rows: readonly Row[], value: PolicyValue): ChangePlan {
	const {changes, refused, unchanged} = planChanges(rows, value);
	return {kind: 'set', value, changes: changes.map(({row, to}) => ({row, from: row.value, to})), skipped: refused, unchanged};
}

/** Space / Enter: each row to its next valid value (nextValue never offers a value the row cannot take). */
export function planCycle(rows: readonly Row[]): ChangePlan {
	const plan: ChangePlan = {kind: 'cycle', changes: [], skipped: [], unchanged: []};
	for (const row of rows) {
		const to = nextValue(row);
		if (to === row.value) plan.unchanged.push(row);
		else plan.changes.push({row, from: row.value, to});
	}
	const targets = new Set(plan.changes.map(change => change.to));
	if (targets.size === 1) plan.value = [...targets][0];
	return plan;
}

/**
 * u: put back the rows of a change set that still hold the value it set, by the rule `undo`
 * uses (undoStep). A row changed since (by anyone) is left alone and reported, never overwritten.
 */
export function planUndo(set: ChangeSet, current: (scope: Scope, id: string) => Row | undefined): ChangePlan {
	const plan: ChangePlan = {kind: 'undo', changes: [], skipped: [], unchanged: [], undoes: set.id};
	for (const entry of set.entries) {
		const step = undoStep(entry, current(entry.scope, entry.id));
		if (step.kind === 'gone') {
			plan.skipped.push({
				row: {scope: entry.scope, id: entry.id, name: entry.name, value: entry.to, trialWithoutPaymentMethod: undefined},
				reason: `${entry.name} (${entry.id}) is no longer listed`,
			});
		} else if (step.kind === 'changed-since') {
			const {row} = step;
			plan.skipped.push({row, reason: `${row.name} (${row.id}) changed since (now ${row.value}): left alone`});
		} else if (step.kind === 'unchanged') {
			plan.unchanged.push(step.row);
		} else {
			plan.changes.push({row: step.row, from: step.row.value, to: step.to});
		}
	}
	const targets = new Set(plan.changes.map(change => change.to));
	if (targets.size === 1) plan.value = [...targets][0];
	return plan;
}

/** R: send the failed rows of the last change set again, to the same values. */
export function planRetry(failed: readonly Change[], current: (scope: Scope, id: string) => Row | undefined): ChangePlan {
	const plan: ChangePlan = {kind: 'retry', changes: [], skipped: [], unchanged: []};
	for (const change of failed) {
		const row = current(change.row.scope, change.row.id) ?? change.row;
		if (row.value === change.to) plan.unchanged.push(row);
		else plan.changes.push({row, from: row.value, to: change.to});
	}
	return plan;
}

/** Why a plan with nothing to change opens no dialog, for the status line. */
export function nothingToChange(plan: ChangePlan): string {
	const [skip] = plan.skipped;
	const [same] = plan.unchanged;
	if (plan.kind === 'undo' && skip) {
		return plan.skipped.length === 1 ? `Nothing to undo: ${skip.reason}` : `Nothing to undo: ${count(plan.skipped.length, 'row')} changed since`;
	}
	if (skip && plan.skipped.length === 1 && plan.unchanged.length === 0) return skip.reason;
	if (skip) return `${count(plan.skipped.length, 'row')} cannot take ${plan.value ?? 'that value'} (${skip.reason})`;
	if (same && plan.unchanged.length === 1) return `${same.name} is already ${same.value}`;
	if (same) return `All ${count(plan.unchanged.length, 'row')} already hold ${plan.value ?? 'that value'}`;
	return 'Nothing to change';
}

export type PlanSummary = {
	title: string;
	/** The first few changes, "name (ID): from → to". */
	listed: Change[];
	/** How many changes are not listed. */
	more: number;
	/** Skipped and unchanged counts, one line each. */
	notes: string[];
};

/** The confirmation's words: how many rows change, to what, the first few, and what is left out. */
export function summarisePlan(plan: ChangePlan, maxListed: number): PlanSummary {
	const changing = plan.changes.length;
	const [only] = plan.changes;
	let title: string;
	if (plan.kind === 'undo') title = `Undo the last change set: ${count(changing, 'row')}${plan.value ? ` back to ${plan.value}` : ''}`;
	else if (plan.kind === 'retry') title = `Retry ${count(changing, 'row')} that failed`;
	else if (changing === 1 && only && !plan.fromMarks) title = `Change ${only.row.name} (${only.row.id})`;
	else if (plan.value) title = `Set ${count(changing, 'row')} to ${plan.value}`;
	else title = `Change ${count(changing, 'row')} to their next value`;
	const listed = plan.changes.slice(0, Math.max(0, maxListed));
	const notes: string[] = [];
	const [skip] = plan.skipped;
	if (skip) {
		notes.push(
			plan.kind === 'undo'
				? `${count(plan.skipped.length, 'row')} changed since, left alone`
				: `${count(plan.skipped.length, 'row')} skipped: cannot take ${plan.value ?? 'the value'}${plan.skipped.length === 1 ? ` (${skip.row.name})` : ''}`,
		);
	}
	if (plan.unchanged.length > 0) {
		const verb = plan.unchanged.length === 1 ? 'holds' : 'hold';
		notes.push(`${count(plan.unchanged.length, 'row')} already ${plan.value ? `${verb} ${plan.value}` : 'there'}, not sent`);
	}
	return {title, listed, more: changing - listed.length, notes};
}
