/**
 * Where everything goes in the fleet view, for a terminal size and a state (like layout.ts for a
 * tenant's dashboard): the columns of the list of tenants, and the height of every part (notice,
 * header, summary line, list, the selected tenant's problem, help, status, footer). One pure
 * function, so the screen only draws what it is given.
 *
 * Columns: the name as wide as the longest name (12 to 40 columns), the counts, drift and new at
 * their headers' widths, the Problem column the rest (at least 8 at 80 columns, where a long name
 * gives way to it). Below 80 columns "Trials only" is headed "Trials", names come before the
 * Problem column (the panel under the list still shows the selected tenant's problem in full),
 * and then New and Drift go. At 120 columns and more, a Baseline column says what each tenant
 * is checked against.
 */
import type {PolicyValue} from '../../commerce/types.js';
import type {FleetTenant} from '../fleetBackend.js';
import {fitProblem, helpText, problemLines, type ProblemLine} from './panels.js';
import {entryOf, selectedTenant, shownTenants, type FleetState} from './fleet.js';
import {helpWindow, MIN_LIST_ROWS, MIN_SIZE, type HelpView} from './layout.js';
import {valueLabel} from './words.js';
import {safeText} from '../../text/safe.js';
import {displayWidth} from '../text.js';

/** The cursor, the tenant's state (a spinner, `!`), and a space. */
export const FLEET_PREFIX = 3;
const NAME_MIN = 12;
const NAME_MAX = 40;
const PROBLEM_MIN = 8;
/** Terminals at least this wide get the Baseline column. */
export const FLEET_WIDE = 120;
const BASELINE_MAX = 30;

export type CountColumn = {value: PolicyValue; header: string; width: number};

export type FleetColumns = {
	name: number;
	/** Enabled, Trials only, Disabled: products per value. */
	counts: CountColumn[];
	/** 0: not shown (narrow terminals). */
	drift: number;
	fresh: number;
	baseline: number;
	problem: number;
};

/** What the columns hold: the longest name and baseline (display width), and the widest count of new rows. */
export type FleetContent = {name: number; fresh: number; baseline: number};

export function fleetContent(tenants: readonly FleetTenant[], state: Pick<FleetState, 'entries'>): FleetContent {
	let name = 0;
	let fresh = 0;
	let baseline = 0;
	for (const tenant of tenants) {
		name = Math.max(name, displayWidth(safeText(tenant.name)));
		baseline = Math.max(baseline, displayWidth(safeText(tenant.baseline ?? '')));
		fresh = Math.max(fresh, String(entryOf(state, tenant.id).summary?.fresh ?? 0).length);
	}
	return {name, fresh, baseline};
}

/**
 * The columns at a width: the name as wide as the longest (within bounds), the counts, drift and
 * new at their headers' widths, and the problem the rest.
 */
export function fleetColumns(width: number, content: FleetContent = {name: NAME_MAX, fresh: 3, baseline: BASELINE_MAX}): FleetColumns {
	const counts: CountColumn[] = (['Enabled', 'OnlyTrialsWithoutPaymentMethod', 'Disabled'] as const).map(value => {
		const header = value === 'OnlyTrialsWithoutPaymentMethod' && width < MIN_SIZE.columns ? 'Trials' : valueLabel(value);
		return {value, header, width: header.length};
	});
	let drift = 'Drift'.length;
	let fresh = Math.max('New'.length, content.fresh);
	const fixed = () => counts.reduce((sum, column) => sum + column.width + 1, 0) + (drift ? drift + 1 : 0) + (fresh ? fresh + 1 : 0);
	let rest = width - FLEET_PREFIX - fixed();
	if (rest < NAME_MIN) {
		fresh = 0;
		rest = width - FLEET_PREFIX - fixed();
	}
	if (rest < NAME_MIN) {
		drift = 0;
		rest = width - FLEET_PREFIX - fixed();
	}
	// Only where some tenant has a baseline: else the Drift column's dashes say it all.
	const baseline = width >= FLEET_WIDE && content.baseline > 0 ? Math.max('Baseline'.length, Math.min(BASELINE_MAX, content.baseline)) : 0;
	if (baseline) rest -= baseline + 1;
	const wanted = Math.max(NAME_MIN, Math.min(NAME_MAX, content.name));
	// At 80 columns and more the Problem column keeps its least; below, names come first.
	const name = width >= MIN_SIZE.columns ? Math.max(NAME_MIN, Math.min(wanted, rest - PROBLEM_MIN - 1)) : Math.max(4, Math.min(wanted, rest - 1));
	const problem = rest - name - 1 >= PROBLEM_MIN ? rest - name - 1 : 0;
	return {name, counts, drift, fresh, baseline, problem};
}

/** Where the counts start on a row: a tenant with no counts writes its problem from there. */
export function countsStart(columns: FleetColumns): number {
	return FLEET_PREFIX + columns.name + 1;
}

/** The width from the counts to the end of the row. */
export function countsAndRest(columns: FleetColumns, width: number): number {
	return Math.max(0, width - countsStart(columns));
}

export type FleetScreenLayout = {
	width: number;
	notice: string | undefined;
	header: boolean;
	summary: boolean;
	status: boolean;
	columns: FleetColumns;
	/** Rows of the list on screen (its column header is one more line); undefined while help shows. */
	list: number | undefined;
	/** The selected tenant's problem, in full (hints and all), under the list. */
	problem: ProblemLine[] | undefined;
	help: HelpView | undefined;
	scrollMax: number;
	scrollPage: number;
};

const PROBLEM_CHROME = 2;
/** The problem panel never takes more than this; the list keeps the rest. */
const PROBLEM_MAX = 9;

/** The selected tenant's problem as the panel shows it: its name, and what to do. */
export function tenantProblemLines(tenant: FleetTenant, state: FleetState, width: number): ProblemLine[] | undefined {
	const entry = entryOf(state, tenant.id);
	if (!entry.problem) return undefined;
	const where = tenant.name.toLowerCase() === tenant.tenant.toLowerCase() ? tenant.name : `${tenant.name} (${tenant.tenant})`;
	const context = entry.summary ? `${where}: its last reload failed; the counts shown are from before` : where;
	return problemLines({problem: entry.problem, origin: 'load', context}, width);
}

export function fleetLayout(size: {columns: number; rows: number}, state: FleetState): FleetScreenLayout {
	const width = size.columns;
	// Ink redraws the whole terminal when a frame fills every line, so one line stays free.
	const height = Math.max(1, size.rows - 1);
	let free = height - 1; // the footer
	const take = (lines: number): boolean => {
		if (lines > free) return false;
		free -= lines;
		return true;
	};
	const small = size.columns < MIN_SIZE.columns || size.rows < MIN_SIZE.rows;
	const notice = small && take(1) ? `Terminal ${size.columns}x${size.rows}: ${MIN_SIZE.columns}x${MIN_SIZE.rows} needed for the full view` : undefined;
	const status = take(1);
	const summary = take(1);
	const help = state.mode === 'help';
	let list: number | undefined = !help && take(2) ? 1 : undefined;
	const header = take(1);
	if (list !== undefined) {
		const more = Math.min(MIN_LIST_ROWS - 1, free);
		list += more;
		free -= more;
	}

	let problem: ProblemLine[] | undefined;
	const selected = help ? undefined : selectedTenant(state, shownTenants(state));
	const lines = selected ? tenantProblemLines(selected, state, width) : undefined;
	if (lines && free >= PROBLEM_CHROME + 1) {
		problem = fitProblem(lines, Math.min(PROBLEM_MAX, free - PROBLEM_CHROME));
		free -= problem.length + PROBLEM_CHROME;
	}

	let helpView: HelpView | undefined;
	let scrollMax = 0;
	let scrollPage = 1;
	if (help) {
		({view: helpView, scrollMax, scrollPage} = helpWindow(helpText(width, false, undefined, 'fleet'), free, state.scroll));
		free = 0;
	}

	if (list !== undefined) list += Math.max(0, free);
	return {width, notice, header, summary, status, columns: fleetColumns(width, fleetContent(state.tenants, state)), list, problem, help: helpView, scrollMax, scrollPage};
}
