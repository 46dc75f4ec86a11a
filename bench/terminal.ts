/**
 * A pseudo-terminal harness that sees what a user's terminal sees: script(1) gives the program a
 * real pty of a set size, and its output is split into the frames Ink draws.
 *
 * A frame is complete at its end marker: Ink writes every frame between the synchronized-output
 * markers ESC[?2026h … ESC[?2026l (a terminal shows nothing of it before the second), so the
 * bytes between a begin marker and the next end marker are one whole frame, and the time the end
 * marker arrives is the time the frame is on the screen. Anything outside the markers (entering
 * the alternate screen, hiding the cursor) is not a frame.
 *
 * Every process started here is killed when it is done with, and again, if still alive, when the
 * bench exits: the pty's node must not outlive the run.
 */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import {performance} from 'node:perf_hooks';

export const BEGIN_FRAME = '\u001B[?2026h';
export const END_FRAME = '\u001B[?2026l';

export type Frame = {
	/** performance.now() when the end marker was read. */
	at: number;
	/** The frame's bytes between the markers, escape sequences included. */
	raw: string;
};

/** Escape sequences: CSI, OSC (ended by BEL or ST), and the other two-byte ones. */
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|\u001B[@-_]/g;

/** The text a frame shows: its escape sequences taken out. */
export function frameText(raw: string): string {
	return raw.replace(ESCAPES, '');
}

/** Splits a stream of output into complete frames; text outside the markers is dropped. */
export class FrameSplitter {
	#pending = '';
	#inFrame = false;

	/** Feeds output read at `at`; returns the frames it completed. */
	push(chunk: string, at: number): Frame[] {
		const frames: Frame[] = [];
		this.#pending += chunk;
		for (;;) {
			if (!this.#inFrame) {
				const begin = this.#pending.indexOf(BEGIN_FRAME);
				if (begin < 0) {
					// Keep a tail that may be the start of a marker cut in two.
					this.#pending = this.#pending.slice(-(BEGIN_FRAME.length - 1));
					return frames;
				}
				this.#pending = this.#pending.slice(begin + BEGIN_FRAME.length);
				this.#inFrame = true;
			}
			const end = this.#pending.indexOf(END_FRAME);
			if (end < 0) return frames;
			frames.push({at, raw: this.#pending.slice(0, end)});
			this.#pending = this.#pending.slice(end + END_FRAME.length);
			this.#inFrame = false;
		}
	}
}

const live = new Set<number>();
let exitHook = false;
function track(pid: number | undefined): void {
	if (pid === undefined) return;
	live.add(pid);
	if (exitHook) return;
	exitHook = true;
	const killAll = () => {
		for (const p of live) killHard(p);
	};
	process.on('exit', killAll);
	// Ctrl-C or a kill of the bench: the same, then the signal's own ending.
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			killAll();
			process.kill(process.pid, signal);
		});
	}
}

/** SIGKILL, ignoring a process that is already gone. */
export function killHard(pid: number): void {
	try {
		process.kill(pid, 'SIGKILL');
	} catch {
		// already gone
	}
	live.delete(pid);
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** The children of `pid` (pgrep -P), or none. */
export function childrenOf(pid: number): number[] {
	try {
		return execFileSync('pgrep', ['-P', String(pid)], {encoding: 'utf8'})
			.split('\n')
			.filter(Boolean)
			.map(Number);
	} catch {
		return []; // pgrep exits 1 when there are none
	}
}

/** Quotes a word for /bin/sh. */
export function sh(word: string): string {
	return `'${word.replace(/'/g, `'\\''`)}'`;
}

export type TerminalOptions = {
	/** The command line, for /bin/sh: script runs `stty …; exec <command>`. */
	command: string;
	env: Record<string, string>;
	columns: number;
	rows: number;
	/** Write everything the terminal received to this file when the terminal closes. */
	capture?: string;
};

/**
 * A program on a pseudo-terminal. `started` is performance.now() just before script(1) is
 * spawned: a start-up time is measured from it, harness included (the bare runtime runs in the
 * same harness, so a ratio compares like with like).
 */
export class Terminal {
	readonly started: number;
	readonly frames: Frame[] = [];
	readonly #child: ChildProcess;
	readonly #splitter = new FrameSplitter();
	readonly #closed: Promise<void>;
	readonly #capture?: string;
	#text = '';
	#raw: string[] = [];
	#waiters = new Set<() => void>();
	#program?: number;
	#isClosed = false;

	constructor(options: TerminalOptions) {
		const command = `stty cols ${options.columns} rows ${options.rows}; exec ${options.command}`;
		this.#capture = options.capture;
		this.started = performance.now();
		this.#child = spawn('script', ['-qfec', command, '/dev/null'], {env: {...options.env, SHELL: '/bin/sh'}, stdio: ['pipe', 'pipe', 'ignore']});
		track(this.#child.pid);
		this.#child.stdout!.setEncoding('utf8');
		this.#child.stdout!.on('data', (chunk: string) => {
			const at = performance.now();
			if (this.#capture) this.#raw.push(chunk);
			// Only a tail is kept for text searches (the bare runtime's READY).
			this.#text = (this.#text + chunk).slice(-4096);
			this.frames.push(...this.#splitter.push(chunk, at));
			for (const wake of [...this.#waiters]) wake();
		});
		this.#closed = new Promise(resolve =>
			this.#child.once('close', () => {
				this.#isClosed = true;
				if (this.#child.pid !== undefined) live.delete(this.#child.pid);
				for (const wake of [...this.#waiters]) wake();
				resolve();
			}),
		);
	}

	get exited(): boolean {
		return this.#child.exitCode !== null || this.#child.signalCode !== null;
	}

	/**
	 * Resolves with the first frame, from index `from` on, that `test` accepts (as soon as its end
	 * marker is read: no polling).
	 */
	waitForFrame(test: (frame: Frame) => boolean, what: string, from = 0, timeoutMs = 30_000): Promise<Frame> {
		return this.#wait(() => this.frames.slice(from).find(test), what, timeoutMs);
	}

	/** Resolves with the time `text` arrived. */
	waitForText(text: string, timeoutMs = 10_000): Promise<number> {
		return this.#wait(() => (this.#text.includes(text) ? performance.now() : undefined), `"${text}"`, timeoutMs);
	}

	#wait<T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
		return new Promise((resolve, reject) => {
			const done = (value: T | undefined, error?: Error) => {
				clearTimeout(timer);
				this.#waiters.delete(wake);
				if (error) reject(error);
				else resolve(value as T);
			};
			const wake = () => {
				const value = check();
				if (value !== undefined) done(value);
				else if (this.#isClosed) done(undefined, new Error(`the program ended before ${what} (exit ${this.#child.exitCode ?? this.#child.signalCode}): ${JSON.stringify(frameText(this.#text).slice(-300))}`));
			};
			const timer = setTimeout(() => done(undefined, new Error(`no ${what} within ${timeoutMs} ms: ${JSON.stringify(frameText(this.#text).slice(-300))}`)), timeoutMs);
			this.#waiters.add(wake);
			wake();
		});
	}

	/** The program's pid: script's child, the shell that exec'd it. */
	programPid(): number {
		if (this.#program !== undefined) return this.#program;
		const [pid] = childrenOf(this.#child.pid!);
		if (pid === undefined) throw new Error('the program on the terminal has no pid (it has ended)');
		this.#program = pid;
		track(pid);
		return pid;
	}

	/** Types `keys` on the terminal; resolves performance.now() just after the write is handed over. */
	type(keys: string): number {
		this.#child.stdin!.write(keys);
		return performance.now();
	}

	/**
	 * Types `quitKeys` (nothing for a program that ends by itself), waits for the terminal to close
	 * (at most `graceMs`), then SIGKILLs whatever of it is left: the program, found with pgrep -P
	 * before it could be orphaned, and script.
	 */
	async close(quitKeys = '', graceMs = 5000): Promise<void> {
		// Find the program while script is still its parent.
		let program = this.#program;
		if (program === undefined && !this.exited) program = childrenOf(this.#child.pid!)[0];
		if (quitKeys && !this.exited) this.#child.stdin!.write(quitKeys);
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([this.#closed, new Promise(resolve => (timer = setTimeout(resolve, graceMs)))]);
		clearTimeout(timer);
		if (program !== undefined) {
			// A program still running after the terminal closed (or would not close) is killed.
			for (const child of childrenOf(program)) killHard(child);
			if (alive(program)) killHard(program);
			live.delete(program);
		}
		if (!this.exited && this.#child.pid !== undefined) killHard(this.#child.pid);
		await this.#closed;
		if (this.#capture) writeFileSync(this.#capture, this.#raw.join(''));
	}
}
