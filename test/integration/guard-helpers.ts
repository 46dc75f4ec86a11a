/**
 * Running a command in this process against the emulator, as cli.tsx's run() does (settings from
 * flags and env, one Context, every failure classified into an exit code): the same code path
 * as the binary without a child process's start-up, so the guard suites stay fast. End-to-end
 * behaviour (flags, exit codes as a user sees them) is proved with runCli in guard.test.ts.
 */
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough, Readable} from 'node:stream';
import {after} from 'node:test';
import {createContext, type Context} from '../../source/commands/context.js';
import type {Io} from '../../source/commands/output.js';
import {reportProblem} from '../../source/commands/report.js';
import {resolveSettings, type Flags} from '../../source/config.js';
import type {Emulator} from '../../source/emulator/index.js';
import {classify} from '../../source/problems/classify.js';
import {exitCodeFor} from '../../source/problems/exitCodes.js';

export type Run = {code: number; stdout: string; stderr: string};

/** A person at a terminal: stdin and stderr are TTYs; `answer` is typed once stderr shows `when`. */
export type Terminal = {when: RegExp; before?: () => void | Promise<void>; answer: string};

export type RunOptions = {
	terminal?: Terminal;
	/** Aborted like the CLI's first Ctrl-C (reason 'SIGINT') or SIGTERM. */
	controller?: AbortController;
	/** Told each stderr write as it happens. */
	onStderr?: (text: string, all: string) => void;
	/** stdout is a terminal this wide (tables are sized to it). */
	columns?: number;
};

export type Home = {dir: string; stateDir: string; run(action: (ctx: Context) => Promise<number>, flags?: Flags, options?: RunOptions): Promise<Run>};

/** A fresh HOME (config and state) whose commands act as `token` against the emulator. */
export async function home(emu: Emulator, token: string = emu.tokens.admin): Promise<Home> {
	const dir = await mkdtemp(join(tmpdir(), 'mscommerce-guard-'));
	const env = {HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state')};
	const stateDir = join(dir, 'state', 'mscommerce');
	const contexts: Context[] = [];
	after(async () => Promise.all(contexts.map(async ctx => ctx.net.close())));
	return {
		dir,
		stateDir,
		async run(action, flags = {}, options = {}) {
			let stdout = '';
			let stderr = '';
			const {terminal} = options;
			const stdin = terminal ? Object.assign(new PassThrough(), {isTTY: true}) : (Readable.from([]) as NodeJS.ReadableStream & {isTTY?: boolean});
			let answered = false;
			const io: Io = {
				stdout: {write: (text: string) => (stdout += text), isTTY: options.columns !== undefined, columns: options.columns},
				stderr: {
					write: (text: string) => {
						stderr += text;
						options.onStderr?.(text, stderr);
						if (terminal && !answered && terminal.when.test(stderr)) {
							answered = true;
							void Promise.resolve(terminal.before?.()).then(() => (stdin as PassThrough).write(`${terminal.answer}\n`));
						}
						return true;
					},
					isTTY: Boolean(terminal),
				},
				stdin,
			};
			const settings = resolveSettings({authority: emu.authority, licensingUrl: emu.licensingUrl, token, ...flags}, env, false);
			const ctx = createContext(settings, io, (options.controller ?? new AbortController()).signal, {ca: [emu.caPem]});
			contexts.push(ctx);
			let code: number;
			try {
				code = await action(ctx);
			} catch (error) {
				const problem = classify(error);
				reportProblem(io.stderr, problem);
				code = exitCodeFor(problem);
			}
			return {code, stdout, stderr};
		},
	};
}
