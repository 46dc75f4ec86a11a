import assert from 'node:assert/strict';
import {test} from 'node:test';
import {toCsv, toTable, type Column} from '../../source/commands/output.js';

type Item = {name: string; id: string};
const columns: Column<Item>[] = [
	{header: 'Name', value: i => i.name},
	{header: 'ID', value: i => i.id, dropOrder: 1},
];

test('CSV quotes commas, quotes and line breaks as RFC 4180 says', () => {
	const csv = toCsv([{name: 'Power BI Premium (standalone), "P"', id: 'X'}, {name: 'two\nlines', id: 'Y'}], columns);
	assert.equal(csv, 'Name,ID\r\n"Power BI Premium (standalone), ""P""",X\r\n"two\nlines",Y\r\n');
});

test('a text table aligns columns and drops optional ones on a narrow terminal', () => {
	const items = [{name: 'Visio Plan 1', id: 'CFQ7TTC0HD33'}, {name: 'Teams Exploratory', id: 'CFQ7TTC0J1FV'}];
	const wide = toTable(items, columns, 80).split('\n');
	assert.equal(wide[0], 'Name               ID');
	assert.equal(wide[1], 'Visio Plan 1       CFQ7TTC0HD33');
	const narrow = toTable(items, columns, 20).split('\n');
	assert.equal(narrow[0], 'Name');
	assert.ok(narrow.every(line => line.length <= 20));
});
