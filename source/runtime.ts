/**
 * V8 settings for what this program is: a small interactive process holding a few thousand rows,
 * not a server. cli.tsx imports this first, before undici and Ink load their WebAssembly.
 * Measured with `npm run bench` on Node 20, the dashboard with 10,000 rows peaks at ~97 MiB with
 * these and ~130 MiB without, in the same run; a key press takes a few ms longer (p95 ~23 ms
 * against ~17 ms), loads are faster.
 *
 * - `--liftoff-only`: undici's HTTP parser (llhttp) and Ink's layout engine (yoga) are
 *   WebAssembly, and V8 recompiles their hot functions with its optimising compiler in the
 *   background. For llhttp's one huge parsing function that takes ~35 MiB for a moment, during
 *   the first responses, and a core's worth of time; the baseline compiler parses fast enough
 *   (`products list` of 10,000 rows: 300 ms with this, 380 ms without).
 * - `--semi-space-growth-factor=1`: the young generation stays at its first 1 MiB instead of
 *   doubling to 16 MiB (twice over: 32 MiB resident) while the first screen renders.
 * - `--heap-growing-percent=20`: the old generation is collected when it has grown by a fifth
 *   rather than doubled; with a small young generation more survives into it (~10 MiB).
 *
 * Tried and left out: `--no-opt` (~8 MiB less, but JavaScript-heavy work such as filtering runs
 * 2× slower) and `--single-threaded-gc` (hangs when set after start-up).
 *
 * On Node 22 and 24 (V8 12–13) `--liftoff-only` set here no longer reaches WebAssembly: measured
 * on Node 24.21, V8's peak malloc'd memory is ~28 MiB with it set here and ~5 MiB with it on the
 * command line, so WebAssembly is still optimised there. Only a command-line flag (a second node
 * process, or a shebang `env -S`, which BusyBox lacks) would apply it; the README weighs that.
 *
 * MSCOMMERCE_V8_DEFAULTS=1 leaves V8 as it is (the benchmark compares both). Node lets these
 * change after start-up. V8 prints an error for a flag it does not know, so they are set only on
 * the V8 versions known to have them (11, in Node 20, up to 14). Some newer V8s raise a growth
 * factor below 2 to 2, which leaves the young generation as it would have been.
 */
import {setFlagsFromString} from 'node:v8';

export const V8_FLAGS = ['--liftoff-only', '--semi-space-growth-factor=1', '--heap-growing-percent=20'] as const;

const v8Major = Number(process.versions.v8.split('.')[0]);
if (!process.env.MSCOMMERCE_V8_DEFAULTS && v8Major >= 11 && v8Major <= 14) {
	for (const flag of V8_FLAGS) setFlagsFromString(flag);
}
