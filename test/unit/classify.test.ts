import assert from 'node:assert/strict';
import {test} from 'node:test';
import {classify, serverMessage} from '../../source/problems/classify.js';
import {HttpError, NetworkError, NotSignedInError, UsageError} from '../../source/problems/errors.js';
import {exitCodeFor} from '../../source/problems/exitCodes.js';
import {SignInError} from '../../source/problems/signIn.js';

const context = {method: 'PUT', url: 'https://licensing.m365.microsoft.com/v1.0/policies/P/products/CFQ7TTC0KP0N', correlationId: 'c-1', resource: {scope: 'product' as const, id: 'CFQ7TTC0KP0N'}};
const withCode = (code: string, message = code) => Object.assign(new Error(message), {code});

test('error bodies of any shape give one readable message', () => {
	assert.equal(serverMessage('{"error":{"code":"Bad","message":"Value not allowed"}}'), 'Value not allowed');
	assert.equal(serverMessage('{"error":"invalid_grant","error_description":"AADSTS1: x"}'), 'AADSTS1: x');
	assert.equal(serverMessage('<html><body><h1>Service Unavailable</h1></body></html>'), 'Service Unavailable');
	assert.equal(serverMessage('<html><head><title>Oops</title><style>p{}</style></head><body><p>Try later</p></body></html>'), 'Try later', 'the head is not the message');
	assert.equal(serverMessage(''), undefined);
});

test('a 404 for a former product ID names the current ID', () => {
	const problem = classify(new HttpError(404, '', {}, {...context, method: 'GET'}));
	assert.equal(problem.kind, 'not-found');
	assert.match(problem.hints.join(' '), /former ID of Power Automate per user: use its current ID CFQ7TTC0LH3L/);
	assert.equal(problem.correlationId, 'c-1');
});

test('a 403 on a write names the roles that may change policies and exits 4', () => {
	const problem = classify(new HttpError(403, '{"error":{"message":"Forbidden"}}', {}, context));
	assert.equal(problem.kind, 'forbidden');
	assert.match(problem.hints[0] ?? '', /Global admin or Billing admin/);
	assert.equal(exitCodeFor(problem), 4);
});

test('a 400 shows what the service said, once', () => {
	const problem = classify(new HttpError(400, '{"error":{"code":"InvalidValue","message":"OnlyTrialsWithoutPaymentMethod is not supported"}}', {}, context));
	assert.equal(problem.kind, 'refused');
	assert.equal(problem.detail, '400 InvalidValue: OnlyTrialsWithoutPaymentMethod is not supported');
	assert.doesNotMatch([problem.title, ...problem.hints].join(' '), /not supported/, 'not repeated in the title or a hint');
});

test('a 429 after retries says how often it tried and how long to wait', () => {
	const problem = classify(new HttpError(429, '', {'retry-after': '120'}, context, 4));
	assert.equal(problem.kind, 'throttled');
	assert.match(problem.hints[0] ?? '', /Tried 4 times; wait 120 s/);
	assert.ok(problem.retryable);
});

test('certificate codes become an untrusted-certificate problem naming --ca-file and NODE_EXTRA_CA_CERTS', () => {
	for (const code of ['SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
		const problem = classify(new NetworkError(context, {cause: withCode(code)}));
		assert.equal(problem.kind, 'tls-untrusted', code);
		assert.match(problem.hints.join(' '), /--ca-file FILE \(or NODE_EXTRA_CA_CERTS=FILE\)/);
	}
});

test('a proxy that wants credentials gets the proxy-auth hint; an unreachable one the HTTPS_PROXY hint', () => {
	const auth = classify(new NetworkError({...context, proxy: 'http://proxy:3128'}, {cause: new Error('Proxy response (407) !== 200 when HTTP Tunneling')}));
	assert.equal(auth.kind, 'proxy-auth');
	const dead = classify(new NetworkError({...context, proxy: 'http://127.0.0.1:9'}, {cause: withCode('ECONNREFUSED')}));
	assert.equal(dead.kind, 'proxy');
	assert.match(dead.hints.join(' '), /HTTPS_PROXY .*NO_PROXY/s);
});

test('DNS, timeout and dropped connections are told apart', () => {
	assert.equal(classify(new NetworkError(context, {cause: withCode('ENOTFOUND')})).kind, 'dns');
	assert.equal(classify(new NetworkError(context, {cause: withCode('UND_ERR_CONNECT_TIMEOUT')})).kind, 'timeout');
	assert.equal(classify(new NetworkError(context, {cause: withCode('ECONNRESET')})).kind, 'connection');
});

test('AADSTS codes get the hint docs/sign-in.md gives for each', () => {
	const cases: Array<[number, RegExp]> = [
		[7000218, /--client-id/],
		[700016, /--client-id/],
		[50020, /--tenant/],
		[65001, /consent/],
		[50076, /MFA/],
		[50079, /aka\.ms\/mfasetup/],
		[53003, /Conditional Access/],
	];
	for (const [code, hint] of cases) {
		const problem = classify(new SignInError(new Error('post_request_failed'), {error: 'invalid_grant', description: `AADSTS${code}: text\r\nTrace ID: x`, codes: [code]}));
		assert.equal(problem.kind, 'sign-in');
		assert.match(problem.hints.join(' '), hint, String(code));
		assert.match(problem.detail ?? '', new RegExp(`AADSTS${code}`));
		assert.doesNotMatch(problem.detail ?? '', /Trace ID/);
		assert.equal(exitCodeFor(problem), 3);
	}
});

test('usage and not-signed-in problems exit 2 and 3', () => {
	assert.equal(exitCodeFor(classify(new UsageError('bad'))), 2);
	const notSignedIn = classify(new NotSignedInError('Not signed in'));
	assert.equal(exitCodeFor(notSignedIn), 3);
	assert.match(notSignedIn.hints[0] ?? '', /mscommerce login/);
});
