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
import {register} from 'node:module';

const hooks = `export async function resolve(specifier, context, next) {
	if (specifier === 'is-in-ci') return {url: 'data:text/javascript,export default false', shortCircuit: true};
	if (specifier === 'restore-cursor') return {url: 'data:text/javascript,export default () => undefined', shortCircuit: true};
	return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
