import {Box, Text} from 'ink';
import {useLayoutEffect, useMemo, useRef} from 'react';
import type {PolicyValue, Row} from '../../commerce/types.js';
import {countValues} from '../../commerce/values.js';
import type {Problem} from '../../problems/types.js';
import type {AccountSummary, Backend} from '../backend.js';
import {ConfirmDialog, confirmDialogHeight, confirmLines} from '../components/ConfirmDialog.js';
import {DetailPanel, detailFields, detailPanelHeight} from '../components/DetailPanel.js';
import {Footer} from '../components/Footer.js';
import {Header, HEADER_HEIGHT} from '../components/Header.js';
import {HelpOverlay} from '../components/HelpOverlay.js';
import {ProblemPanel, problemLines, problemPanelHeight} from '../components/ProblemPanel.js';
import {RowList} from '../components/RowList.js';
import {StatusLine} from '../components/StatusLine.js';
import {Tabs} from '../components/Tabs.js';
import {useDashboard} from '../hooks/useDashboard.js';
import {useKeys} from '../hooks/useKeys.js';
import {Command, isInterrupt, listCommand, movementCommand} from '../keys.js';
import {nothingToChange, planCycle, planSet, withValue, type ChangePlan} from '../state/changes.js';
import {READ_ONLY_BANNER, rowKey, shownProblem, type Answer, type Tone} from '../state/dashboard.js';
import {describeTenant} from '../../words.js';
import {shownRows} from '../state/filter.js';
import {columnsFor} from '../state/layout.js';
import {isMoveCommand, windowOf, type MoveCommand} from '../state/listWindow.js';
import {truncate} from '../text.js';
import {useTheme} from '../theme.js';
import {mainFooter, pinnedFor} from './mainFooter.js';

export type MainScreenProps = {
	backend: Backend;
	classify: (error: unknown) => Problem;
	account: AccountSummary;
	width: number;
	/** Lines the screen may use. */
	height: number;
	onQuit: (code: number) => void;
};

/** The list keeps at least this many rows when panels open under it. */
const MIN_LIST_ROWS = 3;

const SET_KEYS: Partial<Record<Command, PolicyValue>> = {
	[Command.SetEnabled]: 'Enabled',
	[Command.SetTrials]: 'OnlyTrialsWithoutPaymentMethod',
	[Command.SetDisabled]: 'Disabled',
};

/** The dashboard proper: header, tabs, the list, panels under it, status line and footer. */
export function MainScreen({backend, classify, account, width, height, onQuit}: MainScreenProps) {
	const theme = useTheme();
	const {state, current, dispatch, reload, apply, stop} = useDashboard(backend, classify, {readOnly: account.canChange === false});
	const tab = state.tab;
	const view = state.views[tab];
	const all = state.rows[tab];
	// The only O(N) work per change of rows or query; moving the cursor reuses both.
	const shown = shownRows(all, view.query);
	const counts = useMemo(() => countValues(all), [all]);
	const columns = useMemo(() => columnsFor(width, tab), [width, tab]);

	// Heights: everything but the list is sized first; the list gets what is left.
	const banner = state.readOnly ? 1 : 0;
	const body = Math.max(2, height - HEADER_HEIGHT - 1 - banner - 1 - 1);
	let room = body - 1 - MIN_LIST_ROWS;
	const where = `${describeTenant(account)} as ${account.username}`;
	const dialog = state.mode === 'confirm' && state.plan ? confirmLines(state.plan, width, room - 4, where) : undefined;
	if (dialog) room -= confirmDialogHeight(dialog);
	// The detail panel was asked for (i): it goes before the problem panel when room is short.
	const selected: Row | undefined = shown[windowOf(view.cursor, shown.length, 1).index];
	const fields = state.detail && selected ? detailFields(selected, state.saving.get(rowKey(selected)), state.failed.get(rowKey(selected))) : undefined;
	const detail = fields && detailPanelHeight(fields) <= room ? fields : undefined;
	if (detail) room -= detailPanelHeight(detail);
	const onShow = shownProblem(state);
	const paging = state.problems.length > 1 ? {at: Math.min(state.problemAt, state.problems.length - 1) + 1, of: state.problems.length} : undefined;
	const problem = onShow && room >= 3 ? problemLines(onShow, width, Math.min(8, room - 2), paging) : undefined;
	if (problem) room -= problemPanelHeight(problem);
	const listHeight = Math.max(1, room + MIN_LIST_ROWS);
	const window = windowOf(view.cursor, shown.length, listHeight);
	// Paging keys need the list's height; it is known once this frame is laid out.
	const page = useRef(listHeight);
	useLayoutEffect(() => {
		page.current = listHeight;
	}, [listHeight]);

	/** q / Ctrl-C: at once, unless writes are in flight: then stop sending and quit once they settle (again: at once). */
	const quit = (code: number) => {
		if (current().stopping) return onQuit(130);
		if (!stop(() => onQuit(130))) onQuit(code);
	};

	useKeys((input, key) => {
		if (isInterrupt(input, key)) return quit(130);
		// The state as of the last key, not the last frame: keys can come faster than frames.
		const now = current();
		const nowView = now.views[now.tab];
		const nowAll = now.rows[now.tab];
		const nowShown = shownRows(nowAll, nowView.query);
		const nowSelected = nowShown[windowOf(nowView.cursor, nowShown.length, 1).index];
		const status = (text: string, tone: Tone = 'warning') => dispatch({type: 'status', status: {text, tone}});
		const moveBy = (command: MoveCommand) => dispatch({type: 'move', command, count: nowShown.length, height: page.current});
		const lookup = (): ((key: string) => Row | undefined) => {
			const byKey = new Map<string, Row>();
			for (const scope of ['product', 'offerType'] as const) for (const row of now.rows[scope]) byKey.set(rowKey(row), row);
			return key => byKey.get(key);
		};
		const busy = () => {
			if (!backend.session.busy) return false;
			status('Still saving the last change: wait for it to finish');
			return true;
		};

		/** e t d Space: on the marked rows when there are any, else on the selected row. */
		const propose = (make: (rows: readonly Row[]) => ChangePlan) => {
			if (now.readOnly) return status(READ_ONLY_BANNER);
			if (!now.loaded) return status('Nothing loaded yet');
			if (busy()) return;
			const fromMarks = nowView.marks.size > 0;
			const targets = fromMarks ? nowAll.filter(row => nowView.marks.has(row.id)) : nowSelected ? [nowSelected] : [];
			const ready = targets.filter(row => !now.saving.has(rowKey(row)));
			if (targets.length > 0 && ready.length === 0) {
				return status(`Still saving ${targets.length === 1 ? (targets[0]?.name ?? 'it') : 'those rows'}`);
			}
			const plan = {...make(ready), fromMarks};
			if (plan.changes.length === 0) return status(nothingToChange(plan));
			dispatch({type: 'confirm', plan});
		};

		const undo = () => {
			if (now.readOnly) return status(READ_ONLY_BANNER);
			if (busy()) return;
			const plan = backend.session.undoPlan(lookup());
			if (!plan) return status('Nothing to undo', 'info');
			if (plan.changes.length === 0) return status(nothingToChange(plan));
			dispatch({type: 'confirm', plan: withValue(plan)});
		};

		const retryFailed = () => {
			if (now.readOnly) return status(READ_ONLY_BANNER);
			if (busy()) return;
			if (backend.session.failed.size === 0) return status('Nothing failed to retry', 'info');
			// The same values the person confirmed, compared against what each failed attempt started from.
			const plan = backend.session.retryPlan(lookup());
			if (plan.changes.length === 0) return status(nothingToChange(plan), 'info');
			apply(plan);
		};

		const answer = (choice: Answer) => {
			if (!now.plan) return;
			if (choice === 'yes') apply(now.plan);
			else dispatch({type: 'cancel'});
		};

		const clearFilter = () => {
			const restore = nowSelected ? nowAll.indexOf(nowSelected) : -1;
			dispatch({type: 'filter-clear', restore: restore >= 0 ? restore : undefined});
		};

		switch (now.mode) {
			case 'help':
				if (key.escape || input === '?' || input === 'q') dispatch({type: 'help', open: false});
				return;
			case 'confirm':
				// y writes; n, Esc and q cancel (q never quits from a question); Enter answers the highlighted choice, No at first.
				if (input === 'y' || input === 'Y') answer('yes');
				else if (input === 'n' || input === 'N' || input === 'q' || key.escape) answer('no');
				else if (key.return) answer(now.answer);
				else if (key.leftArrow || key.rightArrow || key.upArrow || key.downArrow || key.tab || input === 'j' || input === 'k') {
					dispatch({type: 'toggle-answer'});
				}
				return;
			case 'filter': {
				const moved = movementCommand(input, key);
				if (moved && isMoveCommand(moved)) moveBy(moved);
				else if (key.escape) clearFilter();
				else if (key.return) dispatch({type: 'filter-keep'});
				else if (key.tab) dispatch({type: 'switch-tab', direction: key.shift ? -1 : 1});
				else if (key.backspace || key.delete) dispatch({type: 'filter-erase'});
				else if (input && !key.ctrl && !key.meta) {
					// Printable text only (a paste arrives as one string).
					const text = [...input].filter(char => char >= ' ' && char !== '\u007F').join('');
					if (text) dispatch({type: 'filter-type', text});
				}
				return;
			}
			case 'list':
				break;
		}

		const command = listCommand(input, key);
		if (command === undefined) return;
		if (now.status) dispatch({type: 'status', status: undefined});
		if (isMoveCommand(command)) return moveBy(command);
		const value = SET_KEYS[command];
		if (value) return propose(rows => planSet(rows, value));
		switch (command) {
			case Command.Quit:
				return quit(0);
			case Command.Escape:
				if (now.problems.length > 0) dispatch({type: 'dismiss-problem'});
				else if (nowView.query) clearFilter();
				return;
			case Command.NextTab:
			case Command.PreviousTab:
				return dispatch({type: 'switch-tab', direction: command === Command.NextTab ? 1 : -1});
			case Command.Filter:
				return dispatch({type: 'filter-open'});
			case Command.Cycle:
				return propose(planCycle);
			case Command.Mark:
				if (!nowSelected) return;
				dispatch({type: 'mark', id: nowSelected.id});
				return moveBy(Command.Down);
			case Command.MarkAll:
				return dispatch({type: 'mark-shown', ids: nowShown.map(row => row.id)});
			case Command.Undo:
				return undo();
			case Command.RetryFailed:
				return retryFailed();
			case Command.Reload:
				return reload();
			case Command.Detail:
				return dispatch({type: 'detail'});
			case Command.NextProblem:
			case Command.PreviousProblem:
				return dispatch({type: 'problem-page', delta: command === Command.NextProblem ? 1 : -1});
			case Command.Help:
				return dispatch({type: 'help', open: true});
			default:
				return;
		}
	});

	const emptyText = state.loading
		? 'Loading…'
		: !state.loaded
			? 'Nothing loaded: r tries again'
			: view.query
				? `No ${tab === 'product' ? 'product' : 'offer type'} matches /${view.query}`
				: 'None';

	return (
		<Box flexDirection="column" width={width} height={height}>
			<Header account={account} policyId={backend.policyId} policy={state.policy} counts={counts} width={width} />
			<Tabs
				tab={tab}
				totals={{product: state.rows.product.length, offerType: state.rows.offerType.length}}
				shown={shown.length}
				query={view.query}
				marked={view.marks.size}
				fresh={state.newIds[tab].size}
				loading={state.loading && state.loaded}
				stale={state.stale}
				width={width}
			/>
			{state.readOnly ? (
				<Text bold inverse color={theme.status.warning} wrap="truncate-end">
					{truncate(` ${READ_ONLY_BANNER} `, width)}
				</Text>
			) : null}
			{state.mode === 'help' ? (
				<HelpOverlay width={width} height={body + 1} />
			) : (
				<Box flexDirection="column" height={body} flexShrink={0}>
					<RowList
						scope={tab}
						rows={shown}
						start={window.start}
						end={window.end}
						cursor={window.index}
						marks={view.marks}
						fresh={state.newIds[tab]}
						saving={state.saving}
						failed={state.failed}
						columns={columns}
						height={listHeight}
						empty={emptyText}
					/>
					{detail ? <DetailPanel fields={detail} width={width} /> : null}
					{problem ? <ProblemPanel lines={problem} width={width} /> : null}
					{dialog ? (
						<ConfirmDialog lines={dialog} width={width} highlight={state.answer} />
					) : null}
				</Box>
			)}
			{state.mode === 'help' ? null : (
				<StatusLine filtering={state.mode === 'filter'} query={view.query} status={state.status} width={width} />
			)}
			<Footer items={mainFooter(state, view.marks.size)} pinned={pinnedFor(state)} width={width} />
		</Box>
	);
}
