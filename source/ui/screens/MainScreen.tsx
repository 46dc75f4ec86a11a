/**
 * The dashboard proper: header, tabs, the list, panels under it, status line and footer. It only
 * draws: keys become commands in keys.ts, commands become actions and effects in state/decide.ts,
 * and every height and width comes from state/layout.ts. What is left here is running effects
 * (send, reload, quit, copy) and the JSX.
 */
import {Box, Text, useStdout} from 'ink';
import {useEffect, useLayoutEffect, useMemo, useRef} from 'react';
import type {Row} from '../../commerce/types.js';
import {countValues} from '../../commerce/values.js';
import type {ExplainInput} from '../../switches/explain.js';
import type {Problem} from '../../problems/types.js';
import {describeTenant} from '../../words.js';
import type {AccountSummary, Backend} from '../backend.js';
import {ConfirmDialog} from '../components/ConfirmDialog.js';
import {DetailPanel} from '../components/DetailPanel.js';
import {Footer} from '../components/Footer.js';
import {Header} from '../components/Header.js';
import {HelpOverlay} from '../components/HelpOverlay.js';
import {ProblemPanel} from '../components/ProblemPanel.js';
import {RowList} from '../components/RowList.js';
import {StatusLine} from '../components/StatusLine.js';
import {SwitchesPane} from '../components/SwitchesPane.js';
import {Tabs} from '../components/Tabs.js';
import {useDashboard} from '../hooks/useDashboard.js';
import {useExplain, type Explainer} from '../hooks/useExplain.js';
import {useKeys} from '../hooks/useKeys.js';
import {useNow} from '../hooks/useNow.js';
import {useSwitches} from '../hooks/useSwitches.js';
import {commandFor, isInterrupt, KEYS, Command} from '../keys.js';
import {READ_ONLY_BANNER, rowKey, type DashboardState} from '../state/dashboard.js';
import {decide, type DecideContext, type Effect} from '../state/decide.js';
import {parseQuery} from '../state/filter.js';
import {layout, type ScreenLayout} from '../state/layout.js';
import {windowOf} from '../state/listWindow.js';
import {detailFields, explainFields, switchDetailFields, wrapFields, type Field} from '../state/panels.js';
import {selectedSwitch, switchFacts} from '../state/switches.js';
import {keyContext, listScope, marksOnShow, selectedRow, visibleRows} from '../state/view.js';
import {retryText} from '../state/words.js';
import {truncate} from '../text.js';
import {useTheme} from '../theme.js';
import {mainFooter} from './mainFooter.js';

export type MainScreenProps = {
	backend: Backend;
	classify: (error: unknown) => Problem;
	account: AccountSummary;
	/** The terminal's size. */
	size: {columns: number; rows: number};
	onQuit: (code: number) => void;
	/** A tenant's dashboard opened from the fleet view: T (or Esc with nothing to close) goes back. */
	onFleet?: () => void;
};

const INTERRUPT = KEYS.find(action => action.command === Command.Interrupt);

/** Why explain() does not know the switches when they were not read this session. */
const NOT_READ = 'the tenant switches were not read in this session';

/**
 * The detail's fields (i) when the screen works them out: a product's with "Can users still get
 * it?" (explain() from its value and the switches read this session, or its value alone), a
 * tenant switch's; undefined for an offer type (its plain facts, from layout).
 */
function detailOf(state: DashboardState, selected: Row | undefined, explainer: Explainer | undefined, width: number): Field[] | undefined {
	if (!state.detail) return undefined;
	if (state.tab === 'switches') {
		const reading = selectedSwitch(state.switches);
		return reading && switchDetailFields(reading, state.switches.saving.get(reading.name), state.switches.failed.get(reading.name), width);
	}
	// A question on show keeps the detail to the row's facts: the answer is about the value being changed.
	if (!selected || selected.scope !== 'product' || state.mode === 'confirm') return undefined;
	const facts = switchFacts(state.switches) ?? Object.fromEntries((explainer?.names ?? []).map(name => [name, {unknown: NOT_READ}]));
	const explanation = explainer?.explain({product: {id: selected.id, name: selected.name, value: selected.value}, switches: facts as ExplainInput['switches']});
	const {explaining, trailing} = explainFields(explanation, state.switches.loaded);
	const fields = detailFields(selected, state.saving.get(rowKey(selected)), state.failed.get(rowKey(selected)), explaining, trailing);
	return wrapFields(fields, new Set([...explaining, ...trailing]), width);
}

/** OSC 52: the terminal puts the text on the clipboard; it works over SSH, where nothing else can. */
export function osc52(text: string): string {
	return `\u001B]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}

export function MainScreen({backend, classify, account, size, onQuit, onFleet}: MainScreenProps) {
	const theme = useTheme();
	const {write} = useStdout();
	const {state, current, dispatch, reload, apply, stop} = useDashboard(backend, classify, {readOnly: account.canChange === false});
	const switches = useSwitches(backend, classify, dispatch);
	const graph = backend.switches ? switches.signIn.state.step : undefined;
	const tab = state.tab;
	const scope = listScope(state) ?? 'product';
	const view = state.views[scope];
	const all = state.rows[scope];
	// The only O(N) work per change of rows, query or order; moving the cursor reuses it.
	const shown = visibleRows(state);
	const selected = selectedRow(state, shown);
	const marks = marksOnShow(state, shown);
	const counts = useMemo(() => countValues(all), [all]);
	const terms = useMemo(() => parseQuery(view.query), [view.query]);
	const where = `${describeTenant(account)} as ${account.username}`;
	const graphAccount = state.switches.account ?? account;
	const switchWhere = `${describeTenant(graphAccount)} as ${graphAccount.username}`;
	const explainer = useExplain(state.detail && tab === 'product');
	const detail = detailOf(state, selected, explainer, size.columns);
	const screen = layout(size, state, {account, policyId: backend.policyId, counts, selected, where, switchWhere, detailFields: detail});
	const listHeight = screen.list ?? 1;
	const window = windowOf(view.cursor, shown.length, listHeight);
	const now = useNow(1000, state.retry !== undefined);
	const retry = state.retry && (state.loading || state.saving.size > 0) ? retryText(state.retry, now) : undefined;

	// Keys act on the last frame's layout (page size, scroll range); it is known once laid out.
	const laidOut = useRef<ScreenLayout>(screen);
	useLayoutEffect(() => {
		laidOut.current = screen;
	});

	// Tenant switches, the first time it is on show: the silent Graph sign-in, and nothing else.
	const {open} = switches;
	useEffect(() => {
		if (tab === 'switches') open();
	}, [tab, open]);

	/** q / Ctrl-C: at once, unless writes are in flight: then stop sending and quit once they settle (again: at once). */
	const quit = (code: number) => {
		if (current().stopping) return onQuit(130);
		if (!stop(() => onQuit(130)) && !switches.stop(() => onQuit(130))) onQuit(code);
	};

	const run = (effect: Effect) => {
		switch (effect.type) {
			case 'quit':
				return quit(effect.code);
			case 'reload':
				return reload();
			case 'apply':
				return apply(effect.plan);
			case 'copy':
				write(osc52(effect.row.id));
				return dispatch({type: 'status', status: {text: `Copied ${effect.row.id} (${effect.row.name}) to the clipboard`, tone: 'success'}});
			case 'fleet':
				return onFleet?.();
			case 'graph-sign-in':
				return switches.signInNow();
			case 'graph-cancel':
				return switches.cancel();
			case 'graph-reload':
				return switches.reload();
			case 'apply-switches':
				return switches.apply(effect.plan);
		}
	};

	useKeys((input, key) => {
		// The state as of the last key, not the last frame: keys can come faster than frames.
		const latest = current();
		const step = backend.switches ? switches.signIn.current().step : undefined;
		const action = isInterrupt(input, key) ? INTERRUPT : commandFor(latest.mode, input, key, {tab: latest.tab, graph: step});
		if (!action) return;
		const frame = laidOut.current;
		const context: DecideContext = {
			page: frame.list ?? 1,
			scrollMax: frame.scrollMax,
			scrollPage: frame.scrollPage,
			detailWhyNot: frame.detailWhyNot,
			session: backend.session,
			fleet: onFleet !== undefined,
			switches: backend.switches?.session,
			graph: step,
		};
		const decision = decide(latest, {action, text: input}, context);
		for (const next of decision.actions) dispatch(next);
		if (decision.effect) run(decision.effect);
	});

	const footer = mainFooter(keyContext(state, {scrolls: screen.scrollMax > 0, fleet: onFleet !== undefined, graph}));
	const emptyText = state.loading
		? (retry ?? 'Loading…')
		: !state.loaded
			? 'Nothing loaded: r tries again'
			: view.query
				? `No ${scope === 'product' ? 'product' : 'offer type'} matches /${view.query}`
				: 'None';
	const queryNote = terms.unknown[0];

	return (
		<Box flexDirection="column" width={size.columns}>
			{screen.notice ? (
				<Text color={theme.status.warning} wrap="truncate-end">
					{truncate(screen.notice, size.columns)}
				</Text>
			) : null}
			{screen.header ? <Header text={screen.header} width={size.columns} /> : null}
			{screen.tabs ? (
				<Tabs
					tab={tab}
					totals={{product: state.rows.product.length, offerType: state.rows.offerType.length}}
					switchCount={state.switches.loaded ? state.switches.readings.length : undefined}
					switchNote={
						state.switches.account && state.switches.account.username !== account.username ? `Graph as ${state.switches.account.username}` : undefined
					}
					shown={shown.length}
					query={view.query}
					marked={marks.shown.length}
					hiddenMarks={marks.hidden}
					sort={state.sort}
					fresh={state.newIds[scope].size}
					loading={tab === 'switches' ? state.switches.loading && state.switches.loaded : state.loading && state.loaded}
					stale={tab !== 'switches' && state.stale}
					width={size.columns}
				/>
			) : null}
			{screen.banner ? (
				<Text bold inverse color={theme.status.warning} wrap="truncate-end">
					{truncate(` ${READ_ONLY_BANNER} `, size.columns)}
				</Text>
			) : null}
			{screen.help ? <HelpOverlay view={screen.help} /> : null}
			{screen.list !== undefined && tab === 'switches' ? (
				<SwitchesPane
					available={backend.switches !== undefined}
					view={state.switches}
					signIn={switches.signIn.state}
					username={account.username}
					width={size.columns}
					height={screen.list + 1}
				/>
			) : null}
			{screen.list !== undefined && tab !== 'switches' ? (
				<RowList
					scope={tab}
					rows={shown}
					start={window.start}
					end={window.end}
					cursor={window.index}
					marks={view.marks}
					fresh={state.newIds[scope]}
					saving={state.saving}
					failed={state.failed}
					columns={screen.columns}
					height={screen.list}
					empty={emptyText}
					terms={terms.terms}
				/>
			) : null}
			{screen.detail ? <DetailPanel fields={screen.detail} width={size.columns} /> : null}
			{screen.problem ? <ProblemPanel lines={screen.problem} width={size.columns} /> : null}
			{screen.dialog ? <ConfirmDialog view={screen.dialog} width={size.columns} highlight={state.answer} /> : null}
			{screen.status && !screen.help ? (
				<StatusLine filtering={state.mode === 'filter'} query={view.query} queryNote={queryNote} status={state.status} retry={retry} width={size.columns} />
			) : null}
			{screen.status && screen.help ? <Box height={1} /> : null}
			<Footer items={footer.items} pinned={footer.pinned} width={size.columns} />
		</Box>
	);
}
