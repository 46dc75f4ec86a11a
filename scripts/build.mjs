// Bundles source/ into ESM in dist/: dist/cli.js plus chunks loaded on demand, so a command
// never loads Ink and the dashboard never loads the emulator (Ink loads in half the time bundled).
import {readFileSync, rmSync} from 'node:fs';
import {build} from 'esbuild';

const {version} = JSON.parse(readFileSync('package.json', 'utf8'));
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
	// Ink imports react-devtools-core only when DEV=true, from its own chunk; it is not a dependency.
	external: ['react-devtools-core'],
	// Bundled CommonJS dependencies call require(); give the ESM bundle one.
	banner: {
		js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);",
	},
	define: {'process.env.NODE_ENV': '"production"', MSCOMMERCE_VERSION: JSON.stringify(version)},
});
