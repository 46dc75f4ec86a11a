/**
 * The fleet view (`mscommerce --tenants FILE`) as a user sees it: tenants that fill in as their
 * answers arrive, a failed tenant's problem on its own row, Enter into a tenant's dashboard and
 * Esc / T back with the selection kept, the filter, the order, reloads, and T in a dashboard with
 * no fleet. Rendered with ink-testing-library on a fake FleetBackend whose tenants answer when
 * the test says.
 */
import assert from 'node:assert/strict';
import {stripVTControlCharacters} from 'node:util';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import {countsStart, fleetColumns, fleetLayout} from '../../source/ui/state/fleetLayout.js';
import {fleetReducer, initialFleet} from '../../source/ui/state/fleet.js';
import {FakeFleetBackend, problem, summary} from './fakeFleetBackend.js';
import {KEY, renderApp, renderFleetApp, waitFor, type RenderedFleet} from './harness.js';

afterEach(() => cleanup());

/** Contoso drifts, Fabrikam cannot be signed in to, Northwind has a new product, Woodgrove is in sync. */
async function loadedFleet(size?: {columns: number; rows: number}): Promise<RenderedFleet> {
	const fleet = new FakeFleetBackend([{name: 'Contoso', baseline: 'baseline.yaml'}, {name: 'Fabrikam'}, {name: 'Northwind', baseline: 'baseline.yaml'}, {name: 'Woodgrove', baseline: 'baseline.yaml'}]);
	const app = renderFleetApp(fleet, size ? {size} : {});
	await app.see('Woodgrove', '4 loading');
	await waitFor(() => fleet.pending('Woodgrove'));
	fleet.answer('Contoso', summary({Enabled: 18, OnlyTrialsWithoutPaymentMethod: 2, Disabled: 4}, {drift: 2}));
	fleet.fail('Fabrikam', problem('The app has no service principal in this tenant'));
	fleet.answer('Northwind', summary({Enabled: 19, OnlyTrialsWithoutPaymentMethod: 2, Disabled: 4}, {drift: 0, fresh: 1}));
	fleet.answer('Woodgrove', summary({Enabled: 24}, {drift: 0}));
	await app.gone('loading');
	return app;
}

/** The tenants in the order the list shows them. */
function order(app: RenderedFleet): string[] {
	const names = app.fleet.tenants.map(tenant => tenant.name);
	return app
		.frame()
		.split('\n')
		// A row: the cursor, the tenant's state, a space, its name.
		.map(line => names.find(name => line.slice(3).startsWith(`${name} `)))
		.filter((name): name is string => name !== undefined);
}

test('tenants fill in as their answers arrive: one still loading while the others show their counts', async () => {
	const fleet = new FakeFleetBackend([{name: 'Contoso', baseline: 'baseline.yaml'}, {name: 'Fabrikam'}, {name: 'Northwind', baseline: 'baseline.yaml'}]);
	const app = renderFleetApp(fleet);
	await app.see('Contoso', 'Fabrikam', 'Northwind', 'Enabled', 'Trials only', 'Disabled', 'Drift', 'New', 'Problem');
	await app.see('3 loading');
	await waitFor(() => fleet.loads.length > 0);
	assert.deepEqual(fleet.loads, [fleet.tenants.map(tenant => tenant.id)], 'every tenant is asked for at once');
	fleet.answer('Northwind', summary({Enabled: 18, OnlyTrialsWithoutPaymentMethod: 2, Disabled: 4}, {drift: 3, fresh: 1}));
	fleet.answer('Contoso', summary({Enabled: 20, Disabled: 4}, {drift: 0}));
	await waitFor(() => /Northwind\s+18\s+2\s+4\s+3\s+1/.test(app.line('Northwind')), () => app.frame());
	assert.match(app.line('Contoso'), /Contoso\s+20\s+0\s+4\s+0\s+0/);
	assert.match(app.line('Fabrikam'), /Fabrikam\s+loading…/);
	await app.see('1 loading');
	// Fabrikam has no baseline: its drift is a dash, not a zero.
	fleet.answer('Fabrikam', summary({Enabled: 24}));
	await waitFor(() => /Fabrikam\s+24\s+0\s+0\s+–\s+0/.test(app.line('Fabrikam')), () => app.frame());
	await app.gone('loading');
	await app.see('1 drift', '1 with new');
});

test("a failed tenant shows its problem on its own row, and its hints when selected, while the others show their counts", async () => {
	const app = await loadedFleet();
	assert.match(app.line('Fabrikam'), /^ ! Fabrikam\s+The app has no service principal in this tenant/);
	assert.match(app.line('Contoso'), /Contoso\s+18\s+2\s+4\s+2\s+0/);
	assert.match(app.line('Woodgrove'), /Woodgrove\s+24\s+0\s+0\s+0\s+0/);
	await app.see('1 failed');
	assert.equal(app.frame().includes('Ask an admin of that tenant'), false, 'the hints show for the selected tenant');
	await app.press('j');
	await app.cursorOn(/Fabrikam/);
	await app.see('Ask an admin of that tenant to consent to the app', 'Correlation ID: corr-fleet', 'fabrikam.onmicrosoft.com');
	// Another tenant failing never touches the rows of the rest; a later success clears the problem.
	await app.press('r');
	app.fleet.answer('Fabrikam', summary({Enabled: 24}));
	await waitFor(() => /Fabrikam\s+24/.test(app.line('Fabrikam')), () => app.frame());
	await app.gone('Ask an admin of that tenant', '1 failed');
});

test('a reload that fails keeps the counts from before and shows the problem beside them', async () => {
	const app = await loadedFleet();
	await app.press('r');
	await waitFor(() => app.fleet.pending('Contoso'));
	app.fleet.fail('Contoso', problem('The licensing service failed'));
	await waitFor(() => /Contoso\s+18\s+2\s+4\s+2\s+0\s+The licens/.test(app.line('Contoso')), () => app.frame());
	await app.see('its last reload failed; the counts shown are from before', 'Contoso: The licensing service failed');
});

test("Enter opens the selected tenant's dashboard; Esc comes back to the fleet with the same tenant selected, and so does T", async () => {
	const app = await loadedFleet();
	await app.press('j', 'j');
	await app.cursorOn(/Northwind/);
	await app.press(KEY.enter);
	await app.see('Clipchamp', 'northwind.onmicrosoft.com', 'T tenants');
	assert.deepEqual(app.fleet.opened, [app.fleet.idOf('Northwind')]);
	// Esc first clears what there is to clear in the dashboard (its filter), and only then goes back.
	await app.press('/', 'v', 'i', 's', KEY.enter);
	await app.see('/vis');
	await app.press(KEY.escape);
	await app.gone('/vis');
	await app.cursorOn(/Visio Plan 1/);
	await app.press(KEY.escape);
	await app.see('Tenants 4', 'Woodgrove');
	await app.cursorOn(/Northwind/);
	// Coming back reloads the tenant just left (what was changed or seen there shows on its row).
	assert.deepEqual(app.fleet.loads.at(-1), [app.fleet.idOf('Northwind')]);
	app.fleet.answer('Northwind', summary({Enabled: 19, OnlyTrialsWithoutPaymentMethod: 2, Disabled: 4}, {drift: 0}));
	await app.press(KEY.enter);
	await app.see('Clipchamp', 'northwind.onmicrosoft.com');
	await app.press('T');
	await app.see('Tenants 4');
	await app.cursorOn(/Northwind/);
	assert.deepEqual(app.exits, []);
});

test('a tenant whose writes are in flight is not left until they settle', async () => {
	const fleet = new FakeFleetBackend([{name: 'Contoso'}]);
	const app = renderFleetApp(fleet);
	await waitFor(() => fleet.pending('Contoso'));
	fleet.answer('Contoso', summary({Enabled: 24}));
	await app.gone('loading');
	await app.press(KEY.enter);
	await app.see('Clipchamp');
	const backend = fleet.backends.get(fleet.idOf('Contoso'))!;
	backend.options.holdWrites = true;
	await app.press('d', 'y');
	await waitFor(() => backend.heldCount() === 1);
	await app.press('T');
	await app.see('Still saving the last change: wait for it to finish');
	backend.release();
	await app.see('Clipchamp Premium: Enabled → Disabled, saved');
	await app.press('T');
	await app.see('Tenants 1');
});

test('/ filters tenants by name, and by is:drift, is:failed, is:new; Esc clears it', async () => {
	const app = await loadedFleet();
	await app.press('/', ...'nor');
	await app.see('1 of 4', '/nor');
	assert.deepEqual(order(app), ['Northwind']);
	await app.press(KEY.escape);
	await app.gone('1 of 4');
	assert.deepEqual(order(app), ['Contoso', 'Fabrikam', 'Northwind', 'Woodgrove']);
	for (const [query, shown] of [
		['is:drift', ['Contoso']],
		['is:failed', ['Fabrikam']],
		['is:new', ['Northwind']],
		['WOOD', ['Woodgrove']],
		['woodgrove.onmicrosoft', ['Woodgrove']],
	] as const) {
		await app.press('/', ...query, KEY.enter);
		await waitFor(() => JSON.stringify(order(app)) === JSON.stringify(shown), () => `${query}: ${app.frame()}`);
		// Enter kept the filter: the list's keys work on what it shows.
		await app.cursorOn(new RegExp(shown[0]));
		await app.press(KEY.escape);
		await app.gone(`/${query}`);
	}
	await app.press('/', ...'is:foo');
	await app.see('is:foo: use is:drift, is:new, is:failed or is:loading', 'No tenant matches /is:foo');
});

test('s sorts by drift (most first), then problems first, then by name again; the selected tenant stays selected', async () => {
	const app = await loadedFleet();
	await app.press('j', 'j');
	await app.cursorOn(/Northwind/);
	await app.press('s');
	await app.see('Sorted by drift', 'by drift');
	assert.deepEqual(order(app), ['Contoso', 'Northwind', 'Woodgrove', 'Fabrikam']);
	await app.cursorOn(/Northwind/);
	await app.press('s');
	await app.see('Sorted by problems first');
	assert.deepEqual(order(app), ['Fabrikam', 'Contoso', 'Northwind', 'Woodgrove']);
	await app.cursorOn(/Northwind/);
	await app.press('s');
	await app.see('by name');
	assert.deepEqual(order(app), ['Contoso', 'Fabrikam', 'Northwind', 'Woodgrove']);
	await app.cursorOn(/Northwind/);
});

test('r reloads the selected tenant and R every tenant; each row fills in again as it answers', async () => {
	const app = await loadedFleet();
	await app.press('r');
	assert.deepEqual(app.fleet.loads.at(-1), [app.fleet.idOf('Contoso')]);
	await app.see('Reloading Contoso…', '1 loading');
	// The counts stay on the row while it loads again.
	assert.match(app.line('Contoso'), /Contoso\s+18/);
	await app.press('r');
	await app.see('Still loading Contoso');
	app.fleet.answer('Contoso', summary({Enabled: 17, OnlyTrialsWithoutPaymentMethod: 2, Disabled: 5}, {drift: 1}));
	await app.see('Reloaded Contoso');
	assert.match(app.line('Contoso'), /Contoso\s+17\s+2\s+5\s+1/);
	await app.press('R');
	assert.deepEqual(app.fleet.loads.at(-1), app.fleet.tenants.map(tenant => tenant.id));
	await app.see('4 loading');
	app.fleet.answer('Woodgrove', summary({Enabled: 23, Disabled: 1}, {drift: 1}));
	await waitFor(() => /Woodgrove\s+23/.test(app.line('Woodgrove')));
	await app.see('3 loading');
});

test('a note about a loading tenant (a retry being waited out) shows on its row', async () => {
	const fleet = new FakeFleetBackend([{name: 'Contoso'}, {name: 'Fabrikam'}]);
	const app = renderFleetApp(fleet);
	await app.see('Fabrikam');
	await waitFor(() => fleet.pending('Fabrikam'));
	fleet.note('Fabrikam', 'note: licensing.m365.microsoft.com answered 429; trying again in 3 s');
	await waitFor(() => /Fabrikam\s+loading… licensing\.m365\.microsoft\.com answered 429/.test(app.line('Fabrikam')), () => app.frame());
	fleet.answer('Fabrikam', summary({Enabled: 24}));
	await waitFor(() => !app.line('Fabrikam').includes('429'));
});

test('T in a dashboard started without --tenants says in one line how to start a fleet', async () => {
	const app = renderApp();
	await app.see('Clipchamp');
	assert.equal(app.frame().includes('T tenants'), false, 'no fleet: the footer does not offer T');
	await app.press('T');
	await app.see('No fleet: start one with `mscommerce --tenants FILE` (see docs/fleet.md)');
	await app.press(KEY.escape);
	await app.see('Clipchamp');
	assert.deepEqual(app.exits, []);
});

test('names from the tenants file and problems from the service are shown, never obeyed', async () => {
	const fleet = new FakeFleetBackend([{name: 'Evil \u001B]0;pwned\u0007 tenant', tenant: 'evil.example'}, {name: 'Good'}]);
	const app = renderFleetApp(fleet);
	await waitFor(() => fleet.pending('Good'));
	fleet.fail('Evil \u001B]0;pwned\u0007 tenant', problem('Refused \u001B[2J\u001B[31mclear screen', 'hint \u202Eesrever'));
	await app.see('Evil \\x1b]0;pwned\\x07 tenant', 'Refused \\x1b[2J');
	await app.see('hint \\u202eesrever');
	for (const frame of app.stdout.frames) {
		assert.equal(frame.includes('\u001B]0;'), false, 'no window title sequence reached the terminal');
		assert.equal(frame.includes('\u001B[2J'), false, 'no clear-screen reached the terminal');
		assert.equal(frame.includes('\u202E'), false, 'no BiDi override reached the terminal');
	}
});

test('at 80 columns every line fits; below, the Problem column gives way to the panel; at 160 a Baseline column shows', async () => {
	const long = 'The app has no service principal in this tenant, and this title goes on well past the width of any terminal you have, even one a hundred and sixty columns wide';
	for (const columns of [60, 80, 120, 160]) {
		const fleet = new FakeFleetBackend([{name: 'Contoso', baseline: 'baseline.yaml'}, {name: 'customer001.onmicrosoft.com', tenant: 'customer001.onmicrosoft.com'}, {name: 'Fabrikam'}]);
		const app = renderFleetApp(fleet, {size: {columns, rows: 24}});
		await app.see('Contoso');
		await waitFor(() => fleet.pending('Fabrikam'));
		fleet.answer('Contoso', summary({Enabled: 1234, OnlyTrialsWithoutPaymentMethod: 2, Disabled: 4}, {drift: 12, fresh: 3}));
		fleet.answer('customer001.onmicrosoft.com', summary({Enabled: 18}));
		fleet.fail('Fabrikam', problem(long));
		await app.gone('loading');
		const lines = app.frame().split('\n').map(line => stripVTControlCharacters(line));
		assert.ok(lines.length <= 23, `${columns}: ${lines.length} lines`);
		for (const line of lines) assert.ok(line.length <= columns, `${columns}: too wide: ${line}`);
		assert.match(app.line('Fabrikam'), /The app has no service principal.*…/, `${columns}: the problem is cut with …`);
		assert.equal(app.frame().includes(' Problem'), columns >= 80, `${columns}: the Problem column`);
		assert.equal(app.frame().includes('Baseline'), columns >= 120, `${columns}: the Baseline column`);
		assert.equal(app.frame().includes(columns >= 80 ? 'Trials only' : 'Trials'), true);
		if (columns >= 80) assert.match(app.line('customer001'), /customer001\.onmicrosoft\.com/, `${columns}: a domain fits whole`);
		await app.press('j', 'j');
		await app.cursorOn(/Fabrikam/);
		await app.see('Ask an admin of that tenant');
		cleanup();
	}
});

test('? shows the keys of the fleet view, not the tabs of a dashboard; Esc closes it', async () => {
	const app = await loadedFleet();
	await app.press('?');
	await app.see('The fleet (one line per tenant)', "open the tenant's dashboard", 'reload every tenant', 'sort by name / drift / problems first');
	assert.equal(app.frame().includes('Products ↔ Offer types'), false);
	await app.press(KEY.escape);
	await app.see('Woodgrove');
	await app.press('q');
	assert.deepEqual(app.exits, [0]);
});

test('at every size from 40x12 to 200x50 the fleet view fits: its columns add up to the width at most, its parts to the height', () => {
	const fleet = new FakeFleetBackend(Array.from({length: 40}, (_, index) => ({name: index === 0 ? 'northwindpartners.onmicrosoft.com' : `Tenant ${index}`})));
	let state = initialFleet(fleet.tenants);
	state = fleetReducer(state, {type: 'tenant-done', id: fleet.tenants[0]!.id, generation: 1, outcome: {ok: false, problem: problem('The app has no service principal in this tenant', 'a hint '.repeat(40))}});
	for (let columns = 40; columns <= 200; columns += 4) {
		for (let rows = 12; rows <= 50; rows += 2) {
			for (const name of [12, 33, 60]) {
				const shown = fleetColumns(columns, {name, fresh: 3, baseline: 22});
				const used = countsStart(shown) + shown.counts.reduce((sum, column) => sum + column.width + 1, 0) + (shown.drift ? shown.drift + 1 : 0) + (shown.fresh ? shown.fresh + 1 : 0) + (shown.baseline ? shown.baseline + 1 : 0) + shown.problem;
				assert.ok(used <= columns, `${columns} columns, names of ${name}: ${used} used`);
				assert.ok(shown.name >= Math.min(name, 12) || columns < 60, `${columns}: a name keeps 12 columns`);
				if (columns >= 80) assert.ok(shown.problem >= 8 && shown.drift > 0 && shown.fresh > 0, `${columns}: every column shows at 80`);
			}
			const screen = fleetLayout({columns, rows}, state);
			const lines = (screen.notice ? 1 : 0) + (screen.header ? 1 : 0) + (screen.summary ? 1 : 0) + (screen.list === undefined ? 0 : screen.list + 1) + (screen.problem ? screen.problem.length + 2 : 0) + (screen.status ? 1 : 0) + 1;
			assert.ok(lines <= rows - 1, `${columns}x${rows}: ${lines} lines`);
			if (rows >= 24) assert.ok((screen.list ?? 0) >= 3, `${columns}x${rows}: the list keeps 3 rows`);
		}
	}
});
