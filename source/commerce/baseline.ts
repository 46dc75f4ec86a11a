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
 * switches:                    # the tenant-wide switches in Microsoft Graph (docs/switches.md)
 *   trialsOnBehalfOfOrg: off   # on / off, true / false (a YAML boolean too); a switch not listed is not managed
 * ```
 *
 * YAML (JSON is YAML too), parsed by `yaml` and validated by a zod schema. Every problem is
 * reported with its path (`products.except.CFQ7TTC0H9MP: …`) and line, all at once, before any
 * write. Checking happens in two steps: the file alone (syntax, keys, values, policy), before any
 * request; then against the tenant's lists (unknown IDs, values a row cannot take).
 *
 * The file is outside input, so everything has a limit (BASELINE_LIMITS) and every step is linear
 * in the file's size: a hostile file costs a moment and gets a usage error, never a hang.
 */
import {stringify, type Document} from 'yaml';
import {NEVER, record as zRecord, strictObject, string as zString, unknown as zUnknown} from 'zod';
import {clip, keysInOrder, readYamlDocument, sortProblems, YAML_LIMITS, type FileProblem, type FileWords, type YamlRead} from '../files/yaml.js';
import {isUnsafe, safeText} from '../text/safe.js';
import type {Problem} from '../problems/types.js';
// The switches' names and labels only (a table, no Graph code): the file names them as the CLI does.
import {definitionOf, nearSwitchNames, SWITCH_NAMES, switchNamed, type SwitchName} from '../switches/definitions.js';
import {productForFormerId} from './catalog.js';
import {planChanges, type Change, type Plan, type SwitchRow} from './changes.js';
import type {PolicyValue, Row, Scope} from './types.js';
import {checkValue, parseSwitchValue, parseValue, type SwitchValue} from './values.js';

/** What a baseline file may be: the limits of every YAML file read from outside (files/yaml.ts). */
export const BASELINE_LIMITS = YAML_LIMITS;

const WORDS: FileWords = {
	noun: 'a baseline',
	depth: 'a baseline needs 4 (the file, products, except, a value)',
	entries: 'a baseline lists only the rows that differ from its default',
};

export {formatProblem, sortProblems} from '../files/yaml.js';

/** The file's section names, and the scope each governs. */
export const SECTIONS = {products: 'product', offerTypes: 'offerType'} as const satisfies Record<string, Scope>;
export type SectionName = keyof typeof SECTIONS;
const SECTION_OF: Record<Scope, SectionName> = {product: 'products', offerType: 'offerTypes'};
const NOUN: Record<Scope, string> = {product: 'product', offerType: 'offer type'};

export type BaselineRule = {key: string; value: PolicyValue};
export type BaselineSection = {default?: PolicyValue; except: BaselineRule[]};
/** A tenant-wide switch the baseline wants at a value: the key as written (any case), the switch it names. */
export type BaselineSwitch = {key: string; name: SwitchName; value: SwitchValue};
/**
 * What a baseline file says. `switches`: the tenant-wide switches it manages, in the file's order
 * (a switch not listed is not managed; undefined or empty: the baseline needs no Microsoft Graph).
 */
export type Baseline = {policy?: string; products?: BaselineSection; offerTypes?: BaselineSection; switches?: BaselineSwitch[]};

export type BaselineProblem = FileProblem;

export type ParsedBaseline = {
	/**
	 * What the file says, leaving out the parts with problems (so the rest can still be checked
	 * against the tenant and every problem reported at once). Undefined when the file is not a
	 * baseline at all (broken YAML, empty, not a mapping). Use it to write only when `problems` is empty.
	 */
	baseline?: Baseline;
	problems: BaselineProblem[];
	/** The line a path is on (for problems found later, against the tenant). */
	lineOf: YamlRead['lineOf'];
};

const VALUE_WORDS = 'Enabled, Disabled or OnlyTrialsWithoutPaymentMethod';

function describe(input: unknown): string {
	if (input === null || input === undefined) return 'nothing';
	if (Array.isArray(input)) return 'a list';
	if (typeof input === 'object') return 'a mapping';
	return `"${clip(String(input))}"`;
}

/** A value as a person may spell it (values.ts: case-insensitive, true/false as the module's -Enabled). */
function valueSchema(scope: Scope) {
	return zUnknown().transform((input, ctx) => {
		const value = typeof input === 'string' || typeof input === 'boolean' ? parseValue(String(input)) : undefined;
		if (!value) {
			ctx.addIssue({code: 'custom', message: `${describe(input)} is not a value: use ${scope === 'offerType' ? 'Enabled or Disabled' : VALUE_WORDS}`});
			return NEVER;
		}
		if (scope === 'offerType' && value === 'OnlyTrialsWithoutPaymentMethod') {
			ctx.addIssue({code: 'custom', message: `${value} is not allowed for offer types: use Enabled or Disabled`});
			return NEVER;
		}
		return value;
	});
}

function sectionSchema(scope: Scope) {
	return strictObject({
		default: valueSchema(scope).optional(),
		// `except:` with nothing under it is an empty list, not a mistake.
		except: zRecord(zString(), valueSchema(scope)).nullish(),
	});
}

const baselineSchema = strictObject({
	policy: zString().optional(),
	// `products:` with nothing under it governs nothing, like leaving it out.
	products: sectionSchema('product').nullish(),
	offerTypes: sectionSchema('offerType').nullish(),
	// Checked by checkSwitches: its keys are switch names in any case, with "did you mean".
	switches: zUnknown().optional(),
});

const KEYS_AT: Record<string, string[]> = {
	'': ['policy', 'products', 'offerTypes', 'switches'],
	products: ['default', 'except'],
	offerTypes: ['default', 'except'],
};

const TYPE_AT: Record<string, string> = {
	'': 'the file must be a mapping with policy, products, offerTypes and/or switches',
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
	const read = readYamlDocument(text, WORDS);
	const {lineOf, doc, data} = read;
	if (!doc || read.problems.length > 0) return {problems: read.problems, lineOf};
	const problems: BaselineProblem[] = [];
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
	const switches = checkSwitches(data.switches, doc, lineOf);
	problems.push(...switches.problems);
	const baseline = goodParts(data, doc, new Set(problems.map(p => p.path)));
	if (switches.switches) baseline.switches = switches.switches;
	const governs = (s?: BaselineSection) => s !== undefined && (s.default !== undefined || s.except.length > 0);
	if (problems.length === 0 && !governs(baseline.products) && !governs(baseline.offerTypes) && !baseline.switches?.length) {
		problems.push({path: '', message: 'the baseline governs nothing: give products and/or offerTypes a default or an except list, or list switches'});
	}
	return {baseline, problems: sortProblems(problems), lineOf};
}

const SWITCH_LIST = `switches: ${SWITCH_NAMES.join(', ')}`;
const SWITCH_VALUE_WORDS = 'use on or off (true and false work too)';

/**
 * The `switches:` section: a mapping of switch names (any case, as the CLI takes them) to on / off
 * (true / false, as words or YAML booleans: `false` unquoted is one). An unknown name gets the
 * nearest ones, a bad value the words to use, and two keys naming one switch (`emailSignUp` and
 * `EmailSignUp`) a problem on the second; each with its line. Linear in the section's size.
 */
function checkSwitches(raw: unknown, doc: Document, lineOf: ParsedBaseline['lineOf']): {switches?: BaselineSwitch[]; problems: BaselineProblem[]} {
	// `switches:` with nothing under it manages nothing, like leaving it out.
	if (raw === undefined || raw === null) return {problems: []};
	if (!isRecord(raw)) {
		return {problems: [{path: 'switches', line: lineOf(['switches']), message: `expected a mapping of switch names to on or off (${SWITCH_LIST})`}]};
	}
	const problems: BaselineProblem[] = [];
	const switches: BaselineSwitch[] = [];
	const named = new Map<SwitchName, string>();
	// In the file's order (JavaScript objects put number-like keys first).
	const order = new Map(keysInOrder(doc, ['switches']).map((key, i) => [key, i]));
	const entries = Object.entries(raw).sort(([a], [b]) => (order.get(a) ?? order.size) - (order.get(b) ?? order.size));
	for (const [key, input] of entries) {
		const path = ['switches', key];
		const at = {path: path.join('.'), line: lineOf(path)};
		const definition = switchNamed(key);
		if (!definition) {
			const near = nearSwitchNames(key);
			problems.push({...at, message: `unknown switch${near.length > 0 ? `: did you mean ${near.join(' or ')}?` : ''} (${SWITCH_LIST})`});
			continue;
		}
		const earlier = named.get(definition.name);
		if (earlier !== undefined) {
			problems.push({...at, message: `names the same switch as switches.${earlier} (${definition.name})`});
			continue;
		}
		named.set(definition.name, key);
		const value = typeof input === 'string' || typeof input === 'boolean' ? parseSwitchValue(String(input)) : undefined;
		if (!value) {
			problems.push({...at, message: `${describe(input)} is not a switch value: ${SWITCH_VALUE_WORDS}`});
			continue;
		}
		switches.push({key, name: definition.name, value});
	}
	return {switches, problems};
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
			// In the file's order (JavaScript objects put number-like keys first). A map, not
			// indexOf: a position per key is looked up n log n times while sorting.
			const order = new Map(keysInOrder(doc, [name, 'except']).map((key, i) => [key, i]));
			for (const [key, input] of Object.entries(raw.except)) {
				const value = valueAt(`${name}.except.${key}`, input);
				if (value) section.except.push({key, value});
			}
			const position = (key: string) => order.get(key) ?? order.size;
			section.except.sort((a, b) => position(a.key) - position(b.key));
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

/** A tenant-wide switch as Microsoft Graph holds it now, or why it could not be read. */
export type SwitchState = {value: SwitchValue} | {problem: Problem};

/** A switch the baseline manages: its name and label, the value wanted, and the rule (`switches.KEY` as written). */
export type SwitchWanted = {name: SwitchName; label: string; to: SwitchValue; rule: string};

export type SwitchComparison = {
	/** What apply writes: the switches that differ, each from the value read now (the write engine compares again before writing). */
	changes: Change<SwitchRow>[];
	drift: Array<SwitchWanted & {current: SwitchValue}>;
	/** Switches the baseline manages that already hold the wanted value. */
	inSync: number;
	/** Switches the baseline manages that could not be read (no Graph sign-in, a 403, the beta missing): not checked. */
	unknown: Array<SwitchWanted & {problem: Problem}>;
};

/** The drift of the switches a baseline manages, in the file's order: only switches that differ are ever written. */
export function compareSwitches(wanted: readonly BaselineSwitch[], current: (name: SwitchName) => SwitchState): SwitchComparison {
	const comparison: SwitchComparison = {changes: [], drift: [], inSync: 0, unknown: []};
	for (const {key, name, value: to} of wanted) {
		const item: SwitchWanted = {name, label: definitionOf(name).label, to, rule: `switches.${key}`};
		const state = current(name);
		if ('problem' in state) comparison.unknown.push({...item, problem: state.problem});
		else if (state.value === to) comparison.inSync += 1;
		else {
			comparison.drift.push({...item, current: state.value});
			comparison.changes.push({row: {scope: 'switch', id: name, name: item.label, value: state.value}, from: state.value, to});
		}
	}
	return comparison;
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

/** An ID export cannot write so that its own parser reads it back, and why. */
export type UnwritableId = {scope: Scope; id: string; name: string; reason: string};

/**
 * Today's state as a baseline: the most common value is the default, the rest are listed. The
 * service's IDs are outside text: an except ID a baseline cannot carry (see idProblem) is
 * returned in `unwritable`, and export writes nothing while there is one.
 */
export function baselineFromRows(policyId: string, lists: Partial<Record<Scope, readonly Row[]>>): {baseline: Baseline; names: Map<string, string>; unwritable: UnwritableId[]} {
	const baseline: Baseline = {policy: policyId};
	const names = new Map<string, string>();
	const unwritable: UnwritableId[] = [];
	for (const scope of ['product', 'offerType'] as const) {
		const rows = lists[scope];
		const value = rows ? mostCommonValue(rows) : undefined;
		if (!rows || !value) continue;
		const listed = rows.filter(row => row.value !== value);
		// plan finds a row by its ID without case: two IDs that differ only in case are one to it.
		const sameId = new Map<string, number>();
		for (const row of rows) sameId.set(row.id.toUpperCase(), (sameId.get(row.id.toUpperCase()) ?? 0) + 1);
		for (const row of listed) {
			const reason = idProblem(row.id) ?? (sameId.get(row.id.toUpperCase())! > 1 ? 'another ID differs from it only in case' : undefined);
			if (reason) unwritable.push({scope, id: row.id, name: row.name, reason});
		}
		for (const row of rows) names.set(`${scope}:${row.id}`, row.name);
		baseline[SECTION_OF[scope]] = {default: value, except: listed.map(row => ({key: row.id, value: row.value}))};
	}
	return {baseline, names, unwritable};
}

/** Why an ID cannot be a key of a baseline file that reads back as the same ID; undefined when it can. */
function idProblem(id: string): string | undefined {
	if (id === '') return 'it is empty';
	// Quoting could carry these, but no real ID holds them: they mean a damaged or hostile list,
	// and a file holding them is one a person cannot read or edit safely.
	if (isUnsafe(id)) return 'it holds a control character or line break';
	if (id.trim() !== id) return 'it starts or ends with white space';
	if (scalar(id).length > BASELINE_LIMITS.keyChars) return `it is longer than the ${BASELINE_LIMITS.keyChars} characters a YAML key may have`;
	return undefined;
}

/**
 * Why `text` (an exported baseline, YAML or JSON) would not read back as `baseline` through
 * parseBaseline; undefined when it does. Export's last check: it never writes a file its own
 * plan reads differently or rejects.
 */
export function readsBack(baseline: Baseline, text: string): string | undefined {
	const parsed = parseBaseline(text);
	// Only a difference counts: a tenant with no rows exports a baseline that governs nothing, as it should.
	if (parsed.baseline && JSON.stringify(baselineToJson(parsed.baseline)) === JSON.stringify(baselineToJson(baseline))) return undefined;
	const first = parsed.problems[0];
	return first ? `${first.line ? `line ${first.line}: ` : ''}${first.path ? `${first.path}: ` : ''}${first.message}` : 'it reads back as a different baseline';
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
	if (baseline.switches) out.switches = Object.fromEntries(baseline.switches.map(s => [s.name, s.value]));
	return out;
}

/**
 * A baseline as YAML, each except line with the row's name as a comment (and each switch with its
 * label). `names` maps `scope:id` to the row's name; `header` lines become comments at the top.
 */
export function baselineToYaml(baseline: Baseline, names: ReadonlyMap<string, string> = new Map(), header: readonly string[] = []): string {
	// Names and the header (tenant, account) are outside text: safeText keeps each on its comment's
	// line (a YAML 1.1 reader also breaks lines at U+0085, U+2028 and U+2029).
	const lines = header.map(line => `# ${safeText(line)}`);
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
			lines.push(`    ${label ? `${keys[i]!.padEnd(width)}  # ${safeText(label)}` : keys[i]}`);
		});
	}
	if (baseline.switches) {
		// Switch names are the program's own (definitions.ts): plain keys, no quoting needed.
		lines.push(baseline.switches.length > 0 ? 'switches:' : 'switches: {}');
		const keys = baseline.switches.map(s => `${s.name}: ${s.value}`);
		const width = Math.max(0, ...keys.map(key => key.length));
		baseline.switches.forEach((s, i) => lines.push(`  ${keys[i]!.padEnd(width)}  # ${definitionOf(s.name).label}`));
	}
	return `${lines.join('\n')}\n`;
}

/** A string as one YAML scalar on one line (lineWidth 0: yaml folds long strings over lines, which a key cannot be). */
function scalar(text: string): string {
	return stringify(text, {lineWidth: 0}).trimEnd();
}
