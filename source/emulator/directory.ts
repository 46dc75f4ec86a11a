/**
 * The emulator's directory: the demo tenants and their accounts, with the Entra role template
 * IDs (`wids` in a token) that decide what each may do with the licensing service and Graph; the
 * app registrations for app-only sign-in, with their licensing and Graph permissions; GDAP
 * relationships; which tenants consented to Graph's scopes; and, for fleet tests, N synthetic
 * customer tenants. The fixed part is module constants; what one emulator holds (its synthetic
 * tenants, GDAP changed at run time) is a Directory object, so two emulators in one process never
 * see each other's tenants or changes.
 */
import {createHash} from 'node:crypto';


/** Entra ID role template IDs, as they appear in a token's `wids` claim. */
export const ROLE = {
	globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
	billingAdministrator: 'b0f54661-2d74-4c50-afa3-1ec803f12efe',
	globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
	// The roles Microsoft Graph's authorizationPolicy names (docs/graph.md, Roles): none of the
	// fixed accounts has them; a GDAP relationship (setGdap) can give them.
	privilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
	securityReader: '5d6b6bb7-de71-4623-b4af-96380a352509',
	securityOperator: '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f',
	securityAdministrator: '194ae4cb-b126-40b2-bd5b-6091b380977d',
	cloudDeviceAdministrator: '7698a772-787b-4ac8-901f-60d6b08affd2',
	licenseAdministrator: '4d6ac14f-3453-41d0-bef9-a3e0c569773a',
} as const;

// The first three in this order: error messages list them so, and people read them first.
const ROLE_NAMES: Record<string, string> = {
	[ROLE.globalAdministrator]: 'Global Administrator',
	[ROLE.billingAdministrator]: 'Billing Administrator',
	[ROLE.globalReader]: 'Global Reader',
	[ROLE.privilegedRoleAdministrator]: 'Privileged Role Administrator',
	[ROLE.securityReader]: 'Security Reader',
	[ROLE.securityOperator]: 'Security Operator',
	[ROLE.securityAdministrator]: 'Security Administrator',
	[ROLE.cloudDeviceAdministrator]: 'Cloud Device Administrator',
	[ROLE.licenseAdministrator]: 'License Administrator',
};

/** A role's display name from its template ID (the ID itself when the emulator does not know it). */
export function roleName(id: string): string {
	return ROLE_NAMES[id] ?? id;
}

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

/** The fixed tenants, in every emulator (synthetic ones come with `tenantCount`). */
export const TENANTS: readonly EmulatorTenant[] = [CONTOSO, FABRIKAM, NORTHWIND];

function account(tenant: EmulatorTenant, name: string, displayName: string, oid: string, roles: string[]): EmulatorAccount {
	return {
		username: `${name}@${tenant.domain}`,
		displayName,
		oid,
		tenantId: tenant.id,
		tenantDomain: tenant.domain,
		roles,
		roleNames: roles.map(roleName),
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

/** Northwind's engineer: the account GDAP relationships are given to. */
export const PARTNER_USERNAME = 'partner@northwindpartners.onmicrosoft.com';

/**
 * GDAP relationships: which customer tenants a partner account may act in, with which roles
 * (they come in the customer-tenant token's `wids`). Northwind manages Contoso with Billing
 * Administrator (may change policies) and Fabrikam with Global Reader only (403 on a change);
 * a Directory adds Billing Administrator in each of its synthetic tenants, and setGdap changes
 * any of it for one emulator.
 */
export const GDAP: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>> = new Map([
	[PARTNER_USERNAME, new Map([[CONTOSO.id, [ROLE.billingAdministrator]], [FABRIKAM.id, [ROLE.globalReader]]])],
]);

/** A role template ID from its ID or its display name ("Billing Administrator"), case-insensitively. */
export function roleId(nameOrId: string): string | undefined {
	const wanted = nameOrId.trim().toLowerCase();
	return Object.entries(ROLE_NAMES).find(([id, name]) => id === wanted || name.toLowerCase() === wanted)?.[0];
}

/** The License Manager app's application permissions (an app token's `roles`). */
export const APP_ROLE = {
	read: 'Policy.Read.AllowSelfServicePurchase',
	readWrite: 'Policy.ReadWrite.AllowSelfServicePurchase',
} as const;

/**
 * The Microsoft Graph permissions the emulator's Graph routes know (docs/graph.md): the same names
 * as delegated scopes (a user token's `scp`) and as application permissions (an app token's `roles`).
 */
export const GRAPH_PERMISSION = {
	policyRead: 'Policy.Read.All',
	authorizationReadWrite: 'Policy.ReadWrite.Authorization',
	appsRead: 'OrgSettings-AppsAndServices.Read.All',
	appsReadWrite: 'OrgSettings-AppsAndServices.ReadWrite.All',
} as const;

export const GRAPH_PERMISSIONS: readonly string[] = Object.values(GRAPH_PERMISSION);

/** Microsoft's "Microsoft Graph Command Line Tools" public client, registered in every tenant. */
export const GRAPH_CLI_CLIENT_ID = '14d82eec-204b-4c2f-b7e8-296a70dab67e';

/**
 * App registrations for app-only sign-in (client credentials), each in its home tenant with a
 * secret (and a certificate the emulator mints on request), consented for these roles.
 */
export type EmulatorApp = {
	clientId: string;
	displayName: string;
	/** The home tenant, where the app is registered. */
	tenantId: string;
	/** The service principal's object ID in the home tenant (an app token's `oid` there). */
	oid: string;
	secret: string;
	/** Its licensing application permissions (a licensing token's `roles`). */
	roles: string[];
	/** Its Microsoft Graph application permissions (a Graph token's `roles`), admin-consented with the rest. */
	graphRoles: string[];
	/**
	 * A multi-tenant app (AzureADMultipleOrgs): the tenants where an admin consented, which is what
	 * gives it a service principal there, and whether every synthetic tenant did. Without this the
	 * app is single-tenant and signs in only at home.
	 */
	consentedIn?: {tenants: readonly string[]; syntheticTenants: boolean};
};

/** Northwind's multi-tenant app: one app-only run over many customer tenants (the fleet). */
export const FLEET_APP_ID = 'c4a8e2f6-3b7d-4e91-a5c0-8d2f6b1e9a37';

export const APPS: readonly EmulatorApp[] = [
	{
		clientId: '0e7c5a3b-1d2f-4e6a-9b8c-7d6e5f4a3b21',
		displayName: 'Contoso policy automation',
		tenantId: CONTOSO.id,
		oid: '77b9a0b1-c2d3-44e5-a6f7-8091a2b3c4d5',
		secret: 'emulator-secret-readwrite~do-not-use-anywhere-else',
		roles: [APP_ROLE.readWrite],
		graphRoles: [...GRAPH_PERMISSIONS],
	},
	{
		clientId: '5f4e3d2c-1b0a-4988-8776-655443322110',
		displayName: 'Contoso policy report',
		tenantId: CONTOSO.id,
		oid: '88c0b1c2-d3e4-45f6-b708-91a2b3c4d5e6',
		secret: 'emulator-secret-read~do-not-use-anywhere-else',
		roles: [APP_ROLE.read],
		graphRoles: [GRAPH_PERMISSION.policyRead, GRAPH_PERMISSION.appsRead],
	},
	// Registered with `az ad app create`, which makes no service principal: Northwind itself has
	// none, so its own tenant answers AADSTS7000229, a tenant that knows the app but never consented.
	{
		clientId: FLEET_APP_ID,
		displayName: 'Northwind fleet automation',
		tenantId: NORTHWIND.id,
		oid: '99d1c2d3-e4f5-4607-8819-a2b3c4d5e6f7',
		secret: 'emulator-secret-fleet~do-not-use-anywhere-else',
		roles: [APP_ROLE.readWrite],
		graphRoles: [...GRAPH_PERMISSIONS],
		consentedIn: {tenants: [CONTOSO.id, FABRIKAM.id], syntheticTenants: true},
	},
];

export const DEFAULT_USERNAME = 'admin@contoso.onmicrosoft.com';

/** What an authority's tenant path segment names. */
export type AuthorityTenant = {kind: 'multi'; segment: 'organizations' | 'common'} | {kind: 'tenant'; segment: string; tenant: EmulatorTenant};

/** The most synthetic tenants one emulator holds (each costs a small record until first used). */
export const MAX_TENANT_COUNT = 10_000;

/**
 * A GUID derived from text: the first 16 bytes of its SHA-256 with the version 4 and RFC 4122
 * variant bits set, lowercase. Stable across runs and machines, so tests and benchmarks can name
 * a synthetic tenant's ID without a running emulator.
 */
export function guidFrom(text: string): string {
	const hex = createHash('sha256').update(text).digest('hex');
	const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Synthetic customer tenant i (1-based): `customer001.onmicrosoft.com` (at least 3 digits, so
 * customer1000 after customer999), "Customer 1", its ID derived from the domain. The same i gives
 * the same tenant whatever the emulator's tenantCount; an emulator holds it only when i <= its count.
 */
export function syntheticTenant(i: number): EmulatorTenant {
	if (!Number.isInteger(i) || i < 1) throw new RangeError(`A synthetic tenant's number is a whole number from 1, got ${i}`);
	const domain = `customer${String(i).padStart(3, '0')}.onmicrosoft.com`;
	return {id: guidFrom(domain), domain, displayName: `Customer ${i}`};
}

/**
 * One emulator's directory: the fixed tenants, accounts and apps, its synthetic tenants (each
 * with an `admin@` Global Administrator), and GDAP relationships as changed at run time. Built
 * in startEmulator; identity, control and server ask it, never module state.
 */
export class Directory {
	readonly tenantCount: number;
	/** The fixed tenants, then customer001… */
	readonly tenants: readonly EmulatorTenant[];
	/** The fixed accounts, then each synthetic tenant's admin. */
	readonly accounts: readonly EmulatorAccount[];
	readonly apps: readonly EmulatorApp[] = APPS;
	readonly #tenants = new Map<string, EmulatorTenant>(); // by ID and by domain
	readonly #accounts = new Map<string, EmulatorAccount>();
	readonly #admins = new Map<string, EmulatorAccount>(); // by tenant ID
	readonly #synthetic = new Set<string>(); // tenant IDs
	// setGdap's changes over the defaults (GDAP, and the partner's role in synthetic tenants), by
	// user name then tenant ID; null: the relationship was ended.
	readonly #gdap = new Map<string, Map<string, readonly string[] | null>>();
	// setGraphConsent's changes, by tenant ID: whether an admin there consented to the Graph scopes.
	readonly #graphConsent = new Map<string, boolean>();

	constructor(options: {tenantCount?: number} = {}) {
		const count = options.tenantCount ?? 0;
		if (!Number.isInteger(count) || count < 0 || count > MAX_TENANT_COUNT) {
			throw new RangeError(`Emulator option tenantCount must be a whole number from 0 to ${MAX_TENANT_COUNT}, got ${count}`);
		}
		this.tenantCount = count;
		const tenants = [...TENANTS];
		const accounts = [...ACCOUNTS];
		// A record per tenant and one for its admin, nothing more: policy state comes on first use (state.ts).
		for (let i = 1; i <= count; i += 1) {
			const tenant = syntheticTenant(i);
			tenants.push(tenant);
			this.#synthetic.add(tenant.id);
			const username = `admin@${tenant.domain}`;
			accounts.push(account(tenant, 'admin', `${tenant.displayName} Admin`, guidFrom(username), [ROLE.globalAdministrator]));
		}
		this.tenants = tenants;
		this.accounts = accounts;
		for (const tenant of tenants) {
			this.#tenants.set(tenant.id, tenant);
			this.#tenants.set(tenant.domain, tenant);
		}
		for (const candidate of accounts) {
			this.#accounts.set(candidate.username, candidate);
			if (!this.#admins.has(candidate.tenantId) && candidate.roles.includes(ROLE.globalAdministrator)) this.#admins.set(candidate.tenantId, candidate);
		}
	}

	/** A tenant by its ID or its domain, case-insensitively. */
	findTenant(idOrDomain: string): EmulatorTenant | undefined {
		return this.#tenants.get(idOrDomain.trim().toLowerCase());
	}

	findAccount(username: string): EmulatorAccount | undefined {
		return this.#accounts.get(username.trim().toLowerCase());
	}

	/** The admin of a tenant (auto-approval and `approve` without a user name). */
	adminOf(tenantId: string): EmulatorAccount | undefined {
		return this.#admins.get(tenantId.toLowerCase());
	}

	findApp(clientId: string): EmulatorApp | undefined {
		const wanted = clientId.trim().toLowerCase();
		return this.apps.find(app => app.clientId === wanted);
	}

	/**
	 * The app's service principal in a tenant, as its object ID (an app token's `oid`), or undefined
	 * when it has none there: a single-tenant app has one at home only; a multi-tenant app where an
	 * admin consented, with an object ID of that tenant's own.
	 */
	servicePrincipal(app: EmulatorApp, tenantId: string): string | undefined {
		const id = tenantId.toLowerCase();
		const consent = app.consentedIn;
		if (!consent) return id === app.tenantId ? app.oid : undefined;
		const consented = consent.tenants.includes(id) || (consent.syntheticTenants && this.#synthetic.has(id));
		if (!consented) return undefined;
		return id === app.tenantId ? app.oid : guidFrom(`${app.clientId}/${id}`);
	}

	resolveAuthorityTenant(segment: string): AuthorityTenant | undefined {
		const lower = segment.toLowerCase();
		if (lower === 'organizations' || lower === 'common') return {kind: 'multi', segment: lower};
		const tenant = this.findTenant(lower);
		return tenant ? {kind: 'tenant', segment, tenant} : undefined;
	}

	/** The roles a GDAP relationship gives an account in a customer tenant, if it has one there. */
	gdapRoles(username: string, tenantId: string): readonly string[] | undefined {
		const user = username.trim().toLowerCase();
		const tenant = tenantId.trim().toLowerCase();
		const changed = this.#gdap.get(user);
		if (changed?.has(tenant)) return changed.get(tenant) ?? undefined;
		const fixed = GDAP.get(user)?.get(tenant);
		if (fixed) return fixed;
		return user === PARTNER_USERNAME && this.#synthetic.has(tenant) ? [ROLE.billingAdministrator] : undefined;
	}

	/**
	 * Sets (roles: names or template IDs; [] is a relationship without a role) or ends (null) the
	 * GDAP relationship of an account in another tenant of this directory. Returns what was set.
	 * Messages never start with "No ": the control route answers those 404, and these are bad input.
	 */
	setGdap(username: string, tenant: string, roles: readonly string[] | null): {username: string; tenantId: string; roles: string[] | null} {
		const found = this.findAccount(username);
		if (!found) throw new RangeError(`username: there is no account ${username} (use one of ${this.describeAccounts()})`);
		const customer = this.findTenant(tenant);
		if (!customer) throw new RangeError(`tenant: there is no tenant ${tenant} (use ${this.describeTenants()}, or a tenant ID)`);
		if (customer.id === found.tenantId) throw new RangeError(`tenant: ${customer.domain} is the home tenant of ${found.username}; GDAP gives access to other tenants`);
		let ids: string[] | null = null;
		if (roles !== null) {
			ids = [];
			for (const role of roles) {
				const id = roleId(role);
				if (!id) throw new RangeError(`roles: "${role}" is not a role the emulator knows (use ${Object.values(ROLE_NAMES).join(', ')}, or their template IDs)`);
				if (!ids.includes(id)) ids.push(id);
			}
		}
		let changes = this.#gdap.get(found.username);
		if (!changes) this.#gdap.set(found.username, (changes = new Map()));
		changes.set(customer.id, ids);
		return {username: found.username, tenantId: customer.id, roles: ids};
	}

	/**
	 * Whether an admin of the tenant consented to the four Graph scopes (GRAPH_PERMISSIONS) for the
	 * program's clients: everywhere but Fabrikam, unless setGraphConsent changed it. Without it a
	 * token request for them answers AADSTS65001 (docs/graph.md, Consent).
	 */
	graphConsented(tenantId: string): boolean {
		const id = tenantId.trim().toLowerCase();
		return this.#graphConsent.get(id) ?? id !== FABRIKAM.id;
	}

	/** An admin grants (or revokes) consent to the Graph scopes in a tenant (by ID or domain). */
	setGraphConsent(tenant: string, granted: boolean): {tenantId: string; granted: boolean} {
		const found = this.findTenant(tenant);
		if (!found) throw new RangeError(`tenant: there is no tenant ${tenant} (use ${this.describeTenants()}, or a tenant ID)`);
		this.#graphConsent.set(found.id, granted);
		return {tenantId: found.id, granted};
	}

	/** The accounts, for a message: the fixed ones by name and the synthetic admins as a range. */
	describeAccounts(): string {
		const fixed = ACCOUNTS.map(a => a.username).join(', ');
		return this.tenantCount === 0 ? fixed : `${fixed}, admin@${this.#range()}`;
	}

	/** The tenants' domains, for a message, the synthetic ones as a range. */
	describeTenants(): string {
		const fixed = TENANTS.map(t => t.domain).join(', ');
		return this.tenantCount === 0 ? fixed : `${fixed}, ${this.#range()}`;
	}

	#range(): string {
		const first = syntheticTenant(1).domain;
		return this.tenantCount === 1 ? first : `${first.replace(/\.onmicrosoft\.com$/, '')}…${syntheticTenant(this.tenantCount).domain}`;
	}
}
