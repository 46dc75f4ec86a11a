import {Text} from 'ink';
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
	if (filtering) {
		return (
			<Text wrap="truncate-end">
				<Text bold color={theme.text.accent}>
					/
				</Text>
				{truncate(query, Math.max(0, width - 3))}
				<Text inverse> </Text>
			</Text>
		);
	}
	if (!status) return <Text> </Text>;
	const color = {info: theme.status.info, success: theme.status.success, warning: theme.status.warning, error: theme.status.error}[status.tone];
	return (
		<Text color={color} wrap="truncate-end">
			{truncate(status.text, width)}
		</Text>
	);
});
