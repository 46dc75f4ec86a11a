import {Box, Text} from 'ink';
import SelectInput from 'ink-select-input';
import {memo} from 'react';
import type {Answer} from '../state/dashboard.js';
import type {DialogView} from '../state/layout.js';
import {GLYPHS} from '../glyphs.js';
import {useTheme} from '../theme.js';

const ITEMS = [
	{label: 'Yes', value: 'yes' as Answer},
	{label: 'No', value: 'no' as Answer},
];

export type ConfirmDialogProps = {
	/** The words as they fit (state/layout.ts): the changes on show, and where the rest are. */
	view: DialogView;
	width: number;
	/** The highlighted answer; the screen's one input handler moves it and answers. */
	highlight: Answer;
};

function Indicator({isSelected = false}: {isSelected?: boolean}) {
	const theme = useTheme();
	return (
		<Box marginRight={1}>
			<Text color={theme.text.accent}>{isSelected ? GLYPHS.pointer : ' '}</Text>
		</Box>
	);
}

function Item({isSelected = false, label}: {isSelected?: boolean; label: string}) {
	const theme = useTheme();
	return (
		<Text bold={isSelected} inverse={isSelected} color={isSelected ? theme.text.accent : undefined}>
			{` ${label} `}
		</Text>
	);
}

/**
 * Yes / No on a change: what changes (scrolling with PgUp PgDn when the list is longer than the
 * screen), where it writes, and the note that only trials and purchases from now on are
 * affected (docs/service.md, Values), built on ink-select-input. The screen's input handler owns
 * the keys (keys.ts), so the select input is drawn unfocused and remounted at the highlighted
 * answer: one handler, no race between two.
 */
export const ConfirmDialog = memo(function ConfirmDialog({view, width, highlight}: ConfirmDialogProps) {
	const theme = useTheme();
	const line = (text: string, key: string, color?: string, bold = false) => (
		<Text key={key} bold={bold} color={color} wrap="truncate-end">
			{text}
		</Text>
	);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.border.dialog} paddingX={1} width={width} flexShrink={0}>
			{line(view.title, 'title', undefined, true)}
			{view.where.map((text, index) => line(text, `where${index}`, theme.text.accent))}
			{view.changes.map((text, index) => line(text, `change${index}`))}
			{view.position ? line(view.position, 'position', theme.text.muted) : null}
			{view.notes.map((text, index) => line(text, `note${index}`, theme.status.warning))}
			{view.seed.map((text, index) => line(text, `seed${index}`, theme.text.muted))}
			<SelectInput<Answer>
				key={highlight}
				items={ITEMS}
				initialIndex={highlight === 'yes' ? 0 : 1}
				isFocused={false}
				indicatorComponent={Indicator}
				itemComponent={Item}
			/>
		</Box>
	);
});
