/**
 * What the licensing service's answers must look like, as zod schemas: loaded only when an answer
 * fails the client's own checks (source/commerce/client.ts), to say in zod's words what is wrong
 * with it. The checks and these schemas hold the same rules; test/unit/answers.test.ts keeps them
 * in step. Loose objects: fields the service adds later pass through to --json output untouched.
 */
// zod/mini: the same validation at a third of the import cost.
import {_default, array as zArray, enum as zEnum, looseObject, minLength, object as zObject, optional as zOptional, string as zString, type ZodMiniType} from 'zod/mini';
import {POLICY_VALUES} from './types.js';

const policyValue = zEnum(POLICY_VALUES);
const policy = looseObject({id: zString(), description: _default(zString(), ''), defaultValue: policyValue});
const product = looseObject({
	policyId: zString(),
	policyValue,
	productName: zString(),
	productId: zString().check(minLength(1)),
	scope: zOptional(zString()),
});
const offerType = looseObject({
	policyId: zString(),
	policyValue,
	scope: _default(zString(), 'OfferType'),
	scopeId: zString().check(minLength(1)),
	scopeValue: zString(),
});
const list = <T extends ZodMiniType>(item: T) => zObject({items: zArray(item)});

export const SCHEMAS = {
	policy,
	policies: list(policy),
	product,
	products: list(product),
	offerType,
	offerTypes: list(offerType),
} as const;

export type AnswerShape = keyof typeof SCHEMAS;

/** The answer as its schema reads it, or what is wrong with it (the first problem, with its path). */
export function readAnswer(shape: AnswerShape, json: unknown): {data: unknown} | {problem: string} {
	const parsed = SCHEMAS[shape].safeParse(json);
	if (parsed.success) return {data: parsed.data};
	const issue = parsed.error.issues[0];
	return {problem: issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unexpected shape'};
}
