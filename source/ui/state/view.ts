/**
 * What the state shows, derived in one place for the key handler, the layout and the screen: the
 * rows on show (filtered and sorted), the row under the cursor, the marked rows the filter shows
 * and hides, and what the footer knows (KeyContext).
 */
import type {Row} from '../../commerce/types.js';
import type {KeyContext} from '../keys.js';
import type {DashboardState} from './dashboard.js';
import {shownRows, type RowFacts} from './filter.js';
import {windowOf} from './listWindow.js';

/** What `is:` asks about rows of the tab on show. */
export function factsOf(state: DashboardState): RowFacts {
	return {fresh: state.newIds[state.tab], failed: state.failed, marks: state.views[state.tab].marks};
}

/** The tab's rows as the list shows them. */
export function visibleRows(state: DashboardState): readonly Row[] {
	const view = state.views[state.tab];
	return shownRows(state.rows[state.tab], view.query, factsOf(state), state.sort);
}

export function selectedRow(state: DashboardState, shown: readonly Row[] = visibleRows(state)): Row | undefined {
	return shown[windowOf(state.views[state.tab].cursor, shown.length, 1).index];
}

/** Marked rows the filter shows (what e t d Space act on), and how many it hides. */
export function marksOnShow(state: DashboardState, shown: readonly Row[] = visibleRows(state)): {shown: Row[]; hidden: number} {
	const {marks} = state.views[state.tab];
	if (marks.size === 0) return {shown: [], hidden: 0};
	const onShow = shown.filter(row => marks.has(row.id));
	return {shown: onShow, hidden: marks.size - onShow.length};
}

export function keyContext(state: DashboardState, extra: {scrolls: boolean; fleet?: boolean}): KeyContext {
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
		selected: selectedRow(state, shown) !== undefined,
		scrolls: extra.scrolls,
		fleet: extra.fleet ?? false,
	};
}
