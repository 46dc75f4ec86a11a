/**
 * mscommerce switches list|get|set, explain PRODUCT and login --graph (docs/switches.md): the
 * tenant-wide switches that decide, beside each product's value, who may buy or trial. `set`
 * confirms, writes and exits like `products set` (commands/rows.ts): a plan naming the tenant and
 * the account, a question on a terminal (--yes in scripts, refused without either), one change
 * set in the audit log, compare before write, and the same exit codes.
 */
import {checkAuditLog, startChangeSet} from '../commerce/audit.js';
import {countOutcomes, heldAfter, outcomeReason, type ApplyResult, type Change, type Outcome, type SwitchRow} from '../commerce/changes.js';
import {offerTypeRow, productRow} from '../commerce/client.js';
import {otherScopeId} from '../commerce/select.js';
import {sortRows} from '../commerce/sort.js';
import type {Row} from '../commerce/types.js';
import {parseSwitchValue, type SwitchValue} from '../commerce/values.js';
import {classify} from '../problems/classify.js';
import {GraphNotSignedInError, HttpError, UsageError} from '../problems/errors.js';
import {ExitCode, exitCodeFor} from '../problems/exitCodes.js';
import type {Problem} from '../problems/types.js';
import {definitionOf, GRAPH_OBJECTS, nearSwitchNames, SWITCH_NAMES, switchNamed, whoMayChange, type GraphObjectId, type SwitchDefinition, type SwitchName} from '../switches/definitions.js';
import {explain, type Explanation, type SwitchFact} from '../switches/explain.js';
import {openSwitches, readSwitch, readSwitches, switchRow, writeSwitches, type SwitchReading, type Switches} from '../switches/switches.js';
import {safeJson, safeText} from '../text/safe.js';
import {count, describeTenant} from '../words.js';
import {askYes, deviceCodeText} from './account.js';
import type {Context} from './context.js';
import {printList, printOne, toTable, type Column} from './output.js';
import {reportProblem} from './report.js';
import {finishWrite, outcomeJson as rowOutcomeJson, RESULT_TEXT, signedInAs, troubleParts, troublesIn, whereLine, type Writer} from './rows.js';

const opened = new WeakMap<Context, Switches>();

/** The run's Graph sign-in and client, made once (loaded only by these commands). */
export function switchesFor(ctx: Context): Switches {
	let switches = opened.get(ctx);
	if (!switches) {
		switches = openSwitches({
			settings: ctx.settings,
			net: ctx.net,
			licensing: ctx.auth,
			signal: ctx.signal,
			persist: ctx.options.persist,
			warn: ctx.note,
			slowDownStepMs: ctx.options.slowDownStepMs,
		});
		opened.set(ctx, switches);
	}
	return switches;
}

/** A person at a terminal, who can enter a device code. */
function interactive(ctx: Context): boolean {
	return Boolean(ctx.io.stdin.isTTY && ctx.io.stderr.isTTY);
}

/**
 * A Graph token for reading (or for changing `write`'s object) before anything else: a refused
 * --token, a missing consent or sign-in shows before any question. On a terminal, a missing Graph
 * sign-in is made at once with a device code (printed as `login` prints it); without one, the
 * problem says to run `mscommerce login --graph`.
 */
export async function ensureGraphToken(ctx: Context, switches: Switches, write?: GraphObjectId, options: {prompt?: boolean} = {}): Promise<void> {
	try {
		await switches.auth.token(write ? {write} : {});
	} catch (error) {
		// `prompt: false`: a fleet's tenants never ask.
		if (!(error instanceof GraphNotSignedInError) || options.prompt === false || !interactive(ctx)) throw error;
		ctx.note(`${error.message}: signing in to Microsoft Graph now (once: later runs sign in silently).`);
		await switches.auth.signInWithDeviceCode(prompt => ctx.io.stderr.write(deviceCodeText(prompt)), ctx.signal, write);
		await switches.auth.token(write ? {write} : {});
	}
}

/** A switch as the user named it; a name it does not know is one line with the nearest ones (exit 2, nothing sent). */
function switchOf(text: string): SwitchDefinition {
	const found = switchNamed(text);
	if (found) return found;
	const near = nearSwitchNames(text);
	throw new UsageError(`unknown switch "${text}"${near.length > 0 ? `: did you mean ${near.join(' or ')}?` : ''} (switches: ${SWITCH_NAMES.join(', ')})`);
}

function valueOf(text: string): SwitchValue {
	const value = parseSwitchValue(text);
	if (!value) throw new UsageError(`"${text}" is not a switch value: use on or off (true and false work too)`);
	return value;
}

/** `settings.isAppAndServicesTrialEnabled`: where a switch lives, for JSON and the detail. */
function whereIn(definition: SwitchDefinition): string {
	const object = GRAPH_OBJECTS[definition.object];
	return `${object.path} ${definition.property.join('.')}`;
}

// ---------------------------------------------------------------------------------------------
// switches list | get

type Listed = SwitchReading;

const valueText = (reading: Listed) => ('value' in reading ? reading.value : 'unknown');

const LIST_COLUMNS: Column<Listed>[] = [
	{header: 'Switch', value: r => r.definition.name},
	{header: 'Value', value: valueText},
	{header: 'What on allows', value: r => r.definition.allows, shrinkTo: 24},
	{header: 'Who may change it', value: r => whoMayChange(r.definition), shrinkTo: 18},
];

function readingJson(reading: Listed): Record<string, unknown> {
	const {definition} = reading;
	const object = GRAPH_OBJECTS[definition.object];
	return {
		name: definition.name,
		value: 'value' in reading ? reading.value : null,
		label: definition.label,
		allows: definition.allows,
		whoMayChange: whoMayChange(definition),
		graph: {path: object.path, property: definition.property.join('.'), beta: object.beta, readPermission: object.readPermission, writePermission: object.writePermission},
		...('problem' in reading ? {error: reading.problem} : {}),
	};
}

/** Each distinct problem once (two switches of one object share it), naming the switches it hides. */
function reportReadProblems(ctx: Context, readings: readonly Listed[]): Problem[] {
	const byTitle = new Map<string, {problem: Problem; names: string[]}>();
	for (const reading of readings) {
		if (!('problem' in reading)) continue;
		const seen = byTitle.get(reading.problem.title);
		if (seen) seen.names.push(reading.definition.name);
		else byTitle.set(reading.problem.title, {problem: reading.problem, names: [reading.definition.name]});
	}
	for (const {problem, names} of byTitle.values()) {
		ctx.io.stderr.write(`${names.join(', ')}: unknown\n`);
		reportProblem(ctx.io.stderr, problem);
	}
	return [...byTitle.values()].map(entry => entry.problem);
}

/** The exit code of a read where some switches may be unknown: 0 all read, 5 some, else the problem's own. */
function readCode(readings: readonly Listed[], problems: readonly Problem[]): number {
	const unknown = readings.filter(reading => 'problem' in reading).length;
	if (unknown === 0) return ExitCode.ok;
	if (unknown < readings.length) return ExitCode.partial;
	return exitCodeFor(problems[0]!);
}

/** `switches list`: every switch, its value, what `on` allows and who may change it. One object failing leaves the others (exit 5). */
export async function switchesList(ctx: Context): Promise<number> {
	const switches = switchesFor(ctx);
	await ensureGraphToken(ctx, switches);
	const readings = await readSwitches(switches.client);
	printList(ctx.io, ctx.settings.output, readings, LIST_COLUMNS, readingJson);
	return readCode(readings, reportReadProblems(ctx, readings));
}

/** `switches get NAME`. */
export async function switchesGet(ctx: Context, name: string): Promise<number> {
	const definition = switchOf(name);
	const switches = switchesFor(ctx);
	await ensureGraphToken(ctx, switches);
	const {value, correlationId} = await readSwitch(switches.client, definition.name);
	const reading: Listed = {definition, value, correlationId};
	printOne(ctx.io, ctx.settings.output, reading, [...LIST_COLUMNS.map(c => ({...c, shrinkTo: undefined})), {header: 'Where', value: r => whereIn(r.definition)}], readingJson);
	return ExitCode.ok;
}

// ---------------------------------------------------------------------------------------------
// switches set, and undo of a switch

export type SwitchSetOptions = {yes?: boolean; dryRun?: boolean};

/** `switches set NAME on|off`: checked (exit 2, nothing sent), read, planned, confirmed, written through the one engine. */
export async function switchesSet(ctx: Context, name: string, valueText: string | undefined, options: SwitchSetOptions): Promise<number> {
	const definition = switchOf(name);
	if (valueText === undefined) throw new UsageError(`the value is missing: mscommerce switches set ${definition.name} on|off`);
	const to = valueOf(valueText);
	const switches = switchesFor(ctx);
	await ensureGraphToken(ctx, switches, definition.object);
	const {value: from} = await readSwitch(switches.client, definition.name);
	if (from === to) {
		ctx.note(`already ${to}: ${definition.name} (${definition.label}); nothing sent.`);
		return ExitCode.ok;
	}
	return runSwitchPlan(ctx, switches, [{row: switchRow(definition, from), from, to}], {...options, source: 'switches set'});
}

type SwitchPlanOptions = SwitchSetOptions & {source: string; undoes?: string};

/** Who writes: the account (or app) of the Graph token, else the licensing sign-in's. */
async function writerOf(ctx: Context, switches: Switches): Promise<Writer> {
	const who = switches.auth.who;
	if (who && who.username !== 'unknown account') return {account: who.username, tenant: who.tenantId, ...(who.tenantName ? {tenantName: who.tenantName} : {})};
	return signedInAs(ctx);
}

const planColumns: Column<Change<SwitchRow>>[] = [
	{header: 'Switch', value: c => c.row.id},
	{header: 'From', value: c => c.from},
	{header: 'To', value: c => c.to},
	{header: 'What on allows', value: c => definitionOf(c.row.id as SwitchName).allows, shrinkTo: 20},
];

/**
 * Shows the plan (naming the tenant and the account), confirms it on a terminal or requires --yes,
 * and writes it as one change set: what `products set` does (commands/rows.ts, runPlan), for switches.
 */
export async function runSwitchPlan(ctx: Context, switches: Switches, changes: Change<SwitchRow>[], options: SwitchPlanOptions): Promise<number> {
	const {io} = ctx;
	const who = await writerOf(ctx, switches);
	ctx.note(`Plan for ${whereLine(who)}, tenant-wide switches (Microsoft Graph):`);
	if (options.dryRun) {
		printList(io, ctx.settings.output, changes, planColumns, c => ({name: c.row.id, label: c.row.name, from: c.from, to: c.to}));
		ctx.note(`Dry run: ${count(changes.length, 'switch', 'switches')} to change in ${whereLine(who)}, nothing written.`);
		return ExitCode.ok;
	}
	await checkAuditLog(ctx.settings.stateDir);
	if (!options.yes) {
		if (!(io.stdin.isTTY && io.stderr.isTTY)) {
			throw new UsageError(`refusing to change ${count(changes.length, 'switch', 'switches')} without confirmation: pass --yes (or --dry-run to see the plan)`);
		}
		io.stderr.write(toTable(changes, planColumns, (io.stderr as {columns?: number}).columns));
		io.stderr.write('A tenant-wide switch applies to every user of the tenant, from now on.\n');
		const ok = await askYes(io.stdin, io.stderr, `Change ${count(changes.length, 'switch', 'switches')} in ${whereLine(who)}? [y/N] `, false, ctx.signal);
		if (!ok) {
			ctx.note('Nothing changed.');
			return ExitCode.ok;
		}
	}
	const recorder = startChangeSet({stateDir: ctx.settings.stateDir, source: options.source, ...who, policyId: ctx.settings.policyId, undoes: options.undoes});
	const result = await writeSwitches(switches.client, changes, {journal: recorder, stop: ctx.signal});
	return reportSwitchOutcomes(ctx, result, recorder.id, who);
}

/** A plan only holds switches that differ: found at the value wanted right before the write, someone else set it. */
const CHANGED_ELSEWHERE = 'already there: changed elsewhere (nothing sent)';

/** A switch's result as `--json` gives it: a row's (rows.ts), named by the switch's name and label. */
function outcomeJson(o: Outcome<SwitchRow>): Record<string, unknown> {
	const {id, name, ...rest} = rowOutcomeJson(o);
	return {name: id, label: name, ...rest, ...(o.kind === 'already' ? {reason: `someone else changed it to ${o.row.value} since you confirmed; nothing sent`} : {})};
}

/** The result table, each problem, a summary naming the tenant, and the exit code (as products set). */
function reportSwitchOutcomes(ctx: Context, result: ApplyResult<SwitchRow>, changeSetId: string, who: Writer): number {
	const {outcomes} = result;
	const columns: Column<Outcome<SwitchRow>>[] = [
		{header: 'Switch', value: o => o.change.row.id},
		{header: 'From', value: o => o.change.from},
		{header: 'Now', value: o => heldAfter(o) ?? '?'},
		{header: 'Result', value: o => (o.kind === 'already' ? CHANGED_ELSEWHERE : (RESULT_TEXT[o.kind] ?? `failed: ${(o as Extract<Outcome<SwitchRow>, {kind: 'failed'}>).problem.title}`)), shrinkTo: 24},
	];
	printList(ctx.io, ctx.settings.output, outcomes, columns, o => ({...outcomeJson(o), tenant: who.tenant, changeSetId}));
	for (const outcome of outcomes) {
		// A switch has two values: a change by someone else since the plan can only be to the value wanted.
		if (outcome.kind === 'already') ctx.note(`${outcome.change.row.id}: someone else changed it to ${outcome.row.value} since you confirmed (it was ${outcome.change.from}); nothing sent.`);
		if (outcome.kind === 'conflict' || outcome.kind === 'gone') ctx.note(`${outcome.change.row.id} (${outcome.change.row.name}): ${outcomeReason(outcome)}`);
		if (outcome.kind !== 'failed' && outcome.kind !== 'unknown') continue;
		ctx.io.stderr.write(safeText(`${outcome.change.row.id}: `));
		reportProblem(ctx.io.stderr, outcome.problem);
	}
	const counts = countOutcomes(outcomes);
	const troubles = troublesIn(counts);
	if (troubles === 0 && counts.changed === 0) {
		ctx.note(`Nothing changed in ${whereLine(who)}: someone else made the change first.`);
	} else if (troubles === 0) {
		ctx.note(`Changed ${count(counts.changed, 'switch', 'switches')} in ${whereLine(who)}${counts.already ? ` (${counts.already} changed elsewhere first)` : ''}.`);
	} else {
		const skipped = `${counts.conflict + counts.gone} skipped (changed by someone else since you confirmed)`;
		ctx.note(`${result.interrupted ? 'Interrupted' : 'Partly done'} in ${whereLine(who)}: ${[`${counts.changed} changed`, ...troubleParts(counts, skipped)].join(', ')}.`);
	}
	return finishWrite(ctx, result, changeSetId, {rowNotes: false});
}

/** A switch a change set wrote, for undo (commands/history.ts). */
export type WrittenSwitch = {id: string; name: string; from: SwitchValue; to: SwitchValue; status: string};

/**
 * `undo` of the switches of a change set: each is put back only while it still holds what the
 * change set left (someone's change since is left alone, and said), through the same path as
 * `switches set`. Exit 5 when a switch was left alone.
 */
export async function undoSwitches(ctx: Context, written: readonly WrittenSwitch[], options: SwitchPlanOptions & {undoes: string}): Promise<number> {
	// The one undo planning (commands/baseline.ts, planSwitchUndo: the undo rule, a read of what Graph holds now).
	const {switches, changes, leftAlone} = await (await import('./baseline.js')).planSwitchUndo(ctx, written);
	if (changes.length === 0) {
		ctx.note('Nothing to change.');
		return leftAlone > 0 ? ExitCode.partial : ExitCode.ok;
	}
	const code = await runSwitchPlan(ctx, switches, changes, options);
	return leftAlone > 0 && code === ExitCode.ok && !options.dryRun ? ExitCode.partial : code;
}

// ---------------------------------------------------------------------------------------------
// explain PRODUCT

/**
 * The product a user named, as `products get` resolves an ID (former IDs too); a name (any case)
 * when it is not an ID: an exact name, else the one product whose name contains it.
 */
async function productNamed(ctx: Context, text: string): Promise<Row> {
	const {client, settings} = ctx;
	const other = otherScopeId(text, 'product');
	if (/^[A-Za-z0-9]{12}$/.test(text.trim())) {
		try {
			const {data} = await client.getProduct(settings.policyId, text.trim());
			if (data.productId.toUpperCase() !== text.trim().toUpperCase()) ctx.note(`note: ${text} is the former ID of ${data.productName}; its current ID is ${data.productId}`);
			return productRow(data);
		} catch (error) {
			if (!(error instanceof HttpError && error.status === 404)) throw error;
		}
	}
	if (other !== undefined) {
		const {data} = await client.getOfferType(settings.policyId, other);
		const row = offerTypeRow(data);
		throw new UsageError(`${row.id} is an offer type (${row.name}): explain takes a product (see \`mscommerce offer-types get ${row.id}\`)`);
	}
	const rows = sortRows((await client.listProducts(settings.policyId)).data.map(productRow));
	const wanted = text.trim().toLowerCase();
	const exact = rows.filter(row => row.name.toLowerCase() === wanted);
	const found = exact.length > 0 ? exact : rows.filter(row => row.name.toLowerCase().includes(wanted));
	if (found.length === 1) return found[0]!;
	if (found.length === 0) throw new UsageError(`no product ID or name matches "${text}"`, ['List them with `mscommerce products list`.']);
	const shown = found.slice(0, 8).map(row => `${row.name} (${row.id})`).join(', ');
	throw new UsageError(`"${text}" matches ${found.length} products: ${shown}${found.length > 8 ? ', …' : ''}; give its ID`);
}

/** What explain prints as JSON. */
function explanationJson(row: Row, explanation: Explanation, facts: Partial<Record<SwitchName, SwitchFact>>, problems: readonly Problem[]): Record<string, unknown> {
	return {
		product: {productId: row.id, productName: row.name, policyValue: row.value},
		verdict: explanation.verdict,
		answer: explanation.sentence,
		notes: explanation.notes,
		notCovered: explanation.notCovered,
		basis: explanation.basis,
		source: explanation.source,
		switches: Object.fromEntries(SWITCH_NAMES.map(name => {
			const fact = facts[name];
			return [name, typeof fact === 'string' ? fact : null];
		})),
		errors: problems,
	};
}

/**
 * `explain PRODUCT`: who can buy or trial it, from its value and the switches (switches/explain.ts).
 * When Graph cannot be read the answer still comes from the product's value, says that the
 * switches could not be read and why, and the exit code is 5.
 */
export async function explainCommand(ctx: Context, text: string): Promise<number> {
	const row = await productNamed(ctx, text);
	const facts: Partial<Record<SwitchName, SwitchFact>> = {};
	const problems: Problem[] = [];
	try {
		const switches = switchesFor(ctx);
		await ensureGraphToken(ctx, switches);
		for (const reading of await readSwitches(switches.client)) {
			if ('value' in reading) facts[reading.definition.name] = reading.value;
			else {
				facts[reading.definition.name] = {unknown: `${reading.definition.name} could not be read (${lowerFirst(reading.problem.title)})`};
				if (!problems.some(p => p.title === reading.problem.title)) problems.push(reading.problem);
			}
		}
	} catch (error) {
		const problem = classify(error);
		problems.push(problem);
		for (const name of SWITCH_NAMES) facts[name] = {unknown: `the tenant-wide switches could not be read (${lowerFirst(problem.title)})`};
	}
	const explanation = explain({product: {id: row.id, name: row.name, value: row.value}, switches: facts});
	const format = ctx.settings.output;
	if (format === 'json') ctx.io.stdout.write(`${safeJson(explanationJson(row, explanation, facts, problems), 2)}\n`);
	else if (format === 'csv') {
		printList(ctx.io, 'csv', [explanation], [
			{header: 'Product', value: () => row.name},
			{header: 'ID', value: () => row.id},
			{header: 'Value', value: () => row.value},
			{header: 'Verdict', value: e => e.verdict},
			{header: 'Answer', value: e => e.sentence},
			{header: 'Basis', value: e => e.basis},
		]);
	} else {
		const lines = [
			`${row.name} (${row.id}): ${explanation.sentence}.`,
			...explanation.notes.map(note => `- ${note}`),
			`Not covered: ${explanation.notCovered.join(' ')}`,
			`Basis: ${explanation.basis}, from ${explanation.source} (docs/switches.md).`,
		];
		ctx.io.stdout.write(`${lines.map(safeText).join('\n')}\n`);
	}
	for (const problem of problems) reportProblem(ctx.io.stderr, problem);
	const unknown = SWITCH_NAMES.some(name => typeof facts[name] !== 'string');
	return unknown ? ExitCode.partial : ExitCode.ok;
}

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}

// ---------------------------------------------------------------------------------------------
// login --graph

/** `login --graph`: the device code for Microsoft Graph's client, printed as `login` prints its own. */
export async function loginGraph(ctx: Context): Promise<number> {
	const switches = switchesFor(ctx);
	const signedIn = await switches.auth.signInWithDeviceCode(prompt => ctx.io.stderr.write(deviceCodeText(prompt)), ctx.signal);
	ctx.io.stderr.write(`${safeText(`Signed in to Microsoft Graph as ${signedIn.username} (tenant ${describeTenant(signedIn)}), for reading the tenant-wide switches.`)}\n`);
	ctx.note('Changing a switch asks for its write permission when it happens (mscommerce switches set).');
	return ExitCode.ok;
}
