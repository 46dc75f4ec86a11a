/** The baseline file, drift, the audit log's change sets, undo plans and the seen store, as plain functions. */
import assert from 'node:assert/strict';
import {appendFile, mkdtemp, readFile, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {changeSets, findChangeSet, readAudit, startChangeSet, undoPlan} from '../../source/commerce/audit.js';
import {
	baselineFromRows,
	baselineToJson,
	baselineToYaml,
	compareBaseline,
	compareSwitches,
	formatProblem,
	mostCommonValue,
	parseBaseline,
	resolveBaseline,
} from '../../source/commerce/baseline.js';
import {catalog} from '../../source/commerce/catalog.js';
import type {Outcome} from '../../source/commerce/changes.js';
import {offerTypeRow, productRow} from '../../source/commerce/client.js';
import {isNew, loadSeen, markSeen, newRows, seenKey} from '../../source/commerce/seen.js';
import type {PolicyValue, Row} from '../../source/commerce/types.js';

const P = 'AllowSelfServicePurchase';

/** The catalog's products and offer types as a tenant would list them, all Enabled unless told. */
function tenant(values: Record<string, PolicyValue> = {}): {product: Row[]; offerType: Row[]} {
	return {
		product: catalog.products.map(p => productRow({policyId: P, productId: p.productId, productName: p.productName, policyValue: values[p.productId] ?? 'Enabled'})),
		offerType: catalog.offerTypes.map(o => offerTypeRow({policyId: P, scope: 'OfferType', scopeId: o.scopeId, scopeValue: o.scopeValue, policyValue: values[o.scopeId] ?? 'Enabled'})),
	};
}

function problemsOf(text: string, policyId = P): string[] {
	return parseBaseline(text, {policyId}).problems.map(p => formatProblem('b.yaml', p));
}

test('a file with mistakes gets one line per problem, each with its path and line: unknown keys, bad values, policy mismatch', () => {
	const lines = problemsOf(
		['policy: SomeOtherPolicy', 'products:', '  default: Sometimes', '  defualt: Disabled', '  except:', '    CFQ7TTC0HD33: [Enabled]', 'offertypes:', '  default: Disabled', 'offerTypes:', '  except:', '    SaaS: OnlyTrialsWithoutPaymentMethod', 'extra: 1', ''].join('\n'),
	);
	assert.deepEqual(lines, [
		'b.yaml:1: policy: the file is for policy SomeOtherPolicy, but this run works on AllowSelfServicePurchase (--policy-id / MSCOMMERCE_POLICY_ID)',
		'b.yaml:3: products.default: "Sometimes" is not a value: use Enabled, Disabled or OnlyTrialsWithoutPaymentMethod',
		'b.yaml:4: products.defualt: unknown key (expected default or except)',
		'b.yaml:6: products.except.CFQ7TTC0HD33: a list is not a value: use Enabled, Disabled or OnlyTrialsWithoutPaymentMethod',
		'b.yaml:7: offertypes: unknown key: did you mean offerTypes?',
		'b.yaml:11: offerTypes.except.SaaS: OnlyTrialsWithoutPaymentMethod is not allowed for offer types: use Enabled or Disabled',
		'b.yaml:12: extra: unknown key (expected policy, products, offerTypes or switches)',
	]);
});

test('broken YAML, an empty file, a list, a wrong section type and a baseline that governs nothing are problems too', () => {
	assert.match(problemsOf('products:\n  default: [Disabled\n')[0]!, /^b\.yaml:\d+: not valid YAML: /);
	assert.match(problemsOf('products:\n  default: Disabled\n  default: Enabled\n')[0]!, /^b\.yaml:3: not valid YAML: Map keys must be unique/);
	assert.match(problemsOf('')[0]!, /^b\.yaml: the file is empty/);
	assert.deepEqual(problemsOf('- Disabled\n'), ['b.yaml: the file must be a mapping with policy, products, offerTypes and/or switches']);
	assert.deepEqual(problemsOf('products: Disabled\n'), ['b.yaml:1: products: expected a mapping with default and/or except']);
	assert.deepEqual(problemsOf('products:\n  except: [CFQ7TTC0HD33]\n'), ['b.yaml:2: products.except: expected a mapping of product IDs to values']);
	assert.deepEqual(problemsOf('policy: AllowSelfServicePurchase\nproducts:\n  except:\n'), ['b.yaml: the baseline governs nothing: give products and/or offerTypes a default or an except list, or list switches']);
});

test('values are spelled as set accepts them, and JSON is a baseline too', () => {
	const yaml = parseBaseline('products:\n  default: disabled\n  except:\n    CFQ7TTC0HD33: trials\n    CFQ7TTC0HD32: true\n', {policyId: P});
	assert.deepEqual(yaml.baseline?.products, {default: 'Disabled', except: [{key: 'CFQ7TTC0HD33', value: 'OnlyTrialsWithoutPaymentMethod'}, {key: 'CFQ7TTC0HD32', value: 'Enabled'}]});
	const json = parseBaseline('{"policy": "AllowSelfServicePurchase", "offerTypes": {"default": "Disabled", "except": {"SaaS": "Enabled"}}}', {policyId: P});
	assert.deepEqual(json.problems, []);
	assert.deepEqual(json.baseline, {policy: P, offerTypes: {default: 'Disabled', except: [{key: 'SaaS', value: 'Enabled'}]}});
});

test("against the tenant's list: unknown IDs, values a product cannot take and a product named twice are problems with their path", () => {
	const text = ['products:', '  except:', '    CFQ7TTC0ZZZZ: Disabled', '    CFQ7TTC0H9MP: OnlyTrialsWithoutPaymentMethod', '    CFQ7TTC0LH3L: Enabled', '    CFQ7TTC0KP0N: Disabled', 'offerTypes:', '  except:', '    NOPE: Disabled', ''].join('\n');
	const parsed = parseBaseline(text, {policyId: P});
	assert.ok(parsed.baseline, JSON.stringify(parsed.problems));
	const resolved = resolveBaseline(parsed.baseline, tenant(), parsed.lineOf);
	assert.deepEqual(resolved.problems.map(p => formatProblem('b.yaml', p)), [
		"b.yaml:3: products.except.CFQ7TTC0ZZZZ: unknown product ID: not in this tenant's list (see `mscommerce products list`)",
		'b.yaml:4: products.except.CFQ7TTC0H9MP: OnlyTrialsWithoutPaymentMethod is not allowed for Power BI Pro (CFQ7TTC0H9MP): it has no trial without a payment method',
		'b.yaml:6: products.except.CFQ7TTC0KP0N: names the same product as products.except.CFQ7TTC0LH3L (Power Automate per user, CFQ7TTC0LH3L)',
		"b.yaml:9: offerTypes.except.NOPE: unknown offer type ID: not in this tenant's list (see `mscommerce offer-types list`)",
	]);
});

test('a former product ID stands for its current product, with a note; a default a product cannot take is one problem naming them', () => {
	const former = parseBaseline('products:\n  except:\n    CFQ7TTC0KP0N: Disabled\n', {policyId: P});
	const resolved = resolveBaseline(former.baseline!, tenant(), former.lineOf);
	assert.deepEqual(resolved.problems, []);
	assert.deepEqual(resolved.wanted.map(w => [w.row.id, w.to, w.rule]), [['CFQ7TTC0LH3L', 'Disabled', 'products.except.CFQ7TTC0KP0N']]);
	assert.match(resolved.notes[0]!, /CFQ7TTC0KP0N is the former ID of Power Automate per user; using its current ID CFQ7TTC0LH3L/);

	const trials = parseBaseline('products:\n  default: OnlyTrialsWithoutPaymentMethod\n', {policyId: P});
	const problems = resolveBaseline(trials.baseline!, tenant(), trials.lineOf).problems;
	assert.equal(problems.length, 1);
	assert.equal(problems[0]!.path, 'products.default');
	assert.equal(problems[0]!.line, 2);
	const without = catalog.products.filter(p => !p.trialWithoutPaymentMethod).length;
	assert.match(problems[0]!.message, new RegExp(`not allowed for ${without} products that have no trial without a payment method \\(Clipchamp Premium \\(CFQ7TTC0N8SS\\), .*, …\\): give them another value under except`));
});

test('export: the most common value is the default, the rest are listed with their names, and it reads back in sync', () => {
	const rows = tenant({CFQ7TTC0H9MP: 'Disabled', CFQ7TTC0HD33: 'OnlyTrialsWithoutPaymentMethod', SaaS: 'Disabled', POWERBIVISUALS: 'Disabled'});
	const {baseline, names} = baselineFromRows(P, rows);
	assert.equal(baseline.products?.default, 'Enabled');
	assert.deepEqual(baseline.products?.except.map(e => `${e.key}=${e.value}`), ['CFQ7TTC0H9MP=Disabled', 'CFQ7TTC0HD33=OnlyTrialsWithoutPaymentMethod']);
	assert.equal(baseline.offerTypes?.default, 'Disabled', 'a tie goes to the stricter value');
	const yaml = baselineToYaml(baseline, names, ['exported for a test']);
	assert.match(yaml, /^# exported for a test\npolicy: AllowSelfServicePurchase\nproducts:\n {2}default: Enabled/);
	assert.match(yaml, /\n {4}CFQ7TTC0H9MP: Disabled {24}# Power BI Pro\n {4}CFQ7TTC0HD33: OnlyTrialsWithoutPaymentMethod {2}# Visio Plan 1\n/);
	for (const text of [yaml, JSON.stringify(baselineToJson(baseline))]) {
		const parsed = parseBaseline(text, {policyId: P});
		assert.deepEqual(parsed.problems, []);
		const resolved = resolveBaseline(parsed.baseline!, rows, parsed.lineOf);
		const comparison = compareBaseline(resolved.wanted, [...rows.product, ...rows.offerType]);
		assert.deepEqual(comparison.drift, []);
		assert.equal(comparison.inSync, rows.product.length + rows.offerType.length);
	}
	assert.equal(mostCommonValue([]), undefined);
});

test('drift lists exactly the rows that differ, with the rule that wants them and rows never seen marked new', () => {
	const rows = tenant({CFQ7TTC0H9MP: 'Disabled', SaaS: 'Disabled'});
	const parsed = parseBaseline('products:\n  default: Disabled\n  except:\n    CFQ7TTC0HD33: Enabled\n    CFQ7TTC0H9MP: Enabled\n', {policyId: P});
	const resolved = resolveBaseline(parsed.baseline!, rows, parsed.lineOf);
	const all = [...rows.product, ...rows.offerType];
	const comparison = compareBaseline(resolved.wanted, all, row => row.id === 'CFQ7TTC0N8SS' || row.id === 'SaaS');
	// Every product but Visio Plan 1 (Enabled, as excepted) changes; offer types are not governed.
	assert.equal(comparison.drift.length, rows.product.length - 1);
	assert.deepEqual(comparison.drift.find(d => d.row.id === 'CFQ7TTC0H9MP'), {row: rows.product.find(r => r.id === 'CFQ7TTC0H9MP'), to: 'Enabled', rule: 'products.except.CFQ7TTC0H9MP', isNew: false});
	assert.deepEqual(comparison.drift.find(d => d.row.id === 'CFQ7TTC0N8SS')?.isNew, true);
	assert.equal(comparison.drift.find(d => d.row.id === 'CFQ7TTC0N8SS')?.rule, 'products.default');
	assert.deepEqual(comparison.newRows.map(n => [n.row.id, n.to ?? null]), [['CFQ7TTC0N8SS', 'Disabled'], ['SaaS', null]]);
	assert.equal(comparison.plan.changes.length, comparison.drift.length, 'apply writes only the drift');
	assert.equal(comparison.inSync, 1);
});

test('switches: the four names in any case, on / off / true / false as words and as YAML booleans, in the file order; JSON is a baseline too', () => {
	const yaml = parseBaseline(['products:', '  default: Enabled', 'switches:', '  trialsOnBehalfOfOrg: false', '  EMAILSIGNUP: Off', '  emailJoin: "TRUE"', '  officestore: true', ''].join('\n'), {policyId: P});
	assert.deepEqual(yaml.problems, []);
	assert.deepEqual(yaml.baseline?.switches, [
		{key: 'trialsOnBehalfOfOrg', name: 'trialsOnBehalfOfOrg', value: 'off'},
		{key: 'EMAILSIGNUP', name: 'emailSignUp', value: 'off'},
		{key: 'emailJoin', name: 'emailJoin', value: 'on'},
		{key: 'officestore', name: 'officeStore', value: 'on'},
	]);
	const json = parseBaseline('{"switches": {"emailSignUp": false, "officeStore": "on"}}', {policyId: P});
	assert.deepEqual(json.problems, [], 'switches alone govern something');
	assert.deepEqual(json.baseline?.switches?.map(s => [s.name, s.value]), [['emailSignUp', 'off'], ['officeStore', 'on']]);
	// A switch not listed is not managed; `switches:` with nothing under it manages none.
	assert.equal(parseBaseline('products:\n  default: Enabled\nswitches:\n', {policyId: P}).baseline?.switches, undefined);
	assert.deepEqual(parseBaseline('products:\n  default: Enabled\nswitches: {}\n', {policyId: P}).baseline?.switches, []);
	assert.deepEqual(problemsOf('switches:\n'), ['b.yaml: the baseline governs nothing: give products and/or offerTypes a default or an except list, or list switches']);
});

test('switches with mistakes: unknown names with "did you mean", bad values, one switch named twice, not a mapping; each with its line and path', () => {
	const all = 'switches: emailSignUp, emailJoin, trialsOnBehalfOfOrg, officeStore';
	assert.deepEqual(
		problemsOf(['products:', '  default: Enabled', 'switches:', '  emailSingUp: off', '  trials: off', '  officeStore: maybe', '  emailJoin: [off]', '  EmailJoin: on', '  wholeTenant: off', '  emailjoin: 1', ''].join('\n')),
		[
			`b.yaml:4: switches.emailSingUp: unknown switch: did you mean emailSignUp? (${all})`,
			`b.yaml:5: switches.trials: unknown switch: did you mean trialsOnBehalfOfOrg? (${all})`,
			'b.yaml:6: switches.officeStore: "maybe" is not a switch value: use on or off (true and false work too)',
			'b.yaml:7: switches.emailJoin: a list is not a switch value: use on or off (true and false work too)',
			'b.yaml:8: switches.EmailJoin: names the same switch as switches.emailJoin (emailJoin)',
			`b.yaml:9: switches.wholeTenant: unknown switch (${all})`,
			'b.yaml:10: switches.emailjoin: names the same switch as switches.emailJoin (emailJoin)',
		],
	);
	assert.deepEqual(problemsOf('products:\n  default: Enabled\nswitches: off\n'), [`b.yaml:3: switches: expected a mapping of switch names to on or off (${all})`]);
	assert.deepEqual(problemsOf('products:\n  default: Enabled\nswitches:\n  - emailSignUp: off\n'), [`b.yaml:3: switches: expected a mapping of switch names to on or off (${all})`]);
	assert.deepEqual(problemsOf('Switches:\n  emailSignUp: off\n'), ['b.yaml:1: Switches: unknown key: did you mean switches?']);
	// JSON names the same mistakes, with lines too.
	assert.deepEqual(problemsOf('{\n  "switches": {\n    "emailSignUp": "no"\n  }\n}\n'), ['b.yaml:3: switches.emailSignUp: "no" is not a switch value: use on or off (true and false work too)']);
});

test("a switch's drift: only those that differ are written, each from the value read; those that could not be read are not checked", () => {
	const parsed = parseBaseline('switches:\n  EmailSignUp: off\n  emailJoin: on\n  trialsOnBehalfOfOrg: off\n', {policyId: P});
	const problem = {kind: 'unavailable' as const, title: 'appsAndServices (beta) is not available in this tenant/cloud', hints: [], retryable: false};
	const comparison = compareSwitches(parsed.baseline!.switches!, name => (name === 'trialsOnBehalfOfOrg' ? {problem} : {value: 'on'}));
	assert.deepEqual(comparison.drift, [{name: 'emailSignUp', label: 'sign-up for email-based subscriptions', to: 'off', rule: 'switches.EmailSignUp', current: 'on'}]);
	assert.deepEqual(comparison.changes, [{row: {scope: 'switch', id: 'emailSignUp', name: 'sign-up for email-based subscriptions', value: 'on'}, from: 'on', to: 'off'}]);
	assert.equal(comparison.inSync, 1);
	assert.deepEqual(comparison.unknown.map(u => [u.name, u.to, u.problem.title]), [['trialsOnBehalfOfOrg', 'off', problem.title]]);
});

test('a baseline with switches is written as YAML (each with its label) and JSON, and both read back as the same baseline', () => {
	const rows = tenant({CFQ7TTC0HD33: 'Disabled'});
	const {baseline, names} = baselineFromRows(P, rows);
	baseline.switches = [
		{key: 'emailSignUp', name: 'emailSignUp', value: 'off'},
		{key: 'trialsOnBehalfOfOrg', name: 'trialsOnBehalfOfOrg', value: 'on'},
	];
	const yaml = baselineToYaml(baseline, names);
	assert.match(yaml, /\nswitches:\n {2}emailSignUp: off {9}# sign-up for email-based subscriptions\n {2}trialsOnBehalfOfOrg: on {2}# trials on behalf of the organization\n$/);
	assert.deepEqual(baselineToJson(baseline).switches, {emailSignUp: 'off', trialsOnBehalfOfOrg: 'on'});
	for (const text of [yaml, JSON.stringify(baselineToJson(baseline))]) {
		const parsed = parseBaseline(text, {policyId: P});
		assert.deepEqual(parsed.problems, []);
		assert.deepEqual(parsed.baseline?.switches, baseline.switches);
	}
});

/** A row written as the engine reports it. */
function changed(row: Row, to: PolicyValue): Outcome {
	return {kind: 'changed', change: {row, from: row.value, to}, row: {...row, value: to}, correlationId: `c-${row.id}`};
}

test('the audit log: an intent line before each write and an outcome after, 0600 under 0700, grouped into change sets', async () => {
	const stateDir = join(await mkdtemp(join(tmpdir(), 'mscommerce-audit-')), 'state', 'mscommerce');
	const rows = tenant();
	const [visio, pbi] = [rows.product.find(r => r.id === 'CFQ7TTC0HD33')!, rows.product.find(r => r.id === 'CFQ7TTC0H9MP')!];
	const meta = {stateDir, source: 'products set', account: 'admin@contoso', tenant: 'T1', tenantName: 'contoso.onmicrosoft.com', policyId: P};
	const first = startChangeSet(meta);
	const toVisio = {row: visio, from: visio.value, to: 'Disabled' as const};
	const toPbi = {row: pbi, from: pbi.value, to: 'Disabled' as const};
	await first.intent(toVisio);
	await first.outcome(changed(visio, 'Disabled'));
	await first.intent(toPbi);
	await first.outcome({kind: 'failed', change: toPbi, sent: true, problem: {kind: 'server', title: 'The licensing service failed (500)', hints: [], retryable: true, correlationId: 'c-fail'}});
	const undo = startChangeSet({...meta, source: 'undo', undoes: first.id});
	const back = {row: {...visio, value: 'Disabled' as const}, from: 'Disabled' as const, to: 'Enabled' as const};
	await undo.intent(back);
	await undo.outcome({kind: 'changed', change: back, row: {...visio, value: 'Enabled'}});

	assert.equal((await stat(join(stateDir, 'audit.jsonl'))).mode & 0o777, 0o600);
	assert.equal((await stat(stateDir)).mode & 0o777, 0o700);
	const lines = (await readFile(join(stateDir, 'audit.jsonl'), 'utf8')).trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>);
	assert.deepEqual(lines.map(l => l.result), ['intent', 'ok', 'intent', 'failed', 'intent', 'ok']);
	assert.deepEqual(Object.keys(lines[3]!).sort(), ['account', 'changeSetId', 'correlationId', 'from', 'id', 'name', 'policyId', 'problem', 'result', 'scope', 'source', 'tenant', 'tenantName', 'time', 'to']);
	assert.deepEqual([lines[3]!.problem, lines[3]!.correlationId, lines[3]!.name], ['The licensing service failed (500)', 'c-fail', 'Power BI Pro']);
	assert.equal(lines[5]!.undoes, first.id);

	const {entries, unreadable} = await readAudit(stateDir);
	assert.equal(unreadable, 0);
	const sets = changeSets(entries);
	assert.deepEqual(sets.map(s => [s.id, s.source, s.changed, s.failed, s.unknown, s.tenantName]), [
		[first.id, 'products set', 1, 1, 0, 'contoso.onmicrosoft.com'],
		[undo.id, 'undo', 1, 0, 0, 'contoso.onmicrosoft.com'],
	]);
	const where = {tenant: 'T1', policyId: P};
	const last = findChangeSet(sets, where);
	assert.equal('found' in last && last.found.id, undo.id, 'the last one by default');
	const byPrefix = findChangeSet(sets, where, first.id.slice(0, 6));
	assert.equal('found' in byPrefix && byPrefix.found.id, first.id);
	assert.match((findChangeSet(sets, {tenant: 'T2', policyId: P}) as {error: string}).error, /nothing to undo/);
	assert.match((findChangeSet(sets, {tenant: 'T2', policyId: P}, first.id) as {error: string}).error, /made in tenant T1/);
	assert.match((findChangeSet(sets, where, 'abc') as {error: string}).error, /too short/);
	assert.deepEqual(await readAudit(join(stateDir, 'nowhere')), {entries: [], unreadable: 0});
});

test('a torn last line never swallows the next entry, and malformed lines are skipped and counted, never fatal', async () => {
	const stateDir = join(await mkdtemp(join(tmpdir(), 'mscommerce-audit-')), 'state', 'mscommerce');
	const visio = tenant().product.find(r => r.id === 'CFQ7TTC0HD33')!;
	const meta = {stateDir, source: 'products set', account: 'admin@contoso', tenant: 'T1', policyId: P};
	const first = startChangeSet(meta);
	await first.intent({row: visio, from: 'Enabled', to: 'Disabled'});
	// A crash (or a full disk) tore the last line; another tool wrote lines we do not know.
	await appendFile(join(stateDir, 'audit.jsonl'), '{"changeSetId":"torn","resu');
	const second = startChangeSet(meta);
	const change = {row: visio, from: 'Enabled' as const, to: 'Disabled' as const};
	await second.intent(change);
	await second.outcome(changed(visio, 'Disabled'));
	await appendFile(join(stateDir, 'audit.jsonl'), '{"changeSetId":"x","time":"t","scope":"product","id":"CFQ7TTC0HD32","from":"Enabled","to":"Disabled","result":"ok","account":null}\nnot json\n[1,2]\n');
	const {entries, unreadable} = await readAudit(stateDir);
	assert.equal(unreadable, 3, 'the torn line, "not json" and [1,2]');
	const sets = changeSets(entries);
	assert.deepEqual(sets.map(s => [s.id, s.changed, s.unknown, s.account]), [
		[first.id, 0, 1, 'admin@contoso'],
		[second.id, 1, 0, 'admin@contoso'],
		['x', 1, 0, 'unknown account'],
	]);
	assert.equal(sets[0]!.rows[0]!.status, 'unknown', 'an intent without an outcome is unknown');
	const found = findChangeSet(sets, {tenant: 'T1', policyId: P}, first.id);
	assert.ok('found' in found, 'a set with unknown rows can be undone: undo re-reads them');
});

test('an undo plan puts back rows that hold what the change set wrote (unknown ones included) and never sends a failed row', () => {
	const rows = tenant();
	const byId = (id: string) => rows.product.find(r => r.id === id)!;
	const row = (id: string, name: string, status: 'ok' | 'failed' | 'unknown') => ({scope: 'product' as const, id, name, from: 'Enabled' as const, to: 'Disabled' as const, status});
	const set = {
		id: 'set-1',
		rows: [
			row('CFQ7TTC0HD33', 'Visio Plan 1', 'ok'),
			row('CFQ7TTC0HD32', 'Visio Plan 2', 'ok'),
			row('CFQ7TTC0H9MP', 'Power BI Pro', 'failed'),
			row('CFQ7TTC0GONE', 'Gone', 'ok'),
			row('CFQ7TTC0LH3L', 'Windows 365 Business', 'unknown'),
			row('CFQ7TTC0LH2H', 'Second', 'unknown'),
		],
	};
	// Visio Plan 1 still holds Disabled; Visio Plan 2 was set to OnlyTrials… by someone since; of the
	// two unknown rows, one applied (Disabled) and one never did (Enabled).
	const current = [
		{...byId('CFQ7TTC0HD33'), value: 'Disabled' as const},
		{...byId('CFQ7TTC0HD32'), value: 'OnlyTrialsWithoutPaymentMethod' as const},
		byId('CFQ7TTC0H9MP'),
		{...byId('CFQ7TTC0LH3L'), value: 'Disabled' as const},
		byId('CFQ7TTC0LH2H'),
	];
	const undo = undoPlan(set, current);
	assert.deepEqual(undo.changes.map(c => [c.row.id, c.from, c.to]), [
		['CFQ7TTC0HD33', 'Disabled', 'Enabled'],
		['CFQ7TTC0LH3L', 'Disabled', 'Enabled'],
	]);
	assert.deepEqual(undo.leftAlone.map(s => s.reason), [
		'Visio Plan 2 (CFQ7TTC0HD32) changed since (now OnlyTrialsWithoutPaymentMethod; the change set set Disabled): left alone',
		'Gone (CFQ7TTC0GONE) is no longer listed',
	]);
	assert.equal(undo.undoes, 'set-1');
});

test('seen rows: the first look marks nothing new, later rows are new until marked, in a 0600 file per tenant', async () => {
	const stateDir = join(await mkdtemp(join(tmpdir(), 'mscommerce-seen-')), 'state', 'mscommerce');
	const key = seenKey('tenant-1', 'https://127.0.0.1:4443');
	assert.equal(key, 'tenant-1@127.0.0.1');
	assert.equal(seenKey('tenant-1', 'https://licensing.m365.microsoft.com'), 'tenant-1');
	const rows = tenant().product;
	const first = await loadSeen(stateDir, key);
	assert.deepEqual(newRows(first, rows), [], 'nothing is new on the first look');
	await markSeen(stateDir, key, rows.slice(0, 20), ['product']);
	const later = await loadSeen(stateDir, key);
	assert.deepEqual(newRows(later, rows).map(r => r.id), rows.slice(20).map(r => r.id));
	assert.equal(isNew(later, {scope: 'product', id: rows[0]!.id.toLowerCase()}), false, 'IDs compare case-insensitively');
	assert.equal(isNew(later, {scope: 'offerType', id: 'SaaS'}), false, 'offer types were never looked at');
	await markSeen(stateDir, key, rows);
	assert.deepEqual(newRows(await loadSeen(stateDir, key), rows), []);
	assert.equal(newRows(await loadSeen(stateDir, 'another-tenant'), rows).length, 0);
	const file = join(stateDir, 'seen', 'tenant-1@127.0.0.1.json');
	assert.equal((await stat(file)).mode & 0o777, 0o600);
	assert.equal((await stat(join(stateDir, 'seen'))).mode & 0o777, 0o700);
});
