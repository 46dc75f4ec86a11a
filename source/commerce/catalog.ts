/**
 * What the program knows about products beyond what the service says: which accept trials
 * without a payment method, which product IDs were replaced (docs/service.md, Product IDs), and which IDs
 * are offer types. The data is Microsoft's product table brought to the page revision named in
 * catalog.json (`revision`); the service stays the authority on what exists.
 */
import catalogJson from './catalog.json' with {type: 'json'};
import type {PolicyValue} from './types.js';

export type CatalogProduct = {
	productName: string;
	productId: string;
	trialWithoutPaymentMethod: boolean;
	idChanged: boolean;
	formerIds?: string[];
};

export type CatalogOfferType = {scopeId: string; scopeValue: string};

export type Catalog = {
	/** The date of Microsoft's page revision the catalog follows (YYYY-MM-DD). */
	revision: string;
	policies: Array<{id: string; description: string; defaultValue: PolicyValue}>;
	products: CatalogProduct[];
	offerTypes: CatalogOfferType[];
};

export const catalog = catalogJson as unknown as Catalog;

const byId = new Map<string, CatalogProduct>();
const byFormerId = new Map<string, CatalogProduct>();
for (const product of catalog.products) {
	byId.set(product.productId.toUpperCase(), product);
	for (const former of product.formerIds ?? []) byFormerId.set(former.toUpperCase(), product);
}

/** The catalog entry for a current product ID, case-insensitively. */
export function knownProduct(productId: string): CatalogProduct | undefined {
	return byId.get(productId.toUpperCase());
}

/** The current product a former ID now stands for, if the ID is a known former one. */
export function productForFormerId(productId: string): CatalogProduct | undefined {
	return byFormerId.get(productId.toUpperCase());
}

// Every product ID the service has shown is CFQ7TTC0 and four letters or digits; offer type IDs
// (SaaS, POWERBIVISUALS) never look like that.
const PRODUCT_ID = /^CFQ7TTC0[0-9A-Z]{4}$/i;

/** Whether an ID has the shape of a product ID (current or former), known to the catalog or not. */
export function looksLikeProductId(id: string): boolean {
	return PRODUCT_ID.test(id);
}

const offerTypesById = new Map(catalog.offerTypes.map(offer => [offer.scopeId.toUpperCase(), offer]));

/** The catalog entry for an offer type ID, case-insensitively. */
export function knownOfferType(scopeId: string): CatalogOfferType | undefined {
	return offerTypesById.get(scopeId.toUpperCase());
}
