import {useCallback, useEffect, useRef, useState, type Dispatch} from 'react';
import type {Row} from '../../commerce/types.js';
import type {Problem} from '../../problems/types.js';
import type {Backend} from '../backend.js';
import type {ChangePlan} from '../state/changes.js';
import {dashboardReducer, initialDashboard, type DashboardAction, type DashboardState} from '../state/dashboard.js';
import {prepareSearch} from '../state/filter.js';

export type Dashboard = {
	/** The state this render shows. */
	state: DashboardState;
	/**
	 * The state right now, with every action dispatched so far applied. Key handlers read this:
	 * Ink renders after the key, so a second key in quick succession would otherwise act on
	 * the state before the first.
	 */
	current: () => DashboardState;
	dispatch: Dispatch<DashboardAction>;
	/** r: load the policy and both lists again (in parallel); its end says "Reloaded". */
	reload: () => void;
	/** Sends a confirmed plan: each row shows "saving…" until its outcome is known. */
	apply: (plan: ChangePlan) => void;
	/**
	 * q / Ctrl-C: with writes in flight, stop sending and call `then` once they are settled
	 * (true); without, false at once.
	 */
	stop: (then: () => void) => boolean;
};

/**
 * The main screen's state (a plain reducer, see state/dashboard.ts) and the calls to the
 * backend that feed it. Every rejection becomes a Problem through `classify`.
 */
export function useDashboard(backend: Backend, classify: (error: unknown) => Problem, options: {readOnly: boolean}): Dashboard {
	const [preloaded] = useState(() => backend.ready?.()?.loaded);
	const [state, setState] = useState(() => {
		const initial = initialDashboard(options);
		return preloaded ? dashboardReducer(initial, {type: 'load-done', ...preloaded, products: preloaded.product, offerTypes: preloaded.offerType}) : initial;
	});
	const latest = useRef(state);
	const dispatch = useCallback((action: DashboardAction) => {
		const next = dashboardReducer(latest.current, action);
		if (next === latest.current) return;
		latest.current = next;
		setState(next);
	}, []);
	const current = useCallback(() => latest.current, []);
	const loads = useRef(0);

	/** After rows arrive: which are new to this tenant, and the filter's index warmed up. */
	const loaded = useCallback((products: readonly Row[], offerTypes: readonly Row[]) => {
		if (backend.newRowIds) {
			// New products stay marked for the whole session, though they count as seen from now on.
			Promise.all([backend.newRowIds('product', products), backend.newRowIds('offerType', offerTypes)]).then(
				([product, offerType]) => dispatch({type: 'new-rows', product, offerType}),
				() => undefined,
			);
		}
		// After the first frame of the list: make the first filter keystroke as quick as the rest.
		setTimeout(() => {
			const {rows} = latest.current;
			prepareSearch(rows.product);
			prepareSearch(rows.offerType);
		}, 50).unref();
	}, [backend, dispatch]);

	const load = useCallback((announce: boolean) => {
		const id = ++loads.current;
		dispatch({type: 'load-start', announce});
		Promise.all([backend.loadPolicy(), backend.loadRows('product'), backend.loadRows('offerType')]).then(
			([policy, products, offerTypes]) => {
				if (id !== loads.current) return;
				dispatch({type: 'load-done', policy, products, offerTypes});
				loaded(products, offerTypes);
			},
			(error: unknown) => {
				if (id === loads.current) dispatch({type: 'load-failed', problem: classify(error)});
			},
		);
	}, [backend, classify, dispatch, loaded]);
	const reload = useCallback(() => load(true), [load]);

	useEffect(() => {
		// Loaded before the first frame: only what follows a load is left to do.
		if (preloaded) loaded(preloaded.product, preloaded.offerType);
		else load(false);
	}, [preloaded, loaded, load]);

	// A retry the HTTP layer waits out (429, 503, a dropped connection) is said, with its countdown.
	useEffect(
		() => backend.onRetry?.(({reason, attempt, delayMs}) => dispatch({type: 'retry', notice: {reason, attempt, until: Date.now() + delayMs}})),
		[backend, dispatch],
	);

	const {session} = backend;
	const apply = useCallback(
		(plan: ChangePlan) => {
			dispatch({type: 'save-start', plan});
			// The one write engine (source/commerce/changes.ts) through the session: compare before
			// write, verify after, the audit log written ahead.
			session.apply(plan, outcome => dispatch({type: 'save-outcome', plan, outcome})).then(
				result => dispatch({type: 'save-end', plan, canUndo: session.canUndo, journalError: result.journalError?.message}),
				(error: unknown) => {
					dispatch({type: 'save-end', plan, canUndo: session.canUndo});
					dispatch({type: 'status', status: {text: classify(error).title, tone: 'error'}});
				},
			);
		},
		[session, classify, dispatch],
	);

	const stop = useCallback(
		(then: () => void) => {
			if (!session.busy) return false;
			const {inFlight, done} = session.stop();
			dispatch({type: 'stopping', inFlight});
			void done.then(then);
			return true;
		},
		[session, dispatch],
	);

	return {state, current, dispatch, reload, apply, stop};
}
