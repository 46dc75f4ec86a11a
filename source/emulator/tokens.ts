/**
 * JSON Web Tokens the emulator issues and checks: HS256 with a secret that lives and dies with one
 * emulator, so a token from another run (or a real Microsoft token) is refused with a 401.
 */
import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto';

export type TokenClaims = Record<string, unknown> & {exp?: number; nbf?: number; aud?: string};

export type TokenCheck =
	| {ok: true; claims: TokenClaims}
	| {ok: false; reason: 'malformed' | 'signature' | 'expired' | 'not yet valid' | 'audience'};

export class TokenSigner {
	readonly #secret: Buffer;

	constructor(secret: Buffer = randomBytes(32)) {
		this.#secret = secret;
	}

	sign(claims: TokenClaims): string {
		const header = base64url({alg: 'HS256', typ: 'JWT'});
		const payload = base64url(claims);
		return `${header}.${payload}.${this.#mac(`${header}.${payload}`)}`;
	}

	/** Checks signature, `exp`, `nbf` and (when given) the audience. */
	verify(token: string, audience?: string, nowSeconds = Math.floor(Date.now() / 1000)): TokenCheck {
		const parts = token.split('.');
		if (parts.length !== 3) return {ok: false, reason: 'malformed'};
		const [header = '', payload = '', signature = ''] = parts;
		const expected = Buffer.from(this.#mac(`${header}.${payload}`));
		const given = Buffer.from(signature);
		if (expected.length !== given.length || !timingSafeEqual(expected, given)) return {ok: false, reason: 'signature'};
		let claims: TokenClaims;
		try {
			const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
			if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {ok: false, reason: 'malformed'};
			claims = parsed as TokenClaims;
		} catch {
			return {ok: false, reason: 'malformed'};
		}
		if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return {ok: false, reason: 'expired'};
		if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + 300) return {ok: false, reason: 'not yet valid'};
		if (audience !== undefined && claims.aud !== audience) return {ok: false, reason: 'audience'};
		return {ok: true, claims};
	}

	#mac(data: string): string {
		return createHmac('sha256', this.#secret).update(data).digest('base64url');
	}
}

export function base64url(value: unknown): string {
	return Buffer.from(JSON.stringify(value)).toString('base64url');
}
