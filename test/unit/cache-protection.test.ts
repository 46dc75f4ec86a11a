import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {test} from 'node:test';
import {CacheKey, decrypt, encrypt, isEncrypted, noKeyringReason} from '../../source/auth/cacheProtection.js';

const CACHE = JSON.stringify({RefreshToken: {'uid-utid-login.example-refreshtoken-client--': {secret: '0.AAA-refresh-token'}}});

test('an encrypted cache hides its tokens, opens only with its key, and any change to the file is refused', () => {
	const key = randomBytes(32);
	const text = encrypt(CACHE, key);
	assert.ok(isEncrypted(text));
	assert.ok(!text.includes('refresh-token') && !text.includes('RefreshToken'), 'no token readable on disk');
	assert.equal(decrypt(text, key), CACHE);
	assert.equal(decrypt(text, randomBytes(32)), undefined, 'another key opens nothing');
	const envelope = JSON.parse(text) as {data: string};
	const altered = JSON.stringify({...envelope, data: Buffer.from('x'.repeat(20)).toString('base64')});
	assert.equal(decrypt(altered, key), undefined, 'GCM refuses an altered file');
	assert.ok(!isEncrypted(CACHE), "MSAL's plain JSON is not taken for an encrypted cache");
});

test('no keyring is tried where there is none: headless Linux (no D-Bus session) and MSCOMMERCE_KEYRING=0', () => {
	assert.match(noKeyringReason({}, 'linux') ?? '', /no D-Bus session/);
	assert.equal(noKeyringReason({DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus'}, 'linux'), undefined);
	assert.equal(noKeyringReason({}, 'win32'), undefined);
	assert.equal(noKeyringReason({}, 'darwin'), undefined);
	assert.match(noKeyringReason({MSCOMMERCE_KEYRING: '0'}, 'win32') ?? '', /MSCOMMERCE_KEYRING is off/);
});

test('the key is made once and kept in the keyring; a keyring that fails or forgets leaves the plain file, with why', async () => {
	const stored: {value: string | null; sets: number} = {value: null, sets: 0};
	const keyring = async () => ({
		getPassword: async () => stored.value,
		setPassword: async (value: string) => {
			stored.value = value;
			stored.sets++;
		},
	});
	const first = await new CacheKey('/home/ada/.config/mscommerce', {}, 'win32', keyring).get();
	assert.deepEqual(first.protection, {kind: 'keyring', store: 'Windows Credential Manager'});
	const again = await new CacheKey('/home/ada/.config/mscommerce', {}, 'win32', keyring).get();
	assert.ok(first.key && again.key && first.key.equals(again.key), 'the same key next time');
	assert.equal(stored.sets, 1);
	const locked = await new CacheKey('/x', {}, 'darwin', async () => ({getPassword: async () => Promise.reject(new Error('User interaction is not allowed.')), setPassword: async () => undefined})).get();
	assert.deepEqual(locked, {protection: {kind: 'file', why: 'the macOS Keychain could not be used (User interaction is not allowed.)'}});
	const forgetful = await new CacheKey('/x', {}, 'win32', async () => ({getPassword: async () => null, setPassword: async () => undefined})).get();
	assert.equal(forgetful.key, undefined);
	assert.match(forgetful.protection.kind === 'file' ? forgetful.protection.why : '', /did not keep the key/);
});
