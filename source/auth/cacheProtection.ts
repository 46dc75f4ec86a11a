/**
 * How the token cache file is protected at rest (docs/sign-in.md). It is always a locked, atomic,
 * 0600 file in a 0700 directory (cachePlugin.ts, privateFiles.ts); where the operating system has
 * a keyring, its contents are also encrypted (AES-256-GCM) with a key kept in that keyring:
 * Windows Credential Manager, the macOS Keychain, or the Secret Service of a Linux desktop
 * (GNOME Keyring, KWallet). Another user, a backup or a roaming profile then gets the file but not
 * the key. A headless Linux machine (no D-Bus session) stays on the plain file.
 *
 * The keyring module (@napi-rs/keyring, prebuilt for each platform) is a native addon kept out of
 * the bundle and loaded here, on the first cache read or write: never on the start-up path of a
 * command that needs no token. MSCOMMERCE_KEYRING=0 keeps the plain file.
 */
import {createCipheriv, createDecipheriv, createHash, randomBytes} from 'node:crypto';

export type Protection =
	| {kind: 'keyring'; store: string}
	/** `why`: the reason there is no keyring, as whoami says it. */
	| {kind: 'file'; why: string};

type Keyring = {getPassword(): Promise<string | null>; setPassword(password: string): Promise<void>; deletePassword?(): Promise<boolean>};

/** The first field of an encrypted cache file: what it is and its format. */
const FORMAT = 'mscommerce-encrypted-token-cache';
const VERSION = 1;

type Envelope = {format: typeof FORMAT; version: number; cipher: 'aes-256-gcm'; iv: string; tag: string; data: string};

/** Whether the file's text is an encrypted cache (else MSAL's plain JSON, or something broken). */
export function isEncrypted(text: string): boolean {
	return text.trimStart().startsWith(`{"format":"${FORMAT}"`);
}

export function encrypt(plain: string, key: Buffer): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
	const envelope: Envelope = {format: FORMAT, version: VERSION, cipher: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64')};
	return JSON.stringify(envelope);
}

/** The plain cache, or undefined when the key is not the one it was encrypted with (or the file was altered). */
export function decrypt(text: string, key: Buffer): string | undefined {
	try {
		const envelope = JSON.parse(text) as Envelope;
		if (envelope.format !== FORMAT || envelope.version !== VERSION || envelope.cipher !== 'aes-256-gcm') return undefined;
		const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
		decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
		return Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]).toString('utf8');
	} catch {
		return undefined;
	}
}

/** What each platform's keyring is called, for whoami. */
function storeName(platform: NodeJS.Platform): string {
	if (platform === 'win32') return 'Windows Credential Manager';
	if (platform === 'darwin') return 'the macOS Keychain';
	return 'the Secret Service (D-Bus)';
}

/** Why there is no keyring to try, before loading anything; undefined when one may be there. */
export function noKeyringReason(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
	const setting = env.MSCOMMERCE_KEYRING?.trim().toLowerCase();
	if (setting === '0' || setting === 'off' || setting === 'false' || setting === 'no') return 'MSCOMMERCE_KEYRING is off';
	// Linux and the BSDs: the Secret Service is a D-Bus session service (a desktop, or
	// dbus-run-session); without a session bus there is none, and the kernel keyring (which
	// forgets at reboot) is never used instead.
	if (platform !== 'win32' && platform !== 'darwin' && !env.DBUS_SESSION_BUS_ADDRESS) return 'no Secret Service: no D-Bus session (a headless machine)';
	return undefined;
}

/**
 * The key of the cache file in `configDir`, from the OS keyring (made and stored there the first
 * time), and the protection it gives; without a keyring, the reason. One entry per cache file:
 * service `mscommerce`, account `token-cache-key <hash of the directory>`.
 */
export class CacheKey {
	private found: Promise<{key?: Buffer; protection: Protection}> | undefined;

	constructor(
		private readonly configDir: string,
		private readonly env: NodeJS.ProcessEnv = process.env,
		private readonly platform: NodeJS.Platform = process.platform,
		/** For tests: the keyring entry (else @napi-rs/keyring's, pinned to the Secret Service on Linux). */
		private readonly entry?: () => Promise<Keyring>,
	) {}

	/** The key and protection; `create` false: only an existing key (reading a cache never makes one). */
	get(): Promise<{key?: Buffer; protection: Protection}> {
		this.found ??= this.lookUp();
		return this.found;
	}

	private async lookUp(): Promise<{key?: Buffer; protection: Protection}> {
		const why = noKeyringReason(this.env, this.platform);
		if (why) return {protection: {kind: 'file', why}};
		try {
			const entry = await (this.entry ?? (() => this.keyringEntry()))();
			let secret = await entry.getPassword();
			if (!secret || Buffer.from(secret, 'base64').length !== 32) {
				secret = randomBytes(32).toString('base64');
				await entry.setPassword(secret);
				// Read back: a store that accepts and forgets (a locked keyring) must not encrypt a cache no one can open.
				if ((await entry.getPassword()) !== secret) return {protection: {kind: 'file', why: `${storeName(this.platform)} did not keep the key`}};
			}
			return {key: Buffer.from(secret, 'base64'), protection: {kind: 'keyring', store: storeName(this.platform)}};
		} catch (error) {
			const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
			return {protection: {kind: 'file', why: `${storeName(this.platform)} could not be used (${message})`}};
		}
	}

	private async keyringEntry(): Promise<Keyring> {
		// Kept out of the bundle (scripts/build.mjs): a native addon, loaded only now.
		const {AsyncEntry} = await import('@napi-rs/keyring');
		const account = `token-cache-key ${createHash('sha256').update(this.configDir).digest('hex').slice(0, 16)}`;
		return new AsyncEntry('mscommerce', account, {linux: {store: 'secret-service'}});
	}
}
