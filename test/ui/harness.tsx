/** Rendering the App with ink-testing-library, and waiting for what the user should see. */
import {render} from 'ink-testing-library';
import {App} from '../../source/ui/App.js';
import {FleetApp} from '../../source/ui/FleetApp.js';
import {ADMIN, FakeBackend, testClassify, type FakeOptions} from './fakeBackend.js';
import type {FakeFleetBackend} from './fakeFleetBackend.js';

export const KEY = {
	up: '\u001B[A',
	down: '\u001B[B',
	left: '\u001B[D',
	right: '\u001B[C',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
	tab: '\t',
	shiftTab: '\u001B[Z',
	enter: '\r',
	escape: '\u001B',
	backspace: '\u007F',
	ctrlC: '\u0003',
	ctrlD: '\u0004',
	ctrlU: '\u0015',
} as const;

const tick = () => new Promise<void>(resolve => setImmediate(resolve));

/** Polls until `check` passes (it should throw or return false until then). */
export async function waitFor(check: () => unknown, what: () => string = () => 'the frame', timeoutMs = 2000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	for (;;) {
		try {
			if (check() !== false) return;
		} catch (error) {
			last = error;
		}
		if (Date.now() > deadline) {
			throw last instanceof Error ? last : new Error(`timed out waiting for ${what()}`);
		}
		await new Promise(resolve => setTimeout(resolve, 5));
	}
}

export type Rendered = ReturnType<typeof renderApp>;

export function renderApp(options: FakeOptions & {backend?: FakeBackend; size?: {columns: number; rows: number}} = {}) {
	const backend = options.backend ?? new FakeBackend({silentAccount: ADMIN, ...options});
	const exits: number[] = [];
	const instance = render(<App backend={backend} classify={testClassify} onExit={code => exits.push(code)} />);
	return {backend, ...drive(instance, exits, options.size)};
}

export type RenderedFleet = ReturnType<typeof renderFleetApp>;

/** The fleet view (`mscommerce --tenants FILE`) on a fake FleetBackend. */
export function renderFleetApp(fleet: FakeFleetBackend, options: {size?: {columns: number; rows: number}} = {}) {
	const exits: number[] = [];
	const instance = render(<FleetApp fleet={fleet} classify={testClassify} onExit={code => exits.push(code)} />);
	return {fleet, ...drive(instance, exits, options.size)};
}

/** What a test does with a rendered screen: read its frame, type keys, wait for text. */
function drive(instance: ReturnType<typeof render>, exits: number[], size?: {columns: number; rows: number}) {
	const {stdout, stdin} = instance;
	if (size) resize(stdout, size);
	const frame = () => instance.lastFrame() ?? '';
	return {
		exits,
		frame,
		stdout,
		stdin,
		unmount: instance.unmount,
		/** Types keys, letting Ink take each one apart (Esc needs a moment to be told from a sequence). */
		async press(...keys: string[]) {
			for (const key of keys) {
				stdin.write(key);
				await tick();
				if (key === KEY.escape) await tick();
			}
		},
		/** Waits until the frame contains every text given. */
		async see(...texts: string[]) {
			await waitFor(() => texts.every(text => frame().includes(text)), () => `"${texts.join('", "')}" in\n${frame()}`);
		},
		/** Waits until the frame contains none of the texts given. */
		async gone(...texts: string[]) {
			await waitFor(() => texts.every(text => !frame().includes(text)), () => `"${texts.join('", "')}" to go from\n${frame()}`);
		},
		/** Waits until the cursor's row (the line starting with ›) matches. */
		async cursorOn(pattern: RegExp) {
			const cursor = () => frame().split('\n').find(line => line.startsWith('›')) ?? '';
			await waitFor(() => pattern.test(cursor()), () => `the cursor on ${pattern} in\n${frame()}`);
		},
		/** The frame's line containing `text`. */
		line(text: string): string {
			return frame().split('\n').find(line => line.includes(text)) ?? '';
		},
		resize(size: {columns: number; rows: number}) {
			resize(stdout, size);
		},
	};
}

/** ink-testing-library's stdout is 100 columns with no rows; give it another size and say so. */
function resize(stdout: NodeJS.EventEmitter, size: {columns: number; rows: number}): void {
	Object.defineProperty(stdout, 'columns', {value: size.columns, configurable: true});
	Object.defineProperty(stdout, 'rows', {value: size.rows, configurable: true});
	stdout.emit('resize');
}
