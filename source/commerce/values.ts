/**
 * The value rules, in one place: which values a row may take (docs/service.md, Values), the order
 * Space cycles through them (docs/architecture.md, The dashboard), and how a user's spelling
 * becomes a PolicyValue; and the same for the tenant-wide switches (docs/switches.md): `on` or
 * `off`, `true` / `false` accepted.
 */
import {knownProduct} from './catalog.js';
import {POLICY_VALUES, type PolicyValue, type Row, type Scope} from './types.js';

const CANONICAL = new Map<string, PolicyValue>(POLICY_VALUES.map(v => [v.toLowerCase(), v]));
// The module's older `-Enabled $true/$false` spelling, and the short names people type.
const ALIASES = new Map<string, PolicyValue>([
	['true', 'Enabled'],
	['$true', 'Enabled'],
	['false', 'Disabled'],
	['$false', 'Disabled'],
	['onlytrials', 'OnlyTrialsWithoutPaymentMethod'],
	['trials', 'OnlyTrialsWithoutPaymentMethod'],
]);

/** A user's spelling of a value (case-insensitive; `true`/`false` as the module's -Enabled), or undefined. */
export function parseValue(text: string): PolicyValue | undefined {
	const key = text.trim().toLowerCase();
	return CANONICAL.get(key) ?? ALIASES.get(key);
}

export function isPolicyValue(value: unknown): value is PolicyValue {
	return typeof value === 'string' && (POLICY_VALUES as readonly string[]).includes(value);
}

/**
 * Whether a row accepts OnlyTrialsWithoutPaymentMethod: the catalog's word for known products,
 * yes where the service already holds that value, and undefined (nobody knows) otherwise.
 */
export function trialWithoutPaymentMethodFor(
	scope: Scope,
	id: string,
	value: PolicyValue,
): boolean | undefined {
	if (scope === 'offerType') return false;
	if (value === 'OnlyTrialsWithoutPaymentMethod') return true;
	return knownProduct(id)?.trialWithoutPaymentMethod;
}

/** The values a row can be given, in cycle order. Unknown products are offered Enabled and Disabled only. */
export function valuesFor(row: Pick<Row, 'scope' | 'trialWithoutPaymentMethod'>): PolicyValue[] {
	if (row.scope === 'product' && row.trialWithoutPaymentMethod === true) return [...POLICY_VALUES];
	return ['Enabled', 'Disabled'];
}

/** The value Space/Enter moves a row to: Enabled → OnlyTrials… (where allowed) → Disabled → Enabled. */
export function nextValue(row: Pick<Row, 'scope' | 'trialWithoutPaymentMethod' | 'value'>): PolicyValue {
	const values = valuesFor(row);
	const at = values.indexOf(row.value);
	return values[(at + 1) % values.length] ?? 'Enabled';
}

export type ValueCheck = {ok: true} | {ok: false; reason: string};

/**
 * Whether a value may be sent for a row. Unknown products may be sent OnlyTrialsWithoutPaymentMethod
 * (the service decides); products the catalog says have no such trial, and offer types, may not.
 */
export function checkValue(
	row: Pick<Row, 'scope' | 'trialWithoutPaymentMethod' | 'name' | 'id'>,
	value: PolicyValue,
): ValueCheck {
	if (value !== 'OnlyTrialsWithoutPaymentMethod') return {ok: true};
	if (row.scope === 'offerType') {
		return {ok: false, reason: `${value} is not allowed for offer types (${row.id}): use Enabled or Disabled`};
	}
	if (row.trialWithoutPaymentMethod === false) {
		return {
			ok: false,
			reason: `${value} is not allowed for ${row.name} (${row.id}): it has no trial without a payment method`,
		};
	}
	return {ok: true};
}

/** Short labels for narrow screens and counts. */
export const VALUE_LABEL: Record<PolicyValue, string> = {
	Enabled: 'Enabled',
	OnlyTrialsWithoutPaymentMethod: 'Trials only',
	Disabled: 'Disabled',
};

/** Counts per value, in the canonical order. */
export function countValues(rows: readonly Pick<Row, 'value'>[]): Record<PolicyValue, number> {
	const counts: Record<PolicyValue, number> = {Enabled: 0, OnlyTrialsWithoutPaymentMethod: 0, Disabled: 0};
	for (const row of rows) counts[row.value] += 1;
	return counts;
}

/** A tenant-wide switch's value as mscommerce shows it (docs/switches.md): Microsoft Graph's true / false. */
export const SWITCH_VALUES = ['on', 'off'] as const;
export type SwitchValue = (typeof SWITCH_VALUES)[number];

const SWITCH_SPELLINGS = new Map<string, SwitchValue>([
	['on', 'on'],
	['off', 'off'],
	['true', 'on'],
	['false', 'off'],
	['$true', 'on'],
	['$false', 'off'],
]);

/** A user's spelling of a switch value: on / off, or true / false as Graph and PowerShell write them (any case); else undefined. */
export function parseSwitchValue(text: string): SwitchValue | undefined {
	return SWITCH_SPELLINGS.get(text.trim().toLowerCase());
}

export function isSwitchValue(value: unknown): value is SwitchValue {
	return value === 'on' || value === 'off';
}

/** Graph's boolean as a switch value. */
export function switchValueOf(enabled: boolean): SwitchValue {
	return enabled ? 'on' : 'off';
}

/** A switch value as Graph's boolean. */
export function switchEnabled(value: SwitchValue): boolean {
	return value === 'on';
}
