import {useCallback, useEffect, useRef, useState} from 'react';
import type {Problem} from '../../problems/types.js';
import type {AccountSummary, Backend, DeviceCodePrompt} from '../backend.js';

export type SignInStep =
	/** Not asked yet (a manual sign-in: the Tenant switches tab before it is first opened). */
	| 'idle'
	/** Trying the token cache (or --token). */
	| 'silent'
	/** A manual sign-in found no token: a device code is needed, and waits to be asked for (start). */
	| 'needed'
	/** A device code is on screen; waiting for the user to approve it in a browser. */
	| 'waiting'
	| 'expired'
	| 'cancelled'
	| 'failed'
	| 'done';

export type SignInState = {
	step: SignInStep;
	prompt?: DeviceCodePrompt;
	problem?: Problem;
	account?: AccountSummary;
};

export type SignIn = {
	state: SignInState;
	/** The state as of now (keys can arrive before the frame that shows it). */
	current: () => SignInState;
	/** Esc: stop waiting for the code (aborts the backend's polling). */
	cancel: () => void;
	/** Enter after expiry, cancel or a problem: start again with a new code (a manual sign-in: the first code too). */
	restart: () => void;
	/** A manual sign-in: try silently now (again). */
	begin: () => void;
};

/** What a sign-in needs: the dashboard's Backend, or Microsoft Graph's part of it (Backend.switches). */
export type SignInSource = Pick<Backend, 'signInSilently' | 'signInWithDeviceCode'> & {ready?: Backend['ready']};

export type SignInOptions = {
	/**
	 * Wait to be asked: nothing happens until begin(), which tries silently; when a device code
	 * is needed the step is 'needed' until restart() asks for one (the Tenant switches tab: the
	 * tab never starts a device code by itself).
	 */
	manual?: boolean;
};

/**
 * Sign-in as the dashboard does it: silently when the cache allows, else with a device code
 * (a new one on request when it expires or is cancelled). Problems come back classified.
 */
export function useSignIn(backend: SignInSource | undefined, classify: (error: unknown) => Problem, options: SignInOptions = {}): SignIn {
	const manual = options.manual ?? false;
	const [state, setShown] = useState<SignInState>(() => {
		const account = backend?.ready?.()?.account;
		return account ? {step: 'done', account} : {step: manual ? 'idle' : 'silent'};
	});
	const latest = useRef(state);
	const setState = useCallback((next: SignInState | ((previous: SignInState) => SignInState)) => {
		latest.current = typeof next === 'function' ? next(latest.current) : next;
		setShown(latest.current);
	}, []);
	const current = useCallback(() => latest.current, []);
	const attempt = useRef<{controller: AbortController; why?: 'cancelled' | 'expired'; timer?: NodeJS.Timeout}>(undefined);
	const alive = useRef(true);

	const stop = useCallback((why?: 'cancelled' | 'expired') => {
		const current = attempt.current;
		if (!current) return;
		current.why = why;
		clearTimeout(current.timer);
		current.controller.abort();
		attempt.current = undefined;
	}, []);

	const deviceCode = useCallback(() => {
		if (!backend) return;
		stop();
		const current: {controller: AbortController; why?: 'cancelled' | 'expired'; timer?: NodeJS.Timeout} = {
			controller: new AbortController(),
		};
		attempt.current = current;
		setState({step: 'waiting'});
		const onPrompt = (prompt: DeviceCodePrompt) => {
			if (attempt.current !== current || !alive.current) return;
			clearTimeout(current.timer);
			current.timer = setTimeout(
				() => {
					if (attempt.current !== current) return;
					stop('expired');
					setState(previous => ({...previous, step: 'expired'}));
				},
				Math.max(0, prompt.expiresAt - Date.now()),
			);
			setState({step: 'waiting', prompt});
		};
		backend.signInWithDeviceCode(onPrompt, current.controller.signal).then(
			account => {
				clearTimeout(current.timer);
				if (attempt.current === current) attempt.current = undefined;
				if (alive.current && !current.controller.signal.aborted) setState({step: 'done', account});
			},
			(error: unknown) => {
				clearTimeout(current.timer);
				if (!alive.current) return;
				// Cancelled or expired by us: the state already says so (and a new attempt may be on).
				if (current.why) return;
				if (attempt.current === current) attempt.current = undefined;
				setState(previous => ({...previous, step: 'failed', problem: classify(error)}));
			},
		);
	}, [backend, classify, stop, setState]);

	const begin = useCallback(() => {
		if (!backend) return;
		stop();
		setState({step: 'silent'});
		backend.signInSilently().then(
			account => {
				if (!alive.current || latest.current.step !== 'silent') return;
				if (account) setState({step: 'done', account});
				else if (manual) setState({step: 'needed'});
				else deviceCode();
			},
			(error: unknown) => {
				if (alive.current && latest.current.step === 'silent') setState({step: 'failed', problem: classify(error)});
			},
		);
	}, [backend, classify, deviceCode, setState, manual, stop]);

	useEffect(() => {
		alive.current = true;
		// Already signed in (the backend started before the first frame), or waiting to be asked: nothing to do.
		if (latest.current.step !== 'done' && !manual) begin();
		return () => {
			alive.current = false;
			stop('cancelled');
		};
	}, [begin, stop, manual]);

	const cancel = useCallback(() => {
		if (!attempt.current) return;
		stop('cancelled');
		setState(previous => ({...previous, step: 'cancelled'}));
	}, [stop, setState]);

	const restart = useCallback(() => {
		// A problem before any code was shown may have been the silent step's: try that again too.
		const {step, prompt} = latest.current;
		if (step === 'failed' && !prompt && !manual) begin();
		else deviceCode();
	}, [begin, deviceCode, manual]);

	return {state, current, cancel, restart, begin};
}
