/**
 * The MSCommerce client against the emulator over real HTTPS on loopback: every route of
 * docs/service.md, Routes, both scopes, former IDs, every refusal, and every problem kind produced
 * by a real fault. Nothing of our HTTP layer is mocked.
 */
import assert from 'node:assert/strict';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {test} from 'node:test';
import {catalog} from '../../source/commerce/catalog.js';
import {classify} from '../../source/problems/classify.js';
import {Net} from '../../source/net/http.js';
import type {Problem} from '../../source/problems/types.js';
import {clientFor, emulator, trustingNet} from '../support/emulator.js';
import {startProxy} from '../support/proxy.js';

const P = 'AllowSelfServicePurchase';

async function problemOf(promise: Promise<unknown>): Promise<Problem> {
	try {
		await promise;
	} catch (error) {
		return classify(error);
	}
	assert.fail('expected the request to fail');
}

test('every read of the module is served: policies, policy, both scopes, one product, one offer type', async () => {
	const emu = await emulator();
	const client = clientFor(emu, emu.tokens.reader);
	const policies = await client.listPolicies();
	assert.deepEqual(policies.data.map(p => p.id), [P]);
	assert.equal((await client.getPolicy(P)).data.defaultValue, 'Enabled');
	const products = await client.listProducts(P);
	assert.equal(products.data.length, catalog.products.length);
	assert.ok(products.data.some(p => p.productName === 'Visio Plan 1' && p.productId === 'CFQ7TTC0HD33'));
	const offerTypes = await client.listOfferTypes(P);
	assert.deepEqual(offerTypes.data.map(o => o.scopeId).sort(), ['DYNAMICSBC', 'DYNAMICSCE', 'POWERBIVISUALS', 'SaaS']);
	assert.equal((await client.getProduct(P, 'CFQ7TTC0HD33')).data.productName, 'Visio Plan 1');
	assert.equal((await client.getOfferType(P, 'SaaS')).data.scopeValue, 'Software as a Service');
	assert.match(products.correlationId, /^[0-9a-f-]{36}$/);
	assert.notEqual(products.correlationId, offerTypes.correlationId);
});

test('an admin sets a product and an offer type, and the service holds the new value', async () => {
	const emu = await emulator();
	const client = clientFor(emu, emu.tokens.admin);
	const product = await client.setProduct(P, 'CFQ7TTC0HD33', 'OnlyTrialsWithoutPaymentMethod');
	assert.equal(product.data.policyValue, 'OnlyTrialsWithoutPaymentMethod');
	assert.equal((await client.getProduct(P, 'CFQ7TTC0HD33')).data.policyValue, 'OnlyTrialsWithoutPaymentMethod');
	const offer = await client.setOfferType(P, 'SaaS', 'Disabled');
	assert.equal(offer.data.policyValue, 'Disabled');
	assert.equal((await client.listOfferTypes(P)).data.find(o => o.scopeId === 'SaaS')?.policyValue, 'Disabled');
	const logged = emu.requests.find(r => r.method === 'PUT' && r.path.includes('CFQ7TTC0HD33'));
	assert.equal(logged?.correlationId, product.correlationId);
});

test('a former product ID reaches the current product', async () => {
	const emu = await emulator();
	const client = clientFor(emu, emu.tokens.admin);
	const result = await client.setProduct(P, 'CFQ7TTC0KP0N', 'Disabled');
	assert.equal(result.data.productId, 'CFQ7TTC0LH3L');
	assert.equal((await client.getProduct(P, 'CFQ7TTC0LH3L')).data.policyValue, 'Disabled');
});

test('refusals: unknown IDs are not-found, a value a row cannot take is refused with the service message', async () => {
	const emu = await emulator();
	const client = clientFor(emu, emu.tokens.admin);
	const unknown = await problemOf(client.getProduct(P, 'CFQ7TTC0ZZZZ'));
	assert.equal(unknown.kind, 'not-found');
	assert.match(unknown.title, /Product CFQ7TTC0ZZZZ was not found/);
	assert.equal((await problemOf(client.getOfferType(P, 'NOPE'))).kind, 'not-found');
	assert.equal((await problemOf(client.getPolicy('NoSuchPolicy'))).kind, 'not-found');
	const refused = await problemOf(client.setProduct(P, 'CFQ7TTC0H9MP', 'OnlyTrialsWithoutPaymentMethod'));
	assert.equal(refused.kind, 'refused');
	assert.ok(refused.detail && refused.detail.length > 10, 'the service message is shown');
	assert.equal((await problemOf(client.setOfferType(P, 'SaaS', 'OnlyTrialsWithoutPaymentMethod'))).kind, 'refused');
	assert.equal(emu.tenantState(emu.accounts[0]!.tenantId).products.find(p => p.productId === 'CFQ7TTC0H9MP')?.policyValue, 'Enabled');
});

test('401 without a valid token, after one silent renewal attempt', async () => {
	const emu = await emulator();
	let renewals = 0;
	const client = clientFor(emu, async ({renew} = {}) => {
		if (renew) renewals++;
		return 'not-a-token';
	});
	const problem = await problemOf(client.listProducts(P));
	assert.equal(problem.kind, 'unauthorized');
	assert.equal(renewals, 1);
});

test('401 for an expired token is renewed silently and the request succeeds', async () => {
	const emu = await emulator();
	const expired = emu.issueToken('admin@contoso.onmicrosoft.com', {expiresInSeconds: -60});
	const client = clientFor(emu, async ({renew} = {}) => (renew ? emu.tokens.admin : expired));
	const products = await client.listProducts(P);
	assert.equal(products.data.length, catalog.products.length);
	assert.deepEqual(emu.requests.filter(r => r.path.includes('/products')).map(r => r.status), [401, 200]);
});

test('a Global reader may read but gets forbidden on a write, and nothing changes', async () => {
	const emu = await emulator();
	const client = clientFor(emu, emu.tokens.reader);
	const problem = await problemOf(client.setProduct(P, 'CFQ7TTC0HD33', 'Disabled'));
	assert.equal(problem.kind, 'forbidden');
	assert.match(problem.hints[0] ?? '', /Billing admin/);
	assert.equal((await client.getProduct(P, 'CFQ7TTC0HD33')).data.policyValue, 'Enabled');
});

test('a 429 burst is retried after Retry-After and then succeeds', async () => {
	const emu = await emulator({faults: '429=2x,retry-after=1'});
	const client = clientFor(emu, emu.tokens.reader);
	const started = Date.now();
	const products = await client.listProducts(P);
	assert.equal(products.data.length, catalog.products.length);
	assert.deepEqual(emu.requests.filter(r => r.path.includes('/products')).map(r => r.status), [429, 429, 200]);
	assert.ok(Date.now() - started >= 1900, 'waited Retry-After between tries');
});

test('throttling that outlasts the retries is a throttled problem', async () => {
	const emu = await emulator({faults: '429=10x,retry-after=0'});
	const client = clientFor(emu, emu.tokens.reader, trustingNet(emu, {retry: {maxAttempts: 3, baseDelayMs: 10}}));
	const problem = await problemOf(client.listProducts(P));
	assert.equal(problem.kind, 'throttled');
	assert.match(problem.hints[0] ?? '', /Tried 3 times/);
});

test('a 503 is retried; a 500 is a server problem with the correlation ID', async () => {
	const emu = await emulator({faults: '503=1x,retry-after=0'});
	const client = clientFor(emu, emu.tokens.reader);
	assert.equal((await client.listOfferTypes(P)).data.length, 4);
	emu.setFaults('500=1x');
	const problem = await problemOf(client.listOfferTypes(P));
	assert.equal(problem.kind, 'server');
	assert.match(problem.correlationId ?? '', /^[0-9a-f-]{36}$/);
	assert.equal(emu.requests.at(-1)?.correlationId, problem.correlationId);
});

test('a dropped connection is retried for GET and PUT', async () => {
	const emu = await emulator({faults: 'drop=1x'});
	const client = clientFor(emu, emu.tokens.admin);
	assert.equal((await client.setProduct(P, 'CFQ7TTC0HD32', 'Disabled')).data.policyValue, 'Disabled');
});

test('connections dropped on every try are a connection problem', async () => {
	const emu = await emulator({faults: 'drop=10x'});
	const client = clientFor(emu, emu.tokens.reader, trustingNet(emu, {retry: {maxAttempts: 2, baseDelayMs: 10}}));
	const problem = await problemOf(client.listProducts(P));
	assert.equal(problem.kind, 'connection');
	assert.match(problem.title, /dropped/);
});

test('a malformed body is a problem, never undefined on screen', async () => {
	const emu = await emulator({faults: 'malformed=2x'});
	const client = clientFor(emu, emu.tokens.reader);
	assert.equal((await problemOf(client.listProducts(P))).kind, 'malformed');
	assert.equal((await problemOf(client.getProduct(P, 'CFQ7TTC0HD33'))).kind, 'malformed');
});

test('a server that answers too slowly is a timeout', async () => {
	const emu = await emulator({faults: 'latency=2000ms'});
	const client = clientFor(emu, emu.tokens.reader, trustingNet(emu, {headersTimeoutMs: 300}));
	assert.equal((await problemOf(client.listPolicies())).kind, 'timeout');
});

test('nothing listening is a refused connection', async () => {
	const emu = await emulator();
	const port = await deadPort();
	const client = clientFor({...emu, licensingUrl: `https://127.0.0.1:${port}`}, emu.tokens.reader);
	const problem = await problemOf(client.listPolicies());
	assert.equal(problem.kind, 'connection');
	assert.match(problem.title, /refused/);
});

test('a listener that only speaks TLS 1.0/1.1 gives the TLS handshake problem (the module\'s "underlying connection was closed") with its hint', async () => {
	const emu = await emulator({legacyTls: true});
	assert.ok(emu.legacyTlsUrl);
	const client = clientFor({...emu, licensingUrl: emu.legacyTlsUrl}, emu.tokens.reader);
	const problem = await problemOf(client.listPolicies());
	assert.equal(problem.kind, 'tls-protocol');
	assert.match(problem.hints.join(' '), /TLS 1\.2 or later/);
});

test('a CA the client does not trust is an untrusted-certificate problem naming --ca-file', async () => {
	const emu = await emulator();
	const untrusting = new Net({env: {}});
	const client = clientFor(emu, emu.tokens.reader, untrusting);
	const problem = await problemOf(client.listPolicies());
	await untrusting.close();
	assert.equal(problem.kind, 'tls-untrusted');
	assert.match(problem.hints.join(' '), /--ca-file/);
});

test('an expired certificate and one for another host are untrusted, with their own hints', async () => {
	const expired = await emulator({certificate: {expired: true}});
	const p1 = await problemOf(clientFor(expired, expired.tokens.reader).listPolicies());
	assert.equal(p1.kind, 'tls-untrusted');
	assert.match(p1.hints[0] ?? '', /clock/);
	const otherHost = await emulator({certificate: {hostname: 'other.example'}});
	const p2 = await problemOf(clientFor(otherHost, otherHost.tokens.reader).listPolicies());
	assert.equal(p2.kind, 'tls-untrusted');
	assert.match(p2.hints[0] ?? '', /another host/);
});

test('a proxy that is not running is a proxy problem naming HTTPS_PROXY', async () => {
	const emu = await emulator();
	const port = await deadPort();
	const net = trustingNet(emu, {env: {HTTPS_PROXY: `http://127.0.0.1:${port}`}});
	// A non-loopback service URL: loopback never goes through a proxy. The proxy is refused before any DNS.
	const client = clientFor({...emu, licensingUrl: 'https://licensing.m365.microsoft.com'}, emu.tokens.reader, net);
	const problem = await problemOf(client.listPolicies());
	assert.equal(problem.kind, 'proxy');
	assert.match(problem.hints.join(' '), /HTTPS_PROXY/);
});

test('a proxy that wants credentials is a proxy-auth problem', async () => {
	const emu = await emulator();
	const proxy = await startProxy(() => 407);
	const net = trustingNet(emu, {env: {HTTPS_PROXY: proxy.url}});
	const client = clientFor({...emu, licensingUrl: 'https://licensing.m365.microsoft.com'}, emu.tokens.reader, net);
	const problem = await problemOf(client.listPolicies());
	assert.equal(problem.kind, 'proxy-auth');
	assert.match(problem.hints[0] ?? '', /HTTPS_PROXY=http:\/\/USER:PASSWORD@/);
});

test('HTTPS_PROXY is honoured: requests tunnel through the proxy and certificates are still checked', async () => {
	const emu = await emulator({certificate: {hostname: 'licensing.emulator.test'}});
	const port = new URL(emu.url).port;
	const proxy = await startProxy(() => 200, Number(port));
	const net = trustingNet(emu, {env: {HTTPS_PROXY: proxy.url}});
	const client = clientFor({...emu, licensingUrl: `https://licensing.emulator.test:${port}`}, emu.tokens.reader, net);
	assert.equal((await client.listOfferTypes(P)).data.length, 4);
	assert.deepEqual(proxy.connects, [`licensing.emulator.test:${port}`]);
});

async function deadPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	await new Promise(resolve => server.close(resolve));
	return port;
}
