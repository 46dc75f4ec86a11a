/**
 * What the dashboard needs from the rest of the program. The real one (source/ui/realBackend.ts)
 * is built on source/auth and source/commerce; component tests pass a small in-memory one.
 * Every method rejects with anything; the UI turns it into a Problem with classify().
 */
import type {AccountSummary, DeviceCodePrompt} from '../auth/types.js';
import type {Policy, PolicyValue, Row, Scope} from '../commerce/types.js';

export type {AccountSummary, DeviceCodePrompt} from '../auth/types.js';

export interface Backend {
	/** The settings' policy ID (AllowSelfServicePurchase unless --policy-id). */
	readonly policyId: string;
	/** Signs in silently when the cache or --token allows it; resolves undefined when a device code is needed. */
	signInSilently(): Promise<AccountSummary | undefined>;
	/** Device-code sign-in. Calls onPrompt with each new code; aborting the signal stops polling. */
	signInWithDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void, signal: AbortSignal): Promise<AccountSummary>;
	loadPolicy(): Promise<Policy>;
	loadRows(scope: Scope): Promise<Row[]>;
	/** Writes one row's value; resolves with the row as the service now holds it. */
	setValue(row: Row, value: PolicyValue): Promise<Row>;
}
