// What Ink does on a user's terminal, made to fit the test processes (preloaded by scripts/test.mjs).
//
// - The tests run the source, not the bundle: give them the bundle's answer to Ink's "am I in
//   CI?" (no; see the ink-on-terminals plugin in scripts/build.mjs), so they pass where CI=true is
//   set and test what a user runs.
// - Ink hides the cursor of any stream that says it is a TTY, and restore-cursor then arranges to
//   write "show the cursor" (ESC [?25h) to the process's own stderr when it exits. For the tests'
//   fake terminals that stderr is the pipe to the test runner, which printed the byte sequence in
//   the middle of the report. There is no terminal to restore there; that the dashboard shows the
//   cursor again itself is asserted on the fake terminal (test/ui/run.test.tsx).
//
// Node 22.15 and 23.5 added module.registerHooks (in-thread, synchronous); module.register, which
// runs the hooks on a thread of their own, is deprecated from Node 26. The first is used where it
// exists, the second on Node 20.
import module from 'node:module';

/** Modules replaced for the tests, by specifier: the source of what stands in. */
const STUBS = {'is-in-ci': 'export default false', 'restore-cursor': 'export default () => undefined'};
const stubUrl = specifier => `data:text/javascript,${encodeURIComponent(STUBS[specifier])}`;

if (typeof module.registerHooks === 'function') {
	module.registerHooks({
		resolve(specifier, context, nextResolve) {
			return Object.hasOwn(STUBS, specifier) ? {url: stubUrl(specifier), shortCircuit: true} : nextResolve(specifier, context);
		},
	});
} else {
	const hooks = `const STUBS = ${JSON.stringify(STUBS)};
export async function resolve(specifier, context, next) {
	if (Object.hasOwn(STUBS, specifier)) return {url: 'data:text/javascript,' + encodeURIComponent(STUBS[specifier]), shortCircuit: true};
	return next(specifier, context);
}`;
	module.register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}
