import {Box, Text} from 'ink';
import {memo} from 'react';
import type {ProblemLine} from '../state/panels.js';
import {useTheme} from '../theme.js';

/** A problem, inline under the list: never a crash, always with what to do (its lines: state/panels.ts). */
export const ProblemPanel = memo(function ProblemPanel({lines, width}: {lines: readonly ProblemLine[]; width: number}) {
	const theme = useTheme();
	const color = (kind: ProblemLine['kind']) => {
		if (kind === 'title') return theme.status.error;
		if (kind === 'hint') return theme.status.warning;
		if (kind === 'detail' || kind === 'correlation') return theme.text.muted;
		return undefined;
	};
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.border.problem} paddingX={1} width={width} flexShrink={0}>
			{lines.map((line, index) => (
				<Text key={index} bold={line.kind === 'title'} color={color(line.kind)} wrap="truncate-end">
					{line.text}
				</Text>
			))}
		</Box>
	);
});
