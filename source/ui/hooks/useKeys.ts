import {useInput, type Key} from 'ink';
import {useCallback, useLayoutEffect, useRef} from 'react';

export type KeyHandler = (input: string, key: Key) => void;

/**
 * A screen's one input handler. The handler may change every render; the subscription does
 * not (useInput re-subscribes whenever its handler changes), and keys that arrive in one burst
 * each see the state the previous key left.
 */
export function useKeys(handler: KeyHandler, options: {isActive?: boolean} = {}): void {
	const latest = useRef(handler);
	useLayoutEffect(() => {
		latest.current = handler;
	});
	const stable = useCallback<KeyHandler>((input, key) => latest.current(input, key), []);
	useInput(stable, {isActive: options.isActive ?? true});
}
