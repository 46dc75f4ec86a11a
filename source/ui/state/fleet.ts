/**
 * The fleet view's state and every change to it, as one plain reducer (no React): each tenant's
 * row (loading, its summary, its problem), the cursor, the `/` filter, the order (`s`), help and
 * the status line. Tenants fill in as their results arrive, in any order; the selected tenant
 * stays selected while rows arrive and move (a sort by drift reorders as drift becomes known).
 */
import type {Problem} from '../../problems/types.js';
import type {FleetTenant, TenantOutcome, TenantSummary} from '../fleetBackend.js';
import type {Mode} from '../keys.js';
import type {Status} from './dashboard.js';
import {move, settle, START, type Cursor, type MoveCommand} from './listWindow.js';
import {dashboardWords} from './words.js';

export type FleetMode = Extract<Mode, 'fleet' | 'filter' | 'help'>;

/** One tenant's row: what is known of it so far. */
export type TenantEntry = {
	loading: boolean;
	/** Counts up with each load, so an answer to an older load is never taken for the newest. */
	generation: number;
	/** The last summary that arrived (kept, marked stale, when a reload fails). */
	summary?: TenantSummary;
	/** Why the last load failed; cleared by a load that succeeds. */
	problem?: Problem;
	/** The last note about the tenant (a retry being waited out, a warning). */
	note?: string;
	/** The load in flight was asked for (r, R): its end says so on the status line. */
	announce: boolean;
};

export type FleetSortKey = 'name' | 'drift' | 'problems';
export const FLEET_SORT_KEYS: readonly FleetSortKey[] = ['name', 'drift', 'problems'];
export const FLEET_SORT_LABEL: Record<FleetSortKey, string> = {name: 'name', drift: 'drift', problems: 'problems first'};

export type FleetState = {
	/** In the file's order. */
	tenants: readonly FleetTenant[];
	entries: ReadonlyMap<string, TenantEntry>;
	mode: FleetMode;
	query: string;
	sort: FleetSortKey;
	cursor: Cursor;
	/** The selected tenant's ID: it stays selected while rows arrive and move. */
	selected: string | undefined;
	/** The first line on show of a help longer than the screen. */
	scroll: number;
	status: Status | undefined;
};

export type FleetAction =
	| {type: 'load-start'; ids: readonly string[]; announce?: boolean}
	| {type: 'tenant-done'; id: string; generation: number; outcome: TenantOutcome}
	| {type: 'note'; id: string; line: string}
	| {type: 'move'; command: MoveCommand; height: number}
	| {type: 'filter-open'}
	| {type: 'filter-type'; text: string}
	| {type: 'filter-erase'}
	| {type: 'filter-keep'}
	| {type: 'filter-clear'}
	| {type: 'sort'; sort: FleetSortKey}
	| {type: 'help'; open: boolean}
	| {type: 'scroll'; to: number}
	| {type: 'status'; status: Status | undefined};

const IDLE: TenantEntry = {loading: false, generation: 0, announce: false};
const FIRST_LOAD: TenantEntry = {loading: true, generation: 1, announce: false};

/** The first state: every tenant loading (the first load, generation 1, starts with the first frame). */
export function initialFleet(tenants: readonly FleetTenant[]): FleetState {
	const entries = new Map(tenants.map(tenant => [tenant.id, FIRST_LOAD]));
	return {
		tenants,
		entries,
		mode: 'fleet',
		query: '',
		sort: 'name',
		cursor: START,
		selected: sortTenants(tenants, entries, 'name')[0]?.id,
		scroll: 0,
		status: undefined,
	};
}

export function entryOf(state: Pick<FleetState, 'entries'>, id: string): TenantEntry {
	return state.entries.get(id) ?? IDLE;
}

// ---------------------------------------------------------------------------------------------
// The filter and the order

export type FleetFlag = 'drift' | 'new' | 'failed' | 'loading';
const FLAGS: readonly FleetFlag[] = ['drift', 'new', 'failed', 'loading'];

export type FleetQuery = {terms: string[]; flags: FleetFlag[]; unknown: string[]};

/** The query's words and `is:` qualifiers. A qualifier still being typed (`is:`) asks nothing yet. */
export function parseFleetQuery(query: string): FleetQuery {
	const parsed: FleetQuery = {terms: [], flags: [], unknown: []};
	for (const word of query.toLowerCase().split(/\s+/)) {
		if (!word) continue;
		const qualifier = /^([a-z]+):(.*)$/.exec(word);
		if (!qualifier) {
			parsed.terms.push(word);
			continue;
		}
		const [, kind, wanted = ''] = qualifier;
		if (kind === 'is' && !wanted) continue;
		const flag = kind === 'is' ? FLAGS.find(name => name.startsWith(wanted)) : undefined;
		if (flag) parsed.flags.push(flag);
		else parsed.unknown.push(`${word}: use is:drift, is:new, is:failed or is:loading`);
	}
	return parsed;
}

/** What a tenant's row is searched by: its name, the tenant as written, its ID once known. */
function searchText(tenant: FleetTenant, entry: TenantEntry): string {
	return `${tenant.name}\u0000${tenant.tenant}\u0000${entry.summary?.tenantId ?? ''}`.toLowerCase();
}

function hasFlag(entry: TenantEntry, flag: FleetFlag): boolean {
	switch (flag) {
		case 'drift':
			return (entry.summary?.drift ?? 0) > 0;
		case 'new':
			return (entry.summary?.fresh ?? 0) > 0;
		case 'failed':
			return entry.problem !== undefined;
		case 'loading':
			return entry.loading;
	}
}

export function tenantMatches(tenant: FleetTenant, entry: TenantEntry, query: FleetQuery): boolean {
	if (query.unknown.length > 0) return false;
	if (query.terms.length > 0) {
		const text = searchText(tenant, entry);
		for (const term of query.terms) if (!text.includes(term)) return false;
	}
	for (const flag of query.flags) if (!hasFlag(entry, flag)) return false;
	return true;
}

const byName = (a: FleetTenant, b: FleetTenant): number => {
	const an = a.name.toLowerCase();
	const bn = b.name.toLowerCase();
	if (an !== bn) return an < bn ? -1 : 1;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

/** Failed first, then loading, then drifting, then the rest; by name within each. */
function trouble(entry: TenantEntry): number {
	if (entry.problem) return 0;
	if (entry.loading) return 1;
	if ((entry.summary?.drift ?? 0) > 0) return 2;
	return 3;
}

/** The rows in an order: by name; by drift (most first, unknown drift last); or problems first. */
export function sortTenants(tenants: readonly FleetTenant[], entries: FleetState['entries'], sort: FleetSortKey): FleetTenant[] {
	const entry = (tenant: FleetTenant) => entryOf({entries}, tenant.id);
	const sorted = [...tenants];
	if (sort === 'name') return sorted.sort(byName);
	if (sort === 'drift') {
		const drift = (tenant: FleetTenant) => entry(tenant).summary?.drift ?? -1;
		return sorted.sort((a, b) => drift(b) - drift(a) || byName(a, b));
	}
	return sorted.sort((a, b) => trouble(entry(a)) - trouble(entry(b)) || byName(a, b));
}

/** The tenants the list shows, filtered and in order. */
export function shownTenants(state: Pick<FleetState, 'tenants' | 'entries' | 'query' | 'sort'>): FleetTenant[] {
	const query = parseFleetQuery(state.query);
	const sorted = sortTenants(state.tenants, state.entries, state.sort);
	if (query.terms.length === 0 && query.flags.length === 0 && query.unknown.length === 0) return sorted;
	return sorted.filter(tenant => tenantMatches(tenant, entryOf(state, tenant.id), query));
}

/** The tenant under the cursor. */
export function selectedTenant(state: FleetState, shown: readonly FleetTenant[] = shownTenants(state)): FleetTenant | undefined {
	return shown[settle(state.cursor, shown.length, 1).index];
}

/** How many tenants are loading, loaded, failed, drifting, and hold new rows. */
export function fleetCounts(state: Pick<FleetState, 'tenants' | 'entries'>): {loading: number; failed: number; drift: number; fresh: number; loaded: number} {
	const counts = {loading: 0, failed: 0, drift: 0, fresh: 0, loaded: 0};
	for (const tenant of state.tenants) {
		const entry = entryOf(state, tenant.id);
		if (entry.loading) counts.loading++;
		if (entry.problem) counts.failed++;
		else if (entry.summary && !entry.loading) counts.loaded++;
		if ((entry.summary?.drift ?? 0) > 0) counts.drift++;
		if ((entry.summary?.fresh ?? 0) > 0) counts.fresh++;
	}
	return counts;
}

// ---------------------------------------------------------------------------------------------
// The reducer

/** The cursor put back on the selected tenant after rows moved (or on the nearest row when it went). */
function relocate(state: FleetState): FleetState {
	if (state.selected === undefined) return state;
	const shown = shownTenants(state);
	const at = shown.findIndex(tenant => tenant.id === state.selected);
	if (at < 0 || at === state.cursor.index) return state;
	return {...state, cursor: {index: at, top: state.cursor.top}};
}

/** After the cursor moved: remember which tenant it is on. */
function remember(state: FleetState): FleetState {
	const selected = selectedTenant(state)?.id;
	return selected === state.selected ? state : {...state, selected};
}

function withEntry(state: FleetState, id: string, update: (entry: TenantEntry) => TenantEntry): FleetState {
	const before = state.entries.get(id);
	if (!before) return state;
	const after = update(before);
	if (after === before) return state;
	const entries = new Map(state.entries);
	entries.set(id, after);
	return {...state, entries};
}

/** What the status line says when a load asked for with r or R ends. */
function doneStatus(tenant: FleetTenant | undefined, outcome: TenantOutcome): Status {
	const name = tenant?.name ?? 'the tenant';
	if (outcome.ok) return {text: `Reloaded ${name}`, tone: 'success'};
	return {text: `${name}: ${dashboardWords(outcome.problem.title)}`, tone: 'error'};
}

export function fleetReducer(state: FleetState, action: FleetAction): FleetState {
	switch (action.type) {
		case 'load-start': {
			const entries = new Map(state.entries);
			for (const id of action.ids) {
				const entry = entries.get(id);
				if (!entry) continue;
				entries.set(id, {...entry, loading: true, generation: entry.generation + 1, announce: action.announce ?? false, note: undefined});
			}
			return relocate({...state, entries});
		}
		case 'tenant-done': {
			const entry = state.entries.get(action.id);
			if (!entry || entry.generation !== action.generation) return state;
			const {outcome} = action;
			// A retry's note is about the load that just ended; a warning stays.
			const note = entry.note?.startsWith('note: ') ? undefined : entry.note;
			const next = withEntry(state, action.id, () =>
				outcome.ok
					? {loading: false, generation: entry.generation, summary: outcome.summary, announce: false, ...(note ? {note} : {})}
					: {loading: false, generation: entry.generation, problem: outcome.problem, announce: false, ...(entry.summary ? {summary: entry.summary} : {}), ...(note ? {note} : {})},
			);
			const tenant = state.tenants.find(candidate => candidate.id === action.id);
			return relocate(entry.announce ? {...next, status: doneStatus(tenant, outcome)} : next);
		}
		case 'note':
			return withEntry(state, action.id, entry => ({...entry, note: action.line}));
		case 'move': {
			const count = shownTenants(state).length;
			return remember({...state, cursor: move(state.cursor, action.command, count, action.height)});
		}
		case 'filter-open':
			return {...state, mode: 'filter', status: undefined};
		case 'filter-type':
			return remember({...state, query: state.query + action.text, cursor: START});
		case 'filter-erase':
			return remember({...state, query: [...state.query].slice(0, -1).join(''), cursor: START});
		case 'filter-keep':
			return {...state, mode: 'fleet'};
		case 'filter-clear':
			// The tenant under the cursor stays under it once every tenant shows again.
			return relocate({...state, mode: 'fleet', query: ''});
		case 'sort':
			return relocate({...state, sort: action.sort});
		case 'help':
			return {...state, mode: action.open ? 'help' : 'fleet', scroll: 0};
		case 'scroll':
			return {...state, scroll: action.to};
		case 'status':
			return state.status === action.status ? state : {...state, status: action.status};
	}
}
