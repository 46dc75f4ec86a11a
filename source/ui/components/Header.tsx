import {Box, Text} from 'ink';
import {memo} from 'react';
import {HEADER_PREFIX, type HeaderText} from '../state/panels.js';
import {truncate} from '../text.js';
import {useTheme} from '../theme.js';

/**
 * Who, which tenant, which policy (default value, description) and counts per value. The words
 * and how many lines they take come from state/panels.ts: the tenant wraps rather than being cut.
 */
export const Header = memo(function Header({text, width}: {text: HeaderText; width: number}) {
	const theme = useTheme();
	const counted = text.counts.map((item, index) => (
		<Text key={item.value}>
			{index > 0 ? ' · ' : ''}
			<Text color={theme.value[item.value]}>{item.label}</Text> {item.count}
		</Text>
	));
	return (
		<Box flexDirection="column" flexShrink={0}>
			{text.who.map((line, index) =>
				index === 0 ? (
					<Text key="who" wrap="truncate-end">
						<Text bold color={theme.text.accent}>
							{HEADER_PREFIX.trimEnd()}
						</Text>
						{'  '}
						{line}
					</Text>
				) : (
					<Text key={`who${index}`} wrap="truncate-end">
						{line}
					</Text>
				),
			)}
			<Text wrap="truncate-end">
				<Text bold>{text.policy}</Text>
				{text.countsBeside ? <Text>{'   '}{counted}</Text> : null}
			</Text>
			{text.description.map((line, index) => (
				<Text key={`description${index}`} wrap="truncate-end">
					{index === 0 && !text.countsBeside ? <Text>{counted} · </Text> : null}
					<Text color={theme.text.muted} dimColor={!theme.color}>
						{truncate(line, width)}
					</Text>
				</Text>
			))}
		</Box>
	);
});
