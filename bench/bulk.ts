/**
 * Bulk writes: `baseline apply` of 100 products against the emulator with 100 ms of latency per
 * request, versus the same 100 writes made one after another (the MSCommerce module's loop:
 * list, then Update-MSCommerceProductPolicy per product), in the same run. apply compares before
 * it writes (a list re-read per batch: whenever the last read is over 2 s old) and checks every
 * answer. Budget: at least 5× faster, and the emulator ends with exactly the baseline (0 lost,
 * 0 extra writes).
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {applyCommand} from '../source/commands/baseline.js';
import {createContext} from '../source/commands/context.js';
import type {Io} from '../source/commands/output.js';
import {CommerceClient} from '../source/commerce/client.js';
import {DEFAULT_POLICY_ID} from '../source/commerce/types.js';
import {resolveSettings} from '../source/config.js';
import {startEmulator, syntheticProducts, type Emulator} from '../source/emulator/index.js';
import {Net} from '../source/net/http.js';

type BenchRow = {name: string; value: number; unit: string; budget?: string; ok?: boolean; note?: string};

const COUNT = 100;
const LATENCY = 'latency=100ms';
const P = DEFAULT_POLICY_ID;

/** The synthetic products the emulator adds, by ID: the 100 rows both runs write. */
const targets = syntheticProducts(COUNT).map(p => p.productId);

/** Lost (a target not Disabled), extra (a PUT beyond one per target, or to another row). */
function audit(emu: Emulator): {lost: number; extra: number} {
	const tenant = emu.accounts[0]!.tenantId;
	const state = new Map(emu.tenantState(tenant).products.map(p => [p.productId, p.policyValue]));
	const lost = targets.filter(id => state.get(id) !== 'Disabled').length;
	const puts = emu.requests.filter(r => r.method === 'PUT' && r.status === 200);
	const perRow = new Map<string, number>();
	for (const put of puts) {
		const id = put.path.split('/').at(-1)!;
		perRow.set(id, (perRow.get(id) ?? 0) + 1);
	}
	const wanted = new Set(targets);
	let extra = 0;
	for (const [id, count] of perRow) extra += wanted.has(id) ? count - 1 : count;
	const others = [...state].filter(([id, value]) => !wanted.has(id) && value !== 'Enabled').length;
	return {lost, extra: extra + others};
}

/** The module's loop: one list, then one write after another. */
async function oneByOne(emu: Emulator): Promise<number> {
	const net = new Net({ca: [emu.caPem], env: {}});
	try {
		const client = new CommerceClient({baseUrl: emu.licensingUrl, net, token: async () => emu.tokens.admin});
		const started = performance.now();
		const rows = await client.listRows(P, 'product');
		for (const id of targets) {
			const row = rows.find(r => r.id === id)!;
			await client.setRow(P, row, 'Disabled');
		}
		return performance.now() - started;
	} finally {
		await net.close();
	}
}

/** `mscommerce baseline apply --file F --yes`, in this process (no child start-up in the number). */
async function baselineApply(emu: Emulator): Promise<number> {
	const dir = await mkdtemp(join(tmpdir(), 'mscommerce-bench-'));
	try {
		const file = join(dir, 'baseline.yaml');
		await writeFile(file, `policy: ${P}\nproducts:\n  except:\n${targets.map(id => `    ${id}: Disabled\n`).join('')}`);
		const sink = {write: () => true, isTTY: false};
		const io: Io = {stdout: sink, stderr: sink, stdin: Readable.from([]) as NodeJS.ReadableStream};
		const env = {HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state')};
		const settings = resolveSettings({authority: emu.authority, licensingUrl: emu.licensingUrl, token: emu.tokens.admin}, env, false);
		const ctx = createContext(settings, io, new AbortController().signal, {ca: [emu.caPem]});
		try {
			const started = performance.now();
			const code = await applyCommand(ctx, {file, yes: true});
			const elapsed = performance.now() - started;
			if (code !== 0) throw new Error(`baseline apply exited ${code}`);
			return elapsed;
		} finally {
			await ctx.net.close();
		}
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
}

export async function benchBulk(): Promise<BenchRow[]> {
	const options = {syntheticProducts: COUNT, faults: LATENCY, cacheDir: false as const};
	const sequential = await startEmulator(options);
	const bulk = await startEmulator(options);
	try {
		const loopMs = await oneByOne(sequential);
		const applyMs = await baselineApply(bulk);
		const ratio = loopMs / applyMs;
		const result = audit(bulk);
		const loopResult = audit(sequential);
		return [
			{name: `bulk: baseline apply, ${COUNT} products, 100 ms latency`, value: applyMs, unit: 'ms', note: 'list + plan + re-read + writes, 8 in flight'},
			{name: `bulk: the same ${COUNT} writes one by one`, value: loopMs, unit: 'ms', note: "the module's loop"},
			{name: 'bulk: speed-up', value: ratio, unit: '×', budget: '≥ 5×', ok: ratio >= 5, note: 'compare before write, list re-read per batch'},
			{
				name: 'bulk: lost + extra writes',
				value: result.lost + result.extra,
				unit: 'writes',
				budget: '0',
				ok: result.lost === 0 && result.extra === 0 && loopResult.lost === 0 && loopResult.extra === 0,
				note: `apply: ${result.lost} lost, ${result.extra} extra; loop: ${loopResult.lost} lost, ${loopResult.extra} extra`,
			},
		];
	} finally {
		await Promise.all([sequential.close(), bulk.close()]);
	}
}

// `node --import tsx bench/bulk.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
	for (const row of await benchBulk()) console.log(row);
}
