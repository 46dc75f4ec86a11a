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

/** Roles that may change a policy value (docs/service.md, Roles and permissions: Global admin or Billing admin). */
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

/** A Microsoft partner (an MSP) that manages customer tenants through GDAP. */
export const NORTHWIND: EmulatorTenant = {
	id: '9b1d7e3f-2a4c-4b6d-8e0f-1a2b3c4d5e6f',
	domain: 'northwindpartners.onmicrosoft.com',
	displayName: 'Northwind Partners',
};

export const TENANTS: readonly EmulatorTenant[] = [CONTOSO, FABRIKAM, NORTHWIND];

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
	account(NORTHWIND, 'partner', 'Northwind Partner Engineer', '66a8f7a9-b1a2-43c4-9fe0-5b6c7d8e9fa0', [ROLE.globalAdministrator]),
];

/**
 * GDAP relationships: which customer tenants a partner account may act in, with which roles
 * (they come in the customer-tenant token's `wids`). Northwind manages Contoso with Billing
 * Administrator (may change policies) and Fabrikam with Global Reader only (403 on a change).
 */
export const GDAP: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>> = new Map([
	['partner@northwindpartners.onmicrosoft.com', new Map([[CONTOSO.id, [ROLE.billingAdministrator]], [FABRIKAM.id, [ROLE.globalReader]]])],
]);

/** The roles a GDAP relationship gives an account in a customer tenant, if it has one there. */
export function gdapRoles(username: string, tenantId: string): readonly string[] | undefined {
	return GDAP.get(username.toLowerCase())?.get(tenantId.toLowerCase());
}

/** The License Manager app's application permissions (an app token's `roles`). */
export const APP_ROLE = {
	read: 'Policy.Read.AllowSelfServicePurchase',
	readWrite: 'Policy.ReadWrite.AllowSelfServicePurchase',
} as const;

/**
 * App registrations for app-only sign-in (client credentials), each in its home tenant with a
 * secret (and a certificate the emulator mints on request), consented for these roles.
 */
export type EmulatorApp = {clientId: string; displayName: string; tenantId: string; oid: string; secret: string; roles: string[]};

export const APPS: readonly EmulatorApp[] = [
	{
		clientId: '0e7c5a3b-1d2f-4e6a-9b8c-7d6e5f4a3b21',
		displayName: 'Contoso policy automation',
		tenantId: CONTOSO.id,
		oid: '77b9a0b1-c2d3-44e5-a6f7-8091a2b3c4d5',
		secret: 'emulator-secret-readwrite~do-not-use-anywhere-else',
		roles: [APP_ROLE.readWrite],
	},
	{
		clientId: '5f4e3d2c-1b0a-4988-8776-655443322110',
		displayName: 'Contoso policy report',
		tenantId: CONTOSO.id,
		oid: '88c0b1c2-d3e4-45f6-b708-91a2b3c4d5e6',
		secret: 'emulator-secret-read~do-not-use-anywhere-else',
		roles: [APP_ROLE.read],
	},
];

export function findApp(clientId: string): EmulatorApp | undefined {
	const wanted = clientId.trim().toLowerCase();
	return APPS.find(app => app.clientId === wanted);
}

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
