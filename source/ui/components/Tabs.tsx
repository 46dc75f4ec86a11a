import {Box, Text} from 'ink';
import {memo} from 'react';
import type {Scope} from '../../commerce/types.js';
import {SORT_LABEL, type SortKey} from '../state/filter.js';
import {truncate} from '../text.js';
import {useTheme} from '../theme.js';
import {Spinner} from './Spinner.js';

export const TAB_LABEL: Record<Scope, string> = {product: 'Products', offerType: 'Offer types'};

export type TabsProps = {
	tab: Scope;
	totals: Record<Scope, number>;
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

/** Products | Offer types, and on the right: "n of N" when filtered, marks (and the ones the filter hides), new rows, stale, the order. */
export const Tabs = memo(function Tabs({tab, totals, shown, query, marked, hiddenMarks, sort, fresh, loading, stale, width}: TabsProps) {
	const theme = useTheme();
	const tabs = (['product', 'offerType'] as const).map(scope => ` ${TAB_LABEL[scope]} ${totals[scope]} `);
	const left = tabs.join('│').length;
	const notes: string[] = [];
	if (query) notes.push(`${shown} of ${totals[tab]}`, `/${query}`);
	if (marked > 0) notes.push(`${marked} marked${hiddenMarks > 0 ? ` (+${hiddenMarks} hidden by the filter)` : ''}`);
	else if (hiddenMarks > 0) notes.push(`${hiddenMarks} marked, hidden by the filter`);
	if (fresh > 0) notes.push(`${fresh} new`);
	if (stale) notes.push('stale: r retries');
	notes.push(`by ${SORT_LABEL[sort]}`);
	const room = Math.max(0, width - left - 2 - (loading ? 2 : 0));
	const right = truncate(notes.join(' · '), room);
	return (
		<Box width={width}>
			{(['product', 'offerType'] as const).map((scope, index) => (
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
