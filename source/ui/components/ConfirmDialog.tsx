import {Box, Text} from 'ink';
import SelectInput from 'ink-select-input';
import {memo} from 'react';
import {SEED_NOTE, summarisePlan, type ChangePlan} from '../state/changes.js';
import type {Answer} from '../state/dashboard.js';
import {truncate, wrapAtMost} from '../text.js';
import {useTheme} from '../theme.js';

export type ConfirmLine = {text: string; kind: 'title' | 'where' | 'change' | 'note' | 'seed'};

const FRAME = 4;
const ITEMS = [
	{label: 'Yes', value: 'yes' as Answer},
	{label: 'No', value: 'no' as Answer},
];
/** Border (2) and the Yes / No items (2). */
const CHROME = 4;

/**
 * The dialog's text for a plan, in at most `max` lines (the first few changes, then "…and n
 * more"), always naming where it writes: `where` is the tenant and account.
 */
export function confirmLines(plan: ChangePlan, width: number, max: number, where: string): ConfirmLine[] {
	const inner = Math.max(10, width - FRAME);
	const seed = wrapAtMost(SEED_NOTE, inner, 2);
	const probe = summarisePlan(plan, 0);
	// Room for listed changes: what is left after the title, notes, the "more" line and the note that
	// existing trials and purchases are not affected (docs/service.md, Values).
	// Where it writes is never cut: wrapped to two lines if it must.
	const whereLines = wrapAtMost(`In tenant ${where}`, inner, 2);
	const fixed = 1 + whereLines.length + probe.notes.length + seed.length + 1;
	const single = plan.changes.length === 1 && !plan.fromMarks && plan.kind !== 'undo' && plan.kind !== 'retry';
	const listable = Math.max(1, Math.min(5, max - fixed));
	// "…and 1 more" takes the line the last change would: list it instead.
	const summary = summarisePlan(plan, plan.changes.length === listable + 1 ? listable + 1 : listable);
	const lines: ConfirmLine[] = [
		{text: truncate(summary.title, inner), kind: 'title'},
		...whereLines.map(text => ({text, kind: 'where' as const})),
	];
	for (const change of summary.listed) {
		const text = single ? `${change.from} → ${change.to}` : `${change.row.name} (${change.row.id}): ${change.from} → ${change.to}`;
		lines.push({text: truncate(single ? text : `  ${text}`, inner), kind: 'change'});
	}
	if (summary.more > 0) lines.push({text: `  …and ${summary.more} more`, kind: 'change'});
	for (const note of summary.notes) lines.push({text: truncate(note, inner), kind: 'note'});
	for (const text of seed) lines.push({text, kind: 'seed'});
	return lines;
}

export function confirmDialogHeight(lines: readonly ConfirmLine[]): number {
	return lines.length + CHROME;
}

export type ConfirmDialogProps = {
	lines: readonly ConfirmLine[];
	width: number;
	/** The highlighted answer; the screen's one input handler moves it and answers. */
	highlight: Answer;
};

function Indicator({isSelected = false}: {isSelected?: boolean}) {
	const theme = useTheme();
	return (
		<Box marginRight={1}>
			<Text color={theme.text.accent}>{isSelected ? '❯' : ' '}</Text>
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
 * Yes / No on a change, with what changes and the note that only trials and purchases from now on
 * are affected (docs/service.md, Values), built on ink-select-input.
 * The screen's input handler owns the keys (y n, ← → ↑ ↓, Enter, Esc), so the select input is
 * drawn unfocused and remounted at the highlighted answer: one handler, no race between two.
 */
export const ConfirmDialog = memo(function ConfirmDialog({lines, width, highlight}: ConfirmDialogProps) {
	const theme = useTheme();
	const color = (kind: ConfirmLine['kind']) => {
		if (kind === 'note') return theme.status.warning;
		if (kind === 'where') return theme.text.accent;
		if (kind === 'seed') return theme.text.muted;
		return undefined;
	};
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.border.dialog} paddingX={1} width={width} flexShrink={0}>
			{lines.map((line, index) => (
				<Text key={index} bold={line.kind === 'title'} color={color(line.kind)} wrap="truncate-end">
					{line.text}
				</Text>
			))}
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
