/**
 * An in-memory Microsoft Graph part of the dashboard's Backend (Backend.switches) for component
 * tests: the four switches as a tenant holds them, a Graph sign-in that is silent or asks for a
 * device code, an object that cannot be read (the beta missing), writes refused (403) or changed
 * behind the dashboard's back. Every call is logged, so a test can say none was made. A fake of
 * the Backend interface, not of HTTP (test/integration covers Graph against the emulator).
 */
import {rowKey, type Change, type Journal, type Outcome, type SwitchRow} from '../../source/commerce/changes.js';
import {ChangeSession} from '../../source/commerce/session.js';
import type {SwitchValue} from '../../source/commerce/values.js';
import type {Problem} from '../../source/problems/types.js';
import {SWITCHES, type SwitchName} from '../../source/switches/definitions.js';
import type {AccountSummary, DeviceCodePrompt, SwitchesBackend, SwitchReading} from '../../source/ui/backend.js';
import {switchReading} from '../../source/ui/realSwitches.js';
import {ADMIN, FakeError} from './fakeBackend.js';

export type FakeSwitchesOptions = {
	/** A Graph sign-in is cached: the silent sign-in finds it. */
	silent?: boolean;
	/** What the tenant holds (every switch on unless said). */
	values?: Partial<Record<SwitchName, SwitchValue>>;
	/** Graph's beta appsAndServices is not available: trialsOnBehalfOfOrg and officeStore cannot be read. */
	betaUnavailable?: boolean;
	/** The problem those two then show (BETA_UNAVAILABLE unless said). */
	betaProblem?: Problem;
	/** Graph refuses writes (403, the account lacks the role). */
	refuseWrites?: boolean;
	/** Hold every write until release(). */
	holdWrites?: boolean;
};

export const BETA_UNAVAILABLE: Problem = {
	kind: 'unavailable',
	title: 'appsAndServices (beta) is not available in this tenant/cloud',
	detail: 'Resource not found for the segment appsAndServices.',
	hints: ['The other switches still work; Microsoft Graph beta may not offer this object in your cloud.'],
	retryable: false,
	status: 404,
	correlationId: 'graph-404',
};

const FORBIDDEN_HINT = 'Changing it needs Global Administrator and OrgSettings-AppsAndServices.ReadWrite.All: ask a Global Administrator.';

/** What the fake's Graph answers become: a 403 names the role (as source/problems/classify.ts does for Graph). */
export function graphClassify(error: unknown): Problem {
	if (error instanceof FakeError && error.status === 403) {
		return {
			kind: 'forbidden',
			title: 'Microsoft Graph refused to change appsAndServices (403 Authorization_RequestDenied): Insufficient privileges to complete the operation.',
			hints: [FORBIDDEN_HINT],
			retryable: false,
			status: 403,
			correlationId: 'graph-403',
		};
	}
	return {kind: 'unknown', title: error instanceof Error ? error.message : String(error), hints: [], retryable: false};
}

const BETA = new Set(['trialsOnBehalfOfOrg', 'officeStore']);

export class FakeSwitches implements SwitchesBackend {
	/** What "Graph" holds, by switch name. */
	readonly held = new Map<string, SwitchValue>();
	/** Every call the dashboard made, in order: silent, device-code, read, write:<name>. */
	readonly calls: string[] = [];
	readonly prompts: DeviceCodePrompt[] = [];
	private approveSignIn: (() => void) | undefined;
	private readonly heldWrites: Array<() => void> = [];
	private signedIn: boolean;

	constructor(readonly options: FakeSwitchesOptions = {}) {
		for (const definition of SWITCHES) this.held.set(definition.name, options.values?.[definition.name] ?? 'on');
		this.signedIn = options.silent ?? false;
	}

	async signInSilently(): Promise<AccountSummary | undefined> {
		this.calls.push('silent');
		return this.signedIn ? ADMIN : undefined;
	}

	signInWithDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void, signal: AbortSignal): Promise<AccountSummary> {
		this.calls.push('device-code');
		const prompt: DeviceCodePrompt = {
			userCode: `GRPH${this.prompts.length + 2345}`,
			verificationUri: 'https://microsoft.com/devicelogin',
			expiresAt: Date.now() + 15 * 60_000,
			message: 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code.',
		};
		this.prompts.push(prompt);
		return new Promise((resolve, reject) => {
			signal.addEventListener('abort', () => {
				const error = new Error('The sign-in was cancelled');
				error.name = 'AbortError';
				reject(error);
			});
			this.approveSignIn = () => {
				this.signedIn = true;
				resolve(ADMIN);
			};
			setImmediate(() => onPrompt(prompt));
		});
	}

	/** The user approves the Graph code in a browser. */
	approve(): void {
		this.approveSignIn?.();
	}

	async read(): Promise<SwitchReading[]> {
		this.calls.push('read');
		return SWITCHES.map(definition =>
			this.options.betaUnavailable && BETA.has(definition.name) ? switchReading({definition, problem: this.options.betaProblem ?? BETA_UNAVAILABLE}) : switchReading({definition, value: this.held.get(definition.name)!}),
		);
	}

	/** The switches' writes, through the real engine and session against this fake "Graph". */
	readonly session = new ChangeSession<SwitchRow>({
		target: {
			read: async changes => {
				const rows = new Map<string, SwitchRow>();
				for (const {row} of changes) {
					const value = this.held.get(row.id);
					if (value && !(this.options.betaUnavailable && BETA.has(row.id))) rows.set(rowKey(row), {...row, value});
				}
				return rows;
			},
			write: async change => {
				this.calls.push(`write:${change.row.id}`);
				if (this.options.holdWrites) await new Promise<void>(resolve => this.heldWrites.push(resolve));
				if (this.options.refuseWrites) throw new FakeError('Forbidden', 403, undefined, 'graph-403');
				this.held.set(change.row.id, change.to);
				return {row: {...change.row, value: change.to}};
			},
		},
		journal: options => this.startChangeSet(options),
		classify: graphClassify,
	});

	/** The change sets the dashboard logged: intents and outcomes, as the audit log would hold them. */
	readonly changeSets: Array<{id: string; undoes?: string; intents: Change<SwitchRow>[]; outcomes: Outcome<SwitchRow>[]}> = [];

	startChangeSet(options: {id?: string; undoes?: string}): Journal<SwitchRow> & {id: string} {
		const existing = options.id ? this.changeSets.find(set => set.id === options.id) : undefined;
		const set = existing ?? {id: options.id ?? `switch-set-${this.changeSets.length + 1}`, undoes: options.undoes, intents: [], outcomes: []};
		if (!existing) this.changeSets.push(set);
		return {id: set.id, intent: async change => void set.intents.push(change), outcome: async outcome => void set.outcomes.push(outcome)};
	}

	/** Another admin changes a switch (in the admin center) behind the dashboard's back. */
	changeBehind(name: SwitchName, value: SwitchValue): void {
		this.held.set(name, value);
	}

	heldCount(): number {
		return this.heldWrites.length;
	}

	release(): void {
		for (const resolve of this.heldWrites.splice(0)) resolve();
	}

	/** Graph calls other than the silent sign-in (which opening the tab may make). */
	get networkCalls(): string[] {
		return this.calls.filter(call => call !== 'silent');
	}
}
