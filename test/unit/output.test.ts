import assert from 'node:assert/strict';
import {test} from 'node:test';
import stringWidth from 'string-width';
import {toCsv, toTable, type Column} from '../../source/commands/output.js';
import {truncate} from '../../source/text/width.js';

type Item = {name: string; id: string};
const columns: Column<Item>[] = [
	{header: 'Name', value: i => i.name},
	{header: 'ID', value: i => i.id, dropOrder: 1},
];

test('a text table aligns columns and drops optional ones on a narrow terminal', () => {
	const items = [{name: 'Visio Plan 1', id: 'CFQ7TTC0HD33'}, {name: 'Teams Exploratory', id: 'CFQ7TTC0J1FV'}];
	const wide = toTable(items, columns, 80).split('\n');
	assert.equal(wide[0], 'Name               ID');
	assert.equal(wide[1], 'Visio Plan 1       CFQ7TTC0HD33');
	const narrow = toTable(items, columns, 20).split('\n');
	assert.equal(narrow[0], 'Name');
	assert.ok(narrow.every(line => line.length <= 20));
});

test('at 80 columns, history keeps the account and tenant (cut with …, never dropped) and every line fits', async () => {
	const {historyCommand} = await import('../../source/commands/history.js');
	const {startChangeSet} = await import('../../source/commerce/audit.js');
	const {mkdtemp} = await import('node:fs/promises');
	const {tmpdir} = await import('node:os');
	const {join} = await import('node:path');
	const {Readable} = await import('node:stream');
	const stateDir = join(await mkdtemp(join(tmpdir(), 'mscommerce-history-')), 'mscommerce');
	const set = startChangeSet({stateDir, source: 'baseline apply', account: 'partner.engineer@contoso-partners.onmicrosoft.com', tenant: '0c9e1f2a-1111-4222-8333-444455556666', policyId: 'AllowSelfServicePurchase'});
	const row = {scope: 'product' as const, id: 'CFQ7TTC0HD33', name: 'Visio Plan 1', value: 'Enabled' as const, trialWithoutPaymentMethod: true};
	const change = {row, from: 'Enabled' as const, to: 'Disabled' as const};
	await set.intent(change);
	await set.outcome({kind: 'changed', change, row: {...row, value: 'Disabled'}});
	let stdout = '';
	const io = {stdout: {write: (t: string) => (stdout += t), isTTY: true, columns: 80}, stderr: {write: () => true}, stdin: Readable.from([])};
	// history reads only the settings, the streams and note(): no sign-in, no network.
	const ctx = {settings: {stateDir, output: 'text'}, io, note: () => undefined} as unknown as Parameters<typeof historyCommand>[0];
	await historyCommand(ctx);
	const [header, line] = stdout.split('\n');
	assert.match(header ?? '', /Account\s+Tenant/);
	assert.match(line ?? '', /partner\.eng\S*…\s+0c9e1f2a\S*…/);
	for (const text of stdout.split('\n')) assert.ok(text.length <= 80, `${text.length} > 80: ${text}`);
});

test('CSV quotes commas and quotes as RFC 4180 says, and keeps one row per line (line breaks spelled out)', () => {
	const csv = toCsv([{name: 'Power BI Premium (standalone), "P"', id: 'X'}, {name: 'two\nlines', id: 'Y'}], columns);
	assert.equal(csv, 'Name,ID\r\n"Power BI Premium (standalone), ""P""",X\r\ntwo\\x0alines,Y\r\n');
});

test('CSV cells a spreadsheet would run as a formula start with a quote; IDs and values stay exact', () => {
	const names = ['=HYPERLINK("https://evil.example","x")', '+1', '-2', '@SUM(A1)', '\tx', 'Visio Plan 1'];
	const rows = toCsv(names.map(name => ({name, id: 'CFQ7TTC0HD33'})), columns).split('\r\n').slice(1, -1);
	assert.deepEqual(rows, [
		`"'=HYPERLINK(""https://evil.example"",""x"")",CFQ7TTC0HD33`,
		`'+1,CFQ7TTC0HD33`,
		`'-2,CFQ7TTC0HD33`,
		`'@SUM(A1),CFQ7TTC0HD33`,
		`'\\x09x,CFQ7TTC0HD33`,
		'Visio Plan 1,CFQ7TTC0HD33',
	]);
});

test('tables measure by display width: CJK, full-width and emoji names keep the ID column aligned', () => {
	const items = [
		{name: '表計算ソフト', id: 'CJK1'},
		{name: 'ＦＵＬＬ', id: 'FW01'},
		{name: 'Family 👨‍👩‍👧‍👦 plan', id: 'EMJ1'},
		{name: 'Plain', id: 'ASC1'},
	];
	const lines = toTable(items, columns).trimEnd().split('\n').slice(1);
	// What comes before each ID takes the same number of terminal columns on every line.
	const before = lines.map(line => stringWidth(line.slice(0, line.length - 4)));
	assert.equal(new Set(before).size, 1, JSON.stringify(lines));
});

test('a cut never splits an emoji sequence or a wide character', () => {
	const [, row] = toTable([{name: 'Family 👨‍👩‍👧‍👦 plan and more words', id: 'EMJ1'}], columns, 20).split('\n');
	assert.equal(row, 'Family 👨‍👩‍👧‍👦 plan and …');
	assert.equal(stringWidth(row ?? ''), 20);
	assert.equal(truncate('Family 👨‍👩‍👧‍👦 plan', 9), 'Family …', 'the emoji is left out whole, not cut in the middle');
	assert.equal(truncate('Family 👨‍👩‍👧‍👦 plan', 10), 'Family 👨‍👩‍👧‍👦…');
	assert.equal(truncate('表計算ソフト', 6), '表計…', 'a wide character is never half shown');
	for (const line of toTable([{name: '表計算ソフト表計算ソフト', id: 'CJK1'}], columns, 19).split('\n')) assert.ok(stringWidth(line) <= 19, line);
});
