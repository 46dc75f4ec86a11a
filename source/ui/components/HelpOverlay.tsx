import {Box, Text} from 'ink';
import {memo} from 'react';
import {HELP} from '../keys.js';
import {fit, truncate} from '../text.js';
import {useTheme} from '../theme.js';

/** `?`: every key and what it does, in place of the list. */
export const HelpOverlay = memo(function HelpOverlay({width, height}: {width: number; height: number}) {
	const theme = useTheme();
	const keysWidth = Math.max(...HELP.map(entry => entry.keys.length));
	const longest = Math.max(...HELP.map(entry => entry.does.length));
	const boxWidth = Math.min(width, keysWidth + 2 + longest + 4);
	const inner = Math.max(10, boxWidth - 4);
	// Border (2); entries beyond the room are cut from the end (all fit at 80x24).
	const room = Math.max(1, height - 2);
	const entries = HELP.slice(0, room);
	return (
		<Box flexDirection="column" height={height} flexShrink={0}>
			<Box flexDirection="column" borderStyle="round" borderColor={theme.border.dialog} paddingX={1} width={boxWidth} flexShrink={0}>
				{entries.map(entry => (
					<Text key={entry.keys + entry.does} wrap="truncate-end">
						<Text bold color={theme.text.accent}>
							{fit(entry.keys, keysWidth)}
						</Text>
						{'  '}
						{truncate(entry.does, Math.max(0, inner - keysWidth - 2))}
					</Text>
				))}
			</Box>
		</Box>
	);
});
