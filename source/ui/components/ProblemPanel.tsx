import {Box, Text} from 'ink';
import {memo} from 'react';
import type {ShownProblem} from '../state/dashboard.js';
import {truncate, wrapAtMost} from '../text.js';
import {useTheme} from '../theme.js';

export type ProblemLine = {text: string; kind: 'title' | 'context' | 'detail' | 'hint' | 'correlation'};

/** Columns the border and padding take. */
const FRAME = 4;

/**
 * The panel's lines at a width, at most `max` of them: the title, the row it was about, the
 * detail, the hints, and the correlation ID (kept even when hints must be cut).
 */
export function problemLines({problem, context}: ShownProblem, width: number, max: number, paging?: {at: number; of: number}): ProblemLine[] {
	const inner = Math.max(10, width - FRAME);
	const page = paging ? `${paging.at} of ${paging.of} ([ ]) · ` : '';
	const lines: ProblemLine[] = [{text: truncate(`${page}${problem.title}`, inner), kind: 'title'}];
	if (context) lines.push({text: truncate(context, inner), kind: 'context'});
	if (problem.detail) for (const text of wrapAtMost(problem.detail, inner, 2)) lines.push({text, kind: 'detail'});
	for (const hint of problem.hints) {
		for (const [index, text] of wrapAtMost(hint, inner - 2, 2).entries()) {
			lines.push({text: `${index === 0 ? '→' : ' '} ${text}`, kind: 'hint'});
		}
	}
	const correlation: ProblemLine | undefined = problem.correlationId
		? {text: truncate(`Correlation ID: ${problem.correlationId}`, inner), kind: 'correlation'}
		: undefined;
	const room = Math.max(1, max - (correlation ? 1 : 0));
	const kept = lines.slice(0, room);
	if (correlation) kept.push(correlation);
	return kept;
}

export function problemPanelHeight(lines: readonly ProblemLine[]): number {
	return lines.length + 2;
}

/** A problem, inline under the list: never a crash, always with what to do. */
export const ProblemPanel = memo(function ProblemPanel({lines, width}: {lines: readonly ProblemLine[]; width: number}) {
	const theme = useTheme();
	const color = (kind: ProblemLine['kind']) => {
		if (kind === 'title') return theme.status.error;
		if (kind === 'hint') return theme.status.warning;
		if (kind === 'detail' || kind === 'correlation') return theme.text.muted;
		return undefined;
	};
	return (
		<Box
			flexDirection="column"
			borderStyle="round"
			borderColor={theme.border.problem}
			paddingX={1}
			width={width}
			flexShrink={0}
		>
			{lines.map((line, index) => (
				<Text key={index} bold={line.kind === 'title'} color={color(line.kind)} wrap="truncate-end">
					{line.text}
				</Text>
			))}
		</Box>
	);
});
