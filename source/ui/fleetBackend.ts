/**
 * What the fleet view needs from the rest of the program: the tenants of a tenants file, each
 * one's summary as it arrives, and a dashboard Backend per tenant. The real one
 * (source/ui/realFleetBackend.ts) is built on the fleet engine (source/fleet/fleet.ts); the UI
 * tests pass a small in-memory one whose tenants answer when the test says.
 *
 * A tenant's failure (sign-in, a 403, an outage) is that tenant's outcome, already classified:
 * never a rejection, and never another tenant's.
 */
import type {ChangeSession} from '../commerce/session.js';
import type {Writable} from '../commerce/changes.js';
import type {PolicyValue} from '../commerce/types.js';
import type {Problem} from '../problems/types.js';
import type {Backend} from './backend.js';

/** One tenant of the fleet, as the tenants file names it. */
export type FleetTenant = {
	/** Unique within the fleet: the tenant as written, lower-cased. */
	id: string;
	/** What people call it (the file's `name:`), else the tenant as written. Outside text. */
	name: string;
	/** The tenant as written: a domain or a tenant ID. */
	tenant: string;
	/** The baseline it is checked against (its own, or the shared --baseline), as written; none: no drift. */
	baseline?: string;
};

/** What one tenant holds, as its row shows it. */
export type TenantSummary = {
	/** The tenant's ID, once signed in there. */
	tenantId?: string;
	/** Products per value. */
	products: Record<PolicyValue, number>;
	/** Offer types per value. */
	offerTypes: Record<PolicyValue, number>;
	/** Rows (and tenant-wide switches, for a baseline with `switches:`) that differ from the tenant's baseline; undefined when it has none. */
	drift?: number;
	/** Products and offer types never seen before in this tenant (commerce/seen.ts). */
	fresh: number;
};

export type TenantOutcome = {ok: true; summary: TenantSummary} | {ok: false; problem: Problem};

export interface FleetBackend {
	/** The tenants file as named. */
	readonly file: string;
	/** The --shard slice ("2/4"), when the run has one. */
	readonly shard?: string;
	/** The shared baseline (--baseline), as written. */
	readonly baseline?: string;
	readonly policyId: string;
	/** In the file's order. */
	readonly tenants: readonly FleetTenant[];
	/**
	 * Loads the tenants named (every tenant when undefined), concurrently within the run's limits.
	 * `onResult` hears of each one as it finishes, in the order they finish.
	 */
	load(ids: readonly string[] | undefined, onResult: (id: string, outcome: TenantOutcome) => void): void;
	/** A line about one tenant (a retry being waited out, a warning); returns the unsubscribe. */
	onNote?(listener: (id: string, line: string) => void): () => void;
	/** The dashboard of one tenant, on the same sign-in: one per tenant for the whole run (its change sets, its undo). */
	open(id: string): Backend;
	/** The change sessions of the tenants opened so far: signals wait for their writes, and quitting says what they wrote. */
	sessions(): Array<{name: string; session: Pick<ChangeSession<Writable>, 'busy' | 'stop' | 'summary'>}>;
}
