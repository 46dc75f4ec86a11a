/**
 * The policy values each tenant holds, in memory, created on first use from the catalog (plus any
 * synthetic products and products "Microsoft added" since start), and beside them the tenant-wide
 * settings Microsoft Graph serves (docs/graph.md): authorizationPolicy and adminAppsAndServices.
 */
import {HOSTILE, HOSTILE_PRODUCT_ID} from './hostile.js';
import {catalog} from '../commerce/catalog.js';
import type {OfferTypePolicy, Policy, PolicyValue, ProductPolicy} from '../commerce/types.js';

export type ProductSeed = {
	productId: string;
	productName: string;
	trialWithoutPaymentMethod: boolean;
	policyValue?: PolicyValue;
};

export type ProductEntry = {
	productId: string;
	productName: string;
	trialWithoutPaymentMethod: boolean;
	policyValue: PolicyValue;
};

export type OfferTypeEntry = {scopeId: string; scopeValue: string; policyValue: PolicyValue};

export type Preset = 'fresh' | 'demo';

/**
 * The four tenant-wide switches beside the self-service purchase policy: two properties of Graph's
 * authorizationPolicy (v1.0) and the two settings of adminAppsAndServices (beta). All on by default.
 */
export type Switches = {
	allowedToSignUpEmailBasedSubscriptions: boolean;
	allowEmailVerifiedUsersToJoinOrganization: boolean;
	isAppAndServicesTrialEnabled: boolean;
	isOfficeStoreEnabled: boolean;
};

export const SWITCH_NAMES: readonly (keyof Switches)[] = [
	'allowedToSignUpEmailBasedSubscriptions',
	'allowEmailVerifiedUsersToJoinOrganization',
	'isAppAndServicesTrialEnabled',
	'isOfficeStoreEnabled',
];

/** defaultUserRolePermissions, as a new tenant has it. */
export type DefaultUserRolePermissions = {
	allowedToCreateApps: boolean;
	allowedToCreateSecurityGroups: boolean;
	allowedToCreateTenants: boolean;
	allowedToReadBitlockerKeysForOwnedDevice: boolean;
	allowedToReadOtherUsers: boolean;
	permissionGrantPoliciesAssigned: string[];
};

/** authorizationPolicy's properties (all but id), in the order Graph answers them. */
export type AuthorizationPolicyState = {
	displayName: string;
	description: string;
	allowInvitesFrom: string;
	allowedToSignUpEmailBasedSubscriptions: boolean;
	allowedToUseSSPR: boolean;
	allowEmailVerifiedUsersToJoinOrganization: boolean;
	allowUserConsentForRiskyApps: boolean;
	blockMsolPowerShell: boolean;
	guestUserRoleId: string;
	defaultUserRolePermissions: DefaultUserRolePermissions;
};

export type AppsAndServicesSettings = {isAppAndServicesTrialEnabled: boolean; isOfficeStoreEnabled: boolean};

/** The Guest User role template: a new tenant's guests get it. */
export const GUEST_USER_ROLE_ID = '10dae51f-b6af-4016-8d66-8c2a99b929b3';

function defaultAuthorizationPolicy(): AuthorizationPolicyState {
	return {
		displayName: 'Authorization Policy',
		description: 'Used to manage authorization related settings across the company.',
		allowInvitesFrom: 'everyone',
		allowedToSignUpEmailBasedSubscriptions: true,
		allowedToUseSSPR: true,
		allowEmailVerifiedUsersToJoinOrganization: true,
		allowUserConsentForRiskyApps: false,
		blockMsolPowerShell: false,
		guestUserRoleId: GUEST_USER_ROLE_ID,
		defaultUserRolePermissions: {
			allowedToCreateApps: true,
			allowedToCreateSecurityGroups: true,
			allowedToCreateTenants: true,
			allowedToReadBitlockerKeysForOwnedDevice: true,
			allowedToReadOtherUsers: true,
			permissionGrantPoliciesAssigned: ['ManagePermissionGrantsForSelf.microsoft-user-default-legacy'],
		},
	};
}

/** The offer-type list's `scope` value, as the module shows it. */
export const OFFER_TYPE_SCOPE = 'OfferType';

export const POLICIES: readonly Policy[] = catalog.policies;

/** A policy by ID, case-insensitively. */
export function findPolicy(id: string): Policy | undefined {
	const wanted = id.toLowerCase();
	return POLICIES.find(policy => policy.id.toLowerCase() === wanted);
}

// Former product IDs (docs/service.md, Product IDs) stand for the current ID everywhere.
const FORMER_IDS = new Map<string, string>();
for (const product of catalog.products) {
	for (const former of product.formerIds ?? []) FORMER_IDS.set(former.toUpperCase(), product.productId.toUpperCase());
}

// The demo preset: a realistic tenant where an admin already made a few decisions.
const DEMO_DISABLED = new Set(['CFQ7TTC0H9MP', 'CFQ7TTC0LSGZ', 'CFQ7TTC0H6RP', 'CFQ7TTC0HDB0']);
const DEMO_TRIALS_ONLY = new Set(['CFQ7TTC0J1FV', 'CFQ7TTC0PW0V']);
const DEMO_DISABLED_OFFER_TYPE = 'POWERBIVISUALS';

const SYNTHETIC_WORDS = [
	'Analytics',
	'Forms',
	'Ledger',
	'Insights',
	'Planner',
	'Canvas',
	'Vault',
	'Studio',
	'Connect',
	'Assist',
	'Capture',
	'Pulse',
];

/**
 * N synthetic products for scale tests: IDs `CFQ7TTC0` + 4 base-36 characters (never a catalog ID),
 * names "Northwind <word> <n>", one in three with a trial without payment method, and every 97th
 * sharing the previous product's name (the service allows that: the ID is the key).
 */
export function syntheticProducts(count: number): ProductSeed[] {
	const taken = new Set<string>([...catalog.products.map(p => p.productId.toUpperCase()), ...FORMER_IDS.keys()]);
	const space = 36 ** 4;
	const products: ProductSeed[] = [];
	let cursor = 0;
	for (let n = 0; n < count && cursor < space; cursor += 1) {
		// 7919 is coprime with 36^4, so this walks every suffix once, in a scattered order.
		const suffix = ((cursor * 7919 + 104_729) % space).toString(36).toUpperCase().padStart(4, '0');
		const productId = `CFQ7TTC0${suffix}`;
		if (taken.has(productId)) continue;
		taken.add(productId);
		const previous = products.at(-1);
		const productName =
			n % 97 === 96 && previous
				? previous.productName
				: `Northwind ${SYNTHETIC_WORDS[n % SYNTHETIC_WORDS.length] ?? 'Suite'} ${n + 1}`;
		products.push({productId, productName, trialWithoutPaymentMethod: n % 3 === 0});
		n += 1;
	}
	return products;
}

export class TenantPolicies {
	readonly products: ProductEntry[] = [];
	readonly offerTypes: OfferTypeEntry[];
	/** Graph's authorizationPolicy of this tenant (a PATCH changes it in place). */
	readonly authorizationPolicy: AuthorizationPolicyState = defaultAuthorizationPolicy();
	/** Graph's adminAppsAndServices settings of this tenant. */
	readonly appsAndServices: AppsAndServicesSettings = {isAppAndServicesTrialEnabled: true, isOfficeStoreEnabled: true};
	readonly #products = new Map<string, ProductEntry>();
	readonly #offerTypes = new Map<string, OfferTypeEntry>();
	// Serialized lists, until the next change: 10,000 rows then answer in a few ms.
	readonly #lists = new Map<string, string>();

	constructor(seeds: readonly ProductSeed[], preset: Preset) {
		seeds.forEach((seed, index) => {
			this.add({...seed, policyValue: seed.policyValue ?? presetValue(seed, index, preset)});
		});
		this.offerTypes = catalog.offerTypes.map(offer => ({
			scopeId: offer.scopeId,
			scopeValue: offer.scopeValue,
			policyValue: preset === 'demo' && offer.scopeId === DEMO_DISABLED_OFFER_TYPE ? 'Disabled' : 'Enabled',
		}));
		for (const offer of this.offerTypes) this.#offerTypes.set(offer.scopeId.toUpperCase(), offer);
	}

	/** Adds a product; false when its ID is already there. */
	add(seed: ProductSeed): boolean {
		const key = seed.productId.toUpperCase();
		if (this.#products.has(key) || FORMER_IDS.has(key)) return false;
		const entry: ProductEntry = {
			productId: seed.productId,
			productName: seed.productName,
			trialWithoutPaymentMethod: seed.trialWithoutPaymentMethod,
			policyValue: seed.policyValue ?? 'Enabled',
		};
		this.products.push(entry);
		this.#products.set(key, entry);
		this.#lists.clear();
		return true;
	}

	setProductValue(entry: ProductEntry, value: PolicyValue): void {
		entry.policyValue = value;
		this.#lists.clear();
	}

	setOfferTypeValue(entry: OfferTypeEntry, value: PolicyValue): void {
		entry.policyValue = value;
		this.#lists.clear();
	}

	/** The `{items: [...]}` body of a list, serialized once per change. */
	listBody(policyId: string, scope: 'product' | 'offerType'): string {
		const key = `${policyId}\n${scope}`;
		let body = this.#lists.get(key);
		if (body === undefined) {
			const items =
				scope === 'product'
					? this.products.map(entry => productItem(policyId, entry, true))
					: this.offerTypes.map(entry => offerTypeItem(policyId, entry));
			body = JSON.stringify({items});
			this.#lists.set(key, body);
		}
		return body;
	}

	/** A product by its current or former ID, case-insensitively. */
	product(id: string): ProductEntry | undefined {
		const key = id.toUpperCase();
		return this.#products.get(FORMER_IDS.get(key) ?? key);
	}

	offerType(id: string): OfferTypeEntry | undefined {
		return this.#offerTypes.get(id.toUpperCase());
	}

	/** A product with a hostile name, and SaaS renamed to hostile text. */
	makeHostile(): void {
		this.add({productId: HOSTILE_PRODUCT_ID, productName: HOSTILE.productName, trialWithoutPaymentMethod: false});
		const saas = this.offerType('SaaS');
		if (saas) saas.scopeValue = HOSTILE.offerTypeName;
		this.#lists.clear();
	}

	/** The four switches as they stand. */
	switches(): Switches {
		const {allowedToSignUpEmailBasedSubscriptions, allowEmailVerifiedUsersToJoinOrganization} = this.authorizationPolicy;
		return {allowedToSignUpEmailBasedSubscriptions, allowEmailVerifiedUsersToJoinOrganization, ...this.appsAndServices};
	}

	/** Sets some of the switches (the others keep their values). */
	setSwitches(values: Partial<Switches>): void {
		for (const name of SWITCH_NAMES) {
			const value = values[name];
			if (value === undefined) continue;
			if (name === 'isAppAndServicesTrialEnabled' || name === 'isOfficeStoreEnabled') this.appsAndServices[name] = value;
			else this.authorizationPolicy[name] = value;
		}
	}

	snapshot(policyId: string): {products: ProductPolicy[]; offerTypes: OfferTypePolicy[]; switches: Switches} {
		return {
			products: this.products.map(entry => productItem(policyId, entry)),
			offerTypes: this.offerTypes.map(entry => offerTypeItem(policyId, entry)),
			switches: this.switches(),
		};
	}
}

function presetValue(seed: ProductSeed, index: number, preset: Preset): PolicyValue {
	if (preset !== 'demo') return 'Enabled';
	const id = seed.productId.toUpperCase();
	if (DEMO_DISABLED.has(id)) return 'Disabled';
	if (DEMO_TRIALS_ONLY.has(id)) return 'OnlyTrialsWithoutPaymentMethod';
	// Synthetic products get the same kind of mix.
	if (index >= catalog.products.length) {
		if (index % 7 === 0) return 'Disabled';
		if (index % 11 === 0 && seed.trialWithoutPaymentMethod) return 'OnlyTrialsWithoutPaymentMethod';
	}
	return 'Enabled';
}

/** A product row as the service answers it (`scope` only in lists: docs/service.md, Routes). */
export function productItem(policyId: string, entry: ProductEntry, inList = false): ProductPolicy {
	const item: ProductPolicy = {
		policyId,
		policyValue: entry.policyValue,
		productName: entry.productName,
		productId: entry.productId,
	};
	if (inList) item.scope = 'product';
	return item;
}

export function offerTypeItem(policyId: string, entry: OfferTypeEntry): OfferTypePolicy {
	return {
		policyId,
		policyValue: entry.policyValue,
		scope: OFFER_TYPE_SCOPE,
		scopeId: entry.scopeId,
		scopeValue: entry.scopeValue,
	};
}

/** Every tenant's policies, created on first use. */
export class PolicyStore {
	/** Hostile text everywhere the service answers with names and descriptions (source/emulator/hostile.ts). */
	hostile = false;
	/**
	 * Whether Graph's beta serves /admin/appsAndServices: service-wide, like a beta resource that
	 * Microsoft withdraws (or has not rolled out); false makes it answer as Graph does for a
	 * segment it does not know (docs/graph.md).
	 */
	betaAvailable = true;
	readonly #tenants = new Map<string, TenantPolicies>();
	readonly #seeds: ProductSeed[];
	readonly #preset: Preset;

	constructor(options: {syntheticProducts?: number; preset?: Preset} = {}) {
		this.#seeds = [
			...catalog.products.map(p => ({
				productId: p.productId,
				productName: p.productName,
				trialWithoutPaymentMethod: p.trialWithoutPaymentMethod,
			})),
			...syntheticProducts(options.syntheticProducts ?? 0),
		];
		this.#preset = options.preset ?? 'fresh';
	}

	/** How many tenants have state so far: a tenant costs nothing here until a request or control route touches it. */
	get size(): number {
		return this.#tenants.size;
	}

	tenant(tenantId: string): TenantPolicies {
		const key = tenantId.toLowerCase();
		let tenant = this.#tenants.get(key);
		if (!tenant) {
			tenant = new TenantPolicies(this.#seeds, this.#preset);
			if (this.hostile) tenant.makeHostile();
			this.#tenants.set(key, tenant);
		}
		return tenant;
	}

	/** Every tenant, now and later, gets a hostile product and a hostile offer type name. */
	makeHostile(): void {
		this.hostile = true;
		for (const tenant of this.#tenants.values()) tenant.makeHostile();
	}

	/**
	 * "Microsoft adds a product": to one tenant, or (without a tenant) to every tenant, including
	 * those not created yet. Throws when the ID is already taken where it is added.
	 */
	addProduct(seed: ProductSeed, tenantId?: string): void {
		if (tenantId !== undefined) {
			if (!this.tenant(tenantId).add(seed)) throw new Error(`Product ${seed.productId} already exists in tenant ${tenantId}`);
			return;
		}
		const key = seed.productId.toUpperCase();
		if (this.#seeds.some(existing => existing.productId.toUpperCase() === key) || FORMER_IDS.has(key)) {
			throw new Error(`Product ${seed.productId} already exists`);
		}
		this.#seeds.push(seed);
		for (const tenant of this.#tenants.values()) tenant.add(seed);
	}
}
