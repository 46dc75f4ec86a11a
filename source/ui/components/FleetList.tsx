import {Box, Text} from 'ink';
import {memo} from 'react';
import type {FleetTenant} from '../fleetBackend.js';
import type {TenantEntry} from '../state/fleet.js';
import {countsAndRest, type FleetColumns} from '../state/fleetLayout.js';
import {dashboardWords} from '../state/words.js';
import {fit} from '../text.js';
import {useTheme} from '../theme.js';
import {Cell} from './RowList.js';
import {Spinner} from './Spinner.js';

export type FleetListProps = {
	/** The tenants the filter shows, in order (only [start, end) are drawn). */
	tenants: readonly FleetTenant[];
	entries: ReadonlyMap<string, TenantEntry>;
	start: number;
	end: number;
	cursor: number;
	columns: FleetColumns;
	/** Lines for rows (the column header is one more). */
	height: number;
	width: number;
	/** What to say when no tenant shows. */
	empty: string;
	/** The filter's words: highlighted where they match a name. */
	terms: readonly string[];
};

/** A number right-aligned in its column. */
function right(text: string, width: number): string {
	return text.length >= width ? fit(text, width) : text.padStart(width);
}

type TenantLineProps = {tenant: FleetTenant; entry: TenantEntry; selected: boolean; columns: FleetColumns; width: number; terms: readonly string[]};

/** One tenant; memoised, so moving the cursor redraws two rows and an answer one. */
const TenantLine = memo(function TenantLine({tenant, entry, selected, columns, width, terms}: TenantLineProps) {
	const theme = useTheme();
	const {summary, problem, loading, note} = entry;
	const glyph = loading ? <Spinner /> : problem ? <Text color={theme.status.error}>!</Text> : ' ';
	let rest;
	if (summary) {
		const drift = summary.drift;
		// The last column: the problem of a failed reload, else the last note (a warning), else nothing.
		const last = problem ? dashboardWords(problem.title) : (note ?? '');
		rest = (
			<Text>
				{columns.counts.map(column => (
					<Text key={column.value} color={summary.products[column.value] > 0 ? theme.value[column.value] : theme.text.muted}>
						{right(String(summary.products[column.value]), column.width)}{' '}
					</Text>
				))}
				{columns.drift ? (
					<Text color={drift === undefined ? theme.text.muted : drift > 0 ? theme.status.warning : undefined}>{right(drift === undefined ? '–' : String(drift), columns.drift)} </Text>
				) : null}
				{columns.fresh ? <Text color={summary.fresh > 0 ? theme.status.warning : undefined}>{right(String(summary.fresh), columns.fresh)} </Text> : null}
				{columns.baseline ? <Text color={theme.text.muted}>{fit(tenant.baseline ?? '–', columns.baseline)} </Text> : null}
				{columns.problem ? <Text color={problem ? theme.status.error : theme.text.muted}>{fit(last, columns.problem)}</Text> : null}
			</Text>
		);
	} else if (problem) {
		// No counts to show: the problem takes their place, to the end of the line.
		rest = <Text color={theme.status.error}>{fit(dashboardWords(problem.title), countsAndRest(columns, width))}</Text>;
	} else {
		rest = <Text color={theme.text.muted}>{fit(loading ? `loading…${note ? ` ${note.replace(/^note: /, '')}` : ''}` : '', countsAndRest(columns, width))}</Text>;
	}
	return (
		<Text inverse={selected && theme.cursor.inverse} bold={selected} wrap="truncate-end">
			{selected ? '›' : ' '}
			{glyph} <Cell text={tenant.name} width={columns.name} terms={terms} /> {rest}
		</Text>
	);
});

/** The list of tenants: a column header, then only the rows that fit (the window around the cursor). */
export function FleetList({tenants, entries, start, end, cursor, columns, height, width, empty, terms}: FleetListProps) {
	const theme = useTheme();
	const lines = [];
	for (let index = start; index < end; index++) {
		const tenant = tenants[index];
		const entry = tenant ? entries.get(tenant.id) : undefined;
		if (!tenant || !entry) continue;
		lines.push(<TenantLine key={tenant.id} tenant={tenant} entry={entry} selected={index === cursor} columns={columns} width={width} terms={terms} />);
	}
	return (
		<Box flexDirection="column" height={height + 1} flexShrink={0}>
			<Text bold color={theme.text.muted} wrap="truncate-end">
				{'   '}
				{fit('Tenant', columns.name)}{' '}
				{columns.counts.map(column => `${right(column.header, column.width)} `).join('')}
				{columns.drift ? `${right('Drift', columns.drift)} ` : ''}
				{columns.fresh ? `${right('New', columns.fresh)} ` : ''}
				{columns.baseline ? `${fit('Baseline', columns.baseline)} ` : ''}
				{columns.problem ? fit('Problem', columns.problem) : ''}
			</Text>
			{lines.length > 0 ? lines : <Text color={theme.text.muted}>{`   ${empty}`}</Text>}
		</Box>
	);
}
