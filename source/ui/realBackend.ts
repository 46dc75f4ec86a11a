/** The dashboard's Backend on the real program: source/auth for sign-in, source/commerce for the rows. */
import type {Context} from '../commands/context.js';
import type {Backend} from './backend.js';

export function createBackend(ctx: Context): Backend {
	const {auth, client, settings} = ctx;
	return {
		policyId: settings.policyId,
		signInSilently: async () => auth.signInSilently(),
		signInWithDeviceCode: async (onPrompt, signal) => auth.signInWithDeviceCode(onPrompt, signal),
		loadPolicy: async () => (await client.getPolicy(settings.policyId)).data,
		loadRows: async scope => client.listRows(settings.policyId, scope),
		setValue: async (row, value) => (await client.setRow(settings.policyId, row, value)).data,
	};
}
