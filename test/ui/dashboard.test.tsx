import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import {catalog} from '../../source/commerce/catalog.js';
import {sortRows} from '../../source/commerce/sort.js';
import {ADMIN, catalogRows, FakeBackend, forbidden, manyRows, productRow, refused, serverError} from './fakeBackend.js';
import {KEY, renderApp, waitFor, type Rendered} from './harness.js';

afterEach(() => cleanup());

// The catalog's products, as the fake backend lists them.
const PRODUCTS = catalog.products.length;

test('the main screen shows account, policy, default value, counts per value and both tabs', async () => {
	const app = renderApp();
	await app.see('admin@contoso.onmicrosoft.com', 'contoso.onmicrosoft.com', 'AllowSelfServicePurchase', 'default Enabled');
	await app.see(`Enabled ${PRODUCTS} · Trials only 0 · Disabled 0`, `Products ${PRODUCTS}`, 'Offer types 4', 'Allows users in the tenant');
	await app.cursorOn(/Clipchamp Premium\s+CFQ7TTC0N8SS\s+Enabled\s+no/);
});

test('products and offer types load in parallel', async () => {
	const backend = new FakeBackend({silentAccount: ADMIN});
	const started: string[] = [];
	const loadRows = backend.loadRows.bind(backend);
	const loadPolicy = backend.loadPolicy.bind(backend);
	backend.loadPolicy = async () => {
		started.push('policy');
		await new Promise(resolve => setTimeout(resolve, 20));
		return loadPolicy();
	};
	backend.loadRows = async scope => {
		started.push(scope);
		await new Promise(resolve => setTimeout(resolve, 20));
		return loadRows(scope);
	};
	const app = renderApp({backend});
	await waitFor(() => started.length === 3);
	assert.equal(app.frame().includes('Clipchamp'), false, 'all three started before any answered');
	await app.see('Clipchamp');
});

test('↓ j ↑ k move the cursor; End G Home g jump; the list scrolls to keep it on screen', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press(KEY.down, 'j');
	await app.cursorOn(/Dynamics 365 Marketing Additional App/);
	await app.press('k');
	await app.cursorOn(/Dynamics 365 Marketing\s+CFQ7TTC0LH3N/);
	await app.press('G');
	await app.cursorOn(/Windows 365 Enterprise/);
	assert.equal(app.frame().includes('Clipchamp'), false, 'the top scrolled away');
	await app.press('g');
	await app.cursorOn(/Clipchamp/);
	await app.press(KEY.end);
	await app.cursorOn(/Windows 365 Enterprise/);
	await app.press(KEY.home, KEY.up);
	await app.cursorOn(/Clipchamp/);
});

test('PgDn / Ctrl-d and PgUp / Ctrl-u move a page at a time', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	// The row just below the screen is where a page down lands.
	const onScreen = app.frame().split('\n').filter(line => / CFQ7/.test(line)).length;
	const below = sortRows(catalogRows().product)[onScreen]?.name ?? '';
	await app.press(KEY.pageDown);
	await app.cursorOn(new RegExp(below));
	await app.press(KEY.pageUp);
	await app.cursorOn(/Clipchamp/);
	await app.press(KEY.ctrlD);
	await app.cursorOn(new RegExp(below));
	await app.press(KEY.ctrlU);
	await app.cursorOn(/Clipchamp/);
	assert.deepEqual(app.backend.writes, [], 'Ctrl-d never means Disabled');
});

test('moving through 10,000 rows draws only the rows that fit', async () => {
	const app = renderApp({rows: {product: manyRows(10_000)}});
	await app.see('Products 10000', 'Product 00001');
	await app.press('G');
	await app.see('Product 10000');
	const lines = app.frame().split('\n');
	assert.equal(lines.filter(line => line.includes('Product 0') || line.includes('Product 1')).length, 15);
	assert.ok(lines.length <= 23, `${lines.length} lines`);
	for (let index = 0; index < 20; index++) await app.press('k');
	await app.cursorOn(/Product 09980/);
});

test('Tab and Shift-Tab switch between Products and Offer types', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press(KEY.tab);
	await app.see('Offer type', 'Software as a Service', 'SaaS', 'Dynamics 365 Business Central');
	assert.equal(app.frame().includes('Clipchamp'), false);
	assert.equal(app.frame().includes('Trial w/o pay'), false, 'offer types have no trial column');
	await app.press(KEY.shiftTab);
	await app.see('Clipchamp', 'Trial w/o pay');
});

test('/ filters by name, ID and value as you type; the header says n of N; Enter keeps it, Esc clears it', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('/', 'V', 'i', 's', 'i', 'o');
	await app.see(`2 of ${PRODUCTS}`, 'Visio Plan 1', 'Visio Plan 2', '/Visio');
	assert.equal(app.frame().includes('Clipchamp'), false);
	await app.press(KEY.enter);
	await app.see('Space cycle');
	assert.match(app.frame(), new RegExp(`2 of ${PRODUCTS}`), 'Enter keeps the filter');
	await app.press('j');
	await app.cursorOn(/Visio Plan 2/);
	await app.press(KEY.escape);
	await app.gone(`2 of ${PRODUCTS}`);
	await app.cursorOn(/Visio Plan 2/);
	await app.see('Teams Premium');
	await app.press('/', 'c', 'f', 'q', '7', 't', 't', 'c', '0', 'h', '9', 'm', 'p');
	await app.see(`1 of ${PRODUCTS}`, 'Power BI Pro');
	await app.press(KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace);
	await app.see(`of ${PRODUCTS}`);
	await app.press(KEY.escape);
	await app.gone(`of ${PRODUCTS}`);
});

test('a filter that matches nothing says so', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('/', 'z', 'z', 'z');
	await app.see(`0 of ${PRODUCTS}`, 'No product matches /zzz');
});

test('Space on Power BI Pro offers Disabled, never trials only', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('/', 'p', 'o', 'w', 'e', 'r', ' ', 'b', 'i', ' ', 'p', 'r', 'o', KEY.enter, ' ');
	await app.see('Change Power BI Pro (CFQ7TTC0H9MP)', 'Enabled → Disabled', 'Yes', 'No');
	assert.doesNotMatch(app.line('→'), /Trials only/);
});

test('Space on Visio Plan 1 offers trials only', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('/', 'v', 'i', 's', 'i', 'o', ' ', '1', KEY.enter, KEY.enter);
	await app.see('Change Visio Plan 1 (CFQ7TTC0HD33)', 'Enabled → Trials only');
	await app.see('Only trials and purchases from now on are affected; existing ones are not.');
});

test('t on Power BI Pro says in the status line why, and opens no dialog', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('/', 'b', 'i', ' ', 'p', 'r', 'o', KEY.enter, 't');
	await app.see('Trials only is not allowed for Power BI Pro');
	assert.equal(app.frame().includes('Yes'), false);
	await app.press('d');
	await app.see('Enabled → Disabled');
});

test('Yes shows the row saving, then the value the service returned', async () => {
	const app = renderApp({holdWrites: true});
	await app.see('Clipchamp');
	await app.press('/', 'v', 'i', 's', 'i', 'o', ' ', '1', KEY.enter, 't');
	await app.see('Enabled → Trials only');
	await app.press('y');
	await app.gone('Yes');
	await waitFor(() => app.line('Visio Plan 1').includes('saving…'));
	app.backend.release();
	await waitFor(() => /Visio Plan 1\s+CFQ7TTC0HD33\s+Trials only/.test(app.frame()));
	await app.see('Visio Plan 1: Enabled → Trials only, saved', 'Trials only 1');
	assert.equal(app.backend.valueOf('CFQ7TTC0HD33'), 'OnlyTrialsWithoutPaymentMethod');
});

test('the confirmation opens on No and names the tenant and account: Enter alone cancels, ↓ Enter confirms, q cancels the dialog and not the app', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('d');
	await app.see('In tenant contoso.onmicrosoft.com (00000000-0000-0000-0000-00000000c0de) as', 'admin@contoso.onmicrosoft.com');
	assert.match(app.frame(), /❯\s+No/, 'the highlight starts on No');
	await app.press(KEY.enter);
	await app.see('Cancelled: nothing changed');
	await app.press('d', 'q');
	await app.see('Cancelled: nothing changed');
	assert.deepEqual(app.exits, [], 'q in a dialog does not quit');
	assert.deepEqual(app.backend.writes, []);
	await app.press('d', KEY.down, KEY.enter);
	await waitFor(() => app.backend.valueOf('CFQ7TTC0N8SS') === 'Disabled');
	await app.see('Clipchamp Premium: Enabled → Disabled, saved');
});

test('Esc, n, or No cancel the confirmation and nothing is sent', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('d');
	await app.see('Yes');
	await app.press(KEY.escape);
	await app.see('Cancelled: nothing changed');
	await app.gone('Yes');
	await app.press('d', 'n');
	await app.gone('Yes');
	await app.press(' ', KEY.enter);
	await app.gone('Yes');
	await app.see('Cancelled: nothing changed');
	assert.deepEqual(app.backend.writes, []);
	await app.cursorOn(/Clipchamp Premium\s+CFQ7TTC0N8SS\s+Enabled/);
});

test('a failed write keeps the value the service holds and shows the problem, its hint and correlation ID', async () => {
	const app = renderApp({failSetValue: () => serverError()});
	await app.see('Clipchamp');
	await app.press('d', 'y');
	await app.see('The licensing service failed', 'Clipchamp Premium (CFQ7TTC0N8SS) stays Enabled', '→ Try again in a minute (r)', 'Correlation ID: corr-500');
	await app.cursorOn(/Clipchamp Premium\s+CFQ7TTC0N8SS\s+Enabled/);
	await app.see('Esc dismiss');
	await app.press(KEY.escape);
	await app.gone('The licensing service failed');
});

test('a 403 on a write switches to read-only with a banner, and change keys say so', async () => {
	const app = renderApp({failSetValue: () => forbidden()});
	await app.see('Clipchamp');
	await app.press('d', 'y');
	await app.see('Global reader: you can look, not change', 'Permission denied', 'Billing administrator', 'corr-403');
	await app.press(KEY.escape);
	await app.gone('Permission denied');
	assert.equal(app.frame().includes('e t d'), false, 'the footer offers no change keys');
	await app.press('j', 'd');
	await waitFor(() => app.frame().split('Global reader: you can look, not change').length === 3, () => app.frame());
	assert.equal(app.frame().includes('Yes'), false);
	await app.press(' ', 'x', 'u');
	assert.equal(app.frame().includes('Yes'), false);
});

test('an account whose roles cannot change starts read-only', async () => {
	const app = renderApp({silentAccount: {...ADMIN, roles: ['Global Reader'], canChange: false}});
	await app.see('Global reader: you can look, not change', 'Clipchamp');
	await app.press('e');
	await waitFor(() => app.frame().split('Global reader: you can look, not change').length === 3, () => app.frame());
	assert.equal(app.frame().includes('Yes'), false);
});

test('? lists every key, scrolls with ↓ and PgDn when longer than the screen, and Esc closes it', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('?');
	await app.see('PgUp PgDn  Ctrl-u Ctrl-d', 'Tab Shift-Tab', 'e t d', 'x X', 'lines 1–');
	await app.press(KEY.down);
	await app.see('lines 2–');
	await app.press(KEY.pageDown);
	await app.see('undo the last change set', 'reload from the service');
	for (let page = 0; page < 6; page++) await app.press(KEY.pageDown);
	await app.see('close this help', 'This policy', 'Allows users in the tenant');
	await app.press(KEY.escape);
	await app.see('Clipchamp');
	await app.gone('Shift-Tab');
});

test('at 80x24 the trial column goes, values are short, and nothing wraps', async () => {
	const app = renderApp({size: {columns: 80, rows: 24}});
	await app.see('Clipchamp');
	const check = () => {
		const lines = app.frame().split('\n');
		assert.ok(lines.length <= 23, `${lines.length} lines`);
		for (const line of lines) assert.ok(line.length <= 80, `too wide: ${line}`);
	};
	check();
	assert.equal(app.frame().includes('Trial w/o pay'), false);
	await app.press('/', 'v', 'i', 's', 'i', 'o', ' ', '1', KEY.enter, 't');
	await app.see('Enabled → Trials only');
	check();
	await app.press('y');
	await waitFor(() => /Visio Plan 1\s+CFQ7TTC0HD33\s+Trials only/.test(app.frame()));
	check();
	await app.press('i');
	await app.see('Can be set to');
	check();
	await app.press('?');
	await app.see('Tab Shift-Tab');
	check();
});

test('the layout follows the terminal when it is resized', async () => {
	const app = renderApp({size: {columns: 80, rows: 24}});
	await app.see('Clipchamp');
	assert.equal(app.frame().includes('Trial w/o pay'), false);
	app.resize({columns: 120, rows: 40});
	await app.see('Trial w/o pay', 'Windows 365 Enterprise');
	app.resize({columns: 80, rows: 12});
	await app.gone('Trial w/o pay', 'Windows 365 Enterprise');
	assert.ok(app.frame().split('\n').length <= 11);
});

test('x marks rows, X marks all shown; e t d then change the marked rows after one confirmation', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('/', 'v', 'i', 's', 'i', 'o', KEY.enter, 'X');
	await app.see('2 marked');
	await app.press('t');
	await app.see(
		'Set 1 row to Trials only',
		'Visio Plan 1 (CFQ7TTC0HD33): Enabled → Trials only',
		'1 row skipped: cannot take Trials only (Visio Plan 2)',
	);
	await app.press('y');
	await waitFor(() => app.backend.valueOf('CFQ7TTC0HD33') === 'OnlyTrialsWithoutPaymentMethod');
	assert.equal(app.backend.valueOf('CFQ7TTC0HD32'), 'Enabled', 'the row that cannot take it is never sent');
	await app.gone('2 marked');
	await app.press('X');
	await app.see('2 marked');
	await app.press('X');
	await app.gone('2 marked');
});

test('marking five rows and disabling them asks once, lists the first few and saves all five', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('x', 'x', 'x', 'x', 'x');
	await app.see('5 marked', 'e t d set 5 marked');
	await app.press('d');
	await app.see('Set 5 rows to Disabled', 'Clipchamp Premium (CFQ7TTC0N8SS): Enabled → Disabled', 'rows 1–3 of 5 · PgUp PgDn for more');
	await app.press(KEY.pageDown);
	await app.see('Dynamics 365 Marketing Attach (CFQ7TTC0LHWP): Enabled → Disabled', 'rows 3–5 of 5');
	await app.press('y');
	await app.see('5 of 5 rows saved', 'Disabled 5');
	assert.equal(app.backend.writes.length, 5);
});

test('u undoes the last change set, then there is nothing to undo', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('u');
	await app.see('Nothing to undo');
	await app.press('d', 'y');
	await waitFor(() => app.backend.valueOf('CFQ7TTC0N8SS') === 'Disabled');
	await app.see('u undo');
	await app.press('u');
	await app.see('Undo the last change set: 1 row back to Enabled', 'Clipchamp Premium (CFQ7TTC0N8SS): Disabled → Enabled');
	await app.press('y');
	await waitFor(() => app.backend.valueOf('CFQ7TTC0N8SS') === 'Enabled');
	await app.see('Undone: Clipchamp Premium is back to Enabled');
	assert.doesNotMatch(app.frame(), /rows saved/, 'the status says what was undone');
	await app.press('u');
	await app.see('Nothing to undo');
});

test('undo leaves alone a row changed since', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('d', 'y');
	await waitFor(() => app.backend.valueOf('CFQ7TTC0N8SS') === 'Disabled');
	app.backend.changeBehind('product', 'CFQ7TTC0N8SS', 'Enabled');
	await app.press('r');
	await app.see(`Enabled ${PRODUCTS}`);
	await app.press('u');
	await app.see('Nothing to undo: Clipchamp Premium (CFQ7TTC0N8SS) changed since (now Enabled; the change set');
	assert.deepEqual(app.backend.writes, [{id: 'CFQ7TTC0N8SS', value: 'Disabled'}]);
});

test('R sends again the rows that failed', async () => {
	const app = renderApp({failSetValue: (_row, _value, call) => (call === 1 ? serverError() : undefined)});
	await app.see('Clipchamp');
	await app.press('d', 'y');
	await app.see('The licensing service failed', 'R retry failed');
	await app.press('R');
	await waitFor(() => app.backend.valueOf('CFQ7TTC0N8SS') === 'Disabled');
	await app.press('u');
	await app.see('Undo the last change set: 1 row back to Enabled');
});

test('a reload that cannot reach the service keeps the rows on screen, marked stale, and r retries', async () => {
	const app = renderApp({failLoad: call => (call === 2 ? refused() : undefined)});
	await app.see('Clipchamp');
	await app.press('r');
	await app.see('stale: r retries', 'Could not reach the licensing service', 'HTTPS_PROXY', 'Clipchamp');
	await app.press('r');
	await app.gone('stale', 'Could not reach');
	await app.see('Clipchamp');
});

test('a first load that fails shows the problem and r tries again', async () => {
	const app = renderApp({failLoad: call => (call === 1 ? refused() : undefined)});
	await app.see('Could not reach the licensing service', 'Nothing loaded: r tries again');
	await app.press('r');
	await app.see('Clipchamp');
	await app.gone('Could not reach the licensing service');
});

test('i shows the selected row in a table', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('/', 'v', 'i', 's', 'i', 'o', ' ', '1', KEY.enter, 'i');
	await app.see('Field', 'Can be set to', 'Enabled, Trials only, Disabled', 'Trial w/o payment', 'ID changed; blocks on old IDs carry over');
	await app.press('i');
	await app.gone('Can be set to');
});

test('q quits with exit code 0, Ctrl-C with 130', async () => {
	const first = renderApp();
	await first.see('Clipchamp');
	await first.press('q');
	assert.deepEqual(first.exits, [0]);
	const second = renderApp();
	await second.see('Clipchamp');
	await second.press(KEY.ctrlC);
	assert.deepEqual(second.exits, [130]);
});

test('typing q into the filter filters; it does not quit', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('/', 'q');
	await app.see('/q');
	assert.deepEqual(app.exits, []);
});

test('keys that arrive in one burst each do what they do alone', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	await app.press('/visio 1\r');
	await app.see(`1 of ${PRODUCTS}`, 'Space cycle');
	await app.press('jjt');
	await app.see('Enabled → Trials only');
});

test('every confirmation is one logged change set, intent before outcome; R continues it, u logs an undo naming it', async () => {
	const app = renderApp({failSetValue: (_row, _value, call) => (call === 2 ? serverError() : undefined)});
	await app.see('Clipchamp');
	await app.press('x', 'x', 'd', 'y');
	await app.see('R retry failed');
	assert.equal(app.backend.changeSets.length, 1);
	const [set] = app.backend.changeSets;
	assert.equal(set!.intents.length, 2, 'each write was journaled before it was sent');
	assert.deepEqual(set!.outcomes.map(o => o.kind).sort(), ['changed', 'failed']);
	await app.press('R');
	await waitFor(() => set!.outcomes.length === 3);
	assert.equal(app.backend.changeSets.length, 1, 'the retry writes into the same change set');
	await app.press('u', 'y');
	await waitFor(() => app.backend.changeSets.length === 2);
	assert.equal(app.backend.changeSets[1]!.undoes, set!.id);
	await waitFor(() => app.backend.changeSets[1]!.outcomes.length === 2);
});

test('products never seen before are marked + and counted in the tabs line', async () => {
	const app = renderApp({newIds: ['CFQ7TTC0HD33', 'CFQ7TTC0N8SS']});
	await app.see('2 new');
	assert.match(app.line('Clipchamp Premium'), /^\S?\s*\+ Clipchamp Premium/);
	assert.doesNotMatch(app.line('Dynamics 365 Marketing Attach'), /\+/);
	await app.press('\t');
	await app.gone('2 new');
});

test('a backend that signed in and loaded before the first frame: the first frame is already the list', async () => {
	const app = renderApp({preloaded: true, newIds: ['CFQ7TTC0N8SS']});
	await app.see('Clipchamp Premium');
	const first = app.stdout.frames[0] ?? '';
	assert.match(first, /Clipchamp Premium/);
	assert.doesNotMatch(first, /Signing in|Loading/);
	assert.equal(app.backend.loads, 0, 'nothing loaded twice');
	await app.see('1 new');
	await app.press('r');
	await waitFor(() => app.backend.loads === 1);
});

/** Filters the list down to Visio Plan 1 (a product whose trial needs no payment method) and selects it. */
async function onVisioPlan1(app: Rendered): Promise<void> {
	await app.see('Clipchamp');
	await app.press('/', 'v', 'i', 's', 'i', 'o', ' ', '1', KEY.enter);
	await app.cursorOn(/Visio Plan 1/);
}

test('another admin changes the row while the dialog is open: y writes nothing over it, and the row shows their value', async () => {
	const app = renderApp();
	await onVisioPlan1(app);
	await app.press('d');
	await app.see('Enabled → Disabled');
	app.backend.changeBehind('product', 'CFQ7TTC0HD33', 'OnlyTrialsWithoutPaymentMethod');
	await app.press('y');
	await app.see('Visio Plan 1: left alone, someone else set Trials only');
	await waitFor(() => /Visio Plan 1\s+CFQ7TTC0HD33\s+Trials only/.test(app.frame()));
	assert.deepEqual(app.backend.writes, []);
	assert.equal(app.backend.valueOf('CFQ7TTC0HD33'), 'OnlyTrialsWithoutPaymentMethod');
});

test("u after another admin's change (no reload) leaves their value, and says so", async () => {
	const app = renderApp();
	await onVisioPlan1(app);
	await app.press('d', 'y');
	await app.see('Visio Plan 1: Enabled → Disabled, saved');
	app.backend.changeBehind('product', 'CFQ7TTC0HD33', 'OnlyTrialsWithoutPaymentMethod');
	// The screen still shows Disabled, so u offers the undo; the write re-reads first.
	await app.press('u');
	await app.see('Undo the last change set: 1 row back to Enabled');
	await app.press('y');
	await app.see('Visio Plan 1: left alone, someone else set Trials only');
	assert.equal(app.backend.valueOf('CFQ7TTC0HD33'), 'OnlyTrialsWithoutPaymentMethod', "the other admin's value stands");
	assert.deepEqual(app.backend.writes, [{id: 'CFQ7TTC0HD33', value: 'Disabled'}]);
});

test('failed rows stay marked !, i tells why with the correlation ID, and [ ] pages through every failure', async () => {
	const failedOnce = new Set<string>();
	const failFirst = (id: string) => (['CFQ7TTC0N8SS', 'CFQ7TTC0LH3N'].includes(id) && !failedOnce.has(id) ? failedOnce.add(id) : false);
	const app = renderApp({failSetValue: row => (failFirst(row.id) ? serverError() : undefined)});
	await app.see('Clipchamp');
	await app.press('x', 'x', 'x', 'd', 'y');
	await app.see('1 of 3 rows saved, 2 failed (R retries, [ ] pages the problems)', '1 of 2 ([ ])');
	assert.match(app.line('Clipchamp Premium'), /!\s+Clipchamp Premium/);
	assert.match(app.line('Dynamics 365 Marketing  '), /!\s+Dynamics 365 Marketing/);
	assert.doesNotMatch(app.line('Additional App'), /!/);
	await app.press(']');
	await app.see('2 of 2 ([ ])', 'Dynamics 365 Marketing (CFQ7TTC0LH3N) stays Enabled');
	await app.press('g', 'i');
	await app.see('Last write failed', 'Enabled → Disabled: The licensing service failed', 'corr-500');
	await app.press('R');
	await app.see('2 of 2 rows saved');
	assert.doesNotMatch(app.frame(), /!\s+(Clipchamp|Dynamics)/, 'retried: no longer marked');
});

test('q while a bulk write is in flight stops sending, says how many are in flight, and quits once they are answered; a second q quits at once', async () => {
	const app = renderApp({holdWrites: true});
	await app.see('Clipchamp');
	await app.press('x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'd', 'y');
	await waitFor(() => app.backend.heldCount() === 8, () => `${app.backend.heldCount()} held`);
	await app.press('q');
	await app.see('Stopping: 8 writes in flight');
	assert.deepEqual(app.exits, [], 'not before the writes in flight are answered');
	app.backend.release();
	await waitFor(() => app.exits.length === 1);
	assert.deepEqual(app.exits, [130]);
	assert.equal(app.backend.writes.length, 8, 'the two rows not yet sent never were');
	assert.deepEqual(app.backend.session.summary(), ['mscommerce: this session\'s changes: 8 changed, 2 not sent.']);

	const again = renderApp({holdWrites: true});
	await again.see('Clipchamp');
	await again.press('x', 'x', 'd', 'y');
	await waitFor(() => again.backend.heldCount() === 2);
	await again.press('q');
	await again.see('Stopping: 2 writes in flight');
	await again.press('q');
	await waitFor(() => again.exits.length === 1);
	assert.deepEqual(again.exits, [130]);
	again.backend.release();
});

test('a hostile product name is drawn inert on one line: no control byte reaches any frame', async () => {
	const {HOSTILE} = await import('../../source/emulator/hostile.js');
	const hostile = productRow('CFQ7TTC0EV1L', HOSTILE.productName);
	const app = renderApp({rows: {product: [...catalogRows().product, hostile]}});
	await app.see('Clipchamp');
	await app.press('/', 'R', 'o', 'w', ' ', 'B', KEY.enter);
	await app.see('Row B \\x1b]2;xxx');
	await app.press('i');
	await app.see('Name', 'CFQ7TTC0EV1L');
	await app.press('t');
	await app.see('Change Row B');
	// eslint-disable-next-line no-control-regex
	const control = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
	for (const frame of app.stdout.frames) assert.doesNotMatch(frame, control);
	assert.equal(app.frame().split('\n').filter(line => line.includes('Row B')).length, 3, 'the list row, the detail and the dialog: each one line');
});
