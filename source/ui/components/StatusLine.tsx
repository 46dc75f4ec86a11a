import {Box, Text} from 'ink';
import {memo} from 'react';
import type {Status} from '../state/dashboard.js';
import {truncate} from '../text.js';
import {useTheme} from '../theme.js';

export type StatusLineProps = {
	/** The filter being typed, when the filter line is open. */
	filtering: boolean;
	query: string;
	/** What is wrong with the query (an unknown qualifier), shown after it. */
	queryNote: string | undefined;
	status: Status | undefined;
	/** A retry being waited out ("throttled: retrying in 3 s"): shown over the status while it lasts. */
	retry: string | undefined;
	width: number;
};

/** One line: the filter while typing it, else a retry being waited out, else the last message. */
export const StatusLine = memo(function StatusLine({filtering, query, queryNote, status, retry, width}: StatusLineProps) {
	const theme = useTheme();
	let content = null;
	if (filtering) {
		const shown = truncate(query, Math.max(0, width - 3));
		content = (
			<Text wrap="truncate-end">
				<Text bold color={theme.text.accent}>
					/
				</Text>
				{shown}
				<Text inverse> </Text>
				{queryNote ? <Text color={theme.status.warning}>{truncate(`  ${queryNote}`, Math.max(0, width - shown.length - 2))}</Text> : null}
			</Text>
		);
	} else if (retry || status) {
		const tone = retry ? 'warning' : (status?.tone ?? 'info');
		const color = {info: theme.status.info, success: theme.status.success, warning: theme.status.warning, error: theme.status.error}[tone];
		content = (
			<Text color={color} wrap="truncate-end">
				{truncate(retry ?? status?.text ?? '', width)}
			</Text>
		);
	}
	return (
		<Box height={1} flexShrink={0}>
			{content}
		</Box>
	);
});
