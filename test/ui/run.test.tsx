import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {Writable} from 'node:stream';
import {test} from 'node:test';
import {ENTER_ALTERNATE_SCREEN, LEAVE_ALTERNATE_SCREEN, renderDashboard} from '../../source/ui/run.js';
import {ADMIN, FakeBackend, testClassify} from './fakeBackend.js';
import {waitFor} from './harness.js';

/** A terminal's output: what was written, and a size. */
class Screen extends Writable {
	output = '';
	readonly isTTY = true;
	columns = 100;
	rows = 30;
	override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
		this.output += chunk.toString();
		done();
	}
}

/** A terminal's keyboard, as Ink reads it (the shape ink-testing-library uses). */
class Keyboard extends EventEmitter {
	readonly isTTY = true;
	private data: string | null = null;
	type(data: string): void {
		this.data = data;
		this.emit('readable');
		this.emit('data', data);
	}
	read(): string | null {
		const {data} = this;
		this.data = null;
		return data;
	}
	setEncoding(): void {}
	setRawMode(): void {}
	resume(): void {}
	pause(): void {}
	ref(): void {}
	unref(): void {}
}

function start(backend = new FakeBackend({silentAccount: ADMIN})) {
	const stdout = new Screen();
	const stderr = new Screen();
	const stdin = new Keyboard();
	const exit = renderDashboard(backend, {
		classify: testClassify,
		color: false,
		// Fakes of the terminal's streams: Ink uses only what they implement.
		stdout: stdout as unknown as NodeJS.WriteStream,
		stderr: stderr as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
	});
	return {stdout, stderr, stdin, exit};
}

function restoredLast(output: string): boolean {
	return output.startsWith(ENTER_ALTERNATE_SCREEN) && output.endsWith(LEAVE_ALTERNATE_SCREEN);
}

test('q leaves the alternate screen, shows the cursor again and exits 0', async () => {
	const {stdout, stdin, exit} = start();
	await waitFor(() => stdout.output.includes('Clipchamp Premium'));
	stdin.type('q');
	assert.equal(await exit, 0);
	assert.ok(restoredLast(stdout.output), JSON.stringify(stdout.output.slice(-40)));
});

test('Ctrl-C restores the terminal and exits 130', async () => {
	const {stdout, stdin, exit} = start();
	await waitFor(() => stdout.output.includes('Clipchamp Premium'));
	stdin.type('\u0003');
	assert.equal(await exit, 130);
	assert.ok(restoredLast(stdout.output));
});

test('a crash restores the terminal, then says what happened, and exits 1', async () => {
	const backend = new FakeBackend({silentAccount: ADMIN});
	Object.defineProperty(backend, 'policyId', {
		get() {
			throw new Error('boom');
		},
	});
	const {stdout, stderr, exit} = start(backend);
	assert.equal(await exit, 1);
	assert.ok(stdout.output.endsWith(LEAVE_ALTERNATE_SCREEN));
	assert.match(stderr.output, /the dashboard stopped: Error: boom/);
});

test('SIGTERM restores the terminal and exits 143', async () => {
	const {stdout, exit} = start();
	await waitFor(() => stdout.output.includes('Clipchamp Premium'));
	process.emit('SIGTERM', 'SIGTERM');
	assert.equal(await exit, 143);
	assert.ok(restoredLast(stdout.output));
});
