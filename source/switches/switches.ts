/**
 * Reading and changing the tenant-wide switches (docs/switches.md): the API the commands, the
 * dashboard and baselines use.
 *
 * - readSwitches(client): every switch's value, or the problem that kept it from being read (one
 *   object failing, such as Graph's beta appsAndServices missing in a cloud, leaves the others).
 * - writeSwitch(client, name, from, to, options): one switch through the one write engine
 *   (source/commerce/changes.ts, applyWrites): GET and compare with what the person confirmed
 *   from (someone else's change is left alone and reported), the intent in the audit log, PATCH
 *   only that property, GET again to verify, the outcome in the audit log. Undo writes back the
 *   same way.
 * - openSwitches(parts): the Graph sign-in and client for a run (what a command or the dashboard has).
 */
import {applyWrites, rowKey, type ApplyOptions, type ApplyResult, type Change, type SwitchRow, type WriteTarget} from '../commerce/changes.js';
import type {SwitchValue} from '../commerce/values.js';
import type {Settings} from '../config.js';
import type {Net} from '../net/http.js';
import {classify as defaultClassify} from '../problems/classify.js';
import {UnverifiedWriteError} from '../problems/errors.js';
import type {Problem} from '../problems/types.js';
import {GraphAuth, type GraphAuthOptions} from '../auth/graph.js';
import {definitionOf, SWITCHES, switchesOf, type GraphObjectId, type SwitchDefinition, type SwitchName} from './definitions.js';
import {GraphClient} from './graph.js';

/** One switch as read: its value, or why it could not be read. */
export type SwitchReading = {definition: SwitchDefinition; value: SwitchValue; correlationId?: string} | {definition: SwitchDefinition; problem: Problem};

/** Every switch, in the table's order: each object is read once, and one failing leaves the others. */
export async function readSwitches(client: GraphClient, classify: (error: unknown) => Problem = defaultClassify): Promise<SwitchReading[]> {
	const objects = [...new Set(SWITCHES.map(definition => definition.object))];
	const reads = await Promise.allSettled(objects.map(async object => client.read(object)));
	const byObject = new Map(objects.map((object, i) => [object, reads[i]!]));
	return SWITCHES.map(definition => {
		const read = byObject.get(definition.object)!;
		if (read.status === 'rejected') return {definition, problem: classify(read.reason)};
		return {definition, value: read.value.values[definition.name]!, correlationId: read.value.correlationId};
	});
}

/** The value of one switch (its object read once). */
export async function readSwitch(client: GraphClient, name: SwitchName): Promise<{value: SwitchValue; correlationId: string}> {
	const definition = definitionOf(name);
	const read = await client.read(definition.object);
	return {value: read.values[name]!, correlationId: read.correlationId};
}

/** A switch as the write engine and the audit log see it: scope `switch`, its name as ID, its label as name. */
export function switchRow(definition: SwitchDefinition, value: SwitchValue): SwitchRow {
	return {scope: 'switch', id: definition.name, name: definition.label, value};
}

/**
 * The write engine's target on Microsoft Graph: a read GETs each object the changes touch; a write
 * PATCHes the one property, then GETs the object again and answers what it holds now (a failed
 * read-back leaves the outcome unknown, which the engine settles with one more read).
 */
export function switchTarget(client: GraphClient): WriteTarget<SwitchRow> {
	const readObjects = async (objects: readonly GraphObjectId[], signal: AbortSignal) => {
		const scoped = client.withSignal(signal);
		const rows = new Map<string, SwitchRow>();
		for (const object of new Set(objects)) {
			const {values} = await scoped.read(object);
			for (const definition of switchesOf(object)) {
				const value = values[definition.name];
				if (value) rows.set(rowKey({scope: 'switch', id: definition.name}), switchRow(definition, value));
			}
		}
		return rows;
	};
	return {
		read: async (changes, signal) => readObjects(changes.map(change => definitionOf(change.row.id as SwitchName).object), signal),
		async write(change, signal) {
			const definition = definitionOf(change.row.id as SwitchName);
			const {correlationId} = await client.withSignal(signal).write(definition, change.to);
			let rows: Map<string, SwitchRow>;
			try {
				rows = await readObjects([definition.object], signal);
			} catch (error) {
				throw new UnverifiedWriteError(definition.label, correlationId, {cause: error});
			}
			const row = rows.get(rowKey(change.row));
			if (!row) throw new UnverifiedWriteError(definition.label, correlationId, {cause: new Error(`${definition.name} is missing from the answer`)});
			return {row, correlationId};
		},
	};
}

/**
 * Changes one switch from the value the person confirmed (`from`) to `to`, through the one write
 * engine: compare before write (someone else's change meanwhile: `conflict`, nothing sent),
 * journal ahead, PATCH, verify. `options.journal` is the change set (commerce/audit.ts).
 */
export async function writeSwitch(client: GraphClient, name: SwitchName, from: SwitchValue, to: SwitchValue, options: ApplyOptions<SwitchRow> = {}): Promise<ApplyResult<SwitchRow>> {
	const change: Change<SwitchRow> = {row: switchRow(definitionOf(name), from), from, to};
	return applyWrites(switchTarget(client), [change], options);
}

/** Several switches as one change set (an undo that reverses more than one), through the same engine. */
export async function writeSwitches(client: GraphClient, changes: readonly Change<SwitchRow>[], options: ApplyOptions<SwitchRow> = {}): Promise<ApplyResult<SwitchRow>> {
	return applyWrites(switchTarget(client), changes, options);
}

export type Switches = {
	auth: GraphAuth;
	client: GraphClient;
};

/** The Graph sign-in and client for a run: what a command (or the dashboard) builds from its settings, HTTP layer and licensing sign-in. */
export function openSwitches(parts: {settings: Settings; net: Net; licensing: GraphAuthOptions['licensing']; signal?: AbortSignal; persist?: boolean; warn?: (line: string) => void; slowDownStepMs?: number}): Switches {
	const auth = new GraphAuth({settings: parts.settings, net: parts.net, licensing: parts.licensing, persist: parts.persist, warn: parts.warn, slowDownStepMs: parts.slowDownStepMs});
	const client = new GraphClient({baseUrl: parts.settings.graphUrl, net: parts.net, token: auth.token, signal: parts.signal});
	return {auth, client};
}
