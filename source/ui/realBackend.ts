/**
 * The dashboard's Backend on the real program: source/auth for sign-in, source/commerce for the
 * rows, the audit log and the seen-products record. Creating it starts the silent sign-in and,
 * once signed in, the first loads, so the network works while Ink is still being imported: the
 * first frame shows the loaded list sooner. Its `switches` (the Tenant switches tab) load their
 * Graph code (realSwitches.ts) with `import()` only when the tab first asks.
 */
import {startChangeSet} from '../commerce/audit.js';
import {serviceTarget} from '../commerce/client.js';
import {ChangeSession} from '../commerce/session.js';
import {loadSeen, markSeen, newRows, seenKey, watching} from '../commerce/seen.js';
import type {Context} from '../commands/context.js';
import type {Policy, Row, Scope} from '../commerce/types.js';
import type {RetryInfo} from '../net/http.js';
import type {SwitchRow} from '../commerce/changes.js';
import type {AccountSummary, Backend, Retry, SwitchesBackend} from './backend.js';
import type {DashboardSwitches} from './realSwitches.js';

export type EarlyBackend = Backend & {
	/** Resolves when the silent sign-in and first loads have settled, or after waitMs. */
	settled(waitMs: number): Promise<void>;
	/**
	 * The Net's onRetry (ContextOptions.onRetry) for the dashboard: passes each retry on to the
	 * screen (onRetry), where it says "throttled: retrying in 4 s" instead of a silent "Loading…".
	 */
	noteRetry(info: RetryInfo): void;
};

type FirstLoads = {policy: Promise<Policy>; product: Promise<Row[]>; offerType: Promise<Row[]>};

export type BackendOptions = {
	/**
	 * The tenant's domain, when the sign-in does not say it (app-only knows only the tenant ID): a
	 * fleet's tenant as the tenants file names it, so the header and the change sets name it too.
	 */
	tenantName?: string;
};

export function createBackend(ctx: Context, options: BackendOptions = {}): EarlyBackend {
	const {auth, client, settings} = ctx;
	const loadPolicy = async () => (await client.getPolicy(settings.policyId)).data;
	const loadRows = async (scope: Scope) => client.listRows(settings.policyId, scope);

	let account: AccountSummary | undefined;
	const named = (summary: AccountSummary | undefined): AccountSummary | undefined =>
		summary && !summary.tenantName && options.tenantName ? {...summary, tenantName: options.tenantName} : summary;
	const signedIn = (summary: AccountSummary | undefined) => {
		const said = named(summary);
		account = said ?? account;
		return said;
	};

	let first: FirstLoads | undefined;
	// What has settled already, for ready(): the first frame can show it at once.
	let settledAccount: AccountSummary | undefined;
	let settledLoads: {policy: Policy; product: Row[]; offerType: Row[]} | undefined;
	let settle: () => void = () => undefined;
	const settled = new Promise<void>(resolve => (settle = resolve));
	const silent: Promise<AccountSummary | undefined> = auth.signInSilently().then(signedIn);
	silent.then(
		summary => {
			if (!summary) return settle();
			settledAccount = summary;
			first = {policy: loadPolicy(), product: loadRows('product'), offerType: loadRows('offerType')};
			// Whoever asks first gets these answers (or problems); nobody asking is not an error.
			Promise.all([first.policy, first.product, first.offerType]).then(
				([policy, product, offerType]) => {
					settledLoads = {policy, product, offerType};
					first = undefined;
					settle();
				},
				() => settle(),
			);
		},
		() => settle(),
	);
	/** The prefetched answer, once; later calls (reload) ask the service again. */
	const once = <K extends keyof FirstLoads>(key: K): FirstLoads[K] | undefined => {
		const promise = first?.[key];
		if (first) delete first[key];
		return promise;
	};

	// The dashboard's writes: the one engine against the service, logged as `dashboard` change sets
	// naming the account and tenant signed in when each is confirmed.
	const session = new ChangeSession<Row>({
		target: serviceTarget(client, settings.policyId),
		journal: options =>
			startChangeSet({
				stateDir: settings.stateDir,
				source: 'dashboard',
				account: account?.username ?? 'unknown account',
				tenant: account?.tenantId ?? 'unknown tenant',
				...(account?.tenantName ? {tenantName: account.tenantName} : {}),
				policyId: settings.policyId,
				...options,
			}),
	});

	// The Tenant switches tab: Microsoft Graph, its code loaded only when the tab first asks (a
	// static import here would load it, and the second MSAL client, before every first frame).
	let graph: Promise<DashboardSwitches> | undefined;
	const openGraph = (): Promise<DashboardSwitches> => {
		if (graph) return graph;
		const opening = import('./realSwitches.js').then(module => module.openDashboardSwitches(ctx));
		// A failed import is not kept: the next ask tries again.
		opening.catch(() => {
			if (graph === opening) graph = undefined;
		});
		graph = opening;
		return opening;
	};
	let graphAccount: AccountSummary | undefined;
	const graphSignedIn = (summary: AccountSummary | undefined) => {
		graphAccount = summary ?? graphAccount;
		return summary;
	};
	const switchSession = new ChangeSession<SwitchRow>({
		write: async (changes, options) => (await openGraph()).write(changes, options),
		// Logged as the dashboard's change sets, naming the account Graph acts as (the licensing one's otherwise).
		journal: options => {
			const who = graphAccount ?? account;
			return startChangeSet({
				stateDir: settings.stateDir,
				source: 'dashboard',
				account: who?.username ?? 'unknown account',
				tenant: who?.tenantId ?? 'unknown tenant',
				...(who?.tenantName ? {tenantName: who.tenantName} : {}),
				policyId: settings.policyId,
				...options,
			});
		},
	});
	const switches: SwitchesBackend = {
		signInSilently: async () => graphSignedIn(named(await (await openGraph()).signInSilently())),
		signInWithDeviceCode: async (onPrompt, signal) => graphSignedIn(named(await (await openGraph()).signInWithDeviceCode(onPrompt, signal))) as AccountSummary,
		read: async () => {
			const opened = await openGraph();
			const readings = await opened.read();
			graphSignedIn(named(opened.who()));
			return readings;
		},
		session: switchSession,
	};

	let usedSilent = false;
	let seenQueue: Promise<unknown> = Promise.resolve();
	const retryListeners = new Set<(retry: Retry) => void>();
	return {
		policyId: settings.policyId,
		noteRetry: ({reason, attempt, delayMs}) => {
			for (const listener of retryListeners) listener({reason, attempt, delayMs});
		},
		onRetry: listener => {
			retryListeners.add(listener);
			return () => retryListeners.delete(listener);
		},
		settled: async (waitMs: number) => {
			await Promise.race([settled, new Promise(resolve => setTimeout(resolve, waitMs).unref())]);
		},
		ready: () => {
			if (!settledAccount) return undefined;
			usedSilent = true;
			return {account: settledAccount, loaded: settledLoads};
		},
		signInSilently: async () => {
			if (usedSilent) return signedIn(await auth.signInSilently());
			usedSilent = true;
			return silent;
		},
		signInWithDeviceCode: async (onPrompt, signal) => signedIn(await auth.signInWithDeviceCode(onPrompt, signal)) as AccountSummary,
		loadPolicy: async () => {
			settledLoads = undefined; // a reload: what came before the first frame is old news
			return once('policy') ?? loadPolicy();
		},
		loadRows: async scope => once(scope) ?? loadRows(scope),
		session,
		switches,
		newRowIds: async (scope, rows) => {
			if (!account) return new Set();
			const key = seenKey(account.tenantId, settings.licensingUrl);
			// One read-merge-write of the seen file at a time (both tabs load at once).
			const turn = seenQueue.then(async () => {
				const seen = await loadSeen(settings.stateDir, key);
				const fresh = newRows(seen, rows);
				// Shown on screen: seen from now on (the markers stay for this session). Nothing new in a
				// scope already watched is nothing to write: the record is not read a second time.
				if (fresh.length > 0 || !watching(seen, scope)) await markSeen(settings.stateDir, key, rows, [scope]);
				return new Set(fresh.map(row => row.id));
			});
			seenQueue = turn.catch(() => undefined);
			return turn;
		},
	};
}
