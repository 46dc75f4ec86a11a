/**
 * The keymap (the key table in README.md, "The dashboard"), as named commands. Screens translate
 * a key into a command here and act on the command; the help overlay and the footer read the same
 * table.
 */
import type {Key} from 'ink';

export const Command = {
	Up: 'up',
	Down: 'down',
	PageUp: 'page-up',
	PageDown: 'page-down',
	First: 'first',
	Last: 'last',
	NextTab: 'next-tab',
	PreviousTab: 'previous-tab',
	Filter: 'filter',
	Cycle: 'cycle',
	SetEnabled: 'set-enabled',
	SetTrials: 'set-trials',
	SetDisabled: 'set-disabled',
	Mark: 'mark',
	MarkAll: 'mark-all',
	Undo: 'undo',
	Reload: 'reload',
	RetryFailed: 'retry-failed',
	Detail: 'detail',
	NextProblem: 'next-problem',
	PreviousProblem: 'previous-problem',
	Help: 'help',
	Quit: 'quit',
	Interrupt: 'interrupt',
	Escape: 'escape',
} as const;
export type Command = (typeof Command)[keyof typeof Command];

/** Ctrl-C, wherever the user is: quit with exit code 130. */
export function isInterrupt(input: string, key: Key): boolean {
	return key.ctrl && input === 'c';
}

/** Keys that move the cursor; they work in the list and while typing a filter. */
export function movementCommand(input: string, key: Key): Command | undefined {
	if (key.upArrow) return Command.Up;
	if (key.downArrow) return Command.Down;
	if (key.pageUp || (key.ctrl && input === 'u')) return Command.PageUp;
	if (key.pageDown || (key.ctrl && input === 'd')) return Command.PageDown;
	if (key.home) return Command.First;
	if (key.end) return Command.Last;
	return undefined;
}

/** The list's keys. */
export function listCommand(input: string, key: Key): Command | undefined {
	if (isInterrupt(input, key)) return Command.Interrupt;
	const moved = movementCommand(input, key);
	if (moved) return moved;
	if (key.escape) return Command.Escape;
	if (key.tab) return key.shift ? Command.PreviousTab : Command.NextTab;
	if (key.return) return Command.Cycle;
	if (key.ctrl || key.meta) return undefined;
	switch (input) {
		case 'k':
			return Command.Up;
		case 'j':
			return Command.Down;
		case 'g':
			return Command.First;
		case 'G':
			return Command.Last;
		case '/':
			return Command.Filter;
		case ' ':
			return Command.Cycle;
		case 'e':
			return Command.SetEnabled;
		case 't':
			return Command.SetTrials;
		case 'd':
			return Command.SetDisabled;
		case 'x':
			return Command.Mark;
		case 'X':
			return Command.MarkAll;
		case 'u':
			return Command.Undo;
		case 'r':
			return Command.Reload;
		case 'R':
			return Command.RetryFailed;
		case 'i':
			return Command.Detail;
		case ']':
			return Command.NextProblem;
		case '[':
			return Command.PreviousProblem;
		case '?':
			return Command.Help;
		case 'q':
			return Command.Quit;
		default:
			return undefined;
	}
}

export type HelpEntry = {keys: string; does: string};

/** Every key, for the `?` overlay (the key table in README.md, "The dashboard"). Short enough for 80x24. */
export const HELP: readonly HelpEntry[] = [
	{keys: '↑ ↓  k j', does: 'move'},
	{keys: 'PgUp PgDn  Ctrl-u Ctrl-d', does: 'page'},
	{keys: 'Home End  g G', does: 'first / last'},
	{keys: 'Tab  Shift-Tab', does: 'Products ↔ Offer types'},
	{keys: '/', does: 'filter name, ID, value; Enter keeps, Esc clears'},
	{keys: 'Space  Enter', does: 'cycle to the next valid value, then confirm'},
	{keys: 'e t d', does: 'Enabled / Trials only / Disabled, then confirm'},
	{keys: 'y n  ↑ ↓  Enter  Esc', does: 'answer: y writes; opens on No; Esc, q cancel'},
	{keys: 'x  X', does: 'mark the row / all shown; e t d Space use marks'},
	{keys: 'u', does: 'undo the last change set made in this session'},
	{keys: 'R  [ ]', does: 'retry the failed rows (marked !); page problems'},
	{keys: 'r', does: 'reload from the service (+ marks products new to you)'},
	{keys: 'i', does: 'details of the selected row (and why it failed)'},
	{keys: 'Esc', does: 'dismiss the problem, then clear the filter'},
	{keys: '?', does: 'this help (Esc, ? or q closes it)'},
	{keys: 'q  Ctrl-C', does: 'quit'},
];
