/**
 * What the state shows, derived in one place for the key handler, the layout and the screen: the
 * rows on show (filtered and sorted), the row under the cursor, the marked rows the filter shows
 * and hides, and what the footer knows (KeyContext).
 */
import type {Row, Scope} from '../../commerce/types.js';
import type {SignInStep} from '../hooks/useSignIn.js';
import type {KeyContext} from '../keys.js';
import type {DashboardState} from './dashboard.js';
import {shownRows, type RowFacts} from './filter.js';
import {windowOf} from './listWindow.js';
import {selectedSwitch} from './switches.js';

const NO_ROWS: readonly Row[] = [];

/** The list the tab on show holds: products or offer types; undefined on Tenant switches, which is no list of rows. */
export function listScope(state: Pick<DashboardState, 'tab'>): Scope | undefined {
	return state.tab === 'switches' ? undefined : state.tab;
}

/** What `is:` asks about rows of the tab on show. */
export function factsOf(state: DashboardState): RowFacts {
	const scope = listScope(state) ?? 'product';
	return {fresh: state.newIds[scope], failed: state.failed, marks: state.views[scope].marks};
}

/** The tab's rows as the list shows them (none on Tenant switches). */
export function visibleRows(state: DashboardState): readonly Row[] {
	const scope = listScope(state);
	if (!scope) return NO_ROWS;
	const view = state.views[scope];
	return shownRows(state.rows[scope], view.query, factsOf(state), state.sort);
}

export function selectedRow(state: DashboardState, shown: readonly Row[] = visibleRows(state)): Row | undefined {
	const scope = listScope(state);
	if (!scope) return undefined;
	return shown[windowOf(state.views[scope].cursor, shown.length, 1).index];
}

/** Marked rows the filter shows (what e t d Space act on), and how many it hides. */
export function marksOnShow(state: DashboardState, shown: readonly Row[] = visibleRows(state)): {shown: Row[]; hidden: number} {
	const scope = listScope(state);
	if (!scope) return {shown: [], hidden: 0};
	const {marks} = state.views[scope];
	if (marks.size === 0) return {shown: [], hidden: 0};
	const onShow = shown.filter(row => marks.has(row.id));
	return {shown: onShow, hidden: marks.size - onShow.length};
}

export function keyContext(state: DashboardState, extra: {scrolls: boolean; fleet?: boolean; graph?: SignInStep}): KeyContext {
	if (state.tab === 'switches') {
		const {switches} = state;
		return {
			mode: state.mode,
			tab: state.tab,
			readOnly: state.readOnly,
			loaded: switches.loaded,
			loading: switches.loading,
			stale: false,
			problems: switches.problems.length,
			marked: 0,
			failed: switches.failed.size,
			canUndo: switches.canUndo,
			detail: state.detail,
			query: '',
			selected: selectedSwitch(switches) !== undefined,
			scrolls: extra.scrolls,
			fleet: extra.fleet ?? false,
			graph: extra.graph,
		};
	}
	const shown = visibleRows(state);
	return {
		mode: state.mode,
		tab: state.tab,
		readOnly: state.readOnly,
		loaded: state.loaded,
		loading: state.loading,
		stale: state.stale,
		problems: state.problems.length,
		marked: marksOnShow(state, shown).shown.length,
		failed: state.failed.size,
		canUndo: state.canUndo,
		detail: state.detail,
		query: state.views[state.tab].query,
		graph: extra.graph,
		selected: selectedRow(state, shown) !== undefined,
		scrolls: extra.scrolls,
		fleet: extra.fleet ?? false,
	};
}
