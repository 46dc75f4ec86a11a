/**
 * An in-memory Backend for component tests: the catalog's rows, sign-in that is silent or asks
 * for a device code, and failures configured per call. A fake of the dashboard's Backend
 * interface, not of HTTP (the integration tests cover HTTP against the emulator).
 */
import {catalog} from '../../source/commerce/catalog.js';
import type {Policy, PolicyValue, Row, Scope} from '../../source/commerce/types.js';
import {trialWithoutPaymentMethodFor} from '../../source/commerce/values.js';
import {rowKey, type Change, type Journal, type Outcome} from '../../source/commerce/changes.js';
import {ChangeSession} from '../../source/commerce/session.js';
import type {Problem} from '../../source/problems/types.js';
import type {AccountSummary, Backend, DeviceCodePrompt, Ready, Retry} from '../../source/ui/backend.js';
import {FakeSwitches, type FakeSwitchesOptions} from './fakeSwitches.js';

export const ADMIN: AccountSummary = {
	username: 'admin@contoso.onmicrosoft.com',
	tenantId: '00000000-0000-0000-0000-00000000c0de',
	tenantName: 'contoso.onmicrosoft.com',
	roles: ['Global Administrator'],
	canChange: true,
};

export const POLICY: Policy = catalog.policies[0] ?? {id: 'AllowSelfServicePurchase', description: '', defaultValue: 'Enabled'};

export function productRow(id: string, name: string, value: PolicyValue = 'Enabled'): Row {
	return {scope: 'product', id, name, value, trialWithoutPaymentMethod: trialWithoutPaymentMethodFor('product', id, value)};
}

export function catalogRows(): {product: Row[]; offerType: Row[]} {
	return {
		product: catalog.products.map(product => productRow(product.productId, product.productName)),
		offerType: catalog.offerTypes.map(offer => ({
			scope: 'offerType' as const,
			id: offer.scopeId,
			name: offer.scopeValue,
			value: 'Enabled' as const,
			trialWithoutPaymentMethod: false,
		})),
	};
}

/** `count` made-up products, "Product 00001" … (for the virtualised list). */
export function manyRows(count: number): Row[] {
	return Array.from({length: count}, (_, index) => {
		const n = String(index + 1).padStart(5, '0');
		return productRow(`CFQ7TTX${n}`, `Product ${n}`, index % 3 === 0 ? 'Disabled' : 'Enabled');
	});
}

/** An error the test classifier maps to a Problem by status or code (see testClassify). */
export class FakeError extends Error {
	constructor(
		message: string,
		readonly status?: number,
		readonly code?: string,
		readonly correlationId?: string,
	) {
		super(message);
	}
}

export const forbidden = () => new FakeError('Forbidden', 403, undefined, 'corr-403');
export const refused = () => new FakeError('connect ECONNREFUSED 127.0.0.1:443', undefined, 'ECONNREFUSED');
// Like the service's HTML error page, the message names the correlation ID too.
export const serverError = () => new FakeError('Internal Server Error. Correlation ID: corr-500', 500, undefined, 'corr-500');
export const throttled = () => new FakeError('Too Many Requests', 429, undefined, 'corr-429');

/** A hint longer than two lines at 80 columns, whose last words must still be on screen. */
export const LONG_HINT =
	'The service kept throttling after every retry: wait a minute, then press r; if several admins or scripts work on this tenant at once, take turns, since the limit is per tenant and shared (the last words of this hint)';

/** Stands in for source/problems/classify.ts: the shapes above become Problems with hints. */
export function testClassify(error: unknown): Problem {
	if (error instanceof FakeError && error.status === 403) {
		return {
			kind: 'forbidden',
			title: 'Permission denied: your role may not change self-service purchase',
			detail: error.message,
			hints: ['Ask a Global or Billing administrator to make the change, or to give you the Billing administrator role'],
			correlationId: error.correlationId,
			retryable: false,
			status: 403,
		};
	}
	if (error instanceof FakeError && error.status !== undefined && error.status >= 500) {
		return {
			kind: 'server',
			title: 'The licensing service failed',
			detail: error.message,
			hints: ['Try again in a minute (r)'],
			correlationId: error.correlationId,
			retryable: true,
			status: error.status,
		};
	}
	if (error instanceof FakeError && error.status === 429) {
		return {kind: 'throttled', title: 'The service is throttling requests (429)', detail: error.message, hints: [LONG_HINT], correlationId: error.correlationId, retryable: true, status: 429};
	}
	if (error instanceof FakeError && error.code === 'ECONNREFUSED') {
		return {
			kind: 'connection',
			title: 'Could not reach the licensing service',
			detail: error.message,
			hints: ['Check the network, or set HTTPS_PROXY if you are behind a proxy'],
			retryable: true,
		};
	}
	if (error instanceof Error && error.name === 'AbortError') {
		return {kind: 'cancelled', title: 'Cancelled', hints: [], retryable: false};
	}
	return {kind: 'unknown', title: String(error instanceof Error ? error.message : error), hints: [], retryable: false};
}

export type FakeOptions = {
	/** The account signInSilently finds; undefined means a device code is needed. */
	silentAccount?: AccountSummary;
	/** The account a device code sign-in ends with. */
	account?: AccountSummary;
	rows?: {product?: Row[]; offerType?: Row[]};
	/** Throw this from setValue (called with the row and value, and the call's number from 1). */
	failSetValue?: (row: Row, value: PolicyValue, call: number) => unknown;
	/** Throw this from a load (call number from 1 counts loadPolicy calls). */
	failLoad?: (call: number) => unknown;
	/** Signed in and loaded before the first frame (what the real backend does when it starts early). */
	preloaded?: boolean;
	/** Product or offer type IDs never seen before in the tenant. */
	newIds?: string[];
	/** Hold every setValue until release() (to see "saving…"). */
	holdWrites?: boolean;
	/** The device code's lifetime. */
	codeLifetimeMs?: number;
	/** The first load is throttled: the HTTP layer says it retries (onRetry), and the load waits for releaseLoad(). */
	retryLoad?: {reason: string; delayMs: number};
	/** Microsoft Graph's part (the Tenant switches tab): signed out, every switch on, unless said; false: none. */
	switches?: FakeSwitchesOptions | false;
};

type Held = {resolve: () => void};

export class FakeBackend implements Backend {
	readonly policyId = 'AllowSelfServicePurchase';
	/** What the "service" holds, by `${scope}:${id}`. */
	readonly held = new Map<string, Row>();
	readonly writes: Array<{id: string; value: PolicyValue}> = [];
	loads = 0;
	prompts: DeviceCodePrompt[] = [];
	deviceCodeSignal: AbortSignal | undefined;
	private approveSignIn: (() => void) | undefined;
	private readonly heldWrites: Held[] = [];
	private setCalls = 0;

	/** The in-memory Microsoft Graph (Backend.switches), unless the options say there is none. */
	readonly switches: FakeSwitches | undefined;

	constructor(readonly options: FakeOptions = {}) {
		this.switches = options.switches === false ? undefined : new FakeSwitches(options.switches ?? {});
		const rows = {...catalogRows(), ...options.rows};
		for (const row of [...rows.product, ...rows.offerType]) this.held.set(`${row.scope}:${row.id}`, row);
	}

	async signInSilently(): Promise<AccountSummary | undefined> {
		return this.options.silentAccount;
	}

	signInWithDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void, signal: AbortSignal): Promise<AccountSummary> {
		this.deviceCodeSignal = signal;
		const number = this.prompts.length + 1;
		const prompt: DeviceCodePrompt = {
			userCode: number === 1 ? 'ABCD2345' : `WXYZ234${number}`,
			verificationUri: 'https://microsoft.com/devicelogin',
			expiresAt: Date.now() + (this.options.codeLifetimeMs ?? 15 * 60_000),
			message: 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code.',
		};
		this.prompts.push(prompt);
		return new Promise((resolve, reject) => {
			signal.addEventListener('abort', () => {
				const error = new Error('The sign-in was cancelled');
				error.name = 'AbortError';
				reject(error);
			});
			this.approveSignIn = () => resolve(this.options.account ?? ADMIN);
			setImmediate(() => onPrompt(prompt));
		});
	}

	/** The user approves the code in a browser. */
	approve(): void {
		this.approveSignIn?.();
	}

	private readonly retryListeners = new Set<(retry: Retry) => void>();
	private loadGate: (() => void) | undefined;

	onRetry(listener: (retry: Retry) => void): () => void {
		this.retryListeners.add(listener);
		return () => this.retryListeners.delete(listener);
	}

	/** The throttled load (retryLoad) is answered. */
	releaseLoad(): void {
		this.loadGate?.();
	}

	async loadPolicy(): Promise<Policy> {
		this.loads += 1;
		const {retryLoad} = this.options;
		if (retryLoad && this.loads === 1) {
			const gate = new Promise<void>(resolve => (this.loadGate = resolve));
			// The screen subscribes in an effect after the first frame: tell it once it has.
			await new Promise(resolve => setImmediate(resolve));
			for (const listener of this.retryListeners) listener({reason: retryLoad.reason, attempt: 1, delayMs: retryLoad.delayMs});
			await gate;
		}
		const failure = this.options.failLoad?.(this.loads);
		if (failure) throw failure;
		return POLICY;
	}

	async loadRows(scope: Scope): Promise<Row[]> {
		return [...this.held.values()].filter(row => row.scope === scope);
	}

	/** The dashboard's writes, through the real engine against this fake "service". */
	readonly session = new ChangeSession({
		target: {
			read: async changes => {
				const rows = new Map<string, Row>();
				for (const {row} of changes) {
					const held = this.held.get(`${row.scope}:${row.id}`);
					if (held) rows.set(rowKey(held), held);
				}
				return rows;
			},
			write: async change => this.setValue(change.row, change.to),
		},
		journal: options => this.startChangeSet(options),
		classify: testClassify,
	});

	async setValue(row: Row, value: PolicyValue): Promise<{row: Row}> {
		const call = ++this.setCalls;
		if (this.options.holdWrites) await new Promise<void>(resolve => this.heldWrites.push({resolve}));
		const failure = this.options.failSetValue?.(row, value, call);
		if (failure) throw failure;
		this.writes.push({id: row.id, value});
		const saved: Row = {...row, value, trialWithoutPaymentMethod: trialWithoutPaymentMethodFor(row.scope, row.id, value)};
		this.held.set(`${row.scope}:${row.id}`, saved);
		return {row: saved};
	}

	/** The change sets the dashboard logged, as the audit log would hold them: intents and outcomes. */
	readonly changeSets: Array<{id: string; undoes?: string; intents: Change[]; outcomes: Outcome[]}> = [];

	startChangeSet(options: {id?: string; undoes?: string}): Journal & {id: string} {
		const existing = options.id ? this.changeSets.find(set => set.id === options.id) : undefined;
		const set = existing ?? {id: options.id ?? `set-${this.changeSets.length + 1}`, undoes: options.undoes, intents: [], outcomes: []};
		if (!existing) this.changeSets.push(set);
		return {id: set.id, intent: async change => void set.intents.push(change), outcome: async outcome => void set.outcomes.push(outcome)};
	}

	ready(): Ready | undefined {
		if (!this.options.preloaded) return undefined;
		const rows = [...this.held.values()];
		return {
			account: this.options.silentAccount ?? ADMIN,
			loaded: {policy: POLICY, product: rows.filter(r => r.scope === 'product'), offerType: rows.filter(r => r.scope === 'offerType')},
		};
	}

	/** Rows the tenant never showed before (FakeOptions.newIds). */
	async newRowIds(scope: Scope, rows: readonly Row[]): Promise<ReadonlySet<string>> {
		const ids = new Set(this.options.newIds ?? []);
		return new Set(rows.filter(row => row.scope === scope && ids.has(row.id)).map(row => row.id));
	}

	/** How many writes are being held (holdWrites). */
	heldCount(): number {
		return this.heldWrites.length;
	}

	/** Lets the held writes finish. */
	release(): void {
		for (const held of this.heldWrites.splice(0)) held.resolve();
	}

	/** Someone else changes a row behind the dashboard's back. */
	changeBehind(scope: Scope, id: string, value: PolicyValue): void {
		const row = this.held.get(`${scope}:${id}`);
		if (row) this.held.set(`${scope}:${id}`, {...row, value});
	}

	valueOf(id: string, scope: Scope = 'product'): PolicyValue | undefined {
		return this.held.get(`${scope}:${id}`)?.value;
	}
}
