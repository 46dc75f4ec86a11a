import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import {catalog} from '../../source/commerce/catalog.js';
import {countdown, spacedCode} from '../../source/ui/screens/SignInScreen.js';
import {FakeBackend, serverError} from './fakeBackend.js';
import {KEY, renderApp, waitFor} from './harness.js';

afterEach(() => cleanup());

test('without a cached account the sign-in screen shows the code large, the URL and the time left', async () => {
	const app = renderApp({backend: new FakeBackend()});
	await app.see('On any device, open', 'https://microsoft.com/devicelogin', 'A B C D 2 3 4 5', '(type it as ABCD2345)');
	await app.see('waiting for approval…', 'expires in 1', 'Esc cancel');
	assert.match(app.frame(), /expires in 1[45]:[0-5]\d/);
});

test('approving the code opens the dashboard', async () => {
	const backend = new FakeBackend();
	const app = renderApp({backend});
	await app.see('A B C D 2 3 4 5');
	backend.approve();
	await app.see(`Products ${catalog.products.length}`, 'Clipchamp Premium');
	await app.gone('A B C D');
});

test('a cached account skips the sign-in screen', async () => {
	const app = renderApp();
	await app.see('Clipchamp Premium');
	assert.equal(app.stdout.frames.some(frame => frame.includes('enter the code')), false);
});

test('Esc cancels the sign-in, stopping the wait; Enter asks for a new code', async () => {
	const backend = new FakeBackend();
	const app = renderApp({backend});
	await app.see('A B C D 2 3 4 5');
	await app.press(KEY.escape);
	await app.see('Sign-in cancelled.', 'Press Enter for a new code');
	assert.equal(backend.deviceCodeSignal?.aborted, true);
	await app.press(KEY.enter);
	await app.see('W X Y Z 2 3 4 2', 'waiting for approval…');
	backend.approve();
	await app.see('Clipchamp Premium');
});

test('an expired code is offered again with Enter', async () => {
	const backend = new FakeBackend({codeLifetimeMs: 150});
	const app = renderApp({backend});
	await app.see('A B C D 2 3 4 5');
	await app.see('The code has expired.', 'Press Enter for a new one.');
	assert.equal(backend.deviceCodeSignal?.aborted, true, 'polling stopped');
	await app.press(KEY.enter);
	await app.see('W X Y Z 2 3 4 2');
});

test('a sign-in problem shows inline with its hints, and Enter tries again', async () => {
	const backend = new FakeBackend();
	let failures = 1;
	const signIn = backend.signInWithDeviceCode.bind(backend);
	backend.signInWithDeviceCode = async (onPrompt, signal) => {
		if (failures-- > 0) throw serverError();
		return signIn(onPrompt, signal);
	};
	const app = renderApp({backend});
	await app.see('The licensing service failed', '→ Try again in a minute (r)', 'Correlation ID: corr-500', 'Enter try again');
	await app.press(KEY.enter);
	await app.see('A B C D 2 3 4 5');
});

test('q and Ctrl-C quit from the sign-in screen', async () => {
	const first = renderApp({backend: new FakeBackend()});
	await first.see('A B C D');
	await first.press('q');
	await waitFor(() => first.exits.length === 1);
	assert.deepEqual(first.exits, [0]);
	const second = renderApp({backend: new FakeBackend()});
	await second.see('A B C D');
	await second.press(KEY.ctrlC);
	assert.deepEqual(second.exits, [130]);
});

test('the countdown reads minutes and seconds; the code is spaced out to read', () => {
	assert.equal(countdown(15 * 60_000), '15:00');
	assert.equal(countdown(61_500), '1:01');
	assert.equal(countdown(-5), '0:00');
	assert.equal(spacedCode('ABCD2345'), 'A B C D 2 3 4 5');
});
