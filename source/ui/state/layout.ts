/**
 * Where everything goes on the main screen, for a terminal size and a state: column widths, and
 * the height of every part (notice, header, tabs, banner, list, detail, problem, confirmation,
 * help, status, footer). One pure function, so MainScreen only draws what it is given and the
 * arithmetic is tested without rendering.
 *
 * When lines run short, what a person needs to answer or act keeps its place: a confirmation's
 * title, tenant and Yes / No come first, then the status line, the tabs, a line of the list, the
 * header, three rows of the list, the rest of the confirmation, the detail, the problem, and
 * only then more rows of the list.
 */
import type {PolicyValue, Row, Scope} from '../../commerce/types.js';
import type {AccountSummary} from '../backend.js';
import {rowKey, shownProblem, type DashboardState, type ShownProblem} from './dashboard.js';
import {
	DETAIL_CHROME,
	detailFields,
	dialogText,
	switchDialogText,
	fitProblem,
	headerText,
	helpText,
	problemLines,
	type Field,
	type HeaderText,
	type HelpLine,
	type ProblemLine,
} from './panels.js';
import {selectedSwitch} from './switches.js';

export type Columns = {
	/** Name column width. */
	name: number;
	/** ID column width; 0 when hidden (very narrow terminals). */
	id: number;
	value: number;
	/** "Trial w/o pay" column width; 0 when hidden. */
	trial: number;
};

/** The cursor pointer, the mark, and a space. */
export const ROW_PREFIX = 3;
/** Values read the same at every width ("Trials only"): the column is as wide as the longest. */
export const VALUE_WIDTH = 'Trials only'.length;
export const TRIAL_HEADER = 'Trial w/o pay';
/** Terminals at least this wide get the trial column (products). */
export const MEDIUM = 90;
/** The name column never grows past this. */
export const MAX_NAME = 60;
/** The size the dashboard is made for; below it a notice says so. */
export const MIN_SIZE = {columns: 80, rows: 24};
/** The list keeps at least this many rows when panels open under it. */
export const MIN_LIST_ROWS = 3;
/** Tenant switches keeps a line for each of its four switches. */
export const MIN_SWITCH_ROWS = 4;

export function columnsFor(width: number, scope: Scope): Columns {
	const value = VALUE_WIDTH;
	const trial = scope === 'product' && width >= MEDIUM ? TRIAL_HEADER.length : 0;
	let id = scope === 'product' ? 12 : 14;
	const used = () => ROW_PREFIX + (id ? id + 1 : 0) + value + 1 + (trial ? trial + 1 : 0);
	if (width - used() < 16) id = 0;
	// Wide terminals leave room on the right rather than push the ID far from the name.
	const name = Math.min(MAX_NAME, Math.max(4, width - used() - 1));
	return {name, id, value, trial};
}

/** The confirmation as it fits: the changes on show (scrolled), and a line saying where the rest are. */
export type DialogView = {
	title: string;
	where: string[];
	changes: string[];
	/** "rows 1–5 of 19 · PgUp PgDn for more", when not every change is on show. */
	position: string | undefined;
	notes: string[];
	seed: string[];
};

export type HelpView = {lines: HelpLine[]; keysWidth: number; boxWidth: number; position: string | undefined};

export type ScreenLayout = {
	width: number;
	/** "Terminal 60x18: 80x24 needed for the full view", below the size the dashboard is made for. */
	notice: string | undefined;
	header: HeaderText | undefined;
	tabs: boolean;
	banner: boolean;
	status: boolean;
	columns: Columns;
	/** Rows of the list on screen (its column header is one more line); undefined when it gives way. */
	list: number | undefined;
	detail: Field[] | undefined;
	/** Why `i` shows nothing (too small), for the status line. */
	detailWhyNot: string | undefined;
	problem: ProblemLine[] | undefined;
	dialog: DialogView | undefined;
	help: HelpView | undefined;
	/** The furthest a long help or confirmation scrolls, and by how much a page does. */
	scrollMax: number;
	scrollPage: number;
};

export type LayoutInput = {
	account: AccountSummary;
	policyId: string;
	counts: Record<PolicyValue, number>;
	/** The row under the cursor. */
	selected: Row | undefined;
	/** Where a write goes: "tenant as account". */
	where: string;
	/** Where a tenant switch's write goes: the tenant and the account Microsoft Graph acts as. */
	switchWhere?: string;
	/**
	 * The detail's fields (i), when the screen works them out itself: a product's with "Can users
	 * still get it?", a tenant switch's. Else the selected row's plain facts.
	 */
	detailFields?: Field[];
};

/** Border (2) and Yes / No (2). */
const DIALOG_CHROME = 4;
const PROBLEM_CHROME = 2;
const HELP_CHROME = 2;

/**
 * The help text in the room it has (`free` lines, its box's two included): all of it, or a
 * scrolled window with a line saying where it is; and how far, and by how much a page, it scrolls.
 */
export function helpWindow(all: ReturnType<typeof helpText>, free: number, scroll: number): {view: HelpView; scrollMax: number; scrollPage: number} {
	const room = Math.max(1, free - HELP_CHROME);
	const fits = all.lines.length <= room;
	const shown = fits ? all.lines.length : Math.max(1, room - 1);
	const scrollMax = Math.max(0, all.lines.length - shown);
	const top = Math.min(scroll, scrollMax);
	const lines = all.lines.slice(top, top + shown);
	const position = fits ? undefined : `lines ${top + 1}–${top + lines.length} of ${all.lines.length} · ↑ ↓ PgUp PgDn scroll`;
	return {view: {lines, keysWidth: all.keysWidth, boxWidth: all.boxWidth, position}, scrollMax, scrollPage: Math.max(1, shown - 1)};
}

/** The problem the Tenant switches tab shows: its own (a read's, a write's), else why the selected switch could not be read. */
export function tabProblem(state: DashboardState): ShownProblem | undefined {
	const own = shownProblem(state.switches);
	if (own) return own;
	const selected = selectedSwitch(state.switches);
	if (selected && 'problem' in selected) return {problem: selected.problem, origin: 'load', context: `${selected.name} is unknown: it could not be read (the other switches still work)`};
	return undefined;
}

export function layout(size: {columns: number; rows: number}, state: DashboardState, input: LayoutInput): ScreenLayout {
	const width = size.columns;
	// Ink redraws the whole terminal when a frame fills every line, so one line stays free.
	const height = Math.max(1, size.rows - 1);
	let free = height - 1; // the footer
	const small = size.columns < MIN_SIZE.columns || size.rows < MIN_SIZE.rows;
	const take = (lines: number): boolean => {
		if (lines > free) return false;
		free -= lines;
		return true;
	};

	const switches = state.tab === 'switches';
	// A confirmation never loses its title, its tenant or its answers (not even to the notice).
	const text =
		state.mode !== 'confirm'
			? undefined
			: state.plan
				? dialogText(state.plan, width, input.where)
				: state.switchPlan
					? switchDialogText(state.switchPlan, width, input.switchWhere ?? input.where)
					: undefined;
	const dialogChanges = text ? Math.min(text.changes.length, text.changes.length > 1 ? 2 : 1) : 0;
	if (text) free -= DIALOG_CHROME + 1 + text.where.length + dialogChanges;
	const notice = small && take(1) ? `Terminal ${size.columns}x${size.rows}: ${MIN_SIZE.columns}x${MIN_SIZE.rows} needed for the full view` : undefined;

	const status = take(1);
	const banner = state.readOnly && take(1);
	const tabs = take(1);
	const help = state.mode === 'help';
	// The list's column header and its first row.
	let list: number | undefined = !help && take(2) ? 1 : undefined;
	// Help keeps a line of keys and where it is, before the header.
	const helpKept = help && take(HELP_CHROME + 2) ? HELP_CHROME + 2 : 0;
	const headerInput = {...input, policy: state.policy, scope: state.tab, loading: state.loading, width, descriptionLines: height >= 29 ? 2 : 1};
	const fullHeader = headerText(headerInput);
	const headerLines = fullHeader.who.length + 1 + fullHeader.description.length;
	let header = take(headerLines) ? fullHeader : undefined;
	if (list !== undefined) {
		const more = Math.min((switches ? MIN_SWITCH_ROWS : MIN_LIST_ROWS) - 1, free);
		list += more;
		free -= more;
	}

	let dialog: DialogView | undefined;
	let scrollMax = 0;
	let scrollPage = 1;
	if (text) {
		const notes = text.notes.filter(() => take(1));
		const seed = take(text.seed.length) ? text.seed : [];
		const all = text.changes.length;
		const available = dialogChanges + Math.max(0, free);
		const fitsAll = all <= available;
		const room = fitsAll ? all : Math.max(1, available - 1); // one line says where the rest are
		free = fitsAll ? free - (all - dialogChanges) : Math.min(free, 0);
		scrollMax = Math.max(0, all - room);
		scrollPage = Math.max(1, room);
		const top = Math.min(state.scroll, scrollMax);
		const changes = text.changes.slice(top, top + room);
		const position = room < all ? `  rows ${top + 1}–${top + changes.length} of ${all} · PgUp PgDn for more` : undefined;
		dialog = {title: text.title, where: text.where, changes, position, notes, seed};
	}

	let detail: Field[] | undefined;
	let detailWhyNot: string | undefined;
	const detailed = switches ? input.detailFields : input.selected ? (input.detailFields ?? detailFields(input.selected, state.saving.get(rowKey(input.selected)), state.failed.get(rowKey(input.selected)))) : undefined;
	if (state.detail && detailed && !help) {
		const fields = detailed;
		const need = fields.length + DETAIL_CHROME;
		const underList = free;
		const instead = free + (list !== undefined ? list + 1 : 0);
		if (need <= underList) {
			detail = fields;
			free -= need;
		} else if (switches && header && !text && need <= underList + headerLines) {
			// Tenant switches: its four lines say more than the header (the tabs line still says where).
			free += headerLines;
			header = undefined;
			detail = fields;
			free -= need;
		} else if (instead >= DETAIL_CHROME + 3) {
			// Too short to show both: the detail takes the list's place (it names the row), and the
			// header's too when it needs the room (the tabs line still says where you are).
			free = instead;
			list = undefined;
			if (need > free && header && !text) {
				free += headerLines;
				header = undefined;
			}
			const room = free - DETAIL_CHROME;
			detail = fields.length <= room ? fields : [...fields.slice(0, room - 1), {Field: '…', Value: `${fields.length - room + 1} more: a taller terminal shows them`}];
			free -= detail.length + DETAIL_CHROME;
		} else {
			detailWhyNot = `The detail needs ${need} lines; the terminal has room for ${instead}: make it taller`;
		}
	}

	let problem: ProblemLine[] | undefined;
	// Tenant switches: the tab's own problems, else why the selected switch could not be read.
	const problems = switches ? state.switches : state;
	const onShow = switches ? tabProblem(state) : shownProblem(state);
	// A problem's hints say what to do: they may take the list's rows down to one (Tenant switches: to its four).
	const spare = list !== undefined ? list - (switches ? Math.min(list, MIN_SWITCH_ROWS) : 1) : 0;
	if (onShow && !help && free + spare >= PROBLEM_CHROME + 1) {
		const paging = problems.problems.length > 1 ? {at: Math.min(problems.problemAt, problems.problems.length - 1) + 1, of: problems.problems.length} : undefined;
		problem = fitProblem(problemLines(onShow, width, paging), Math.min(12, free + spare - PROBLEM_CHROME));
		free -= problem.length + PROBLEM_CHROME;
		if (free < 0 && list !== undefined) {
			list += free;
			free = 0;
		}
	}

	let helpView: HelpView | undefined;
	if (help) {
		free += helpKept;
		({view: helpView, scrollMax, scrollPage} = helpWindow(helpText(width, state.readOnly, state.policy?.description), free, state.scroll));
		free = 0;
	}

	if (list !== undefined) list += Math.max(0, free);
	return {
		width,
		notice,
		header,
		tabs,
		banner,
		status,
		columns: columnsFor(width, state.tab === 'switches' ? 'product' : state.tab),
		list,
		detail,
		detailWhyNot,
		problem,
		dialog,
		help: helpView,
		scrollMax,
		scrollPage,
	};
}
