import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export type TerminalSize = {columns: number; rows: number};

function sizeOf(stdout: NodeJS.WriteStream): TerminalSize {
	// columns/rows are undefined when stdout is not a terminal (and in ink-testing-library).
	return {columns: stdout.columns || 80, rows: stdout.rows || 24};
}

/**
 * The terminal's size, updated on every 'resize' of stdout. Falls back to 80x24 when stdout
 * does not say.
 */
export function useTerminalSize(): TerminalSize {
	const {stdout} = useStdout();
	const [size, setSize] = useState(() => sizeOf(stdout));
	useEffect(() => {
		const onResize = () => {
			setSize(previous => {
				const next = sizeOf(stdout);
				return next.columns === previous.columns && next.rows === previous.rows ? previous : next;
			});
		};
		onResize();
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return size;
}
