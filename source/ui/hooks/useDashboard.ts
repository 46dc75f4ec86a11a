import {useCallback, useEffect, useRef, useState, type Dispatch} from 'react';
import type {Problem} from '../../problems/types.js';
import type {Backend} from '../backend.js';
import type {Change, ChangePlan} from '../state/changes.js';
import {dashboardReducer, initialDashboard, type DashboardAction, type DashboardState} from '../state/dashboard.js';
import {prepareSearch} from '../state/filter.js';

/** Writes in flight at once for bulk changes (issue 7 asks for 4 to 8). */
export const WRITE_CONCURRENCY = 4;

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
	/** r: load the policy and both lists again (in parallel). */
	reload: () => void;
	/** Sends a confirmed plan: each row shows "saving…" until the service answers. */
	apply: (plan: ChangePlan) => void;
};

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const item = items[next++] as T;
			await work(item);
		}
	};
	await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
}

/**
 * The main screen's state (a plain reducer, see state/dashboard.ts) and the calls to the
 * backend that feed it. Every rejection becomes a Problem through `classify`.
 */
export function useDashboard(backend: Backend, classify: (error: unknown) => Problem, options: {readOnly: boolean}): Dashboard {
	const [state, setState] = useState(() => initialDashboard(options));
	const latest = useRef(state);
	const dispatch = useCallback((action: DashboardAction) => {
		const next = dashboardReducer(latest.current, action);
		if (next === latest.current) return;
		latest.current = next;
		setState(next);
	}, []);
	const current = useCallback(() => latest.current, []);
	const loads = useRef(0);
	const sets = useRef(0);

	const reload = useCallback(() => {
		const load = ++loads.current;
		dispatch({type: 'load-start'});
		Promise.all([backend.loadPolicy(), backend.loadRows('product'), backend.loadRows('offerType')]).then(
			([policy, products, offerTypes]) => {
				if (load !== loads.current) return;
				dispatch({type: 'load-done', policy, products, offerTypes});
				// After the first frame of the list: make the first filter keystroke as quick as the rest.
				setTimeout(() => {
					const {rows} = latest.current;
					prepareSearch(rows.product);
					prepareSearch(rows.offerType);
				}, 50).unref();
			},
			(error: unknown) => {
				if (load === loads.current) dispatch({type: 'load-failed', problem: classify(error)});
			},
		);
	}, [backend, classify, dispatch]);

	useEffect(() => {
		reload();
	}, [reload]);

	const apply = useCallback(
		(plan: ChangePlan) => {
			const setId = ++sets.current;
			dispatch({type: 'save-start', setId, plan});
			const write = async (change: Change) => {
				try {
					const row = await backend.setValue(change.row, change.to);
					dispatch({type: 'save-done', setId, plan, change, row});
				} catch (error) {
					dispatch({type: 'save-failed', setId, plan, change, problem: classify(error)});
				}
			};
			void eachLimited(plan.changes, WRITE_CONCURRENCY, write).then(() => {
				dispatch({type: 'save-end', setId, plan});
			});
		},
		[backend, classify, dispatch],
	);

	return {state, current, dispatch, reload, apply};
}
