/**
 * Fleets: `baseline plan --tenants` over 100 emulated tenants × 30 products (the catalog's 24 and
 * 6 synthetic ones) with 100 ms of latency per request, against the same plan run one tenant after
 * another (fleetPlanCommand's `tenantsAtOnce: 1`, which the CLI does not expose), in the same run
 * and the same process. Budgets: at least 10× faster; the built CLI's peak memory over the same
 * fleet under 150 MiB; and the same drift found by all three runs, exactly the drift that was set.
 */
import {spawn} from 'node:child_process';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {createContext} from '../source/commands/context.js';
import {fleetPlanCommand} from '../source/commands/fleet.js';
import type {Io} from '../source/commands/output.js';
import type {PolicyValue, Scope} from '../source/commerce/types.js';
import {resolveSettings} from '../source/config.js';
import {FLEET_APP_ID, startEmulator, syntheticProducts, syntheticTenant, type Emulator} from '../source/emulator/index.js';
import type {BenchRow} from './table.js';

const TENANTS = 100;
/** The catalog has 24 products: 6 more make 30. */
const EXTRA_PRODUCTS = 6;
/** Licensing and sign-in alike: every request of a tenant waits 100 ms (faults.ts, scope=all). */
const LATENCY = 'latency=100ms,scope=all';
const BIN = join(process.cwd(), 'bin/mscommerce.js');
const MEMORY_BUDGET_MIB = 150;
const SPEED_UP_BUDGET = 10;

/** The baseline every tenant keeps: everything Enabled, so only what is set below drifts. */
const BASELINE = 'policy: AllowSelfServicePurchase\nproducts:\n  default: Enabled\nofferTypes:\n  default: Enabled\n';

type Drifted = {tenant: string; scope: Scope; id: string; value: PolicyValue};

/**
 * Drift that differs per tenant: every 4th tenant has Visio Plan 1 Disabled, every 5th a
 * synthetic product Disabled, every 10th the SaaS offer type Disabled. 100 tenants: 40 drift
 * (25 + 20 + 10 rows, 55 in all), 60 in sync.
 */
function driftToSet(): Drifted[] {
	const synthetic = syntheticProducts(EXTRA_PRODUCTS).map(p => p.productId);
	const set: Drifted[] = [];
	for (let i = 1; i <= TENANTS; i++) {
		const tenant = syntheticTenant(i).id;
		if (i % 4 === 0) set.push({tenant, scope: 'product', id: 'CFQ7TTC0HD33', value: 'Disabled'});
		if (i % 5 === 0) set.push({tenant, scope: 'product', id: synthetic[i % EXTRA_PRODUCTS]!, value: 'Disabled'});
		if (i % 10 === 0) set.push({tenant, scope: 'offerType', id: 'SaaS', value: 'Disabled'});
	}
	return set;
}

/** What a plan found, in a form to compare: "tenant scope id current→wanted" lines, sorted, and the tenants' statuses. */
type Found = {drift: string[]; statuses: string[]; failed: number};

function found(json: string): Found {
	const plan = JSON.parse(json) as {
		tenants: Array<{tenant: string; tenantId: string | null; status: string; drift?: Array<{scope: string; id: string; current: string; wanted: string}>}>;
		counts: {failed: number};
	};
	const drift: string[] = [];
	for (const t of plan.tenants) for (const d of t.drift ?? []) drift.push(`${t.tenantId} ${d.scope} ${d.id} ${d.current}→${d.wanted}`);
	return {drift: drift.sort(), statuses: plan.tenants.map(t => `${t.tenant} ${t.status}`).sort(), failed: plan.counts.failed};
}

function expected(set: readonly Drifted[]): string[] {
	return set.map(d => `${d.tenant} ${d.scope} ${d.id} ${d.value}→Enabled`).sort();
}

function same(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && a.every((line, i) => line === b[i]);
}

type Files = {dir: string; tenants: string; baseline: string; secret: string};

/** `fleetPlanCommand` in this process, as `baseline plan --tenants F --file B --json` runs it: its time and its stdout. */
async function planInProcess(emu: Emulator, files: Files, tenantsFile: string, run: string, tenantsAtOnce?: number): Promise<{ms: number; json: string; code: number}> {
	const home = join(files.dir, run);
	await mkdir(home, {recursive: true});
	let out = '';
	const stdout = {write: (chunk: string) => ((out += chunk), true), isTTY: false};
	const stderr = {write: () => true, isTTY: false};
	const io: Io = {stdout, stderr, stdin: Readable.from([]) as NodeJS.ReadableStream};
	const env = {HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state')};
	const flags = {clientId: FLEET_APP_ID, clientSecret: files.secret, authority: emu.authority, licensingUrl: emu.licensingUrl, output: 'json'};
	const settings = resolveSettings(flags, env, false, {fleet: true});
	const ctx = createContext(settings, io, new AbortController().signal, {ca: [emu.caPem]});
	try {
		const started = performance.now();
		const code = await fleetPlanCommand(ctx, {tenants: tenantsFile, file: files.baseline, ...(tenantsAtOnce ? {tenantsAtOnce} : {})});
		return {ms: performance.now() - started, json: out, code};
	} finally {
		await ctx.net.close();
	}
}

/**
 * The built CLI, as CI runs it (app-only, the secret in the environment), with its peak resident
 * memory: VmHWM, which the process reads from /proc/self/status as it exits (a preloaded hook
 * writes it to fd 3), so the peak is never missed by polling from outside.
 */
async function planWithCli(emu: Emulator, files: Files): Promise<{ms: number; json: string; code: number; peakMiB: number}> {
	const home = join(files.dir, 'cli');
	await mkdir(home, {recursive: true});
	const hook = `import {readFileSync, writeSync} from 'node:fs'; process.on('exit', () => { try { writeSync(3, /VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? ''); } catch {} });`;
	const args = ['--import', `data:text/javascript,${encodeURIComponent(hook)}`, BIN, 'baseline', 'plan', '--tenants', files.tenants, '--file', files.baseline, '--json'];
	const env = {
		HOME: home,
		XDG_CONFIG_HOME: join(home, 'config'),
		XDG_STATE_HOME: join(home, 'state'),
		PATH: process.env.PATH ?? '',
		MSCOMMERCE_CLIENT_ID: FLEET_APP_ID,
		MSCOMMERCE_CLIENT_SECRET: files.secret,
		MSCOMMERCE_AUTHORITY: emu.authority,
		MSCOMMERCE_LICENSING_URL: emu.licensingUrl,
		MSCOMMERCE_CA_FILE: emu.caFile,
	};
	const started = performance.now();
	const child = spawn(process.execPath, args, {env, stdio: ['ignore', 'pipe', 'pipe', 'pipe']});
	let out = '';
	let err = '';
	let hwm = '';
	child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
	child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
	(child.stdio[3] as Readable).on('data', (chunk: Buffer) => (hwm += chunk.toString('utf8')));
	const code = await new Promise<number>((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error('the CLI did not finish within 60 s'));
		}, 60_000);
		child.on('error', reject);
		child.on('close', status => {
			clearTimeout(timer);
			resolve(status ?? -1);
		});
	});
	const ms = performance.now() - started;
	const peakKiB = Number(hwm.trim());
	if (!(peakKiB > 0)) throw new Error(`the CLI reported no VmHWM (exit ${code}): ${err.trim().split('\n').at(-1) ?? ''}`);
	return {ms, json: out, code, peakMiB: peakKiB / 1024};
}

/** What the emulator was asked, per tenant: "2.0 licensing, 4.0 token, 4.0 OpenID configuration". */
function requestsPerTenant(emu: Emulator): string {
	const count = (test: (path: string) => boolean) => (emu.requests.filter(r => test(r.path)).length / TENANTS).toFixed(1);
	const licensing = count(path => path.startsWith('/v1.0/'));
	const tokens = count(path => path.includes('/oauth2/v2.0/token'));
	const discovery = count(path => path.includes('/.well-known/openid-configuration'));
	return `${licensing} licensing, ${tokens} token, ${discovery} OpenID configuration requests`;
}

export async function benchFleet(): Promise<BenchRow[]> {
	const emu = await startEmulator({tenantCount: TENANTS, syntheticProducts: EXTRA_PRODUCTS, faults: LATENCY, cacheDir: false});
	const dir = await mkdtemp(join(tmpdir(), 'mscommerce-bench-fleet-'));
	try {
		const secret = emu.apps.find(app => app.clientId === FLEET_APP_ID)!.secret;
		const set = driftToSet();
		for (const d of set) emu.setValue(d.tenant, d.scope, d.id, d.value);
		const ids = Array.from({length: TENANTS}, (_, i) => syntheticTenant(i + 1).id);
		const files: Files = {dir, tenants: join(dir, 'tenants.yaml'), baseline: join(dir, 'baseline.yaml'), secret};
		await writeFile(files.tenants, `tenants:\n${ids.map(id => `  - ${id}\n`).join('')}`);
		await writeFile(files.baseline, BASELINE);
		// Warm: the sign-in and licensing code loaded and compiled once, so neither timed run pays for it.
		const warmFile = join(dir, 'warm.yaml');
		await writeFile(warmFile, `tenants:\n  - ${ids[0]}\n`);
		await planInProcess(emu, files, warmFile, 'warm');

		const cli = await planWithCli(emu, files);
		emu.requests.length = 0;
		const together = await planInProcess(emu, files, files.tenants, 'together');
		const asked = requestsPerTenant(emu);
		const oneByOne = await planInProcess(emu, files, files.tenants, 'one-by-one', 1);
		const ratio = oneByOne.ms / together.ms;

		const want = expected(set);
		const runs = {cli: found(cli.json), together: found(together.json), oneByOne: found(oneByOne.json)};
		const differences = [runs.cli, runs.together, runs.oneByOne].filter(r => !same(r.drift, want) || r.failed > 0).length;
		const statusesAgree = same(runs.together.statuses, runs.oneByOne.statuses) && same(runs.cli.statuses, runs.together.statuses);
		const codes = [cli.code, together.code, oneByOne.code];
		const codesOk = codes.every(code => code === 6);
		const drifting = new Set(set.map(d => d.tenant)).size;
		const where = 'latency on sign-in and licensing (scope=all)';
		return [
			{name: `fleet: baseline plan, ${TENANTS} tenants × 30 products, 100 ms latency`, value: together.ms, unit: 'ms', note: `in process, 32 in flight (8 per tenant); ${where}; per tenant ${asked}`},
			{name: 'fleet: the same plan, one tenant at a time', value: oneByOne.ms, unit: 'ms', note: 'tenantsAtOnce: 1, same run'},
			{name: 'fleet: speed-up', value: ratio, unit: '×', budget: `≥ ${SPEED_UP_BUDGET}×`, ok: ratio >= SPEED_UP_BUDGET, note: `${TENANTS} tenants, app-only, all ${TENANTS} in both runs`},
			{
				name: `fleet: CLI peak memory, ${TENANTS} tenants`,
				value: cli.peakMiB,
				unit: 'MiB',
				budget: `< ${MEMORY_BUDGET_MIB} MiB`,
				ok: cli.peakMiB < MEMORY_BUDGET_MIB,
				note: `VmHWM of \`mscommerce baseline plan --tenants … --json\` (built CLI, ${(cli.ms / 1000).toFixed(1)} s wall, start-up included)`,
			},
			{
				name: 'fleet: runs that found other drift',
				value: differences,
				unit: 'runs',
				budget: '0',
				ok: differences === 0 && statusesAgree && codesOk,
				note: `${drifting} tenants drift (${want.length} rows) as set; CLI, concurrent, one by one agree: ${statusesAgree ? 'yes' : 'no'}; exit ${codes.join('/')}`,
			},
		];
	} finally {
		await emu.close();
		await rm(dir, {recursive: true, force: true});
	}
}

// `node --import tsx bench/fleet.ts` runs it alone (after `npm run build`: the CLI row runs the built binary).
if (import.meta.url === `file://${process.argv[1]}`) {
	for (const row of await benchFleet()) console.log(row);
}
