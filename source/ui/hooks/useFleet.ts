import {useCallback, useEffect, useRef, useState, type Dispatch} from 'react';
import type {FleetBackend} from '../fleetBackend.js';
import {entryOf, fleetReducer, initialFleet, type FleetAction, type FleetState} from '../state/fleet.js';

export type Fleet = {
	/** The state this render shows. */
	state: FleetState;
	/** The state right now, with every action dispatched so far applied (keys can come faster than frames). */
	current: () => FleetState;
	dispatch: Dispatch<FleetAction>;
	/** Loads tenants (every tenant when undefined); each row fills in as its answer arrives. `announce`: say so when each ends. */
	load: (ids: readonly string[] | undefined, announce?: boolean) => void;
};

/**
 * The fleet view's state (a plain reducer, state/fleet.ts) and the calls to the fleet backend
 * that feed it. It lives as long as the fleet view's App, above a tenant's dashboard, so rows,
 * filter, order and selection are there again when the user comes back, and answers that arrive
 * meanwhile are kept. Every tenant is loading from the first frame on.
 */
export function useFleet(fleet: FleetBackend): Fleet {
	const [state, setState] = useState(() => initialFleet(fleet.tenants));
	const latest = useRef(state);
	const dispatch = useCallback((action: FleetAction) => {
		const next = fleetReducer(latest.current, action);
		if (next === latest.current) return;
		latest.current = next;
		setState(next);
	}, []);
	const current = useCallback(() => latest.current, []);

	const load = useCallback(
		(ids: readonly string[] | undefined, announce = false) => {
			const targets = ids ?? fleet.tenants.map(tenant => tenant.id);
			if (targets.length === 0) return;
			dispatch({type: 'load-start', ids: targets, announce});
			// Each answer is taken only for the load it answers (a second r makes the first one's answer old news).
			const generations = new Map(targets.map(id => [id, entryOf(latest.current, id).generation]));
			fleet.load(ids === undefined ? undefined : targets, (id, outcome) => dispatch({type: 'tenant-done', id, generation: generations.get(id) ?? -1, outcome}));
		},
		[fleet, dispatch],
	);

	// The first load: the first frame already shows every tenant loading (initialFleet, generation 1).
	const started = useRef(false);
	useEffect(() => {
		if (started.current) return;
		started.current = true;
		fleet.load(undefined, (id, outcome) => dispatch({type: 'tenant-done', id, generation: 1, outcome}));
	}, [fleet, dispatch]);

	useEffect(() => fleet.onNote?.((id, line) => dispatch({type: 'note', id, line})), [fleet, dispatch]);

	return {state, current, dispatch, load};
}
