/**
 * The dashboard's entry points (one tenant, or the fleet view of --tenants): the alternate screen
 * around Ink's render, and the terminal put back on every way out (q, Ctrl-C, a crash, SIGTERM /
 * SIGHUP / SIGINT, process exit).
 * Ink and the App are imported here, lazily, so importing this module costs nothing.
 */
import type {ReactElement} from 'react';
import type {Writable} from '../commerce/changes.js';
import type {ChangeSession} from '../commerce/session.js';
import type {Problem} from '../problems/types.js';
import {safeText} from '../text/safe.js';
import type {Backend} from './backend.js';
import type {FleetBackend} from './fleetBackend.js';

export type DashboardOptions = {
	/** false for --no-color; NO_COLOR is honoured either way. */
	color?: boolean;
	classify?: (error: unknown) => Problem;
	stdin?: NodeJS.ReadStream;
	stdout?: NodeJS.WriteStream;
	stderr?: NodeJS.WriteStream;
	/** Awaited beside Ink's import before the first frame (a backend signing in and loading early). */
	warm?: Promise<unknown>;
};

export const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h\u001B[2J\u001B[H\u001B[?25l';
export const LEAVE_ALTERNATE_SCREEN = '\u001B[?25h\u001B[?1049l';

/** Exit codes (docs/architecture.md, Exit codes): q 0, Ctrl-C / SIGINT 130, a crash 1, SIGTERM 143, SIGHUP 129. */
const SIGNAL_CODE = {SIGINT: 130, SIGTERM: 143, SIGHUP: 129} as const;

/** Runs the dashboard until the user quits; resolves to the exit code. */
export async function renderDashboard(backend: Backend, options: DashboardOptions = {}): Promise<number> {
	// Ink is imported beside the App and the warm-up (renderScreen's import then finds it loaded).
	const [{App}] = await Promise.all([import('./App.js'), import('ink'), options.warm]);
	return renderScreen(
		onExit => <App backend={backend} classify={options.classify} color={options.color ?? true} onExit={onExit} />,
		// The tenant-wide switches' change sets too: a signal waits for their writes, and the lines after quitting say them.
		() => [{session: backend.session}, ...(backend.switches ? [{name: 'tenant-wide switches', session: backend.switches.session}] : [])],
		options,
	);
}

/**
 * Runs the fleet view (`mscommerce --tenants FILE`) until the user quits; resolves to the exit
 * code. Signals wait for the writes of every tenant's dashboard opened, and the lines after
 * quitting say what each tenant's session changed.
 */
export async function renderFleet(fleet: FleetBackend, options: DashboardOptions = {}): Promise<number> {
	const [{FleetApp}] = await Promise.all([import('./FleetApp.js'), import('ink'), options.warm]);
	return renderScreen(
		onExit => <FleetApp fleet={fleet} classify={options.classify} color={options.color ?? true} onExit={onExit} />,
		() => fleet.sessions(),
		options,
	);
}

type Sessions = () => Array<{name?: string; session: Pick<ChangeSession<Writable>, 'busy' | 'stop' | 'summary'>}>;

/** The alternate screen around Ink's render of `app`, the terminal restored on every way out. */
async function renderScreen(app: (onExit: (code: number) => void) => ReactElement, sessions: Sessions, options: DashboardOptions): Promise<number> {
	const stdout = options.stdout ?? process.stdout;
	const stderr = options.stderr ?? process.stderr;
	const {render} = await import('ink');

	let code = 0;
	let crash: unknown;
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		try {
			stdout.write(LEAVE_ALTERNATE_SCREEN);
		} catch {
			// stdout is gone (the terminal closed): nothing left to restore.
		}
	};

	stdout.write(ENTER_ALTERNATE_SCREEN);
	// The last resort: whatever happens, a process that exits leaves the terminal as it found it.
	process.on('exit', restore);
	let instance: ReturnType<typeof render> | undefined;
	let stopping = false;
	const onSignal = (signal: keyof typeof SIGNAL_CODE) => {
		code = SIGNAL_CODE[signal];
		// Writes in flight: send nothing more, and leave once they are answered and settled
		// (bounded); a second signal leaves at once.
		const busy = sessions().filter(({session}) => session.busy);
		if (busy.length > 0 && !stopping) {
			stopping = true;
			void Promise.all(busy.map(({session}) => session.stop().done)).then(() => instance?.unmount());
			return;
		}
		instance?.unmount();
	};
	const onCrash = (error: unknown) => {
		crash = error;
		instance?.unmount(error instanceof Error ? error : new Error(String(error)));
	};
	const signals = Object.keys(SIGNAL_CODE) as Array<keyof typeof SIGNAL_CODE>;
	for (const signal of signals) process.on(signal, onSignal);
	process.on('uncaughtException', onCrash);
	process.on('unhandledRejection', onCrash);
	try {
		instance = render(
			app(exitCode => {
				code = exitCode;
			}),
			{
				stdout,
				stderr,
				stdin: options.stdin ?? process.stdin,
				// Ctrl-C is a key like q (exit code 130), so the screen is restored the same way.
				exitOnCtrlC: false,
				// Ink draws at most maxFps frames a second (default 30): a key pressed within 33 ms of the
				// last frame waited for the next tick before it showed. 60 halves that wait; a frame is
				// still drawn only when something changed.
				maxFps: 60,
				// Not incrementalRendering: in Ink 6.8 it moves up one line too few after a frame that
				// ends in a newline, and the screen scrolls by a line (seen in tmux at 80x24).
			},
		);
		await instance.waitUntilExit();
	} catch (error) {
		crash ??= error;
	} finally {
		instance?.unmount();
		for (const signal of signals) process.off(signal, onSignal);
		process.off('uncaughtException', onCrash);
		process.off('unhandledRejection', onCrash);
		restore();
		process.off('exit', restore);
	}
	// What this session wrote, once the screen is back: nothing is lost from sight on the way out.
	for (const {name, session} of sessions()) {
		for (const [index, line] of session.summary().entries()) {
			// A fleet's: each tenant's lines under its name.
			const named = name !== undefined && index === 0 ? line.replace(/^mscommerce: /, `mscommerce: ${name}: `) : line;
			stderr.write(`${safeText(named)}\n`);
		}
	}
	if (crash !== undefined) {
		const message = crash instanceof Error ? (crash.stack ?? crash.message) : String(crash);
		stderr.write(`mscommerce: the dashboard stopped: ${safeText(message).replaceAll('\\x0a', '\n')}\n`);
		return 1;
	}
	return code;
}
