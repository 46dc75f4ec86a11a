/**
 * The Tenant switches tab's pure parts (state/switches.ts, decide.ts, layout.ts, keys.ts): what a
 * key means there, how the list and its panels fit every size, and the plans it confirms.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {SWITCHES} from '../../source/switches/definitions.js';
import {Command, commandFor, KEYS, type KeyAction} from '../../source/ui/keys.js';
import {dashboardReducer, initialDashboard, type DashboardState} from '../../source/ui/state/dashboard.js';
import {decide, type DecideContext} from '../../source/ui/state/decide.js';
import {layout} from '../../source/ui/state/layout.js';
import {switchDetailFields} from '../../source/ui/state/panels.js';
import {planSwitch, switchLines} from '../../source/ui/state/switches.js';
import {switchReading} from '../../source/ui/realSwitches.js';
import {wrap} from '../../source/ui/text.js';
import {ADMIN, catalogRows, POLICY} from './fakeBackend.js';
import {BETA_UNAVAILABLE} from './fakeSwitches.js';

const rows = catalogRows();
const readings = SWITCHES.map(definition => (definition.object === 'appsAndServices' ? switchReading({definition, problem: BETA_UNAVAILABLE}) : switchReading({definition, value: 'on'})));

function onSwitches(options: {readOnly?: boolean} = {}): DashboardState {
	let state = dashboardReducer(initialDashboard(options), {type: 'load-done', policy: POLICY, products: rows.product, offerTypes: rows.offerType});
	state = dashboardReducer(state, {type: 'switch-tab', direction: -1});
	assert.equal(state.tab, 'switches', 'Shift-Tab from Products is the last tab');
	return dashboardReducer(state, {type: 'switches-loaded', readings, account: ADMIN});
}

const action = (command: Command): KeyAction => KEYS.find(candidate => candidate.command === command && candidate.modes.includes('list'))!;
const context = (graph: DecideContext['graph']): DecideContext => ({
	page: 10,
	scrollMax: 0,
	scrollPage: 1,
	detailWhyNot: undefined,
	session: {busy: undefined, failed: new Map(), undoPlan: () => undefined, retryPlan: () => ({kind: 'retry', changes: [], unchanged: [], refused: [], leftAlone: []})},
	switches: {busy: undefined, failed: new Map(), undoPlan: () => undefined, retryPlan: () => ({kind: 'retry', changes: [], unchanged: [], refused: [], leftAlone: []})},
	graph,
});

const enter = {upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: true, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false};

test('Enter signs in to Microsoft Graph on Tenant switches until it is signed in to; then, and everywhere else, it cycles', () => {
	assert.equal(commandFor('list', '', enter, {tab: 'switches', graph: 'needed'})?.command, Command.SignInGraph);
	assert.equal(commandFor('list', '', enter, {tab: 'switches', graph: 'waiting'})?.command, Command.SignInGraph);
	assert.equal(commandFor('list', '', enter, {tab: 'switches', graph: 'done'})?.command, Command.Cycle);
	assert.equal(commandFor('list', '', enter, {tab: 'product', graph: 'needed'})?.command, Command.Cycle);
	assert.equal(commandFor('list', '', enter)?.command, Command.Cycle, 'without a context (the fleet view) as before');
	const state = onSwitches();
	assert.deepEqual(decide(state, {action: action(Command.SignInGraph), text: ''}, context('needed')).effect, {type: 'graph-sign-in'});
	assert.equal(decide(state, {action: action(Command.SignInGraph), text: ''}, context('waiting')).effect, undefined, 'one code at a time');
	assert.deepEqual(decide(state, {action: action(Command.Escape), text: ''}, context('waiting')).effect, {type: 'graph-cancel'});
});

test('Space, e and d on a switch open a confirmation of one change; an unknown switch, read-only or not signed in opens none', () => {
	const state = onSwitches();
	const space = decide(state, {action: action(Command.Cycle), text: ' '}, context('done'));
	const confirm = space.actions.find(a => a.type === 'switch-confirm');
	assert.ok(confirm && confirm.type === 'switch-confirm');
	assert.deepEqual(confirm.plan.changes.map(c => [c.row.scope, c.row.id, c.from, c.to]), [['switch', 'emailSignUp', 'on', 'off']]);
	assert.equal(decide(state, {action: action(Command.SetEnabled), text: 'e'}, context('done')).actions.some(a => a.type === 'switch-confirm'), false, 'already on');
	assert.ok(decide(state, {action: action(Command.SetDisabled), text: 'd'}, context('done')).actions.some(a => a.type === 'switch-confirm'));
	assert.equal(decide(state, {action: action(Command.Cycle), text: ' '}, context('needed')).actions.some(a => a.type === 'switch-confirm'), false);
	const onUnknown = dashboardReducer(dashboardReducer(state, {type: 'move', command: Command.Down, count: 4, height: 4}), {type: 'move', command: Command.Down, count: 4, height: 4});
	const refused = decide(onUnknown, {action: action(Command.SetDisabled), text: 'd'}, context('done'));
	assert.ok(refused.actions.some(a => a.type === 'status' && a.status?.text.includes('could not be read')));
	const reader = decide(onSwitches({readOnly: true}), {action: action(Command.SetDisabled), text: 'd'}, context('done'));
	assert.ok(reader.actions.some(a => a.type === 'status' && a.status?.text.includes('Global reader')));
});

test('a switch plan says nothing to change when the switch is already there', () => {
	const [first] = readings;
	assert.ok(first && 'value' in first);
	assert.equal(planSwitch(first, 'on').changes.length, 0);
	assert.deepEqual(planSwitch(first, 'off').changes.map(c => [c.from, c.to]), [['on', 'off']]);
});

test('the list never takes more lines than it is given: all of it, the selected switch in full, or a line each', () => {
	const state = onSwitches();
	for (const width of [40, 80, 160]) {
		for (const height of [2, 3, 5, 9, 13, 30]) {
			const lines = switchLines(state.switches, width, height, wrap);
			assert.ok(lines.length <= Math.max(height, 2), `${width}x${height}: ${lines.length}`);
			assert.ok(lines.some(line => line.kind === 'row' && line.selected), `${width}x${height}: the selected switch shows`);
		}
	}
	assert.equal(switchLines(state.switches, 160, 30, wrap).filter(line => line.kind === 'about').length, 8, 'wide and tall: what on allows and who may change each');
	assert.equal(switchLines(state.switches, 80, 5, wrap).filter(line => line.kind === 'row').length, 4, 'a line each');
});

test('at every size from 40x12 to 200x50 the Tenant switches tab fits its lines, with its problem, its detail or its confirmation', () => {
	const base = onSwitches();
	const onUnknown = dashboardReducer(dashboardReducer(base, {type: 'move', command: Command.Down, count: 4, height: 4}), {type: 'move', command: Command.Down, count: 4, height: 4});
	const [first] = readings;
	assert.ok(first && 'value' in first);
	const confirm = dashboardReducer(base, {type: 'switch-confirm', plan: planSwitch(first, 'off')});
	const states = [base, onUnknown, {...onUnknown, detail: true}, confirm];
	const where = 'contoso.onmicrosoft.com (00000000-0000-0000-0000-00000000c0de) as admin@contoso.onmicrosoft.com';
	for (const columns of [40, 60, 80, 120, 160, 200]) {
		for (const lines of [12, 18, 24, 40, 50]) {
			for (const state of states) {
				const selected = state.switches.readings[state.switches.cursor.index]!;
				const input = {account: ADMIN, policyId: POLICY.id, counts: {Enabled: 0, OnlyTrialsWithoutPaymentMethod: 0, Disabled: 0}, selected: undefined, where, switchWhere: where, detailFields: state.detail ? switchDetailFields(selected, undefined, undefined, columns) : undefined};
				const screen = layout({columns, rows: lines}, state, input);
				const header = screen.header ? screen.header.who.length + 1 + screen.header.description.length : 0;
				const dialog = screen.dialog ? 4 + 1 + screen.dialog.where.length + screen.dialog.changes.length + (screen.dialog.position ? 1 : 0) + screen.dialog.notes.length + screen.dialog.seed.length : 0;
				const used = (screen.notice ? 1 : 0) + header + Number(screen.tabs) + Number(screen.banner) + (screen.list !== undefined ? screen.list + 1 : 0) +
					(screen.detail ? screen.detail.length + 3 : 0) + (screen.problem ? screen.problem.length + 2 : 0) + dialog + Number(screen.status) + 1;
				assert.ok(used <= lines - 1, `${columns}x${lines} ${state.mode}: ${used} lines`);
				if (state === onUnknown && lines >= 24 && columns >= 80) {
					assert.ok(screen.problem?.some(line => line.text.includes('not available')), `${columns}x${lines}: the unknown switch's problem`);
					assert.ok((screen.list ?? 0) >= 4, `${columns}x${lines}: a line for each switch beside it`);
				}
				if (state === confirm) assert.ok(screen.dialog?.where.join(' ').includes('00000000-0000-0000-0000-'), `${columns}x${lines}: the tenant`);
			}
		}
	}
});
