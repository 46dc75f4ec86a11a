/**
 * What the dashboard needs from the rest of the program. The real one (source/ui/realBackend.ts)
 * is built on source/auth and source/commerce; component tests pass a small in-memory one.
 * Every method rejects with anything; the UI turns it into a Problem with classify().
 */
import type {AccountSummary, DeviceCodePrompt} from '../auth/types.js';
import type {SwitchRow} from '../commerce/changes.js';
import type {ChangeSession} from '../commerce/session.js';
import type {Policy, Row, Scope} from '../commerce/types.js';
import type {SwitchValue} from '../commerce/values.js';
import type {Problem} from '../problems/types.js';

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
	/**
	 * The tenant-wide switches in Microsoft Graph (docs/switches.md), for the Tenant switches tab.
	 * Absent: the tab says they are not available here. The real one loads its Graph code only
	 * when the tab first asks (nothing of source/switches or source/auth/graph.ts before then).
	 */
	readonly switches?: SwitchesBackend;
}

/**
 * Microsoft Graph's part of the dashboard: its own sign-in (a refresh token of the licensing
 * client cannot be redeemed for Graph), reading the switches, and their change sets.
 */
export interface SwitchesBackend {
	/**
	 * A Graph token without asking anyone: the token cache (renewed with Graph's refresh token),
	 * MSCOMMERCE_GRAPH_TOKEN, or app-only. Resolves the account Graph acts as, or undefined when
	 * a device code is needed; rejects with any other problem (a licensing --token only, consent).
	 */
	signInSilently(): Promise<AccountSummary | undefined>;
	/** Graph's device-code sign-in. Calls onPrompt with each new code; aborting the signal stops polling. */
	signInWithDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void, signal: AbortSignal): Promise<AccountSummary>;
	/** Every switch, in the table's order, with its value or why it could not be read (one object failing leaves the others). */
	read(): Promise<SwitchReading[]>;
	/**
	 * This session's switch changes: each confirmation is one change set, written through the one
	 * engine (writeSwitches: compare before write, PATCH, GET to verify, the audit log); u and R ask it.
	 */
	readonly session: ChangeSession<SwitchRow>;
}

/** A switch as the tab shows it: what it is (source/switches/definitions.ts), and its value or its problem. */
export type SwitchInfo = {
	/** As the CLI and baselines spell it: trialsOnBehalfOfOrg. */
	name: string;
	/** Short words: "trials on behalf of the organization". */
	label: string;
	/** One sentence: what `on` allows. */
	allows: string;
	/** Roles and the write permission. */
	whoMayChange: string;
	/** Where it lives in Graph: the object's path and the property. */
	where: string;
};

export type SwitchReading = SwitchInfo & ({value: SwitchValue; correlationId?: string} | {problem: Problem});

/** A retry about to be waited out: why (an HTTP status or a connection error code), the try that failed, how long until the next. */
export type Retry = {reason: string; attempt: number; delayMs: number};
