/**
 * The emulator's licensing side, its control routes and its standalone runner, over real HTTPS
 * with the emulator's CA trusted by the client (never with certificate checks turned off).
 */
import assert from 'node:assert/strict';
import {readFile} from 'node:fs/promises';
import {test} from 'node:test';
import {Agent, request} from 'undici';
import {catalog} from '../../source/commerce/catalog.js';
import type {OfferTypePolicy, ProductPolicy} from '../../source/commerce/types.js';
import type {Emulator} from '../../source/emulator/index.js';
import {call, printedBy, start} from '../support/emulatorHttp.js';

const POLICY = 'AllowSelfServicePurchase';
const PRODUCTS = `/v1.0/policies/${POLICY}/products`;
const CONTOSO = '7f3d2c1a-5b4e-4f6a-9c8d-0e1f2a3b4c5d';
const FABRIKAM_ADMIN = 'admin@fabrikam.onmicrosoft.com';

const put = (emu: Emulator, path: string, value: unknown, token?: string) =>
	call(emu, 'PUT', path, {body: JSON.stringify({policyValue: value}), token});

test('starts fast and writes its CA file; start-up time is measured', async t => {
	const first = await start({cacheDir: false});
	const second = await start({cacheDir: false});
	t.diagnostic(`start-up: first ${first.startupMs.toFixed(1)} ms (certificates ${first.certificateSource}), second ${second.startupMs.toFixed(1)} ms (${second.certificateSource})`);
	assert.equal(second.certificateSource, 'memory');
	assert.ok(second.startupMs < 200, `second start-up took ${second.startupMs} ms`);
	assert.match(first.url, /^https:\/\/127\.0\.0\.1:\d+$/);
	assert.equal(first.licensingUrl, first.url);
	assert.equal(first.authority, `${first.url}/organizations`);
	assert.equal(first.authorityFor('contoso.onmicrosoft.com'), `${first.url}/contoso.onmicrosoft.com`);
	assert.equal(await readFile(first.caFile, 'utf8'), first.caPem);
	assert.match(first.caPem, /^-----BEGIN CERTIFICATE-----/);
});

test('lists the catalog products with the documented shape (scope=product, and by default)', async () => {
	const emu = await start();
	for (const path of [PRODUCTS, `${PRODUCTS}?scope=product`, `${PRODUCTS}?scope=Product`]) {
		const answer = await call(emu, 'GET', path);
		assert.equal(answer.status, 200);
		assert.match(String(answer.headers['content-type']), /application\/json/);
		const {items} = answer.json() as {items: ProductPolicy[]};
		assert.equal(items.length, catalog.products.length);
		assert.deepEqual(
			items.map(item => item.productId),
			catalog.products.map(product => product.productId),
		);
		assert.deepEqual(items[0], {policyId: POLICY, policyValue: 'Enabled', productName: 'Clipchamp Premium', productId: 'CFQ7TTC0N8SS', scope: 'product'});
		assert.ok(items.every(item => Object.keys(item).sort().join() === 'policyId,policyValue,productId,productName,scope'));
	}
});

test('lists the 4 offer types with scope=OfferType, case-insensitively', async () => {
	const emu = await start();
	for (const scope of ['OfferType', 'offertype', 'OFFERTYPE']) {
		const answer = await call(emu, 'GET', `${PRODUCTS}?scope=${scope}`);
		assert.equal(answer.status, 200);
		const {items} = answer.json() as {items: OfferTypePolicy[]};
		assert.deepEqual(
			items.map(item => item.scopeId),
			['SaaS', 'POWERBIVISUALS', 'DYNAMICSCE', 'DYNAMICSBC'],
		);
		assert.deepEqual(items[0], {policyId: POLICY, policyValue: 'Enabled', scope: 'OfferType', scopeId: 'SaaS', scopeValue: 'Software as a Service'});
	}
	const bad = await call(emu, 'GET', `${PRODUCTS}?scope=tenant`);
	assert.equal(bad.status, 400);
});

test('lists policies and gets one policy', async () => {
	const emu = await start();
	const list = await call(emu, 'GET', '/v1.0/policies');
	assert.equal(list.status, 200);
	const {items} = list.json() as {items: Array<{id: string; description: string; defaultValue: string}>};
	assert.deepEqual(items.map(item => item.id), [POLICY]);
	assert.equal(items[0]?.defaultValue, 'Enabled');
	assert.ok((items[0]?.description ?? '').length > 10);
	const one = await call(emu, 'GET', `/v1.0/policies/${POLICY}`);
	assert.deepEqual(one.json(), items[0]);
	const unknown = await call(emu, 'GET', '/v1.0/policies/AllowEverything');
	assert.equal(unknown.status, 404);
	assert.deepEqual(unknown.json(), {errorCode: 'PolicyNotFound', reason: "Policy 'AllowEverything' was not found."}, "the service's error shape");
});

test('gets and sets a product, and the new value sticks', async () => {
	const emu = await start();
	const got = await call(emu, 'GET', `${PRODUCTS}/CFQ7TTC0H9MP`);
	assert.equal(got.status, 200);
	assert.deepEqual(got.json(), {policyId: POLICY, policyValue: 'Enabled', productName: 'Power BI Pro', productId: 'CFQ7TTC0H9MP'});
	const set = await put(emu, `${PRODUCTS}/CFQ7TTC0H9MP`, 'Disabled');
	assert.equal(set.status, 200);
	assert.deepEqual(set.json(), {policyId: POLICY, policyValue: 'Disabled', productName: 'Power BI Pro', productId: 'CFQ7TTC0H9MP'});
	assert.equal(((await call(emu, 'GET', `${PRODUCTS}/CFQ7TTC0H9MP`)).json() as ProductPolicy).policyValue, 'Disabled');
	const listed = ((await call(emu, 'GET', PRODUCTS)).json() as {items: ProductPolicy[]}).items.find(p => p.productId === 'CFQ7TTC0H9MP');
	assert.equal(listed?.policyValue, 'Disabled');
	assert.equal(emu.tenantState(CONTOSO).products.find(p => p.productId === 'CFQ7TTC0H9MP')?.policyValue, 'Disabled');
	// OnlyTrialsWithoutPaymentMethod where the product has such a trial (Teams Exploratory).
	const trials = await put(emu, `${PRODUCTS}/CFQ7TTC0J1FV`, 'OnlyTrialsWithoutPaymentMethod');
	assert.equal(trials.status, 200);
	assert.equal((trials.json() as ProductPolicy).policyValue, 'OnlyTrialsWithoutPaymentMethod');
});

test('gets and sets an offer type', async () => {
	const emu = await start();
	const path = `/v1.0/policies/${POLICY}/offerTypes/SaaS`;
	assert.deepEqual((await call(emu, 'GET', path)).json(), {policyId: POLICY, policyValue: 'Enabled', scope: 'OfferType', scopeValue: 'Software as a Service', scopeId: 'SaaS'});
	const set = await put(emu, path, 'Disabled');
	assert.equal(set.status, 200);
	assert.equal((set.json() as OfferTypePolicy).policyValue, 'Disabled');
	const listed = ((await call(emu, 'GET', `${PRODUCTS}?scope=OfferType`)).json() as {items: OfferTypePolicy[]}).items;
	assert.equal(listed.find(o => o.scopeId === 'SaaS')?.policyValue, 'Disabled');
});

test('former product IDs are aliases of the current ID', async () => {
	const emu = await start();
	// Microsoft's own example ID (docs/service.md, Product IDs): CFQ7TTC0KP0N, formerly Power Automate per user.
	const got = await call(emu, 'GET', `${PRODUCTS}/CFQ7TTC0KP0N`);
	assert.equal(got.status, 200);
	assert.equal((got.json() as ProductPolicy).productId, 'CFQ7TTC0LH3L');
	const set = await put(emu, `${PRODUCTS}/cfq7ttc0kp0n`, 'Disabled');
	assert.equal(set.status, 200);
	assert.deepEqual(set.json(), {policyId: POLICY, policyValue: 'Disabled', productName: 'Power Automate per user', productId: 'CFQ7TTC0LH3L'});
	assert.equal(((await call(emu, 'GET', `${PRODUCTS}/CFQ7TTC0LH3L`)).json() as ProductPolicy).policyValue, 'Disabled');
	const list = ((await call(emu, 'GET', PRODUCTS)).json() as {items: ProductPolicy[]}).items;
	assert.ok(!list.some(p => p.productId === 'CFQ7TTC0KP0N'), 'former IDs are not listed');
});

test('401 without a token, with an expired one, or with one another emulator signed; empty body, WWW-Authenticate', async () => {
	const emu = await start();
	const other = await start();
	const cases: Array<[string, string | null, RegExp]> = [
		['missing', null, /missing/],
		['expired', emu.issueToken('admin@contoso.onmicrosoft.com', {expiresInSeconds: -5}), /expired/],
		['foreign', other.tokens.admin, /signature/],
		['garbage', 'not-a-jwt', /malformed/],
	];
	for (const [name, token, reason] of cases) {
		const answer = await call(emu, 'GET', PRODUCTS, {token});
		assert.equal(answer.status, 401, name);
		assert.equal(answer.text, '', name);
		const challenge = String(answer.headers['www-authenticate']);
		assert.match(challenge, /^Bearer /, name);
		assert.match(challenge, /error="invalid_token"/, name);
		assert.match(challenge, reason, name);
	}
});

test('403 for a reader on PUT (reads allowed), for an account without a role on anything; billing admin may write', async () => {
	const emu = await start();
	assert.equal((await call(emu, 'GET', PRODUCTS, {token: emu.tokens.reader})).status, 200);
	const refused = await put(emu, `${PRODUCTS}/CFQ7TTC0H9MP`, 'Disabled', emu.tokens.reader);
	assert.equal(refused.status, 403);
	assert.match((refused.json() as {reason: string}).reason, /Billing Administrator/);
	assert.equal(emu.tenantState(CONTOSO).products.find(p => p.productId === 'CFQ7TTC0H9MP')?.policyValue, 'Enabled');
	const user = emu.issueToken('user@contoso.onmicrosoft.com');
	assert.equal((await call(emu, 'GET', PRODUCTS, {token: user})).status, 403);
	assert.equal((await call(emu, 'GET', '/v1.0/policies', {token: user})).status, 403);
	const billing = emu.issueToken('billing@contoso.onmicrosoft.com');
	assert.equal((await put(emu, `${PRODUCTS}/CFQ7TTC0H9MP`, 'Disabled', billing)).status, 200);
});

test('404 for an unknown product, offer type or route', async () => {
	const emu = await start();
	for (const path of [`${PRODUCTS}/CFQ7TTC0ZZZZ`, `/v1.0/policies/${POLICY}/offerTypes/Consulting`, '/v1.0/nothing']) {
		const answer = await call(emu, 'GET', path);
		assert.equal(answer.status, 404, path);
		const {errorCode, reason} = answer.json() as {errorCode: string; reason: string};
		assert.ok(errorCode.length > 0 && reason.length > 0, path);
	}
	assert.equal((await put(emu, `${PRODUCTS}/CFQ7TTC0ZZZZ`, 'Disabled')).status, 404);
});

test('400 for an unknown value, a malformed body, and OnlyTrials where it does not fit; 415 for a non-JSON body', async () => {
	const emu = await start();
	const refusals: Array<[string, string, string, RegExp]> = [
		['unknown value', `${PRODUCTS}/CFQ7TTC0H9MP`, JSON.stringify({policyValue: 'Maybe'}), /not a valid policy value/],
		['boolean value', `${PRODUCTS}/CFQ7TTC0H9MP`, JSON.stringify({policyValue: true}), /not a valid policy value/],
		['not JSON', `${PRODUCTS}/CFQ7TTC0H9MP`, '{policyValue: Disabled', /not valid JSON/],
		['no policyValue', `${PRODUCTS}/CFQ7TTC0H9MP`, JSON.stringify({value: 'Disabled'}), /policyValue/],
		['OnlyTrials for Power BI Pro', `${PRODUCTS}/CFQ7TTC0H9MP`, JSON.stringify({policyValue: 'OnlyTrialsWithoutPaymentMethod'}), /no trial without a payment method/],
		['OnlyTrials for an offer type', `/v1.0/policies/${POLICY}/offerTypes/SaaS`, JSON.stringify({policyValue: 'OnlyTrialsWithoutPaymentMethod'}), /offer types/],
	];
	for (const [name, path, body, message] of refusals) {
		const answer = await call(emu, 'PUT', path, {body});
		assert.equal(answer.status, 400, name);
		const {errorCode, reason} = answer.json() as {errorCode: string; reason: string};
		assert.ok(errorCode.length > 0, name);
		assert.match(reason, message, name);
	}
	const text = await call(emu, 'PUT', `${PRODUCTS}/CFQ7TTC0H9MP`, {body: 'Disabled', headers: {'content-type': 'text/plain'}});
	assert.equal(text.status, 415);
	assert.equal(emu.tenantState(CONTOSO).products.find(p => p.productId === 'CFQ7TTC0H9MP')?.policyValue, 'Enabled');
	assert.equal(emu.tenantState(CONTOSO).offerTypes.find(o => o.scopeId === 'SaaS')?.policyValue, 'Enabled');
});

test('echoes x-ms-correlation-id (or makes one) and logs each request with tenant and account', async () => {
	const emu = await start();
	const mine = 'a3b1c2d4-0000-4000-8000-000000000001';
	const answer = await call(emu, 'GET', PRODUCTS, {headers: {'x-ms-correlation-id': mine}});
	assert.equal(answer.headers['x-ms-correlation-id'], mine);
	const refused = await call(emu, 'GET', PRODUCTS, {token: null});
	assert.match(String(refused.headers['x-ms-correlation-id']), /^[0-9a-f-]{36}$/);
	const [first, second] = emu.requests;
	assert.deepEqual({...first, time: undefined, durationMs: undefined}, {
		time: undefined,
		durationMs: undefined,
		method: 'GET',
		path: PRODUCTS,
		status: 200,
		correlationId: mine,
		tenantId: CONTOSO,
		username: 'admin@contoso.onmicrosoft.com',
	});
	assert.equal(second?.status, 401);
	assert.equal(second?.correlationId, refused.headers['x-ms-correlation-id']);
});

test('each tenant has its own values', async () => {
	const emu = await start();
	const fabrikam = emu.issueToken(FABRIKAM_ADMIN);
	assert.equal((await put(emu, `${PRODUCTS}/CFQ7TTC0H9MP`, 'Disabled', fabrikam)).status, 200);
	assert.equal(((await call(emu, 'GET', `${PRODUCTS}/CFQ7TTC0H9MP`)).json() as ProductPolicy).policyValue, 'Enabled');
	assert.equal(emu.tenantState('fabrikam.onmicrosoft.com').products.find(p => p.productId === 'CFQ7TTC0H9MP')?.policyValue, 'Disabled');
	assert.equal(emu.requests.at(-2)?.tenantId, '4c9e2b71-8f3d-4e6a-b5c2-7d1f0a9e3b68');
});

test('the demo preset is a realistic mix; fresh is all Enabled', async () => {
	const demo = await start({preset: 'demo'});
	const state = demo.tenantState(CONTOSO);
	const count = (value: string) => state.products.filter(p => p.policyValue === value).length;
	assert.ok(count('Disabled') >= 2);
	assert.ok(count('OnlyTrialsWithoutPaymentMethod') >= 2);
	assert.equal(state.offerTypes.filter(o => o.policyValue === 'Disabled').length, 1);
	const trialIds = new Set(catalog.products.filter(p => p.trialWithoutPaymentMethod).map(p => p.productId));
	assert.ok(state.products.filter(p => p.policyValue === 'OnlyTrialsWithoutPaymentMethod').every(p => trialIds.has(p.productId)), 'trials only, only where a product has that trial');
	const fresh = await start();
	assert.ok(fresh.tenantState(CONTOSO).products.every(p => p.policyValue === 'Enabled'));
});

test('10,000 synthetic products list in well under 100 ms', async t => {
	const emu = await start({syntheticProducts: 10_000});
	await call(emu, 'GET', PRODUCTS); // warm up the tenant and the connection
	const began = performance.now();
	const answer = await call(emu, 'GET', PRODUCTS);
	const elapsed = performance.now() - began;
	const {items} = answer.json() as {items: ProductPolicy[]};
	t.diagnostic(`${items.length.toLocaleString('en')} rows in ${elapsed.toFixed(1)} ms (${answer.text.length} bytes)`);
	assert.equal(items.length, 10_000 + catalog.products.length);
	assert.ok(elapsed < 100, `took ${elapsed} ms`);
	const synthetic = items.slice(catalog.products.length);
	assert.ok(synthetic.every(p => /^CFQ7TTC0[0-9A-Z]{4}$/.test(p.productId) && p.productName.startsWith('Northwind ')));
	assert.equal(new Set(items.map(p => p.productId)).size, items.length);
	assert.ok(new Set(synthetic.map(p => p.productName)).size < synthetic.length, 'some products share a name');
	const id = synthetic[5]?.productId ?? '';
	assert.equal((await put(emu, `${PRODUCTS}/${id}`, 'Disabled')).status, 200);
});

test('Microsoft adds a product: addProduct and POST /_emulator/products', async () => {
	const emu = await start();
	emu.addProduct(CONTOSO, {productId: 'CFQ7TTC0NEW1', productName: 'Copilot Studio', trialWithoutPaymentMethod: true});
	const got = await call(emu, 'GET', `${PRODUCTS}/CFQ7TTC0NEW1`);
	assert.deepEqual(got.json(), {policyId: POLICY, policyValue: 'Enabled', productName: 'Copilot Studio', productId: 'CFQ7TTC0NEW1'});
	assert.equal((await put(emu, `${PRODUCTS}/CFQ7TTC0NEW1`, 'OnlyTrialsWithoutPaymentMethod')).status, 200);
	assert.throws(() => emu.addProduct(CONTOSO, {productId: 'CFQ7TTC0NEW1', productName: 'again'}), /already exists/);
	// Over HTTP, to every tenant, including one nobody has touched yet.
	const added = await call(emu, 'POST', '/_emulator/products', {body: JSON.stringify({productId: 'CFQ7TTC0NEW2', productName: 'Loop', policyValue: 'Disabled'})});
	assert.equal(added.status, 201);
	assert.equal(emu.tenantState(CONTOSO).products.at(-1)?.productId, 'CFQ7TTC0NEW2');
	assert.equal(emu.tenantState(FABRIKAM_ADMIN.split('@')[1] ?? '').products.at(-1)?.policyValue, 'Disabled');
	assert.equal((await call(emu, 'POST', '/_emulator/products', {body: '{}'})).status, 400);
});

test('control routes: state, faults, requests, token; never faulted and never logged', async () => {
	const emu = await start({faults: '500=1'});
	const state = await call(emu, 'GET', `/_emulator/state?tenant=${CONTOSO}`, {token: null});
	assert.equal(state.status, 200);
	assert.equal((state.json() as {products: unknown[]}).products.length, catalog.products.length);
	assert.equal((await call(emu, 'GET', PRODUCTS)).status, 500);
	const faults = await call(emu, 'POST', '/_emulator/faults', {body: 'none', headers: {'content-type': 'text/plain'}});
	assert.deepEqual(faults.json(), {faults: 'none'});
	assert.equal((await call(emu, 'GET', PRODUCTS)).status, 200);
	const badFaults = await call(emu, 'POST', '/_emulator/faults', {body: 'teapot=1', headers: {'content-type': 'text/plain'}});
	assert.equal(badFaults.status, 400);
	assert.match((badFaults.json() as {error: string}).error, /teapot/);
	const token = await call(emu, 'POST', '/_emulator/token', {body: JSON.stringify({username: 'reader@contoso.onmicrosoft.com'})});
	const {access_token: reader} = token.json() as {access_token: string};
	assert.equal((await put(emu, `${PRODUCTS}/CFQ7TTC0H9MP`, 'Disabled', reader)).status, 403);
	const log = (await call(emu, 'GET', '/_emulator/requests')).json() as {requests: Array<{path: string; status: number}>};
	assert.deepEqual(
		log.requests.map(r => r.status),
		[500, 200, 403],
	);
	assert.ok(!log.requests.some(r => r.path.startsWith('/_emulator')));
});

test('runEmulator prints URLs, CA file, tokens and ready commands, serves the printed curl, and stops on abort', async () => {
	const {lines, text, stop} = await printedBy({cacheDir: false});
	const curl = lines.find(line => line.trim().startsWith('curl --cacert') && line.includes('Authorization: Bearer')) ?? '';
	const match = /--cacert (\S+) -H "Authorization: Bearer (\S+)" (https:\/\/127\.0\.0\.1:\d+)(\/v1\.0\/policies\/AllowSelfServicePurchase\/products)$/.exec(curl.trim());
	assert.ok(match, `no curl line in:\n${text}`);
	const [, caFile = '', token = '', url = '', path = ''] = match;
	assert.match(text, new RegExp(`licensing URL +${url}`));
	assert.match(text, new RegExp(`authority +${url}/organizations`));
	assert.match(text, /mscommerce login --authority \S+ --licensing-url \S+ --ca-file \S+/);
	assert.match(text, /-d user_code=XXXX-XXXX -d username=admin@contoso.onmicrosoft.com \S+\/devicelogin/);
	assert.match(text, /Reader token/);
	const agent = new Agent({connect: {ca: [await readFile(caFile, 'utf8')]}});
	const response = await request(`${url}${path}`, {headers: {authorization: `Bearer ${token}`}, dispatcher: agent});
	assert.equal(response.statusCode, 200);
	assert.equal(((await response.body.json()) as {items: unknown[]}).items.length, catalog.products.length);
	await agent.close();
	await stop();
	await assert.rejects(readFile(caFile, 'utf8'), /ENOENT/, 'the temporary CA directory is removed');
});

test('GET /devicelogin shows a form; POST approves a code (what curl does)', async () => {
	const emu = await start();
	const page = await call(emu, 'GET', '/devicelogin', {token: null, headers: {accept: 'text/html'}});
	assert.equal(page.status, 200);
	assert.match(page.text, /<form method="post" action="\/devicelogin">/);
	assert.match(page.text, /reader@contoso.onmicrosoft.com/);
	const refused = await call(emu, 'POST', '/devicelogin', {
		token: null,
		body: 'user_code=BBBB-CCCC&username=admin@contoso.onmicrosoft.com',
		headers: {'content-type': 'application/x-www-form-urlencoded'},
	});
	assert.equal(refused.status, 400);
	assert.match(refused.text, /No device code BBBB-CCCC/);
});
