import {Box, Text} from 'ink';
import {memo} from 'react';
import {rowKey} from '../../commerce/changes.js';
import type {PolicyValue, Row, Scope} from '../../commerce/types.js';
import {GLYPHS} from '../glyphs.js';
import {highlight} from '../state/filter.js';
import {TRIAL_HEADER, type Columns} from '../state/layout.js';
import {valueLabel} from '../state/words.js';
import type {Marks} from '../state/marks.js';
import {fit} from '../text.js';
import {useTheme} from '../theme.js';

export type RowListProps = {
	scope: Scope;
	/** The rows the filter shows (all of them; only [start, end) are drawn). */
	rows: readonly Row[];
	start: number;
	end: number;
	cursor: number;
	marks: Marks;
	/** IDs of rows never seen before in this tenant: marked `+`. */
	fresh: ReadonlySet<string>;
	saving: ReadonlyMap<string, PolicyValue>;
	/** Rows whose last write failed: marked `!` until retried or reloaded. */
	failed: ReadonlyMap<string, unknown>;
	columns: Columns;
	/** Lines for rows (the column header is one more). */
	height: number;
	/** What to say when there are no rows. */
	empty: string;
	/** The filter's words: highlighted where they match a name or ID. */
	terms: readonly string[];
};

function trialText(row: Row): string {
	if (row.scope !== 'product') return '';
	if (row.trialWithoutPaymentMethod === undefined) return '?';
	return row.trialWithoutPaymentMethod ? 'yes' : 'no';
}

type RowLineProps = {
	row: Row;
	selected: boolean;
	marked: boolean;
	fresh: boolean;
	saving: boolean;
	failed: boolean;
	columns: Columns;
	terms: readonly string[];
};

/** A cell fitted to its width, with the filter's matches underlined and in the accent colour. */
export function Cell({text, width, terms}: {text: string; width: number; terms: readonly string[]}) {
	const theme = useTheme();
	const fitted = fit(text, width);
	if (terms.length === 0) return <Text>{fitted}</Text>;
	return (
		<Text>
			{highlight(fitted, terms).map((span, index) =>
				span.match ? (
					<Text key={index} underline bold color={theme.text.accent}>
						{span.text}
					</Text>
				) : (
					<Text key={index}>{span.text}</Text>
				),
			)}
		</Text>
	);
}

/** One row; memoised, so moving the cursor redraws two rows. */
const RowLine = memo(function RowLine({row, selected, marked, fresh, saving, failed, columns, terms}: RowLineProps) {
	const theme = useTheme();
	const value = saving ? 'saving…' : valueLabel(row.value);
	return (
		<Text inverse={selected && theme.cursor.inverse} bold={selected} wrap="truncate-end">
			{selected ? '›' : ' '}
			{marked ? (
				<Text color={theme.status.info}>{GLYPHS.mark}</Text>
			) : failed ? (
				<Text color={theme.status.error}>!</Text>
			) : (
				<Text color={theme.status.warning}>{fresh ? '+' : ' '}</Text>
			)}{' '}
			<Cell text={row.name} width={columns.name} terms={terms} />{' '}
			{columns.id ? (
				<Text>
					<Cell text={row.id} width={columns.id} terms={terms} />{' '}
				</Text>
			) : null}
			<Text color={saving ? theme.status.info : theme.value[row.value]}>{fit(value, columns.value)}</Text>
			{columns.trial ? ` ${fit(trialText(row), columns.trial)}` : ''}
		</Text>
	);
});

/** The list: a column header, then only the rows that fit (the window around the cursor). */
export function RowList({scope, rows, start, end, cursor, marks, fresh, saving, failed, columns, height, empty, terms}: RowListProps) {
	const theme = useTheme();
	const lines = [];
	for (let index = start; index < end; index++) {
		const row = rows[index];
		if (!row) continue;
		const key = rowKey(row);
		lines.push(
			<RowLine
				key={key}
				row={row}
				selected={index === cursor}
				marked={marks.has(row.id)}
				fresh={fresh.has(row.id)}
				saving={saving.has(key)}
				failed={failed.has(key)}
				columns={columns}
				terms={terms}
			/>,
		);
	}
	return (
		<Box flexDirection="column" height={height + 1} flexShrink={0}>
			<Text bold color={theme.text.muted} wrap="truncate-end">
				{'   '}
				{fit(scope === 'product' ? 'Product' : 'Offer type', columns.name)}{' '}
				{columns.id ? `${fit('ID', columns.id)} ` : ''}
				{fit('Value', columns.value)}
				{columns.trial ? ` ${fit(TRIAL_HEADER, columns.trial)}` : ''}
			</Text>
			{lines.length > 0 ? lines : <Text color={theme.text.muted}>{`   ${empty}`}</Text>}
		</Box>
	);
}
