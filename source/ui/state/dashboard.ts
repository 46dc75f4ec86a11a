/**
 * The main screen's state and every change to it, as one plain reducer (no React): what is
 * loaded, which tab and row are selected, the filter, marks, the open dialog, the writes in
 * flight and how each row came out, the problems on show, and read-only mode. The change sets
 * themselves (what u and R act on) live in the session, source/commerce/session.ts. The third
 * tab, Tenant switches, keeps its own part (state/switches.ts) beside the lists'.
 */
import {heldAfter, rowKey, type Change, type Outcome} from '../../commerce/changes.js';
import {sortRows} from '../../commerce/sort.js';
import type {Policy, PolicyValue, Row, Scope} from '../../commerce/types.js';
import type {Problem} from '../../problems/types.js';
import type {Mode} from '../keys.js';
import type {ChangePlan} from './changes.js';
import type {SortKey} from './filter.js';
import {move, START, type Cursor, type MoveCommand} from './listWindow.js';
import {NO_MARKS, toggleMark, toggleMarks, type Marks} from './marks.js';
import {dashboardWords, valueLabel, type RetryNotice} from './words.js';
import {count} from '../../words.js';
import {moveSwitch, NO_SWITCHES, switchesReducer, switchOutcomeStatus, type SwitchesAction, type SwitchesView, type SwitchPlan} from './switches.js';

export const SCOPES: readonly Scope[] = ['product', 'offerType'];

/** The tabs, in Tab's order: the two lists, then the tenant-wide switches (Microsoft Graph). */
export type Tab = Scope | 'switches';
export const TABS: readonly Tab[] = ['product', 'offerType', 'switches'];

export type {Mode} from '../keys.js';

/** The confirmation's highlighted answer. */
export type Answer = 'yes' | 'no';

export type TabView = {
	cursor: Cursor;
	query: string;
	marks: Marks;
};

export type Tone = 'info' | 'success' | 'warning' | 'error';
export type Status = {text: string; tone: Tone};

/** A problem on show, what raised it, and the row it was about where there was one. */
export type ShownProblem = {problem: Problem; origin: 'load' | 'write'; context?: string};

export type Progress = {total: number; done: number; failed: number; skipped: number; notSent: number};

/** A row whose last write failed (or whose outcome is unknown): marked in the list until retried or reloaded. */
export type FailedMark = {change: Change; problem: Problem; unknown: boolean};

export type DashboardState = {
	loading: boolean;
	/** Whether rows were ever loaded (a failed reload keeps them, marked stale). */
	loaded: boolean;
	stale: boolean;
	policy: Policy | undefined;
	rows: Record<Scope, readonly Row[]>;
	tab: Tab;
	views: Record<Scope, TabView>;
	mode: Mode;
	/** The plan the confirmation dialog asks about. */
	plan: ChangePlan | undefined;
	/** Or the switch plan it asks about (the Tenant switches tab). */
	switchPlan: SwitchPlan | undefined;
	/** The Tenant switches tab. */
	switches: SwitchesView;
	answer: Answer;
	/** Rows being written, by rowKey, with the value being sent. */
	saving: ReadonlyMap<string, PolicyValue>;
	/** Problems on show (a load's, or each failed row's), and which one the panel shows ([ ] page). */
	problems: readonly ShownProblem[];
	problemAt: number;
	status: Status | undefined;
	readOnly: boolean;
	detail: boolean;
	/** Rows whose last write failed, by rowKey. */
	failed: ReadonlyMap<string, FailedMark>;
	/** Whether the session has a change set u can undo. */
	canUndo: boolean;
	/** Progress of the writes of the last confirmation. */
	progress: Progress | undefined;
	/** q / Ctrl-C came while writing: sending stopped, the app quits once the writes in flight settle. */
	stopping: boolean;
	/** IDs of rows never seen before in this tenant (marked, and counted in the tabs). */
	newIds: Record<Scope, ReadonlySet<string>>;
	/** The list's order (s), for both tabs. */
	sort: SortKey;
	/** The first line on show of a help or confirmation longer than the screen (layout clamps it). */
	scroll: number;
	/** A request the HTTP layer is retrying (throttled, busy, dropped), while loading or saving. */
	retry: RetryNotice | undefined;
	/** The load in flight was asked for (r): its end says "Reloaded". */
	announce: boolean;
};

export type DashboardAction =
	| {type: 'load-start'; announce?: boolean}
	| {type: 'retry'; notice: RetryNotice}
	| {type: 'sort'; sort: SortKey; restore: number}
	| {type: 'scroll'; to: number}
	| {type: 'load-done'; policy: Policy; products: readonly Row[]; offerTypes: readonly Row[]}
	| {type: 'load-failed'; problem: Problem}
	| {type: 'new-rows'; product: ReadonlySet<string>; offerType: ReadonlySet<string>}
	| {type: 'move'; command: MoveCommand; count: number; height: number}
	| {type: 'switch-tab'; direction: 1 | -1}
	| {type: 'filter-open'}
	| {type: 'filter-type'; text: string}
	| {type: 'filter-erase'}
	| {type: 'filter-keep'}
	| {type: 'filter-clear'; restore: number | undefined}
	| {type: 'mark'; id: string}
	| {type: 'mark-shown'; ids: readonly string[]}
	| {type: 'confirm'; plan: ChangePlan}
	| {type: 'toggle-answer'}
	| {type: 'cancel'}
	| {type: 'save-start'; plan: ChangePlan}
	| {type: 'save-outcome'; plan: ChangePlan; outcome: Outcome}
	| {type: 'save-end'; plan: ChangePlan; canUndo: boolean; journalError?: string}
	| {type: 'stopping'; inFlight: number}
	| {type: 'dismiss-problem'}
	| {type: 'problem-page'; delta: 1 | -1}
	| {type: 'status'; status: Status | undefined}
	| {type: 'help'; open: boolean}
	| {type: 'detail'; open: boolean}
	| {type: 'switch-confirm'; plan: SwitchPlan}
	| SwitchesAction;

export const READ_ONLY_BANNER = 'Global reader: you can look, not change';

export {rowKey};

/** The problem the panel shows now. */
export function shownProblem(state: Pick<DashboardState, 'problems' | 'problemAt'>): ShownProblem | undefined {
	return state.problems[Math.min(state.problemAt, state.problems.length - 1)];
}

const EMPTY_VIEW: TabView = {cursor: START, query: '', marks: NO_MARKS};

export function initialDashboard(options: {readOnly?: boolean} = {}): DashboardState {
	return {
		loading: true,
		loaded: false,
		stale: false,
		policy: undefined,
		rows: {product: [], offerType: []},
		tab: 'product',
		views: {product: EMPTY_VIEW, offerType: EMPTY_VIEW},
		mode: 'list',
		plan: undefined,
		switchPlan: undefined,
		switches: NO_SWITCHES,
		answer: 'no',
		saving: new Map(),
		problems: [],
		problemAt: 0,
		status: undefined,
		readOnly: options.readOnly ?? false,
		detail: false,
		failed: NO_FAILED,
		canUndo: false,
		progress: undefined,
		stopping: false,
		newIds: {product: NO_IDS, offerType: NO_IDS},
		sort: 'name',
		scroll: 0,
		retry: undefined,
		announce: false,
	};
}

const NO_IDS: ReadonlySet<string> = new Set();
const NO_FAILED: ReadonlyMap<string, FailedMark> = new Map();

function replaceRow(rows: readonly Row[], row: Row): readonly Row[] {
	const key = rowKey(row);
	const at = rows.findIndex(candidate => rowKey(candidate) === key);
	if (at < 0 || rows[at] === row) return rows;
	const next = [...rows];
	next[at] = row;
	return next;
}

function withRow(state: DashboardState, row: Row): Record<Scope, readonly Row[]> {
	const replaced = replaceRow(state.rows[row.scope], row);
	return replaced === state.rows[row.scope] ? state.rows : {...state.rows, [row.scope]: replaced};
}

function withoutRow(state: DashboardState, key: string, scope: Scope): Record<Scope, readonly Row[]> {
	return {...state.rows, [scope]: state.rows[scope].filter(row => rowKey(row) !== key)};
}

function withView(state: DashboardState, update: (view: TabView) => TabView): DashboardState {
	if (state.tab === 'switches') return state;
	const view = state.views[state.tab];
	const next = update(view);
	return next === view ? state : {...state, views: {...state.views, [state.tab]: next}};
}

function withSwitches(state: DashboardState, action: SwitchesAction): DashboardState {
	const switches = switchesReducer(state.switches, action);
	return switches === state.switches ? state : {...state, switches};
}

function withoutKey<V>(map: ReadonlyMap<string, V>, key: string): ReadonlyMap<string, V> {
	if (!map.has(key)) return map;
	const next = new Map(map);
	next.delete(key);
	return next;
}

/** What one row's outcome says on the status line (a single-row change or undo), and in what tone. */
function outcomeStatus(outcome: Outcome, plan: ChangePlan): Status {
	const {row: planned, from, to} = outcome.change;
	const label = valueLabel;
	switch (outcome.kind) {
		case 'changed':
			if (plan.kind === 'undo') return {text: `Undone: ${planned.name} is back to ${label(outcome.row.value)}`, tone: 'success'};
			return {text: `${planned.name}: ${label(from)} → ${label(outcome.row.value)}, saved`, tone: 'success'};
		case 'already':
			return {text: `${planned.name} already holds ${label(outcome.row.value)} (changed elsewhere): nothing sent`, tone: 'info'};
		case 'conflict':
			return {text: `${planned.name}: left alone, someone else set ${label(outcome.row.value)}`, tone: 'warning'};
		case 'gone':
			return {text: `${planned.name} is no longer listed: nothing sent`, tone: 'warning'};
		case 'failed':
			return {text: `${planned.name}: not changed (${dashboardWords(outcome.problem.title)})`, tone: 'error'};
		case 'unknown':
			return {text: `${planned.name}: sent ${label(to)}, but whether it applied is unknown`, tone: 'error'};
		case 'not-sent':
			return {text: `${planned.name}: not sent`, tone: 'warning'};
	}
}

/** The status line after a multi-row write: how many saved, failed, skipped; an undo says what it put back. */
function endStatus(progress: Progress, plan: ChangePlan, readOnly: boolean): Status {
	const undo = plan.kind === 'undo';
	const clean = progress.done === progress.total;
	if (undo && clean) {
		const [only] = plan.changes;
		const what = progress.total === 1 && only ? only.row.name : count(progress.total, 'row');
		const to = plan.value ? valueLabel(plan.value) : 'their earlier values';
		return {text: `Undone: ${what} ${progress.total === 1 ? 'is' : 'are'} back to ${to}`, tone: 'success'};
	}
	const parts = [`${progress.done} of ${count(progress.total, 'row')} ${undo ? 'put back' : 'saved'}`];
	if (progress.failed) parts.push(`${progress.failed} failed${readOnly ? '' : ' (R retries, [ ] pages the problems)'}`);
	if (progress.skipped) parts.push(`${progress.skipped} skipped: changed by someone else`);
	if (progress.notSent) parts.push(`${progress.notSent} not sent`);
	const tone: Tone = progress.failed ? 'error' : progress.skipped || progress.notSent ? 'warning' : 'success';
	return {text: `${undo ? 'Undo: ' : ''}${parts.join(', ')}`, tone};
}

export function dashboardReducer(state: DashboardState, action: DashboardAction): DashboardState {
	switch (action.type) {
		case 'load-start':
			return {...state, loading: true, announce: action.announce ?? false, retry: undefined};
		case 'retry':
			return {...state, retry: action.notice};
		case 'load-done': {
			const rows = {product: sortRows(action.products), offerType: sortRows(action.offerTypes)};
			const stillThere = (marks: Marks, scope: Scope): Marks => {
				if (marks.size === 0) return marks;
				const ids = new Set(rows[scope].map(row => row.id));
				return new Set([...marks].filter(id => ids.has(id)));
			};
			return {
				...state,
				loading: false,
				loaded: true,
				stale: false,
				policy: action.policy,
				rows,
				views: {
					product: {...state.views.product, marks: stillThere(state.views.product.marks, 'product')},
					offerType: {...state.views.offerType, marks: stillThere(state.views.offerType.marks, 'offerType')},
				},
				// A successful load answers the question a load problem asked; a reload clears failed markers.
				problems: state.problems.filter(shown => shown.origin !== 'load'),
				problemAt: 0,
				failed: NO_FAILED,
				retry: undefined,
				announce: false,
				status: state.announce
					? {text: `Reloaded: ${count(rows.product.length, 'product')}, ${count(rows.offerType.length, 'offer type')}`, tone: 'success'}
					: state.status,
			};
		}
		case 'new-rows': {
			// Once new, new for the session: a reload (which marks them seen) keeps the markers.
			const merge = (had: ReadonlySet<string>, more: ReadonlySet<string>) => (more.size === 0 ? had : new Set([...had, ...more]));
			return {...state, newIds: {product: merge(state.newIds.product, action.product), offerType: merge(state.newIds.offerType, action.offerType)}};
		}
		case 'load-failed':
			return {...state, loading: false, stale: state.loaded, problems: [{problem: action.problem, origin: 'load'}], problemAt: 0, retry: undefined, announce: false};
		case 'move':
			if (state.tab === 'switches') {
				const switches = moveSwitch(state.switches, action.command);
				return switches === state.switches ? state : {...state, switches};
			}
			return withView(state, view => {
				const cursor = move(view.cursor, action.command, action.count, action.height);
				return cursor === view.cursor ? view : {...view, cursor};
			});
		case 'switch-tab': {
			const at = TABS.indexOf(state.tab);
			const tab = TABS[(at + action.direction + TABS.length) % TABS.length] ?? 'product';
			return {...state, tab, mode: state.mode === 'filter' ? 'list' : state.mode};
		}
		case 'sort':
			if (state.tab === 'switches') return state;
			return {...state, sort: action.sort, views: {...state.views, [state.tab]: {...state.views[state.tab], cursor: {index: action.restore, top: Math.max(0, action.restore - 1)}}}};
		case 'scroll':
			return state.scroll === action.to ? state : {...state, scroll: Math.max(0, action.to)};
		case 'filter-open':
			return {...state, mode: 'filter'};
		case 'filter-type':
			return withView({...state, mode: 'filter'}, view => ({...view, query: view.query + action.text, cursor: START}));
		case 'filter-erase':
			return withView(state, view => (view.query ? {...view, query: view.query.slice(0, -1), cursor: START} : view));
		case 'filter-keep':
			return {...state, mode: 'list'};
		case 'filter-clear': {
			const index = action.restore ?? 0;
			return withView({...state, mode: 'list'}, view => ({...view, query: '', cursor: {index, top: index}}));
		}
		case 'mark':
			return withView(state, view => ({...view, marks: toggleMark(view.marks, action.id)}));
		case 'mark-shown':
			return withView(state, view => {
				const marks = toggleMarks(view.marks, action.ids);
				return marks === view.marks ? view : {...view, marks};
			});
		case 'confirm':
			// Like the CLI's [y/N]: the dialog opens on No, so Enter alone never writes.
			return {...state, mode: 'confirm', plan: action.plan, answer: 'no', scroll: 0};
		case 'toggle-answer':
			return {...state, answer: state.answer === 'yes' ? 'no' : 'yes'};
		case 'cancel':
			return {...state, mode: 'list', plan: undefined, switchPlan: undefined, status: {text: 'Cancelled: nothing changed', tone: 'info'}};
		case 'save-start': {
			const {plan} = action;
			const saving = new Map(state.saving);
			const failed = new Map(state.failed);
			for (const change of plan.changes) {
				saving.set(rowKey(change.row), change.to);
				failed.delete(rowKey(change.row));
			}
			// Acting on the marked rows uses those marks up; marks the filter hid stay.
			const used = new Set(plan.usedMarks ?? []);
			const views =
				plan.fromMarks && state.tab !== 'switches'
					? {...state.views, [state.tab]: {...state.views[state.tab], marks: new Set([...state.views[state.tab].marks].filter(id => !used.has(id)))}}
					: state.views;
			return {
				...state,
				mode: 'list',
				plan: undefined,
				saving,
				failed,
				views,
				retry: undefined,
				// The problems of earlier writes are answered by this one.
				problems: state.problems.filter(shown => shown.origin !== 'write'),
				problemAt: 0,
				progress: {total: plan.changes.length, done: 0, failed: 0, skipped: 0, notSent: 0},
				status: {
					text: plan.changes.length === 1 ? 'Saving…' : `Saving ${count(plan.changes.length, 'row')}…`,
					tone: 'info',
				},
			};
		}
		case 'save-outcome': {
			const {outcome, plan} = action;
			const {change} = outcome;
			const key = rowKey(change.row);
			const next: DashboardState = {...state, saving: withoutKey(state.saving, key)};
			const progress = state.progress ? {...state.progress} : undefined;
			switch (outcome.kind) {
				case 'changed':
				case 'already':
					next.rows = withRow(state, outcome.row);
					next.failed = withoutKey(state.failed, key);
					if (progress) progress.done += 1;
					break;
				case 'conflict':
					// The screen shows what the service holds now, never the value asked for.
					next.rows = withRow(state, outcome.row);
					if (progress) progress.skipped += 1;
					break;
				case 'gone':
					next.rows = withoutRow(state, key, change.row.scope);
					if (progress) progress.skipped += 1;
					break;
				case 'failed':
				case 'unknown': {
					if (outcome.kind === 'failed' && outcome.row) next.rows = withRow(state, outcome.row);
					next.failed = new Map(state.failed).set(key, {change, problem: outcome.problem, unknown: outcome.kind === 'unknown'});
					const held = heldAfter(outcome);
					const context = held ? `${change.row.name} (${change.row.id}) stays ${held}` : `${change.row.name} (${change.row.id}): sent ${change.to}; not known whether it applied (r reloads)`;
					next.problems = [...state.problems, {problem: outcome.problem, origin: 'write', context}];
					next.readOnly = state.readOnly || outcome.problem.kind === 'forbidden';
					if (progress) progress.failed += 1;
					break;
				}
				case 'not-sent':
					if (progress) progress.notSent += 1;
					break;
			}
			next.progress = progress;
			if (plan.changes.length === 1) next.status = outcomeStatus(outcome, plan);
			else if (progress && !state.stopping) {
				next.status = {text: `Saving: ${progress.done + progress.failed + progress.skipped} of ${progress.total}`, tone: 'info'};
			}
			return next;
		}
		case 'save-end': {
			const progress = state.progress;
			const base = {...state, progress: undefined, canUndo: action.canUndo, saving: new Map<string, PolicyValue>(), retry: undefined};
			if (action.journalError) {
				return {...base, status: {text: `The audit log could not be written: nothing more was sent (${action.journalError})`, tone: 'error'}};
			}
			if (!progress || (progress.total <= 1 && !state.stopping)) return base;
			return {...base, status: endStatus(progress, action.plan, state.readOnly)};
		}
		case 'stopping':
			return {
				...state,
				stopping: true,
				status: {text: `Stopping: ${count(action.inFlight, 'write')} in flight; quitting when they are answered (again to quit now)`, tone: 'warning'},
			};
		case 'dismiss-problem':
			if (state.tab === 'switches') return {...state, switches: {...state.switches, problems: [], problemAt: 0}};
			return {...state, problems: [], problemAt: 0};
		case 'problem-page': {
			if (state.tab === 'switches') {
				const {problems, problemAt} = state.switches;
				if (problems.length < 2) return state;
				return {...state, switches: {...state.switches, problemAt: (problemAt + action.delta + problems.length) % problems.length}};
			}
			if (state.problems.length < 2) return state;
			const problemAt = (state.problemAt + action.delta + state.problems.length) % state.problems.length;
			return {...state, problemAt};
		}
		case 'status':
			return state.status === action.status ? state : {...state, status: action.status};
		case 'help':
			return {...state, mode: action.open ? 'help' : 'list', scroll: 0};
		case 'detail':
			return state.detail === action.open ? state : {...state, detail: action.open};
		case 'switch-confirm':
			// Like the lists' confirmation: it opens on No.
			return {...state, mode: 'confirm', switchPlan: action.plan, answer: 'no', scroll: 0};
		case 'switches-load-start':
		case 'switches-account':
			return withSwitches(state, action);
		case 'switches-loaded': {
			const next = withSwitches(state, action);
			return state.switches.announce ? {...next, status: {text: `Reloaded: ${count(action.readings.length, 'switch', 'switches')}`, tone: 'success'}} : next;
		}
		case 'switches-load-failed':
			return withSwitches(state, action);
		case 'switch-save-start': {
			const n = action.plan.changes.length;
			return {...withSwitches(state, action), mode: 'list', switchPlan: undefined, status: {text: n === 1 ? 'Saving…' : `Saving ${count(n, 'switch', 'switches')}…`, tone: 'info'}};
		}
		case 'switch-save-outcome':
			return {...withSwitches(state, action), status: switchOutcomeStatus(action.outcome, action.plan)};
		case 'switch-save-end':
			return withSwitches(state, action);
	}
}
