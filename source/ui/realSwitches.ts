/**
 * The Tenant switches tab's Microsoft Graph part on the real program: the Graph sign-in
 * (source/auth/graph.ts) and client, reading the switches and writing them through the one
 * engine (source/switches/switches.ts). realBackend.ts loads this module with `await import()`
 * only when the tab is first opened, so the dashboard's first frame never loads Graph code or
 * the second MSAL client (docs/switches.md, For the dashboard).
 */
import type {AccountSummary} from '../auth/types.js';
import type {ApplyOptions, ApplyResult, Change, SwitchRow} from '../commerce/changes.js';
import type {SwitchValue} from '../commerce/values.js';
import type {Context} from '../commands/context.js';
import {classify} from '../problems/classify.js';
import {GraphNotSignedInError} from '../problems/errors.js';
import type {Problem} from '../problems/types.js';
import {GRAPH_OBJECTS, whoMayChange} from '../switches/definitions.js';
import {readSwitches, writeSwitches, type SwitchReading as SwitchReadingOfGraph} from '../switches/switches.js';
import {switchesFor} from '../commands/switches.js';
import type {DeviceCodePrompt, SwitchReading} from './backend.js';

export type DashboardSwitches = {
	signInSilently(): Promise<AccountSummary | undefined>;
	signInWithDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void, signal: AbortSignal): Promise<AccountSummary>;
	read(): Promise<SwitchReading[]>;
	write(changes: readonly Change<SwitchRow>[], options: ApplyOptions<SwitchRow>): Promise<ApplyResult<SwitchRow>>;
	/** The account the last Graph token is for (the confirmation and the audit log name it). */
	who(): AccountSummary | undefined;
};

/** Only what the screen shows of a sign-in (no claims, no token times). */
function summary(signedIn: AccountSummary | undefined): AccountSummary | undefined {
	if (!signedIn) return undefined;
	const {username, tenantId, tenantName, roles, canChange} = signedIn;
	return {username, tenantId, ...(tenantName ? {tenantName} : {}), roles, canChange};
}

/** A switch as the tab shows it: its definition's words (source/switches/definitions.ts), and its value or problem. */
export function switchReading(reading: Pick<SwitchReadingOfGraph, 'definition'> & ({value: SwitchValue; correlationId?: string} | {problem: Problem})): SwitchReading {
	const {definition} = reading;
	const object = GRAPH_OBJECTS[definition.object];
	const info = {
		name: definition.name,
		label: definition.label,
		allows: definition.allows,
		whoMayChange: whoMayChange(definition),
		where: `${object.path} → ${definition.property.join('.')}${object.beta ? ' (Graph beta)' : ''}`,
	};
	return 'value' in reading ? {...info, value: reading.value, ...(reading.correlationId ? {correlationId: reading.correlationId} : {})} : {...info, problem: reading.problem};
}

export function openDashboardSwitches(ctx: Context): DashboardSwitches {
	// The run's one Graph sign-in and client, as the switches commands make it.
	const {auth, client} = switchesFor(ctx);
	return {
		async signInSilently() {
			try {
				await auth.token();
			} catch (error) {
				// No Graph sign-in yet: the tab offers the device code (Enter), it never starts one itself.
				if (error instanceof GraphNotSignedInError) return undefined;
				throw error;
			}
			return summary(auth.who);
		},
		async signInWithDeviceCode(onPrompt, signal) {
			return summary(await auth.signInWithDeviceCode(onPrompt, signal))!;
		},
		async read() {
			return (await readSwitches(client, classify)).map(switchReading);
		},
		write: async (changes, options) => writeSwitches(client, changes, options),
		who: () => summary(auth.who),
	};
}
