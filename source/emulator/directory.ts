/**
 * The emulator's directory: two tenants and their demo accounts, with the Entra role template
 * IDs (`wids` in a token) that decide what each may do with the licensing service.
 */

/** Entra ID role template IDs, as they appear in a token's `wids` claim. */
export const ROLE = {
	globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
	billingAdministrator: 'b0f54661-2d74-4c50-afa3-1ec803f12efe',
	globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
} as const;

const ROLE_NAMES: Record<string, string> = {
	[ROLE.globalAdministrator]: 'Global Administrator',
	[ROLE.billingAdministrator]: 'Billing Administrator',
	[ROLE.globalReader]: 'Global Reader',
};

/** Roles that may change a policy value (API.md: Global admin or Billing admin). */
export const WRITE_ROLES: readonly string[] = [ROLE.globalAdministrator, ROLE.billingAdministrator];
/** Roles that may read policies. */
export const READ_ROLES: readonly string[] = [...WRITE_ROLES, ROLE.globalReader];

export type EmulatorTenant = {id: string; domain: string; displayName: string};

export type EmulatorAccount = {
	username: string;
	displayName: string;
	/** The account's object ID (`oid`). */
	oid: string;
	tenantId: string;
	tenantDomain: string;
	/** Role template IDs (`wids`). */
	roles: string[];
	/** Display names of those roles, for people. */
	roleNames: string[];
	canRead: boolean;
	canWrite: boolean;
};

export const CONTOSO: EmulatorTenant = {
	id: '7f3d2c1a-5b4e-4f6a-9c8d-0e1f2a3b4c5d',
	domain: 'contoso.onmicrosoft.com',
	displayName: 'Contoso',
};

export const FABRIKAM: EmulatorTenant = {
	id: '4c9e2b71-8f3d-4e6a-b5c2-7d1f0a9e3b68',
	domain: 'fabrikam.onmicrosoft.com',
	displayName: 'Fabrikam',
};

export const TENANTS: readonly EmulatorTenant[] = [CONTOSO, FABRIKAM];

function account(tenant: EmulatorTenant, name: string, displayName: string, oid: string, roles: string[]): EmulatorAccount {
	return {
		username: `${name}@${tenant.domain}`,
		displayName,
		oid,
		tenantId: tenant.id,
		tenantDomain: tenant.domain,
		roles,
		roleNames: roles.map(role => ROLE_NAMES[role] ?? role),
		canRead: roles.some(role => READ_ROLES.includes(role)),
		canWrite: roles.some(role => WRITE_ROLES.includes(role)),
	};
}

export const ACCOUNTS: readonly EmulatorAccount[] = [
	account(CONTOSO, 'admin', 'Contoso Admin', '11f3a2b4-6c5d-4e7f-8a9b-0c1d2e3f4a5b', [ROLE.globalAdministrator]),
	account(CONTOSO, 'billing', 'Contoso Billing', '22e4b3c5-7d6e-4f80-9bac-1d2e3f4a5b6c', [ROLE.billingAdministrator]),
	account(CONTOSO, 'reader', 'Contoso Reader', '33d5c4d6-8e7f-4091-acbd-2e3f4a5b6c7d', [ROLE.globalReader]),
	account(CONTOSO, 'user', 'Contoso User', '44c6d5e7-9f80-41a2-bdce-3f4a5b6c7d8e', []),
	account(FABRIKAM, 'admin', 'Fabrikam Admin', '55b7e6f8-a091-42b3-8edf-4a5b6c7d8e9f', [ROLE.globalAdministrator]),
];

export const DEFAULT_USERNAME = 'admin@contoso.onmicrosoft.com';

export function findAccount(username: string): EmulatorAccount | undefined {
	const wanted = username.trim().toLowerCase();
	return ACCOUNTS.find(candidate => candidate.username === wanted);
}

/** A tenant by its ID or its domain, case-insensitively. */
export function findTenant(idOrDomain: string): EmulatorTenant | undefined {
	const wanted = idOrDomain.trim().toLowerCase();
	return TENANTS.find(tenant => tenant.id === wanted || tenant.domain === wanted);
}

/** The admin of a tenant (auto-approval and `approve` without a user name). */
export function adminOf(tenantId: string): EmulatorAccount | undefined {
	return ACCOUNTS.find(candidate => candidate.tenantId === tenantId && candidate.roles.includes(ROLE.globalAdministrator));
}

/** What an authority's tenant path segment names. */
export type AuthorityTenant = {kind: 'multi'; segment: 'organizations' | 'common'} | {kind: 'tenant'; segment: string; tenant: EmulatorTenant};

export function resolveAuthorityTenant(segment: string): AuthorityTenant | undefined {
	const lower = segment.toLowerCase();
	if (lower === 'organizations' || lower === 'common') return {kind: 'multi', segment: lower};
	const tenant = findTenant(lower);
	return tenant ? {kind: 'tenant', segment, tenant} : undefined;
}
