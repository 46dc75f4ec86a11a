// Bundles source/ into ESM in dist/: dist/cli.js plus chunks loaded on demand, so a command
// never loads Ink and the dashboard never loads the emulator (Ink loads in half the time bundled).
import {readFileSync, rmSync} from 'node:fs';
import {build} from 'esbuild';
import {fileURLToPath} from 'node:url';

/** The one definition of the widths the build measures itself (imported into string-width). */
const NARROW_TEXT = fileURLToPath(import.meta.resolve('./narrowText.mjs'));

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
// Yoga (Ink's layout engine) is WebAssembly shipped as base64 in a data: URL. Emscripten's loader
// fetches that URL with the global fetch when there is one, and the first touch of Node's fetch
// loads its own copy of undici (~25 ms of every dashboard start). Told there is no fetch, the
// loader decodes the same base64 itself. The build fails if the loader changes shape, rather than
// quietly touching fetch again.
const yogaWithoutFetch = {
	name: 'yoga-without-fetch',
	setup(build) {
		build.onLoad({filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/}, async args => {
			const source = readFileSync(args.path, 'utf8');
			const uses = source.split('"function"!=typeof fetch').length - 1;
			if (uses !== 2) throw new Error(`yoga-without-fetch: expected 2 uses of fetch in ${args.path}, found ${uses}: check the loader and this plugin`);
			// And it decodes with atob and a loop over each character: Buffer does it natively.
			const decode = 'var b=xa(a.slice(37)),c=new Uint8Array(b.length);for(a=0;a<b.length;++a)c[a]=b.charCodeAt(a);var d=c';
			if (source.split(decode).length !== 2) throw new Error(`yoga-without-fetch: the base64 decoding in ${args.path} changed: check the loader and this plugin`);
			const contents = source.replaceAll('"function"!=typeof fetch', '!0').replace(decode, 'var d=new Uint8Array(Buffer.from(a.slice(37),"base64"))');
			return {contents, loader: 'js'};
		});
	},
};
// string-width (Ink measures every line of every frame with it, and so do we) builds Intl.Segmenter
// and regular expressions over Unicode property tables when it loads: ~20 ms of every start, paid
// before the first frame. Here both copies the bundle holds (8.x, and 7.x under wrap-ansi) build
// them on first use instead, and a line made only of characters one column wide (NARROW_CLASS:
// ASCII and the box drawing, arrows and punctuation the dashboard draws), styled or not, is
// measured by its length without its colour codes (narrowText.mjs), as string-width itself measures
// ASCII; test/unit/narrow-text.test.ts proves the widths agree. The build fails if the module changes shape.
const fastStringWidth = {
	name: 'fast-string-width',
	setup(build) {
		build.onLoad({filter: /[\\/]string-width[\\/]index\.js$/}, async args => {
			let source = readFileSync(args.path, 'utf8');
			const fail = what => {
				throw new Error(`fast-string-width: ${what} in ${args.path}: check the module and this plugin`);
			};
			const header = /^export default function stringWidth\((\w+), options = \{\}\) \{$/m;
			const name = header.exec(source)?.[1] ?? fail('no `export default function stringWidth(x, options = {}) {`');
			source = source.replace(
				header,
				match => `${match}\n\tconst __width = __narrowWidth(${name}, options);\n\tif (__width !== undefined) return __width;`,
			);
			const tables = /^const (\w+) = (new Intl\.Segmenter\(\)|\/.+\/[a-z]*);$/gm;
			let lazy = 0;
			source = source.replace(tables, (_, id, make) => {
				lazy++;
				return `const ${id} = __lazy(() => ${make});`;
			});
			if (lazy === 0) fail('no module-level Segmenter or regular expression');
			const helpers = [
				`import {narrowWidth as __narrowWidth} from ${JSON.stringify(NARROW_TEXT)};`,
				// What string-width does with its tables: test, search, match, segment.
				'function __lazy(make) { let made; const get = () => (made ??= make()); return {test: s => get().test(s), segment: s => get().segment(s), [Symbol.search]: s => get()[Symbol.search](s), [Symbol.match]: s => get()[Symbol.match](s)}; }',
			];
			return {contents: `${helpers.join('\n')}\n${source}`, loader: 'js'};
		});
	},
};
// Ink cuts every line it writes into graphemes (@alcalzone/ansi-tokenize, slice-ansi) with an
// Intl.Segmenter each makes when it loads; slice-ansi also builds an emoji regular expression
// then. Here both use narrowText.mjs's `graphemes`: a narrow, styled line is walked without ICU
// (whose break-iterator tables cost start-up time and resident memory), anything else still goes
// to Intl.Segmenter; the emoji expression is made on first use. The build fails if either
// module changes shape.
const narrowGraphemes = {
	name: 'narrow-graphemes',
	setup(build) {
		build.onLoad({filter: /([\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize|[\\/]slice-ansi[\\/]tokenize-ansi)\.js$/}, async args => {
			let source = readFileSync(args.path, 'utf8');
			const segmenters = /new Intl\.Segmenter\(undefined, ?\{ ?granularity: ["']grapheme["'] ?\}\)/g;
			if ((source.match(segmenters) ?? []).length !== 1) throw new Error(`narrow-graphemes: expected one grapheme Intl.Segmenter in ${args.path}: check the module and this plugin`);
			source = `import {graphemes as __graphemes} from ${JSON.stringify(NARROW_TEXT)};\n${source.replace(segmenters, '__graphemes')}`;
			const emoji = 'const EMOJI_PRESENTATION_GRAPHEME_REGEX = /\\p{Emoji_Presentation}/u;';
			if (source.includes('EMOJI_PRESENTATION_GRAPHEME_REGEX')) {
				if (!source.includes(emoji)) throw new Error(`narrow-graphemes: slice-ansi's emoji expression changed in ${args.path}: check the module and this plugin`);
				source = source.replace(emoji, 'let __emoji; const EMOJI_PRESENTATION_GRAPHEME_REGEX = {test: s => (__emoji ??= /\\p{Emoji_Presentation}/u).test(s)};');
			}
			return {contents: source, loader: 'js'};
		});
	},
};
// Ink builds each frame's screen from scratch: a cell object for every column of every line, and
// every line of text cut into styled characters, in caches that last one frame. At 120x40 that is
// thousands of objects a key press and most of its garbage collection. Here the caches outlive the
// frame (the same rows come back frame after frame; they are emptied past a bound), and blank
// cells share one object (Ink only reads them). The build fails if Ink's Output changes shape.
const inkOutputAcrossFrames = {
	name: 'ink-output-across-frames',
	setup(build) {
		build.onLoad({filter: /[\\/]ink[\\/]build[\\/]output\.js$/}, async args => {
			let source = readFileSync(args.path, 'utf8');
			const swaps = [
				['    caches = new OutputCaches();', '    caches = sharedCaches();'],
				[
					"                row.push({\n                    type: 'char',\n                    value: ' ',\n                    fullWidth: false,\n                    styles: [],\n                });",
					'                row.push(BLANK_CELL);',
				],
			];
			for (const [from, to] of swaps) {
				if (source.split(from).length !== 2) throw new Error(`ink-output-across-frames: Ink's Output changed (${from.trim().split('\n')[0]}): check ${args.path} and this plugin`);
				source = source.replace(from, to);
			}
			source += [
				'',
				"const BLANK_CELL = Object.freeze({type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([])});",
				'let shared;',
				'function sharedCaches() {',
				// A screen is ~40 lines of ~120 cells: three screens' worth stays (about a MiB).
				'\tif (!shared || shared.styledChars.size > 120 || shared.widths.size > 2000) shared = new OutputCaches();',
				'\treturn shared;',
				'}',
				'',
			].join('\n');
			return {contents: source, loader: 'js'};
		});
	},
};
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
	plugins: [noClientAssertions, inkOnTerminals, yogaWithoutFetch, fastStringWidth, narrowGraphemes, inkOutputAcrossFrames],
	// Ink imports react-devtools-core only when DEV=true, from its own chunk; it is not a dependency.
	// @napi-rs/keyring is a native addon (a prebuilt .node per platform): loaded from node_modules,
	// and only when the token cache is read or written (source/auth/cacheProtection.ts).
	external: ['react-devtools-core', '@napi-rs/keyring'],
	// Bundled CommonJS dependencies call require(); give the ESM bundle one.
	banner: {
		js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);",
	},
	define: {'process.env.NODE_ENV': '"production"', MSCOMMERCE_VERSION: JSON.stringify(version)},
});
