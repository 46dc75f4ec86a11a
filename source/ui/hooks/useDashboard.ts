import {useCallback, useEffect, useRef, useState, type Dispatch} from 'react';
import {applyWrites} from '../../commerce/changes.js';
import type {Row} from '../../commerce/types.js';
import type {Problem} from '../../problems/types.js';
import type {Backend} from '../backend.js';
import type {Change, ChangePlan} from '../state/changes.js';
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
	/** r: load the policy and both lists again (in parallel). */
	reload: () => void;
	/** Sends a confirmed plan: each row shows "saving…" until the service answers. */
	apply: (plan: ChangePlan) => void;
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
	const sets = useRef(0);
	/** This session's change sets (by number) and their change set IDs in the audit log. */
	const logged = useRef(new Map<number, string>());

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

	const reload = useCallback(() => {
		const load = ++loads.current;
		dispatch({type: 'load-start'});
		Promise.all([backend.loadPolicy(), backend.loadRows('product'), backend.loadRows('offerType')]).then(
			([policy, products, offerTypes]) => {
				if (load !== loads.current) return;
				dispatch({type: 'load-done', policy, products, offerTypes});
				loaded(products, offerTypes);
			},
			(error: unknown) => {
				if (load === loads.current) dispatch({type: 'load-failed', problem: classify(error)});
			},
		);
	}, [backend, classify, dispatch, loaded]);

	useEffect(() => {
		// Loaded before the first frame: only what follows a load is left to do.
		if (preloaded) loaded(preloaded.product, preloaded.offerType);
		else reload();
	}, [preloaded, loaded, reload]);

	const apply = useCallback(
		(plan: ChangePlan) => {
			const setId = ++sets.current;
			const before = latest.current;
			dispatch({type: 'save-start', setId, plan});
			// The audit log's change set: a retry continues the one its rows failed in; an undo names the one it reverses.
			const continues = plan.kind === 'retry' && before.failed.setId !== undefined ? logged.current.get(before.failed.setId) : undefined;
			const undoes = plan.kind === 'undo' && plan.undoes !== undefined ? logged.current.get(plan.undoes) : undefined;
			const recorder = backend.startChangeSet?.({id: continues, undoes});
			if (recorder && plan.kind !== 'retry' && plan.kind !== 'undo') logged.current.set(setId, recorder.id);
			// The one engine for multi-row writes (source/commerce/changes.ts): bounded concurrency, each result logged.
			void applyWrites(async change => backend.setValue(change.row, change.to), plan.changes, {
				recorder,
				classify,
				onResult: result => {
					const change = result.change as Change;
					if (result.ok) dispatch({type: 'save-done', setId, plan, change, row: result.row});
					else dispatch({type: 'save-failed', setId, plan, change, problem: result.problem});
				},
			}).then(() => dispatch({type: 'save-end', setId, plan}));
		},
		[backend, classify, dispatch],
	);

	return {state, current, dispatch, reload, apply};
}
