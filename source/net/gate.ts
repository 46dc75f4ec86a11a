/**
 * How many requests may be in flight at once, when one run speaks for many tenants (a fleet):
 * a limit for the whole run and one per tenant, so a hundred tenants never become a thousand
 * connections, and one slow or throttled tenant never takes the others' turns. Net.send passes
 * each attempt through its gate; the wait between retries holds no slot.
 */
import {setTimeout as sleep} from 'node:timers/promises';
import {CancelledError} from '../problems/errors.js';

/** At most `size` holders at a time; the others wait in order. */
export class Limiter {
	private active = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(readonly size: number) {
		if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`Limiter: size must be a whole number >= 1, got ${size}`);
	}

	/** Resolves with the slot's release once one is free; rejects with CancelledError if `signal` aborts first. */
	async acquire(signal?: AbortSignal): Promise<() => void> {
		if (signal?.aborted) throw new CancelledError();
		if (this.active < this.size) {
			this.active++;
			return this.releaser();
		}
		return new Promise((resolve, reject) => {
			const grant = () => {
				signal?.removeEventListener('abort', onAbort);
				this.active++;
				resolve(this.releaser());
			};
			const onAbort = () => {
				const at = this.waiting.indexOf(grant);
				if (at >= 0) this.waiting.splice(at, 1);
				reject(new CancelledError());
			};
			signal?.addEventListener('abort', onAbort, {once: true});
			this.waiting.push(grant);
		});
	}

	/** Holders now (for tests and the bench). */
	get inFlight(): number {
		return this.active;
	}

	private releaser(): () => void {
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.active--;
			this.waiting.shift()?.();
		};
	}
}

/** What Net asks before each attempt: a slot, and (after a 429) a pause for everything of this tenant. */
export type Gate = {
	acquire(signal?: AbortSignal): Promise<() => void>;
	/** The service asked this tenant to wait `ms` (Retry-After): its other requests wait too. */
	pause(ms: number): void;
};

export const FLEET_LIMITS = {
	/** Requests in flight across the whole run. */
	total: 32,
	/** Requests in flight for one tenant: the same as one tenant's bulk write (commerce/changes.ts). */
	perTenant: 8,
} as const;

/**
 * A gate for one tenant of a fleet: its own limit, then the run's. The tenant's slot is taken
 * first, so a tenant waiting for its own turn never holds one of the run's.
 */
export function tenantGate(run: Limiter, perTenant: number = FLEET_LIMITS.perTenant): Gate {
	const own = new Limiter(perTenant);
	let pausedUntil = 0;
	return {
		async acquire(signal) {
			for (;;) {
				const wait = pausedUntil - Date.now();
				if (wait <= 0) break;
				await sleepUnless(wait, signal);
			}
			const releaseOwn = await own.acquire(signal);
			try {
				const releaseRun = await run.acquire(signal);
				return () => {
					releaseRun();
					releaseOwn();
				};
			} catch (error) {
				releaseOwn();
				throw error;
			}
		},
		pause(ms) {
			pausedUntil = Math.max(pausedUntil, Date.now() + ms);
		},
	};
}

async function sleepUnless(ms: number, signal?: AbortSignal): Promise<void> {
	try {
		await sleep(ms, undefined, {signal});
	} catch {
		throw new CancelledError();
	}
}
