/**
 * The Tenant switches tab's state (docs/switches.md), as plain functions: the switches as last
 * read (each with its value, or why it could not be read), the cursor, the writes in flight and
 * how each came out, the tab's problems, and what the confirmation, the status line and the
 * list say. The change sets themselves live in the switches' ChangeSession
 * (source/commerce/session.ts), like the products'. The Graph sign-in's own state is the
 * sign-in hook's (hooks/useSignIn.ts); the screen passes its step where it matters.
 */
import {heldAfter, rowKey, type Change, type Outcome, type SwitchRow} from '../../commerce/changes.js';
import type {SessionPlan} from '../../commerce/session.js';
import type {SwitchValue} from '../../commerce/values.js';
import type {Problem} from '../../problems/types.js';
import {count} from '../../words.js';
import type {AccountSummary, SwitchReading} from '../backend.js';
import {move, START, type Cursor, type MoveCommand} from './listWindow.js';
import {dashboardWords} from './words.js';

/** A confirmation of switch changes: the session's plan, and the value every switch is given, where one. */
export type SwitchPlan = SessionPlan<SwitchRow> & {value?: SwitchValue};

/** A switch whose last write failed (or whose outcome is unknown): marked `!` until written again or read again. */
export type SwitchFailure = {change: Change<SwitchRow>; problem: Problem; unknown: boolean};

/** A problem on show in the tab, and what it was about (the same shape as the list's). */
export type SwitchProblem = {problem: Problem; origin: 'load' | 'write'; context?: string};

export type SwitchesView = {
	/** A read is in flight. */
	loading: boolean;
	/** Whether the switches were ever read this session (explain then uses them). */
	loaded: boolean;
	readings: readonly SwitchReading[];
	cursor: Cursor;
	/** Switches being written, by name, with the value being sent. */
	saving: ReadonlyMap<string, SwitchValue>;
	failed: ReadonlyMap<string, SwitchFailure>;
	/** The tab's problems (a read's, a write's), and which one the panel shows ([ ] page). */
	problems: readonly SwitchProblem[];
	problemAt: number;
	/** Whether the switches' session has a change set u can undo. */
	canUndo: boolean;
	/** The account Microsoft Graph acts as: the confirmation names it. */
	account: AccountSummary | undefined;
	/** The read in flight was asked for (r): its end says "Reloaded". */
	announce: boolean;
};

export type SwitchesAction =
	| {type: 'switches-load-start'; announce?: boolean}
	| {type: 'switches-loaded'; readings: readonly SwitchReading[]; account?: AccountSummary}
	| {type: 'switches-load-failed'; problem: Problem}
	| {type: 'switches-account'; account: AccountSummary}
	| {type: 'switch-save-start'; plan: SwitchPlan}
	| {type: 'switch-save-outcome'; plan: SwitchPlan; outcome: Outcome<SwitchRow>}
	| {type: 'switch-save-end'; plan: SwitchPlan; canUndo: boolean};

export const NO_SWITCHES: SwitchesView = {
	loading: false,
	loaded: false,
	readings: [],
	cursor: START,
	saving: new Map(),
	failed: new Map(),
	problems: [],
	problemAt: 0,
	canUndo: false,
	account: undefined,
	announce: false,
};

/** What the tab says a switch holds: on, off, or unknown (it could not be read). */
export function switchValueText(reading: SwitchReading): string {
	return 'value' in reading ? reading.value : 'unknown';
}

/** The switch as the write engine and the audit log see it (source/switches/switches.ts, switchRow). */
export function switchRowOf(reading: SwitchReading & {value: SwitchValue}): SwitchRow {
	return {scope: 'switch', id: reading.name, name: reading.label, value: reading.value};
}

export function selectedSwitch(view: SwitchesView): SwitchReading | undefined {
	return view.readings[Math.min(view.cursor.index, view.readings.length - 1)];
}

export function moveSwitch(view: SwitchesView, command: MoveCommand): SwitchesView {
	const cursor = move(view.cursor, command, view.readings.length, view.readings.length);
	return cursor === view.cursor ? view : {...view, cursor};
}

/** The switch under the cursor to `to`: a plan of one change, or nothing to change (already there). */
export function planSwitch(reading: SwitchReading & {value: SwitchValue}, to: SwitchValue): SwitchPlan {
	const row = switchRowOf(reading);
	const plan: SwitchPlan = {kind: 'set', value: to, changes: [], unchanged: [], refused: [], leftAlone: []};
	if (row.value === to) plan.unchanged.push(row);
	else plan.changes.push({row, from: row.value, to});
	return plan;
}

/** The switch rows as the tab knows them, by rowKey: what u and R plan against. */
export function switchLookup(view: SwitchesView): (key: string) => SwitchRow | undefined {
	const rows = new Map<string, SwitchRow>();
	for (const reading of view.readings) if ('value' in reading) rows.set(rowKey({scope: 'switch', id: reading.name}), switchRowOf(reading));
	return key => rows.get(key);
}

/** Why a switch plan opens no confirmation, for the status line. */
export function nothingToSwitch(plan: SwitchPlan): string {
	const [left] = plan.leftAlone;
	const [same] = plan.unchanged;
	if (plan.kind === 'undo' && left) return `Nothing to undo: ${left.reason}`;
	if (same) return `${same.id} is already ${same.value}`;
	return 'Nothing to change';
}

/** The confirmation's title: what changes. */
export function switchPlanTitle(plan: SwitchPlan): string {
	const [only] = plan.changes;
	const what = plan.changes.length === 1 && only ? `${only.row.id} (${only.row.name})` : count(plan.changes.length, 'switch', 'switches');
	if (plan.kind === 'undo') {
		const which = plan.changes.length === 1 && only ? only.row.id : what;
		return `Undo the last switch change: ${which}${plan.value ? ` back to ${plan.value}` : ''}`;
	}
	if (plan.kind === 'retry') return `Retry ${what} that failed`;
	return `Change ${what}`;
}

/** Facts for explain(), by switch name: the value read, or why it is not known; undefined until the switches were read this session. */
export function switchFacts(view: SwitchesView): Record<string, SwitchValue | {unknown: string}> | undefined {
	if (!view.loaded) return undefined;
	const facts: Record<string, SwitchValue | {unknown: string}> = {};
	for (const reading of view.readings) {
		facts[reading.name] = 'value' in reading ? reading.value : {unknown: `${reading.name} could not be read (${lowerFirst(dashboardWords(reading.problem.title))})`};
	}
	return facts;
}

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The status line after one switch's outcome. */
export function switchOutcomeStatus(outcome: Outcome<SwitchRow>, plan: SwitchPlan): {text: string; tone: 'info' | 'success' | 'warning' | 'error'} {
	const {row: planned, from, to} = outcome.change;
	switch (outcome.kind) {
		case 'changed':
			if (plan.kind === 'undo') return {text: `Undone: ${planned.id} is back to ${outcome.row.value}`, tone: 'success'};
			return {text: `${planned.id}: ${from} → ${outcome.row.value}, saved (Microsoft Graph holds ${outcome.row.value})`, tone: 'success'};
		case 'already':
			// A switch has two values: found at the value wanted right before the write, someone else set it.
			return {text: `${planned.id}: someone else changed it to ${outcome.row.value} since you confirmed; nothing sent`, tone: 'warning'};
		case 'conflict':
			return {text: `${planned.id}: left alone, someone else set ${outcome.row.value}`, tone: 'warning'};
		case 'gone':
			return {text: `${planned.id} could not be found in Microsoft Graph: nothing sent`, tone: 'warning'};
		case 'failed':
			return {text: `${planned.id}: not changed (${dashboardWords(outcome.problem.title)})`, tone: 'error'};
		case 'unknown':
			return {text: `${planned.id}: sent ${to}, but whether it applied is unknown (reading it again)`, tone: 'error'};
		case 'not-sent':
			return {text: `${planned.id}: not sent`, tone: 'warning'};
	}
}

/** A reading with the value the service holds now (an outcome's), its problem gone. */
function withValue(readings: readonly SwitchReading[], name: string, value: SwitchValue): readonly SwitchReading[] {
	return readings.map(reading => {
		if (reading.name !== name) return reading;
		const {name: n, label, allows, whoMayChange, where} = reading;
		return {name: n, label, allows, whoMayChange, where, value};
	});
}

function without<V>(map: ReadonlyMap<string, V>, key: string): ReadonlyMap<string, V> {
	if (!map.has(key)) return map;
	const next = new Map(map);
	next.delete(key);
	return next;
}

export function switchesReducer(view: SwitchesView, action: SwitchesAction): SwitchesView {
	switch (action.type) {
		case 'switches-load-start':
			return {...view, loading: true, announce: action.announce ?? false};
		case 'switches-loaded': {
			const names = new Set(action.readings.map(reading => reading.name));
			return {
				...view,
				loading: false,
				loaded: true,
				readings: action.readings,
				account: action.account ?? view.account,
				// A read answers the question a read's problem asked; a write's problem stays until dismissed.
				problems: view.problems.filter(shown => shown.origin !== 'load'),
				problemAt: 0,
				// r: what the service holds is on screen, so a failed mark has said its piece (a read
				// after a failed write keeps it: R retries it).
				failed: view.announce ? new Map() : new Map([...view.failed].filter(([name]) => names.has(name))),
				announce: false,
			};
		}
		case 'switches-load-failed':
			return {...view, loading: false, problems: [...view.problems.filter(shown => shown.origin !== 'load'), {problem: action.problem, origin: 'load'}], problemAt: 0, announce: false};
		case 'switches-account':
			return {...view, account: action.account};
		case 'switch-save-start': {
			const saving = new Map(view.saving);
			const failed = new Map(view.failed);
			for (const change of action.plan.changes) {
				saving.set(change.row.id, change.to);
				failed.delete(change.row.id);
			}
			return {...view, saving, failed, problems: view.problems.filter(shown => shown.origin !== 'write'), problemAt: 0};
		}
		case 'switch-save-outcome': {
			const {outcome} = action;
			const {change} = outcome;
			const name = change.row.id;
			const next: SwitchesView = {...view, saving: without(view.saving, name)};
			switch (outcome.kind) {
				case 'changed':
				case 'already':
				case 'conflict':
					// The screen shows what Microsoft Graph holds now, never the value asked for.
					next.readings = withValue(view.readings, name, outcome.row.value);
					next.failed = without(view.failed, name);
					break;
				case 'failed':
				case 'unknown': {
					const held = heldAfter(outcome);
					if (held) next.readings = withValue(view.readings, name, held);
					next.failed = new Map(view.failed).set(name, {change, problem: outcome.problem, unknown: outcome.kind === 'unknown'});
					const context = held ? `${name} (${change.row.name}) stays ${held}` : `${name} (${change.row.name}): sent ${change.to}; not known whether it applied (reading it again)`;
					next.problems = [...view.problems, {problem: outcome.problem, origin: 'write', context}];
					break;
				}
				case 'gone':
				case 'not-sent':
					break;
			}
			return next;
		}
		case 'switch-save-end':
			return {...view, saving: new Map(), canUndo: action.canUndo};
	}
}

/** One line of the Tenant switches list as it fits (switchLines). */
export type SwitchLine =
	| {kind: 'heading'; text: string}
	| {kind: 'row'; index: number; name: string; value: string; label: string; selected: boolean; saving: boolean; failed: boolean; unknown: boolean}
	/** A line of what `on` allows, or of who may change it, under its switch. */
	| {kind: 'about'; index: number; text: string};

/** The name column fits the longest name (trialsOnBehalfOfOrg); the value column "unknown" and "saving…". */
const NAME_COLUMN = 19;
const VALUE_COLUMN = 7;
const SWITCH_PREFIX = 3;
/** What-on-allows and who-may-change lines are indented under the name. */
export const ABOUT_INDENT = 5;

export type SwitchColumns = {name: number; value: number; label: number};

export function switchColumns(width: number): SwitchColumns {
	const name = Math.min(NAME_COLUMN, Math.max(8, width - SWITCH_PREFIX - VALUE_COLUMN - 2));
	return {name, value: VALUE_COLUMN, label: Math.max(0, width - SWITCH_PREFIX - name - VALUE_COLUMN - 2)};
}

/**
 * The list's lines in `height` lines (its heading included) at `width`: every switch with what
 * `on` allows and who may change it under it when they fit; else those lines for the selected
 * switch only; else a line per switch (i shows the rest). `wrap` fits a sentence to columns.
 */
export function switchLines(view: SwitchesView, width: number, height: number, wrap: (text: string, columns: number) => string[]): SwitchLine[] {
	const {readings} = view;
	const selected = Math.min(view.cursor.index, Math.max(0, readings.length - 1));
	const room = Math.max(10, width - ABOUT_INDENT);
	const about = readings.map(reading => [...wrap(reading.allows, room), ...wrap(`Who may change it: ${reading.whoMayChange}`, room)]);
	const heading: SwitchLine = {kind: 'heading', text: 'Switch'};
	const row = (index: number): SwitchLine => {
		const reading = readings[index]!;
		const saving = view.saving.has(reading.name);
		return {
			kind: 'row',
			index,
			name: reading.name,
			value: saving ? 'saving…' : switchValueText(reading),
			label: reading.label,
			selected: index === selected,
			saving,
			failed: view.failed.has(reading.name),
			unknown: !('value' in reading),
		};
	};
	const withAbout = (index: number): SwitchLine[] => [row(index), ...(about[index] ?? []).map((text): SwitchLine => ({kind: 'about', index, text}))];
	const all = 1 + readings.length + about.reduce((total, lines) => total + lines.length, 0);
	if (all <= height) return [heading, ...readings.flatMap((_, index) => withAbout(index))];
	if (1 + readings.length + (about[selected]?.length ?? 0) <= height) {
		return [heading, ...readings.flatMap((_, index) => (index === selected ? withAbout(index) : [row(index)]))];
	}
	// A line each, the selected one kept on screen.
	const rows = Math.max(1, height - 1);
	const start = Math.max(0, Math.min(selected - rows + 1, readings.length - rows));
	return [heading, ...Array.from({length: Math.min(rows, readings.length - start)}, (_, offset) => row(start + offset))];
}

/** Why Microsoft Graph needs a sign-in of its own, as the tab says it before Enter. */
export function graphSignInWhy(username: string): string {
	return `The tenant-wide switches live in Microsoft Graph, a separate service with a sign-in of its own: the licensing sign-in of ${username} cannot be reused for it (one app's refresh token is not redeemed by another). Enter shows a device code, as at the start; once it is approved, the token cache keeps the sign-in.`;
}
