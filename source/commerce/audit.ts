/**
 * The audit log: every write, from any command or the dashboard, as JSON lines in
 * `$XDG_STATE_HOME/mscommerce/audit.jsonl` (file 0600, directory 0700), grouped in change sets
 * (one confirmation = one change set, a UUID) that `history` lists and `undo` reverses.
 *
 * Written ahead (docs/writes.md): an `intent` line is on disk before each write is sent, and an
 * outcome line (`ok`, `failed`, `skipped`) follows when it is known. A row whose last intent has
 * no outcome (the process was killed, or the answer never came) is `unknown`: `history` shows it
 * and `undo` re-reads it like any other row. Each append starts on a fresh line whatever the
 * last line was (a torn line from a crash never swallows the next entry); a line that cannot be
 * read is skipped and counted, never fatal.
 */
import {randomUUID} from 'node:crypto';
import {constants} from 'node:fs/promises';
import {join} from 'node:path';
import {ensurePrivateDir, openPrivateFile, readPrivateFile} from '../privateFiles.js';
import {AuditLogError, UsageError} from '../problems/errors.js';
import {planUndo, rowKey, type AnyRow, type Change, type Journal, type Outcome, type Plan, type WrittenRow} from './changes.js';
import {isPolicyValue, isSwitchValue, type SwitchValue} from './values.js';
import type {PolicyValue, Row, Scope} from './types.js';

export const AUDIT_FILE = 'audit.jsonl';

export type EntryResult = 'intent' | 'ok' | 'failed' | 'skipped';

/** What a line is about: a product, an offer type, or a tenant-wide switch (docs/switches.md). */
export type AuditScope = Scope | 'switch';
/** A product's or offer type's policy value, or a switch's `on` / `off`. */
export type AuditValue = PolicyValue | SwitchValue;

/** One line. The JSON field names are a contract: add, never rename. */
export type AuditEntry = {
	/** When the line was written (ISO 8601). */
	time: string;
	changeSetId: string;
	/** What made the write: `products set`, `offer-types set`, `baseline apply`, `undo`, `dashboard`. */
	source: string;
	account: string;
	/** The tenant ID. */
	tenant: string;
	/** The tenant's domain, where it is known for that tenant. */
	tenantName?: string;
	policyId: string;
	/** `product`, `offerType`, or `switch` (a tenant-wide switch: its name is the id, its values on / off). */
	scope: AuditScope;
	id: string;
	name: string;
	/** The value the person confirmed from. */
	from: AuditValue;
	/** The value asked for. */
	to: AuditValue;
	/** `intent`: about to be sent; then `ok`, `failed` or `skipped` (someone else changed it, or it is gone). */
	result: EntryResult;
	/** What the service held, where the outcome says (skipped, not applied, settled after a stop). */
	now?: AuditValue;
	correlationId?: string;
	/** The problem's title, when the write failed or was skipped. */
	problem?: string;
	/** The change set this one reverses (undo only). */
	undoes?: string;
};

/** Who makes a change set, and where. */
export type ChangeSetMeta = {
	/** settings.stateDir */
	stateDir: string;
	source: string;
	account: string;
	tenant: string;
	tenantName?: string;
	/** The run's policy (--policy-id); a switch's lines carry it too, so `undo` finds them as the last change set of this tenant. */
	policyId: string;
	undoes?: string;
	/** Normally left out: a fresh UUID. Given: continue that change set (R retries its failed rows). */
	id?: string;
};

/** A change set being written: the engine's journal (intent before each write, outcome after), for rows and switches alike. */
export type ChangeSetRecorder = Journal<AnyRow> & {
	readonly id: string;
	readonly meta: ChangeSetMeta;
	/** The lines written so far. */
	readonly entries: readonly AuditEntry[];
};

export function auditPath(stateDir: string): string {
	return join(stateDir, AUDIT_FILE);
}

/** Creates the state directory 0700, or refuses one that is not ours alone (source/privateFiles.ts). */
export async function ensureStateDir(stateDir: string): Promise<void> {
	await ensurePrivateDir(stateDir);
}

// A link planted at the log's path is refused, never followed (openPrivateFile adds O_NOFOLLOW).
const APPEND_FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT;

/**
 * Appends one line, starting it on a fresh line if the file's last byte is not a newline. One
 * write per line: O_APPEND keeps lines whole when two processes append at once.
 */
async function appendLine(file: string, line: string): Promise<void> {
	const handle = await openPrivateFile(file, APPEND_FLAGS);
	try {
		const {size, mode} = await handle.stat();
		if ((mode & 0o777) !== 0o600) await handle.chmod(0o600);
		let fresh = true;
		if (size > 0) {
			const last = Buffer.alloc(1);
			await handle.read(last, 0, 1, size - 1);
			fresh = last[0] === 0x0a;
		}
		await handle.write(`${fresh ? '' : '\n'}${line}\n`);
		await handle.datasync();
	} finally {
		await handle.close();
	}
}

/**
 * Before asking anything: the log can be written (its directory is ours alone, the file is no
 * link). A refused path is a UsageError (exit 2), and nothing has been asked or sent.
 */
export async function checkAuditLog(stateDir: string): Promise<void> {
	try {
		await ensureStateDir(stateDir);
		const handle = await openPrivateFile(auditPath(stateDir), APPEND_FLAGS);
		await handle.close();
	} catch (cause) {
		throw cause instanceof UsageError ? cause : new AuditLogError(auditPath(stateDir), {cause});
	}
}

/** Starts a change set; nothing is written until the first intent or outcome. */
export function startChangeSet(meta: ChangeSetMeta): ChangeSetRecorder {
	const id = meta.id ?? randomUUID();
	const file = auditPath(meta.stateDir);
	const entries: AuditEntry[] = [];
	let prepared: Promise<void> | undefined;
	// Lines go out in order, one at a time.
	let chain: Promise<void> = Promise.resolve();
	const append = (entry: AuditEntry): Promise<void> => {
		const write = async () => {
			prepared ??= ensureStateDir(meta.stateDir);
			await prepared;
			await appendLine(file, JSON.stringify(entry));
			entries.push(entry);
		};
		const done = chain.then(write).catch((cause: unknown) => {
			prepared = undefined;
			// A refused path (a link, a foreign directory) says so itself; anything else is the log failing.
			throw cause instanceof UsageError ? cause : new AuditLogError(file, {cause});
		});
		chain = done.catch(() => undefined);
		return done;
	};
	const base = (change: Change<AnyRow>) => ({
		time: new Date().toISOString(),
		changeSetId: id,
		source: meta.source,
		account: meta.account,
		tenant: meta.tenant,
		...(meta.tenantName ? {tenantName: meta.tenantName} : {}),
		policyId: meta.policyId,
		scope: change.row.scope,
		id: change.row.id,
		name: change.row.name,
		from: change.from,
		to: change.to,
	});
	return {
		id,
		meta,
		entries,
		intent: change => append({...base(change), result: 'intent', ...(meta.undoes ? {undoes: meta.undoes} : {})}),
		outcome: async outcome => {
			const entry = entryFor(outcome);
			if (entry) await append({...base(outcome.change), ...entry, ...(meta.undoes ? {undoes: meta.undoes} : {})});
		},
	};
}

/** The outcome's line, or undefined for outcomes that wrote nothing and need no line. */
function entryFor(outcome: Outcome<AnyRow>): Pick<AuditEntry, 'result' | 'now' | 'correlationId' | 'problem'> | undefined {
	switch (outcome.kind) {
		case 'changed':
			return {result: 'ok', now: outcome.row.value, ...(outcome.correlationId ? {correlationId: outcome.correlationId} : {})};
		case 'conflict':
			return {result: 'skipped', now: outcome.row.value, problem: `Changed by someone else (now ${outcome.row.value}): left alone`};
		case 'gone':
			return {result: 'skipped', problem: 'No longer listed'};
		case 'failed':
			return {
				result: 'failed',
				...(outcome.row ? {now: outcome.row.value} : {}),
				...(outcome.problem.correlationId ? {correlationId: outcome.problem.correlationId} : {}),
				problem: outcome.problem.title,
			};
		case 'already':
		case 'unknown':
		case 'not-sent':
			// Nothing written, or not known yet: an intent without an outcome reads as unknown.
			return undefined;
	}
}

export type AuditRead = {entries: AuditEntry[]; unreadable: number};

/** Every entry in the log, oldest first; lines that are not entries are counted, never fatal. */
export async function readAudit(stateDir: string): Promise<AuditRead> {
	const text = await readPrivateFile(auditPath(stateDir));
	if (text === undefined) return {entries: [], unreadable: 0};
	const entries: AuditEntry[] = [];
	let unreadable = 0;
	for (const line of text.split('\n')) {
		if (line.trim() === '') continue;
		let value: unknown;
		try {
			value = JSON.parse(line);
		} catch {
			unreadable++;
			continue;
		}
		const entry = asEntry(value);
		if (entry) entries.push(entry);
		else unreadable++;
	}
	return {entries, unreadable};
}

/** The one warning every reader gives for lines it skipped. */
export function unreadableWarning(stateDir: string, unreadable: number): string | undefined {
	if (unreadable === 0) return undefined;
	return `warning: ${unreadable} line${unreadable === 1 ? '' : 's'} of ${auditPath(stateDir)} could not be read and ${unreadable === 1 ? 'was' : 'were'} skipped.`;
}

const RESULTS: readonly EntryResult[] = ['intent', 'ok', 'failed', 'skipped'];

/** A line as an entry: the fields that identify a write must be right; the rest default. */
function asEntry(value: unknown): AuditEntry | undefined {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
	const e = value as Record<string, unknown>;
	const text = (field: unknown, fallback: string) => (typeof field === 'string' && field !== '' ? field : fallback);
	if (typeof e.changeSetId !== 'string' || e.changeSetId === '' || typeof e.id !== 'string' || e.id === '') return undefined;
	if (e.scope !== 'product' && e.scope !== 'offerType' && e.scope !== 'switch') return undefined;
	// A switch's values are on / off; a product's or offer type's, policy values.
	const isValue = e.scope === 'switch' ? isSwitchValue : isPolicyValue;
	if (!isValue(e.from) || !isValue(e.to) || !RESULTS.includes(e.result as EntryResult)) return undefined;
	const entry: AuditEntry = {
		time: text(e.time, ''),
		changeSetId: e.changeSetId,
		source: text(e.source, 'unknown'),
		account: text(e.account, 'unknown account'),
		tenant: text(e.tenant, 'unknown tenant'),
		policyId: text(e.policyId, 'unknown'),
		scope: e.scope,
		id: e.id,
		name: text(e.name, e.id),
		from: e.from,
		to: e.to,
		result: e.result as EntryResult,
	};
	if (typeof e.tenantName === 'string' && e.tenantName) entry.tenantName = e.tenantName;
	if (isValue(e.now)) entry.now = e.now;
	if (typeof e.correlationId === 'string') entry.correlationId = e.correlationId;
	if (typeof e.problem === 'string') entry.problem = e.problem;
	if (typeof e.undoes === 'string') entry.undoes = e.undoes;
	return entry;
}

/** Where a row of a change set ended: written, failed, skipped, or sent with no outcome known. */
export type RowStatus = 'ok' | 'failed' | 'skipped' | 'unknown';

export type ChangeSetRow = WrittenRow & {status: RowStatus; now?: PolicyValue; problem?: string; correlationId?: string};

/** A tenant-wide switch a change set wrote (docs/switches.md): its name, on / off. */
export type SwitchChangeSetRow = {scope: 'switch'; id: string; name: string; from: SwitchValue; to: SwitchValue; status: RowStatus; now?: SwitchValue; problem?: string; correlationId?: string};

type AnyChangeSetRow = Omit<ChangeSetRow, 'scope' | 'from' | 'to' | 'now'> & {scope: AuditScope; from: AuditValue; to: AuditValue; now?: AuditValue};

export type ChangeSet = {
	id: string;
	/** When its first line was written. */
	time: string;
	source: string;
	account: string;
	tenant: string;
	tenantName?: string;
	policyId: string;
	undoes?: string;
	/** Rows written (a row retried in the same change set counts once). */
	changed: number;
	/** Rows that could not be written, not even by a retry in the same change set. */
	failed: number;
	/** Rows left alone because someone else changed them, or they are gone. */
	skipped: number;
	/** Rows sent whose outcome was never recorded: re-read them (undo does). */
	unknown: number;
	/** Its products and offer types. */
	rows: ChangeSetRow[];
	/** Its tenant-wide switches (counted in changed, failed, skipped and unknown with the rows). */
	switches: SwitchChangeSetRow[];
	entries: AuditEntry[];
};

/** Each row's last word: `ok` wins (a retry in the same set), then an intent with no outcome after it is unknown. */
function rowsOf(entries: readonly AuditEntry[]): AnyChangeSetRow[] {
	const rows = new Map<string, AnyChangeSetRow>();
	for (const entry of entries) {
		const key = rowKey(entry);
		const row = rows.get(key);
		const status: RowStatus = entry.result === 'intent' ? 'unknown' : entry.result;
		if (!row) {
			rows.set(key, {
				scope: entry.scope,
				id: entry.id,
				name: entry.name,
				from: entry.from,
				to: entry.to,
				status,
				...(entry.now ? {now: entry.now} : {}),
				...(entry.problem ? {problem: entry.problem} : {}),
				...(entry.correlationId ? {correlationId: entry.correlationId} : {}),
			});
			continue;
		}
		if (row.status === 'ok' && status !== 'ok' && status !== 'unknown') continue; // written already: a later failure does not undo that
		row.status = row.status === 'ok' && status === 'unknown' ? 'unknown' : status;
		row.to = entry.to;
		row.now = entry.now;
		row.problem = entry.problem;
		if (entry.correlationId) row.correlationId = entry.correlationId;
	}
	return [...rows.values()];
}

function changeSetOf(entries: readonly AuditEntry[]): ChangeSet | undefined {
	const first = entries[0];
	if (!first) return undefined;
	const all = rowsOf(entries);
	const counted = (status: RowStatus) => all.filter(row => row.status === status).length;
	const rows = all.filter((row): row is ChangeSetRow => row.scope !== 'switch');
	const switches = all.filter((row): row is SwitchChangeSetRow => row.scope === 'switch');
	const set: ChangeSet = {
		id: first.changeSetId,
		time: first.time,
		source: first.source,
		account: first.account,
		tenant: first.tenant,
		policyId: first.policyId,
		changed: counted('ok'),
		failed: counted('failed'),
		skipped: counted('skipped'),
		unknown: counted('unknown'),
		rows,
		switches,
		entries: [...entries],
	};
	const named = entries.find(entry => entry.tenantName);
	if (named?.tenantName) set.tenantName = named.tenantName;
	const undoes = entries.find(entry => entry.undoes)?.undoes;
	if (undoes) set.undoes = undoes;
	return set;
}

/**
 * The log's change sets, oldest first: one per change set and tenant. A fleet's confirmation is
 * one change set ID whose lines carry their tenants (docs/fleet.md): it reads as one set per
 * tenant, sharing the ID, and `undo ID` reverses them all.
 */
export function changeSets(entries: readonly AuditEntry[]): ChangeSet[] {
	const groups = new Map<string, AuditEntry[]>();
	for (const entry of entries) {
		const key = `${entry.changeSetId}\u0000${entry.tenant.toLowerCase()}`;
		const group = groups.get(key);
		if (group) group.push(entry);
		else groups.set(key, [entry]);
	}
	return [...groups.values()].map(group => changeSetOf(group)!);
}

/** Whether undo has anything to look at: rows written, or rows whose outcome is unknown. */
export function undoable(set: Pick<ChangeSet, 'changed' | 'unknown'>): boolean {
	return set.changed + set.unknown > 0;
}

/** The change set to undo; `fleet`: one that spans tenants (each part is one tenant's). */
export type ChangeSetLookup = {found: ChangeSet} | {fleet: ChangeSet[]} | {error: string};

/**
 * The change set to undo: the named one (a full ID or a unique prefix of at least 4 characters),
 * or the last one of this tenant and policy that wrote something (or may have). `anyTenant` (no
 * --tenant given): a named one made in another tenant is undone there, like a fleet's.
 */
export function findChangeSet(sets: readonly ChangeSet[], where: {tenant: string; policyId: string; anyTenant?: boolean}, id?: string): ChangeSetLookup {
	if (id !== undefined) {
		const wanted = id.trim().toLowerCase();
		if (wanted.length < 4) return {error: `"${id}" is too short: give at least 4 characters of a change set ID (see \`mscommerce history\`)`};
		const matches = sets.filter(set => set.id.toLowerCase().startsWith(wanted));
		const ids = new Set(matches.map(set => set.id));
		if (matches.length === 0) return {error: `no change set ${id} in the audit log (see \`mscommerce history\`)`};
		if (ids.size > 1) return {error: `"${id}" names ${ids.size} change sets: give more of the ID`};
		if (matches.length > 1) {
			const other = matches.find(set => set.policyId !== where.policyId);
			if (other) return {error: `change set ${shortId(other.id)} is for policy ${other.policyId}; this run works on ${where.policyId} (--policy-id)`};
			const parts = matches.filter(undoable);
			if (parts.length === 0) return {error: `change set ${shortId(matches[0]!.id)} changed nothing: nothing to undo`};
			// Each part signs in where it was written, even when only one tenant's part is left to undo.
			return {fleet: parts};
		}
		const found = matches[0]!;
		// Named by ID with no --tenant: undone where it was made, as who made it (as a fleet's is).
		if (found.tenant !== where.tenant && where.anyTenant && found.policyId === where.policyId && undoable(found)) return {fleet: [found]};
		if (found.tenant !== where.tenant) return {error: `change set ${shortId(found.id)} was made in tenant ${found.tenant}; this session is for tenant ${where.tenant}`};
		if (found.policyId !== where.policyId) return {error: `change set ${shortId(found.id)} is for policy ${found.policyId}; this run works on ${where.policyId} (--policy-id)`};
		if (!undoable(found)) return {error: `change set ${shortId(found.id)} changed nothing: nothing to undo`};
		return {found};
	}
	const last = [...sets].reverse().find(set => set.tenant === where.tenant && set.policyId === where.policyId && undoable(set));
	return last ? {found: last} : {error: `nothing to undo: no change recorded for tenant ${where.tenant} and policy ${where.policyId}`};
}

export function shortId(id: string): string {
	return id.slice(0, 8);
}

/** The rows of a change set that undo looks at: written, or unknown (they may have been). */
export function writtenRows(set: Pick<ChangeSet, 'rows'>): ChangeSetRow[] {
	return set.rows.filter(row => row.status === 'ok' || row.status === 'unknown');
}

/**
 * What undoing a change set would write, against the rows as the service holds them now (the
 * one undo rule, planUndo). Rows whose outcome is unknown are judged like the others: a row that
 * holds what the set asked for is put back; one that does not was either never changed or
 * changed since, and is left alone.
 */
export function undoPlan(changeSet: Pick<ChangeSet, 'id' | 'rows'>, currentRows: readonly Row[]): Plan & {undoes: string} {
	const current = new Map(currentRows.map(row => [rowKey(row), row]));
	// A row of unknown outcome that holds its old value was never changed: nothing to put back.
	const neverApplied = (row: ChangeSetRow) => row.status === 'unknown' && current.get(rowKey(row))?.value === row.from;
	const plan = planUndo(writtenRows(changeSet).filter(row => !neverApplied(row)), key => current.get(key));
	// In the service's list order, as every other plan.
	const order = new Map(currentRows.map((row, i) => [rowKey(row), i]));
	plan.changes.sort((a, b) => (order.get(rowKey(a.row)) ?? 0) - (order.get(rowKey(b.row)) ?? 0));
	return {...plan, undoes: changeSet.id};
}
