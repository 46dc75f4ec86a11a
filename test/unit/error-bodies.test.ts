/**
 * Error bodies as the licensing service really sends them (docs/service.md, Errors): `{errorCode,
 * reason}`, and a reason that carries another service's JSON. A user reads one sentence; the
 * code stays in the detail for support. Text, HTML and other JSON shapes keep working.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {classify, readErrorBody, serverMessage} from '../../source/problems/classify.js';
import {HttpError} from '../../source/problems/errors.js';

// The two bodies of the public record (issues 11065 and 4387 on Microsoft's documentation repository).
const BAD_REQUEST = '{"errorCode":"BadRequest","reason":"Invalid scope."}';
const PRODUCT_NOT_FOUND =
	'{"errorCode":"Unknown","reason":"GetProductDetailsByProductIdAsync failed{\\"errorCode\\":\\"ProductNotFound\\",\\"message\\":\\"Product CFQ7TTC0XXXX was not found\\",\\"source\\":\\"DCatFD\\"}"}';

const product = (method: string) => ({
	method,
	url: 'https://licensing.m365.microsoft.com/v1.0/policies/AllowSelfServicePurchase/products/CFQ7TTC0XXXX',
	correlationId: 'c-1',
	resource: {scope: 'product' as const, id: 'CFQ7TTC0XXXX'},
});

test('the fixtures are what the service sends: JSON, with JSON inside the 404 reason after "<method> failed"', () => {
	assert.deepEqual(JSON.parse(BAD_REQUEST), {errorCode: 'BadRequest', reason: 'Invalid scope.'});
	const {reason} = JSON.parse(PRODUCT_NOT_FOUND) as {reason: string};
	assert.match(reason, /^GetProductDetailsByProductIdAsync failed\{"errorCode":"ProductNotFound",/);
	assert.equal((JSON.parse(reason.slice(reason.indexOf('{'))) as {source: string}).source, 'DCatFD');
});

test("the service's 400 reads as its sentence, with its code in the detail", () => {
	assert.equal(serverMessage(BAD_REQUEST), 'Invalid scope.');
	const problem = classify(new HttpError(400, BAD_REQUEST, {}, product('PUT')));
	assert.equal(problem.kind, 'refused');
	assert.equal(problem.detail, '400 BadRequest: Invalid scope.');
	assert.doesNotMatch([problem.title, ...problem.hints].join(' '), /Invalid scope/, 'said once: in the detail only');
});

test('a 404 whose reason carries JSON shows the inner sentence and code, never raw JSON', () => {
	assert.equal(serverMessage(PRODUCT_NOT_FOUND), 'Product CFQ7TTC0XXXX was not found');
	assert.deepEqual(readErrorBody(PRODUCT_NOT_FOUND), {message: 'Product CFQ7TTC0XXXX was not found', code: 'ProductNotFound'});
	const problem = classify(new HttpError(404, PRODUCT_NOT_FOUND, {}, product('GET')));
	assert.equal(problem.kind, 'not-found');
	assert.equal(problem.detail, '404 ProductNotFound: Product CFQ7TTC0XXXX was not found');
	assert.doesNotMatch(JSON.stringify(problem), /DCatFD|GetProductDetailsByProductIdAsync|\\"/);
});

test('an inner object without words keeps the text before it and its code', () => {
	const body = JSON.stringify({errorCode: 'Unknown', reason: 'UpdatePolicyAsync failed{"errorCode":"Conflict"}'});
	assert.deepEqual(readErrorBody(body), {message: 'UpdatePolicyAsync failed', code: 'Conflict'});
	assert.equal(classify(new HttpError(409, body, {}, product('PUT'))).detail, '409 Conflict: UpdatePolicyAsync failed');
});

test('the outer code stands when the inner object has none; "reason" counts like "message"', () => {
	const body = JSON.stringify({errorCode: 'Unknown', reason: `GetPolicyAsync failed${JSON.stringify({reason: 'Policy store unavailable'})}`});
	assert.deepEqual(readErrorBody(body), {message: 'Policy store unavailable', code: 'Unknown'});
});

test('JSON nested twice is unwrapped to the innermost sentence', () => {
	const innermost = JSON.stringify({errorCode: 'ProductNotFound', message: 'Product CFQ7TTC0XXXX was not found'});
	const middle = JSON.stringify({errorCode: 'CatalogError', reason: `LookupAsync failed${innermost}`});
	const body = JSON.stringify({errorCode: 'Unknown', reason: `GetProductDetailsByProductIdAsync failed${middle}`});
	assert.deepEqual(readErrorBody(body), {message: 'Product CFQ7TTC0XXXX was not found', code: 'ProductNotFound'});
});

test('braces that are not a JSON object stay part of the sentence; braces inside inner strings do not end the object', () => {
	assert.equal(serverMessage(JSON.stringify({errorCode: 'BadRequest', reason: 'Scope {product} is not valid.'})), 'Scope {product} is not valid.');
	const tricky = JSON.stringify({errorCode: 'Unknown', reason: `Step {1} failed${JSON.stringify({message: 'Value "}{" is not a policy value'})} at once`});
	assert.equal(serverMessage(tricky), 'Value "}{" is not a policy value');
});

test('a code with no sentence gives a detail with the code alone', () => {
	const problem = classify(new HttpError(404, '{"errorCode":"Unknown"}', {}, product('GET')));
	assert.equal(problem.detail, '404 Unknown');
});

test('the earlier shapes still read: OData error objects, OAuth errors, text, HTML, nothing', () => {
	assert.deepEqual(readErrorBody('{"error":{"code":"InvalidValue","message":"Value not allowed"}}'), {message: 'Value not allowed', code: 'InvalidValue'});
	assert.deepEqual(readErrorBody('{"error":"invalid_grant","error_description":"AADSTS1: x"}'), {message: 'AADSTS1: x'});
	assert.equal(classify(new HttpError(400, 'Bad value for policyValue', {}, product('PUT'))).detail, '400: Bad value for policyValue');
	const page = '<!DOCTYPE html><html><head><title>503</title></head><body><h1>Service Unavailable</h1></body></html>';
	assert.equal(classify(new HttpError(503, page, {}, product('GET'))).detail, '503: Service Unavailable');
	assert.equal(classify(new HttpError(502, '', {}, product('GET'))).detail, 'HTTP 502');
	assert.equal(serverMessage('{"unexpected":true}'), '{"unexpected":true}', 'JSON without words is shown as it came');
});

test('a huge reason full of braces is read quickly', () => {
	const body = JSON.stringify({errorCode: 'Unknown', reason: `X failed${'{'.repeat(2_000_000)}`});
	const started = performance.now();
	const said = readErrorBody(body);
	assert.equal(said.code, 'Unknown');
	assert.ok((said.message ?? '').length <= 300, 'clipped');
	assert.ok(performance.now() - started < 1000, `took ${performance.now() - started} ms`);
});
