import {useCallback, useEffect, useRef, type Dispatch} from 'react';
import type {Problem} from '../../problems/types.js';
import type {Backend} from '../backend.js';
import type {DashboardAction} from '../state/dashboard.js';
import type {SwitchPlan} from '../state/switches.js';
import {useSignIn, type SignIn} from './useSignIn.js';

export type Switches = {
	/** Microsoft Graph's sign-in (manual: the tab never starts a device code by itself). */
	signIn: SignIn;
	/** The tab is on show: the first time, try the silent sign-in (the token cache, its refresh token), nothing more. */
	open: () => void;
	/** Enter: Graph's device-code sign-in. */
	signInNow: () => void;
	/** Esc: stop waiting for the code. */
	cancel: () => void;
	/** r: read the switches again; not signed in, try the silent sign-in again. */
	reload: () => void;
	/** Sends a confirmed switch plan through the switches' session (the one engine, the audit log). */
	apply: (plan: SwitchPlan) => void;
	/** q / Ctrl-C with a switch write in flight: stop sending, call `then` once settled (true); else false. */
	stop: (then: () => void) => boolean;
};

/**
 * The Tenant switches tab's calls to Backend.switches and what feeds the reducer: the sign-in
 * (silently when the tab is first opened; a device code only on Enter), the reads, and the
 * writes. A write that fails, or whose outcome is unknown, is followed by a read, so the tab
 * never shows a value Microsoft Graph does not hold.
 */
export function useSwitches(backend: Backend, classify: (error: unknown) => Problem, dispatch: Dispatch<DashboardAction>): Switches {
	const part = backend.switches;
	const signIn = useSignIn(part, classify, {manual: true});
	const opened = useRef(false);
	const reads = useRef(0);

	const load = useCallback(
		(announce: boolean) => {
			if (!part) return;
			const id = ++reads.current;
			dispatch({type: 'switches-load-start', announce});
			part.read().then(
				readings => {
					if (id === reads.current) dispatch({type: 'switches-loaded', readings});
				},
				(error: unknown) => {
					if (id === reads.current) dispatch({type: 'switches-load-failed', problem: classify(error)});
				},
			);
		},
		[part, classify, dispatch],
	);

	// Signed in (silently, or once the code is approved): read the switches.
	const {step, account} = signIn.state;
	useEffect(() => {
		if (step !== 'done') return;
		if (account) dispatch({type: 'switches-account', account});
		load(false);
	}, [step, account, dispatch, load]);

	const open = useCallback(() => {
		if (opened.current || !part) return;
		opened.current = true;
		signIn.begin();
	}, [part, signIn]);

	const reload = useCallback(() => {
		if (signIn.current().step === 'done') load(true);
		else signIn.begin();
	}, [signIn, load]);

	const apply = useCallback(
		(plan: SwitchPlan) => {
			if (!part) return;
			const {session} = part;
			dispatch({type: 'switch-save-start', plan});
			let reread = false;
			session
				.apply(plan, outcome => {
					if (outcome.kind === 'failed' || outcome.kind === 'unknown') reread = true;
					dispatch({type: 'switch-save-outcome', plan, outcome});
				})
				.then(
					result => {
						dispatch({type: 'switch-save-end', plan, canUndo: session.canUndo});
						if (result.journalError) dispatch({type: 'status', status: {text: `The audit log could not be written: nothing was sent (${result.journalError.message})`, tone: 'error'}});
						// What Microsoft Graph holds now, whatever the write left unsaid.
						if (reread) load(false);
					},
					(error: unknown) => {
						dispatch({type: 'switch-save-end', plan, canUndo: session.canUndo});
						dispatch({type: 'status', status: {text: classify(error).title, tone: 'error'}});
						load(false);
					},
				);
		},
		[part, classify, dispatch, load],
	);

	const stop = useCallback(
		(then: () => void) => {
			if (!part?.session.busy) return false;
			const {inFlight, done} = part.session.stop();
			dispatch({type: 'stopping', inFlight});
			void done.then(then);
			return true;
		},
		[part, dispatch],
	);

	return {signIn, open, signInNow: signIn.restart, cancel: signIn.cancel, reload, apply, stop};
}
