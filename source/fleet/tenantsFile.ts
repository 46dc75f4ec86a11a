/**
 * The tenants file: the customer tenants a partner (or a company with several tenants) manages,
 * how each signs in, and which baseline each keeps (docs/fleet.md).
 *
 * ```yaml
 * tenants:
 *   - contoso.onmicrosoft.com                 # the run's way of signing in, the shared --file
 *   - tenant: 4c9e2b71-8f3d-4e6a-b5c2-7d1f0a9e3b68
 *     name: Fabrikam (retail)
 *     account: admin@partner.onmicrosoft.com  # a partner account (GDAP)…
 *     baseline: fabrikam.yaml                 # …and this baseline instead of --file
 *   - tenant: northwind.example
 *     app: 0e7c5a3b-1d2f-4e6a-9b8c-7d6e5f4a3b21  # app-only, with the run's secret or certificate
 * ```
 *
 * Read like a baseline (files/yaml.ts: the same limits, every problem with its path and line, all
 * at once, before any request). Baseline paths are relative to the tenants file.
 */
import {createHash} from 'node:crypto';
import {dirname, isAbsolute, resolve} from 'node:path';
import {boolean as zBoolean, number as zNumber, strictObject, string as zString, union as zUnion} from 'zod';
import {isAccountName, isGuid, isMultiTenant, isTenantName} from '../config.js';
import {clip, readYamlDocument, sortProblems, type FileProblem, type FileWords} from '../files/yaml.js';
import {UsageError} from '../problems/errors.js';

/** One tenant of the fleet, as the file describes it. */
export type FleetMember = {
	/** As written: a domain or a tenant ID. */
	tenant: string;
	/** What people call it (the file's `name:`), else the tenant as written. */
	name: string;
	/** A partner or admin account to sign in as (delegated). */
	account?: string;
	/** An app's client ID to sign in as (app-only, with the run's secret or certificate). */
	app?: string;
	/** This tenant's own baseline, as an absolute path (relative ones are read from the tenants file's directory). */
	baseline?: string;
	/** The baseline as written in the file, for messages. */
	baselineAsWritten?: string;
	/** Its place in the file (0-based), for `tenants.N` in problems. */
	index: number;
	line?: number;
};

export type TenantsFile = {file: string; members: FleetMember[]};

export const TENANTS_WORDS: FileWords = {
	noun: 'a tenants file',
	depth: 'a tenants file needs 4 (the file, tenants, a tenant, a value)',
	entries: 'a tenants file lists tenants, a few keys each',
};

/** The longest name shown; a name is a label, not a document. */
const NAME_CHARS = 200;

const TENANT_KEYS = ['tenant', 'name', 'account', 'app', 'baseline'];

// A number or yes/no where text belongs is still checked as the text it was (`app: 1234` is no GUID, said so).
const text = zUnion([zString(), zNumber(), zBoolean()]).transform(String);

const memberSchema = zUnion([
	zString(),
	strictObject({
		tenant: text,
		name: text.optional(),
		account: text.optional(),
		app: text.optional(),
		baseline: text.optional(),
	}),
]);

function describe(input: unknown): string {
	if (input === null || input === undefined) return 'nothing';
	if (Array.isArray(input)) return 'a list';
	if (typeof input === 'object') return 'a mapping';
	return `"${clip(String(input))}"`;
}

/** What a tenant may be in the file: a domain or tenant ID (organizations and the like are no tenant). */
function tenantProblem(tenant: string): string | undefined {
	if (isMultiTenant(tenant)) return `${tenant} is no tenant in particular: name each tenant by its domain or tenant ID`;
	if (!isTenantName(tenant)) return `"${clip(tenant)}" is not a tenant: use a domain such as contoso.onmicrosoft.com or a tenant ID`;
	return undefined;
}

/**
 * Parses and checks a tenants file: syntax, keys, each tenant, account, app and baseline path,
 * and tenants named twice. `file` is the path as given (for resolving baselines; `-` for stdin,
 * whose baselines are relative to the working directory).
 */
export function parseTenantsFile(text: string, file: string): {members?: FleetMember[]; problems: FileProblem[]} {
	const read = readYamlDocument(text, TENANTS_WORDS);
	const {lineOf, data} = read;
	if (read.problems.length > 0) return {problems: read.problems};
	const example = 'tenants:\n  - contoso.onmicrosoft.com';
	if (data === null || data === undefined) return {problems: [{path: '', message: `the file is empty: list the tenants under tenants: (${JSON.stringify(example)})`}]};
	if (typeof data !== 'object' || Array.isArray(data)) return {problems: [{path: '', message: 'the file must be a mapping with a tenants list'}]};
	const problems: FileProblem[] = [];
	const record = data as Record<string, unknown>;
	for (const key of Object.keys(record).filter(key => key !== 'tenants')) {
		problems.push({path: key, line: lineOf([key]), message: key.toLowerCase() === 'tenants' ? 'unknown key: did you mean tenants?' : 'unknown key (expected tenants)'});
	}
	const list = record.tenants;
	if (!Array.isArray(list) || list.length === 0) {
		problems.push({path: 'tenants', line: lineOf(['tenants']), message: list === undefined ? 'missing: list the tenants under tenants:' : `expected a list of tenants, got ${describe(list)}`});
		return {problems: sortProblems(problems)};
	}
	const base = file === '-' ? process.cwd() : dirname(resolve(file));
	const members: FleetMember[] = [];
	const firstLine = new Map<string, {path: string; line?: number}>();
	list.forEach((item: unknown, index) => {
		const at = (key?: string) => {
			const path = key === undefined ? ['tenants', index] : ['tenants', index, key];
			return {path: path.join('.'), line: lineOf(path)};
		};
		const parsed = memberSchema.safeParse(item);
		if (!parsed.success) {
			if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
				const entry = item as Record<string, unknown>;
				for (const key of Object.keys(entry).filter(key => !TENANT_KEYS.includes(key))) {
					const near = TENANT_KEYS.find(k => k.toLowerCase() === key.toLowerCase());
					problems.push({...at(key), message: near ? `unknown key: did you mean ${near}?` : `unknown key (expected ${TENANT_KEYS.join(', ')})`});
				}
				if (entry.tenant === undefined) problems.push({...at(), message: 'missing tenant: (a domain or tenant ID)'});
				for (const key of TENANT_KEYS) {
					if (entry[key] !== null && typeof entry[key] === 'object') problems.push({...at(key), message: `expected text, got ${describe(entry[key])}`});
				}
				// Still a tenant of the file: another entry naming it is named twice.
				if (typeof entry.tenant === 'string' && !firstLine.has(entry.tenant.trim().toLowerCase())) firstLine.set(entry.tenant.trim().toLowerCase(), at('tenant'));
			} else {
				problems.push({...at(), message: `expected a tenant (a domain or ID) or a mapping with tenant:, got ${describe(item)}`});
			}
			return;
		}
		const entry = typeof parsed.data === 'string' ? {tenant: parsed.data} : parsed.data;
		const tenant = entry.tenant.trim();
		const problemsBefore = problems.length;
		const tenantAt = typeof parsed.data === 'string' ? at() : at('tenant');
		const wrongTenant = tenantProblem(tenant);
		if (wrongTenant) problems.push({...tenantAt, message: wrongTenant});
		const account = entry.account?.trim();
		if (account !== undefined && !isAccountName(account)) problems.push({...at('account'), message: `"${clip(account)}" is not an account (a user name such as admin@partner.onmicrosoft.com)`});
		const app = entry.app?.trim();
		if (app !== undefined && !isGuid(app)) problems.push({...at('app'), message: `"${clip(app)}" is not an application (client) ID (a GUID)`});
		if (account !== undefined && app !== undefined) problems.push({...at('app'), message: 'give account or app, not both: a tenant signs in one way'});
		const name = entry.name?.trim();
		if (name !== undefined && (name === '' || name.length > NAME_CHARS)) problems.push({...at('name'), message: name === '' ? 'empty: leave name out to use the tenant' : `longer than ${NAME_CHARS} characters`});
		const baseline = entry.baseline?.trim();
		if (baseline !== undefined && baseline === '') problems.push({...at('baseline'), message: 'empty: leave baseline out to use --file'});
		if (!wrongTenant) {
			const earlier = firstLine.get(tenant.toLowerCase());
			if (earlier) problems.push({...tenantAt, message: `${tenant} is listed twice (also at ${earlier.path}${earlier.line ? `, line ${earlier.line}` : ''}): a tenant is in a fleet once`});
			else firstLine.set(tenant.toLowerCase(), tenantAt);
		}
		if (problems.length > problemsBefore) return;
		members.push({
			tenant,
			name: name ?? tenant,
			...(account !== undefined ? {account} : {}),
			...(app !== undefined ? {app: app.toLowerCase()} : {}),
			...(baseline !== undefined ? {baseline: isAbsolute(baseline) ? baseline : resolve(base, baseline), baselineAsWritten: baseline} : {}),
			index,
			...(tenantAt.line !== undefined ? {line: tenantAt.line} : {}),
		});
	});
	if (problems.length > 0) return {problems: sortProblems(problems)};
	return {members, problems: []};
}

/** A slice of the fleet for one machine or CI job: `--shard K/N`, 1-based. */
export type Shard = {index: number; count: number};

/** The largest N: more jobs than this is a mistake (and GitHub Actions caps a matrix at 256). */
export const MAX_SHARDS = 1000;

export function parseShard(text: string): Shard {
	const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
	const index = match ? Number(match[1]) : Number.NaN;
	const count = match ? Number(match[2]) : Number.NaN;
	if (!(count >= 1 && count <= MAX_SHARDS && index >= 1 && index <= count)) {
		throw new UsageError(`--shard: "${text}" is not a slice K/N with 1 <= K <= N <= ${MAX_SHARDS} (e.g. --shard 2/4 for the second of four jobs)`);
	}
	return {index, count};
}

/**
 * The shard (1-based) a tenant belongs to among `count`: 1 + SHA-256(tenant) mod count, the
 * tenant lower-cased as the file names it. It depends on nothing else, so adding or removing
 * other tenants never moves a tenant to another job (docs/fleet.md, Sharding).
 */
export function shardOf(tenant: string, count: number): number {
	const digest = createHash('sha256').update(tenant.toLowerCase()).digest('hex');
	return 1 + Number(BigInt(`0x${digest}`) % BigInt(count));
}

export function inShard(members: readonly FleetMember[], shard: Shard | undefined): FleetMember[] {
	return shard ? members.filter(member => shardOf(member.tenant, shard.count) === shard.index) : [...members];
}
