/** What a token says about its account: read without verifying (the service verifies it). */

/** Entra ID role template IDs (the `wids` claim) that matter here. */
export const ROLE_NAMES: Record<string, string> = {
	'62e90394-69f5-4237-9190-012177145e10': 'Global admin',
	'b0f54661-2d74-4c50-afa3-1ec803f12efe': 'Billing admin',
	'f2ef992c-3afb-46b9-b7cf-a126ee74c451': 'Global reader',
};
const WRITERS = new Set(['62e90394-69f5-4237-9190-012177145e10', 'b0f54661-2d74-4c50-afa3-1ec803f12efe']);

export type TokenClaims = {
	username?: string;
	name?: string;
	tenantId?: string;
	expiresAt?: Date;
	wids?: string[];
	/** The identity provider, set when the user is not at home in the token's tenant (guests, partners). */
	idp?: string;
	/** `app` for an app-only token (client credentials). */
	idtyp?: string;
	/** The client (application) ID the token was issued to. */
	appId?: string;
	/** An app token's application permissions (the License Manager app's Policy.Read… / Policy.ReadWrite…). */
	appRoles?: string[];
};

/** The License Manager app's application permissions that matter here. */
export const APP_PERMISSIONS = {
	read: 'Policy.Read.AllowSelfServicePurchase',
	readWrite: 'Policy.ReadWrite.AllowSelfServicePurchase',
} as const;

/** The claims of a JWT, or undefined when the token is not a readable JWT. */
export function readClaims(token: string): TokenClaims | undefined {
	const payload = token.split('.')[1];
	if (!payload) return undefined;
	try {
		const json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
		const text = (key: string) => (typeof json[key] === 'string' ? (json[key] as string) : undefined);
		return {
			username: text('upn') ?? text('preferred_username') ?? text('unique_name'),
			name: text('name'),
			tenantId: text('tid'),
			expiresAt: typeof json.exp === 'number' ? new Date(json.exp * 1000) : undefined,
			idp: text('idp'),
			idtyp: text('idtyp'),
			appId: text('azp') ?? text('appid'),
			appRoles: Array.isArray(json.roles) ? json.roles.filter((r): r is string => typeof r === 'string') : undefined,
			wids: Array.isArray(json.wids) ? json.wids.filter((w): w is string => typeof w === 'string') : undefined,
		};
	} catch {
		return undefined;
	}
}

/** Role names from the wids claim, and whether they allow changing policies (undefined: the token does not say). */
export function rolesOf(claims: TokenClaims | undefined): {roles: string[]; canChange: boolean | undefined} {
	// An app's permissions are its `roles`: ReadWrite may change, Read may only look.
	if (claims?.idtyp === 'app') {
		const roles = (claims.appRoles ?? []).filter(role => role === APP_PERMISSIONS.read || role === APP_PERMISSIONS.readWrite);
		return {roles, canChange: roles.includes(APP_PERMISSIONS.readWrite)};
	}
	if (!claims?.wids) return {roles: [], canChange: undefined};
	const roles = claims.wids.map(id => ROLE_NAMES[id]).filter((name): name is string => Boolean(name));
	return {roles, canChange: claims.wids.some(id => WRITERS.has(id))};
}
