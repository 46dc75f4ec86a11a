// The tests run the source, not the bundle: give them the bundle's answer to Ink's "am I in CI?"
// (no; see the ink-on-terminals plugin in scripts/build.mjs), so they pass where CI=true is set
// and test what a user runs.
import {register} from 'node:module';

const hooks = `export async function resolve(specifier, context, next) {
	if (specifier === 'is-in-ci') return {url: 'data:text/javascript,export default false', shortCircuit: true};
	return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
