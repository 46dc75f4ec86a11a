/**
 * The one engine for writes of several rows (set with several IDs or --match, baseline apply,
 * bulk in the dashboard): plan first (what changes, what is already there, what cannot take the
 * value), then write with bounded concurrency through the shared retry policy, with a result per row.
 */
import {classify} from '../problems/classify.js';
import type {Problem} from '../problems/types.js';
import type {CommerceClient} from './client.js';
import type {PolicyValue, Row} from './types.js';
import {checkValue} from './values.js';

export type Change = {row: Row; to: PolicyValue};

export type Plan = {
	changes: Change[];
	/** Rows already at the wanted value: nothing to write. */
	unchanged: Row[];
	/** Rows that cannot take the value, with why. */
	refused: Array<{row: Row; reason: string}>;
};

/** What writing `value` to `rows` would do. */
export function planChanges(rows: readonly Row[], value: PolicyValue): Plan;
export function planChanges(wanted: ReadonlyArray<{row: Row; to: PolicyValue}>): Plan;
export function planChanges(input: readonly Row[] | ReadonlyArray<{row: Row; to: PolicyValue}>, value?: PolicyValue): Plan {
	const pairs = value === undefined ? (input as ReadonlyArray<{row: Row; to: PolicyValue}>) : (input as readonly Row[]).map(row => ({row, to: value}));
	const plan: Plan = {changes: [], unchanged: [], refused: []};
	const seen = new Set<string>();
	for (const {row, to} of pairs) {
		const key = `${row.scope}:${row.id}`;
		if (seen.has(key)) continue; // the same row named twice is written once
		seen.add(key);
		const check = checkValue(row, to);
		if (!check.ok) plan.refused.push({row, reason: check.reason});
		else if (row.value === to) plan.unchanged.push(row);
		else plan.changes.push({row, to});
	}
	return plan;
}

/**
 * Undoing one row a change set wrote, given the row as the service lists it now: the one rule
 * behind `undo` and the dashboard's u. Only a row still holding the value the change set left is
 * put back; a row changed since, by anyone, or no longer listed, is never written.
 */
export type UndoStep =
	| {kind: 'revert'; row: Row; to: PolicyValue}
	| {kind: 'unchanged'; row: Row}
	| {kind: 'changed-since'; row: Row}
	| {kind: 'gone'};

export function undoStep(written: {from: PolicyValue; to: PolicyValue}, now: Row | undefined): UndoStep {
	if (!now) return {kind: 'gone'};
	if (now.value !== written.to) return {kind: 'changed-since', row: now};
	if (now.value === written.from) return {kind: 'unchanged', row: now};
	return {kind: 'revert', row: now, to: written.from};
}

export type ChangeResult =
	| {ok: true; change: Change; row: Row; correlationId?: string}
	| {ok: false; change: Change; problem: Problem};

/** Where each write's result is kept (the audit log's change set, source/commerce/audit.ts). */
export type ChangeRecorder = {record(result: ChangeResult): Promise<void> | void};

export type ApplyOptions = {
	/** Requests in flight at once (4 to 8 is kind to the service and fast). */
	concurrency?: number;
	/** Told as each row's write returns, in completion order. */
	onResult?: (result: ChangeResult) => void;
	/** Turns a failed write into a Problem (default: the one classifier). */
	classify?: (error: unknown) => Problem;
	/** Records every result before applyChanges resolves: every write path leaves an audit line. */
	recorder?: ChangeRecorder;
	signal?: AbortSignal;
};

// 8 in flight: at 100 ms a request, 100 rows take ~1.3 s instead of ~10 s one by one (bench/bulk.ts),
// the top of the 4-8 range that stays kind to a service whose throttling limits are not documented.
export const DEFAULT_CONCURRENCY = 8;

/** One row's write: the row as the service now holds it, and the request's correlation ID. */
export type Write = (change: Change) => Promise<{row: Row; correlationId?: string}>;

/** Writes every change through the licensing client (see applyWrites). */
export async function applyChanges(client: CommerceClient, policyId: string, changes: readonly Change[], options: ApplyOptions = {}): Promise<ChangeResult[]> {
	return applyWrites(
		async change => {
			const {data, correlationId} = await client.setRow(policyId, change.row, change.to);
			return {row: data, correlationId};
		},
		changes,
		options,
	);
}

/**
 * The engine: every change written by `write`, at most `concurrency` at a time, each result
 * recorded (audit log) and told; resolves with the results in the plan's order. The dashboard
 * passes its backend's write, the commands the client's.
 */
export async function applyWrites<C extends Change>(write: Write, changes: readonly C[], options: ApplyOptions = {}): Promise<ChangeResult[]> {
	const results: ChangeResult[] = new Array(changes.length);
	let next = 0;
	const worker = async () => {
		while (next < changes.length) {
			const index = next++;
			const change = changes[index]!;
			let result: ChangeResult;
			if (options.signal?.aborted) {
				result = {ok: false, change, problem: (options.classify ?? classify)(options.signal.reason ?? new Error('cancelled'))};
			} else {
				try {
					const {row, correlationId} = await write(change);
					result = {ok: true, change, row, correlationId};
				} catch (error) {
					result = {ok: false, change, problem: (options.classify ?? classify)(error)};
				}
			}
			results[index] = result;
			await options.recorder?.record(result);
			options.onResult?.(result);
		}
	};
	const width = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, changes.length));
	await Promise.all(Array.from({length: width}, worker));
	return results;
}
