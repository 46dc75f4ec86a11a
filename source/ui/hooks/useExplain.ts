import {useEffect, useState} from 'react';
import type {explain} from '../../switches/explain.js';

/** What a product's detail needs to answer "Can users still get it?": the pure rule and the switches' names. */
export type Explainer = {explain: typeof explain; names: readonly string[]};

/**
 * explain() (source/switches/explain.ts), loaded the first time a product's detail asks for it:
 * the dashboard's first frame loads nothing of source/switches. Undefined until it is loaded.
 */
export function useExplain(needed: boolean): Explainer | undefined {
	const [loaded, setLoaded] = useState<Explainer>();
	useEffect(() => {
		if (!needed || loaded) return;
		let alive = true;
		Promise.all([import('../../switches/explain.js'), import('../../switches/definitions.js')]).then(
			([rule, definitions]) => {
				if (alive) setLoaded({explain: rule.explain, names: definitions.SWITCH_NAMES});
			},
			() => undefined,
		);
		return () => {
			alive = false;
		};
	}, [needed, loaded]);
	return loaded;
}
