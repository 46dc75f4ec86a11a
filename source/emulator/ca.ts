/**
 * The emulator's certificates: a CA it mints itself (ECDSA P-256, WebCrypto, @peculiar/x509) and
 * the server certificate that CA signs for 127.0.0.1 and localhost. Clients trust the CA's PEM
 * (`--ca-file`, undici `connect.ca`); nothing ever turns certificate checks off.
 *
 * Minting costs about 40 ms plus loading @peculiar/x509 (50 ms bundled, 200 ms under tsx), so the
 * default certificates are kept in memory for the process and, when a cache directory is given,
 * on disk (mode 0600) until a day before they expire. Only the CA certificate and the server
 * certificate and key are written: the CA's private key is never stored, so a cached CA cannot
 * sign anything new.
 */
import {X509Certificate, createPrivateKey, KeyObject, randomBytes, webcrypto} from 'node:crypto';
import {mkdir, readFile, rename, writeFile} from 'node:fs/promises';
import {join} from 'node:path';

export type CertificateVariant = {
	/** A server certificate whose validity ended yesterday. */
	expired?: boolean;
	/** Issue the server certificate for this host name instead of 127.0.0.1 and localhost. */
	hostname?: string;
};

export type ServerCertificates = {
	caPem: string;
	certPem: string;
	keyPem: string;
	/** Where they came from this time: useful when measuring start-up. */
	source: 'memory' | 'disk' | 'minted';
};

const CACHE_FILE = 'emulator-certificates.json';
const CACHE_VERSION = 1;
const DAY_MS = 86_400_000;
const VALIDITY_MS = 730 * DAY_MS;

type CachedFile = {version: number; caPem: string; certPem: string; keyPem: string};

const memory = new Map<string, Promise<Omit<ServerCertificates, 'source'>>>();

/**
 * The CA and server certificate for a variant. The default variant comes from memory, then the
 * disk cache, then a fresh mint; variants (expired, another host name) are minted once per process.
 */
export async function serverCertificates(
	variant: CertificateVariant = {},
	cacheDir?: string,
): Promise<ServerCertificates> {
	const key = JSON.stringify({expired: variant.expired === true, hostname: variant.hostname ?? null});
	const held = memory.get(key);
	if (held) return {...(await held), source: 'memory'};
	const isDefault = variant.expired !== true && variant.hostname === undefined;
	if (isDefault && cacheDir) {
		const cached = await readCache(cacheDir);
		if (cached) {
			memory.set(key, Promise.resolve(cached));
			return {...cached, source: 'disk'};
		}
	}
	const minting = mint(variant);
	memory.set(key, minting);
	try {
		const fresh = await minting;
		if (isDefault && cacheDir) await writeCache(cacheDir, fresh);
		return {...fresh, source: 'minted'};
	} catch (error) {
		memory.delete(key);
		throw error;
	}
}

async function readCache(dir: string): Promise<CachedFile | undefined> {
	try {
		const parsed = JSON.parse(await readFile(join(dir, CACHE_FILE), 'utf8')) as Partial<CachedFile>;
		if (parsed.version !== CACHE_VERSION) return undefined;
		const {caPem, certPem, keyPem} = parsed;
		if (typeof caPem !== 'string' || typeof certPem !== 'string' || typeof keyPem !== 'string') return undefined;
		const ca = new X509Certificate(caPem);
		const leaf = new X509Certificate(certPem);
		const soon = Date.now() + DAY_MS;
		if (Date.parse(ca.validTo) < soon || Date.parse(leaf.validTo) < soon) return undefined;
		if (!leaf.verify(ca.publicKey) || !leaf.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
		return {version: CACHE_VERSION, caPem, certPem, keyPem};
	} catch {
		return undefined; // absent, unreadable or damaged: mint again
	}
}

async function writeCache(dir: string, certificates: Omit<ServerCertificates, 'source'>): Promise<void> {
	// Best effort: a read-only home must not stop the emulator.
	try {
		await mkdir(dir, {recursive: true, mode: 0o700});
		const file = join(dir, CACHE_FILE);
		const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
		const content: CachedFile = {version: CACHE_VERSION, ...certificates};
		await writeFile(temporary, JSON.stringify(content), {mode: 0o600});
		await rename(temporary, file);
	} catch {
		// ignored on purpose
	}
}

const ALGORITHM = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'} as const;

async function mint(variant: CertificateVariant): Promise<Omit<ServerCertificates, 'source'>> {
	// @peculiar/x509 resolves its helpers through tsyringe, which needs the Reflect metadata API.
	await import('reflect-metadata');
	const imported = await import('@peculiar/x509');
	// Bundled, the package's CommonJS build arrives as a default export; under tsx as named exports.
	const x509 = ('cryptoProvider' in imported ? imported : (imported as unknown as {default: typeof imported}).default) as typeof imported;
	// Node's WebCrypto is the standard Crypto interface; @types/node spells the type differently.
	x509.cryptoProvider.set(webcrypto as unknown as Crypto);
	const subtle = webcrypto.subtle;
	const now = Date.now();
	const label = randomBytes(3).toString('hex');

	const caKeys = await subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
	const ca = await x509.X509CertificateGenerator.createSelfSigned({
		name: `CN=mscommerce-tui emulator CA ${label}, O=mscommerce-tui emulator`,
		notBefore: new Date(now - 3_600_000),
		notAfter: new Date(now + VALIDITY_MS),
		keys: caKeys,
		signingAlgorithm: ALGORITHM,
		extensions: [
			new x509.BasicConstraintsExtension(true, 0, true),
			new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
			await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
		],
	});

	const names = variant.hostname
		? [{type: 'dns' as const, value: variant.hostname}]
		: [
				{type: 'ip' as const, value: '127.0.0.1'},
				{type: 'dns' as const, value: 'localhost'},
			];
	const leafKeys = await subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
	const leaf = await x509.X509CertificateGenerator.create({
		subject: `CN=${variant.hostname ?? '127.0.0.1'}, O=mscommerce-tui emulator`,
		issuer: ca.subject,
		notBefore: new Date(variant.expired ? now - 30 * DAY_MS : now - 3_600_000),
		notAfter: new Date(variant.expired ? now - DAY_MS : now + VALIDITY_MS - DAY_MS),
		signingKey: caKeys.privateKey,
		publicKey: leafKeys.publicKey,
		signingAlgorithm: ALGORITHM,
		extensions: [
			new x509.BasicConstraintsExtension(false, undefined, true),
			new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
			new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
			new x509.SubjectAlternativeNameExtension(names),
			await x509.AuthorityKeyIdentifierExtension.create(ca),
		],
	});

	const keyPem = KeyObject.from(leafKeys.privateKey).export({type: 'pkcs8', format: 'pem'});
	return {caPem: ca.toString('pem') + '\n', certPem: leaf.toString('pem') + '\n', keyPem: String(keyPem)};
}

const RSA = {name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256'} as const;

/**
 * A certificate an admin would upload to an app registration (Certificates & secrets), with its
 * private key: RSA, self-signed, one PEM holding both — what `--certificate FILE` takes.
 */
export async function mintAppCertificate(name: string): Promise<{pem: string; certPem: string}> {
	await import('reflect-metadata');
	const imported = await import('@peculiar/x509');
	const x509 = ('cryptoProvider' in imported ? imported : (imported as unknown as {default: typeof imported}).default) as typeof imported;
	// Node's WebCrypto is the standard Crypto interface; @types/node spells the type differently.
	x509.cryptoProvider.set(webcrypto as unknown as Crypto);
	const keys = await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
	const now = Date.now();
	const certificate = await x509.X509CertificateGenerator.createSelfSigned({
		name: `CN=${name}`,
		notBefore: new Date(now - 3_600_000),
		notAfter: new Date(now + VALIDITY_MS),
		keys,
		signingAlgorithm: RSA,
	});
	const keyPem = String(KeyObject.from(keys.privateKey).export({type: 'pkcs8', format: 'pem'}));
	const certPem = `${certificate.toString('pem')}\n`;
	return {pem: `${keyPem}${certPem}`, certPem};
}
