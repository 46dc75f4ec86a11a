/**
 * The limits on what answers, over real HTTPS against the emulator's faults: a deadline per try
 * for the whole answer (--timeout), a size cap, redirects never followed, certificate checks no
 * environment turns off; and the mistakes in --timeout, proxy variables and --faults that are
 * usage errors. Nothing of the HTTP layer is mocked; the CLI runs as a separate process.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import tls from 'node:tls';
import {fileURLToPath} from 'node:url';
import {after, test} from 'node:test';
import {FaultSpecError, describeFaults, parseFaults, type Emulator, type RequestLogEntry} from '../../source/emulator/index.js';
import {Net} from '../../source/net/http.js';
import {classify} from '../../source/problems/classify.js';
import {AnswerTooLargeError, UsageError} from '../../source/problems/errors.js';
import {exitCodeFor} from '../../source/problems/exitCodes.js';
import type {Problem} from '../../source/problems/types.js';
import {cliEnv, runCli, type CliResult} from '../support/cli.js';
import {clientFor, emulator, trustingNet} from '../support/emulator.js';
import {startProxy} from '../support/proxy.js';

const P = 'AllowSelfServicePurchase';
const MiB = 1024 * 1024;
const home = () => mkdtemp(join(tmpdir(), 'mscommerce-limits-'));

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	assert.fail('expected the request to fail');
}

async function problemOf(promise: Promise<unknown>): Promise<Problem> {
	return classify(await failureOf(promise));
}

/** The emulator's log entry for a request it has finished with (a streamed answer is logged when it ends). */
async function loggedEntry(emu: Emulator, match: (entry: RequestLogEntry) => boolean, waitMs = 5000): Promise<RequestLogEntry> {
	for (const until = Date.now() + waitMs; Date.now() < until; await new Promise(resolve => setTimeout(resolve, 20))) {
		const entry = emu.requests.find(match);
		if (entry) return entry;
	}
	assert.fail(`no such request in the emulator's log: ${JSON.stringify(emu.requests)}`);
}

test('fault specs: trickle, trickle-every, endless and redirect take the same forms as the others', () => {
	const plan = parseFaults('trickle=1x,trickle-every=5s,endless=0.5,redirect=20%,seed=3');
	assert.deepEqual(plan.rates.trickle, {kind: 'count', count: 1});
	assert.deepEqual(plan.rates.endless, {kind: 'rate', probability: 0.5});
	assert.deepEqual(plan.rates.redirect, {kind: 'rate', probability: 0.2});
	assert.equal(plan.trickleEveryMs, 5000);
	assert.equal(describeFaults(plan), 'redirect=0.2,endless=0.5,trickle=1x,trickle-every=5000ms,seed=3');
	assert.equal(parseFaults('trickle=1').trickleEveryMs, 1000, 'a byte a second unless told');
	assert.throws(() => parseFaults('trickle-every=slowly'), /Fault "trickle-every": expected a duration/);
	assert.throws(() => parseFaults('endless=forever'), /Fault "endless": expected a probability/);
});

test('an answer that trickles in, a byte every 5 s, ends at the deadline: "answered too slowly", a timeout', async () => {
	const emu = await emulator({faults: 'trickle=1x,trickle-every=5s'});
	const client = clientFor(emu, emu.tokens.reader, trustingNet(emu, {timeoutMs: 1000}));
	const started = performance.now();
	const problem = await problemOf(client.listPolicies());
	const elapsed = performance.now() - started;
	assert.equal(problem.kind, 'timeout');
	assert.equal(problem.title, 'The service answered too slowly: no complete answer within 1 s');
	assert.match(problem.detail ?? '', /answered 200 and sent 1 of \d+ bytes/);
	assert.match(problem.hints[0] ?? '', /--timeout SECONDS \(or MSCOMMERCE_TIMEOUT\); now 1 s/);
	assert.ok(problem.retryable);
	assert.equal(exitCodeFor(problem), 1);
	assert.ok(elapsed >= 950 && elapsed < 3000, `ended after ${Math.round(elapsed)} ms`);
	// The emulator saw the client go: it stopped sending.
	assert.match((await loggedEntry(emu, entry => /trickle/.test(entry.fault ?? ''))).fault ?? '', /trickle=5000ms \(1 of \d+ bytes sent\)/);
});

test('the deadline is per try: waiting for Retry-After between tries does not count', async () => {
	const emu = await emulator({faults: '429=1x,retry-after=2'});
	const client = clientFor(emu, emu.tokens.reader, trustingNet(emu, {timeoutMs: 1000}));
	const started = performance.now();
	assert.equal((await client.listOfferTypes(P)).data.length, 4);
	assert.ok(performance.now() - started >= 1900, 'waited the 2 s Retry-After, twice the deadline');
	assert.deepEqual(emu.requests.map(r => r.status), [429, 200]);
});

test('--timeout 1 (or MSCOMMERCE_TIMEOUT=1): the CLI gives up on a trickling answer after a second, exit 1', async () => {
	const emu = await emulator({faults: 'trickle=2x,trickle-every=5s'});
	const env = cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.reader});
	const [byFlag, byEnv] = await Promise.all([
		runCli(['--timeout', '1', 'policies', 'list'], env),
		runCli(['policies', 'list'], {...env, MSCOMMERCE_TIMEOUT: '1'}),
	]);
	for (const result of [byFlag, byEnv]) {
		assert.equal(result.code, 1, result.stderr);
		assert.match(result.stderr, /^error: The service answered too slowly: no complete answer within 1 s$/m);
		assert.equal(result.stdout, '');
	}
});

test('a --timeout or MSCOMMERCE_TIMEOUT that is not a positive number of seconds is a usage error naming it, exit 2', async () => {
	const emu = await emulator();
	const env = cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.reader});
	const results = await Promise.all([
		runCli(['--timeout', '0', 'policies', 'list'], env),
		runCli(['--timeout', 'soon', 'policies', 'list'], env),
		runCli(['policies', 'list'], {...env, MSCOMMERCE_TIMEOUT: '-5'}),
	]);
	assert.deepEqual(
		results.map(r => r.code),
		[2, 2, 2],
	);
	assert.match(results[0]!.stderr, /^error: --timeout: "0" is not a number of seconds above 0/);
	assert.match(results[1]!.stderr, /^error: --timeout: "soon" is not a number of seconds/);
	assert.match(results[2]!.stderr, /^error: MSCOMMERCE_TIMEOUT \(--timeout\): "-5" is not a number of seconds/);
	assert.equal(emu.requests.length, 0, 'nothing was sent');
});

test('an endless answer stops at the size cap: "answered too much", and no more than the cap is held', async () => {
	const emu = await emulator({faults: 'endless=1x'});
	const client = clientFor(emu, emu.tokens.reader, trustingNet(emu, {maxResponseBytes: MiB}));
	const started = performance.now();
	const error = await failureOf(client.listProducts(P));
	const elapsed = performance.now() - started;
	assert.ok(error instanceof AnswerTooLargeError, String(error));
	// What was kept is the chunks before the cap was passed: the one that passed it was never stored.
	assert.ok(error.progress.received > MiB && error.progress.received < MiB + 256 * 1024, `read ${error.progress.received} bytes`);
	const problem = classify(error);
	assert.equal(problem.kind, 'too-large');
	assert.equal(problem.title, 'The service answered too much: more than 1 MiB, so reading stopped');
	assert.match(problem.hints[0] ?? '', /proxy or captive portal/);
	assert.equal(problem.retryable, false);
	assert.equal(exitCodeFor(problem), 1);
	assert.ok(elapsed < 5000, `ended after ${Math.round(elapsed)} ms`);
	// The connection was closed, so the emulator stopped writing: the body did not go on into memory.
	const entry = await loggedEntry(emu, e => /endless/.test(e.fault ?? ''));
	const sent = Number(/\((\d+) bytes sent\)/.exec(entry.fault ?? '')?.[1]);
	assert.ok(sent < 16 * MiB, `the emulator wrote ${sent} bytes before the client closed`);
	// The next request is answered as usual.
	assert.equal((await client.listOfferTypes(P)).data.length, 4);
});

test('an answer that declares more than the cap is refused before any of it is read', async () => {
	const emu = await emulator();
	const client = clientFor(emu, emu.tokens.reader, trustingNet(emu, {maxResponseBytes: 1024}));
	const error = await failureOf(client.listProducts(P));
	assert.ok(error instanceof AnswerTooLargeError, String(error));
	assert.equal(error.progress.received, 0);
	const problem = classify(error);
	assert.equal(problem.kind, 'too-large');
	assert.equal(problem.title, 'The service answered too much: more than 1 KiB, so reading stopped');
	assert.match(problem.detail ?? '', /answered 200 declaring \d+ bytes/);
});

test('a redirect is never followed: its own problem naming the Location and --licensing-url', async () => {
	const emu = await emulator({faults: 'redirect=1x'});
	const client = clientFor(emu, emu.tokens.reader);
	const problem = await problemOf(client.listPolicies());
	assert.equal(problem.kind, 'redirected');
	assert.equal(problem.title, `The service redirected to ${emu.url}/v1.0/policies — not followed; check --licensing-url or your proxy`);
	assert.equal(problem.status, 302);
	assert.match(problem.hints[0] ?? '', /never follows a redirect/);
	assert.equal(exitCodeFor(problem), 1);
	assert.deepEqual(
		emu.requests.map(r => [r.status, r.fault]),
		[[302, 'redirect']],
		'one request: the Location (which would have answered) was not asked',
	);
});

test('a redirect from the sign-in service names --authority; from the licensing service, the CLI exits 1', async () => {
	const emu = await emulator({faults: 'redirect=1x,scope=identity'});
	const signIn = await runCli(['login'], cliEnv(emu, await home()));
	assert.equal(signIn.code, 1, signIn.stderr);
	assert.match(signIn.stderr, /^error: Sign-in failed: the service redirected to https:\/\/127\.0\.0\.1:\d+\/\S+ — not followed; check --authority or your proxy$/m);

	emu.setFaults('redirect=1x');
	const list = await runCli(['products', 'list'], cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.reader}));
	assert.equal(list.code, 1, list.stderr);
	assert.match(list.stderr, /^error: The service redirected to https:\/\/127\.0\.0\.1:\d+\/v1\.0\/policies\/AllowSelfServicePurchase\/products\?scope=product — not followed; check --licensing-url or your proxy$/m);
});

test('HTTPS_PROXY=proxy.corp:8080 (no http://) is a usage error in one line saying what to write, exit 2', async () => {
	const dir = await home();
	const result = await runCli(['policies', 'list'], {
		HOME: dir,
		XDG_CONFIG_HOME: join(dir, 'config'),
		XDG_STATE_HOME: join(dir, 'state'),
		MSCOMMERCE_TOKEN: 'token',
		MSCOMMERCE_LICENSING_URL: 'https://licensing.example.test',
		HTTPS_PROXY: 'proxy.corp:8080',
	});
	assert.equal(result.code, 2);
	assert.equal(result.stderr, 'error: HTTPS_PROXY=proxy.corp:8080 has no scheme: write HTTPS_PROXY=http://proxy.corp:8080\n');
});

test('proxy variables: the variable is named, other schemes are refused, and a password is never repeated', async () => {
	const refusal = async (env: NodeJS.ProcessEnv): Promise<string> => {
		const net = new Net({env});
		after(async () => net.close());
		const error = await failureOf(net.send({method: 'GET', url: 'https://licensing.example.test/v1.0/policies'}));
		assert.ok(error instanceof UsageError, String(error));
		assert.equal(classify(error).kind, 'usage');
		return error.message;
	};
	assert.equal(await refusal({https_proxy: '10.0.0.1:3128'}), 'https_proxy=10.0.0.1:3128 has no scheme: write https_proxy=http://10.0.0.1:3128');
	assert.equal(
		await refusal({HTTPS_PROXY: 'alice:s3cret@proxy.corp:8080'}),
		'HTTPS_PROXY=alice:***@proxy.corp:8080 has no scheme: write HTTPS_PROXY=http://alice:***@proxy.corp:8080',
	);
	assert.equal(await refusal({HTTP_PROXY: 'socks5://proxy.corp:1080'}), 'HTTP_PROXY: socks5 proxies are not supported; write an http:// or https:// proxy URL');
});

test('an unknown --faults key is a usage error, exit 2, for --demo and for the emulator command', async () => {
	const dir = await home();
	const env = {HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state')};
	const results: CliResult[] = await Promise.all([
		runCli(['--demo', '--faults', 'bogus=1', 'products', 'list'], env),
		runCli(['emulator', '--faults', 'bogus=1'], env),
		runCli(['emulator', '--faults', 'trickle-every=never'], env),
	]);
	for (const result of results) {
		assert.equal(result.code, 2, result.stderr);
		assert.doesNotMatch(result.stderr, /unexpected|report it/);
	}
	assert.match(results[0]!.stderr, /^error: Unknown fault "bogus" in "bogus=1": known keys are .*trickle, .*trickle-every/);
	assert.match(results[1]!.stderr, /^error: Unknown fault "bogus"/);
	assert.match(results[2]!.stderr, /^error: Fault "trickle-every": expected a duration/);
	assert.equal(classify(new FaultSpecError('x')).kind, 'usage');
});

const BINARY = fileURLToPath(new URL('../../bin/mscommerce.js', import.meta.url));

/** The built binary (what a user runs: the start path of the bundle), its exit code and output. */
async function runBinary(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
	const child = spawn(process.execPath, [BINARY, ...args], {env: {PATH: process.env.PATH, NO_COLOR: '1', ...env}, stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const code = await new Promise<number | null>(resolve => child.on('close', resolve));
	return {code, stdout, stderr};
}

const NOTE = "note: NODE_TLS_REJECT_UNAUTHORIZED=0 is ignored: mscommerce never turns certificate checks off (pass your proxy's root CA with --ca-file)\n";

test('NODE_TLS_REJECT_UNAUTHORIZED=0 turns no check off: the program says so once, Node does not warn, an unknown CA still fails', async () => {
	const emu = await emulator();
	const env = cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.reader, NODE_TLS_REJECT_UNAUTHORIZED: '0'});
	const untrusting = Object.fromEntries(Object.entries(env).filter(([name]) => name !== 'MSCOMMERCE_CA_FILE'));
	const [refused, trusted] = await Promise.all([runBinary(['policies', 'list'], untrusting), runBinary(['policies', 'list', '--json'], env)]);
	assert.equal(refused.code, 1, refused.stderr);
	assert.ok(refused.stderr.startsWith(NOTE), refused.stderr);
	assert.equal(refused.stderr.split('NODE_TLS_REJECT_UNAUTHORIZED').length, 2, 'said once, and Node printed no warning of its own');
	assert.match(refused.stderr, /^error: The certificate presented for 127\.0\.0\.1:\d+ is not trusted/m);
	assert.equal(refused.stdout, '');
	// With the CA passed as the note says, it works (and says the same once).
	assert.equal(trusted.code, 0, trusted.stderr);
	assert.equal(trusted.stderr, NOTE);
	assert.equal((JSON.parse(trusted.stdout) as unknown[]).length, 1);
});

test('Net checks certificates even with NODE_TLS_REJECT_UNAUTHORIZED=0 in its environment, direct and through a proxy', async () => {
	const emu = await emulator({certificate: {hostname: 'licensing.emulator.test'}});
	const port = new URL(emu.url).port;
	const proxy = await startProxy(() => 200, Number(port));
	// A process of its own, as the variable is read by Node's TLS for the whole process; no CA passed.
	const script = `
		const {Net} = await import(process.env.NET_MODULE);
		const {classify} = await import(process.env.CLASSIFY_MODULE);
		const outcomes = [];
		const cases = [[{}, process.env.DIRECT], [{HTTPS_PROXY: process.env.TUNNEL}, process.env.THROUGH_TUNNEL]];
		for (const [env, url] of cases) {
			const net = new Net({env});
			try {
				outcomes.push('answered ' + (await net.send({method: 'GET', url})).status);
			} catch (error) {
				outcomes.push(classify(error).kind);
			}
			await net.close();
		}
		process.stdout.write(JSON.stringify(outcomes));
	`;
	const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
		env: {
			PATH: process.env.PATH,
			NODE_TLS_REJECT_UNAUTHORIZED: '0',
			NET_MODULE: new URL('../../source/net/http.ts', import.meta.url).href,
			CLASSIFY_MODULE: new URL('../../source/problems/classify.ts', import.meta.url).href,
			TUNNEL: proxy.url,
			DIRECT: `${emu.url}/v1.0/policies`,
			THROUGH_TUNNEL: `https://licensing.emulator.test:${port}/v1.0/policies`,
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	await new Promise(resolve => child.on('close', resolve));
	assert.deepEqual(JSON.parse(stdout || 'null'), ['tls-untrusted', 'tls-untrusted'], stderr);
	// Where Node reads the OS trust store (22.15+), a certificate that fails is tried once more with it (net/http.ts).
	const tries = typeof (tls as {getCACertificates?: unknown}).getCACertificates === 'function' ? 2 : 1;
	assert.deepEqual(proxy.connects, Array(tries).fill(`licensing.emulator.test:${port}`), 'the second went through the proxy');
});
