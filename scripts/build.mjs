// Bundles source/ into one ESM file (dist/cli.js): Ink loads in about half the time bundled.
import {build} from 'esbuild';

await build({
	entryPoints: ['source/cli.tsx'],
	outfile: 'dist/cli.js',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	jsx: 'automatic',
	sourcemap: 'linked',
	logLevel: 'warning',
	// Ink 6 pulls in react-devtools-core only when DEV is set; never bundle it.
	external: ['react-devtools-core'],
	// Some bundled CommonJS dependencies call require(); give the ESM bundle one.
	banner: {
		js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);",
	},
	define: {'process.env.NODE_ENV': '"production"'},
});
