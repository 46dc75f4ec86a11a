/**
 * Start-up, keys and memory as a user sees them: the built binary on a pseudo-terminal of 120×40
 * (bench/terminal.ts), against the emulator running as its own process (`mscommerce emulator`,
 * started once per size), signed in with the emulator's admin token (MSCOMMERCE_TOKEN: no sign-in),
 * a fresh HOME and XDG directories per run. Timings end at a complete frame (Ink's
 * synchronized-output end marker), not at the first bytes.
 *
 * - start → the complete frame that shows the loaded list, with the catalog's 24 products (the
 *   emulator always serves the catalog: it cannot serve fewer) and with 10,005 (24 + 9,981
 *   synthetic), against a bare `node -e "console.log('READY')"` on the same harness (until READY
 *   is read), 5 runs each, bare and dashboard runs alternating;
 * - key → the next complete frame with 10,005 rows (G, k, g, j: every key changes the frame);
 * - VmHWM of the dashboard process after those keys, just before it quits;
 * - the same start-up and memory figures for the floor (bench/floor.tsx): the least an Ink program
 *   can do to show that list, so the budgets can be read against what the runtime and Ink cost.
 *
 * For every Node LTS line found: the machine's node, and node@20/22/24 through npx (its cache, or
 * the registry with a short timeout). The same bundle (bin/mscommerce.js) runs on each; the
 * emulator runs on the machine's node.
 */
import {execFile, spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {build} from 'esbuild';
import {catalog} from '../source/commerce/catalog.js';
import {median, percentile, type BenchRow} from './table.js';
import {frameText, killHard, sh, Terminal, type Frame} from './terminal.js';

const execFileAsync = promisify(execFile);
const BIN = join(process.cwd(), 'bin/mscommerce.js');
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

const SIZE = {columns: 120, rows: 40};
/** The catalog's products: the fewest the emulator serves (`--products 0`). */
const SMALL = catalog.products.length;
const LARGE = 10_005;
const RUNS = 5;
/** G, k, g, j: to the end, up one, to the top, down one; each changes the frame. */
const KEYS = ['G', 'k', 'g', 'j'] as const;
/** Rounds of KEYS: on the machine's node (its key rows have budgets), and on the other lines. */
const KEY_ROUNDS = {machine: 25, other: 10};
/** Ratio budgets by Node line; Node 22 has none (the issue sets 20 and 24). */
const RATIO_BUDGET: Record<number, number> = {20: 3, 24: 8};
const MEMORY_BUDGET_MIB = 90;
const KEY_MEDIAN_BUDGET_MS = 16;
const KEY_P95_BUDGET_MS = 33;
/** BENCH_CAPTURE_DIR=dir keeps every terminal's raw output there (to check the frame markers). */
const CAPTURE_DIR = process.env.BENCH_CAPTURE_DIR;

const thousands = (n: number) => n.toLocaleString('en-US');

type NodeLine = {major: number; version: string; path: string; machine: boolean; from: string};

/** The machine's node, then node@20/22/24 through npx for each line it is not. */
async function findNodeLines(): Promise<{lines: NodeLine[]; skipped: BenchRow[]}> {
	const machineMajor = Number(process.versions.node.split('.')[0]);
	const lines: NodeLine[] = [{major: machineMajor, version: process.version, path: process.execPath, machine: true, from: 'the machine'}];
	const skipped: BenchRow[] = [];
	for (const major of [20, 22, 24].filter(m => m !== machineMajor)) {
		const found = await npxNode(major);
		if (typeof found === 'string') skipped.push({name: `[Node ${major}] not measured`, value: Number.NaN, unit: '', note: found});
		else lines.push(found);
	}
	return {lines, skipped};
}

/**
 * node@major from npx's cache, or else the registry (60 s at most); a reason when neither has it.
 * The cache is asked with `--offline -y`: npm 11's `--no-install` refuses node@N even when its
 * cache has it ("npx canceled due to missing packages"), and `--offline` never waits on a network.
 */
async function npxNode(major: number): Promise<NodeLine | string> {
	const attempts = [
		{args: ['--offline', '-y'], timeout: 15_000, from: 'the npx cache'},
		{args: ['-y'], timeout: 60_000, from: 'npx (the registry)'},
	];
	let reason = '';
	for (const {args, timeout, from} of attempts) {
		try {
			const {stdout} = await execFileAsync('npx', [...args, '-p', `node@${major}`, 'which', 'node'], {cwd: tmpdir(), timeout, encoding: 'utf8'});
			const path = realpathSync(stdout.trim().split('\n').at(-1)!);
			const version = (await execFileAsync(path, ['--version'], {encoding: 'utf8', timeout: 10_000})).stdout.trim();
			if (version.startsWith(`v${major}.`)) return {major, version, path, machine: false, from};
			reason = `npx gave ${version}, not Node ${major}`;
		} catch (error) {
			const e = error as {killed?: boolean; stderr?: string; message?: string};
			reason = e.killed ? `npx ${args.join(' ')} -p node@${major} timed out after ${timeout / 1000} s (registry not reachable?)` : (e.stderr || e.message || String(error)).trim().split('\n').at(-1)!;
		}
	}
	return `node@${major} not available: ${reason}`;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** bench/floor.tsx bundled as the dashboard is (one ES module, React's production build). */
async function buildFloor(): Promise<{script: string; remove: () => void}> {
	const dir = mkdtempSync(join(tmpdir(), 'mscommerce-bench-floor-'));
	try {
		// Ink imports react-devtools-core only when DEV=true; it is not installed.
		writeFileSync(join(dir, 'no-devtools.mjs'), 'export default {};\n');
		const script = join(dir, 'floor.mjs');
		await build({
			entryPoints: [join(process.cwd(), 'bench/floor.tsx')],
			outfile: script,
			bundle: true,
			platform: 'node',
			format: 'esm',
			target: 'node20',
			jsx: 'automatic',
			define: {'process.env.NODE_ENV': '"production"'},
			alias: {'react-devtools-core': join(dir, 'no-devtools.mjs')},
			banner: {js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);"},
			logLevel: 'error',
		});
		return {script, remove: () => rmSync(dir, {recursive: true, force: true})};
	} catch (error) {
		rmSync(dir, {recursive: true, force: true});
		throw error;
	}
}

type EmulatorProcess = {products: number; licensingUrl: string; authority: string; caFile: string; token: string; close: () => Promise<void>};

/** `mscommerce emulator --products N --port P` as its own process, on the machine's node. */
async function startEmulatorProcess(products: number): Promise<EmulatorProcess> {
	const port = await freePort();
	const home = mkdtempSync(join(tmpdir(), 'mscommerce-bench-emulator-'));
	const child = spawn(process.execPath, [BIN, 'emulator', '--products', String(products - SMALL), '--port', String(port)], {
		env: {PATH: process.env.PATH ?? '', HOME: home, ...(process.env.TMPDIR ? {TMPDIR: process.env.TMPDIR} : {})},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
	const close = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGINT'); // Ctrl-C: it stops cleanly and removes its CA directory
			await Promise.race([exited, sleep(5000)]);
			if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) killHard(child.pid);
			await exited;
		}
		rmSync(home, {recursive: true, force: true});
	};
	let out = '';
	let err = '';
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err = (err + chunk).slice(-2000)));
	try {
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`the emulator did not start in 60 s: ${err || out.slice(-500)}`)), 60_000);
			child.once('exit', code => reject(new Error(`the emulator exited (${code}): ${err.trim() || out.slice(-500)}`)));
			child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
				// The request log goes on as the dashboards run: read it all, keep only the start.
				if (out.length > 100_000) return;
				out += chunk;
				if (!out.includes('Press Ctrl-C to stop.')) return;
				clearTimeout(timer);
				resolve();
			});
		});
		const field = (label: string) => {
			const value = new RegExp(`^ {2}${label} +(\\S+)`, 'm').exec(out)?.[1];
			if (!value) throw new Error(`the emulator printed no ${label}`);
			return value;
		};
		const token = /^Admin token[^\n]*\n(\S+)/m.exec(out)?.[1];
		if (!token) throw new Error('the emulator printed no admin token');
		return {products, licensingUrl: field('licensing URL'), authority: field('authority'), caFile: field('CA file'), token, close};
	} catch (error) {
		await close();
		throw error;
	}
}

/** A fresh HOME and XDG directories, the emulator's URLs, CA and admin token: nothing else. */
function dashboardEnv(emu: EmulatorProcess, home: string): Record<string, string> {
	return {
		HOME: home,
		XDG_CONFIG_HOME: join(home, 'config'),
		XDG_STATE_HOME: join(home, 'state'),
		XDG_CACHE_HOME: join(home, 'cache'),
		XDG_DATA_HOME: join(home, 'data'),
		MSCOMMERCE_AUTHORITY: emu.authority,
		MSCOMMERCE_LICENSING_URL: emu.licensingUrl,
		MSCOMMERCE_CA_FILE: emu.caFile,
		MSCOMMERCE_TOKEN: emu.token,
		PATH: process.env.PATH ?? '',
		TERM: 'xterm-256color',
	};
}

let captures = 0;
function capturePath(what: string): string | undefined {
	return CAPTURE_DIR ? join(CAPTURE_DIR, `${String(++captures).padStart(3, '0')}-${what}.raw`) : undefined;
}

/** The frame that shows the loaded list: the header's product count and the footer's keys. */
function isLoaded(products: number): (frame: Frame) => boolean {
	const header = new RegExp(`Products ${products}(?!\\d)`);
	return frame => {
		const text = frameText(frame.raw);
		return header.test(text) && text.includes('q quit');
	};
}

type Dashboard = {terminal: Terminal; loadedMs: number; home: string};
/** What runs on the terminal: the dashboard (bin/mscommerce.js) or the floor's bundle. */
type Program = {what: 'dashboard' | 'floor'; script: string};

async function startDashboard(line: NodeLine, emu: EmulatorProcess, program: Program): Promise<Dashboard> {
	const home = mkdtempSync(join(tmpdir(), 'mscommerce-bench-home-'));
	const terminal = new Terminal({
		command: `${sh(line.path)} ${sh(program.script)}`,
		env: dashboardEnv(emu, home),
		...SIZE,
		capture: capturePath(`node${line.major}-${program.what}-${emu.products}`),
	});
	try {
		const frame = await terminal.waitForFrame(isLoaded(emu.products), `complete frame with Products ${emu.products}`);
		terminal.programPid(); // found while script is its parent
		return {terminal, loadedMs: frame.at - terminal.started, home};
	} catch (error) {
		await stopDashboard({terminal, loadedMs: Number.NaN, home});
		throw error;
	}
}

async function stopDashboard(dashboard: Dashboard): Promise<void> {
	await dashboard.terminal.close('q');
	rmSync(dashboard.home, {recursive: true, force: true});
}

/** The bare runtime in the same harness: spawn → READY read back from the terminal. */
async function bareRuntime(line: NodeLine, emu: EmulatorProcess): Promise<number> {
	const home = mkdtempSync(join(tmpdir(), 'mscommerce-bench-home-'));
	const terminal = new Terminal({command: `${sh(line.path)} -e ${sh("console.log('READY')")}`, env: dashboardEnv(emu, home), ...SIZE, capture: capturePath(`node${line.major}-bare`)});
	try {
		return (await terminal.waitForText('READY')) - terminal.started;
	} finally {
		await terminal.close();
		rmSync(home, {recursive: true, force: true});
	}
}

/**
 * The harness's own share of a key figure: a bare node that answers each key with a one-line
 * frame between the same markers, timed the same way.
 */
async function harnessRoundTrip(line: NodeLine): Promise<number[]> {
	const echo = `process.stdin.setRawMode(true); process.stdin.on('data', d => { if (String(d) === 'q') process.exit(0); process.stdout.write('\\u001B[?2026h' + d + '\\u001B[?2026l'); }); console.log('READY');`;
	const terminal = new Terminal({command: `${sh(line.path)} -e ${sh(echo)}`, env: {PATH: process.env.PATH ?? '', TERM: 'xterm-256color'}, ...SIZE});
	const times: number[] = [];
	try {
		await terminal.waitForText('READY');
		for (let i = 0; i < 40; i++) {
			await sleep(20);
			const from = terminal.frames.length;
			const typed = terminal.type(KEYS[i % KEYS.length]!);
			times.push((await terminal.waitForFrame(() => true, 'the echoed key', from, 5000)).at - typed);
		}
	} finally {
		await terminal.close('q');
	}
	return times;
}

/** One program's figures on one Node line. */
type Figures = {starts: Map<number, number[]>; keys: Map<string, number[]>; keyNotes: string[]; memoryMiB?: number};
const figures = (): Figures => ({starts: new Map(), keys: new Map(), keyNotes: []});

type LineResult = {
	line: NodeLine;
	roundTrip?: number[];
	bare: number[];
	dashboard: Figures;
	floor: Figures;
	error?: string;
};

/** RUNS × (bare runtime, the dashboard until its loaded frame, the floor until its), alternating. */
async function startups(result: LineResult, emu: EmulatorProcess, programs: {dashboard: Program; floor: Program}): Promise<void> {
	for (const what of ['dashboard', 'floor'] as const) result[what].starts.set(emu.products, []);
	for (let i = 0; i < RUNS; i++) {
		result.bare.push(await bareRuntime(result.line, emu));
		for (const what of ['dashboard', 'floor'] as const) {
			const dashboard = await startDashboard(result.line, emu, programs[what]);
			result[what].starts.get(emu.products)!.push(dashboard.loadedMs);
			await stopDashboard(dashboard);
		}
	}
}

/** Key → next complete frame, then the program's VmHWM before it quits. */
async function keysAndMemory(line: NodeLine, result: Figures, emu: EmulatorProcess, program: Program): Promise<void> {
	const dashboard = await startDashboard(line, emu, program);
	const {terminal} = dashboard;
	try {
		await sleep(300);
		let strays = 0;
		let unchanged = 0;
		let seen = terminal.frames.length;
		let previous = frameText(terminal.frames.at(-1)!.raw);
		const rounds = line.machine ? KEY_ROUNDS.machine : KEY_ROUNDS.other;
		for (let round = 0; round < rounds; round++) {
			for (const key of KEYS) {
				// Slower than Ink's 30 frames a second, so a key never waits for the last frame's throttle.
				await sleep(50);
				strays += terminal.frames.length - seen;
				const from = terminal.frames.length;
				const typed = terminal.type(key);
				const frame = await terminal.waitForFrame(() => true, `a frame after the key ${key}`, from, 5000);
				seen = from + 1;
				const text = frameText(frame.raw);
				if (text === previous) unchanged++;
				previous = text;
				const times = result.keys.get(key) ?? [];
				times.push(frame.at - typed);
				result.keys.set(key, times);
			}
		}
		if (strays > 0) result.keyNotes.push(`${strays} frames came without a key`);
		if (unchanged > 0) result.keyNotes.push(`${unchanged} frames unchanged by their key`);
		await sleep(200);
		const status = readFileSync(`/proc/${terminal.programPid()}/status`, 'utf8');
		result.memoryMiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
	} finally {
		await stopDashboard(dashboard);
	}
}

/** "(min–max ms)" of some timings. */
const range = (values: number[]) => `(${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)} ms)`;

function rowsFor(result: LineResult): BenchRow[] {
	const {line} = result;
	const tag = `[Node ${line.major}]`;
	const where = line.machine ? `${line.version}, the machine's node` : `${line.version}, from ${line.from}`;
	if (result.error) return [{name: `${tag} pty start-up, keys, memory`, value: Number.NaN, unit: '', ok: false, note: `${where}: failed: ${result.error}`}];
	const rows: BenchRow[] = [];
	const bare = median(result.bare);
	rows.push({name: `${tag} bare node on the pty, → READY`, value: bare, unit: 'ms', note: `${where}; median of ${result.bare.length} ${range(result.bare)}, alternating with the dashboard runs`});
	const budget = RATIO_BUDGET[line.major];
	const {dashboard, floor} = result;
	for (const [products, starts] of dashboard.starts) {
		const count = products === SMALL ? `${SMALL} products` : `${thousands(products)} products`;
		const what = products === SMALL ? `the catalog: the emulator serves no fewer, so this stands for the issue's 5` : `${SMALL} + ${thousands(products - SMALL)} synthetic`;
		const start = median(starts);
		rows.push({name: `${tag} start → loaded frame, ${count}`, value: start, unit: 'ms', note: `median of ${starts.length} ${range(starts)}; ${what}`});
		const ratio = start / bare;
		if (products === SMALL) {
			rows.push({
				name: `${tag} start ÷ bare node, ${count}`,
				value: ratio,
				unit: '×',
				...(budget === undefined ? {note: `no budget on Node ${line.major} (the issue sets ≤ 3× on 20, ≤ 8× on 24)`} : {budget: `≤ ${budget}×`, ok: ratio <= budget}),
			});
		} else {
			rows.push({name: `${tag} start ÷ bare node, ${count}`, value: ratio, unit: '×', note: 'no budget: the list load, not start-up'});
		}
	}
	const all = [...dashboard.keys.values()].flat();
	if (result.roundTrip) {
		const trip = result.roundTrip;
		rows.push({name: `${tag} pty harness: key → echoed frame`, value: median(trip), unit: 'ms', note: `median of ${trip.length}, p95 ${percentile(trip, 95).toFixed(2)} ms: a bare node answering each key; the harness's share of the key figures`});
	}
	if (all.length > 0) {
		const perKey = [...dashboard.keys].map(([key, times]) => `${key} ${median(times).toFixed(1)}`).join(', ');
		const extra = dashboard.keyNotes.length > 0 ? `; ${dashboard.keyNotes.join(', ')}` : '';
		const med = median(all);
		const p95 = percentile(all, 95);
		if (line.machine) {
			rows.push({name: `${tag} key → complete frame, ${thousands(LARGE)} rows, median`, value: med, unit: 'ms', budget: `≤ ${KEY_MEDIAN_BUDGET_MS} ms`, ok: med <= KEY_MEDIAN_BUDGET_MS, note: `${all.length} keys; median per key (ms): ${perKey}${extra}`});
			rows.push({name: `${tag} key → complete frame, ${thousands(LARGE)} rows, p95`, value: p95, unit: 'ms', budget: `≤ ${KEY_P95_BUDGET_MS} ms`, ok: p95 <= KEY_P95_BUDGET_MS, note: `max ${Math.max(...all).toFixed(1)} ms`});
		} else {
			rows.push({name: `${tag} key → complete frame, ${thousands(LARGE)} rows, median`, value: med, unit: 'ms', note: `${all.length} keys, p95 ${p95.toFixed(1)} ms; budgets checked on the machine's node; per key: ${perKey}${extra}`});
		}
	}
	if (dashboard.memoryMiB !== undefined) {
		rows.push({
			name: `${tag} peak memory, ${thousands(LARGE)} rows`,
			value: dashboard.memoryMiB,
			unit: 'MiB',
			budget: `≤ ${MEMORY_BUDGET_MIB} MiB`,
			ok: dashboard.memoryMiB <= MEMORY_BUDGET_MIB,
			note: `VmHWM of the dashboard after ${all.length} keys`,
		});
	}
	// The floor: no budgets of its own; the dashboard's figures read against it.
	const floorStarts = floor.starts.get(SMALL);
	if (floorStarts && floorStarts.length > 0) {
		const start = median(floorStarts);
		const ours = median(dashboard.starts.get(SMALL) ?? []);
		rows.push({name: `${tag} floor: minimal Ink app, start ÷ bare node, ${SMALL} products`, value: start / bare, unit: '×', note: `${start.toFixed(0)} ms ${range(floorStarts)}: bench/floor.tsx; the dashboard takes ${(ours / start).toFixed(2)}× its time`});
	}
	if (floor.memoryMiB !== undefined) {
		const gap = dashboard.memoryMiB === undefined ? 0 : dashboard.memoryMiB - floor.memoryMiB;
		const over = dashboard.memoryMiB === undefined ? '' : `; the dashboard ${Math.abs(gap).toFixed(1)} MiB ${gap > 0 ? 'above' : 'below'} it`;
		rows.push({name: `${tag} floor: minimal Ink app, peak memory, ${thousands(LARGE)} rows`, value: floor.memoryMiB, unit: 'MiB', note: `VmHWM after the same keys, Node's default V8 settings${over}`});
	}
	return rows;
}

export async function benchUserView(): Promise<BenchRow[]> {
	const {lines, skipped} = await findNodeLines();
	const results: LineResult[] = lines.map(line => ({line, bare: [], dashboard: figures(), floor: figures()}));
	const machine = results.find(r => r.line.machine)!;
	try {
		machine.roundTrip = await harnessRoundTrip(machine.line);
	} catch (error) {
		machine.dashboard.keyNotes.push(`no harness round trip: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
	}
	const floor = await buildFloor();
	const programs = {dashboard: {what: 'dashboard', script: BIN}, floor: {what: 'floor', script: floor.script}} as const;
	try {
		for (const products of [SMALL, LARGE]) {
			const emu = await startEmulatorProcess(products);
			try {
				for (const result of results) {
					if (result.error) continue;
					try {
						await startups(result, emu, programs);
						if (products !== LARGE) continue;
						await keysAndMemory(result.line, result.dashboard, emu, programs.dashboard);
						await keysAndMemory(result.line, result.floor, emu, programs.floor);
					} catch (error) {
						result.error = error instanceof Error ? error.message.split('\n')[0] : String(error);
					}
				}
			} finally {
				await emu.close();
			}
		}
	} finally {
		floor.remove();
	}
	return [...results.flatMap(rowsFor), ...skipped];
}
