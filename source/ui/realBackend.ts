/**
 * The dashboard's Backend on the real program: source/auth for sign-in, source/commerce for the
 * rows. Creating it starts the silent sign-in and, once signed in, the first loads, so the
 * network works while Ink is still being imported: the first frame shows the loaded list sooner.
 */
import type {Context} from '../commands/context.js';
import type {Policy, Row, Scope} from '../commerce/types.js';
import type {AccountSummary, Backend} from './backend.js';

type FirstLoads = {policy: Promise<Policy>; product: Promise<Row[]>; offerType: Promise<Row[]>};

export function createBackend(ctx: Context): Backend {
	const {auth, client, settings} = ctx;
	const loadPolicy = async () => (await client.getPolicy(settings.policyId)).data;
	const loadRows = async (scope: Scope) => client.listRows(settings.policyId, scope);

	let first: FirstLoads | undefined;
	const silent: Promise<AccountSummary | undefined> = auth.signInSilently();
	silent.then(
		account => {
			if (!account) return;
			first = {policy: loadPolicy(), product: loadRows('product'), offerType: loadRows('offerType')};
			// Whoever asks first gets these answers (or problems); nobody asking is not an error.
			for (const promise of Object.values(first)) promise.catch(() => undefined);
		},
		() => undefined,
	);
	/** The prefetched answer, once; later calls (reload) ask the service again. */
	const once = <K extends keyof FirstLoads>(key: K): FirstLoads[K] | undefined => {
		const promise = first?.[key];
		if (first) delete first[key];
		return promise;
	};

	let usedSilent = false;
	return {
		policyId: settings.policyId,
		signInSilently: async () => {
			if (usedSilent) return auth.signInSilently();
			usedSilent = true;
			return silent;
		},
		signInWithDeviceCode: async (onPrompt, signal) => auth.signInWithDeviceCode(onPrompt, signal),
		loadPolicy: async () => once('policy') ?? loadPolicy(),
		loadRows: async scope => once(scope) ?? loadRows(scope),
		setValue: async (row, value) => (await client.setRow(settings.policyId, row, value)).data,
	};
}
