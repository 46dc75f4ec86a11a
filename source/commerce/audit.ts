/**
 * The audit log: every write, from any command or the dashboard, as one JSON line in
 * `$XDG_STATE_HOME/mscommerce/audit.jsonl` (file 0600, directory 0700). Writes are grouped in
 * change sets (one confirmation = one change set, a UUID) that `history` lists and `undo` reverses.
 * Lines are appended as each write returns, so a crash half-way still leaves the truth on disk.
 */
import {randomUUID} from 'node:crypto';
import {appendFile, chmod, mkdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {applyChanges, undoStep, type ApplyOptions, type Change, type ChangeRecorder, type ChangeResult, type Plan} from './changes.js';
import type {CommerceClient} from './client.js';
import {isPolicyValue} from './values.js';
import type {PolicyValue, Row, Scope} from './types.js';

export const AUDIT_FILE = 'audit.jsonl';

/** One write attempt. The JSON field names are a contract: add, never rename. */
export type AuditEntry = {
	/** When the write returned (ISO 8601). */
	time: string;
	changeSetId: string;
	/** What made the write: `products set`, `offer-types set`, `baseline apply`, `undo`, `dashboard`. */
	source: string;
	account: string;
	tenant: string;
	policyId: string;
	scope: Scope;
	id: string;
	name: string;
	/** The value before the write. */
	from: PolicyValue;
	/** The value asked for. */
	to: PolicyValue;
	result: 'ok' | 'failed';
	correlationId?: string;
	/** The problem's title, when the write failed. */
	problem?: string;
	/** The change set this one reverses (undo only). */
	undoes?: string;
};

/** Who made a change set, and from where. */
export type ChangeSetMeta = {
	/** settings.stateDir */
	stateDir: string;
	source: string;
	account: string;
	tenant: string;
	policyId: string;
	undoes?: string;
	/** Normally left out: a fresh UUID. */
	id?: string;
};

/** A change set being written: pass it to applyChanges as `recorder`, or call record() per result. */
export type ChangeSetRecorder = ChangeRecorder & {
	readonly id: string;
	/** The entries recorded so far (what undoPlan needs for the dashboard's `u`). */
	readonly entries: readonly AuditEntry[];
	/** The first failure to write the log, if any: the writes themselves are not affected. */
	readonly error: Error | undefined;
	/** Resolves when every line so far is on disk. */
	flush(): Promise<void>;
};

export function auditPath(stateDir: string): string {
	return join(stateDir, AUDIT_FILE);
}

/** Creates the state directory 0700 (and keeps it so: it holds account names). */
export async function ensureStateDir(stateDir: string): Promise<void> {
	await mkdir(stateDir, {recursive: true, mode: 0o700});
	await chmod(stateDir, 0o700).catch(() => undefined);
}

/** Starts a change set; nothing is written until the first result is recorded. */
export function startChangeSet(meta: ChangeSetMeta): ChangeSetRecorder {
	const id = meta.id ?? randomUUID();
	const file = auditPath(meta.stateDir);
	const entries: AuditEntry[] = [];
	let chain: Promise<void> = Promise.resolve();
	let prepared = false;
	let error: Error | undefined;
	const write = async (line: string) => {
		if (!prepared) {
			await ensureStateDir(meta.stateDir);
			await appendFile(file, '', {mode: 0o600});
			await chmod(file, 0o600);
			prepared = true;
		}
		// One appendFile per line: O_APPEND keeps lines whole even when two processes write at once.
		await appendFile(file, line, {mode: 0o600});
	};
	return {
		id,
		entries,
		get error() {
			return error;
		},
		record(result: ChangeResult): Promise<void> {
			const entry = entryFor(meta, id, result);
			entries.push(entry);
			const line = `${JSON.stringify(entry)}\n`;
			chain = chain.then(() => write(line)).catch((cause: unknown) => {
				// A log that cannot be written must not stop or undo the writes themselves: report it after.
				error ??= cause instanceof Error ? cause : new Error(String(cause));
			});
			return chain;
		},
		flush: () => chain,
	};
}

/** Records results that were written without applyChanges' recorder; resolves with the change set. */
export async function recordChangeSet(meta: ChangeSetMeta, results: readonly ChangeResult[]): Promise<ChangeSet> {
	const recorder = startChangeSet(meta);
	for (const result of results) void recorder.record(result);
	await recorder.flush();
	if (recorder.error) throw recorder.error;
	return changeSetOf(recorder.entries)!;
}

/**
 * Writes changes as one change set through the one engine, and logs every write: what the
 * dashboard calls once per confirmation (bulk e / t / d / Space, R on the failed rows, u with an
 * undoPlan's changes and `undoes`). Resolves when every result is on disk; a log that could not
 * be written is in `logError`, the writes stand.
 */
export async function applyChangeSet(
	client: CommerceClient,
	changes: readonly Change[],
	meta: ChangeSetMeta,
	options: Omit<ApplyOptions, 'recorder'> = {},
): Promise<{changeSet: ChangeSet | undefined; results: ChangeResult[]; logError?: Error}> {
	const recorder = startChangeSet(meta);
	const results = await applyChanges(client, meta.policyId, changes, {...options, recorder});
	await recorder.flush();
	return {changeSet: changeSetOf(recorder.entries), results, ...(recorder.error ? {logError: recorder.error} : {})};
}

function entryFor(meta: ChangeSetMeta, changeSetId: string, result: ChangeResult): AuditEntry {
	const {row, to} = result.change;
	const entry: AuditEntry = {
		time: new Date().toISOString(),
		changeSetId,
		source: meta.source,
		account: meta.account,
		tenant: meta.tenant,
		policyId: meta.policyId,
		scope: row.scope,
		id: row.id,
		name: row.name,
		from: row.value,
		to,
		result: result.ok ? 'ok' : 'failed',
	};
	if (result.ok) entry.correlationId = result.correlationId;
	else {
		if (result.problem.correlationId) entry.correlationId = result.problem.correlationId;
		entry.problem = result.problem.title;
	}
	if (meta.undoes) entry.undoes = meta.undoes;
	return entry;
}

/** Every entry in the log, oldest first; lines that are not entries are counted, not fatal. */
export async function readAudit(stateDir: string): Promise<{entries: AuditEntry[]; unreadable: number}> {
	let text: string;
	try {
		text = await readFile(auditPath(stateDir), 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {entries: [], unreadable: 0};
		throw error;
	}
	const entries: AuditEntry[] = [];
	let unreadable = 0;
	for (const line of text.split('\n')) {
		if (line.trim() === '') continue;
		try {
			const entry = JSON.parse(line) as unknown;
			if (isEntry(entry)) entries.push(entry);
			else unreadable++;
		} catch {
			unreadable++;
		}
	}
	return {entries, unreadable};
}

function isEntry(value: unknown): value is AuditEntry {
	if (!value || typeof value !== 'object') return false;
	const e = value as Record<string, unknown>;
	return (
		typeof e.changeSetId === 'string' &&
		typeof e.time === 'string' &&
		(e.scope === 'product' || e.scope === 'offerType') &&
		typeof e.id === 'string' &&
		isPolicyValue(e.from) &&
		isPolicyValue(e.to) &&
		(e.result === 'ok' || e.result === 'failed')
	);
}

export type ChangeSet = {
	id: string;
	/** When its first write returned. */
	time: string;
	source: string;
	account: string;
	tenant: string;
	policyId: string;
	undoes?: string;
	/** Rows written (a row retried in the same change set counts once). */
	changed: number;
	/** Rows that could not be written, not even by a retry in the same change set. */
	failed: number;
	entries: AuditEntry[];
};

/** A row's key, the same for a log entry and a listed row (IDs compare case-insensitively). */
function rowKey(entry: Pick<AuditEntry, 'scope' | 'id'>): string {
	return `${entry.scope}:${entry.id.toUpperCase()}`;
}

function changeSetOf(entries: readonly AuditEntry[]): ChangeSet | undefined {
	const first = entries[0];
	if (!first) return undefined;
	const written = new Set(entries.filter(e => e.result === 'ok').map(rowKey));
	const set: ChangeSet = {
		id: first.changeSetId,
		time: first.time,
		source: first.source,
		account: first.account,
		tenant: first.tenant,
		policyId: first.policyId,
		changed: written.size,
		failed: new Set(entries.filter(e => e.result === 'failed').map(rowKey).filter(key => !written.has(key))).size,
		entries: [...entries],
	};
	if (first.undoes) set.undoes = first.undoes;
	return set;
}

/** The log's change sets, oldest first. */
export function changeSets(entries: readonly AuditEntry[]): ChangeSet[] {
	const groups = new Map<string, AuditEntry[]>();
	for (const entry of entries) {
		const group = groups.get(entry.changeSetId);
		if (group) group.push(entry);
		else groups.set(entry.changeSetId, [entry]);
	}
	return [...groups.values()].map(group => changeSetOf(group)!);
}

export type ChangeSetLookup = {found: ChangeSet} | {error: string};

/**
 * The change set to undo: the named one (a full ID or a unique prefix of at least 4 characters),
 * or the last one of this tenant and policy that wrote something.
 */
export function findChangeSet(sets: readonly ChangeSet[], where: {tenant: string; policyId: string}, id?: string): ChangeSetLookup {
	if (id !== undefined) {
		const wanted = id.trim().toLowerCase();
		if (wanted.length < 4) return {error: `"${id}" is too short: give at least 4 characters of a change set ID (see \`mscommerce history\`)`};
		const matches = sets.filter(set => set.id.toLowerCase().startsWith(wanted));
		if (matches.length === 0) return {error: `no change set ${id} in the audit log (see \`mscommerce history\`)`};
		if (matches.length > 1) return {error: `"${id}" names ${matches.length} change sets: give more of the ID`};
		const found = matches[0]!;
		if (found.tenant !== where.tenant) return {error: `change set ${shortId(found.id)} was made in tenant ${found.tenant}; this session is for tenant ${where.tenant}`};
		if (found.policyId !== where.policyId) return {error: `change set ${shortId(found.id)} is for policy ${found.policyId}; this run works on ${where.policyId} (--policy-id)`};
		if (found.changed === 0) return {error: `change set ${shortId(found.id)} wrote nothing (every write failed): nothing to undo`};
		return {found};
	}
	const last = [...sets].reverse().find(set => set.tenant === where.tenant && set.policyId === where.policyId && set.changed > 0);
	return last ? {found: last} : {error: `nothing to undo: no change recorded for tenant ${where.tenant} and policy ${where.policyId}`};
}

export function shortId(id: string): string {
	return id.slice(0, 8);
}

export type UndoSkip = {entry: AuditEntry; row?: Row; reason: string};
export type UndoPlan = {
	/** Give it to runPlan / applyChanges: each row back to the value it had before the change set. */
	plan: Plan;
	/** Rows changed again since the change set (or no longer listed): never overwritten. */
	skipped: UndoSkip[];
	undoes: string;
};

/**
 * What undoing a change set would write, against the rows as the service holds them now. Only
 * rows still holding the value that change set wrote are put back; a row changed again since, by
 * anyone, is reported and left alone.
 */
export function undoPlan(changeSet: Pick<ChangeSet, 'id' | 'entries'>, currentRows: readonly Row[]): UndoPlan {
	const current = new Map(currentRows.map(row => [rowKey(row), row]));
	// A row written twice in one set (a retry): the first entry knows the value before, the last ok one what stands.
	const written = new Map<string, {first: AuditEntry; last: AuditEntry}>();
	for (const entry of changeSet.entries) {
		const key = rowKey(entry);
		const seen = written.get(key);
		if (!seen) written.set(key, {first: entry, last: entry});
		else if (entry.result === 'ok') seen.last = entry;
	}
	const changes: Change[] = [];
	const skipped: UndoSkip[] = [];
	const unchanged: Row[] = [];
	for (const [key, {first, last}] of written) {
		if (last.result !== 'ok') continue; // never written: nothing to put back
		const step = undoStep({from: first.from, to: last.to}, current.get(key));
		if (step.kind === 'gone') skipped.push({entry: last, reason: `${last.name} (${last.id}) is no longer listed`});
		else if (step.kind === 'changed-since') {
			const {row} = step;
			skipped.push({entry: last, row, reason: `${row.name} (${row.id}) changed since (now ${row.value}; the change set set ${last.to}): left alone`});
		} else if (step.kind === 'unchanged') unchanged.push(step.row);
		else changes.push({row: step.row, to: step.to});
	}
	// In the service's list order, as every other plan.
	const order = new Map(currentRows.map((row, i) => [row, i]));
	changes.sort((a, b) => (order.get(a.row) ?? 0) - (order.get(b.row) ?? 0));
	return {plan: {changes, unchanged, refused: []}, skipped, undoes: changeSet.id};
}
