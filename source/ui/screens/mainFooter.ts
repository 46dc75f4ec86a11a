/** The footer's keys for the main screen: only the ones that do something now. */
import type {FooterItem} from '../components/Footer.js';
import type {DashboardState} from '../state/dashboard.js';

export const PINNED: readonly FooterItem[] = [
	{key: '?', label: 'help'},
	{key: 'q', label: 'quit'},
];

/** The keys kept at the footer's end: none while a question is open (there q cancels it). */
export function pinnedFor(state: Pick<DashboardState, 'mode'>): readonly FooterItem[] {
	return state.mode === 'confirm' ? [] : PINNED;
}

export function mainFooter(state: DashboardState, marked: number): FooterItem[] {
	switch (state.mode) {
		case 'help':
			return [{key: 'Esc', label: 'close help'}];
		case 'confirm':
			return [
				{key: 'y', label: 'yes'},
				{key: 'n', label: 'no'},
				{key: '↑ ↓', label: 'choose'},
				{key: 'Enter', label: 'answer'},
				{key: 'Esc q', label: 'cancel'},
			];
		case 'filter':
			return [
				{key: 'type', label: 'to filter'},
				{key: 'Enter', label: 'keep'},
				{key: 'Esc', label: 'clear'},
				{key: '↑ ↓', label: 'move'},
			];
		case 'list':
			break;
	}
	const items: FooterItem[] = [];
	if (state.problems.length > 0) items.push({key: 'Esc', label: 'dismiss'});
	if (state.problems.length > 1) items.push({key: '[ ]', label: 'problems'});
	if (state.stale || (!state.loaded && !state.loading)) items.push({key: 'r', label: 'retry'});
	if (!state.readOnly && state.loaded) {
		if (marked > 0) {
			items.push({key: 'e t d', label: `set ${marked} marked`}, {key: 'Space', label: 'cycle marked'});
		} else {
			items.push({key: 'Space', label: 'cycle'}, {key: 'e t d', label: 'set'});
		}
		items.push({key: 'x X', label: 'mark'});
		if (state.failed.size > 0) items.push({key: 'R', label: 'retry failed'});
		if (state.canUndo) items.push({key: 'u', label: 'undo'});
	}
	items.push({key: '/', label: 'filter'}, {key: 'Tab', label: 'tab'}, {key: 'i', label: 'detail'});
	if (!state.stale && state.loaded) items.push({key: 'r', label: 'reload'});
	items.push({key: '↑ ↓', label: 'move'});
	return items;
}
