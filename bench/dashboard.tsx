/**
 * The dashboard's budgets (issue 4): start → first frame of the loaded list against `node -e 0`,
 * key press → next frame and filter per keystroke with 10,000 rows, peak memory with 10,000 rows.
 * The built binary runs in tmux against the emulator, as a user would run it.
 */
import {catalog} from '../source/commerce/catalog.js';
import {execFile, execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {promisify} from 'node:util';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {createContext} from '../source/commands/context.js';
import {resolveSettings} from '../source/config.js';
import {startEmulator, type Emulator} from '../source/emulator/index.js';
import {createBackend} from '../source/ui/realBackend.js';
import {filterRows} from '../source/ui/state/filter.js';
import {median, percentile, type BenchRow} from './table.js';

/** The catalog's products: what the emulator lists with no synthetic ones. */
const CATALOG_ROWS = catalog.products.length;

const execFileAsync = promisify(execFile);
const BIN = join(process.cwd(), 'bin/mscommerce.js');
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function envFor(emu: Emulator, home: string): Record<string, string> {
	return {
		HOME: home,
		XDG_CONFIG_HOME: join(home, 'config'),
		XDG_STATE_HOME: join(home, 'state'),
		MSCOMMERCE_AUTHORITY: emu.authority,
		MSCOMMERCE_LICENSING_URL: emu.licensingUrl,
		MSCOMMERCE_CA_FILE: emu.caFile,
		PATH: process.env.PATH ?? '',
		TERM: 'xterm-256color',
	};
}

/**
 * Starts the dashboard on a pseudo-terminal (script(1)) and resolves, as soon as `text` is on
 * the screen, how long that took and the dashboard's pid. Its output is read as it comes: no polling.
 */
async function startOnTerminal(env: Record<string, string>, text: string, size = {columns: 100, rows: 30}): Promise<{ms: number; pid: number; child: ChildProcess}> {
	const command = `stty cols ${size.columns} rows ${size.rows}; exec ${process.execPath} ${BIN}`;
	const started = performance.now();
	const child = spawn('script', ['-qfec', command, '/dev/null'], {env, stdio: ['pipe', 'pipe', 'inherit']});
	let seen = '';
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`the dashboard did not show "${text}"`)), 20_000);
		child.stdout!.on('data', (chunk: Buffer) => {
			seen += chunk.toString('utf8');
			if (!seen.includes(text)) return;
			const ms = performance.now() - started;
			clearTimeout(timer);
			child.stdout!.removeAllListeners('data');
			child.stdout!.resume();
			// script's child is the shell that exec'd node: its pid is the dashboard's.
			const pid = Number(execFileSync('pgrep', ['-P', String(child.pid)], {encoding: 'utf8'}).trim().split('\n')[0]);
			resolve({ms, pid, child});
		});
	});
}

async function quit(child: ChildProcess): Promise<void> {
	child.stdin!.write('q');
	await new Promise(resolve => child.once('close', resolve));
}

/**
 * Runs `body` against an emulator holding `rows` products, with an account signed in once by the
 * built binary, so the dashboard starts from a cached sign-in.
 */
async function signedIn<T>(rows: number, body: (emu: Emulator, home: string) => Promise<T>): Promise<T> {
	const emu = await startEmulator({autoApproveMs: 50, syntheticProducts: rows - CATALOG_ROWS});
	const home = mkdtempSync(join(tmpdir(), 'mscommerce-bench-'));
	try {
		// Asynchronously: the emulator answers from this very process.
		try {
			await execFileAsync(process.execPath, [BIN, 'login'], {env: envFor(emu, home)});
		} catch (error) {
			throw new Error(`login failed: ${(error as {stderr?: string}).stderr ?? String(error)}`);
		}
		return await body(emu, home);
	} finally {
		await emu.close();
		// The dashboard's home (token cache, state, compile cache) is the bench's to remove.
		rmSync(home, {recursive: true, force: true});
	}
}

export async function benchStartup(): Promise<BenchRow[]> {
	return signedIn(CATALOG_ROWS, async (emu, home) => {
		const starts: number[] = [];
		const bare: number[] = [];
		for (let i = 0; i < 5; i++) {
			const {ms, child} = await startOnTerminal(envFor(emu, home), 'Clipchamp Premium');
			await quit(child);
			starts.push(ms);
			const t0 = performance.now();
			// The same harness (script, a shell, stty) around the bare runtime, so the ratio compares like with like.
			await new Promise(resolve => spawn('script', ['-qfec', `stty cols 100 rows 30; exec ${process.execPath} -e 0`, '/dev/null'], {stdio: 'ignore'}).once('close', resolve));
			bare.push(performance.now() - t0);
		}
		const ratio = median(starts) / median(bare);
		return [
			{name: 'start → loaded list (cached sign-in)', value: median(starts), unit: 'ms', note: 'median of 5, on a pseudo-terminal'},
			{name: 'node -e 0', value: median(bare), unit: 'ms', note: 'median of 5, same run, same pseudo-terminal harness'},
			{name: 'start ÷ node -e 0', value: ratio, unit: '×', budget: '≤ 4×', ok: ratio <= 4},
		];
	});
}

/**
 * Peak resident memory (VmHWM) of the dashboard after loading `rows` rows and a few keys;
 * `v8Defaults` runs it without source/runtime.ts's V8 settings, for comparison.
 */
async function peakMemory(rows: number, v8Defaults = false): Promise<number> {
	return signedIn(rows, async (emu, home) => {
		const env = {...envFor(emu, home), ...(v8Defaults ? {MSCOMMERCE_V8_DEFAULTS: '1'} : {})};
		const {pid, child} = await startOnTerminal(env, 'Clipchamp Premium');
		for (const key of ['G', 'g', 'j', 'j', '/', 'v', 'i', 's', '\u001B', '\t', '\t']) {
			child.stdin!.write(key);
			await sleep(60);
		}
		await sleep(300);
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		await quit(child);
		return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
	});
}

export async function benchMemory(): Promise<BenchRow[]> {
	const few = await peakMemory(CATALOG_ROWS);
	const many = await peakMemory(10_000);
	const defaults = await peakMemory(10_000, true);
	return [
		{name: `peak memory, ${CATALOG_ROWS} rows (the catalog)`, value: few, unit: 'MiB', note: 'VmHWM of the dashboard process'},
		{name: 'peak memory, 10,000 rows', value: many, unit: 'MiB', budget: '≤ 100 MiB', ok: many <= 100, note: 'VmHWM of the dashboard process'},
		{name: 'what 10,000 rows add', value: many - few, unit: 'MiB', note: 'same run'},
		{name: 'peak memory, 10,000 rows, V8 defaults', value: defaults, unit: 'MiB', note: 'MSCOMMERCE_V8_DEFAULTS=1: without source/runtime.ts'},
	];
}

/** Resolves how long the dashboard took to start answering `key` (its next frame's first bytes). */
function timeKey(child: ChildProcess, key: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const t0 = performance.now();
		const timer = setTimeout(() => reject(new Error(`no frame after the key ${JSON.stringify(key)}`)), 5000);
		child.stdout!.once('data', () => {
			clearTimeout(timer);
			resolve(performance.now() - t0);
		});
		child.stdin!.write(key);
	});
}

export async function benchKeys(): Promise<BenchRow[]> {
	return signedIn(10_000, async (emu, home) => {
		// The built binary on a pseudo-terminal, as a user runs it: its V8 settings, Ink's real
		// renderer and frame rate, the terminal's pipe. Keys 50 ms apart, slower than Ink's 30 fps.
		const {child} = await startOnTerminal(envFor(emu, home), 'Clipchamp Premium');
		await sleep(300);
		const keyTimes: number[] = [];
		for (let i = 0; i < 60; i++) {
			// Down nine rows, jump to the end, up nine, jump to the top: every key changes the frame.
			const step = i % 20;
			keyTimes.push(await timeKey(child, step < 9 ? 'j' : step === 9 ? 'G' : step < 19 ? 'k' : 'g'));
			await sleep(50);
		}
		await quit(child);

		const settings = resolveSettings({authority: emu.authority, licensingUrl: emu.licensingUrl, token: emu.tokens.admin}, {HOME: home}, false);
		const ctx = createContext(settings, {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin}, new AbortController().signal, {ca: [emu.caPem]});
		const rows = await createBackend(ctx).loadRows('product');
		await ctx.net.close();
		const filterTimes: number[] = [];
		const query = 'northwind visio 12';
		for (let round = 0; round < 5; round++) {
			for (let i = 1; i <= query.length; i++) {
				const t0 = performance.now();
				filterRows(rows, query.slice(0, i));
				filterTimes.push(performance.now() - t0);
			}
		}
		const p95 = percentile(keyTimes, 95);
		const filterMax = percentile(filterTimes, 95);
		return [
			{name: 'key press → next frame, 10,000 rows', value: p95, unit: 'ms', budget: '≤ 33 ms', ok: p95 <= 33, note: `p95 of 60 on a pseudo-terminal (median ${median(keyTimes).toFixed(1)} ms)`},
			{name: 'filter per keystroke, 10,000 rows', value: filterMax, unit: 'ms', budget: '≤ 5 ms', ok: filterMax <= 5, note: `p95 of ${filterTimes.length} (median ${median(filterTimes).toFixed(2)} ms)`},
		];
	});
}
