/**
 * What the dashboard needs from the rest of the program. The real one (source/ui/realBackend.ts)
 * is built on source/auth and source/commerce; component tests pass a small in-memory one.
 * Every method rejects with anything; the UI turns it into a Problem with classify().
 */
import type {AccountSummary, DeviceCodePrompt} from '../auth/types.js';
import type {ChangeRecorder} from '../commerce/changes.js';
import type {Policy, PolicyValue, Row, Scope} from '../commerce/types.js';

export type {AccountSummary, DeviceCodePrompt} from '../auth/types.js';

export type Ready = {account: AccountSummary; loaded?: {policy: Policy; product: Row[]; offerType: Row[]}};

export interface Backend {
	/** The settings' policy ID (AllowSelfServicePurchase unless --policy-id). */
	readonly policyId: string;
	/** Signs in silently when the cache or --token allows it; resolves undefined when a device code is needed. */
	signInSilently(): Promise<AccountSummary | undefined>;
	/** Device-code sign-in. Calls onPrompt with each new code; aborting the signal stops polling. */
	signInWithDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void, signal: AbortSignal): Promise<AccountSummary>;
	loadPolicy(): Promise<Policy>;
	loadRows(scope: Scope): Promise<Row[]>;
	/** Writes one row's value; resolves with the row as the service now holds it (and the request's correlation ID). */
	setValue(row: Row, value: PolicyValue): Promise<{row: Row; correlationId?: string}>;
	/**
	 * Starts a change set in the audit log (one confirmation = one change set); the dashboard
	 * records every write's result in it. `id` continues an earlier change set (R retries its
	 * failed rows); `undoes` names the change set an undo reverses. Absent: nothing is logged.
	 */
	startChangeSet?(options: {id?: string; undoes?: string}): ChangeRecorder & {readonly id: string};
	/**
	 * What is already signed in and loaded, synchronously (a backend that starts early): the first
	 * frame can then be the loaded list instead of "signing in…" and "loading…" frames.
	 */
	ready?(): Ready | undefined;
	/** Of these rows, the IDs never seen before in this tenant; the rows count as seen from now on. */
	newRowIds?(scope: Scope, rows: readonly Row[]): Promise<ReadonlySet<string>>;
}
