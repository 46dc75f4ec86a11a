/**
 * The dashboard's budgets (issue 4): start → first frame of the loaded list against `node -e 0`,
 * key press → next frame and filter per keystroke with 10,000 rows, peak memory with 10,000 rows.
 * The built binary runs in tmux against the emulator, as a user would run it.
 */
import {execFile, execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {promisify} from 'node:util';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {render} from 'ink-testing-library';
import {createContext} from '../source/commands/context.js';
import {resolveSettings} from '../source/config.js';
import {startEmulator, type Emulator} from '../source/emulator/index.js';
import {App} from '../source/ui/App.js';
import {createBackend} from '../source/ui/realBackend.js';
import {filterRows} from '../source/ui/state/filter.js';
import {median, percentile, type BenchRow} from './table.js';

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

async function signIn(emu: Emulator, home: string): Promise<void> {
	// Asynchronously: the emulator answers from this very process.
	try {
		await execFileAsync(process.execPath, [BIN, 'login'], {env: envFor(emu, home)});
	} catch (error) {
		throw new Error(`login failed: ${(error as {stderr?: string}).stderr ?? String(error)}`);
	}
}

export async function benchStartup(): Promise<BenchRow[]> {
	const emu = await startEmulator({autoApproveMs: 50});
	try {
		const home = mkdtempSync(join(tmpdir(), 'mscommerce-bench-'));
		await signIn(emu, home);
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
	} finally {
		await emu.close();
	}
}

/** Peak resident memory (VmHWM) of the dashboard after loading `rows` rows and a few keys. */
async function peakMemory(rows: number): Promise<number> {
	const emu = await startEmulator({autoApproveMs: 50, syntheticProducts: rows - 23});
	try {
		const home = mkdtempSync(join(tmpdir(), 'mscommerce-bench-'));
		await signIn(emu, home);
		const {pid, child} = await startOnTerminal(envFor(emu, home), 'Clipchamp Premium');
		for (const key of ['G', 'g', 'j', 'j', '/', 'v', 'i', 's', '\u001B', '\t', '\t']) {
			child.stdin!.write(key);
			await sleep(60);
		}
		await sleep(300);
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		await quit(child);
		return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
	} finally {
		await emu.close();
	}
}

export async function benchMemory(): Promise<BenchRow[]> {
	const few = await peakMemory(23);
	const many = await peakMemory(10_000);
	return [
		{name: 'peak memory, 23 rows (the catalog)', value: few, unit: 'MiB', note: 'VmHWM of the dashboard process'},
		{name: 'peak memory, 10,000 rows', value: many, unit: 'MiB', budget: '≤ 100 MiB', ok: many <= 100, note: 'VmHWM of the dashboard process'},
		{name: 'what 10,000 rows add', value: many - few, unit: 'MiB', note: 'same run'},
	];
}

export async function benchKeys(): Promise<BenchRow[]> {
	const emu = await startEmulator({syntheticProducts: 10_000 - 23});
	const home = mkdtempSync(join(tmpdir(), 'mscommerce-bench-'));
	const settings = resolveSettings({authority: emu.authority, licensingUrl: emu.licensingUrl, token: emu.tokens.admin}, {HOME: home}, false);
	const ctx = createContext(settings, {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin}, new AbortController().signal, {ca: [emu.caPem]});
	const instance = render(<App backend={createBackend(ctx)} />);
	try {
		const loadedBy = performance.now() + 20_000;
		while (!(instance.lastFrame() ?? '').includes('Northwind') && performance.now() < loadedBy) await sleep(5);
		const rows = await createBackend(ctx).loadRows('product');
		const keyTimes: number[] = [];
		for (let i = 0; i < 60; i++) {
			const before = instance.frames.length;
			const t0 = performance.now();
			instance.stdin.write(i % 10 === 9 ? 'G' : 'j');
			while (instance.frames.length === before && performance.now() - t0 < 1000) await new Promise(resolve => setImmediate(resolve));
			keyTimes.push(performance.now() - t0);
		}
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
			{name: 'key press → next frame, 10,000 rows', value: p95, unit: 'ms', budget: '≤ 33 ms', ok: p95 <= 33, note: `p95 of 60 (median ${median(keyTimes).toFixed(1)} ms)`},
			{name: 'filter per keystroke, 10,000 rows', value: filterMax, unit: 'ms', budget: '≤ 5 ms', ok: filterMax <= 5, note: `p95 of ${filterTimes.length} (median ${median(filterTimes).toFixed(2)} ms)`},
		];
	} finally {
		instance.unmount();
		await ctx.net.close();
		await emu.close();
	}
}
