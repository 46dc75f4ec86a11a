/**
 * The emulator's fault injection, its legacy-TLS listener and its certificate variants, each
 * proved with a real HTTPS client (undici or node:https) that trusts only the emulator's CA.
 */
import assert from 'node:assert/strict';
import {get as httpsGet} from 'node:https';
import type {TLSSocket} from 'node:tls';
import {test} from 'node:test';
import {Agent, request} from 'undici';
import {FaultSpecError, describeFaults, parseFaults, startEmulator, type Emulator} from '../../source/emulator/index.js';
import {call, start} from '../support/emulatorHttp.js';

const PRODUCTS = '/v1.0/policies/AllowSelfServicePurchase/products';

const statuses = async (emu: Emulator, n: number, path = PRODUCTS): Promise<number[]> => {
	const seen: number[] = [];
	for (let i = 0; i < n; i += 1) seen.push((await call(emu, 'GET', path)).status);
	return seen;
};

test('fault specs: parsed, described back, and unknown keys or bad values refused by name', async () => {
	const plan = parseFaults('latency=50-200ms,429=0.2,retry-after=3,503=2x,500=5%,drop=0.1,malformed=0.05,expire=1x,slowdown=1x,scope=all,writes-only,seed=42');
	assert.deepEqual(plan.latency, {min: 50, max: 200});
	assert.deepEqual(plan.rates['429'], {kind: 'rate', probability: 0.2});
	assert.deepEqual(plan.rates['503'], {kind: 'count', count: 2});
	assert.deepEqual(plan.rates['500'], {kind: 'rate', probability: 0.05});
	assert.equal(plan.retryAfter, 3);
	assert.equal(plan.scope, 'all');
	assert.equal(plan.writesOnly, true);
	assert.equal(plan.seed, 42);
	assert.equal(
		describeFaults(plan),
		'latency=50-200ms,drop=0.1,429=0.2,503=2x,500=0.05,expire=1x,malformed=0.05,slowdown=1x,retry-after=3,scope=all,writes-only,seed=42',
	);
	assert.deepEqual(parseFaults('latency=1s').latency, {min: 1000, max: 1000});
	assert.equal(describeFaults(parseFaults('')), 'none');
	assert.throws(() => parseFaults('429=0.2,teapot=1'), (error: unknown) => error instanceof FaultSpecError && /Unknown fault "teapot"/.test(error.message));
	assert.throws(() => parseFaults('429=2'), /Fault "429": expected a probability/);
	assert.throws(() => parseFaults('latency=fast'), /Fault "latency"/);
	assert.throws(() => parseFaults('scope=everything'), /Fault "scope"/);
	assert.throws(() => parseFaults('retry-after=soon'), /Fault "retry-after"/);
	await assert.rejects(startEmulator({faults: 'bogus=1'}), /Unknown fault "bogus"/);
});

test('429=Nx answers exactly N times with Retry-After, then the request succeeds', async () => {
	const emu = await start({faults: '429=2x,retry-after=2'});
	const first = await call(emu, 'GET', PRODUCTS);
	assert.equal(first.status, 429);
	assert.equal(first.headers['retry-after'], '2');
	assert.deepEqual(first.json(), {errorCode: 'TooManyRequests', reason: 'Too many requests. Retry after 2 seconds.'}, "the service's error shape");
	assert.deepEqual(await statuses(emu, 3), [429, 200, 200]);
	assert.deepEqual(
		emu.requests.map(r => r.fault ?? null),
		['429', '429', null, null],
	);
});

test('503 and 500 answer an HTML page (503 with Retry-After); faults take turns in a fixed order', async () => {
	const emu = await start({faults: '503=1x,500=1x'});
	const unavailable = await call(emu, 'GET', PRODUCTS);
	assert.equal(unavailable.status, 503);
	assert.equal(unavailable.headers['retry-after'], '1');
	assert.match(String(unavailable.headers['content-type']), /text\/html/);
	assert.match(unavailable.text, /<html>.*503 Service Unavailable/s);
	const failed = await call(emu, 'GET', PRODUCTS);
	assert.equal(failed.status, 500);
	assert.match(failed.text, /500 Internal Server Error/);
	assert.equal(failed.headers['retry-after'], undefined);
	assert.equal((await call(emu, 'GET', PRODUCTS)).status, 200);
});

test('drop destroys the connection without an answer', async () => {
	const emu = await start({faults: 'drop=1x'});
	await assert.rejects(call(emu, 'GET', PRODUCTS), (error: NodeJS.ErrnoException) => {
		assert.match(`${error.code} ${error.message}`, /UND_ERR_SOCKET|ECONNRESET|other side closed/);
		return true;
	});
	assert.equal((await call(emu, 'GET', PRODUCTS)).status, 200);
	assert.deepEqual(
		emu.requests.map(r => [r.status, r.fault ?? null]),
		[
			[0, 'drop'],
			[200, null],
		],
	);
});

test('malformed answers 200 with a body that is not the documented shape', async () => {
	const emu = await start({faults: 'malformed=6x,seed=1'});
	const kinds = new Set<string>();
	for (let i = 0; i < 6; i += 1) {
		const answer = await call(emu, 'GET', PRODUCTS);
		assert.equal(answer.status, 200);
		assert.throws(() => JSON.parse(answer.text));
		kinds.add(String(answer.headers['content-type']).split(';')[0] ?? '');
	}
	assert.deepEqual([...kinds].sort(), ['application/json', 'text/html'], 'both truncated JSON and HTML');
	assert.ok(Array.isArray((JSON.parse((await call(emu, 'GET', PRODUCTS)).text) as {items: unknown}).items));
	// A refusal is never replaced: malformed only meets 200s.
	emu.setFaults('malformed=1x');
	assert.equal((await call(emu, 'GET', `${PRODUCTS}/NOPE`)).status, 404);
	assert.equal((await call(emu, 'GET', PRODUCTS)).headers['content-type'] !== undefined, true);
});

test('expire answers 401 as for an expired token, with the reason in WWW-Authenticate', async () => {
	const emu = await start({faults: 'expire=1x'});
	const answer = await call(emu, 'GET', PRODUCTS);
	assert.equal(answer.status, 401);
	assert.equal(answer.text, '');
	assert.match(String(answer.headers['www-authenticate']), /error="invalid_token".*expired/);
	assert.equal((await call(emu, 'GET', PRODUCTS)).status, 200);
});

test('latency delays every matching answer, within the range', async () => {
	const emu = await start({faults: 'latency=120-160ms'});
	const began = performance.now();
	assert.equal((await call(emu, 'GET', PRODUCTS)).status, 200);
	const elapsed = performance.now() - began;
	assert.ok(elapsed >= 115, `took ${elapsed} ms`);
	assert.match(emu.requests[0]?.fault ?? '', /^latency=1[2-6]\dms$/);
});

test('probabilities are deterministic for a seed', async () => {
	const spec = '500=0.5,seed=7';
	const a = await start({faults: spec});
	const b = await start({faults: spec});
	const first = await statuses(a, 12);
	assert.deepEqual(await statuses(b, 12), first);
	assert.ok(first.includes(500) && first.includes(200), `a mix: ${first.join(',')}`);
	a.setFaults(spec); // setting the plan again restarts the sequence
	assert.deepEqual(await statuses(a, 12), first);
});

test('scope and writes-only choose which requests faults apply to', async () => {
	const emu = await start({faults: '500=1,scope=identity'});
	assert.equal((await call(emu, 'GET', PRODUCTS)).status, 200);
	assert.equal((await call(emu, 'GET', '/organizations/v2.0/.well-known/openid-configuration')).status, 500);
	emu.setFaults('500=1,writes-only');
	assert.equal((await call(emu, 'GET', PRODUCTS)).status, 200);
	assert.equal((await call(emu, 'PUT', `${PRODUCTS}/CFQ7TTC0H9MP`, {body: JSON.stringify({policyValue: 'Disabled'})})).status, 500);
	assert.equal(emu.tenantState('contoso.onmicrosoft.com').products.find(p => p.productId === 'CFQ7TTC0H9MP')?.policyValue, 'Enabled');
	emu.setFaults('500=1');
	assert.equal((await call(emu, 'GET', '/organizations/v2.0/.well-known/openid-configuration')).status, 200, 'identity is not faulted by default');
	assert.match(emu.faults(), /^500=1,seed=\d+$/);
});

/** What a default (TLS 1.2+) client gets from the TLS 1.0/1.1-only listener, for undici and node:https. */
test('the legacy TLS listener speaks only TLS 1.0/1.1: a modern client fails the handshake', async t => {
	const emu = await start({legacyTls: true});
	assert.match(emu.legacyTlsUrl ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
	assert.notEqual(emu.legacyTlsUrl, emu.url);
	const legacy = emu.legacyTlsUrl ?? '';
	const undiciError = await call(emu, 'GET', PRODUCTS, {base: legacy}).then(
		() => assert.fail('a TLS 1.2+ client got an answer'),
		(error: NodeJS.ErrnoException) => error,
	);
	t.diagnostic(`undici: code=${undiciError.code} message=${undiciError.message.split('\n')[0]}`);
	assert.equal(undiciError.code, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
	assert.match(undiciError.message, /tlsv1 alert protocol version/);

	const httpsError = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
		httpsGet(`${legacy}${PRODUCTS}`, {ca: emu.caPem}, () => reject(new Error('answered'))).on('error', resolve);
	});
	t.diagnostic(`node:https: code=${httpsError.code} syscall=${httpsError.syscall} message=${httpsError.message.split('\n')[0]}`);
	assert.equal(httpsError.code, 'EPROTO');
	assert.match(httpsError.message, /tlsv1 alert protocol version/);

	const fetchError = await fetch(`${legacy}${PRODUCTS}`).then(
		() => assert.fail('answered'),
		(error: Error & {cause?: NodeJS.ErrnoException}) => error,
	);
	t.diagnostic(`fetch: ${fetchError.message}; cause code=${fetchError.cause?.code}`);
	assert.equal(fetchError.cause?.code, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');

	// The same routes answer a client that still speaks TLS 1.1.
	const status = await new Promise<{status: number; protocol: string | null}>((resolve, reject) => {
		httpsGet(
			`${legacy}${PRODUCTS}`,
			{
				ca: emu.caPem,
				minVersion: 'TLSv1',
				maxVersion: 'TLSv1.1',
				ciphers: 'DEFAULT@SECLEVEL=0',
				headers: {authorization: `Bearer ${emu.tokens.admin}`},
			},
			response => {
				response.resume();
				const socket = response.socket as TLSSocket;
				resolve({status: response.statusCode ?? 0, protocol: socket.getProtocol()});
			},
		).on('error', reject);
	});
	assert.deepEqual(status, {status: 200, protocol: 'TLSv1.1'});
});

test('certificate problems: expired, issued for another host, a CA the client does not trust (with and without the chain)', async t => {
	const expired = await start({certificate: {expired: true}});
	const wrongHost = await start({certificate: {hostname: 'licensing.example.net'}});
	const untrusted = await start();
	const untrustedChain = await start({certificate: {chain: true}});
	const codeOf = async (emu: Emulator, ca: string[] | undefined) => {
		const agent = new Agent(ca ? {connect: {ca}} : {});
		try {
			await request(`${emu.url}${PRODUCTS}`, {dispatcher: agent});
			return 'answered';
		} catch (error) {
			return String((error as NodeJS.ErrnoException).code);
		} finally {
			await agent.close();
		}
	};
	const codes = {
		expired: await codeOf(expired, [expired.caPem]),
		wrongHost: await codeOf(wrongHost, [wrongHost.caPem]),
		untrusted: await codeOf(untrusted, undefined),
		untrustedChain: await codeOf(untrustedChain, undefined),
		trustedChain: await codeOf(untrustedChain, [untrustedChain.caPem]),
	};
	t.diagnostic(JSON.stringify(codes));
	assert.deepEqual(codes, {
		expired: 'CERT_HAS_EXPIRED',
		wrongHost: 'ERR_TLS_CERT_ALTNAME_INVALID',
		// Only the server certificate is sent (as real servers do with a root CA)...
		untrusted: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
		// ...or the CA after it, as TLS-inspecting proxies often do.
		untrustedChain: 'SELF_SIGNED_CERT_IN_CHAIN',
		trustedChain: 'answered',
	});
	assert.notEqual(expired.caPem, untrusted.caPem);
});
