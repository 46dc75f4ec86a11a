/**
 * The Tenant switches tab (docs/switches.md) as a user meets it, against an in-memory Backend
 * (test/ui/fakeSwitches.ts): no Graph call until Enter (only the silent sign-in), the device code
 * as the dashboard's own sign-in shows it, rows with their values, a change confirmed, written and
 * verified through the one engine, u, a 403, an object Graph cannot read, someone else's change,
 * and "Can users still get it?" in a product's detail.
 */
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import {NOT_COVERED} from '../../source/switches/explain.js';
import {ADMIN, catalogRows, FakeBackend, productRow} from './fakeBackend.js';
import {BETA_UNAVAILABLE, type FakeSwitches, type FakeSwitchesOptions} from './fakeSwitches.js';
import {KEY, renderApp, waitFor, type Rendered} from './harness.js';

afterEach(() => cleanup());

const VISIO = 'CFQ7TTC0HD33';

/** The dashboard, its Graph part and the frame, with the products' list loaded. */
async function open(switches: FakeSwitchesOptions = {}, size?: {columns: number; rows: number}, rows = catalogRows().product): Promise<Rendered & {graph: FakeSwitches}> {
	const backend = new FakeBackend({silentAccount: ADMIN, switches, rows: {product: rows}});
	const app = renderApp({backend, size});
	// The list drawn: the screen's keys are listened to from then on.
	await app.see('›');
	return {...app, graph: backend.switches!};
}

/** Tab, Tab: the Tenant switches tab. */
async function toSwitches(app: Rendered): Promise<void> {
	await app.press(KEY.tab, KEY.tab);
	await app.see('Tenant-wide switches');
}

/** The switches' rows as on screen: name → value. */
function values(app: Rendered): Record<string, string> {
	const found: Record<string, string> = {};
	for (const line of app.frame().split('\n')) {
		const match = /^[› ][! ] (emailSignUp|emailJoin|trialsOnBehalfOfOrg|officeStore)\s+(\S+)/.exec(line);
		if (match) found[match[1]!] = match[2]!;
	}
	return found;
}

test('the tab says "Enter: sign in to Microsoft Graph" and why, and makes no Graph call until Enter; the code then shows as the sign-in screen shows it', async () => {
	const app = await open();
	assert.deepEqual(app.graph.calls, [], 'opening the dashboard asks Graph nothing');
	await toSwitches(app);
	await app.see('Enter: sign in to Microsoft Graph', 'a separate service', 'cannot be reused', 'Enter sign in to Microsoft Graph');
	await new Promise(resolve => setTimeout(resolve, 50));
	assert.deepEqual(app.graph.calls, ['silent'], 'only the silent sign-in (the token cache): no device code, no read');
	await app.press(KEY.enter);
	await app.see('Sign in to Microsoft Graph, for the tenant-wide switches', 'https://microsoft.com/devicelogin', 'G R P H 2 3 4 5', '(type it as GRPH2345)', 'waiting for approval', 'Esc cancel sign-in');
	assert.deepEqual(app.graph.networkCalls, ['device-code']);
	app.graph.approve();
	await waitFor(() => values(app).officeStore === 'on', () => app.frame());
	assert.deepEqual(values(app), {emailSignUp: 'on', emailJoin: 'on', trialsOnBehalfOfOrg: 'on', officeStore: 'on'});
	assert.deepEqual(app.graph.networkCalls, ['device-code', 'read']);
	// What on allows and who may change it: under the selected switch.
	await app.see('Users may sign up for email-based subscriptions', 'Who may change it: Privileged Role Administrator or Global Administrator', 'Tenant switches 4');
});

test('Esc stops waiting for the Graph code; Enter asks for a new one', async () => {
	const app = await open();
	await toSwitches(app);
	await app.see('Enter: sign in to Microsoft Graph');
	await app.press(KEY.enter);
	await app.see('G R P H 2 3 4 5');
	await app.press(KEY.escape);
	await app.see('Sign-in cancelled.');
	await app.press(KEY.enter);
	await app.see('G R P H 2 3 4 6');
	app.graph.approve();
	await waitFor(() => values(app).emailJoin === 'on', () => app.frame());
});

test('a Graph sign-in in the cache: the switches load as soon as the tab opens, without Enter', async () => {
	const app = await open({silent: true, values: {officeStore: 'off'}});
	await toSwitches(app);
	await waitFor(() => values(app).officeStore === 'off', () => app.frame());
	assert.deepEqual(values(app), {emailSignUp: 'on', emailJoin: 'on', trialsOnBehalfOfOrg: 'on', officeStore: 'off'});
	assert.deepEqual(app.graph.calls, ['silent', 'read']);
	assert.doesNotMatch(app.frame(), /Enter: sign in/);
});

test('Space toggles the selected switch: the confirmation names tenant and account, the write is verified, the row shows what Graph holds; u undoes it', async () => {
	const app = await open({silent: true});
	await toSwitches(app);
	await waitFor(() => values(app).trialsOnBehalfOfOrg === 'on', () => app.frame());
	await app.press('j', 'j');
	await app.cursorOn(/trialsOnBehalfOfOrg/);
	await app.press(' ');
	await app.see('Change trialsOnBehalfOfOrg (trials on behalf of the organization)', 'on → off', 'In tenant contoso.onmicrosoft.com', 'as admin@contoso.onmicrosoft.com', 'applies to every user of the tenant', 'No');
	assert.deepEqual(app.graph.networkCalls, ['read'], 'nothing sent before yes');
	await app.press('y');
	await app.see('trialsOnBehalfOfOrg: on → off, saved (Microsoft Graph holds off)');
	assert.equal(values(app).trialsOnBehalfOfOrg, 'off');
	assert.equal(app.graph.held.get('trialsOnBehalfOfOrg'), 'off');
	const [set] = app.graph.changeSets;
	assert.deepEqual(set?.intents.map(change => [change.row.id, change.from, change.to]), [['trialsOnBehalfOfOrg', 'on', 'off']]);
	assert.deepEqual(set?.outcomes.map(outcome => outcome.kind), ['changed']);
	// u: the last switch change, back through the same path, as a change set of its own.
	await app.see('u undo');
	await app.press('u');
	await app.see('Undo the last switch change: trialsOnBehalfOfOrg back to on', 'trialsOnBehalfOfOrg: off → on');
	await app.press('y');
	await app.see('Undone: trialsOnBehalfOfOrg is back to on');
	assert.equal(app.graph.held.get('trialsOnBehalfOfOrg'), 'on');
	assert.equal(app.graph.changeSets[1]?.undoes, set?.id);
	// e is on, d is off; a switch already there opens nothing.
	await app.press('e');
	await app.see('trialsOnBehalfOfOrg is already on');
	await app.press('d');
	await app.see('on → off', 'Yes');
	await app.press('n');
	await app.see('Cancelled: nothing changed');
	assert.equal(app.graph.held.get('trialsOnBehalfOfOrg'), 'on');
});

test('a write Graph refuses (403) shows the problem with its hint and keeps the old value; the products stay changeable', async () => {
	const app = await open({silent: true, refuseWrites: true});
	await toSwitches(app);
	await waitFor(() => values(app).emailJoin === 'on', () => app.frame());
	await app.press('j', 'd', 'y');
	await app.see('Microsoft Graph refused to change appsAndServices (403', '→ Changing it needs Global Administrator', 'emailJoin (joining by verified email) stays on');
	assert.equal(values(app).emailJoin, 'on');
	assert.equal(app.graph.held.get('emailJoin'), 'on');
	assert.match(app.line('emailJoin'), /^›!/, 'marked as failed');
	// After a failed write the tab reads Graph again: what is on screen is what Graph holds.
	await waitFor(() => app.graph.calls.filter(call => call === 'read').length === 2, () => app.graph.calls.join(', '));
	assert.equal(values(app).emailJoin, 'on');
	await app.press(KEY.tab);
	await app.see('Space cycle');
	assert.doesNotMatch(app.frame(), /Global reader/);
});

test("Graph's beta appsAndServices unavailable: those two switches are unknown, their problem shows when selected, and the others still work", async () => {
	const app = await open({silent: true, betaUnavailable: true});
	await toSwitches(app);
	await waitFor(() => values(app).officeStore === 'unknown', () => app.frame());
	assert.deepEqual(values(app), {emailSignUp: 'on', emailJoin: 'on', trialsOnBehalfOfOrg: 'unknown', officeStore: 'unknown'});
	assert.doesNotMatch(app.frame(), /not available in this tenant/, 'the first switch was read: no problem on show');
	await app.press('j', 'j');
	await app.see('appsAndServices (beta) is not available in this tenant/cloud', 'trialsOnBehalfOfOrg is unknown: it could not be read (the other switches still work)');
	await app.press('d');
	await app.see('trialsOnBehalfOfOrg could not be read, so it cannot be changed here');
	assert.doesNotMatch(app.frame(), /Yes/);
	await app.press('k', 'k');
	await app.gone('not available in this tenant');
	await app.press('d', 'y');
	await app.see('emailSignUp: on → off, saved');
	assert.equal(app.graph.held.get('emailSignUp'), 'off');
});

test('someone else changes the switch between the confirmation and the write: nothing is sent, the status says so and the row shows what Graph holds', async () => {
	const app = await open({silent: true});
	await toSwitches(app);
	await waitFor(() => values(app).officeStore === 'on', () => app.frame());
	await app.press('G', 'd');
	await app.see('Change officeStore', 'Yes');
	app.graph.changeBehind('officeStore', 'off');
	await app.press('y');
	await app.see('officeStore: someone else changed it to off since you confirmed; nothing sent');
	assert.equal(values(app).officeStore, 'off');
	assert.deepEqual(app.graph.networkCalls.filter(call => call.startsWith('write')), []);
});

test('i on a Disabled product: the answer from its value alone until the switches are read, then "a trial can still start", and after the switch goes off "no documented way"; what is not covered is always named', async () => {
	const rows = [productRow(VISIO, 'Visio Plan 1', 'Disabled'), ...catalogRows().product.filter(row => row.id !== VISIO)];
	const app = await open({silent: true}, {columns: 200, rows: 50}, rows);
	await app.press('/', ...'visio plan 1', KEY.enter, 'i');
	await app.see(
		'Can users get it',
		'Disabled for purchase; whether a trial can still start on behalf of the organization is not known: the tenant switches were not read in this session.',
		'Tenant switches not read: Tab to Tenant switches and press Enter to sign in to Microsoft Graph',
		NOT_COVERED[0],
		NOT_COVERED[1],
	);
	assert.deepEqual(app.graph.calls, [], 'the detail reads nothing from Graph');
	// Read the switches (Tab, Tab), and back to the products (Tab).
	await app.press(KEY.escape);
	await toSwitches(app);
	await waitFor(() => values(app).trialsOnBehalfOfOrg === 'on', () => app.frame());
	await app.press(KEY.tab, 'i');
	await app.see('Disabled for purchase; a trial can still start: trials on behalf of the organization is on.', NOT_COVERED[0], NOT_COVERED[1]);
	assert.doesNotMatch(app.frame(), /Tenant switches not read/);
	// Trials on behalf of the organization off: no documented way left.
	await app.press(KEY.escape, KEY.tab, KEY.tab);
	await app.see('trialsOnBehalfOfOrg');
	await app.press('j', 'j', 'd', 'y');
	await app.see('trialsOnBehalfOfOrg: on → off, saved');
	await app.press(KEY.tab, 'i');
	await app.see('Disabled for purchase; no documented way for users to buy or trial it: trials on behalf of the organization is off.', 'Not covered', NOT_COVERED[0], NOT_COVERED[1]);
});

test('at 80x24 and 160x40 the tab bar fits, nothing is wider than the terminal, and the confirmation keeps its tenant and answers', async () => {
	for (const size of [
		{columns: 80, rows: 24},
		{columns: 160, rows: 40},
	]) {
		const app = await open({silent: true, betaUnavailable: true}, size);
		const fits = () => {
			const lines = app.frame().split('\n');
			assert.ok(lines.length <= size.rows - 1, `${size.columns}x${size.rows}: ${lines.length} lines`);
			for (const line of lines) assert.ok(line.length <= size.columns, `too wide at ${size.columns}: ${line}`);
		};
		await toSwitches(app);
		await waitFor(() => values(app).emailSignUp === 'on', () => app.frame());
		fits();
		assert.match(app.line('Tenant switches'), /Products 24 │ Offer types 4 │ Tenant switches 4/);
		await app.press('j', 'j');
		await app.see('not available in this tenant/cloud');
		assert.deepEqual(Object.keys(values(app)), ['emailSignUp', 'emailJoin', 'trialsOnBehalfOfOrg', 'officeStore'], 'every switch keeps its line beside the problem');
		fits();
		await app.press('k', 'i');
		await app.see('What on allows', 'Who may change it', 'Policy.ReadWrite.Authorization');
		fits();
		await app.press(KEY.escape, ' ');
		await app.see('Change emailJoin', 'In tenant contoso.onmicrosoft.com', 'Yes', 'No');
		fits();
		await app.press('n');
		cleanup();
	}
});

test("Graph's words are drawn, never obeyed: a hostile problem from Graph reaches no frame as control bytes", async () => {
	const {HOSTILE} = await import('../../source/emulator/hostile.js');
	const hostile = {...BETA_UNAVAILABLE, title: `Graph says ${HOSTILE.productName}`, detail: HOSTILE.productName, hints: [HOSTILE.productName]};
	const app = await open({silent: true, betaUnavailable: true, betaProblem: hostile});
	await toSwitches(app);
	await waitFor(() => values(app).officeStore === 'unknown', () => app.frame());
	await app.press('j', 'j');
	await app.see('Graph says Row B \\x1b]2;xxx');
	await app.press('i');
	await app.see('Not read');
	// eslint-disable-next-line no-control-regex
	const control = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
	for (const frame of app.stdout.frames) assert.doesNotMatch(frame, control);
});

test('a dashboard whose backend has no Graph part says the switches are not available there', async () => {
	const app = renderApp({switches: false});
	await app.see('Clipchamp');
	await app.press(KEY.tab, KEY.tab);
	await app.see('The tenant-wide switches are not available in this dashboard.');
	await app.press(KEY.enter);
	await app.see('not available in this dashboard');
});
