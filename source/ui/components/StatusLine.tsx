import {Box, Text} from 'ink';
import {memo} from 'react';
import type {Status} from '../state/dashboard.js';
import {truncate} from '../text.js';
import {useTheme} from '../theme.js';

export type StatusLineProps = {
	/** The filter being typed, when the filter line is open. */
	filtering: boolean;
	query: string;
	status: Status | undefined;
	width: number;
};

/** One line: the filter while typing it, else the last message (saved, skipped, nothing to undo…). */
export const StatusLine = memo(function StatusLine({filtering, query, status, width}: StatusLineProps) {
	const theme = useTheme();
	let content = null;
	if (filtering) {
		content = (
			<Text wrap="truncate-end">
				<Text bold color={theme.text.accent}>
					/
				</Text>
				{truncate(query, Math.max(0, width - 3))}
				<Text inverse> </Text>
			</Text>
		);
	} else if (status) {
		const color = {info: theme.status.info, success: theme.status.success, warning: theme.status.warning, error: theme.status.error}[status.tone];
		content = (
			<Text color={color} wrap="truncate-end">
				{truncate(status.text, width)}
			</Text>
		);
	}
	return (
		<Box height={1} flexShrink={0}>
			{content}
		</Box>
	);
});
