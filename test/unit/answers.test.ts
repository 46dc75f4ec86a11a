import assert from 'node:assert/strict';
import {test} from 'node:test';
import {readAnswer, type AnswerShape} from '../../source/commerce/answers.js';
import {CHECKS} from '../../source/commerce/client.js';

const policy = {id: 'AllowSelfServicePurchase', description: 'Allows…', defaultValue: 'Enabled'};
const product = {policyId: 'AllowSelfServicePurchase', policyValue: 'Enabled', productName: 'Visio Plan 1', productId: 'CFQ7TTC0HD33', scope: 'Product'};
const offerType = {policyId: 'AllowSelfServicePurchase', policyValue: 'Disabled', scope: 'OfferType', scopeId: 'SaaS', scopeValue: 'Software as a Service'};

// Each shape with its good answer and ways it can be wrong (or right in a less usual way).
const variants = <T extends Record<string, unknown>>(good: T, fields: string[]): unknown[] => [
	good,
	{...good, extra: {nested: true}},
	null,
	[],
	'text',
	...fields.flatMap(field => [
		{...good, [field]: undefined},
		{...good, [field]: null},
		{...good, [field]: 42},
		{...good, [field]: ''},
		{...good, [field]: 'Sometimes'},
	]),
];

const CASES: Record<AnswerShape, unknown[]> = {
	policy: variants(policy, ['id', 'description', 'defaultValue']),
	product: variants(product, ['policyId', 'policyValue', 'productName', 'productId', 'scope']),
	offerType: variants(offerType, ['policyId', 'policyValue', 'scope', 'scopeId', 'scopeValue']),
	policies: [{items: [policy]}, {items: []}, {items: [policy, null]}, {items: 'none'}, {}, {items: [{...policy, defaultValue: 'Yes'}]}],
	products: [{items: [product]}, {items: []}, {items: [product, {...product, productId: ''}]}, {items: [product, 7]}, {value: []}],
	offerTypes: [{items: [offerType]}, {items: [{...offerType, scope: undefined}]}, {items: [{...offerType, scopeValue: null}]}, {items: null}],
};

test("the client's own checks of the service's answers accept exactly what their zod schemas accept, with the same defaults", () => {
	for (const [shape, answers] of Object.entries(CASES) as Array<[AnswerShape, unknown[]]>) {
		for (const answer of answers) {
			const copy = structuredClone(answer);
			const schema = readAnswer(shape, structuredClone(answer));
			const ok = CHECKS[shape](copy);
			assert.equal(ok, 'data' in schema, `${shape}: ${JSON.stringify(answer)}`);
			if (ok && 'data' in schema) assert.deepEqual(copy, schema.data, `${shape}: the same answer, defaults included`);
		}
	}
});
