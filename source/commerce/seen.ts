/**
 * The rows already seen, per tenant, so that products Microsoft adds stand out (they arrive
 * Enabled and nobody notices). One small JSON file per tenant under the state directory
 * (`$XDG_STATE_HOME/mscommerce/seen/`, directory 0700, files 0600), written atomically.
 *
 * When is a row "seen"? When a person is shown the whole list: `products list` / `offer-types
 * list` in text (JSON and CSV are for programs), and the dashboard once it has shown the rows.
 * Reports about new rows (`products list --new`, `baseline plan`) leave them new, so a cron job
 * keeps reporting a new product until someone has looked at the list; a nightly `baseline export`
 * does not hide one either. The first look at a tenant's scope (by any of these, or export,
 * plan, apply) records today's rows and marks nothing new: it starts the watch, or every product
 * would be "new" on the first day.
 */
import {rename} from 'node:fs/promises';
import {join} from 'node:path';
import {readPrivateFile, writePrivateFile} from '../privateFiles.js';
import {ensureStateDir} from './audit.js';
import type {Row, Scope} from './types.js';

const DEFAULT_LICENSING_HOST = 'licensing.m365.microsoft.com';

/** ID (upper case) → when it was first seen (ISO 8601). */
type SeenIds = Record<string, string>;

type SeenFile = {version: 1; tenant: string; product?: SeenIds; offerType?: SeenIds};

export type Seen = {
	tenantKey: string;
	/** Per scope, the IDs seen; a scope never looked at is absent. */
	scopes: Partial<Record<Scope, ReadonlySet<string>>>;
	/** The record was unreadable (moved to this path): every row counts as new, never a first look. */
	lost?: string;
};

/** Told once when the record was unreadable and set aside. */
export type Warn = (line: string) => void;

/**
 * The key a tenant's record is kept under: its tenant ID, plus the licensing host when it is not
 * Microsoft's (so the emulator's Contoso never mixes with a real tenant of the same ID).
 */
export function seenKey(tenantId: string, licensingUrl: string): string {
	let host = DEFAULT_LICENSING_HOST;
	try {
		host = new URL(licensingUrl).hostname;
	} catch {
		// keep the default
	}
	return host === DEFAULT_LICENSING_HOST ? tenantId : `${tenantId}@${host}`;
}

function seenFile(stateDir: string, tenantKey: string): string {
	return join(stateDir, 'seen', `${tenantKey.replace(/[^A-Za-z0-9._@-]/g, '_')}.json`);
}

const ids = (value: unknown): SeenIds | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as SeenIds) : undefined);

/**
 * The record on disk. Missing: a first look. Unreadable (a crash, a full disk, an edit gone
 * wrong): moved aside with a warning, and `lost` — never mistaken for a first look, which would
 * hide a product added since the last good record.
 */
async function readSeenFile(stateDir: string, tenantKey: string, warn?: Warn): Promise<{file: SeenFile; lost?: string}> {
	const path = seenFile(stateDir, tenantKey);
	const text = await readPrivateFile(path);
	if (text === undefined) return {file: {version: 1, tenant: tenantKey}};
	try {
		const json = JSON.parse(text) as Partial<SeenFile>;
		if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('not an object');
		return {file: {version: 1, tenant: tenantKey, product: ids(json.product), offerType: ids(json.offerType)}};
	} catch {
		const aside = `${path}.corrupt-${Date.now()}`;
		await rename(path, aside).catch(() => undefined);
		warn?.(`warning: the record of products seen in this tenant (${path}) was unreadable; moved it to ${aside}. Every product is shown as new until a full listing records them again.`);
		return {file: {version: 1, tenant: tenantKey}, lost: aside};
	}
}

/** The rows seen so far in a tenant. */
export async function loadSeen(stateDir: string, tenantKey: string, warn?: Warn): Promise<Seen> {
	const {file, lost} = await readSeenFile(stateDir, tenantKey, warn);
	if (lost) return {tenantKey, scopes: {product: new Set(), offerType: new Set()}, lost};
	const scopes: Seen['scopes'] = {};
	if (file.product) scopes.product = new Set(Object.keys(file.product));
	if (file.offerType) scopes.offerType = new Set(Object.keys(file.offerType));
	return {tenantKey, scopes};
}

/** Whether a row was never seen before. On the first look at a scope nothing is new. */
export function isNew(seen: Seen, row: Pick<Row, 'scope' | 'id'>): boolean {
	const ids = seen.scopes[row.scope];
	return ids !== undefined && !ids.has(row.id.toUpperCase());
}

/** The rows never seen before, in the order given. */
export function newRows<T extends Pick<Row, 'scope' | 'id'>>(seen: Seen, rows: readonly T[]): T[] {
	return rows.filter(row => isNew(seen, row));
}

/** Whether a scope of this tenant was ever looked at (false: the first look starts the watch). */
export function watching(seen: Seen, scope: Scope): boolean {
	return seen.scopes[scope] !== undefined;
}

/**
 * Remembers rows as seen (merged with what is on disk, so two programs looking at once lose
 * nothing but a first-seen time). `scopes` names scopes to start watching even with no rows.
 */
export async function markSeen(stateDir: string, tenantKey: string, rows: readonly Pick<Row, 'scope' | 'id'>[], scopes: readonly Scope[] = [], warn?: Warn): Promise<void> {
	const {file} = await readSeenFile(stateDir, tenantKey, warn);
	const now = new Date().toISOString();
	let changed = false;
	for (const scope of new Set<Scope>([...scopes, ...rows.map(row => row.scope)])) {
		if (!file[scope]) {
			file[scope] = {};
			changed = true;
		}
	}
	for (const row of rows) {
		const ids = file[row.scope]!;
		const id = row.id.toUpperCase();
		if (ids[id] === undefined) {
			ids[id] = now;
			changed = true;
		}
	}
	if (!changed) return;
	await ensureStateDir(stateDir);
	await writePrivateFile(seenFile(stateDir, tenantKey), `${JSON.stringify(file, null, 1)}\n`);
}
