/**
 * Fault injection from a spec string such as
 * `latency=100ms,429=0.2,retry-after=1,503=0.1,500=0.05,drop=0.1,malformed=0.05,expire=0.1,seed=42`.
 *
 * A fault's value is a probability per matching request (0..1, or a percentage such as `20%`) or
 * `Nx`: exactly the next N matching requests, which is what tests use. Faults are tried in a fixed
 * order (drop, 429, 503, 500, expire, redirect, endless, then malformed and trickle once the
 * answer is known) and the first that fires wins, so `429=1x,500=1x` answers 429 and then 500.
 *
 * Three faults are answers a client must put a limit on, as a proxy, a captive portal or a
 * broken service might send them: `redirect` answers 302 with a Location (the same URL, so a
 * client that followed it would be answered, and the request log shows whether it did);
 * `endless` answers 200 with a body that never ends, as fast as the client reads; `trickle` sends
 * a 200 (the real answer, after the request took effect) one byte every `trickle-every=DURATION`
 * (default 1s; `500ms`, `5s`), so it completes only long after any sensible deadline.
 *
 * Two faults are about writes that apply when they seem not to, or seem to when they do not:
 * `late=800ms` applies a licensing PUT (or a Graph PATCH) at once but answers it that much later
 * (a client that gives up early does not know it applied), and `ignore` answers a PUT 200 with
 * the row unchanged, or a PATCH 204 with nothing changed (a write that did not apply).
 *
 * `scope=` picks the routes faults apply to: `licensing` (the default), `identity` (sign-in),
 * `graph` (Microsoft Graph's routes, graph.ts) or `all`. On Graph's routes a 429, 503, 500 or
 * `expire` answers in Graph's error envelope.
 */
import {UsageError} from '../problems/errors.js';

export const FAULT_KINDS = ['drop', '429', '503', '500', 'expire', 'redirect', 'endless', 'ignore', 'malformed', 'trickle', 'slowdown'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultRate = {kind: 'rate'; probability: number} | {kind: 'count'; count: number};
export type FaultScope = 'licensing' | 'identity' | 'graph' | 'all';

export type FaultPlan = {
	/** Added delay in ms, drawn uniformly from [min, max]. */
	latency?: {min: number; max: number};
	/** A write (licensing PUT, Graph PATCH) is applied at once and answered this many ms later. */
	late?: number;
	rates: Partial<Record<FaultKind, FaultRate>>;
	/** Seconds, sent as `Retry-After` with 429 and 503. */
	retryAfter: number;
	/** With `trickle`: the pause between two bytes of the body, in ms. */
	trickleEveryMs: number;
	/** Which routes faults apply to (slowdown always applies to device-code polls). */
	scope: FaultScope;
	/** Only writes are faulted: licensing PUT and Graph PATCH requests. */
	writesOnly: boolean;
	seed: number;
};

const KEYS = ['latency', 'late', ...FAULT_KINDS, 'retry-after', 'trickle-every', 'scope', 'seed', 'writes-only'] as const;
const DEFAULT_TRICKLE_EVERY_MS = 1000;

/** A bad fault spec is the user's input (--faults, or the control route): a usage error, exit 2. */
export class FaultSpecError extends UsageError {
	override name = 'FaultSpecError';
}

export function emptyFaultPlan(seed = randomSeed()): FaultPlan {
	return {rates: {}, retryAfter: 1, trickleEveryMs: DEFAULT_TRICKLE_EVERY_MS, scope: 'licensing', writesOnly: false, seed};
}

/** Parses a fault spec; throws FaultSpecError naming the offending key or value. */
export function parseFaults(spec: string): FaultPlan {
	const plan = emptyFaultPlan();
	const text = spec.trim();
	if (text === '' || text.toLowerCase() === 'none') return plan;
	for (const entry of text.split(/[,;\s]+/)) {
		if (entry === '') continue;
		const at = entry.indexOf('=');
		const key = (at < 0 ? entry : entry.slice(0, at)).trim().toLowerCase();
		const value = at < 0 ? '' : entry.slice(at + 1).trim();
		const fail = (what: string): never => {
			throw new FaultSpecError(`Fault "${key}": ${what} (in "${spec}")`);
		};
		switch (key) {
			case 'latency': {
				const match = /^(\d+(?:\.\d+)?)(ms|s)?(?:-(\d+(?:\.\d+)?)(ms|s)?)?$/i.exec(value);
				if (!match) fail(`expected a duration such as 100ms or a range such as 50-200ms, got "${value}"`);
				const unit = (match?.[4] ?? match?.[2] ?? 'ms').toLowerCase();
				const scale = (u: string | undefined): number => ((u ?? unit).toLowerCase() === 's' ? 1000 : 1);
				const min = Number(match?.[1]) * scale(match?.[2]);
				const max = match?.[3] === undefined ? min : Number(match[3]) * scale(match[4]);
				if (max < min) fail(`the range ${value} ends before it starts`);
				plan.latency = {min, max};
				break;
			}
			case 'late': {
				plan.late = parseDuration(value, '800ms', fail);
				break;
			}
			case 'trickle-every': {
				plan.trickleEveryMs = parseDuration(value, '500ms', fail);
				if (plan.trickleEveryMs <= 0) fail(`expected a pause longer than 0, got "${value}"`);
				break;
			}
			case 'retry-after': {
				if (!/^\d+$/.test(value)) fail(`expected whole seconds, got "${value}"`);
				plan.retryAfter = Number(value);
				break;
			}
			case 'scope': {
				const scope = value.toLowerCase();
				if (scope !== 'licensing' && scope !== 'identity' && scope !== 'graph' && scope !== 'all') {
					fail(`expected licensing, identity, graph or all, got "${value}"`);
				}
				plan.scope = scope as FaultScope;
				break;
			}
			case 'seed': {
				if (!/^-?\d+$/.test(value)) fail(`expected a whole number, got "${value}"`);
				plan.seed = Number(value);
				break;
			}
			case 'writes-only': {
				const flag = value.toLowerCase();
				if (flag !== '' && flag !== 'true' && flag !== 'false') fail(`expected no value, true or false, got "${value}"`);
				plan.writesOnly = flag !== 'false';
				break;
			}
			default: {
				if (!(FAULT_KINDS as readonly string[]).includes(key)) {
					throw new FaultSpecError(
						`Unknown fault "${key}" in "${spec}": known keys are ${KEYS.join(', ')}`,
					);
				}
				plan.rates[key as FaultKind] = parseRate(value, fail);
			}
		}
	}
	return plan;
}

function parseDuration(value: string, example: string, fail: (what: string) => never): number {
	const match = /^(\d+(?:\.\d+)?)(ms|s)?$/i.exec(value);
	if (!match) fail(`expected a duration such as ${example}, got "${value}"`);
	return Number(match?.[1]) * ((match?.[2] ?? 'ms').toLowerCase() === 's' ? 1000 : 1);
}

function parseRate(value: string, fail: (what: string) => never): FaultRate {
	const count = /^(\d+)x$/i.exec(value);
	if (count) return {kind: 'count', count: Number(count[1])};
	const percent = /^(\d+(?:\.\d+)?)%$/.exec(value);
	const probability = percent ? Number(percent[1]) / 100 : /^\d*\.?\d+$/.test(value) ? Number(value) : Number.NaN;
	if (!(probability >= 0 && probability <= 1)) {
		fail(`expected a probability from 0 to 1 (or a percentage), or Nx for exactly the next N requests, got "${value}"`);
	}
	return {kind: 'rate', probability};
}

/** The spec back as text, for banners and the control API. */
export function describeFaults(plan: FaultPlan): string {
	const parts: string[] = [];
	if (plan.latency) {
		parts.push(
			`latency=${plan.latency.min === plan.latency.max ? plan.latency.min : `${plan.latency.min}-${plan.latency.max}`}ms`,
		);
	}
	if (plan.late !== undefined) parts.push(`late=${plan.late}ms`);
	for (const kind of FAULT_KINDS) {
		const rate = plan.rates[kind];
		if (rate) parts.push(`${kind}=${rate.kind === 'count' ? `${rate.count}x` : rate.probability}`);
	}
	if (parts.length === 0) return 'none';
	if (plan.rates['429'] || plan.rates['503']) parts.push(`retry-after=${plan.retryAfter}`);
	if (plan.rates.trickle) parts.push(`trickle-every=${plan.trickleEveryMs}ms`);
	if (plan.scope !== 'licensing') parts.push(`scope=${plan.scope}`);
	if (plan.writesOnly) parts.push('writes-only');
	parts.push(`seed=${plan.seed}`);
	return parts.join(',');
}

/** Where a request goes: the licensing routes, the sign-in routes, or Microsoft Graph's (graph.ts). */
export type FaultRoute = 'licensing' | 'identity' | 'graph';
export type FaultTarget = {route: FaultRoute; method: string};

/** A request that changes something: a licensing PUT or a Graph PATCH. */
export function isWrite(target: FaultTarget): boolean {
	return (target.route === 'licensing' && target.method === 'PUT') || (target.route === 'graph' && target.method === 'PATCH');
}

/** Decides, request by request, which fault hits. Deterministic for a given seed and request order. */
export class FaultInjector {
	#plan: FaultPlan;
	#random: () => number;
	#remaining = new Map<FaultKind, number>();

	constructor(plan: FaultPlan = emptyFaultPlan()) {
		this.#plan = plan;
		this.#random = mulberry32(plan.seed);
		this.#reset();
	}

	get plan(): FaultPlan {
		return this.#plan;
	}

	set(plan: FaultPlan): void {
		this.#plan = plan;
		this.#random = mulberry32(plan.seed);
		this.#reset();
	}

	get retryAfter(): number {
		return this.#plan.retryAfter;
	}

	/** Whether faults apply to this request at all. */
	applies(target: FaultTarget): boolean {
		const {scope, writesOnly} = this.#plan;
		if (scope !== 'all' && scope !== target.route) return false;
		if (writesOnly && !isWrite(target)) return false;
		return true;
	}

	/** Milliseconds to wait before answering (0 when no latency applies). */
	latency(target: FaultTarget): number {
		const latency = this.#plan.latency;
		if (!latency || !this.applies(target)) return 0;
		return Math.round(latency.min + (latency.max - latency.min) * this.#random());
	}

	/**
	 * Whether a fault fires for this request: an `Nx` fault uses one of its N, a rate rolls the dice.
	 * `slowdown` ignores scope and writes-only: it only ever meets device-code polls.
	 */
	fire(kind: FaultKind, target: FaultTarget): boolean {
		const rate = this.#plan.rates[kind];
		if (!rate) return false;
		if (kind !== 'slowdown' && !this.applies(target)) return false;
		if (rate.kind === 'count') {
			const left = this.#remaining.get(kind) ?? 0;
			if (left <= 0) return false;
			this.#remaining.set(kind, left - 1);
			return true;
		}
		return rate.probability > 0 && this.#random() < rate.probability;
	}

	/** Milliseconds to hold the answer of a write that was applied (0 when no `late`). */
	late(target: FaultTarget): number {
		const late = this.#plan.late;
		if (!late || !isWrite(target)) return 0;
		return late;
	}

	/** With `trickle`: ms between two bytes of the body. */
	get trickleEveryMs(): number {
		return this.#plan.trickleEveryMs;
	}

	/** A random number in [0, 1) from the seeded sequence (for choosing a malformed body). */
	random(): number {
		return this.#random();
	}

	#reset(): void {
		this.#remaining.clear();
		for (const kind of FAULT_KINDS) {
			const rate = this.#plan.rates[kind];
			if (rate?.kind === 'count') this.#remaining.set(kind, rate.count);
		}
	}
}

function randomSeed(): number {
	return Math.floor(Math.random() * 2 ** 31);
}

/** A small, fast, seedable PRNG (public domain). */
function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
