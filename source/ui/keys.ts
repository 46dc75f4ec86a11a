/**
 * The keymap, as one table (after k9s's KeyAction + Hints()). Each entry names its keys, the
 * modes it works in, whether it writes, its line in `?` help and its footer hint. Everything else
 * is derived from it: the input handler (commandFor), the footer (hintsFor), the help overlay
 * (helpSections) and read-only gating (a `writes` entry is refused, hidden from the footer and
 * marked in help). The README's key table ("The dashboard") says the same in prose.
 *
 * The Tenant switches tab shares the list's keys (Space toggles a switch, e turns it on, d off,
 * u undoes the last switch change); Enter there signs in to Microsoft Graph until it is signed
 * in to (an entry's `when`).
 *
 * The fleet view (`mscommerce --tenants FILE`) has a mode of its own, `fleet`: its list shares the
 * movement keys, `/`, `?` and `q` with the product list, and has its own Enter (open the tenant's
 * dashboard), r / R (reload) and s (sort). `T` in a tenant's dashboard goes back to it. Help shows
 * the sections of the view it is opened in (helpSections).
 */
import type {Key} from 'ink';
import type {SignInStep} from './hooks/useSignIn.js';
import type {Tab} from './state/dashboard.js';

/** `fleet`: the fleet view's list of tenants; `filter` and `help` serve both views. */
export type Mode = 'list' | 'filter' | 'confirm' | 'help' | 'fleet';

/** Which screen a help overlay or footer is for: a tenant's dashboard, or the fleet view. */
export type View = 'dashboard' | 'fleet';

export const Command = {
	Up: 'up',
	Down: 'down',
	PageUp: 'page-up',
	PageDown: 'page-down',
	First: 'first',
	Last: 'last',
	NextTab: 'next-tab',
	PreviousTab: 'previous-tab',
	Filter: 'filter',
	Cycle: 'cycle',
	SetEnabled: 'set-enabled',
	SetTrials: 'set-trials',
	SetDisabled: 'set-disabled',
	Mark: 'mark',
	MarkAll: 'mark-all',
	Undo: 'undo',
	RetryFailed: 'retry-failed',
	NextProblem: 'next-problem',
	PreviousProblem: 'previous-problem',
	Reload: 'reload',
	/** Enter on Tenant switches before Microsoft Graph is signed in to. */
	SignInGraph: 'sign-in-graph',
	Detail: 'detail',
	Copy: 'copy',
	Sort: 'sort',
	Escape: 'escape',
	Help: 'help',
	Quit: 'quit',
	// The fleet: T in a tenant's dashboard; Enter and R in the fleet view.
	Fleet: 'fleet',
	Open: 'open',
	ReloadAll: 'reload-all',
	Interrupt: 'interrupt',
	// While typing a filter.
	FilterType: 'filter-type',
	FilterErase: 'filter-erase',
	FilterKeep: 'filter-keep',
	FilterClear: 'filter-clear',
	// In a confirmation.
	AnswerYes: 'answer-yes',
	AnswerNo: 'answer-no',
	Answer: 'answer',
	Choose: 'choose',
	// Help, and a confirmation too long for the screen.
	ScrollUp: 'scroll-up',
	ScrollDown: 'scroll-down',
	ScrollPageUp: 'scroll-page-up',
	ScrollPageDown: 'scroll-page-down',
	CloseHelp: 'close-help',
} as const;
export type Command = (typeof Command)[keyof typeof Command];

/**
 * A key as the table names it: a printable character ('x', 'G', '?'), a named key ('up',
 * 'pageup', 'return', 'escape', 'tab', 'shift+tab', 'space', 'backspace', 'home', 'end', 'left',
 * 'right'), 'ctrl+<letter>', or 'text' (any printable text: what the filter types).
 */
export type KeySpec = string;

/** What the footer and the table's `when` know about the screen now. */
export type KeyContext = {
	mode: Mode;
	tab: Tab;
	readOnly: boolean;
	loaded: boolean;
	loading: boolean;
	stale: boolean;
	problems: number;
	/** Marked rows the filter shows (the ones e t d Space act on). */
	marked: number;
	failed: number;
	canUndo: boolean;
	detail: boolean;
	query: string;
	/** A row is selected. */
	selected: boolean;
	/** The open confirmation or help is longer than the screen. */
	scrolls: boolean;
	/** The dashboard is one tenant's of a fleet (T and Esc go back to the fleet view). */
	fleet?: boolean;
	/** Which screen the footer is for (the fleet view has no tabs). */
	view?: View;
	/** The Tenant switches tab's Microsoft Graph sign-in, where it has one. */
	graph?: SignInStep;
};

/** What decides which of two entries with the same key a press means (KeyAction.when). */
export type KeyWhen = Pick<KeyContext, 'tab' | 'graph'>;

/** Whether the Tenant switches tab waits for Enter to sign in to Microsoft Graph (it reads nothing before). */
export function needsGraphSignIn(step: SignInStep | undefined): boolean {
	return step === 'needed' || step === 'expired' || step === 'cancelled' || step === 'failed';
}

export type FooterHint = {key: string; label: string};

export type KeyAction = {
	command: Command;
	keys: readonly KeySpec[];
	modes: readonly Mode[];
	/** Changes the tenant (or only prepares to): refused in read-only mode, hidden from its footer. */
	writes?: boolean;
	/** Its line in `?` help. Consecutive entries with the same text share one line. */
	help: string;
	/**
	 * Its footer hint now, or undefined when it does nothing now. Consecutive hints with the same
	 * label share one item ("e t d set"). `key` defaults to the entry's first key.
	 */
	hint?: (context: KeyContext) => {label: string; key?: string; rank: number} | undefined;
	/** Kept at the footer's end, whatever the width (help, quit). */
	pinned?: boolean;
	/**
	 * Only when this holds, and then before the entries without one that share its key (Enter
	 * signs in to Microsoft Graph on the Tenant switches tab until it is signed in to, and cycles
	 * a row everywhere else).
	 */
	when?: (context: KeyWhen) => boolean;
};

/** What T says in a dashboard started without --tenants (one line, on the status line). */
export const NO_FLEET_NOTICE = 'No fleet: start one with `mscommerce --tenants FILE` (see docs/fleet.md)';

const SET_HELP = 'set Enabled / Trials only / Disabled (offer types: no Trials only; a switch: e on, d off), then confirm';
const TAB_HELP = 'Products → Offer types → Tenant switches';
const MOVE_HELP = 'move (the arrows and page keys also while filtering)';
const PAGE_HELP = 'page';
const ENDS_HELP = 'first / last';
const SCROLL_HELP = 'scroll';

/** Footer ranks: lower comes first, and the first ones are the ones kept at 80 columns. */
const RANK = {dismiss: 0, problems: 1, retry: 2, change: 3, mark: 4, failed: 5, undo: 6, filter: 7, tab: 8, detail: 9, copy: 10, sort: 11, reload: 12, move: 13};

const canChange = (context: KeyContext) => context.loaded && !context.readOnly;
const onSwitches = (context: {tab: Tab}) => context.tab === 'switches';

/** The table. Its order is the help overlay's order. */
export const KEYS: readonly KeyAction[] = [
	{command: Command.Up, keys: ['up', 'k'], modes: ['list', 'filter', 'fleet'], help: MOVE_HELP, hint: () => ({label: 'move', rank: RANK.move})},
	{command: Command.Down, keys: ['down', 'j'], modes: ['list', 'filter', 'fleet'], help: MOVE_HELP, hint: () => ({label: 'move', rank: RANK.move})},
	{command: Command.PageUp, keys: ['pageup', 'ctrl+u'], modes: ['list', 'filter', 'fleet'], help: PAGE_HELP},
	{command: Command.PageDown, keys: ['pagedown', 'ctrl+d'], modes: ['list', 'filter', 'fleet'], help: PAGE_HELP},
	{command: Command.First, keys: ['home', 'g'], modes: ['list', 'filter', 'fleet'], help: ENDS_HELP},
	{command: Command.Last, keys: ['end', 'G'], modes: ['list', 'filter', 'fleet'], help: ENDS_HELP},
	{
		command: Command.NextTab,
		keys: ['tab'],
		modes: ['list', 'filter'],
		help: TAB_HELP,
		hint: context => (context.view === 'fleet' ? undefined : {label: 'tab', rank: RANK.tab}),
	},
	{command: Command.PreviousTab, keys: ['shift+tab'], modes: ['list', 'filter'], help: TAB_HELP},
	{
		command: Command.Filter,
		keys: ['/'],
		modes: ['list'],
		help: 'filter: every word must match a name or ID; value:disabled (enabled, trials), is:new, is:failed, is:marked',
		hint: context => (onSwitches(context) ? undefined : {label: 'filter', rank: RANK.filter}),
	},
	{
		command: Command.Cycle,
		keys: ['space', 'return'],
		modes: ['list'],
		writes: true,
		help: 'cycle the row (or the marked rows shown) to the next valid value, then confirm',
		hint: context => {
			if (!canChange(context)) return undefined;
			if (onSwitches(context)) return context.graph === 'done' && context.selected ? {key: 'Space', label: 'toggle', rank: RANK.change} : undefined;
			return {key: 'Space', label: context.marked > 0 ? 'cycle marked' : 'cycle', rank: RANK.change};
		},
	},
	...(
		[
			[Command.SetEnabled, 'e'],
			[Command.SetTrials, 't'],
			[Command.SetDisabled, 'd'],
		] as const
	).map(
		([command, key]): KeyAction => ({
			command,
			keys: [key],
			modes: ['list'],
			writes: true,
			help: SET_HELP,
			hint: context => {
				if (!canChange(context)) return undefined;
				if (onSwitches(context)) return command !== Command.SetTrials && context.graph === 'done' && context.selected ? {label: 'on / off', rank: RANK.change + 0.5} : undefined;
				return command !== Command.SetTrials || context.tab === 'product' ? {label: context.marked > 0 ? `set ${context.marked} marked` : 'set', rank: RANK.change + 0.5} : undefined;
			},
		}),
	),
	{
		command: Command.Mark,
		keys: ['x'],
		modes: ['list'],
		writes: true,
		help: 'mark the row / mark (or unmark) every row shown; e t d Space then act on the marked rows shown',
		hint: context => (canChange(context) && !onSwitches(context) ? {label: 'mark', rank: RANK.mark} : undefined),
	},
	{
		command: Command.MarkAll,
		keys: ['X'],
		modes: ['list'],
		writes: true,
		help: 'mark the row / mark (or unmark) every row shown; e t d Space then act on the marked rows shown',
		hint: context => (canChange(context) && !onSwitches(context) ? {label: 'mark', rank: RANK.mark} : undefined),
	},
	{
		command: Command.Undo,
		keys: ['u'],
		modes: ['list'],
		writes: true,
		help: 'undo the last change set made in this session (on Tenant switches: the last switch change)',
		hint: context => (canChange(context) && context.canUndo ? {label: 'undo', rank: RANK.undo} : undefined),
	},
	{
		command: Command.RetryFailed,
		keys: ['R'],
		modes: ['list'],
		writes: true,
		help: 'retry the rows whose write failed (marked !)',
		hint: context => (canChange(context) && context.failed > 0 ? {label: 'retry failed', rank: RANK.failed} : undefined),
	},
	{
		command: Command.NextProblem,
		keys: [']'],
		modes: ['list'],
		help: 'page through the problems when several rows failed',
		hint: context => (context.problems > 1 ? {key: '[ ]', label: 'problems', rank: RANK.problems} : undefined),
	},
	{command: Command.PreviousProblem, keys: ['['], modes: ['list'], help: 'page through the problems when several rows failed'},
	{
		command: Command.Reload,
		keys: ['r'],
		modes: ['list'],
		help: 'reload from the service (+ marks products new to you); Tenant switches: read them again',
		hint: context => {
			if (onSwitches(context) && context.graph !== 'done') return undefined;
			return context.stale || (!context.loaded && !context.loading) ? {label: 'retry', rank: RANK.retry} : context.loaded ? {label: 'reload', rank: RANK.reload} : undefined;
		},
	},
	{
		command: Command.SignInGraph,
		keys: ['return'],
		modes: ['list'],
		help: 'Tenant switches: sign in to Microsoft Graph, its own sign-in (a device code; Esc cancels it); signed in, Space toggles a switch',
		when: context => onSwitches(context) && context.graph !== 'done',
		hint: context => (onSwitches(context) && needsGraphSignIn(context.graph) ? {label: 'sign in to Microsoft Graph', rank: RANK.change} : undefined),
	},
	{
		command: Command.Detail,
		keys: ['i'],
		modes: ['list'],
		help: "details of the selected row: full value name, why its last write failed, correlation ID; a product's: can users still get it (with the tenant switches)",
		hint: context => (context.selected ? {label: context.detail ? 'hide detail' : 'detail', rank: RANK.detail} : undefined),
	},
	{
		command: Command.Copy,
		keys: ['c'],
		modes: ['list'],
		help: "copy the selected row's ID (a switch's name) to the clipboard (OSC 52, works over SSH)",
		hint: context => (context.selected ? {label: onSwitches(context) ? 'copy name' : 'copy ID', rank: RANK.copy} : undefined),
	},
	{
		command: Command.Sort,
		keys: ['s'],
		modes: ['list'],
		help: 'sort by name / ID / value',
		hint: context => (context.loaded && !onSwitches(context) ? {label: 'sort', rank: RANK.sort} : undefined),
	},
	{
		command: Command.Escape,
		keys: ['escape'],
		modes: ['list'],
		help: 'close the detail, else cancel a Graph sign-in, else dismiss the problem, else clear the filter, else back to the fleet view (with --tenants)',
		hint: context => {
			if (context.detail) return {label: 'close detail', rank: RANK.dismiss};
			if (onSwitches(context) && context.graph === 'waiting') return {label: 'cancel sign-in', rank: RANK.dismiss};
			if (context.problems > 0) return {label: 'dismiss', rank: RANK.dismiss};
			if (context.query) return {label: 'clear filter', rank: RANK.dismiss};
			return undefined;
		},
	},
	{
		command: Command.Fleet,
		keys: ['T'],
		modes: ['list'],
		help: 'the fleet view: back to the list of tenants (mscommerce --tenants FILE)',
		hint: context => (context.fleet ? {label: 'tenants', rank: RANK.undo - 0.5} : undefined),
	},

	{
		command: Command.Open,
		keys: ['return'],
		modes: ['fleet'],
		help: "open the tenant's dashboard (Esc or T there comes back here)",
		hint: context => (context.selected ? {label: 'open', rank: RANK.change} : undefined),
	},
	{
		command: Command.Filter,
		keys: ['/'],
		modes: ['fleet'],
		help: "filter: every word must match a tenant's name, domain or ID; is:drift, is:new, is:failed, is:loading",
		hint: () => ({label: 'filter', rank: RANK.filter}),
	},
	{command: Command.Sort, keys: ['s'], modes: ['fleet'], help: 'sort by name / drift / problems first', hint: () => ({label: 'sort', rank: RANK.sort})},
	{
		command: Command.Reload,
		keys: ['r'],
		modes: ['fleet'],
		help: 'reload the selected tenant',
		hint: context => (context.selected ? {label: 'reload', rank: RANK.reload} : undefined),
	},
	{command: Command.ReloadAll, keys: ['R'], modes: ['fleet'], help: 'reload every tenant', hint: () => ({label: 'reload all', rank: RANK.reload + 0.5})},
	{
		command: Command.Escape,
		keys: ['escape'],
		modes: ['fleet'],
		help: 'clear the filter',
		hint: context => (context.query ? {label: 'clear filter', rank: RANK.dismiss} : undefined),
	},

	{command: Command.Help, keys: ['?'], modes: ['list', 'fleet'], help: 'this help', pinned: true, hint: () => ({label: 'help', rank: 0})},
	{
		command: Command.Quit,
		keys: ['q'],
		modes: ['list', 'fleet'],
		help: 'quit (with writes in flight: stop sending, wait for the answers, then quit)',
		pinned: true,
		hint: () => ({label: 'quit', rank: 1}),
	},
	{command: Command.Interrupt, keys: ['ctrl+c'], modes: ['list', 'filter', 'confirm', 'help', 'fleet'], help: 'quit from anywhere (again: at once)'},

	{command: Command.FilterKeep, keys: ['return'], modes: ['filter'], help: 'keep the filter', hint: () => ({label: 'keep', rank: 1})},
	{command: Command.FilterClear, keys: ['escape'], modes: ['filter'], help: 'clear the filter', hint: () => ({label: 'clear', rank: 2})},
	{command: Command.FilterErase, keys: ['backspace'], modes: ['filter'], help: 'erase the last character'},
	{command: Command.FilterType, keys: ['text'], modes: ['filter'], help: 'type to filter (q and ? too)', hint: () => ({key: 'type', label: 'to filter', rank: 0})},

	{command: Command.AnswerYes, keys: ['y', 'Y'], modes: ['confirm'], help: 'yes: write', hint: () => ({key: 'y', label: 'yes', rank: 0})},
	{command: Command.AnswerNo, keys: ['n', 'N', 'escape', 'q'], modes: ['confirm'], help: 'no: cancel (q never quits from a question)', hint: () => ({key: 'n Esc', label: 'no', rank: 1})},
	{
		command: Command.Choose,
		keys: ['up', 'down', 'left', 'right', 'tab', 'j', 'k'],
		modes: ['confirm'],
		help: 'choose Yes or No (it opens on No)',
		hint: () => ({key: '↑ ↓', label: 'choose', rank: 2}),
	},
	{command: Command.Answer, keys: ['return'], modes: ['confirm'], help: 'answer the highlighted choice: Enter alone cancels', hint: () => ({label: 'answer', rank: 3})},

	{command: Command.ScrollUp, keys: ['up', 'k'], modes: ['help'], help: SCROLL_HELP, hint: context => (context.scrolls ? {key: '↑ ↓', label: 'scroll', rank: 1} : undefined)},
	{command: Command.ScrollDown, keys: ['down', 'j'], modes: ['help'], help: SCROLL_HELP},
	{
		command: Command.ScrollPageUp,
		keys: ['pageup', 'ctrl+u'],
		modes: ['help', 'confirm'],
		help: 'page through a long help or confirmation',
		hint: context => (context.scrolls ? {key: 'PgUp PgDn', label: context.mode === 'confirm' ? 'more rows' : 'page', rank: 4} : undefined),
	},
	{command: Command.ScrollPageDown, keys: ['pagedown', 'ctrl+d', 'space'], modes: ['help', 'confirm'], help: 'page through a long help or confirmation'},
	{command: Command.CloseHelp, keys: ['escape', '?', 'q'], modes: ['help'], help: 'close this help', hint: () => ({key: 'Esc', label: 'close help', rank: 0})},
];

const NAMED: Record<string, string> = {
	up: '↑',
	down: '↓',
	left: '←',
	right: '→',
	pageup: 'PgUp',
	pagedown: 'PgDn',
	home: 'Home',
	end: 'End',
	tab: 'Tab',
	'shift+tab': 'Shift-Tab',
	return: 'Enter',
	escape: 'Esc',
	space: 'Space',
	backspace: 'Backspace',
	text: 'type',
};

/** How a key is written on screen: ↑, PgUp, Ctrl-u, Esc, x. */
export function keyLabel(spec: KeySpec): string {
	if (NAMED[spec]) return NAMED[spec];
	if (spec.startsWith('ctrl+')) return `Ctrl-${spec.slice(5)}`;
	return spec;
}

function printable(input: string, key: Key): boolean {
	return input.length > 0 && !key.ctrl && !key.meta && [...input].some(char => char >= ' ' && char !== '\u007F');
}

/** Whether a key press is the key a spec names. */
export function matches(spec: KeySpec, input: string, key: Key): boolean {
	switch (spec) {
		case 'up':
			return key.upArrow;
		case 'down':
			return key.downArrow;
		case 'left':
			return key.leftArrow;
		case 'right':
			return key.rightArrow;
		case 'pageup':
			return key.pageUp;
		case 'pagedown':
			return key.pageDown;
		case 'home':
			return key.home;
		case 'end':
			return key.end;
		case 'tab':
			return key.tab && !key.shift;
		case 'shift+tab':
			return key.tab && key.shift;
		case 'return':
			return key.return;
		case 'escape':
			return key.escape;
		case 'backspace':
			return key.backspace || key.delete;
		case 'space':
			return input === ' ' && !key.ctrl && !key.meta;
		case 'text':
			return printable(input, key) && !key.tab && !key.return && !key.escape;
		default:
			if (spec.startsWith('ctrl+')) return key.ctrl && input === spec.slice(5);
			return input === spec && !key.ctrl && !key.meta;
	}
}

/** Ctrl-C, wherever the user is. */
export function isInterrupt(input: string, key: Key): boolean {
	return matches('ctrl+c', input, key);
}

/** A key that types a character ('k', '?', 'space'), as opposed to an arrow or Ctrl-u. */
function typesText(spec: KeySpec): boolean {
	return spec === 'space' || [...spec].length === 1;
}

/**
 * The command a key press means in a mode: the first entry of the table, in order, whose key it
 * is. Where the mode takes text (the filter), a printable key is text: `k`, `q` and `?` type.
 */
export function commandFor(mode: Mode, input: string, key: Key, context?: KeyWhen): KeyAction | undefined {
	const pressed = (action: KeyAction) => keysIn(action, mode).some(spec => matches(spec, input, key));
	// An entry whose `when` holds comes before the others with the same key (Enter on Tenant switches).
	for (const action of KEYS) if (action.when && context && action.when(context) && pressed(action)) return action;
	for (const action of KEYS) if (!action.when && pressed(action)) return action;
	return undefined;
}

/** The keys an entry answers to in a mode: none outside its modes, and no printable ones where the mode takes text. */
export function keysIn(action: KeyAction, mode: Mode): readonly KeySpec[] {
	if (!action.modes.includes(mode)) return [];
	const typing = KEYS.some(other => other.modes.includes(mode) && other.keys.includes('text'));
	return typing && action.command !== Command.FilterType ? action.keys.filter(spec => !typesText(spec)) : action.keys;
}

/** One footer's items: the keys that do something now, in rank order, and the pinned ones. */
export function hintsFor(context: KeyContext): {items: FooterHint[]; pinned: FooterHint[]} {
	const ranked: Array<FooterHint & {rank: number; pinned: boolean}> = [];
	for (const action of KEYS) {
		if (!action.modes.includes(context.mode) || !action.hint) continue;
		if (action.writes && context.readOnly) continue;
		const hint = action.hint(context);
		if (!hint) continue;
		const key = hint.key ?? keyLabel(action.keys[0] ?? '');
		const last = ranked.at(-1);
		// e, t, d share "set": one item, "e t d set".
		if (last && last.label === hint.label && last.rank === hint.rank) {
			if (!last.key.split(' ').includes(key)) last.key = `${last.key} ${key}`;
		} else {
			ranked.push({key, label: hint.label, rank: hint.rank, pinned: Boolean(action.pinned)});
		}
	}
	const order = (list: typeof ranked) => list.sort((a, b) => a.rank - b.rank).map(({key, label}) => ({key, label}));
	return {items: order(ranked.filter(item => !item.pinned)), pinned: order(ranked.filter(item => item.pinned))};
}

export type HelpLine = {keys: string; does: string; writes: boolean};
export type HelpSection = {title: string; lines: HelpLine[]};

const SECTION_TITLE: Record<Mode, string> = {
	list: 'The list',
	filter: 'While typing a filter (after /)',
	confirm: 'In a confirmation',
	help: 'In this help',
	fleet: 'The fleet (one line per tenant)',
};

/**
 * The section an entry is listed under in a view's help, if any. The dashboard: the first mode
 * it works in (entries only for the fleet view are left out). The fleet view: `fleet` for every
 * entry that works there, and the filter's and help's own entries (not the tabs, which it has not).
 */
function sectionOf(action: KeyAction, view: View): Mode | undefined {
	const [first] = action.modes;
	if (view === 'dashboard') return first === 'fleet' ? undefined : first;
	if (action.modes.includes('fleet')) return 'fleet';
	return (first === 'filter' || first === 'help') && action.command !== Command.NextTab && action.command !== Command.PreviousTab ? first : undefined;
}

/**
 * The `?` overlay's sections for a view: each entry under one mode (sectionOf); consecutive
 * entries with the same help text share a line, their keys side by side (↑ ↓  k j).
 */
export function helpSections(view: View = 'dashboard'): HelpSection[] {
	const sections: HelpSection[] = [];
	let group: KeyAction[] = [];
	let groupMode: Mode | undefined;
	const flush = () => {
		const [first] = group;
		const mode = groupMode;
		if (!first || !mode) {
			group = [];
			return;
		}
		let section = sections.find(candidate => candidate.title === SECTION_TITLE[mode]);
		if (!section) {
			section = {title: SECTION_TITLE[mode], lines: []};
			sections.push(section);
		}
		const columns = Math.max(...group.map(action => action.keys.length));
		const keys: string[] = [];
		for (let column = 0; column < columns; column++) {
			keys.push(group.map(action => action.keys[column]).filter((spec): spec is string => spec !== undefined).map(keyLabel).join(' '));
		}
		// Side by side, a group's keys in columns (↑ ↓  k j); one entry's keys in a row (n N Esc q).
		section.lines.push({keys: keys.join(group.length > 1 ? '  ' : ' '), does: first.help, writes: group.some(action => action.writes === true)});
		group = [];
	};
	for (const action of KEYS) {
		const mode = sectionOf(action, view);
		if (!mode) continue;
		const [first] = group;
		if (first && (first.help !== action.help || groupMode !== mode)) flush();
		group.push(action);
		groupMode = mode;
	}
	flush();
	return sections;
}
