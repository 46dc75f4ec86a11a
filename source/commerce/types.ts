/**
 * The licensing service's own shapes (camelCase, as docs/service.md, Routes, shows them) and the
 * row type both faces of the program (dashboard and CLI) work with.
 */

export const POLICY_VALUES = ['Enabled', 'OnlyTrialsWithoutPaymentMethod', 'Disabled'] as const;
export type PolicyValue = (typeof POLICY_VALUES)[number];

export const DEFAULT_POLICY_ID = 'AllowSelfServicePurchase';

/** `GET /v1.0/policies/{P}` */
export type Policy = {
	id: string;
	description: string;
	defaultValue: PolicyValue;
};

/** An item of `GET /v1.0/policies/{P}/products?scope=product` and `GET .../products/{X}`. */
export type ProductPolicy = {
	policyId: string;
	policyValue: PolicyValue;
	productName: string;
	productId: string;
	scope?: string;
};

/** An item of `GET /v1.0/policies/{P}/products?scope=OfferType` and `GET .../offerTypes/{O}`. */
export type OfferTypePolicy = {
	policyId: string;
	policyValue: PolicyValue;
	scope: string;
	scopeId: string;
	scopeValue: string;
};

export type Scope = 'product' | 'offerType';

/**
 * One row of either list, as the program shows and changes it. `id` is the key (a product ID
 * or an offer type ID), never the name: several products can share a name.
 */
export type Row = {
	scope: Scope;
	id: string;
	name: string;
	value: PolicyValue;
	/**
	 * Whether the row accepts OnlyTrialsWithoutPaymentMethod: true or false where the catalog
	 * knows the product (or the service already holds that value), undefined where nobody knows.
	 * Always false for offer types.
	 */
	trialWithoutPaymentMethod: boolean | undefined;
};
