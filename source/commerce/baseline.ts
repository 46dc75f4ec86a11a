/**
 * The baseline file: the value an admin wants per scope, a `default` for every row not listed
 * (including products Microsoft adds later) and `except` for the rows that differ.
 *
 * ```yaml
 * policy: AllowSelfServicePurchase
 * products:
 *   default: Disabled
 *   except:
 *     CFQ7TTC0KP0N: Enabled    # former IDs allowed; the current ID is used
 * offerTypes:
 *   default: Disabled
 *   except:
 *     SaaS: Enabled
 * ```
 *
 * YAML (JSON is YAML too), parsed by `yaml` and validated by a zod schema. Every problem is
 * reported with its path (`products.except.CFQ7TTC0H9MP: …`) and line, all at once, before any
 * write. Checking happens in two steps: the file alone (syntax, keys, values, policy), before any
 * request; then against the tenant's lists (unknown IDs, values a row cannot take).
 */
import {isMap, isScalar, LineCounter, parseDocument, stringify, type Document} from 'yaml';
import {z} from 'zod';
import {productForFormerId} from './catalog.js';
import {planChanges, type Plan} from './changes.js';
import type {PolicyValue, Row, Scope} from './types.js';
import {checkValue, parseValue} from './values.js';

/** The file's section names, and the scope each governs. */
export const SECTIONS = {products: 'product', offerTypes: 'offerType'} as const satisfies Record<string, Scope>;
export type SectionName = keyof typeof SECTIONS;
const SECTION_OF: Record<Scope, SectionName> = {product: 'products', offerType: 'offerTypes'};
const NOUN: Record<Scope, string> = {product: 'product', offerType: 'offer type'};

export type BaselineRule = {key: string; value: PolicyValue};
export type BaselineSection = {default?: PolicyValue; except: BaselineRule[]};
export type Baseline = {policy?: string; products?: BaselineSection; offerTypes?: BaselineSection};

export type BaselineProblem = {
	/** Dotted path in the file (`products.except.CFQ7TTC0H9MP`); empty for the file as a whole. */
	path: string;
	message: string;
	/** 1-based line in the file, where known. */
	line?: number;
};

export type ParsedBaseline = {
	/**
	 * What the file says, leaving out the parts with problems (so the rest can still be checked
	 * against the tenant and every problem reported at once). Undefined when the file is not a
	 * baseline at all (broken YAML, empty, not a mapping). Use it to write only when `problems` is empty.
	 */
	baseline?: Baseline;
	problems: BaselineProblem[];
	/** The line a path is on (for problems found later, against the tenant). */
	lineOf(path: readonly string[]): number | undefined;
};

const VALUE_WORDS = 'Enabled, Disabled or OnlyTrialsWithoutPaymentMethod';

function describe(input: unknown): string {
	if (input === null || input === undefined) return 'nothing';
	if (Array.isArray(input)) return 'a list';
	if (typeof input === 'object') return 'a mapping';
	return `"${String(input)}"`;
}

/** A value as a person may spell it (values.ts: case-insensitive, true/false as the module's -Enabled). */
function valueSchema(scope: Scope) {
	return z.unknown().transform((input, ctx) => {
		const value = typeof input === 'string' || typeof input === 'boolean' ? parseValue(String(input)) : undefined;
		if (!value) {
			ctx.addIssue({code: 'custom', message: `${describe(input)} is not a value: use ${scope === 'offerType' ? 'Enabled or Disabled' : VALUE_WORDS}`});
			return z.NEVER;
		}
		if (scope === 'offerType' && value === 'OnlyTrialsWithoutPaymentMethod') {
			ctx.addIssue({code: 'custom', message: `${value} is not allowed for offer types: use Enabled or Disabled`});
			return z.NEVER;
		}
		return value;
	});
}

function sectionSchema(scope: Scope) {
	return z.strictObject({
		default: valueSchema(scope).optional(),
		// `except:` with nothing under it is an empty list, not a mistake.
		except: z.record(z.string(), valueSchema(scope)).nullish(),
	});
}

const baselineSchema = z.strictObject({
	policy: z.string().optional(),
	// `products:` with nothing under it governs nothing, like leaving it out.
	products: sectionSchema('product').nullish(),
	offerTypes: sectionSchema('offerType').nullish(),
});

const KEYS_AT: Record<string, string[]> = {
	'': ['policy', 'products', 'offerTypes'],
	products: ['default', 'except'],
	offerTypes: ['default', 'except'],
};

const TYPE_AT: Record<string, string> = {
	'': 'the file must be a mapping with policy, products and/or offerTypes',
	policy: 'expected a policy ID such as AllowSelfServicePurchase',
	products: 'expected a mapping with default and/or except',
	offerTypes: 'expected a mapping with default and/or except',
	'products.except': 'expected a mapping of product IDs to values',
	'offerTypes.except': 'expected a mapping of offer type IDs to values',
};

function orList(words: string[]): string {
	return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** Parses and checks a baseline file on its own: syntax, keys, values and the policy it is for. */
export function parseBaseline(text: string, options: {policyId?: string} = {}): ParsedBaseline {
	const lineCounter = new LineCounter();
	const doc = parseDocument(text, {lineCounter, prettyErrors: true});
	const lineOf = (path: readonly string[]) => lineOfPath(doc, lineCounter, path);
	const problems: BaselineProblem[] = [];
	for (const error of doc.errors) {
		const line = error.linePos?.[0]?.line;
		problems.push({path: '', message: `not valid YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, line});
	}
	if (problems.length > 0) return {problems, lineOf};
	const data: unknown = doc.toJS();
	if (data === null || data === undefined) {
		return {problems: [{path: '', message: 'the file is empty: write a baseline (`mscommerce baseline export` makes one from today\'s state)'}], lineOf};
	}
	const policy = (data as {policy?: unknown}).policy;
	if (options.policyId !== undefined && typeof policy === 'string' && policy.toLowerCase() !== options.policyId.toLowerCase()) {
		problems.push({
			path: 'policy',
			message: `the file is for policy ${policy}, but this run works on ${options.policyId} (--policy-id / MSCOMMERCE_POLICY_ID)`,
			line: lineOf(['policy']),
		});
	}
	const parsed = baselineSchema.safeParse(data);
	if (!parsed.success) {
		for (const issue of parsed.error.issues) {
			const at = issue.path.map(String);
			if (issue.code === 'unrecognized_keys') {
				const expected = KEYS_AT[at.join('.')] ?? [];
				for (const key of issue.keys) {
					const near = expected.find(k => k.toLowerCase() === key.toLowerCase());
					const path = [...at, key];
					problems.push({
						path: path.join('.'),
						message: near ? `unknown key: did you mean ${near}?` : `unknown key (expected ${orList(expected)})`,
						line: lineOf(path),
					});
				}
			} else if (issue.code === 'custom') {
				problems.push({path: at.join('.'), message: issue.message, line: lineOf(at)});
			} else {
				problems.push({path: at.join('.'), message: TYPE_AT[at.join('.')] ?? issue.message, line: lineOf(at)});
			}
		}
	}
	if (!isRecord(data)) return {problems: sortProblems(problems), lineOf};
	const baseline = goodParts(data, doc, new Set(problems.map(p => p.path)));
	const governs = (s?: BaselineSection) => s !== undefined && (s.default !== undefined || s.except.length > 0);
	if (problems.length === 0 && !governs(baseline.products) && !governs(baseline.offerTypes)) {
		problems.push({path: '', message: 'the baseline governs nothing: give products and/or offerTypes a default or an except list'});
	}
	return {baseline, problems: sortProblems(problems), lineOf};
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The baseline without the paths that have problems: each value through the same schema. */
function goodParts(data: Record<string, unknown>, doc: Document, bad: ReadonlySet<string>): Baseline {
	const baseline: Baseline = {};
	if (typeof data.policy === 'string') baseline.policy = data.policy;
	for (const name of Object.keys(SECTIONS) as SectionName[]) {
		const raw = data[name];
		if (!isRecord(raw) || bad.has(name)) continue;
		const schema = valueSchema(SECTIONS[name]);
		const valueAt = (path: string, input: unknown): PolicyValue | undefined => {
			if (bad.has(path)) return undefined;
			const parsed = schema.safeParse(input);
			return parsed.success ? parsed.data : undefined;
		};
		const section: BaselineSection = {except: []};
		const fallback = raw.default === undefined ? undefined : valueAt(`${name}.default`, raw.default);
		if (fallback) section.default = fallback;
		if (isRecord(raw.except) && !bad.has(`${name}.except`)) {
			// In the file's order (JavaScript objects put number-like keys first).
			const order = keysInOrder(doc, [name, 'except']);
			for (const [key, input] of Object.entries(raw.except)) {
				const value = valueAt(`${name}.except.${key}`, input);
				if (value) section.except.push({key, value});
			}
			section.except.sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
		}
		baseline[name] = section;
	}
	return baseline;
}

/** One row the baseline wants at a value, and the rule that says so. */
export type Wanted = {row: Row; to: PolicyValue; rule: string};

export type ResolvedBaseline = {wanted: Wanted[]; problems: BaselineProblem[]; notes: string[]};

/**
 * Applies a baseline to the tenant's rows: every except ID must be in the tenant's list (a former
 * product ID stands for its current product, with a note), every value must fit its row, and the
 * default goes to every row not listed. `lists` holds the rows of each scope the baseline governs.
 */
export function resolveBaseline(baseline: Baseline, lists: Partial<Record<Scope, readonly Row[]>>, lineOf: ParsedBaseline['lineOf'] = () => undefined): ResolvedBaseline {
	const wanted: Wanted[] = [];
	const problems: BaselineProblem[] = [];
	const notes: string[] = [];
	for (const name of Object.keys(SECTIONS) as SectionName[]) {
		const section = baseline[name];
		const scope = SECTIONS[name];
		if (!section) continue;
		const rows = lists[scope] ?? [];
		const byId = new Map(rows.map(row => [row.id.toUpperCase(), row]));
		const listed = new Map<Row, string>();
		for (const {key, value} of section.except) {
			const path = [name, 'except', key];
			const at = {path: path.join('.'), line: lineOf(path)};
			let row = byId.get(key.toUpperCase());
			if (!row && scope === 'product') {
				const current = productForFormerId(key);
				row = current ? byId.get(current.productId.toUpperCase()) : undefined;
				if (row) notes.push(`note: ${at.path}: ${key} is the former ID of ${row.name}; using its current ID ${row.id}`);
			}
			if (!row) {
				problems.push({...at, message: `unknown ${NOUN[scope]} ID: not in this tenant's list (see \`mscommerce ${scope === 'product' ? 'products' : 'offer-types'} list\`)`});
				continue;
			}
			const earlier = listed.get(row);
			if (earlier !== undefined) {
				problems.push({...at, message: `names the same ${NOUN[scope]} as ${name}.except.${earlier} (${row.name}, ${row.id})`});
				continue;
			}
			listed.set(row, key);
			const check = checkValue(row, value);
			if (!check.ok) {
				problems.push({...at, message: check.reason});
				continue;
			}
			wanted.push({row, to: value, rule: at.path});
		}
		if (section.default === undefined) continue;
		const to = section.default;
		const misfits: Row[] = [];
		for (const row of rows) {
			if (listed.has(row)) continue;
			if (checkValue(row, to).ok) wanted.push({row, to, rule: `${name}.default`});
			else misfits.push(row);
		}
		if (misfits.length > 0) {
			const names = misfits.slice(0, 3).map(row => `${row.name} (${row.id})`).join(', ');
			problems.push({
				path: `${name}.default`,
				line: lineOf([name, 'default']),
				message: `${to} is not allowed for ${misfits.length === 1 ? `${names}: it has` : `${misfits.length} ${NOUN[scope]}s that have`} no trial without a payment method${misfits.length > 1 ? ` (${names}${misfits.length > 3 ? ', …' : ''})` : ''}: give ${misfits.length === 1 ? 'it' : 'them'} another value under except`,
			});
		}
	}
	return {wanted, problems: sortProblems(problems), notes};
}

export type DriftRow = {row: Row; to: PolicyValue; rule: string; isNew: boolean};

export type BaselineComparison = {
	/** What apply writes: the drift, for runPlan / applyChanges. */
	plan: Plan;
	drift: DriftRow[];
	/** Rows governed by the baseline that already hold the wanted value. */
	inSync: number;
	/** Every row never seen before (governed or not), with what the baseline wants for it. */
	newRows: Array<{row: Row; to?: PolicyValue; rule?: string}>;
};

/** The drift between a resolved baseline and the tenant: only rows that differ are ever written. */
export function compareBaseline(wanted: readonly Wanted[], allRows: readonly Row[], isNew: (row: Row) => boolean = () => false): BaselineComparison {
	const plan = planChanges(wanted.map(({row, to}) => ({row, to})));
	const ruleOf = new Map(wanted.map(w => [w.row, w]));
	const drift = plan.changes.map(({row, to}) => ({row, to, rule: ruleOf.get(row)?.rule ?? '', isNew: isNew(row)}));
	const newRows = allRows.filter(isNew).map(row => {
		const rule = ruleOf.get(row);
		return rule ? {row, to: rule.to, rule: rule.rule} : {row};
	});
	return {plan, drift, inSync: plan.unchanged.length, newRows};
}

/** The most common value: the default of an exported baseline. Ties go to the stricter value. */
export function mostCommonValue(rows: readonly Pick<Row, 'value'>[]): PolicyValue | undefined {
	if (rows.length === 0) return undefined;
	const counts = new Map<PolicyValue, number>();
	for (const row of rows) counts.set(row.value, (counts.get(row.value) ?? 0) + 1);
	const preference: PolicyValue[] = ['Disabled', 'OnlyTrialsWithoutPaymentMethod', 'Enabled'];
	let best: PolicyValue = preference[0]!;
	for (const value of preference) if ((counts.get(value) ?? 0) > (counts.get(best) ?? 0)) best = value;
	return best;
}

/** Today's state as a baseline: the most common value is the default, the rest are listed. */
export function baselineFromRows(policyId: string, lists: Partial<Record<Scope, readonly Row[]>>): {baseline: Baseline; names: Map<string, string>} {
	const baseline: Baseline = {policy: policyId};
	const names = new Map<string, string>();
	for (const scope of ['product', 'offerType'] as const) {
		const rows = lists[scope];
		const value = rows ? mostCommonValue(rows) : undefined;
		if (!rows || !value) continue;
		const except = rows.filter(row => row.value !== value).map(row => ({key: row.id, value: row.value}));
		for (const row of rows) names.set(`${scope}:${row.id}`, row.name);
		baseline[SECTION_OF[scope]] = {default: value, except};
	}
	return {baseline, names};
}

/** A baseline as plain data (what `--json` prints; JSON is a baseline file too). */
export function baselineToJson(baseline: Baseline): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	if (baseline.policy) out.policy = baseline.policy;
	for (const name of Object.keys(SECTIONS) as SectionName[]) {
		const section = baseline[name];
		if (!section) continue;
		const json: Record<string, unknown> = {};
		if (section.default) json.default = section.default;
		if (section.except.length > 0) json.except = Object.fromEntries(section.except.map(rule => [rule.key, rule.value]));
		out[name] = json;
	}
	return out;
}

/**
 * A baseline as YAML, each except line with the row's name as a comment. `names` maps
 * `scope:id` to the row's name; `header` lines become comments at the top.
 */
export function baselineToYaml(baseline: Baseline, names: ReadonlyMap<string, string> = new Map(), header: readonly string[] = []): string {
	const lines = header.map(line => `# ${oneLine(line)}`);
	if (baseline.policy) lines.push(`policy: ${scalar(baseline.policy)}`);
	for (const name of Object.keys(SECTIONS) as SectionName[]) {
		const section = baseline[name];
		if (!section) continue;
		lines.push(`${name}:`);
		if (section.default) lines.push(`  default: ${section.default}${name === 'products' ? '    # every product not listed, including ones Microsoft adds later' : ''}`);
		if (section.except.length === 0) continue;
		lines.push('  except:');
		const keys = section.except.map(rule => `${scalar(rule.key)}: ${rule.value}`);
		const width = Math.max(...keys.map(key => key.length));
		section.except.forEach((rule, i) => {
			const label = names.get(`${SECTIONS[name]}:${rule.key}`);
			lines.push(`    ${label ? `${keys[i]!.padEnd(width)}  # ${oneLine(label)}` : keys[i]}`);
		});
	}
	return `${lines.join('\n')}\n`;
}

function scalar(text: string): string {
	return stringify(text).trimEnd();
}

function oneLine(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** "file:line: path: message", one line per problem. */
export function formatProblem(file: string, problem: BaselineProblem): string {
	const where = problem.line ? `${file}:${problem.line}` : file;
	return `${where}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
}

/** Problems in the order of the file's lines (those without a line last). */
export function sortProblems(problems: BaselineProblem[]): BaselineProblem[] {
	return problems.map((p, i) => ({p, i})).sort((a, b) => (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || a.i - b.i).map(({p}) => p);
}

function keysInOrder(doc: Document, path: readonly string[]): string[] {
	const node = doc.getIn(path, true);
	if (!isMap(node)) return [];
	return node.items.map(pair => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key)));
}

/** The line of a path's key (or of the nearest parent that exists). */
function lineOfPath(doc: Document, lineCounter: LineCounter, path: readonly string[]): number | undefined {
	let node: unknown = doc.contents;
	let line: number | undefined;
	for (const segment of path) {
		if (!isMap(node)) break;
		const pair = node.items.find(item => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === segment);
		if (!pair) break;
		const range = isScalar(pair.key) ? pair.key.range : undefined;
		if (range) line = lineCounter.linePos(range[0]).line;
		node = pair.value;
	}
	return line;
}
