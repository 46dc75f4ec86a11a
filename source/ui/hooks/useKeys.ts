import {useInput, type Key} from 'ink';
import {useCallback, useLayoutEffect, useRef} from 'react';

export type KeyHandler = (input: string, key: Key) => void;

const NO_KEY: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

/** One character of a burst, as Ink would have reported it alone. */
function keyOf(char: string): [string, Key] {
	if (char === '\r' || char === '\n') return ['', {...NO_KEY, return: true}];
	if (char === '\t') return ['', {...NO_KEY, tab: true}];
	if (char === '\u007F' || char === '\b') return ['', {...NO_KEY, backspace: true}];
	if (char < ' ') return [String.fromCharCode(char.charCodeAt(0) + 96), {...NO_KEY, ctrl: true}];
	return [char, {...NO_KEY, shift: /[A-Z]/.test(char)}];
}

/**
 * A burst of typed keys ("jjj" over a slow SSH link, "/visio" from a script) arrives from Ink as
 * one string. Split it into single keys, so each one does what it does alone. Escape sequences
 * are Ink's to parse and never reach here joined to other keys.
 */
export function splitBurst(input: string, key: Key): Array<[string, Key]> {
	if (input.length <= 1 || key.meta || key.ctrl || input.includes('\u001B')) return [[input, key]];
	return [...input].map(keyOf);
}

/**
 * A screen's one input handler. The handler may change every render; the subscription does
 * not (useInput re-subscribes whenever its handler changes). Handlers should read state through
 * a `current()` accessor: keys can arrive faster than frames.
 */
export function useKeys(handler: KeyHandler, options: {isActive?: boolean} = {}): void {
	const latest = useRef(handler);
	useLayoutEffect(() => {
		latest.current = handler;
	});
	const stable = useCallback<KeyHandler>((input, key) => {
		for (const [one, oneKey] of splitBurst(input, key)) latest.current(one, oneKey);
	}, []);
	useInput(stable, {isActive: options.isActive ?? true});
}
