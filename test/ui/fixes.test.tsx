/**
 * What an admin on SSH noticed (issue 13), as they would see it: the footer per mode, the filter's
 * words and qualifiers, marks the filter hides, widths that keep what explains, small terminals,
 * one word per value, loads that say why they are slow, copy and sort.
 */
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import {catalog} from '../../source/commerce/catalog.js';
import {ADMIN, catalogRows, LONG_HINT, productRow, refused, serverError, throttled} from './fakeBackend.js';
import {KEY, renderApp, waitFor} from './harness.js';

afterEach(() => cleanup());

const PRODUCTS = catalog.products.length;
const TENANT_ID = '00000000-0000-0000-0000-00000000c0de';
const footer = (frame: string) => frame.split('\n').at(-1) ?? '';

test('while typing a filter the footer offers no ? help or q quit: both go into the filter', async () => {
	const app = renderApp();
	await app.see('Clipchamp', '? help', 'q quit');
	await app.press('/');
	await app.see('type to filter', 'Enter keep', 'Esc clear');
	assert.doesNotMatch(footer(app.frame()), /help|quit/);
	await app.press('?', 'q');
	await app.see('/?q');
	assert.deepEqual(app.exits, []);
});

test('filter words match a name or ID, never the value; value: and is: ask for the rest', async () => {
	const app = renderApp({newIds: ['CFQ7TTC0HD33']});
	await app.see('Clipchamp');
	await app.press('/', ...'power b');
	await app.see(`2 of ${PRODUCTS}`, 'Power BI Pro', 'Power BI Premium');
	await app.press(KEY.escape, 'g', 'd', 'y');
	await waitFor(() => app.backend.valueOf('CFQ7TTC0N8SS') === 'Disabled');
	await app.press('/', ...'value:disabled');
	await app.see(`1 of ${PRODUCTS}`, 'Clipchamp Premium');
	await app.press(KEY.escape, '/', ...'is:new');
	await app.see(`1 of ${PRODUCTS}`, 'Visio Plan 1');
	await app.press(KEY.escape, '/', ...'is:nope');
	await app.see('is:nope: use is:new, is:failed or is:marked', `0 of ${PRODUCTS}`);
});

test('is:marked shows the marked rows, and is:failed the rows whose write failed', async () => {
	const app = renderApp({failSetValue: row => (row.id === 'CFQ7TTC0LH3N' ? serverError() : undefined)});
	await app.see('Clipchamp');
	await app.press('j', 'x', '/', ...'is:marked');
	await app.see(`1 of ${PRODUCTS}`, 'Dynamics 365 Marketing ');
	await app.press(KEY.enter, 'd', 'y');
	await app.see('The licensing service failed');
	await app.press(KEY.escape, KEY.escape);
	await app.gone(`1 of ${PRODUCTS}`);
	await app.press('/', ...'is:failed');
	await app.see(`1 of ${PRODUCTS}`, 'Dynamics 365 Marketing ');
});

test('marks the filter hides are left out of e t d Space, and the dialog and tabs line say how many', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('x', 'x');
	await app.see('2 marked');
	await app.press('/', ...'clipchamp', KEY.enter);
	await app.see('1 marked (+1 hidden by the filter)');
	await app.press('d');
	await app.see('Set 1 row to Disabled', 'Clipchamp Premium (CFQ7TTC0N8SS): Enabled → Disabled', '1 marked row hidden by the filter: left out');
	await app.press('y');
	await waitFor(() => app.backend.valueOf('CFQ7TTC0N8SS') === 'Disabled');
	assert.equal(app.backend.valueOf('CFQ7TTC0LH3N'), 'Enabled', 'the hidden marked row is never sent');
	await app.see('1 marked, hidden by the filter');
	await app.press(KEY.escape);
	await app.see('1 marked');
	assert.match(app.line('Dynamics 365 Marketing '), /●/, 'its mark stays');
});

test('at 80x24 the tenant ID, a bulk change\'s target value and a long hint are shown whole', async () => {
	const long = productRow('CFQ7TTC0ZZZ1', 'Dynamics 365 Customer Service Enterprise with an unusually long product name');
	const app = renderApp({size: {columns: 80, rows: 24}, rows: {product: [long, ...catalogRows().product]}, failSetValue: () => throttled()});
	await app.see('Clipchamp', TENANT_ID);
	await app.press('x', 'x', 'd');
	await app.see('Set 2 rows to Disabled');
	assert.match(app.frame().split('\n').find(line => line.includes('CFQ7TTC0ZZZ1') && line.includes('→')) ?? '', /\(CFQ7TTC0ZZZ1\): Enabled → Disabled/);
	await app.press('y');
	await app.see('The service is throttling requests (429)');
	const text = app.frame().replace(/[│\s]+/g, ' ');
	assert.ok(text.includes('(the last words of this hint)'), `the hint wraps, whole:\n${app.frame()}`);
	assert.ok(LONG_HINT.length > 150);
	for (const line of app.frame().split('\n')) assert.ok(line.length <= 80, `too wide: ${line}`);
});

test('a 500 names its correlation ID once', async () => {
	const app = renderApp({failSetValue: () => serverError()});
	await app.see('Clipchamp');
	await app.press('d', 'y');
	await app.see('The licensing service failed', 'Correlation ID: corr-500');
	assert.equal(app.frame().split('corr-500').length, 2, app.frame());
});

test('a bulk confirmation lists every row that fits: at 200x50 all fourteen', async () => {
	const app = renderApp({size: {columns: 200, rows: 50}});
	await app.see('Clipchamp');
	await app.press(...'xxxxxxxxxxxxxx', 'd');
	await app.see('Set 14 rows to Disabled');
	assert.equal(app.frame().split('\n').filter(line => line.includes('→ Disabled')).length, 14);
	assert.doesNotMatch(app.frame(), /rows 1–|more/);
});

test('below 80x24 a notice names the size needed, and the dashboard still works', async () => {
	const app = renderApp({size: {columns: 60, rows: 18}});
	await app.see('Terminal 60x18: 80x24 needed for the full view', 'Clipchamp');
	await app.press('i');
	await app.see('Can be set to', 'CFQ7TTC0N8SS');
	await app.press(KEY.escape);
	await app.gone('Can be set to');
	await app.see('Clipchamp');
	app.resize({columns: 80, rows: 24});
	await app.gone('needed for the full view');
});

test('at 40x12 a confirmation keeps its tenant and its Yes / No', async () => {
	const app = renderApp({size: {columns: 40, rows: 12}});
	await app.see('Terminal 40x12', 'Clipchamp');
	await app.press('d');
	await app.see('Yes', 'No', 'In tenant contoso.onmicrosoft.com');
	assert.ok(app.frame().replace(/[│\s]+/g, '').includes(`(${TENANT_ID})asadmin@contoso.onmicrosoft.com`), 'the tenant ID, wrapped but whole');
	assert.ok(app.frame().split('\n').length <= 11, app.frame());
	await app.press('y');
	await waitFor(() => app.backend.valueOf('CFQ7TTC0N8SS') === 'Disabled');
});

test('Trials only is the one word for the value at every width; the detail adds the service\'s name', async () => {
	for (const columns of [80, 200]) {
		const app = renderApp({size: {columns, rows: 30}, rows: {product: [productRow('CFQ7TTC0HD33', 'Visio Plan 1', 'OnlyTrialsWithoutPaymentMethod')]}});
		await app.see('Visio Plan 1');
		assert.match(app.line('Visio Plan 1'), /Trials only/);
		assert.doesNotMatch(app.frame(), /OnlyTrialsWithoutPaymentMethod/);
		await app.press('i');
		await app.see('Trials only (OnlyTrialsWithoutPaymentMethod)');
		cleanup();
	}
});

test('the Offer types tab neither counts nor offers Trials only', async () => {
	const app = renderApp();
	await app.see('Clipchamp', 'Trials only 0');
	await app.press(KEY.tab);
	await app.see('Software as a Service', 'e d set');
	assert.doesNotMatch(app.frame(), /Trials only/);
	await app.press('t');
	await app.see('Offer types take Enabled or Disabled only');
	assert.doesNotMatch(app.frame(), /Yes/);
});

test('a throttled load says so with its countdown, then the list', async () => {
	const app = renderApp({retryLoad: {reason: '429', delayMs: 4000}});
	await app.see('The service is throttling requests (429): retrying in');
	assert.match(app.frame(), /retrying in \d s \(try 2\)/);
	app.backend.releaseLoad();
	await app.see('Clipchamp');
	await app.gone('throttling');
});

test('after a failed first load the header says the policy is not loaded, not "Loading the policy…"', async () => {
	const app = renderApp({failLoad: call => (call === 1 ? refused() : undefined)});
	await app.see('Could not reach the licensing service', 'The policy is not loaded: r tries again');
	assert.doesNotMatch(app.frame(), /Loading the policy/);
});

test('r says "Reloaded" when the reload is done', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('r');
	await app.see(`Reloaded: ${PRODUCTS} products, 4 offer types`);
});

test('Esc closes the detail panel before it dismisses a problem or clears the filter', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('/', ...'visio', KEY.enter, 'i');
	await app.see('Can be set to', 'Esc close detail');
	await app.press(KEY.escape);
	await app.gone('Can be set to');
	await app.see(`2 of ${PRODUCTS}`, 'Esc clear filter');
});

test('c copies the selected ID through the terminal (OSC 52) and says so', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('j', 'c');
	await app.see('Copied CFQ7TTC0LH3N (Dynamics 365 Marketing) to the clipboard');
	assert.ok(app.stdout.frames.some(frame => frame.includes(`\u001B]52;c;${Buffer.from('CFQ7TTC0LH3N').toString('base64')}\u0007`)));
});

test('s sorts by name, ID, then value; the tabs line says which, and the selected row stays selected', async () => {
	const app = renderApp();
	await app.see('Clipchamp', 'by name');
	await app.press('/', ...'power bi', KEY.enter);
	await app.cursorOn(/Power BI Premium/);
	await app.press('s');
	await app.see('by ID', 'Sorted by ID');
	await app.cursorOn(/Power BI Premium/);
	const order = app.frame().split('\n').filter(line => /CFQ7/.test(line)).map(line => /CFQ7\w+/.exec(line)?.[0]);
	assert.deepEqual(order, [...order].sort());
	await app.press(KEY.escape, 'd', 'y');
	await waitFor(() => app.backend.valueOf('CFQ7TTC0H6RP') === 'Disabled');
	await app.press('s');
	await app.see('by value');
	await app.press('G');
	await app.cursorOn(/Power BI Premium.*Disabled/);
	await app.press('s');
	await app.see('by name');
});

test('after u the status says what was undone', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('x', 'x', 'x', 'd', 'y');
	await app.see('3 of 3 rows saved');
	await app.press('u', 'y');
	await app.see('Undone: 3 rows are back to Enabled');
});

test('a read-only account cannot mark rows', async () => {
	const app = renderApp({silentAccount: {...ADMIN, roles: ['Global Reader'], canChange: false}});
	await app.see('Clipchamp');
	await app.press('x', 'X');
	await app.see('Global reader: you can look, not change');
	assert.doesNotMatch(app.frame(), /marked|●/);
});
