/**
 * What a key press would change, worked out before anything is sent: the rows that change
 * (from → to), the rows that cannot take the value (skipped, with the reason from checkValue),
 * and the rows that already hold it. One confirmed plan is one change set, which `u` can undo.
 */
import type {PolicyValue, Row} from '../../commerce/types.js';
import {emptyPlan, planChanges, type Change} from '../../commerce/changes.js';
import type {SessionPlan} from '../../commerce/session.js';
import {nextValue} from '../../commerce/values.js';
import {count} from '../../words.js';
import {dashboardWords, valueLabel} from './words.js';

export type {Change} from '../../commerce/changes.js';

/** A plan as the confirmation shows it: the session's plan, and how it was asked for. */
export type ChangePlan = SessionPlan & {
	/** The value every row is given (set); undefined when rows go to different values. */
	value?: PolicyValue;
	/** Made from the marked rows (x, X): the confirmation counts rows even when one changes. */
	fromMarks?: boolean;
	/** The marks it was made from (the marked rows the filter shows): used up once it is sent. */
	usedMarks?: readonly string[];
	/** Marked rows the filter hides: left out, and the confirmation says so. */
	hiddenMarks?: number;
};

export const SEED_NOTE = 'Only trials and purchases from now on are affected; existing ones are not.';

/** e t d: give every row one value; rows that cannot take it are skipped and counted (the commands' planner). */
export function planSet(rows: readonly Row[], value: PolicyValue): ChangePlan {
	return {...planChanges(rows, value), kind: 'set', value};
}

/** Space / Enter: each row to its next valid value (nextValue never offers a value the row cannot take). */
export function planCycle(rows: readonly Row[]): ChangePlan {
	const plan: ChangePlan = {...emptyPlan(), kind: 'cycle'};
	for (const row of rows) {
		const to = nextValue(row);
		if (to === row.value) plan.unchanged.push(row);
		else plan.changes.push({row, from: row.value, to});
	}
	return withValue(plan);
}

/** The plan's one target value, where every change has the same. */
export function withValue(plan: ChangePlan): ChangePlan {
	const targets = new Set(plan.changes.map((change: Change) => change.to));
	return targets.size === 1 ? {...plan, value: [...targets][0]} : plan;
}

/** Why a plan with nothing to change opens no dialog, for the status line (in the dashboard's words). */
export function nothingToChange(plan: ChangePlan): string {
	return dashboardWords(whyNothing(plan));
}

function whyNothing(plan: ChangePlan): string {
	const [left] = plan.leftAlone;
	const [skip] = plan.refused;
	const [same] = plan.unchanged;
	if (plan.kind === 'undo' && left) {
		return plan.leftAlone.length === 1 ? `Nothing to undo: ${left.reason}` : `Nothing to undo: ${count(plan.leftAlone.length, 'row')} changed since`;
	}
	if (skip && plan.refused.length === 1 && plan.unchanged.length === 0) return skip.reason;
	if (skip) return `${count(plan.refused.length, 'row')} cannot take ${plan.value ?? 'that value'} (${skip.reason})`;
	if (same && plan.unchanged.length === 1) return `${same.name} is already ${same.value}`;
	if (same) return `All ${count(plan.unchanged.length, 'row')} already hold ${plan.value ?? 'that value'}`;
	if (plan.hiddenMarks) return `The ${count(plan.hiddenMarks, 'marked row')} are hidden by the filter: Esc clears it`;
	return 'Nothing to change';
}

export type PlanSummary = {
	title: string;
	/** Skipped, unchanged and hidden counts, one line each. */
	notes: string[];
};

/** The confirmation's words (in the dashboard's words): how many rows change, to what, and what is left out. */
export function summarisePlan(plan: ChangePlan): PlanSummary {
	const changing = plan.changes.length;
	const [only] = plan.changes;
	const value = plan.value ? valueLabel(plan.value) : undefined;
	let title: string;
	if (plan.kind === 'undo') title = `Undo the last change set: ${count(changing, 'row')}${value ? ` back to ${value}` : ''}`;
	else if (plan.kind === 'retry') title = `Retry ${count(changing, 'row')} that failed`;
	else if (changing === 1 && only && !plan.fromMarks) title = `Change ${only.row.name} (${only.row.id})`;
	else if (value) title = `Set ${count(changing, 'row')} to ${value}`;
	else title = `Change ${count(changing, 'row')} to their next value`;
	const notes: string[] = [];
	const [skip] = plan.refused;
	if (plan.hiddenMarks) notes.push(`${count(plan.hiddenMarks, 'marked row')} hidden by the filter: left out`);
	if (plan.leftAlone.length > 0) notes.push(`${count(plan.leftAlone.length, 'row')} changed since, left alone`);
	if (skip) {
		notes.push(`${count(plan.refused.length, 'row')} skipped: cannot take ${value ?? 'the value'}${plan.refused.length === 1 ? ` (${skip.row.name})` : ''}`);
	}
	if (plan.unchanged.length > 0) {
		const verb = plan.unchanged.length === 1 ? 'holds' : 'hold';
		notes.push(`${count(plan.unchanged.length, 'row')} already ${value ? `${verb} ${value}` : 'there'}, not sent`);
	}
	return {title, notes};
}
