/**
 * The key table (source/ui/keys.ts) is the dashboard's one keymap: the handler, the footer, `?`
 * and read-only mode all come from it. These tests press every key of every entry, in every mode
 * the entry says it works in, and check that it does what its help line says; and that every key
 * that writes does nothing read-only.
 */
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import {catalog} from '../../source/commerce/catalog.js';
import {Command, KEYS, keysIn, type Mode} from '../../source/ui/keys.js';
import {ADMIN, serverError} from './fakeBackend.js';
import {FakeFleetBackend, summary} from './fakeFleetBackend.js';
import {KEY, renderApp, renderFleetApp, waitFor, type Rendered, type RenderedFleet} from './harness.js';
import type {FakeOptions} from './fakeBackend.js';

afterEach(() => cleanup());

const PRODUCTS = catalog.products.length;

/** What a key spec of the table sends down the wire. */
function bytes(spec: string): string {
	const named: Record<string, string> = {
		up: KEY.up,
		down: KEY.down,
		left: KEY.left,
		right: KEY.right,
		pageup: KEY.pageUp,
		pagedown: KEY.pageDown,
		home: KEY.home,
		end: KEY.end,
		tab: KEY.tab,
		'shift+tab': KEY.shiftTab,
		return: KEY.enter,
		escape: KEY.escape,
		backspace: KEY.backspace,
		space: ' ',
		'ctrl+u': KEY.ctrlU,
		'ctrl+d': KEY.ctrlD,
		'ctrl+c': KEY.ctrlC,
		text: 'v',
	};
	return named[spec] ?? spec;
}

/** Opens the app in a mode: the list, a filter being typed, a confirmation (on Clipchamp Premium), or help. */
async function inMode(mode: Mode, options: FakeOptions = {}): Promise<Rendered> {
	const app = renderApp(options);
	await app.see('Clipchamp');
	if (mode === 'filter') {
		await app.press('/');
		await app.see('type to filter');
	} else if (mode === 'confirm') {
		await app.press('d');
		await app.see('Yes', 'No');
	} else if (mode === 'help') {
		await app.press('?');
		await app.see('The list');
	}
	return app;
}

type Check = (key: string, mode: Mode) => Promise<void>;

const cursorOnFirst = /Clipchamp Premium/;
const cursorOnSecond = /Dynamics 365 Marketing\s+CFQ7TTC0LH3N/;

/** What each command's help line promises in a tenant's dashboard, checked after pressing one of its keys. */
const DOES: Partial<Record<Command, Check>> = {
	[Command.Up]: async (key, mode) => {
		const app = await inMode(mode);
		await app.press(KEY.down, key);
		await app.cursorOn(cursorOnFirst);
	},
	[Command.Down]: async (key, mode) => {
		const app = await inMode(mode);
		await app.press(key);
		await app.cursorOn(cursorOnSecond);
	},
	[Command.PageUp]: async (key, mode) => {
		const app = await inMode(mode);
		await app.press(KEY.pageDown);
		await waitFor(() => !cursorOnFirst.test(app.line('›')));
		await app.press(key);
		await app.cursorOn(cursorOnFirst);
	},
	[Command.PageDown]: async (key, mode) => {
		const app = await inMode(mode);
		await app.press(key);
		await app.cursorOn(/^›(?!.*Clipchamp).*CFQ7/);
	},
	[Command.First]: async (key, mode) => {
		const app = await inMode(mode);
		await app.press(KEY.end);
		await app.cursorOn(/Windows 365 Enterprise/);
		await app.press(key);
		await app.cursorOn(cursorOnFirst);
	},
	[Command.Last]: async (key, mode) => {
		const app = await inMode(mode);
		await app.press(key);
		await app.cursorOn(/Windows 365 Enterprise/);
	},
	[Command.NextTab]: async (key, mode) => {
		const app = await inMode(mode);
		await app.press(key);
		await app.see('Software as a Service');
	},
	[Command.PreviousTab]: async (key, mode) => {
		// Back from Products is the last tab, Tenant switches; once more, Offer types.
		const app = await inMode(mode);
		await app.press(key);
		await app.see('Enter: sign in to Microsoft Graph');
		await app.press(key);
		await app.see('Software as a Service');
	},
	[Command.SignInGraph]: async key => {
		const app = await inMode('list');
		await app.press(KEY.tab, KEY.tab);
		await app.see('Enter: sign in to Microsoft Graph');
		await app.press(key);
		await app.see('Sign in to Microsoft Graph, for the tenant-wide switches', 'G R P H 2 3 4 5');
	},
	[Command.Filter]: async key => {
		const app = await inMode('list');
		await app.press(key, 'v', 'i', 's', 'i', 'o');
		await app.see(`2 of ${PRODUCTS}`, '/visio');
	},
	[Command.Cycle]: async key => {
		const app = await inMode('list');
		await app.press(key);
		await app.see('Change Clipchamp Premium (CFQ7TTC0N8SS)', 'Enabled → Disabled', 'Yes');
	},
	[Command.SetEnabled]: async key => {
		const app = await inMode('list');
		await app.press('d', 'y');
		await app.see('Clipchamp Premium: Enabled → Disabled, saved');
		await app.press(key);
		await app.see('Disabled → Enabled', 'Yes');
	},
	[Command.SetTrials]: async key => {
		const app = await inMode('list');
		await app.press('/', 'v', 'i', 's', 'i', 'o', ' ', '1', KEY.enter, key);
		await app.see('Change Visio Plan 1 (CFQ7TTC0HD33)', 'Enabled → Trials only');
	},
	[Command.SetDisabled]: async key => {
		const app = await inMode('list');
		await app.press(key);
		await app.see('Enabled → Disabled', 'Yes');
	},
	[Command.Mark]: async key => {
		const app = await inMode('list');
		await app.press(key);
		await app.see('1 marked');
		assert.match(app.line('Clipchamp Premium'), /●/);
	},
	[Command.MarkAll]: async key => {
		const app = await inMode('list');
		await app.press(key);
		await app.see(`${PRODUCTS} marked`);
	},
	[Command.Undo]: async key => {
		const app = await inMode('list');
		await app.press('d', 'y');
		await waitFor(() => app.backend.valueOf('CFQ7TTC0N8SS') === 'Disabled');
		await app.press(key);
		await app.see('Undo the last change set: 1 row back to Enabled');
	},
	[Command.RetryFailed]: async key => {
		const app = await inMode('list', {failSetValue: (_row, _value, call) => (call === 1 ? serverError() : undefined)});
		await app.press('d', 'y');
		await app.see('The licensing service failed');
		await app.press(key);
		await waitFor(() => app.backend.valueOf('CFQ7TTC0N8SS') === 'Disabled');
	},
	[Command.NextProblem]: async key => {
		const app = await inMode('list', {failSetValue: () => serverError()});
		await app.press('x', 'x', 'd', 'y');
		await app.see('1 of 2 ([ ])');
		await app.press(key);
		await app.see('2 of 2 ([ ])');
	},
	[Command.PreviousProblem]: async key => {
		const app = await inMode('list', {failSetValue: () => serverError()});
		await app.press('x', 'x', 'd', 'y');
		await app.see('1 of 2 ([ ])');
		await app.press(key);
		await app.see('2 of 2 ([ ])');
	},
	[Command.Reload]: async key => {
		const app = await inMode('list');
		await app.press(key);
		await app.see(`Reloaded: ${PRODUCTS} products, 4 offer types`);
		assert.equal(app.backend.loads, 2);
	},
	[Command.Detail]: async key => {
		const app = await inMode('list');
		await app.press(key);
		await app.see('Can be set to', 'CFQ7TTC0N8SS');
	},
	[Command.Copy]: async key => {
		const app = await inMode('list');
		await app.press(key);
		await app.see('Copied CFQ7TTC0N8SS (Clipchamp Premium) to the clipboard');
		const osc = `\u001B]52;c;${Buffer.from('CFQ7TTC0N8SS').toString('base64')}\u0007`;
		assert.ok(app.stdout.frames.some(frame => frame.includes(osc)), 'the ID went to the terminal as OSC 52');
	},
	[Command.Sort]: async key => {
		const app = await inMode('list');
		await app.press(key);
		await app.see('by ID');
	},
	[Command.Escape]: async key => {
		const app = await inMode('list');
		await app.press('i');
		await app.see('Can be set to');
		await app.press(key);
		await app.gone('Can be set to');
	},
	[Command.Help]: async key => {
		const app = await inMode('list');
		await app.press(key);
		await app.see('The list', 'Tab Shift-Tab');
	},
	[Command.Quit]: async key => {
		const app = await inMode('list');
		await app.press(key);
		assert.deepEqual(app.exits, [0]);
	},
	[Command.Interrupt]: async (key, mode) => {
		const app = await inMode(mode);
		await app.press(key);
		assert.deepEqual(app.exits, [130]);
	},
	[Command.FilterType]: async key => {
		const app = await inMode('filter');
		await app.press(key);
		await app.see('/v');
	},
	[Command.FilterErase]: async key => {
		const app = await inMode('filter');
		await app.press('v', 'i', 's');
		await app.see('/vis');
		await app.press(key);
		await app.see('/vi');
		await app.gone('/vis');
	},
	[Command.FilterKeep]: async key => {
		const app = await inMode('filter');
		await app.press('v', 'i', 's', key);
		await app.see('Space cycle', '/vis');
		await app.gone('type to filter');
	},
	[Command.FilterClear]: async key => {
		const app = await inMode('filter');
		await app.press('v', 'i', 's');
		await app.see(`2 of ${PRODUCTS}`);
		await app.press(key);
		await app.gone(`2 of ${PRODUCTS}`, '/vis');
	},
	[Command.AnswerYes]: async key => {
		const app = await inMode('confirm');
		await app.press(key);
		await waitFor(() => app.backend.valueOf('CFQ7TTC0N8SS') === 'Disabled');
	},
	[Command.AnswerNo]: async key => {
		const app = await inMode('confirm');
		await app.press(key);
		await app.see('Cancelled: nothing changed');
		assert.deepEqual(app.exits, []);
		assert.deepEqual(app.backend.writes, []);
	},
	[Command.Answer]: async key => {
		const app = await inMode('confirm');
		await app.press(key);
		await app.see('Cancelled: nothing changed');
		assert.deepEqual(app.backend.writes, [], 'it opens on No');
	},
	[Command.Choose]: async key => {
		const app = await inMode('confirm');
		await app.press(key);
		await waitFor(() => /❯\s+Yes/.test(app.frame()), () => app.frame());
	},
	[Command.ScrollUp]: async key => {
		const app = await inMode('help');
		await app.press(KEY.down);
		await app.see('lines 2–');
		await app.press(key);
		await app.see('lines 1–');
	},
	[Command.ScrollDown]: async key => {
		const app = await inMode('help');
		await app.press(key);
		await app.see('lines 2–');
	},
	[Command.ScrollPageUp]: async (key, mode) => {
		const app = await longer(mode);
		await app.press(KEY.pageDown);
		await app.gone(mode === 'help' ? 'lines 1–' : 'rows 1–');
		await app.press(key);
		await app.see(mode === 'help' ? 'lines 1–' : 'rows 1–');
	},
	[Command.ScrollPageDown]: async (key, mode) => {
		const app = await longer(mode);
		await app.press(key);
		await app.gone(mode === 'help' ? 'lines 1–' : 'rows 1–');
	},
	[Command.CloseHelp]: async key => {
		const app = await inMode('help');
		await app.press(key);
		await app.gone('The list');
		await app.see('Clipchamp');
		assert.deepEqual(app.exits, [], 'q closes help, it does not quit');
	},
	[Command.Fleet]: async key => {
		// A dashboard started without --tenants: T says how to start a fleet (the fleet tests go back with it).
		const app = await inMode('list');
		await app.press(key);
		await app.see('No fleet: start one with `mscommerce --tenants FILE`');
	},
};

/** The fleet view of 30 tenants, "Tenant 01"…, every one loaded. */
async function inFleet(): Promise<RenderedFleet> {
	const fleet = new FakeFleetBackend(Array.from({length: 30}, (_, index) => ({name: `Tenant ${String(index + 1).padStart(2, '0')}`})));
	const app = renderFleetApp(fleet);
	await waitFor(() => fleet.pending('Tenant 30'));
	for (const [index, tenant] of fleet.tenants.entries()) fleet.answer(tenant.name, summary({Enabled: 20 + index}, {drift: index % 3}));
	await app.gone('loading');
	return app;
}

const firstTenant = /Tenant 01/;

/** What each command's help line promises in the fleet view. */
const FLEET_DOES: Partial<Record<Command, (key: string) => Promise<void>>> = {
	[Command.Up]: async key => {
		const app = await inFleet();
		await app.press(KEY.down, key);
		await app.cursorOn(firstTenant);
	},
	[Command.Down]: async key => {
		const app = await inFleet();
		await app.press(key);
		await app.cursorOn(/Tenant 02/);
	},
	[Command.PageUp]: async key => {
		const app = await inFleet();
		await app.press(KEY.pageDown);
		await waitFor(() => !firstTenant.test(app.line('›')));
		await app.press(key);
		await app.cursorOn(firstTenant);
	},
	[Command.PageDown]: async key => {
		const app = await inFleet();
		await app.press(key);
		await app.cursorOn(/Tenant (?!01)\d\d/);
	},
	[Command.First]: async key => {
		const app = await inFleet();
		await app.press(KEY.end);
		await app.cursorOn(/Tenant 30/);
		await app.press(key);
		await app.cursorOn(firstTenant);
	},
	[Command.Last]: async key => {
		const app = await inFleet();
		await app.press(key);
		await app.cursorOn(/Tenant 30/);
	},
	[Command.Open]: async key => {
		const app = await inFleet();
		await app.press(key);
		await app.see('Clipchamp', 'tenant01.onmicrosoft.com');
		assert.deepEqual(app.fleet.opened, [app.fleet.idOf('Tenant 01')]);
	},
	[Command.Filter]: async key => {
		const app = await inFleet();
		await app.press(key, '2', '9');
		await app.see('1 of 30', '/29');
	},
	[Command.Sort]: async key => {
		const app = await inFleet();
		await app.press(key);
		await app.see('by drift');
	},
	[Command.Reload]: async key => {
		const app = await inFleet();
		await app.press(key);
		assert.deepEqual(app.fleet.loads.at(-1), [app.fleet.idOf('Tenant 01')]);
		await app.see('1 loading');
	},
	[Command.ReloadAll]: async key => {
		const app = await inFleet();
		await app.press(key);
		assert.equal(app.fleet.loads.at(-1)?.length, 30);
		await app.see('30 loading');
	},
	[Command.Escape]: async key => {
		const app = await inFleet();
		await app.press('/', '2', '9', KEY.enter);
		await app.see('1 of 30');
		await app.press(key);
		await app.gone('1 of 30');
	},
	[Command.Help]: async key => {
		const app = await inFleet();
		await app.press(key);
		await app.see('The fleet (one line per tenant)');
	},
	[Command.Quit]: async key => {
		const app = await inFleet();
		await app.press(key);
		assert.deepEqual(app.exits, [0]);
	},
	[Command.Interrupt]: async key => {
		const app = await inFleet();
		await app.press(key);
		assert.deepEqual(app.exits, [130]);
	},
};

/** Help, or a confirmation of ten rows: both longer than 24 lines. */
async function longer(mode: Mode): Promise<Rendered> {
	if (mode === 'help') return inMode('help');
	const app = await inMode('list');
	await app.press(...'xxxxxxxxxx', 'd');
	await app.see('Set 10 rows to Disabled', 'rows 1–');
	return app;
}

test('every key in the table does what its help line says, in every mode it works in (the fleet view too)', async () => {
	for (const action of KEYS) {
		for (const mode of action.modes) {
			const fleetCheck = FLEET_DOES[action.command];
			const check: Check | undefined = mode === 'fleet' ? fleetCheck && (async key => fleetCheck(key)) : DOES[action.command];
			assert.ok(check, `${action.command} has a check in ${mode} mode`);
			for (const key of keysIn(action, mode)) {
				try {
					await check(bytes(key), mode);
				} catch (error) {
					assert.fail(`${key} (${action.command}) in ${mode} mode does not do what its help line says ("${action.help}"): ${error instanceof Error ? error.message : String(error)}`);
				} finally {
					cleanup();
				}
			}
		}
	}
});

test('read-only, every key that writes (marks included) does nothing but say why', async () => {
	const reader = {...ADMIN, roles: ['Global Reader'], canChange: false};
	for (const action of KEYS.filter(candidate => candidate.writes)) {
		for (const key of action.keys) {
			const app = renderApp({silentAccount: reader});
			await app.see('Clipchamp');
			await app.press(bytes(key));
			await waitFor(() => app.frame().split('Global reader: you can look, not change').length === 3, () => `${key}: ${app.frame()}`);
			assert.doesNotMatch(app.frame(), /Yes|marked|●/, `${key} (${action.command})`);
			assert.deepEqual(app.backend.writes, []);
			cleanup();
		}
	}
});

test('the footer offers only keys that work now: read-only hides the change keys, and ? marks them off', async () => {
	const app = renderApp({silentAccount: {...ADMIN, roles: ['Global Reader'], canChange: false}});
	await app.see('Clipchamp', '/ filter');
	const footer = app.frame().split('\n').at(-1) ?? '';
	for (const hidden of ['Space', 'e t d', 'x X', 'undo']) assert.equal(footer.includes(hidden), false, `${hidden} in ${footer}`);
	await app.press('?');
	await app.see('(off: read-only)');
});
