/**
 * `mscommerce explain PRODUCT`: who can buy or trial a product, from its self-service purchase
 * value and the tenant-wide switches together. One pure function; docs/switches.md has its truth
 * table, each combination marked documented (with the Microsoft page it rests on) or inferred.
 * Nothing here reads the network: the caller gives what it could read, and why not the rest.
 */
import type {PolicyValue} from '../commerce/types.js';
import type {SwitchValue} from '../commerce/values.js';
import {definitionOf, type SwitchName} from './definitions.js';

/** A switch as explain sees it: its value, or why it is not known. */
export type SwitchFact = SwitchValue | {unknown: string};

export type ExplainInput = {
	product: {id: string; name: string; value: PolicyValue};
	/** What could be read; a switch left out is not known. */
	switches: Partial<Record<SwitchName, SwitchFact>>;
};

/**
 * - `buy`: users may buy it (and trial it) themselves;
 * - `trial-only`: they may start a trial without a payment method, not buy;
 * - `trial`: not buy, but a trial can still start (on behalf of the organization);
 * - `none`: no documented way for users to buy or trial it;
 * - `unknown`: not buy; whether a trial can start is not known (a switch could not be read).
 */
export type Verdict = 'buy' | 'trial-only' | 'trial' | 'none' | 'unknown';

export type Explanation = {
	verdict: Verdict;
	/** The answer in one sentence. */
	sentence: string;
	/** Further ways in that are open, or facts that qualify the answer. */
	notes: string[];
	/** What the answer does not cover: always said. */
	notCovered: string[];
	/** Whether the answer rests on Microsoft's documentation, or is inferred (docs/switches.md). */
	basis: 'documented' | 'inferred';
	/** Where the basis comes from, in words. */
	source: string;
};

/** Always said: what no answer of mscommerce covers (docs/switches.md, What is not covered). */
export const NOT_COVERED = [
	"Fabric / Power BI's own tenant setting that lets users try paid features (Fabric admin portal → Tenant settings): mscommerce does not read it.",
	'Any admin-center setting that Microsoft has not documented an API for.',
] as const;

const DOCUMENTED_PRODUCT = "Microsoft's AllowSelfServicePurchase documentation (learn.microsoft.com: Use AllowSelfServicePurchase for the MSCommerce PowerShell module; Manage self-service purchases and trials)";
const DOCUMENTED_SWITCH = "Microsoft Graph's adminAppsAndServices (beta): isAppAndServicesTrialEnabled";
const INFERRED_TRIALS =
	'public reports (CIPP issue 5737: every product Disabled, users still start trials while "Let users start trials on behalf of your organization" is on; Microsoft365DSC issue 6723); Microsoft documents neither how the two combine nor answers docs issue 11268';

const VALUE_WORDS: Record<PolicyValue, string> = {
	Enabled: 'Enabled for purchase',
	OnlyTrialsWithoutPaymentMethod: 'Trials only (without a payment method)',
	Disabled: 'Disabled for purchase',
};

function said(name: SwitchName, value: SwitchValue): string {
	return `${definitionOf(name).label} is ${value}`;
}

function factOf(input: ExplainInput, name: SwitchName): SwitchFact {
	return input.switches[name] ?? {unknown: 'it could not be read'};
}

/** The combined answer for one product (the truth table of docs/switches.md). */
export function explain(input: ExplainInput): Explanation {
	const {product} = input;
	const trials = factOf(input, 'trialsOnBehalfOfOrg');
	const signUp = factOf(input, 'emailSignUp');
	const notes: string[] = [];
	const notCovered = [...NOT_COVERED];
	// What is not known is said once per reason (one failed sign-in hides every switch).
	const unknown = new Map<string, string[]>();
	const notKnown = (name: SwitchName, fact: SwitchFact) => {
		if (typeof fact !== 'object') return;
		unknown.set(fact.unknown, [...(unknown.get(fact.unknown) ?? []), definitionOf(name).label]);
	};
	// A Disabled product's sentence says it for the trials switch itself.
	if (product.value !== 'Disabled') notKnown('trialsOnBehalfOfOrg', trials);
	notKnown('emailSignUp', signUp);
	for (const [reason, labels] of unknown) notes.push(`Not known whether ${labels.join(' or ')} ${labels.length > 1 ? 'are' : 'is'} on: ${reason}.`);
	if (signUp === 'on') {
		notes.push(
			`Users can still sign up for email-based subscriptions (self-service sign-up, such as free offers): ${said('emailSignUp', 'on')}. That is neither buying nor a trial of this product; how it relates to self-service purchase is not documented (docs issue 2245).`,
		);
	}
	const head = VALUE_WORDS[product.value];
	if (product.value === 'Enabled') {
		if (trials === 'off') {
			notes.unshift(`${capitalise(said('trialsOnBehalfOfOrg', 'off'))}; whether that also stops this product's own self-service trial is not documented.`);
		}
		return {verdict: 'buy', sentence: `${head}: users can buy it, and start a trial, themselves`, notes, notCovered, basis: 'documented', source: DOCUMENTED_PRODUCT};
	}
	if (product.value === 'OnlyTrialsWithoutPaymentMethod') {
		return {verdict: 'trial-only', sentence: `${head}: users can start a trial without a payment method, but not buy it`, notes, notCovered, basis: 'documented', source: DOCUMENTED_PRODUCT};
	}
	if (trials === 'on') {
		return {verdict: 'trial', sentence: `${head}; a trial can still start: ${said('trialsOnBehalfOfOrg', 'on')}`, notes, notCovered, basis: 'inferred', source: INFERRED_TRIALS};
	}
	if (trials === 'off') {
		return {
			verdict: 'none',
			sentence: `${head}; no documented way for users to buy or trial it: ${said('trialsOnBehalfOfOrg', 'off')}`,
			notes,
			notCovered,
			basis: 'documented',
			source: `${DOCUMENTED_PRODUCT}; ${DOCUMENTED_SWITCH}`,
		};
	}
	return {
		verdict: 'unknown',
		sentence: `${head}; whether a trial can still start on behalf of the organization is not known: ${trials.unknown}`,
		notes,
		notCovered,
		basis: 'documented',
		source: DOCUMENTED_PRODUCT,
	};
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
