/**
 * What the program knows about products beyond what the service says: which accept trials
 * without a payment method, and which product IDs were replaced (the seed's asterisk).
 * The data is the seed's catalog (catalog.json); the service stays the authority on what exists.
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
