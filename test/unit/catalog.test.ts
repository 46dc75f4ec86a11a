/**
 * The catalog follows Microsoft's page revision of 2024-10-10 (docs/service.md, The catalog), and tells
 * product IDs from offer type IDs so a command given the other kind names the right one.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {catalog, knownOfferType, knownProduct, looksLikeProductId} from '../../source/commerce/catalog.js';
import {productRow, offerTypeRow} from '../../source/commerce/client.js';
import {rowsForIds} from '../../source/commerce/select.js';
import {checkValue} from '../../source/commerce/values.js';
import {UsageError} from '../../source/problems/errors.js';

const P = 'AllowSelfServicePurchase';
const products = catalog.products.map(p => productRow({policyId: P, productId: p.productId, productName: p.productName, policyValue: 'Enabled'}));
const offerTypes = catalog.offerTypes.map(o => offerTypeRow({policyId: P, scope: 'OfferType', scopeId: o.scopeId, scopeValue: o.scopeValue, policyValue: 'Enabled'}));

function usageMessage(action: () => unknown): string {
	try {
		action();
	} catch (error) {
		assert.ok(error instanceof UsageError, String(error));
		return error.message;
	}
	assert.fail('expected a usage error');
}

test('the catalog says which page revision it follows', () => {
	assert.equal(catalog.revision, '2024-10-10');
});

test('Microsoft 365 Copilot is known, without a trial that needs no payment method', () => {
	const copilot = knownProduct('cfq7ttc0mm8r');
	assert.equal(copilot?.productName, 'Microsoft 365 Copilot');
	assert.equal(copilot?.trialWithoutPaymentMethod, false);
	const row = products.find(r => r.id === 'CFQ7TTC0MM8R');
	assert.ok(row);
	assert.deepEqual(checkValue(row, 'OnlyTrialsWithoutPaymentMethod'), {
		ok: false,
		reason: 'OnlyTrialsWithoutPaymentMethod is not allowed for Microsoft 365 Copilot (CFQ7TTC0MM8R): it has no trial without a payment method',
	});
});

test('Project Plan 1 is Planner Plan 1 now, with the same ID and its trial', () => {
	assert.equal(knownProduct('CFQ7TTC0HDB1')?.productName, 'Planner Plan 1');
	assert.equal(knownProduct('CFQ7TTC0HDB1')?.trialWithoutPaymentMethod, true);
	assert.ok(!catalog.products.some(p => p.productName === 'Project Plan 1'));
});

test('Python in Excel is refused trials only before anything is sent', () => {
	assert.equal(knownProduct('CFQ7TTC0S3X1')?.trialWithoutPaymentMethod, false);
	const row = products.find(r => r.id === 'CFQ7TTC0S3X1');
	assert.ok(row);
	assert.equal(checkValue(row, 'OnlyTrialsWithoutPaymentMethod').ok, false);
});

test('every product ID is unique and product-shaped; no offer type ID looks like one', () => {
	const ids = catalog.products.flatMap(p => [p.productId, ...(p.formerIds ?? [])]);
	assert.equal(new Set(ids.map(id => id.toUpperCase())).size, ids.length);
	assert.ok(ids.every(looksLikeProductId), 'CFQ7TTC0 and four letters or digits');
	assert.ok(catalog.offerTypes.every(o => !looksLikeProductId(o.scopeId)));
	assert.equal(knownOfferType('saas')?.scopeId, 'SaaS');
	assert.equal(knownOfferType('CFQ7TTC0HD33'), undefined);
});

test('products set with an offer type ID names the offer-types command; nothing is selected', () => {
	assert.equal(usageMessage(() => rowsForIds(products, ['SaaS'], 'product', 'Disabled')), 'SaaS is an offer type: use `mscommerce offer-types set SaaS Disabled`');
	assert.equal(
		usageMessage(() => rowsForIds(products, ['saas', 'POWERBIVISUALS'], 'product', 'Disabled')),
		'saas, POWERBIVISUALS are offer types: use `mscommerce offer-types set SaaS POWERBIVISUALS Disabled`',
	);
	assert.equal(
		usageMessage(() => rowsForIds(products, ['SaaS'], 'product', 'OnlyTrialsWithoutPaymentMethod')),
		'SaaS is an offer type: use `mscommerce offer-types set SaaS Enabled|Disabled`',
		'offer types take no trials-only value, so none is suggested',
	);
});

test('offer-types set with a product ID names the products command', () => {
	assert.equal(
		usageMessage(() => rowsForIds(offerTypes, ['CFQ7TTC0HD33'], 'offerType', 'Disabled')),
		'CFQ7TTC0HD33 is a product: use `mscommerce products set CFQ7TTC0HD33 Disabled`',
	);
});

test('unknown IDs are still unknown, next to any of the other kind', () => {
	assert.equal(usageMessage(() => rowsForIds(products, ['CFQ7TTC0ZZZZ'], 'product', 'Disabled')), 'unknown product ID: CFQ7TTC0ZZZZ');
	assert.equal(usageMessage(() => rowsForIds(offerTypes, ['Consulting'], 'offerType', 'Disabled')), 'unknown offer type ID: Consulting');
	assert.equal(
		usageMessage(() => rowsForIds(products, ['SaaS', 'CFQ7TTC0ZZZZ'], 'product', 'Disabled')),
		'SaaS is an offer type: use `mscommerce offer-types set SaaS Disabled`; unknown product ID: CFQ7TTC0ZZZZ',
	);
});

test("the service's list wins: an ID it lists is selected, whatever the catalog says", () => {
	const listed = [...offerTypes, offerTypeRow({policyId: P, scope: 'OfferType', scopeId: 'CFQ7TTC0AAAA', scopeValue: 'Odd', policyValue: 'Enabled'})];
	assert.deepEqual(rowsForIds(listed, ['CFQ7TTC0AAAA'], 'offerType', 'Disabled').rows.map(r => r.name), ['Odd']);
});
