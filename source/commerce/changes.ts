/**
 * One vocabulary for changing rows, and the one engine that writes them (docs/writes.md).
 *
 * A Plan says what a confirmation would change: each Change names the row, the value the person
 * confirmed from and the value wanted. The engine (applyWrites) never writes blind: right before
 * writing it re-reads the row and writes only while it still holds `from`; it checks that the
 * answer holds `to`; it journals the intent before each write and the outcome after (the audit
 * log, source/commerce/audit.ts); and when told to stop it sends nothing more, waits a bounded
 * time for the writes in flight, and re-reads whatever it could not confirm. Every write path
 * goes through it: `products set`, `offer-types set`, `baseline apply`, `undo`, and the
 * dashboard's single, bulk, R and u.
 *
 * Rows are products and offer types (Row), and the tenant-wide switches (SwitchRow: written
 * with PATCH and verified by GET, source/switches/): the engine only needs a key, a name, a value
 * and a target that can read and write them, so its types take the kind of row as a parameter
 * (Row unless said otherwise).
 */
import {NotAppliedError, CancelledError} from '../problems/errors.js';
import {classify as defaultClassify} from '../problems/classify.js';
import type {Problem} from '../problems/types.js';
import type {PolicyValue, Row} from './types.js';
import {checkValue, type SwitchValue} from './values.js';

/** What the engine needs of a row: a key (scope and ID), a name to report, and its value. */
export type Writable = {scope: string; id: string; name: string; value: string};

/**
 * A tenant-wide switch as the engine and the audit log see it (source/switches/definitions.ts
 * names them): scope `switch`, the switch's name as its ID, `on` or `off` as its value.
 */
export type SwitchRow = {scope: 'switch'; id: string; name: string; value: SwitchValue};

/** Every kind of row the audit log records. */
export type AnyRow = Row | SwitchRow;

/** A row's key: the same for a listed row, a plan's row and an audit entry (IDs compare case-insensitively). */
export function rowKey(row: {scope: string; id: string}): string {
	return `${row.scope}:${row.id.toUpperCase()}`;
}

/** One row to change: from the value the person confirmed from, to the value wanted. */
export type Change<R extends Writable = Row> = {row: R; from: R['value']; to: R['value']};

/** A row left out of a plan, and why (it cannot take the value; it changed since; it is gone). */
export type Skip = {row: Row; reason: string};

export type Plan = {
	changes: Change[];
	/** Rows already at the wanted value: nothing to write. */
	unchanged: Row[];
	/** Rows that cannot take the value (checkValue), with why. */
	refused: Skip[];
	/** Rows an undo leaves alone: changed again since, or no longer listed. */
	leftAlone: Skip[];
};

export function emptyPlan(): Plan {
	return {changes: [], unchanged: [], refused: [], leftAlone: []};
}

/** What writing `value` to `rows` would do (or each row to its own value). */
export function planChanges(rows: readonly Row[], value: PolicyValue): Plan;
export function planChanges(wanted: ReadonlyArray<{row: Row; to: PolicyValue}>): Plan;
export function planChanges(input: readonly Row[] | ReadonlyArray<{row: Row; to: PolicyValue}>, value?: PolicyValue): Plan {
	const pairs = value === undefined ? (input as ReadonlyArray<{row: Row; to: PolicyValue}>) : (input as readonly Row[]).map(row => ({row, to: value}));
	const plan = emptyPlan();
	const seen = new Set<string>();
	for (const {row, to} of pairs) {
		const key = rowKey(row);
		if (seen.has(key)) continue; // the same row named twice is written once
		seen.add(key);
		const check = checkValue(row, to);
		if (!check.ok) plan.refused.push({row, reason: check.reason});
		else if (row.value === to) plan.unchanged.push(row);
		else plan.changes.push({row, from: row.value, to});
	}
	return plan;
}

/** A row a change set wrote: the value before its first write, and the value its last write left. */
export type WrittenRow = Pick<Row, 'scope' | 'id' | 'name'> & {from: PolicyValue; to: PolicyValue};

/**
 * Undoing one row a change set wrote, given the row as the service lists it now: the one rule
 * behind `undo` and the dashboard's u. Only a row still holding the value the change set left is
 * put back; a row changed since, by anyone, or no longer listed, is never written.
 */
export type UndoStep<R extends Writable = Row> =
	| {kind: 'revert'; row: R; to: R['value']}
	| {kind: 'unchanged'; row: R}
	| {kind: 'changed-since'; row: R}
	| {kind: 'gone'};

export function undoStep<R extends Writable = Row>(written: {from: R['value']; to: R['value']}, now: R | undefined): UndoStep<R> {
	if (!now) return {kind: 'gone'};
	if (now.value !== written.to) return {kind: 'changed-since', row: now};
	if (now.value === written.from) return {kind: 'unchanged', row: now};
	return {kind: 'revert', row: now, to: written.from};
}

/**
 * The plan that undoes written rows, against the rows as they are known now (the service's list
 * for `undo`, the screen for the dashboard's u). The engine re-reads each row before writing, so
 * a row changed after this plan was made is still left alone.
 */
export function planUndo(written: readonly WrittenRow[], current: (key: string) => Row | undefined): Plan {
	const plan = emptyPlan();
	for (const entry of written) {
		const step = undoStep(entry, current(rowKey(entry)));
		if (step.kind === 'gone') {
			plan.leftAlone.push({row: {...entry, value: entry.to, trialWithoutPaymentMethod: undefined}, reason: `${entry.name} (${entry.id}) is no longer listed`});
		} else if (step.kind === 'changed-since') {
			const {row} = step;
			plan.leftAlone.push({row, reason: `${row.name} (${row.id}) changed since (now ${row.value}; the change set set ${entry.to}): left alone`});
		} else if (step.kind === 'unchanged') plan.unchanged.push(step.row);
		else plan.changes.push({row: step.row, from: step.row.value, to: step.to});
	}
	return plan;
}

/** What happened to one row of a plan. */
export type Outcome<R extends Writable = Row> =
	/** Written, and the answer holds the wanted value. */
	| {kind: 'changed'; change: Change<R>; row: R; correlationId?: string}
	/** The re-read found the wanted value already there: nothing sent. */
	| {kind: 'already'; change: Change<R>; row: R}
	/** The re-read found another value than the one confirmed from: someone else changed it. Nothing sent. */
	| {kind: 'conflict'; change: Change<R>; row: R}
	/** The row is no longer listed. Nothing sent. */
	| {kind: 'gone'; change: Change<R>}
	/** Not changed: the write (or the re-read before it) failed, or the answer did not hold the value. */
	| {kind: 'failed'; change: Change<R>; problem: Problem; row?: R; sent: boolean}
	/** Sent, but whether it applied is not known (interrupted, or the connection dropped, and no re-read could tell). */
	| {kind: 'unknown'; change: Change<R>; problem: Problem}
	/** Stopped before it was sent. */
	| {kind: 'not-sent'; change: Change<R>};

export type OutcomeKind = Outcome['kind'];

/** Reads and writes rows where they live (the licensing service, Microsoft Graph, or a test's memory). */
export type WriteTarget<R extends Writable = Row> = {
	/**
	 * The rows of these changes as the service holds them now, by rowKey; a row missing from the
	 * map is no longer listed. Used right before writing (one list per scope for several rows,
	 * or one GET for a single row) and to settle writes whose outcome is unknown.
	 */
	read(changes: readonly Change<R>[], signal: AbortSignal): Promise<Map<string, R>>;
	/** Writes one row; resolves with the row as the answer holds it (or as a read right after the write found it). */
	write(change: Change<R>, signal: AbortSignal): Promise<{row: R; correlationId?: string}>;
};

/**
 * Where intents and outcomes are written ahead (the audit log). `intent` must be on disk before
 * the write is sent: if it throws, the write is not sent and the engine stops.
 */
export type Journal<R extends Writable = Row> = {
	intent(change: Change<R>): Promise<void>;
	outcome(outcome: Outcome<R>): Promise<void>;
};

export type ApplyOptions<R extends Writable = Row> = {
	/** Requests in flight at once (4 to 8 is kind to the service and fast). */
	concurrency?: number;
	journal?: Journal<R>;
	/** Told as each row's outcome is known, in completion order (unknown rows once more when settled). */
	onOutcome?: (outcome: Outcome<R>) => void;
	/** Told right before each write is sent (after its intent is on disk). */
	onSend?: (change: Change<R>) => void;
	/** Turns a failure into a Problem (default: the one classifier). */
	classify?: (error: unknown) => Problem;
	/** Stop: send nothing more, wait up to `drainMs` for the writes in flight, re-read the unknown. */
	stop?: AbortSignal;
	/** How long a stop waits for writes in flight before it stops waiting (default 10 s). */
	drainMs?: number;
	/** A bulk write re-reads the list when the last read is older than this (default 2 s). */
	rereadAfterMs?: number;
};

export type ApplyResult<R extends Writable = Row> = {
	/** In the plan's order. */
	outcomes: Outcome<R>[];
	/** Whether a stop cut the run short (some rows not sent, or waited for). */
	interrupted: boolean;
	/** The journal could not be written: the writes after it were not sent. */
	journalError?: Error;
	/** Outcomes the journal could not record (print them: nothing may be lost). */
	unjournaled: Outcome<R>[];
};

// 8 in flight: at 100 ms a request, 100 rows take ~1.4 s instead of ~10 s one by one (bench/bulk.ts),
// the top of the 4-8 range that stays kind to a service whose throttling limits are not documented.
export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_DRAIN_MS = 10_000;
const DEFAULT_REREAD_AFTER_MS = 2_000;
/**
 * Failures after which a sent write may still have applied: no answer came back, one too large or
 * garbled to read, or an accepted write whose read-back failed. The row is re-read to tell.
 */
const UNANSWERED: ReadonlySet<Problem['kind']> = new Set(['connection', 'timeout', 'cancelled', 'too-large', 'malformed', 'unverified']);

/**
 * The engine: each change re-read, written only while it still holds what the person confirmed
 * from, verified, and journaled ahead; at most `concurrency` at a time. Resolves with an outcome
 * per change, in the plan's order.
 */
export async function applyWrites<R extends Writable = Row>(target: WriteTarget<R>, changes: readonly Change<R>[], options: ApplyOptions<NoInfer<R>> = {}): Promise<ApplyResult<R>> {
	const classify = options.classify ?? defaultClassify;
	const outcomes: Outcome<R>[] = new Array(changes.length);
	const unjournaled: Outcome<R>[] = [];
	// Our own stop: the caller's, or a journal that failed.
	const halt = new AbortController();
	const onStop = () => halt.abort(options.stop?.reason);
	if (options.stop?.aborted) onStop();
	else options.stop?.addEventListener('abort', onStop, {once: true});
	// Writes in flight are only given up on drainMs after a stop.
	const drain = new AbortController();
	let drainTimer: NodeJS.Timeout | undefined;
	halt.signal.addEventListener('abort', () => {
		drainTimer = setTimeout(() => drain.abort(new CancelledError('Stopped waiting for the answer')), options.drainMs ?? DEFAULT_DRAIN_MS);
		drainTimer.unref?.();
	}, {once: true});
	let journalError: Error | undefined;
	let interrupted = false;

	const tell = async (outcome: Outcome<R>, journaled: boolean) => {
		if (journaled && options.journal) {
			try {
				await options.journal.outcome(outcome);
			} catch (error) {
				journalError ??= asError(error);
				unjournaled.push(outcome);
			}
		}
		options.onOutcome?.(outcome);
	};

	// One snapshot of the rows for a bulk write, refreshed when older than rereadAfterMs; a single
	// row is read on its own. A failed read is not kept: the next row tries again.
	const single = changes.length === 1;
	let snapshot: {at: number; rows: Promise<Map<string, R>>} | undefined;
	const current = (change: Change<R>): Promise<Map<string, R>> => {
		if (single) return target.read([change], halt.signal);
		const now = performance.now();
		if (!snapshot || now - snapshot.at > (options.rereadAfterMs ?? DEFAULT_REREAD_AFTER_MS)) {
			const read = {at: now, rows: target.read(changes, halt.signal)};
			read.rows.catch(() => {
				if (snapshot === read) snapshot = undefined;
			});
			snapshot = read;
		}
		return snapshot.rows;
	};

	let next = 0;
	const one = async (change: Change<R>): Promise<{outcome: Outcome<R>; journaled: boolean}> => {
		if (halt.signal.aborted) return {outcome: {kind: 'not-sent', change}, journaled: false};
		let now: R | undefined;
		try {
			now = (await current(change)).get(rowKey(change.row));
		} catch (error) {
			if (halt.signal.aborted) return {outcome: {kind: 'not-sent', change}, journaled: false};
			return {outcome: {kind: 'failed', change, problem: classify(error), sent: false}, journaled: true};
		}
		if (!now) return {outcome: {kind: 'gone', change}, journaled: true};
		if (now.value === change.to) return {outcome: {kind: 'already', change, row: now}, journaled: false};
		if (now.value !== change.from) return {outcome: {kind: 'conflict', change, row: now}, journaled: true};
		if (halt.signal.aborted) return {outcome: {kind: 'not-sent', change}, journaled: false};
		if (options.journal) {
			try {
				await options.journal.intent(change);
			} catch (error) {
				// Never write what the log cannot tell: stop sending.
				journalError ??= asError(error);
				halt.abort(journalError);
				return {outcome: {kind: 'failed', change, problem: classify(journalError), sent: false}, journaled: false};
			}
		}
		options.onSend?.(change);
		try {
			const {row, correlationId} = await target.write(change, drain.signal);
			if (row.value !== change.to) {
				const problem = classify(new NotAppliedError(row.name || change.row.name, change.to, row.value, correlationId));
				return {outcome: {kind: 'failed', change, problem, row, sent: true}, journaled: true};
			}
			return {outcome: {kind: 'changed', change, row, correlationId}, journaled: true};
		} catch (error) {
			const problem = classify(error);
			// No answer (stopped waiting, or the connection dropped): the write may have applied.
			if (drain.signal.aborted || UNANSWERED.has(problem.kind)) return {outcome: {kind: 'unknown', change, problem}, journaled: true};
			return {outcome: {kind: 'failed', change, problem, sent: true}, journaled: true};
		}
	};

	const worker = async () => {
		while (next < changes.length) {
			const index = next++;
			const change = changes[index]!;
			const {outcome, journaled} = await one(change);
			outcomes[index] = outcome;
			if (outcome.kind === 'not-sent') interrupted = true;
			// Unknown outcomes are journaled once settled, below.
			await tell(outcome, journaled && outcome.kind !== 'unknown');
		}
	};
	const width = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, changes.length));
	try {
		await Promise.all(Array.from({length: width}, worker));
		if (options.stop?.aborted) interrupted = true;
		// Settle what could not be confirmed: read what the service holds now.
		const unknown = outcomes.map((outcome, index) => ({outcome, index})).filter(({outcome}) => outcome.kind === 'unknown');
		if (unknown.length > 0) {
			const settleSignal = AbortSignal.timeout(options.drainMs ?? DEFAULT_DRAIN_MS);
			let rows: Map<string, R> | undefined;
			try {
				rows = await target.read(unknown.map(u => u.outcome.change), settleSignal);
			} catch {
				rows = undefined; // still unknown: the log keeps the intent without an outcome
			}
			for (const {outcome, index} of unknown) {
				const {change} = outcome;
				if (!rows) {
					options.onOutcome?.(outcome);
					continue;
				}
				const now = rows.get(rowKey(change.row));
				const settled: Outcome<R> =
					now?.value === change.to
						? {kind: 'changed', change, row: now}
						: {
								kind: 'failed',
								change,
								row: now,
								sent: true,
								problem: {
									...(outcome as Extract<Outcome<R>, {kind: 'unknown'}>).problem,
									title: now ? `Not applied: the service holds ${now.value}` : 'Not applied: the row is no longer listed',
								},
							};
				outcomes[index] = settled;
				await tell(settled, true);
			}
		}
	} finally {
		options.stop?.removeEventListener('abort', onStop);
		if (drainTimer) clearTimeout(drainTimer);
	}
	return {outcomes, interrupted, ...(journalError ? {journalError} : {}), unjournaled};
}

function asError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}

/** Outcomes counted by kind. */
export function countOutcomes<R extends Writable = Row>(outcomes: readonly Outcome<R>[]): Record<OutcomeKind, number> {
	const counts: Record<OutcomeKind, number> = {changed: 0, already: 0, conflict: 0, gone: 0, failed: 0, unknown: 0, 'not-sent': 0};
	for (const outcome of outcomes) counts[outcome.kind] += 1;
	return counts;
}

/**
 * What the service holds after an outcome, where known: what the answer or a re-read said; the
 * value confirmed from when nothing was sent or the service answered with an error; else
 * undefined (sent, and no answer says what happened).
 */
export function heldAfter<R extends Writable = Row>(outcome: Outcome<R>): R['value'] | undefined {
	switch (outcome.kind) {
		case 'changed':
		case 'already':
		case 'conflict':
			return outcome.row.value;
		case 'failed':
			if (outcome.row) return outcome.row.value;
			return !outcome.sent || outcome.problem.status !== undefined ? outcome.change.from : undefined;
		case 'not-sent':
			return outcome.change.from;
		case 'gone':
		case 'unknown':
			return undefined;
	}
}

/** A sentence for a row that was not changed (CLI result tables, the dashboard's status and detail). */
export function outcomeReason<R extends Writable = Row>(outcome: Outcome<R>): string {
	switch (outcome.kind) {
		case 'changed':
			return 'changed';
		case 'already':
			return `already ${outcome.row.value}`;
		case 'conflict':
			return `skipped: someone else changed it to ${outcome.row.value} (it was ${outcome.change.from} when you confirmed); left alone`;
		case 'gone':
			return 'skipped: no longer listed';
		case 'failed':
			return `failed: ${outcome.problem.title}`;
		case 'unknown':
			return 'unknown: sent, but no answer came and no re-read could tell whether it applied';
		case 'not-sent':
			return 'not sent (stopped)';
	}
}
