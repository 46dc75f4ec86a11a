/**
 * What a command does, decided without React: the actions for the reducer and at most one
 * effect for the screen to run (quit, reload, send a plan, copy an ID). The key handler only
 * translates a key (keys.ts), calls this and carries out the answer, so every rule about
 * read-only mode, marks the filter hides, a busy session or a too-small terminal lives here.
 */
import type {SwitchRow} from '../../commerce/changes.js';
import type {Row} from '../../commerce/types.js';
import type {ChangeSession} from '../../commerce/session.js';
import type {SignInStep} from '../hooks/useSignIn.js';
import {Command, KEYS, needsGraphSignIn, NO_FLEET_NOTICE, type KeyAction} from '../keys.js';
import {nothingToChange, planCycle, planSet, withValue, type ChangePlan} from './changes.js';
import {READ_ONLY_BANNER, rowKey, type DashboardAction, type DashboardState, type Status, type Tone} from './dashboard.js';
import {shownRows, SORT_KEYS, SORT_LABEL} from './filter.js';
import {isMoveCommand} from './listWindow.js';
import {nothingToSwitch, planSwitch, selectedSwitch, switchLookup, type SwitchPlan} from './switches.js';
import {factsOf, marksOnShow, selectedRow, visibleRows} from './view.js';

export type Effect =
	| {type: 'quit'; code: number}
	| {type: 'reload'}
	| {type: 'apply'; plan: ChangePlan}
	| {type: 'copy'; row: {id: string; name: string}}
	/** Back to the fleet view (a tenant's dashboard opened from it). */
	| {type: 'fleet'}
	/** Tenant switches: start Microsoft Graph's device-code sign-in (Enter), or stop waiting for it (Esc). */
	| {type: 'graph-sign-in'}
	| {type: 'graph-cancel'}
	/** Tenant switches: read them again (r), or try the silent sign-in again when not signed in. */
	| {type: 'graph-reload'}
	| {type: 'apply-switches'; plan: SwitchPlan};

export type Decision = {actions: DashboardAction[]; effect?: Effect};

export type DecideContext = {
	/** Rows of the list on screen: what PgUp / PgDn move by. */
	page: number;
	/** How far the open help or confirmation scrolls, and by how much a page. */
	scrollMax: number;
	scrollPage: number;
	/** Why the detail panel cannot open at this size, when it cannot. */
	detailWhyNot: string | undefined;
	session: Pick<ChangeSession, 'busy' | 'failed' | 'undoPlan' | 'retryPlan'>;
	/** This dashboard is one tenant's of a fleet: T and Esc go back to the fleet view. */
	fleet?: boolean;
	/** The tenant-wide switches' session (Backend.switches), where there is one. */
	switches?: Pick<ChangeSession<SwitchRow>, 'busy' | 'failed' | 'undoPlan' | 'retryPlan'>;
	/** The Tenant switches tab's Microsoft Graph sign-in. */
	graph?: SignInStep;
};

/** A key as decide() takes it: the table's entry, and the text typed (for the filter). */
export type Pressed = {action: KeyAction; text: string};

const WRITES = new Set(KEYS.filter(action => action.writes).map(action => action.command));

const say = (text: string, tone: Tone = 'warning'): DashboardAction => ({type: 'status', status: {text, tone} satisfies Status});
const only = (...actions: DashboardAction[]): Decision => ({actions});

/** Where a scrolled panel (help, a long dialog) is after moving `delta` lines, kept within 0…max. */
export function scrolledBy(scroll: number, max: number, delta: number): number {
	return Math.max(0, Math.min(max, Math.min(scroll, max) + delta));
}

/** How many lines a help scrolling command moves (a line or a page), or undefined for any other command. */
export function helpScroll(command: Command, page: number): number | undefined {
	switch (command) {
		case Command.ScrollUp:
			return -1;
		case Command.ScrollDown:
			return 1;
		case Command.ScrollPageUp:
			return -page;
		case Command.ScrollPageDown:
			return page;
		default:
			return undefined;
	}
}

/** What a filter keeps of typed text: printable characters only (a paste arrives as one string). */
export function printable(text: string): string {
	return [...text].filter(char => char >= ' ' && char !== '\u007F').join('');
}

export function decide(state: DashboardState, {action, text}: Pressed, context: DecideContext): Decision {
	const {command} = action;
	if (command === Command.Interrupt) return {actions: [], effect: {type: 'quit', code: 130}};
	// Keys that change the tenant, or prepare to (marks), do nothing read-only but say why.
	if (WRITES.has(command) && state.readOnly) return only(say(READ_ONLY_BANNER));

	const scope = state.tab === 'switches' ? 'product' : state.tab;
	const view = state.views[scope];
	const all = state.rows[scope];
	const shown = visibleRows(state);
	const selected = selectedRow(state, shown);
	const scrollBy = (delta: number) => only({type: 'scroll', to: scrolledBy(state.scroll, context.scrollMax, delta)});
	const clearFilter = (): DashboardAction => {
		// The row under the cursor stays under it once every row shows again.
		const unfiltered = shownRows(all, '', factsOf(state), state.sort);
		const restore = selected ? unfiltered.indexOf(selected) : -1;
		return {type: 'filter-clear', restore: restore >= 0 ? restore : undefined};
	};
	const lookup = (): ((key: string) => Row | undefined) => {
		const byKey = new Map<string, Row>();
		for (const scope of ['product', 'offerType'] as const) for (const row of state.rows[scope]) byKey.set(rowKey(row), row);
		return key => byKey.get(key);
	};
	const busy = (): DashboardAction | undefined =>
		context.session.busy || context.switches?.busy ? say('Still saving the last change: wait for it to finish') : undefined;
	/** T, or Esc with nothing else to close: the fleet view, once no write of this tenant is in flight. */
	const toFleet = (): Decision => {
		const wait = busy();
		return wait ? only(wait) : {actions: [], effect: {type: 'fleet'}};
	};

	/** e t d Space: on the marked rows the filter shows when there are any, else on the selected row. */
	const propose = (make: (rows: readonly Row[]) => ChangePlan): Decision => {
		if (!state.loaded) return only(say('Nothing loaded yet'));
		const wait = busy();
		if (wait) return only(wait);
		const marks = marksOnShow(state, shown);
		const fromMarks = marks.shown.length > 0;
		const targets = fromMarks ? marks.shown : selected ? [selected] : [];
		const ready = targets.filter(row => !state.saving.has(rowKey(row)));
		if (targets.length > 0 && ready.length === 0) {
			return only(say(`Still saving ${targets.length === 1 ? (targets[0]?.name ?? 'it') : 'those rows'}`));
		}
		const plan: ChangePlan = {...make(ready), fromMarks, usedMarks: marks.shown.map(row => row.id), hiddenMarks: marks.hidden};
		if (plan.changes.length === 0) return only(say(nothingToChange(plan)));
		return only({type: 'confirm', plan});
	};

	switch (state.mode) {
		case 'help': {
			if (command === Command.CloseHelp) return only({type: 'help', open: false});
			const delta = helpScroll(command, context.scrollPage);
			return delta === undefined ? only() : scrollBy(delta);
		}
		case 'confirm': {
			// The plan on show: the lists', or a tenant switch's.
			const send = (): Effect | undefined =>
				state.plan ? {type: 'apply', plan: state.plan} : state.switchPlan ? {type: 'apply-switches', plan: state.switchPlan} : undefined;
			switch (command) {
				case Command.AnswerYes: {
					const effect = send();
					return effect ? {actions: [], effect} : only();
				}
				case Command.AnswerNo:
					return only({type: 'cancel'});
				case Command.Answer: {
					const effect = send();
					if (!effect) return only();
					return state.answer === 'yes' ? {actions: [], effect} : only({type: 'cancel'});
				}
				case Command.Choose:
					return only({type: 'toggle-answer'});
				case Command.ScrollPageUp:
					return scrollBy(-context.scrollPage);
				case Command.ScrollPageDown:
					return scrollBy(context.scrollPage);
				default:
					return only();
			}
		}
		case 'filter':
			if (isMoveCommand(command)) return only({type: 'move', command, count: shown.length, height: context.page});
			switch (command) {
				case Command.FilterClear:
					return only(clearFilter());
				case Command.FilterKeep:
					return only({type: 'filter-keep'});
				case Command.FilterErase:
					return only({type: 'filter-erase'});
				case Command.FilterType: {
					const typed = printable(text);
					return typed ? only({type: 'filter-type', text: typed}) : only();
				}
				case Command.NextTab:
				case Command.PreviousTab:
					return only({type: 'switch-tab', direction: command === Command.NextTab ? 1 : -1});
				default:
					return only();
			}
		case 'list':
			break;
	}

	// In the list, any key clears the last message first.
	const clear: DashboardAction[] = state.status ? [{type: 'status', status: undefined}] : [];
	const then = (decision: Decision): Decision => ({actions: [...clear, ...decision.actions], effect: decision.effect});
	if (state.tab === 'switches') return then(decideSwitches(state, command, context, toFleet));
	if (isMoveCommand(command)) return then(only({type: 'move', command, count: shown.length, height: context.page}));
	switch (command) {
		case Command.Quit:
			return {actions: [], effect: {type: 'quit', code: 0}};
		case Command.Escape:
			if (state.detail) return then(only({type: 'detail', open: false}));
			if (state.problems.length > 0) return then(only({type: 'dismiss-problem'}));
			if (view.query) return then(only(clearFilter()));
			if (context.fleet) return then(toFleet());
			return then(only());
		case Command.Fleet:
			if (!context.fleet) return then(only(say(NO_FLEET_NOTICE, 'info')));
			return then(toFleet());
		case Command.NextTab:
		case Command.PreviousTab:
			return then(only({type: 'switch-tab', direction: command === Command.NextTab ? 1 : -1}));
		case Command.Filter:
			return then(only({type: 'filter-open'}));
		case Command.Cycle:
			return then(propose(planCycle));
		case Command.SetEnabled:
			return then(propose(rows => planSet(rows, 'Enabled')));
		case Command.SetTrials:
			if (state.tab !== 'product') return then(only(say('Offer types take Enabled or Disabled only: e or d')));
			return then(propose(rows => planSet(rows, 'OnlyTrialsWithoutPaymentMethod')));
		case Command.SetDisabled:
			return then(propose(rows => planSet(rows, 'Disabled')));
		case Command.Mark:
			if (!selected) return then(only());
			return then(only({type: 'mark', id: selected.id}, {type: 'move', command: Command.Down, count: shown.length, height: context.page}));
		case Command.MarkAll:
			return then(only({type: 'mark-shown', ids: shown.map(row => row.id)}));
		case Command.Undo: {
			const wait = busy();
			if (wait) return then(only(wait));
			const plan = context.session.undoPlan(lookup());
			if (!plan) return then(only(say('Nothing to undo', 'info')));
			if (plan.changes.length === 0) return then(only(say(nothingToChange(plan))));
			return then(only({type: 'confirm', plan: withValue(plan)}));
		}
		case Command.RetryFailed: {
			const wait = busy();
			if (wait) return then(only(wait));
			if (context.session.failed.size === 0) return then(only(say('Nothing failed to retry', 'info')));
			// The same values the person confirmed, compared against what each failed attempt started from.
			const plan = context.session.retryPlan(lookup());
			if (plan.changes.length === 0) return then(only(say(nothingToChange(plan), 'info')));
			return {actions: clear, effect: {type: 'apply', plan}};
		}
		case Command.Reload:
			return {actions: clear, effect: {type: 'reload'}};
		case Command.Detail:
			if (state.detail) return then(only({type: 'detail', open: false}));
			if (!selected) return then(only(say('No row selected', 'info')));
			if (context.detailWhyNot) return then(only(say(context.detailWhyNot)));
			return then(only({type: 'detail', open: true}));
		case Command.Copy:
			if (!selected) return then(only(say('No row selected', 'info')));
			return {actions: clear, effect: {type: 'copy', row: selected}};
		case Command.Sort: {
			const sort = SORT_KEYS[(SORT_KEYS.indexOf(state.sort) + 1) % SORT_KEYS.length] ?? 'name';
			// The selected row stays selected in the new order.
			const resorted = shownRows(all, view.query, factsOf(state), sort);
			const restore = selected ? Math.max(0, resorted.indexOf(selected)) : 0;
			return then(only({type: 'sort', sort, restore}, say(`Sorted by ${SORT_LABEL[sort]}`, 'info')));
		}
		case Command.NextProblem:
		case Command.PreviousProblem:
			return then(only({type: 'problem-page', delta: command === Command.NextProblem ? 1 : -1}));
		case Command.Help:
			return then(only({type: 'help', open: true}));
		default:
			return then(only());
	}
}

/**
 * The Tenant switches tab's list: the same keys as the products' (↑ ↓ move, Space toggles, e on,
 * d off, u undoes the last switch change, R retries, i details, c copies the name, r reads
 * again), and Enter / Esc for Microsoft Graph's own sign-in until it is signed in to.
 */
function decideSwitches(state: DashboardState, command: Command, context: DecideContext, toFleet: () => Decision): Decision {
	const {switches} = state;
	const selected = selectedSwitch(switches);
	const graph = context.graph;
	const wait = (): DashboardAction | undefined => (context.session.busy || context.switches?.busy ? say('Still saving the last change: wait for it to finish') : undefined);
	const signedOut = (): Decision | undefined => {
		if (!context.switches) return only(say('The tenant-wide switches are not available in this dashboard', 'info'));
		if (graph === 'done') return undefined;
		if (graph === 'waiting') return only(say('Waiting for the Microsoft Graph sign-in: approve the code, or Esc to cancel', 'info'));
		if (needsGraphSignIn(graph)) return only(say('Not signed in to Microsoft Graph: Enter signs in', 'info'));
		return only(say('Signing in to Microsoft Graph…', 'info'));
	};
	/** Space, e, d: the selected switch to a value, confirmed first. */
	const propose = (to: (value: 'on' | 'off') => 'on' | 'off'): Decision => {
		const out = signedOut();
		if (out) return out;
		const busy = wait();
		if (busy) return only(busy);
		if (!switches.loaded || !selected) return only(say(switches.loading ? 'Still reading the switches' : 'Nothing read yet: r reads the switches', 'info'));
		if (switches.saving.has(selected.name)) return only(say(`Still saving ${selected.name}`));
		if (!('value' in selected)) return only(say(`${selected.name} could not be read, so it cannot be changed here: r reads it again`));
		const plan = planSwitch(selected, to(selected.value));
		if (plan.changes.length === 0) return only(say(nothingToSwitch(plan), 'info'));
		return only({type: 'switch-confirm', plan});
	};
	if (isMoveCommand(command)) return only({type: 'move', command, count: switches.readings.length, height: context.page});
	switch (command) {
		case Command.Quit:
			return {actions: [], effect: {type: 'quit', code: 0}};
		case Command.Escape:
			if (state.detail) return only({type: 'detail', open: false});
			if (graph === 'waiting') return {actions: [], effect: {type: 'graph-cancel'}};
			if (switches.problems.length > 0) return only({type: 'dismiss-problem'});
			if (context.fleet) return toFleet();
			return only();
		case Command.Fleet:
			if (!context.fleet) return only(say(NO_FLEET_NOTICE, 'info'));
			return toFleet();
		case Command.NextTab:
		case Command.PreviousTab:
			return only({type: 'switch-tab', direction: command === Command.NextTab ? 1 : -1});
		case Command.SignInGraph:
			if (!context.switches) return only(say('The tenant-wide switches are not available in this dashboard', 'info'));
			if (needsGraphSignIn(graph)) return {actions: [], effect: {type: 'graph-sign-in'}};
			return signedOut() ?? only();
		case Command.Filter:
			return only(say('Tenant switches: four rows, nothing to filter (Tab goes back to the lists)', 'info'));
		case Command.Cycle:
			return propose(value => (value === 'on' ? 'off' : 'on'));
		case Command.SetEnabled:
			return propose(() => 'on');
		case Command.SetDisabled:
			return propose(() => 'off');
		case Command.SetTrials:
			return only(say('A switch is on or off: e turns it on, d off, Space toggles it', 'info'));
		case Command.Mark:
		case Command.MarkAll:
			return only(say('Marks are for products and offer types: a switch is changed one at a time', 'info'));
		case Command.Undo: {
			const out = signedOut();
			if (out) return out;
			const busy = wait();
			if (busy) return only(busy);
			const plan = context.switches?.undoPlan(switchLookup(switches));
			if (!plan) return only(say('Nothing to undo', 'info'));
			if (plan.changes.length === 0) return only(say(nothingToSwitch(plan)));
			const targets = new Set(plan.changes.map(change => change.to));
			return only({type: 'switch-confirm', plan: targets.size === 1 ? {...plan, value: [...targets][0]} : plan});
		}
		case Command.RetryFailed: {
			const out = signedOut();
			if (out) return out;
			const busy = wait();
			if (busy) return only(busy);
			if (!context.switches || context.switches.failed.size === 0) return only(say('Nothing failed to retry', 'info'));
			const plan = context.switches.retryPlan(switchLookup(switches));
			if (plan.changes.length === 0) return only(say(nothingToSwitch(plan), 'info'));
			return {actions: [], effect: {type: 'apply-switches', plan}};
		}
		case Command.Reload:
			if (!context.switches) return only(say('The tenant-wide switches are not available in this dashboard', 'info'));
			if (graph === 'waiting' || graph === 'silent') return signedOut() ?? only();
			return {actions: [], effect: {type: 'graph-reload'}};
		case Command.Detail:
			if (state.detail) return only({type: 'detail', open: false});
			if (!selected) return only(say('No switch selected', 'info'));
			if (context.detailWhyNot) return only(say(context.detailWhyNot));
			return only({type: 'detail', open: true});
		case Command.Copy:
			if (!selected) return only(say('No switch selected', 'info'));
			return {actions: [], effect: {type: 'copy', row: {id: selected.name, name: selected.label}}};
		case Command.Sort:
			return only(say('Tenant switches keep their order', 'info'));
		case Command.NextProblem:
		case Command.PreviousProblem:
			return only({type: 'problem-page', delta: command === Command.NextProblem ? 1 : -1});
		case Command.Help:
			return only({type: 'help', open: true});
		default:
			return only();
	}
}
