import {Box, Text} from 'ink';
import {memo} from 'react';
import type {Scope} from '../../commerce/types.js';
import {TABS, type Tab} from '../state/dashboard.js';
import {SORT_LABEL, type SortKey} from '../state/filter.js';
import {truncate} from '../text.js';
import {useTheme} from '../theme.js';
import {Spinner} from './Spinner.js';

export const TAB_LABEL: Record<Tab, string> = {product: 'Products', offerType: 'Offer types', switches: 'Tenant switches'};

export type TabsProps = {
	tab: Tab;
	totals: Record<Scope, number>;
	/** How many tenant switches were read (undefined until they were). */
	switchCount?: number;
	/** On Tenant switches, what the right side says instead of the lists' notes (who Graph acts as). */
	switchNote?: string;
	/** Rows the filter shows in the current tab. */
	shown: number;
	query: string;
	/** Marked rows the filter shows, and the ones it hides. */
	marked: number;
	hiddenMarks: number;
	sort: SortKey;
	/** Rows of the current tab never seen before in this tenant. */
	fresh: number;
	loading: boolean;
	stale: boolean;
	width: number;
};

/**
 * Products | Offer types | Tenant switches, and on the right: "n of N" when filtered, marks (and
 * the ones the filter hides), new rows, stale, the order; on Tenant switches, who Graph acts as.
 */
export const Tabs = memo(function Tabs({tab, totals, switchCount, switchNote, shown, query, marked, hiddenMarks, sort, fresh, loading, stale, width}: TabsProps) {
	const theme = useTheme();
	const tabs = TABS.map(each => {
		const total = each === 'switches' ? switchCount : totals[each];
		return ` ${TAB_LABEL[each]}${total === undefined ? '' : ` ${total}`} `;
	});
	const left = tabs.join('│').length;
	// Each note with how much it matters: when they do not all fit, the least goes first (the order, then new rows, then the query's words).
	const notes: Array<{text: string; keep: number}> = [];
	if (tab === 'switches') {
		if (switchNote) notes.push({text: switchNote, keep: 5});
	} else {
		if (query) notes.push({text: `${shown} of ${totals[tab]}`, keep: 3}, {text: `/${query}`, keep: 2});
		if (marked > 0) notes.push({text: `${marked} marked${hiddenMarks > 0 ? ` (+${hiddenMarks} hidden by the filter)` : ''}`, keep: 5});
		else if (hiddenMarks > 0) notes.push({text: `${hiddenMarks} marked, hidden by the filter`, keep: 5});
		if (fresh > 0) notes.push({text: `${fresh} new`, keep: 1});
		if (stale) notes.push({text: 'stale: r retries', keep: 4});
		notes.push({text: `by ${SORT_LABEL[sort]}`, keep: 0});
	}
	const room = Math.max(0, width - left - 2 - (loading ? 2 : 0));
	let kept = notes;
	const said = () => kept.map(note => note.text).join(' · ');
	while (kept.length > 1 && said().length > room) {
		const least = Math.min(...kept.map(note => note.keep));
		kept = kept.filter(note => note.keep !== least);
	}
	const right = truncate(said(), room);
	return (
		<Box width={width}>
			{TABS.map((scope, index) => (
				<Text key={scope}>
					{index > 0 ? <Text color={theme.text.muted}>│</Text> : null}
					<Text
						bold={scope === tab}
						inverse={scope === tab}
						color={scope === tab ? theme.text.accent : theme.text.muted}
					>
						{tabs[index]}
					</Text>
				</Text>
			))}
			<Box flexGrow={1} />
			{loading ? (
				<Text>
					<Spinner />{' '}
				</Text>
			) : null}
			<Text color={stale ? theme.status.warning : undefined} wrap="truncate-end">
				{right}
			</Text>
		</Box>
	);
});
