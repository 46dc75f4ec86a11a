/**
 * The list's cursor and the window of rows on screen. Only the rows in the window are ever
 * rendered, so moving costs the same with 20 rows or 10,000.
 */
import {Command} from '../keys.js';

export type Cursor = {
	/** Index of the selected row in the shown (filtered) list. */
	index: number;
	/** Index of the first row on screen. */
	top: number;
};

export const START: Cursor = {index: 0, top: 0};

export type MoveCommand =
	| typeof Command.Up
	| typeof Command.Down
	| typeof Command.PageUp
	| typeof Command.PageDown
	| typeof Command.First
	| typeof Command.Last;

export function isMoveCommand(command: Command): command is MoveCommand {
	return (
		command === Command.Up ||
		command === Command.Down ||
		command === Command.PageUp ||
		command === Command.PageDown ||
		command === Command.First ||
		command === Command.Last
	);
}

function clamp(value: number, min: number, max: number): number {
	return Math.max(min, Math.min(max, value));
}

/**
 * Keeps a cursor valid for `count` rows shown `height` at a time: the index inside the list,
 * and the window placed so the index is on screen (and no blank rows below the last one).
 */
export function settle(cursor: Cursor, count: number, height: number): Cursor {
	const rows = Math.max(1, height);
	if (count <= 0) return START;
	const index = clamp(cursor.index, 0, count - 1);
	let top = clamp(cursor.top, index - rows + 1, index);
	top = clamp(top, 0, Math.max(0, count - rows));
	return index === cursor.index && top === cursor.top ? cursor : {index, top};
}

/** Where a movement key takes the cursor. Paging moves the window with it, as in less. */
export function move(cursor: Cursor, command: MoveCommand, count: number, height: number): Cursor {
	const page = Math.max(1, height);
	const current = settle(cursor, count, height);
	switch (command) {
		case Command.Up:
			return settle({...current, index: current.index - 1}, count, height);
		case Command.Down:
			return settle({...current, index: current.index + 1}, count, height);
		case Command.PageUp:
			return settle({index: current.index - page, top: current.top - page}, count, height);
		case Command.PageDown:
			return settle({index: current.index + page, top: current.top + page}, count, height);
		case Command.First:
			return settle({index: 0, top: 0}, count, height);
		case Command.Last:
			return settle({index: count - 1, top: count - 1}, count, height);
	}
}

/** The slice of rows on screen: [start, end). */
export function windowOf(cursor: Cursor, count: number, height: number): {start: number; end: number; index: number} {
	const settled = settle(cursor, count, height);
	return {start: settled.top, end: Math.min(count, settled.top + Math.max(1, height)), index: settled.index};
}
