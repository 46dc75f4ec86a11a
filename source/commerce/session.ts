/**
 * A session's changes: what the dashboard confirms, written through the one engine
 * (applyWrites) and the audit log, and what `u` and `R` act on. The dashboard's view keeps only
 * view state (rows on screen, which rows are saving, markers); this object knows the change sets.
 *
 * - apply(plan): one confirmation = one change set in the audit log.
 * - retry: the rows whose last write failed, each compared against the value its failed attempt
 *   started from, written into the change set they failed in.
 * - undo: the last change set of this session that wrote something, by the one undo rule.
 * - stop(): send nothing more, wait (bounded) for writes in flight, re-read what is unknown.
 *
 * Its types take the kind of row as a parameter, like the engine's (Row unless said otherwise):
 * the dashboard's tenant-wide switches (SwitchRow) are a session of their own, written through
 * Microsoft Graph by the same engine (`write`: source/switches/switches.ts, writeSwitches).
 */
import {
	applyWrites,
	countOutcomes,
	DEFAULT_DRAIN_MS,
	rowKey,
	undoStep,
	type ApplyOptions,
	type ApplyResult,
	type Change,
	type Journal,
	type Outcome,
	type Writable,
	type WriteTarget,
} from './changes.js';
import type {Problem} from '../problems/types.js';
import type {Row} from './types.js';

export type PlanKind = 'set' | 'cycle' | 'undo' | 'retry';

/** A plan of rows of kind R: for Row, the same shape as the engine's Plan (commerce/changes.ts). */
export type RowPlan<R extends Writable = Row> = {
	changes: Change<R>[];
	unchanged: R[];
	refused: Array<{row: R; reason: string}>;
	leftAlone: Array<{row: R; reason: string}>;
};

/** A plan as the session applies it: what kind of confirmation, and for an undo, which set. */
export type SessionPlan<R extends Writable = Row> = RowPlan<R> & {kind: PlanKind; undoes?: number};

/** Starts a change set in the audit log: `id` continues one (R), `undoes` names the set an undo reverses. */
export type JournalFactory<R extends Writable = Row> = (options: {id?: string; undoes?: string}) => Journal<R> & {readonly id: string};

/** Writes changes through the one engine (applyWrites, or a caller's wrapper of it such as writeSwitches). */
export type SessionWriter<R extends Writable = Row> = (changes: readonly Change<R>[], options: ApplyOptions<R>) => Promise<ApplyResult<R>>;

export type SessionOptions<R extends Writable = Row> = (
	| {target: WriteTarget<R>; write?: undefined}
	/** Instead of a target: the function that runs the engine (loaded on demand, e.g. Microsoft Graph's). */
	| {write: SessionWriter<R>; target?: undefined}
) & {
	/** Absent: nothing is logged (tests). */
	journal?: JournalFactory<R>;
	classify?: (error: unknown) => Problem;
	concurrency?: number;
	drainMs?: number;
};

/** A row a change set wrote: the value before its first write, the value its last write left, and the row as that write left it. */
type Written<R extends Writable> = {scope: string; id: string; name: string; from: R['value']; to: R['value']; row: R};

type SessionSet<R extends Writable> = {id: number; logId?: string; written: Map<string, Written<R>>};

/** A failed row, for R and for the screen's marker: the change that failed and why. */
export type FailedRow<R extends Writable = Row> = {change: Change<R>; problem: Problem; setId: number};

export type Running = {setId: number; total: number; stopped: boolean; inFlight: Set<string>};

export class ChangeSession<R extends Writable = Row> {
	private readonly sets: SessionSet<R>[] = [];
	private readonly failedRows = new Map<string, FailedRow<R>>();
	private running: {state: Running; stop: AbortController; done: Promise<ApplyResult<R>>} | undefined;
	private nextId = 1;
	/** Every outcome of this session, for the summary printed after the dashboard closes. */
	private readonly log: Outcome<R>[] = [];

	constructor(private readonly options: SessionOptions<R>) {}

	/** The rows whose last write failed (R retries them), by rowKey. */
	get failed(): ReadonlyMap<string, FailedRow<R>> {
		return this.failedRows;
	}

	/** The writes under way, if any. */
	get busy(): Running | undefined {
		return this.running?.state;
	}

	/** Whether u has something to undo. */
	get canUndo(): boolean {
		return this.sets.some(set => set.written.size > 0);
	}

	/**
	 * Writes a confirmed plan as one change set (a retry continues the set its rows failed in; an
	 * undo names the set it reverses). onOutcome hears each row as it settles.
	 */
	async apply(plan: SessionPlan<R>, onOutcome: (outcome: Outcome<R>) => void): Promise<ApplyResult<R> & {setId: number}> {
		if (this.running) throw new Error('A change is still being written');
		const retrySet = plan.kind === 'retry' ? this.failedSetOf(plan.changes) : undefined;
		const undone = plan.kind === 'undo' ? this.sets.find(set => set.id === plan.undoes) : undefined;
		let set: SessionSet<R>;
		if (retrySet) set = retrySet;
		else {
			set = {id: this.nextId++, written: new Map()};
			// An undo is a change set of its own, but not one u offers to undo again.
			if (plan.kind !== 'undo') this.sets.push(set);
		}
		const journal = this.options.journal?.({id: retrySet?.logId, undoes: undone?.logId});
		if (journal && !set.logId) set.logId = journal.id;
		if (undone) this.sets.splice(this.sets.indexOf(undone), 1);
		for (const change of plan.changes) this.failedRows.delete(rowKey(change.row));

		const stop = new AbortController();
		const state: Running = {setId: set.id, total: plan.changes.length, stopped: false, inFlight: new Set()};
		const options: ApplyOptions<R> = {
			journal,
			classify: this.options.classify,
			concurrency: this.options.concurrency,
			drainMs: this.options.drainMs ?? DEFAULT_DRAIN_MS,
			stop: stop.signal,
			onSend: change => state.inFlight.add(rowKey(change.row)),
			onOutcome: outcome => {
				this.record(set, outcome);
				state.inFlight.delete(rowKey(outcome.change.row));
				onOutcome(outcome);
			},
		};
		const done = this.options.write ? this.options.write(plan.changes, options) : applyWrites(this.options.target, plan.changes, options);
		this.running = {state, stop, done};
		try {
			const result = await done;
			return {...result, setId: set.id};
		} finally {
			this.running = undefined;
		}
	}

	private record(set: SessionSet<R>, outcome: Outcome<R>): void {
		this.log.push(outcome);
		const key = rowKey(outcome.change.row);
		if (outcome.kind === 'changed') {
			const before = set.written.get(key);
			const {row} = outcome;
			set.written.set(key, {scope: row.scope, id: row.id, name: row.name, from: before?.from ?? outcome.change.from, to: row.value, row});
		} else if (outcome.kind === 'failed' || outcome.kind === 'unknown') {
			this.failedRows.set(key, {change: outcome.change, problem: outcome.problem, setId: set.id});
		}
	}

	private failedSetOf(changes: readonly Change<R>[]): SessionSet<R> | undefined {
		const first = changes[0] && this.failedRows.get(rowKey(changes[0].row));
		return first ? this.sets.find(set => set.id === first.setId) : undefined;
	}

	/**
	 * R: the failed rows again, each compared against the value its failed attempt started from
	 * (the engine writes only where the service still holds it).
	 */
	retryPlan(current: (key: string) => R | undefined): SessionPlan<R> {
		const plan: SessionPlan<R> = {kind: 'retry', changes: [], unchanged: [], refused: [], leftAlone: []};
		for (const [key, {change}] of this.failedRows) {
			const row = current(key) ?? change.row;
			if (row.value === change.to) plan.unchanged.push(row);
			else plan.changes.push({row, from: change.from, to: change.to});
		}
		return plan;
	}

	/**
	 * u: the last change set that wrote something, undone by the one rule (undoStep, as planUndo
	 * applies it for `undo`), against the rows as known now.
	 */
	undoPlan(current: (key: string) => R | undefined): SessionPlan<R> | undefined {
		const last = [...this.sets].reverse().find(set => set.written.size > 0);
		if (!last) return undefined;
		const plan: SessionPlan<R> = {kind: 'undo', undoes: last.id, changes: [], unchanged: [], refused: [], leftAlone: []};
		for (const entry of last.written.values()) {
			const step = undoStep<R>(entry, current(rowKey(entry)));
			if (step.kind === 'gone') plan.leftAlone.push({row: entry.row, reason: `${entry.name} (${entry.id}) is no longer listed`});
			else if (step.kind === 'changed-since') {
				const {row} = step;
				plan.leftAlone.push({row, reason: `${row.name} (${row.id}) changed since (now ${row.value}; the change set set ${entry.to}): left alone`});
			} else if (step.kind === 'unchanged') plan.unchanged.push(step.row);
			else plan.changes.push({row: step.row, from: step.row.value, to: step.to});
		}
		return plan;
	}

	/** q / Ctrl-C while writing: send nothing more; resolves when the writes in flight are settled. Returns how many were in flight. */
	stop(): {inFlight: number; done: Promise<unknown>} {
		const running = this.running;
		if (!running) return {inFlight: 0, done: Promise.resolve()};
		running.state.stopped = true;
		running.stop.abort();
		return {inFlight: running.state.inFlight.size, done: running.done.catch(() => undefined)};
	}

	/** What this session wrote, for a line after the dashboard closes (empty when nothing was confirmed). */
	summary(): string[] {
		if (this.log.length === 0) return [];
		// The last word per row.
		const last = new Map<string, Outcome<R>>();
		for (const outcome of this.log) last.set(rowKey(outcome.change.row), outcome);
		const counts = countOutcomes([...last.values()]);
		const parts = [`${counts.changed} changed`];
		if (counts.failed) parts.push(`${counts.failed} failed`);
		if (counts.conflict + counts.gone) parts.push(`${counts.conflict + counts.gone} skipped (changed by someone else, or gone)`);
		if (counts['not-sent']) parts.push(`${counts['not-sent']} not sent`);
		if (counts.unknown) parts.push(`${counts.unknown} unknown (see \`mscommerce history\`)`);
		const lines = [`mscommerce: this session's changes: ${parts.join(', ')}.`];
		for (const outcome of last.values()) {
			if (outcome.kind === 'unknown') lines.push(`  unknown: ${outcome.change.row.name} (${outcome.change.row.id}) ${outcome.change.from} → ${outcome.change.to}`);
		}
		return lines;
	}
}
