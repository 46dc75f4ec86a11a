/**
 * What a user sees when the licensing service refuses, against the emulator answering with the
 * service's own error bodies (docs/service.md, Errors) over real HTTPS: one sentence, the service's code
 * beside it, never raw JSON; and an ID given to the wrong command names the right one (exit 2,
 * nothing written).
 */
import assert from 'node:assert/strict';
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {getCommand, setCommand} from '../../source/commands/rows.js';
import {cliEnv, runCli} from '../support/cli.js';
import {emulator} from '../support/emulator.js';
import {call, start} from '../support/emulatorHttp.js';
import {home} from './guard-helpers.js';

const PRODUCTS = '/v1.0/policies/AllowSelfServicePurchase/products';

test('the emulator answers an unknown product as the service does: JSON nested in the reason', async () => {
	const emu = await start();
	const answer = await call(emu, 'GET', `${PRODUCTS}/CFQ7TTC0ZZZZ`);
	assert.equal(answer.status, 404);
	const body = answer.json() as {errorCode: string; reason: string};
	assert.equal(body.errorCode, 'Unknown');
	assert.match(body.reason, /^GetProductDetailsByProductIdAsync failed\{/);
	assert.deepEqual(JSON.parse(body.reason.slice(body.reason.indexOf('{'))), {errorCode: 'ProductNotFound', message: 'Product CFQ7TTC0ZZZZ was not found', source: 'DCatFD'});
	const scope = await call(emu, 'GET', `${PRODUCTS}?scope=nothing`);
	assert.deepEqual(Object.keys(scope.json() as object).sort(), ['errorCode', 'reason']);
});

test('products get of an unknown product says the sentence once, with its code, and no JSON', async () => {
	const emu = await emulator();
	const user = await home(emu, emu.tokens.reader);
	const run = await user.run(ctx => getCommand(ctx, 'product', 'CFQ7TTC0ZZZZ'));
	assert.equal(run.code, 2, run.stderr);
	assert.match(run.stderr, /^error: Product CFQ7TTC0ZZZZ was not found \(404\)$/m);
	assert.match(run.stderr, /^ {2}404 ProductNotFound: Product CFQ7TTC0ZZZZ was not found$/m);
	assert.doesNotMatch(run.stderr, /[{}]|DCatFD|errorCode/);
});

test("a value the service refuses: its sentence once on stderr, its code beside it", async () => {
	const emu = await emulator();
	// A product the catalog does not know: the program lets the service decide about trials only.
	emu.addProduct(emu.accounts[0]!.tenantId, {productId: 'CFQ7TTC0NEW1', productName: 'Contoso Add-on'});
	const user = await home(emu);
	const run = await user.run(ctx => setCommand(ctx, 'product', ['CFQ7TTC0NEW1', 'OnlyTrialsWithoutPaymentMethod'], {yes: true}));
	assert.equal(run.code, 5, run.stderr);
	const sentence = 'OnlyTrialsWithoutPaymentMethod is not supported for Contoso Add-on (CFQ7TTC0NEW1)';
	assert.equal(run.stderr.split(sentence).length - 1, 1, `once:\n${run.stderr}`);
	assert.match(run.stderr, /400 PolicyValueNotSupported: OnlyTrialsWithoutPaymentMethod is not supported/);
	assert.doesNotMatch(run.stderr, /[{}]/);
});

test('products get with an offer type ID, and offer-types get with a product ID, name the command to use (exit 2)', async () => {
	const emu = await emulator();
	const user = await home(emu, emu.tokens.reader);
	const saas = await user.run(ctx => getCommand(ctx, 'product', 'SaaS'));
	assert.equal(saas.code, 2, saas.stderr);
	assert.equal(saas.stderr, 'error: SaaS is an offer type: use `mscommerce offer-types get SaaS`\n');
	const visio = await user.run(ctx => getCommand(ctx, 'offerType', 'CFQ7TTC0HD33'));
	assert.equal(visio.code, 2, visio.stderr);
	assert.equal(visio.stderr, 'error: CFQ7TTC0HD33 is a product: use `mscommerce products get CFQ7TTC0HD33`\n');
	assert.equal(emu.requests.filter(r => r.status === 404).length, 2, 'the service was asked first: its list is the truth');
});

test('products set with an offer type ID, and the reverse, name the command and write nothing', async () => {
	const emu = await emulator();
	const user = await home(emu);
	const products = await user.run(ctx => setCommand(ctx, 'product', ['SaaS', 'Disabled'], {yes: true}));
	assert.equal(products.code, 2, products.stderr);
	assert.match(products.stderr, /^error: SaaS is an offer type: use `mscommerce offer-types set SaaS Disabled`$/m);
	const offers = await user.run(ctx => setCommand(ctx, 'offerType', ['CFQ7TTC0HD33', 'Disabled'], {yes: true}));
	assert.equal(offers.code, 2, offers.stderr);
	assert.match(offers.stderr, /^error: CFQ7TTC0HD33 is a product: use `mscommerce products set CFQ7TTC0HD33 Disabled`$/m);
	assert.deepEqual(emu.requests.filter(r => r.method === 'PUT'), []);
	const state = emu.tenantState(emu.accounts[0]!.tenantId);
	assert.equal(state.offerTypes.find(o => o.scopeId === 'SaaS')?.policyValue, 'Enabled');
	assert.equal(state.products.find(p => p.productId === 'CFQ7TTC0HD33')?.policyValue, 'Enabled');
});

test('the binary exits 2 for `mscommerce products get SaaS`', async () => {
	const emu = await emulator();
	const env = cliEnv(emu, await mkdtemp(join(tmpdir(), 'mscommerce-cli-')), {MSCOMMERCE_TOKEN: emu.tokens.reader});
	const run = await runCli(['products', 'get', 'SaaS'], env);
	assert.equal(run.code, 2, run.stderr);
	assert.match(run.stderr, /SaaS is an offer type: use `mscommerce offer-types get SaaS`/);
	assert.equal(run.stdout, '');
});
