/**
 * A baseline file is outside input: what a hostile or broken one gets. Deep nesting, alias bombs
 * and odd keys are the file's problems (exit 2), never "unexpected"; checking is linear in the
 * file's size; a problem is one line; export writes nothing its own parser would not read back.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parse} from 'yaml';
import {
	BASELINE_LIMITS,
	baselineFromRows,
	baselineToJson,
	baselineToYaml,
	formatProblem,
	parseBaseline,
	readsBack,
	resolveBaseline,
} from '../../source/commerce/baseline.js';
import {productRow} from '../../source/commerce/client.js';
import type {PolicyValue, Row} from '../../source/commerce/types.js';
import {isUnsafe} from '../../source/text/safe.js';

const P = 'AllowSelfServicePurchase';

function problemsOf(text: string): string[] {
	return parseBaseline(text, {policyId: P}).problems.map(p => formatProblem('b.yaml', p));
}

function product(productId: string, productName: string, policyValue: PolicyValue = 'Enabled'): Row {
	return productRow({policyId: P, productId, productName, policyValue});
}

/** A baseline listing `n` product IDs no tenant has, one per line from line 4. */
function unknownIds(n: number): string {
	const lines = ['policy: AllowSelfServicePurchase', 'products:', '  except:'];
	for (let i = 0; i < n; i++) lines.push(`    CFQ7TTC0${String(i).padStart(5, '0')}: Disabled`);
	return `${lines.join('\n')}\n`;
}

type Scan = (this: unknown[], ...args: unknown[]) => unknown;

/**
 * How many array elements `action` scans with find, some, indexOf, includes and the like: the work
 * a per-entry scan makes quadratic (a lookup per problem, an indexOf per comparison while sorting).
 * Counted, not timed, so the test says the same on any machine.
 */
function arrayWork(action: () => void): number {
	let scanned = 0;
	const proto = Array.prototype as unknown as Record<string, Scan>;
	const originals = new Map<string, Scan>();
	for (const name of ['find', 'findIndex', 'findLast', 'findLastIndex', 'some', 'every', 'indexOf', 'lastIndexOf', 'includes', 'filter', 'map', 'forEach', 'reduce']) {
		const original = proto[name]!;
		originals.set(name, original);
		proto[name] = function (this: unknown[], ...args: unknown[]) {
			scanned += this.length;
			return original.apply(this, args);
		};
	}
	try {
		action();
	} finally {
		for (const [name, original] of originals) proto[name] = original;
	}
	return scanned;
}

test('16,000 and 32,000 unknown IDs each get exactly one problem on their own line, and twice the file is twice the work, not four times', () => {
	const check = (n: number) => {
		const parsed = parseBaseline(unknownIds(n), {policyId: P});
		assert.deepEqual(parsed.problems, []);
		const resolved = resolveBaseline(parsed.baseline!, {product: [product('CFQ7TTC0HD33', 'Visio Plan 1')]}, parsed.lineOf);
		assert.equal(resolved.problems.length, n);
		assert.deepEqual([resolved.problems[0]!.line, resolved.problems.at(-1)!.line], [4, n + 3], 'each on its own line, in the file order');
		assert.equal(resolved.problems.at(-1)!.path, `products.except.CFQ7TTC0${String(n - 1).padStart(5, '0')}`);
	};
	const small = arrayWork(() => check(16_000));
	const large = arrayWork(() => check(32_000));
	// Linear: the ratio is 2 (it was 4 when each problem's line was found by scanning the except
	// mapping and the except list was sorted with indexOf).
	assert.ok(large / small < 2.5, `32,000 IDs scanned ${large} array elements, 16,000 scanned ${small}`);
});

test('nesting past the limit is one problem naming it: a megabyte of [, a sequence a million deep, indented mappings', () => {
	const deep = `nested more than ${BASELINE_LIMITS.depth} levels deep: a baseline needs 4 (the file, products, except, a value)`;
	assert.deepEqual(problemsOf('['.repeat(BASELINE_LIMITS.bytes)), [`b.yaml:1: ${deep}`]);
	assert.deepEqual(problemsOf(`products:\n  except: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`), [`b.yaml:2: ${deep}`]);
	assert.deepEqual(problemsOf(`${'- '.repeat(500_000)}x\n`), [`b.yaml:1: ${deep}`]);
	const indented = Array.from({length: 40}, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
	assert.deepEqual(problemsOf(indented), [`b.yaml:17: ${deep}`]);
	// A real file, in YAML or as JSON, is far inside the limit.
	assert.deepEqual(problemsOf('{"products": {"default": "Disabled", "except": {"CFQ7TTC0HD33": "Enabled"}}}'), []);
});

test('more entries than any tenant has rows, a megabyte of syntax errors and a stream of documents stop reading early, with one line saying so', () => {
	const entries = ['products:', '  except:', ...Array.from({length: BASELINE_LIMITS.entries}, (_, i) => `    X${i}: Disabled`), ''].join('\n');
	// products: and except: are entries too: the 50,001st is the 49,999th ID.
	assert.deepEqual(problemsOf(entries), [`b.yaml:${BASELINE_LIMITS.entries + 1}: more than 50,000 entries (keys and list items): a baseline lists only the rows that differ from its default`]);
	assert.match(problemsOf(`[${'a,'.repeat(BASELINE_LIMITS.entries + 1)}a]`)[0]!, /^b\.yaml:1: more than 50,000 entries/);
	// A JSON mapping counts each key once (its `:`), not its `,` too.
	const json = JSON.stringify({products: {except: Object.fromEntries(Array.from({length: 40_000}, (_, i) => [`X${i}`, 'Disabled']))}});
	assert.equal(parseBaseline(json, {policyId: P}).baseline?.products?.except.length, 40_000);

	const errors = problemsOf(']\n'.repeat(BASELINE_LIMITS.bytes / 2));
	assert.equal(errors.length, BASELINE_LIMITS.syntaxErrors + 1);
	assert.equal(errors[0], 'b.yaml:1: not valid YAML: Unexpected flow-seq-end token in YAML document: "]"');
	assert.equal(errors.at(-1), `b.yaml:${BASELINE_LIMITS.syntaxErrors + 1}: not valid YAML: more than ${BASELINE_LIMITS.syntaxErrors} errors; the rest, from here on, are not listed (fix the ones above first)`);
	assert.deepEqual(problemsOf('products:\n  default: Disabled\n'.concat('---\n'.repeat(200_000))), ['b.yaml:3: not valid YAML: a second document (after ---): a baseline is one document']);
});

test('an alias bomb, an alias of a list and an alias of nothing are problems with their line; an alias of a value still works', () => {
	const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'products: *c', ''].join('\n');
	const bomb = problemsOf(laughs);
	assert.equal(bomb.length, 19, 'every alias of a list, none expanded');
	assert.equal(bomb[0], 'b.yaml:2: *a repeats a list: aliases may only repeat a value; write it out');
	assert.equal(bomb.at(-1), 'b.yaml:4: *c repeats a list: aliases may only repeat a value; write it out');
	assert.deepEqual(problemsOf('products:\n  default: *off\n'), ['b.yaml:2: *off is an alias of nothing: no &off before it']);
	assert.deepEqual(problemsOf('products: &p\n  except:\n    X: *p\n'), ['b.yaml:3: *p repeats a mapping: aliases may only repeat a value; write it out']);

	const many = ['products:', '  default: &off Disabled', '  except:', ...Array.from({length: BASELINE_LIMITS.aliases + 5}, (_, i) => `    CFQ7TTC0${String(i).padStart(4, '0')}: *off`), ''].join('\n');
	assert.deepEqual(problemsOf(many), [`b.yaml:${BASELINE_LIMITS.aliases + 4}: more than ${BASELINE_LIMITS.aliases} aliases (*name): a baseline needs none; write the values out`]);
	const few = parseBaseline('products:\n  default: &off Disabled\n  except:\n    CFQ7TTC0HD33: *off\n', {policyId: P});
	assert.deepEqual(few.problems, []);
	assert.deepEqual(few.baseline?.products, {default: 'Disabled', except: [{key: 'CFQ7TTC0HD33', value: 'Disabled'}]});
});

test('a key given twice names the line of the first; a list as a key, a tag such as !!binary and a second document are problems', () => {
	assert.deepEqual(problemsOf('products:\n  except:\n    CFQ7TTC0HD33: Enabled\n    CFQ7TTC0HD32: Enabled\n    CFQ7TTC0HD33: Disabled\n'), [
		'b.yaml:5: not valid YAML: Map keys must be unique: CFQ7TTC0HD33 (also on line 3)',
	]);
	assert.deepEqual(problemsOf('products:\n  except:\n    &id CFQ7TTC0HD33: Enabled\n    *id : Disabled\n'), ['b.yaml:4: not valid YAML: Map keys must be unique: CFQ7TTC0HD33 (also on line 3)']);
	assert.deepEqual(problemsOf('products:\n  except:\n    ? [CFQ7TTC0HD33, CFQ7TTC0HD32]\n    : Disabled\n'), ['b.yaml:3: not a key: a key is one value (an ID), not a list or mapping']);
	// !!binary would make a Buffer: a key per byte, each an "unknown key".
	assert.deepEqual(problemsOf(`products: !!binary ${'aGVsbG8g'.repeat(10_000)}\nofferTypes: !!set {SaaS}\n`), [
		'b.yaml:1: !!binary: a baseline holds plain values, mappings and lists; write it without the tag',
		'b.yaml:2: !!set: a baseline holds plain values, mappings and lists; write it without the tag',
	]);
	assert.deepEqual(parseBaseline('products:\n  except:\n    !!str 1234: !!str Disabled\n', {policyId: P}).baseline?.products?.except, [{key: '1234', value: 'Disabled'}]);
	assert.deepEqual(problemsOf('products:\n  default: Disabled\n---\nproducts:\n  default: Enabled\n'), ['b.yaml:3: not valid YAML: a second document (after ---): a baseline is one document']);
});

test("a problem is one line: the file's keys and values are spelled out and long values cut", () => {
	const [line] = problemsOf('products:\n  except:\n    "CFQ7\\e]0;owned\\a\\nX\\u2028Y": Nope\n');
	assert.equal(line, 'b.yaml:3: products.except.CFQ7\\x1b]0;owned\\x07\\x0aX\\u2028Y: "Nope" is not a value: use Enabled, Disabled or OnlyTrialsWithoutPaymentMethod');
	const [long] = problemsOf(`products:\n  default: ${'x'.repeat(5000)}\n`);
	assert.equal(long, `b.yaml:2: products.default: "${'x'.repeat(60)}…" is not a value: use Enabled, Disabled or OnlyTrialsWithoutPaymentMethod`);
});

test('export puts every product name on its own comment line: line and paragraph separators, NEL, CR, LF, escapes and BiDi controls are spelled out', () => {
	const hostile = 'Evil\u2028products: {}\u2029x\u0085y\r\nz\u001b[2J\u202eReversed\u2066';
	const rows = [product('CFQ7TTC0HD33', hostile, 'Disabled'), product('CFQ7TTC0HD32', 'Visio Plan 2'), product('CFQ7TTC0H9MP', 'Power BI Pro')];
	const {baseline, names, unwritable} = baselineFromRows(P, {product: rows});
	assert.deepEqual(unwritable, []);
	const yaml = baselineToYaml(baseline, names, [`tenant\u2028policy: evil`]);
	assert.equal(isUnsafe(yaml.replaceAll('\n', '')), false, 'no line break but \\n, no control character');
	assert.deepEqual(yaml.split('\n'), [
		'# tenant\\u2028policy: evil',
		'policy: AllowSelfServicePurchase',
		'products:',
		'  default: Enabled    # every product not listed, including ones Microsoft adds later',
		'  except:',
		'    CFQ7TTC0HD33: Disabled  # Evil\\u2028products: {}\\u2029x\\x85y\\x0d\\x0az\\x1b[2J\\u202eReversed\\u2066',
		'',
	]);
	assert.equal(readsBack(baseline, yaml), undefined);
	// What a YAML 1.1 reader (which also breaks lines at U+0085, U+2028, U+2029) makes of it: the same keys.
	assert.deepEqual(parse(yaml, {version: '1.1'}), {policy: P, products: {default: 'Enabled', except: {CFQ7TTC0HD33: 'Disabled'}}});
});

test('export refuses IDs it could not read back, naming each: line breaks, control characters, white space at an end, over-long, differing only in case', () => {
	// Most rows are Disabled (the default); the odd ones are Enabled, so they go under except.
	const usual = Array.from({length: 10}, (_, i) => product(`CFQ7TTC0HD${String(30 + i)}`, `Usual ${i}`, 'Disabled'));
	const rows = [
		...usual,
		product('CFQ7TTC0\nX: Enabled', 'Line break'),
		product('CFQ7TTC0\u2028', 'Separator'),
		product(' CFQ7TTC0LH3L', 'Leading space'),
		product('CFQ7TTC0N8SS ', 'Trailing space'),
		product('A'.repeat(BASELINE_LIMITS.keyChars + 1), 'Over-long'),
		product('cfq7ttc0hd33', 'Lower case twin of Usual 3'),
		product('CFQ7TTC0 with spaces '.repeat(10).trim(), 'Long with spaces'),
	];
	const {unwritable} = baselineFromRows(P, {product: rows});
	assert.deepEqual(
		unwritable.map(u => [u.name, u.reason]),
		[
			['Line break', 'it holds a control character or line break'],
			['Separator', 'it holds a control character or line break'],
			['Leading space', 'it starts or ends with white space'],
			['Trailing space', 'it starts or ends with white space'],
			['Over-long', `it is longer than the ${BASELINE_LIMITS.keyChars} characters a YAML key may have`],
			['Lower case twin of Usual 3', 'another ID differs from it only in case'],
		],
	);

	// A long ID with spaces is no problem: written on one line (never folded), it reads back.
	const fine = baselineFromRows(P, {product: [...usual, rows.find(row => row.name === 'Long with spaces')!]});
	assert.deepEqual(fine.unwritable, []);
	const yaml = baselineToYaml(fine.baseline, fine.names);
	assert.match(yaml, /\n {4}CFQ7TTC0 with spaces .* with spaces: Enabled {2}# Long with spaces\n/);
	assert.equal(readsBack(fine.baseline, yaml), undefined);
	assert.equal(readsBack(fine.baseline, JSON.stringify(baselineToJson(fine.baseline))), undefined);
	assert.equal(readsBack(fine.baseline, 'products:\n  default: Disabled\n'), 'it reads back as a different baseline');
});

test('a switches section of 16,000 and 32,000 unknown names: one problem each, on its own line, and twice the file is twice the work', () => {
	const check = (n: number) => {
		const lines = ['products:', '  default: Enabled', 'switches:'];
		for (let i = 0; i < n; i++) lines.push(`  emailSignUp${String(i).padStart(5, '0')}: off`);
		const parsed = parseBaseline(`${lines.join('\n')}\n`, {policyId: P});
		assert.equal(parsed.problems.length, n);
		assert.deepEqual([parsed.problems[0]!.line, parsed.problems.at(-1)!.line], [4, n + 3]);
		assert.match(formatProblem('b.yaml', parsed.problems[0]!), /^b\.yaml:4: switches\.emailSignUp00000: unknown switch/);
	};
	const small = arrayWork(() => check(16_000));
	const large = arrayWork(() => check(32_000));
	assert.ok(large / small < 2.5, `32,000 names scanned ${large} array elements, 16,000 scanned ${small}`);
});
