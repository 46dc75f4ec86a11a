import assert from 'node:assert/strict';
import {test} from 'node:test';
import {bypassesProxy, checkServiceUrl, isLoopbackHost} from '../../source/net/urls.js';
import {resolveSettings} from '../../source/config.js';
import {UsageError} from '../../source/problems/errors.js';

test('plain http is accepted only for this machine', () => {
	assert.equal(checkServiceUrl('http://127.0.0.1:8080/', '--licensing-url'), 'http://127.0.0.1:8080');
	assert.equal(checkServiceUrl('http://localhost:1', '--licensing-url'), 'http://localhost:1');
	assert.throws(() => checkServiceUrl('http://licensing.example.com', '--licensing-url'), /only allowed for this machine/);
	assert.throws(() => checkServiceUrl('ftp://x', '--authority'), UsageError);
	assert.throws(() => checkServiceUrl('not a url', '--authority'), /is not a URL/);
});

test('loopback means 127/8, ::1 and localhost, nothing else', () => {
	assert.ok(isLoopbackHost('127.5.0.1'));
	assert.ok(isLoopbackHost('[::1]'));
	assert.ok(!isLoopbackHost('10.0.0.1'));
	assert.ok(!isLoopbackHost('localhost.example.com'));
});

test('NO_PROXY matches hosts, domain suffixes, ports and *, and loopback never uses a proxy', () => {
	const url = (u: string) => new URL(u);
	assert.ok(bypassesProxy(url('https://licensing.m365.microsoft.com'), 'example.com, .microsoft.com'));
	assert.ok(bypassesProxy(url('https://login.microsoftonline.com'), 'login.microsoftonline.com'));
	assert.ok(!bypassesProxy(url('https://login.microsoftonline.com'), 'example.com'));
	assert.ok(!bypassesProxy(url('https://host.example.com:8443'), 'example.com:443'));
	assert.ok(bypassesProxy(url('https://anything'), '*'));
	assert.ok(bypassesProxy(url('https://127.0.0.1:4000'), undefined));
});

test('NO_PROXY written the Windows way (semicolons, <local>, wildcards) matches as Windows means it', () => {
	const url = (u: string) => new URL(u);
	const windows = '*.contoso.com;10.*;<local>';
	assert.ok(bypassesProxy(url('https://portal.contoso.com'), windows), '*.contoso.com after a semicolon');
	assert.ok(bypassesProxy(url('https://10.1.2.3:8443'), windows), '10.* matches any 10. address');
	assert.ok(bypassesProxy(url('https://intranet'), windows), '<local>: a name without a dot');
	assert.ok(!bypassesProxy(url('https://login.microsoftonline.com'), windows), 'the service still goes through the proxy');
	assert.ok(!bypassesProxy(url('https://110.1.2.3'), windows), '10.* is anchored: 110.1.2.3 is not in it');
	assert.ok(!bypassesProxy(url('https://[2001:db8::1]'), '<local>'), 'an IPv6 address is not a local name');
	assert.ok(bypassesProxy(url('https://login.microsoftonline.com'), 'example.com;login.microsoftonline.com'));
});

test('settings come from flags first, then environment, then defaults', () => {
	const env = {MSCOMMERCE_TENANT: 'contoso.onmicrosoft.com', MSCOMMERCE_POLICY_ID: 'FromEnv', HOME: '/home/x'};
	const settings = resolveSettings({policyId: 'FromFlag'}, env, false);
	assert.equal(settings.policyId, 'FromFlag');
	assert.equal(settings.tenant, 'contoso.onmicrosoft.com');
	assert.equal(settings.authority, 'https://login.microsoftonline.com/contoso.onmicrosoft.com');
	assert.equal(settings.licensingUrl, 'https://licensing.m365.microsoft.com');
	assert.equal(settings.configDir, '/home/x/.config/mscommerce');
	assert.equal(settings.stateDir, '/home/x/.local/state/mscommerce');
	assert.equal(resolveSettings({}, {XDG_CONFIG_HOME: '/cfg', HOME: '/h'}, false).configDir, '/cfg/mscommerce');
});

test('bad settings are usage errors that name the option', () => {
	assert.throws(() => resolveSettings({clientId: 'nope'}, {}, false), /--client-id/);
	assert.throws(() => resolveSettings({tenant: 'bad tenant!'}, {}, false), /--tenant/);
	assert.throws(() => resolveSettings({output: 'xml'}, {}, false), /--output/);
	assert.throws(() => resolveSettings({token: 'two words'}, {}, false), /--token/);
	assert.throws(() => resolveSettings({licensingUrl: 'http://evil.example.com'}, {}, false), /--licensing-url/);
});

test('NO_COLOR turns colour off even on a terminal', () => {
	assert.equal(resolveSettings({}, {NO_COLOR: '1'}, true).color, false);
	assert.equal(resolveSettings({}, {}, true).color, true);
	assert.equal(resolveSettings({color: false}, {}, true).color, false);
});
