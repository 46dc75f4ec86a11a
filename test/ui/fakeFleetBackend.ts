/**
 * An in-memory FleetBackend for the fleet view's tests: tenants whose loads wait until the test
 * answers them (one by one, in any order, or with a problem), and a FakeBackend per tenant for
 * its dashboard. A fake of the fleet view's interface, not of HTTP: the real FleetBackend is
 * tested against the emulator (test/integration/fleet-view.test.ts).
 */
import type {ChangeSession} from '../../source/commerce/session.js';
import type {PolicyValue} from '../../source/commerce/types.js';
import type {Problem} from '../../source/problems/types.js';
import type {FleetBackend, FleetTenant, TenantOutcome, TenantSummary} from '../../source/ui/fleetBackend.js';
import {ADMIN, FakeBackend} from './fakeBackend.js';

/** A tenant as a test writes it: a name, and optionally the tenant as written and its baseline. */
export type TenantSpec = {name: string; tenant?: string; baseline?: string};

export function summary(products: Partial<Record<PolicyValue, number>>, more: {drift?: number; fresh?: number; tenantId?: string} = {}): TenantSummary {
	return {
		...(more.tenantId ? {tenantId: more.tenantId} : {}),
		products: {Enabled: 0, OnlyTrialsWithoutPaymentMethod: 0, Disabled: 0, ...products},
		offerTypes: {Enabled: 4, OnlyTrialsWithoutPaymentMethod: 0, Disabled: 0},
		...(more.drift === undefined ? {} : {drift: more.drift}),
		fresh: more.fresh ?? 0,
	};
}

export function problem(title: string, hint = 'Ask an admin of that tenant to consent to the app'): Problem {
	return {kind: 'sign-in', title, detail: `AADSTS7000229: ${title}`, hints: [hint], retryable: false, correlationId: 'corr-fleet'};
}

type Waiting = (outcome: TenantOutcome) => void;

export class FakeFleetBackend implements FleetBackend {
	readonly file = 'tenants.yaml';
	readonly policyId = 'AllowSelfServicePurchase';
	readonly tenants: FleetTenant[];
	/** The tenants each load() asked for, in order. */
	readonly loads: string[][] = [];
	/** The tenants whose dashboard was opened, in order. */
	readonly opened: string[] = [];
	readonly backends = new Map<string, FakeBackend>();
	private readonly waiting = new Map<string, Waiting[]>();
	private readonly noteListeners = new Set<(id: string, line: string) => void>();

	constructor(specs: readonly TenantSpec[]) {
		this.tenants = specs.map(spec => {
			const tenant = spec.tenant ?? `${spec.name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.onmicrosoft.com`;
			return {id: tenant.toLowerCase(), name: spec.name, tenant, ...(spec.baseline ? {baseline: spec.baseline} : {})};
		});
	}

	/** The ID of the tenant with this name. */
	idOf(name: string): string {
		const tenant = this.tenants.find(candidate => candidate.name === name);
		if (!tenant) throw new Error(`no tenant named ${name}`);
		return tenant.id;
	}

	load(ids: readonly string[] | undefined, onResult: (id: string, outcome: TenantOutcome) => void): void {
		const targets = ids ?? this.tenants.map(tenant => tenant.id);
		this.loads.push([...targets]);
		for (const id of targets) this.waiting.set(id, [...(this.waiting.get(id) ?? []), outcome => onResult(id, outcome)]);
	}

	/** Whether a load of this tenant waits for its answer. */
	pending(name: string): boolean {
		return (this.waiting.get(this.idOf(name)) ?? []).length > 0;
	}

	/** The tenant's loads in flight answer with these counts. */
	answer(name: string, answer: TenantSummary): void {
		this.settle(name, {ok: true, summary: answer});
	}

	/** The tenant's loads in flight fail with this problem. */
	fail(name: string, failure: Problem): void {
		this.settle(name, {ok: false, problem: failure});
	}

	private settle(name: string, outcome: TenantOutcome): void {
		const id = this.idOf(name);
		const waiting = this.waiting.get(id) ?? [];
		if (waiting.length === 0) throw new Error(`${name} was not asked for (wait for pending('${name}') first)`);
		this.waiting.set(id, []);
		for (const resolve of waiting) resolve(outcome);
	}

	onNote(listener: (id: string, line: string) => void): () => void {
		this.noteListeners.add(listener);
		return () => this.noteListeners.delete(listener);
	}

	/** A line about a tenant (a retry, a warning), as the real backend passes them on. */
	note(name: string, line: string): void {
		for (const listener of this.noteListeners) listener(this.idOf(name), line);
	}

	open(id: string): FakeBackend {
		this.opened.push(id);
		let backend = this.backends.get(id);
		if (!backend) {
			const tenant = this.tenants.find(candidate => candidate.id === id);
			backend = new FakeBackend({silentAccount: {...ADMIN, tenantName: tenant?.tenant ?? id}});
			this.backends.set(id, backend);
		}
		return backend;
	}

	sessions(): Array<{name: string; session: ChangeSession}> {
		return [...this.backends].map(([id, backend]) => ({name: this.tenants.find(tenant => tenant.id === id)?.name ?? id, session: backend.session}));
	}
}
