// Bundles source/ into ESM in dist/: dist/cli.js plus chunks loaded on demand, so a command
// never loads Ink and the dashboard never loads the emulator (Ink loads in half the time bundled).
import {readFileSync, rmSync} from 'node:fs';
import {build} from 'esbuild';

const {version} = JSON.parse(readFileSync('package.json', 'utf8'));

/** An esbuild plugin that resolves the bare import `name` to `contents` instead of the package. */
function replaceModule(name, contents) {
	return {
		name: `replace-${name}`,
		setup(build) {
			build.onResolve({filter: new RegExp(`^${name}$`)}, () => ({path: name, namespace: `replace-${name}`}));
			build.onLoad({filter: /.*/, namespace: `replace-${name}`}, () => ({contents, loader: 'js'}));
		},
	};
}

// MSAL imports jsonwebtoken only to sign client assertions (confidential clients), which a
// public client never does; it and its dependencies cost ~20 ms of every start. A stub stands in.
const noClientAssertions = replaceModule(
	'jsonwebtoken',
	"export default {sign() { throw new Error('mscommerce-tui signs in as a public client: client assertions are not supported'); }};",
);

// Ink asks is-in-ci once, at import, and if CI is set it draws nothing until it exits and stops
// following the terminal's size. The dashboard starts only on a terminal (cli.tsx refuses
// otherwise), and a terminal is someone looking at it: CI=true in their shell must not blank it.
// test/support/inkOnTerminals.mjs gives the tests, which run the source, the same answer.
const inkOnTerminals = replaceModule('is-in-ci', 'export default false;');
rmSync('dist', {recursive: true, force: true});
await build({
	entryPoints: {cli: 'source/cli.tsx'},
	outdir: 'dist',
	bundle: true,
	splitting: true,
	chunkNames: 'chunks/[name]-[hash]',
	platform: 'node',
	format: 'esm',
	target: 'node20',
	jsx: 'automatic',
	sourcemap: 'linked',
	logLevel: 'warning',
	plugins: [noClientAssertions, inkOnTerminals],
	// Ink imports react-devtools-core only when DEV=true, from its own chunk; it is not a dependency.
	external: ['react-devtools-core'],
	// Bundled CommonJS dependencies call require(); give the ESM bundle one.
	banner: {
		js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);",
	},
	define: {'process.env.NODE_ENV': '"production"', MSCOMMERCE_VERSION: JSON.stringify(version)},
});
