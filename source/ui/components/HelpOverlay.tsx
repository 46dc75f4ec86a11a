import {Box, Text} from 'ink';
import {memo} from 'react';
import type {HelpView} from '../state/layout.js';
import {fit} from '../text.js';
import {useTheme} from '../theme.js';

/**
 * `?`: every key and what it does, from the key table, in place of the list. Lines wrap rather
 * than being cut; a help longer than the screen scrolls (↑ ↓ PgUp PgDn) and says where it is.
 */
export const HelpOverlay = memo(function HelpOverlay({view}: {view: HelpView}) {
	const theme = useTheme();
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.border.dialog} paddingX={1} width={view.boxWidth} flexShrink={0}>
			{view.lines.map((line, index) =>
				line.kind === 'section' ? (
					<Text key={index} bold underline wrap="truncate-end">
						{line.text}
					</Text>
				) : line.kind === 'text' ? (
					<Text key={index} wrap="truncate-end">
						{line.text || ' '}
					</Text>
				) : (
					<Text key={index} wrap="truncate-end" dimColor={line.off}>
						<Text bold color={line.off ? theme.text.muted : theme.text.accent}>
							{line.wide ? line.keys : fit(line.keys, view.keysWidth)}
						</Text>
						{'  '}
						<Text color={line.off ? theme.text.muted : undefined}>{line.text}</Text>
					</Text>
				),
			)}
			{view.position ? (
				<Text color={theme.text.muted} wrap="truncate-end">
					{view.position}
				</Text>
			) : null}
		</Box>
	);
});
