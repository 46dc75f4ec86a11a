/**
 * What the dashboard needs from the rest of the program. The real one (source/ui/realBackend.ts)
 * is built on source/auth and source/commerce; component tests pass a small in-memory one.
 * Every method rejects with anything; the UI turns it into a Problem with classify().
 */
import type {AccountSummary, DeviceCodePrompt} from '../auth/types.js';
import type {ChangeSession} from '../commerce/session.js';
import type {Policy, Row, Scope} from '../commerce/types.js';

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
	/**
	 * This session's changes: every confirmed plan is written through it (the one write engine,
	 * the audit log), and u / R ask it what to undo and retry.
	 */
	readonly session: ChangeSession;
	/**
	 * What is already signed in and loaded, synchronously (a backend that starts early): the first
	 * frame can then be the loaded list instead of "signing in…" and "loading…" frames.
	 */
	ready?(): Ready | undefined;
	/** Of these rows, the IDs never seen before in this tenant; the rows count as seen from now on. */
	newRowIds?(scope: Scope, rows: readonly Row[]): Promise<ReadonlySet<string>>;
	/**
	 * Tells of each retry the HTTP layer waits out (throttled, a busy service, a dropped
	 * connection), so a slow load can say why; returns the unsubscribe.
	 */
	onRetry?(listener: (retry: Retry) => void): () => void;
}

/** A retry about to be waited out: why (an HTTP status or a connection error code), the try that failed, how long until the next. */
export type Retry = {reason: string; attempt: number; delayMs: number};
