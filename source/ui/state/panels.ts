/**
 * The words of every panel at a width, worked out before anything is drawn: the header, the
 * confirmation, the problem panel, the detail panel and the help. Layout (layout.ts) decides how
 * many of these lines fit; components only draw them. What explains is wrapped, never cut: the
 * tenant, where a write goes, a change's target value, a problem's hints, a help line.
 */
import {knownProduct} from '../../commerce/catalog.js';
import {POLICY_VALUES, type Policy, type PolicyValue, type Row} from '../../commerce/types.js';
import {valuesFor, type SwitchValue} from '../../commerce/values.js';
import type {Explanation} from '../../switches/explain.js';
import {describeTenant} from '../../words.js';
import type {AccountSummary, SwitchReading} from '../backend.js';
import {helpSections, type View} from '../keys.js';
import {displayWidth, truncate, wrap} from '../text.js';
import {SEED_NOTE, summarisePlan, type Change, type ChangePlan} from './changes.js';
import type {FailedMark, ShownProblem, Tab} from './dashboard.js';
import {switchPlanTitle, switchValueText, type SwitchFailure, type SwitchPlan} from './switches.js';
import {dashboardWords, fullValue, valueLabel} from './words.js';

/** Columns a bordered, padded panel takes from the width. */
export const FRAME = 4;

export const HEADER_PREFIX = 'mscommerce  ';

export type HeaderText = {
	/** Who and which tenant: one line after "mscommerce", or the tenant then "as user" on lines of their own. */
	who: string[];
	policy: string;
	counts: Array<{value: PolicyValue; label: string; count: number}>;
	/** The counts fit beside the policy; else they open the description's line. */
	countsBeside: boolean;
	description: string[];
};

export type HeaderInput = {
	account: AccountSummary;
	policyId: string;
	policy: Policy | undefined;
	counts: Record<PolicyValue, number>;
	scope: Tab;
	loading: boolean;
	width: number;
	/** Lines the description may take (1, or 2 on a tall terminal). */
	descriptionLines: number;
};

export function headerText({account, policyId, policy, counts, scope, loading, width, descriptionLines}: HeaderInput): HeaderText {
	const tenant = describeTenant(account);
	const room = Math.max(1, width - HEADER_PREFIX.length);
	const oneLine = `${account.username} · ${tenant}`;
	// Too long for one line: the tenant (wrapped, the lines after the first using the full width), then the account.
	const [tenantFirst = '', ...rest] = wrap(tenant, room);
	const more = rest.length > 0 ? wrap(rest.join(' '), width).slice(0, 2) : [];
	const who = displayWidth(oneLine) <= room ? [truncate(oneLine, room)] : [tenantFirst, ...more, truncate(`as ${account.username}`, width)];
	if (scope === 'switches') {
		// The tenant-wide switches are no policy of the licensing service: what they are, in its place.
		const said = "Who may buy or trial, beside each product's value: settings of the whole tenant.";
		const wrapped = wrap(said, width);
		const description = wrapped.length <= 1 || descriptionLines <= 1 ? [truncate(said, width)] : [wrapped[0] ?? '', truncate(wrapped.slice(1).join(' '), width)];
		return {who, policy: truncate('Tenant-wide switches · Microsoft Graph', width), counts: [], countsBeside: true, description};
	}
	const policyText = truncate(`${policy?.id ?? policyId} · default ${policy ? valueLabel(policy.defaultValue) : '…'}`, width);
	// Offer types never take Trials only: counting them at 0 would only suggest they could.
	const values = POLICY_VALUES.filter(value => scope === 'product' || value !== 'OnlyTrialsWithoutPaymentMethod');
	const countList = values.map(value => ({value, label: valueLabel(value), count: counts[value]}));
	const countText = countList.map(item => `${item.label} ${item.count}`).join(' · ');
	const countsBeside = displayWidth(policyText) + 3 + countText.length <= width;
	const said = policy?.description ?? (loading ? 'Loading the policy…' : 'The policy is not loaded: r tries again');
	const first = countsBeside ? width : Math.max(0, width - countText.length - 3);
	const wrapped = wrap(said, first);
	const description = wrapped.length <= 1 || descriptionLines <= 1 ? [truncate(said, first)] : [wrapped[0] ?? '', truncate(wrapped.slice(1).join(' '), width)];
	return {who, policy: policyText, counts: countList, countsBeside, description};
}

export type DialogText = {
	title: string;
	/** The tenant and account it writes to: wrapped, never cut. */
	where: string[];
	/** One line per change; "from → to" alone for a single row. */
	changes: string[];
	notes: string[];
	seed: string[];
};

/** A change as the confirmation lists it: the name gives way first, so the target value always shows. */
export function changeLine(change: Change, inner: number): string {
	const suffix = `: ${valueLabel(change.from)} → ${valueLabel(change.to)}`;
	const id = ` (${change.row.id})`;
	const room = inner - 2 - displayWidth(suffix) - id.length;
	if (room >= 6) return `  ${truncate(change.row.name, room)}${id}${suffix}`;
	const bare = inner - 2 - displayWidth(suffix);
	if (bare >= 4) return `  ${truncate(change.row.name, bare)}${suffix}`;
	return truncate(`  ${valueLabel(change.from)} → ${valueLabel(change.to)} ${change.row.name}`, inner);
}

/** A tenant switch's change as the confirmation lists it: "trialsOnBehalfOfOrg: on → off". */
function switchChangeLine(change: Change<{scope: 'switch'; id: string; name: string; value: SwitchValue}>, inner: number, single: boolean): string {
	const move = `${change.from} → ${change.to}`;
	return truncate(single ? move : `  ${change.row.id}: ${move}`, inner);
}

/** The words of a switch's confirmation: what changes, the tenant and account Microsoft Graph writes as, and that it is tenant-wide. */
export function switchDialogText(plan: SwitchPlan, width: number, where: string): DialogText {
	const inner = Math.max(10, width - FRAME);
	const single = plan.changes.length === 1 && plan.kind !== 'undo' && plan.kind !== 'retry';
	const notes: string[] = [];
	if (plan.leftAlone.length > 0) notes.push(truncate(`${plan.leftAlone.length} changed since, left alone`, inner));
	return {
		title: truncate(switchPlanTitle(plan), inner),
		where: wrap(`In tenant ${where}`, inner),
		changes: plan.changes.map(change => switchChangeLine(change, inner, single)),
		notes,
		seed: wrap('A tenant-wide switch: it applies to every user of the tenant, from now on.', inner),
	};
}

export function dialogText(plan: ChangePlan, width: number, where: string): DialogText {
	const inner = Math.max(10, width - FRAME);
	const summary = summarisePlan(plan);
	const single = plan.changes.length === 1 && !plan.fromMarks && plan.kind !== 'undo' && plan.kind !== 'retry';
	const changes = single
		? plan.changes.map(change => truncate(`${valueLabel(change.from)} → ${valueLabel(change.to)}`, inner))
		: plan.changes.map(change => changeLine(change, inner));
	return {
		title: truncate(summary.title, inner),
		where: wrap(`In tenant ${where}`, inner),
		changes,
		notes: summary.notes.map(note => truncate(dashboardWords(note), inner)),
		seed: wrap(SEED_NOTE, inner),
	};
}

export type ProblemLine = {text: string; kind: 'title' | 'context' | 'detail' | 'hint' | 'correlation'};

/** A problem's detail without its correlation ID: the panel gives that its own line. */
function withoutCorrelation(detail: string, id: string | undefined): string {
	if (!id || !detail.includes(id)) return detail;
	const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return detail
		.replace(new RegExp(`[\\s,;(]*(correlation[ _-]?id[:=]?\\s*)?${escaped}\\)?`, 'gi'), '')
		.replace(/\s+/g, ' ')
		.replace(/[\s.,;:]+$/, '')
		.trim();
}

/**
 * Every line of a problem at a width: the title (with "2 of 3 ([ ])" when paging), the row it
 * was about, the detail (two lines at most), the hints wrapped in full, and the correlation ID
 * last, said once.
 */
export function problemLines({problem, context}: ShownProblem, width: number, paging?: {at: number; of: number}): ProblemLine[] {
	const inner = Math.max(10, width - FRAME);
	const page = paging ? `${paging.at} of ${paging.of} ([ ]) · ` : '';
	const lines: ProblemLine[] = [{text: truncate(`${page}${dashboardWords(problem.title)}`, inner), kind: 'title'}];
	if (context) for (const text of wrap(dashboardWords(context), inner).slice(0, 2)) lines.push({text, kind: 'context'});
	const detail = problem.detail ? withoutCorrelation(dashboardWords(problem.detail), problem.correlationId) : '';
	if (detail && detail !== problem.title) for (const text of wrap(detail, inner).slice(0, 2)) lines.push({text, kind: 'detail'});
	for (const hint of problem.hints) {
		for (const [index, text] of wrap(dashboardWords(hint), inner - 2).entries()) lines.push({text: `${index === 0 ? '→' : ' '} ${text}`, kind: 'hint'});
	}
	if (problem.correlationId) lines.push({text: truncate(`Correlation ID: ${problem.correlationId}`, inner), kind: 'correlation'});
	return lines;
}

/** At most `max` of a problem's lines: from the top, but the correlation ID is always kept. */
export function fitProblem(lines: readonly ProblemLine[], max: number): ProblemLine[] {
	if (lines.length <= max) return [...lines];
	const last = lines.at(-1);
	const correlation = last?.kind === 'correlation' ? last : undefined;
	const kept = lines.slice(0, Math.max(1, max - (correlation ? 1 : 0)));
	if (correlation && max > 1) kept.push(correlation);
	return kept;
}

export type Field = {Field: string; Value: string};

/**
 * The selected row's facts, with the service's full name for its value, and its last failure where
 * it has one; `explaining` (a product's "Can users still get it?") after those, `trailing` last.
 */
export function detailFields(row: Row, saving: PolicyValue | undefined, failed?: FailedMark, explaining: readonly Field[] = [], trailing: readonly Field[] = []): Field[] {
	const fields: Field[] = [
		{Field: 'Name', Value: row.name},
		{Field: 'ID', Value: row.id},
		{Field: 'Value', Value: saving ? `${fullValue(row.value)} (saving ${valueLabel(saving)}…)` : fullValue(row.value)},
		{Field: 'Can be set to', Value: valuesFor(row).map(valueLabel).join(', ')},
	];
	if (failed) {
		fields.push({
			Field: failed.unknown ? 'Last write' : 'Last write failed',
			Value: `${valueLabel(failed.change.from)} → ${valueLabel(failed.change.to)}: ${dashboardWords(failed.problem.title)}`,
		});
		if (failed.problem.correlationId) fields.push({Field: 'Correlation ID', Value: failed.problem.correlationId});
	}
	fields.push(...explaining);
	if (row.scope === 'product') {
		const trial = row.trialWithoutPaymentMethod;
		fields.push({Field: 'Trial w/o payment', Value: trial === undefined ? 'unknown (t sends it; the service decides)' : trial ? 'yes' : 'no'});
		const known = knownProduct(row.id);
		fields.push({
			Field: 'Catalog',
			Value: !known
				? 'not in the catalog (a newer product?)'
				: known.idChanged
					? `ID changed${known.formerIds?.length ? ` (was ${known.formerIds.join(', ')})` : ''}; blocks on old IDs carry over`
					: 'known product',
		});
	} else {
		fields.push({Field: 'Scope', Value: 'third-party offer type'});
	}
	fields.push(...trailing);
	return fields;
}

/** Border (2) and the table's heading line (1). */
export const DETAIL_CHROME = 3;

/** Columns a detail value may take at a width (DetailPanel: border and padding 4, the table's rules 3, cell padding 4, the field column). */
export function detailValueRoom(fields: readonly Field[], width: number): number {
	const fieldWidth = Math.max(...fields.map(field => field.Field.length), 'Field'.length);
	return Math.max(8, width - (4 + 3 + 4 + fieldWidth));
}

/** Fields whose value explains (a sentence): wrapped onto lines of their own, never cut; the others as they are. */
export function wrapFields(fields: readonly Field[], wrapped: ReadonlySet<Field>, width: number): Field[] {
	const room = detailValueRoom(fields, width);
	return fields.flatMap(field =>
		wrapped.has(field) && displayWidth(field.Value) > room ? wrap(field.Value, room).map((Value, index) => ({Field: index === 0 ? field.Field : '', Value})) : [field],
	);
}

/** What `i` says a product does not cover, whatever the answer (the Tab to sign in, when the switches were not read). */
export const SWITCHES_NOT_READ = 'Tenant switches not read: Tab to Tenant switches and press Enter to sign in to Microsoft Graph';

/**
 * "Can users still get it?" for a product's detail: explain()'s answer (source/switches/explain.ts)
 * from the product's value and the switches read this session, or from the value alone when they
 * were not read (and how to read them); what it never covers; its notes. `trailing`: where the
 * answer comes from, shown last (the first to give way on a short terminal).
 */
export function explainFields(explanation: Explanation | undefined, switchesRead: boolean): {explaining: Field[]; trailing: Field[]} {
	if (!explanation) return {explaining: [{Field: 'Can users get it', Value: 'working it out…'}], trailing: []};
	const explaining: Field[] = [{Field: 'Can users get it', Value: `${capitalise(explanation.sentence)}.`}];
	if (!switchesRead) explaining.push({Field: 'Switches', Value: SWITCHES_NOT_READ});
	for (const [index, item] of explanation.notCovered.entries()) explaining.push({Field: index === 0 ? 'Not covered' : '', Value: item});
	for (const note of explanation.notes) explaining.push({Field: 'Note', Value: note});
	return {explaining, trailing: [{Field: 'Basis', Value: `${explanation.basis}: ${explanation.source}`}]};
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A tenant switch's facts for `i`: what it is, its value, what on allows, who may change it, where it lives, its last failure. */
export function switchDetailFields(reading: SwitchReading, saving: SwitchValue | undefined, failed: SwitchFailure | undefined, width: number): Field[] {
	const value = switchValueText(reading);
	const fields: Field[] = [
		{Field: 'Switch', Value: reading.name},
		{Field: 'What it is', Value: reading.label},
		{Field: 'Value', Value: saving ? `${value} (saving ${saving}…)` : value},
	];
	const explaining: Field[] = [{Field: 'What on allows', Value: reading.allows}, {Field: 'Who may change it', Value: reading.whoMayChange}, {Field: 'Microsoft Graph', Value: reading.where}];
	fields.push(...explaining);
	if ('problem' in reading) {
		const why = {Field: 'Not read', Value: dashboardWords(reading.problem.title)};
		fields.push(why);
		explaining.push(why);
	}
	if (failed) {
		const last = {Field: failed.unknown ? 'Last write' : 'Last write failed', Value: `${failed.change.from} → ${failed.change.to}: ${dashboardWords(failed.problem.title)}`};
		fields.push(last);
		explaining.push(last);
		if (failed.problem.correlationId) fields.push({Field: 'Correlation ID', Value: failed.problem.correlationId});
	} else if ('value' in reading && reading.correlationId) fields.push({Field: 'Request ID', Value: reading.correlationId});
	return wrapFields(fields, new Set(explaining), width);
}

/** A help line: a section title, a key and (a line of) what it does, or plain text. `wide`: keys too long for the column, on a line of their own. */
export type HelpLine = {kind: 'section' | 'key' | 'text'; keys: string; text: string; off: boolean; wide?: boolean};

/** The widest key list that shares its line with what it does. */
const KEYS_COLUMN = 24;

export type HelpText = {lines: HelpLine[]; keysWidth: number; boxWidth: number};

/**
 * The `?` overlay's lines at a width, from the key table (the sections of `view`): a section per mode, each key's line
 * wrapped under itself, keys that change the tenant marked off when read-only, and the policy's
 * description in full at the end (the header has room for only a line of it).
 */
export function helpText(width: number, readOnly: boolean, description: string | undefined, view: View = 'dashboard'): HelpText {
	const sections = helpSections(view);
	const entries = sections.flatMap(section => section.lines);
	// Longer key lists get a line of their own, so one long entry does not narrow every line.
	const keysWidth = Math.min(KEYS_COLUMN, Math.max(...entries.map(entry => displayWidth(entry.keys))));
	const OFF = ' (off: read-only)';
	const longest = Math.min(56, Math.max(...entries.map(entry => displayWidth(entry.does) + (readOnly && entry.writes ? OFF.length : 0))));
	const boxWidth = Math.max(20, Math.min(width, keysWidth + 2 + longest + FRAME));
	const inner = boxWidth - FRAME;
	const doesWidth = Math.max(8, inner - keysWidth - 2);
	const lines: HelpLine[] = [];
	for (const [index, section] of sections.entries()) {
		lines.push({kind: 'section', keys: '', text: truncate(section.title, inner), off: false});
		for (const entry of section.lines) {
			const off = readOnly && entry.writes;
			const wrapped = wrap(`${entry.does}${off ? OFF : ''}`, doesWidth);
			if (displayWidth(entry.keys) > keysWidth) lines.push({kind: 'key', keys: entry.keys, text: '', off, wide: true});
			for (const [at, text] of wrapped.entries()) lines.push({kind: 'key', keys: at === 0 && displayWidth(entry.keys) <= keysWidth ? entry.keys : '', text, off});
		}
		if (index < sections.length - 1) lines.push({kind: 'text', keys: '', text: '', off: false});
	}
	if (description) {
		lines.push({kind: 'text', keys: '', text: '', off: false}, {kind: 'section', keys: '', text: 'This policy', off: false});
		for (const text of wrap(description, inner)) lines.push({kind: 'text', keys: '', text, off: false});
	}
	return {lines, keysWidth: Math.min(keysWidth, Math.max(0, inner - 10)), boxWidth};
}
