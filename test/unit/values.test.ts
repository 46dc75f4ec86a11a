import assert from 'node:assert/strict';
import {test} from 'node:test';
import {knownProduct} from '../../source/commerce/catalog.js';
import type {Row} from '../../source/commerce/types.js';
import {checkValue, countValues, nextValue, parseValue, trialWithoutPaymentMethodFor, valuesFor} from '../../source/commerce/values.js';

const product = (id: string, value: Row['value'] = 'Enabled'): Row => ({
	scope: 'product',
	id,
	name: knownProduct(id)?.productName ?? 'Unknown product',
	value,
	trialWithoutPaymentMethod: trialWithoutPaymentMethodFor('product', id, value),
});
const offerType = (value: Row['value']): Row => ({scope: 'offerType', id: 'SaaS', name: 'Software as a Service', value, trialWithoutPaymentMethod: false});

test('a user can spell values in any case, and true/false as the module did', () => {
	assert.equal(parseValue('disabled'), 'Disabled');
	assert.equal(parseValue(' ENABLED '), 'Enabled');
	assert.equal(parseValue('onlytrialswithoutpaymentmethod'), 'OnlyTrialsWithoutPaymentMethod');
	assert.equal(parseValue('true'), 'Enabled');
	assert.equal(parseValue('$false'), 'Disabled');
	assert.equal(parseValue('maybe'), undefined);
	assert.equal(parseValue(''), undefined);
});

test('the cycle goes Enabled → trials only → Disabled → Enabled for a product with a no-payment trial', () => {
	const visio1 = product('CFQ7TTC0HD33');
	assert.equal(nextValue(visio1), 'OnlyTrialsWithoutPaymentMethod');
	assert.equal(nextValue({...visio1, value: 'OnlyTrialsWithoutPaymentMethod'}), 'Disabled');
	assert.equal(nextValue({...visio1, value: 'Disabled'}), 'Enabled');
});

test('the cycle skips trials only for a product without a no-payment trial, and for offer types', () => {
	const powerBiPro = product('CFQ7TTC0H9MP');
	assert.equal(nextValue(powerBiPro), 'Disabled');
	assert.equal(nextValue({...powerBiPro, value: 'Disabled'}), 'Enabled');
	assert.deepEqual(valuesFor(powerBiPro), ['Enabled', 'Disabled']);
	assert.equal(nextValue(offerType('Enabled')), 'Disabled');
	assert.equal(nextValue(offerType('Disabled')), 'Enabled');
});

test('trials only is refused before sending for products the catalog says lack it and for offer types', () => {
	const refusal = checkValue(product('CFQ7TTC0H9MP'), 'OnlyTrialsWithoutPaymentMethod');
	assert.equal(refusal.ok, false);
	assert.match(!refusal.ok ? refusal.reason : '', /Power BI Pro \(CFQ7TTC0H9MP\)/);
	assert.equal(checkValue(offerType('Enabled'), 'OnlyTrialsWithoutPaymentMethod').ok, false);
	assert.equal(checkValue(product('CFQ7TTC0HD33'), 'OnlyTrialsWithoutPaymentMethod').ok, true);
	assert.equal(checkValue(product('CFQ7TTC0H9MP'), 'Disabled').ok, true);
});

test('an unknown product may be sent trials only (the service decides) but is not offered it in the cycle', () => {
	const unknown = product('CFQ7TTC0ZZZZ');
	assert.equal(unknown.trialWithoutPaymentMethod, undefined);
	assert.equal(checkValue(unknown, 'OnlyTrialsWithoutPaymentMethod').ok, true);
	assert.equal(nextValue(unknown), 'Disabled');
});

test('a row the service holds at trials only is known to accept it', () => {
	assert.equal(trialWithoutPaymentMethodFor('product', 'CFQ7TTC0ZZZZ', 'OnlyTrialsWithoutPaymentMethod'), true);
});

test('counts per value cover every value', () => {
	assert.deepEqual(countValues([product('CFQ7TTC0HD33'), product('CFQ7TTC0H9MP', 'Disabled'), offerType('Disabled')]), {
		Enabled: 1,
		OnlyTrialsWithoutPaymentMethod: 0,
		Disabled: 2,
	});
});
