/**
 * App-only sign-in for cron and CI: the client-credentials grant through MSAL's confidential
 * client, with a client secret or a certificate (docs/sign-in.md). The secret and the tokens stay
 * in memory: nothing of an app's is written to disk, and a new token is asked for each run.
 *
 * A certificate signs the client assertion here, with node:crypto (PS256, the certificate named
 * by its SHA-256 thumbprint in `x5t#S256`, as Entra ID documents), so MSAL never needs a JWT
 * library for it (the bundle leaves jsonwebtoken out).
 */
import {ConfidentialClientApplication, type AuthenticationResult} from '@azure/msal-node';
import {constants, createHash, createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {LICENSING_SCOPE, type Settings} from '../config.js';
import {UsageError} from '../problems/errors.js';
import {msalSystem, type MsalNetwork} from './msalNetwork.js';

export type AppCredential = {kind: 'secret'; secret: string} | {kind: 'certificate'; file: string};

export function appCredentialOf(settings: Pick<Settings, 'clientSecret' | 'certificate'>): AppCredential | undefined {
	if (settings.clientSecret !== undefined) return {kind: 'secret', secret: settings.clientSecret};
	if (settings.certificate !== undefined) return {kind: 'certificate', file: settings.certificate};
	return undefined;
}

type Signer = {key: KeyObject; thumbprint: string};

/** The certificate and its private key from one PEM file; a usage error names what is missing. */
async function loadCertificate(file: string): Promise<Signer> {
	let pem: string;
	try {
		pem = await readFile(file, 'utf8');
	} catch (error) {
		throw new UsageError(`--certificate: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
	}
	const certificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
	if (!certificate) throw new UsageError(`--certificate: ${file} holds no certificate (a PEM file with the certificate and its private key)`);
	if (!/-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) throw new UsageError(`--certificate: ${file} holds no private key (a PEM file with the certificate and its private key)`);
	if (/ENCRYPTED PRIVATE KEY/.test(pem)) throw new UsageError(`--certificate: the private key in ${file} is encrypted; export it without a password (and keep the file 0600)`);
	let key: KeyObject;
	let x509: X509Certificate;
	try {
		key = createPrivateKey(pem);
		x509 = new X509Certificate(certificate);
	} catch (error) {
		throw new UsageError(`--certificate: ${file} could not be read as PEM (${error instanceof Error ? error.message : String(error)})`);
	}
	if (key.asymmetricKeyType !== 'rsa') throw new UsageError(`--certificate: Entra ID needs an RSA key; ${file} holds a ${key.asymmetricKeyType ?? 'different'} key`);
	if (!x509.checkPrivateKey(key)) throw new UsageError(`--certificate: the private key in ${file} does not belong to its certificate`);
	return {key, thumbprint: createHash('sha256').update(x509.raw).digest('base64url')};
}

/** A client assertion (RFC 7523) for the token endpoint, signed PS256. */
function assertion(signer: Signer, clientId: string, audience: string): string {
	const now = Math.floor(Date.now() / 1000);
	const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const head = `${part({alg: 'PS256', typ: 'JWT', 'x5t#S256': signer.thumbprint})}.${part({aud: audience, iss: clientId, sub: clientId, jti: randomUUID(), nbf: now, iat: now, exp: now + 600})}`;
	const signature = sign('sha256', Buffer.from(head), {key: signer.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32});
	return `${head}.${signature.toString('base64url')}`;
}

export class AppOnlyClient {
	private readonly cca: Promise<ConfidentialClientApplication>;

	constructor(
		settings: Pick<Settings, 'clientId' | 'authority'>,
		credential: AppCredential,
		network: MsalNetwork,
		authorityMetadata: string | undefined,
	) {
		this.cca = (async () => {
			const signer = credential.kind === 'certificate' ? await loadCertificate(credential.file) : undefined;
			return new ConfidentialClientApplication({
				auth: {
					clientId: settings.clientId,
					authority: settings.authority,
					knownAuthorities: [new URL(settings.authority).host],
					authorityMetadata,
					...(credential.kind === 'secret'
						? {clientSecret: credential.secret}
						: {clientAssertion: async config => assertion(signer!, config.clientId, config.tokenEndpoint ?? `${settings.authority}/oauth2/v2.0/token`)}),
				},
				system: msalSystem(network),
			});
		})();
		this.cca.catch(() => undefined); // surfaced by token()
	}

	/** A token for the licensing service (or `scopes`: Microsoft Graph's `/.default`); `renew` skips MSAL's in-memory cache. */
	async token(renew = false, scopes: string[] = [LICENSING_SCOPE]): Promise<AuthenticationResult> {
		const cca = await this.cca;
		const result = await cca.acquireTokenByClientCredential({scopes, skipCache: renew});
		if (!result) throw new UsageError('app-only sign-in returned no token');
		return result;
	}
}
