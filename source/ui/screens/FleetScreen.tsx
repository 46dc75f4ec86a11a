/**
 * The fleet view: one line per tenant of the tenants file (its products per value, drift from its
 * baseline, new products, its problem), filled in as each tenant's answer arrives. It only draws:
 * keys become commands in keys.ts, commands become actions and effects in state/fleetDecide.ts,
 * and every height and width comes from state/fleetLayout.ts.
 */
import {Box, Text} from 'ink';
import {useLayoutEffect, useMemo, useRef} from 'react';
import {DEFAULT_POLICY_ID} from '../../commerce/types.js';
import type {FleetBackend} from '../fleetBackend.js';
import {FleetList} from '../components/FleetList.js';
import {Footer} from '../components/Footer.js';
import {HelpOverlay} from '../components/HelpOverlay.js';
import {ProblemPanel} from '../components/ProblemPanel.js';
import {Spinner} from '../components/Spinner.js';
import {StatusLine} from '../components/StatusLine.js';
import type {Fleet} from '../hooks/useFleet.js';
import {useKeys} from '../hooks/useKeys.js';
import {Command, commandFor, hintsFor, isInterrupt, KEYS} from '../keys.js';
import {FLEET_SORT_LABEL, fleetCounts, parseFleetQuery, selectedTenant, shownTenants} from '../state/fleet.js';
import {decideFleet, type FleetEffect} from '../state/fleetDecide.js';
import {fleetLayout, type FleetScreenLayout} from '../state/fleetLayout.js';
import {windowOf} from '../state/listWindow.js';
import {truncate} from '../text.js';
import {useTheme} from '../theme.js';

export type FleetScreenProps = {
	fleet: FleetBackend;
	model: Fleet;
	size: {columns: number; rows: number};
	/** false while a tenant's dashboard is on screen: keys are its, not this screen's. */
	active: boolean;
	/** Enter: the tenant's dashboard. */
	onOpen: (id: string) => void;
	onQuit: (code: number) => void;
};

const INTERRUPT = KEYS.find(action => action.command === Command.Interrupt);

/** "Fleet · tenants.yaml (shard 2/4) · baseline baseline.yaml", and the policy when it is not the usual one. */
export function fleetTitle(fleet: Pick<FleetBackend, 'file' | 'shard' | 'baseline' | 'policyId'>): string {
	const parts = [`Fleet · ${fleet.file}${fleet.shard ? ` (shard ${fleet.shard})` : ''}`];
	if (fleet.baseline) parts.push(`baseline ${fleet.baseline}`);
	if (fleet.policyId !== DEFAULT_POLICY_ID) parts.push(`policy ${fleet.policyId}`);
	return parts.join(' · ');
}

export function FleetScreen({fleet, model, size, active, onOpen, onQuit}: FleetScreenProps) {
	const theme = useTheme();
	const {state, current, dispatch, load} = model;
	const shown = useMemo(() => shownTenants(state), [state]);
	const selected = selectedTenant(state, shown);
	const screen = fleetLayout(size, state);
	const window = windowOf(state.cursor, shown.length, screen.list ?? 1);
	const counts = fleetCounts(state);
	const query = useMemo(() => parseFleetQuery(state.query), [state.query]);

	const laidOut = useRef<FleetScreenLayout>(screen);
	useLayoutEffect(() => {
		laidOut.current = screen;
	});

	const run = (effect: FleetEffect) => {
		switch (effect.type) {
			case 'quit':
				return onQuit(effect.code);
			case 'open':
				return onOpen(effect.id);
			case 'reload':
				return load(effect.ids, true);
		}
	};

	useKeys((input, key) => {
		if (!active) return;
		const latest = current();
		const action = isInterrupt(input, key) ? INTERRUPT : commandFor(latest.mode, input, key);
		if (!action) return;
		const frame = laidOut.current;
		const decision = decideFleet(latest, {action, text: input}, {page: frame.list ?? 1, scrollMax: frame.scrollMax, scrollPage: frame.scrollPage});
		for (const next of decision.actions) dispatch(next);
		if (decision.effect) run(decision.effect);
	});

	const footer = hintsFor({
		mode: state.mode,
		tab: 'product',
		readOnly: false,
		loaded: true,
		loading: counts.loading > 0,
		stale: false,
		problems: 0,
		marked: 0,
		failed: counts.failed,
		canUndo: false,
		detail: false,
		query: state.query,
		selected: selected !== undefined,
		scrolls: screen.scrollMax > 0,
		view: 'fleet',
	});

	const total = state.tenants.length;
	const notes: string[] = [];
	if (counts.loading > 0) notes.push(`${counts.loading} loading`);
	if (counts.failed > 0) notes.push(`${counts.failed} failed`);
	if (counts.drift > 0) notes.push(`${counts.drift} drift`);
	if (counts.fresh > 0) notes.push(`${counts.fresh} with new`);
	if (state.query) notes.push(`${shown.length} of ${total}`, `/${state.query}`);
	notes.push(`by ${FLEET_SORT_LABEL[state.sort]}`);
	const tab = ` Tenants ${total} `;
	const right = truncate(notes.join(' · '), Math.max(0, size.columns - tab.length - 2 - (counts.loading > 0 ? 2 : 0)));
	const empty = state.query ? `No tenant matches /${state.query}` : 'No tenants';

	return (
		<Box flexDirection="column" width={size.columns}>
			{screen.notice ? (
				<Text color={theme.status.warning} wrap="truncate-end">
					{truncate(screen.notice, size.columns)}
				</Text>
			) : null}
			{screen.header ? (
				<Text wrap="truncate-end">
					<Text bold color={theme.text.accent}>
						mscommerce
					</Text>
					{'  '}
					{truncate(fleetTitle(fleet), Math.max(0, size.columns - 12))}
				</Text>
			) : null}
			{screen.summary ? (
				<Box width={size.columns}>
					<Text bold inverse color={theme.text.accent}>
						{tab}
					</Text>
					<Box flexGrow={1} />
					{counts.loading > 0 ? (
						<Text>
							<Spinner />{' '}
						</Text>
					) : null}
					<Text wrap="truncate-end">{right}</Text>
				</Box>
			) : null}
			{screen.help ? <HelpOverlay view={screen.help} /> : null}
			{screen.list !== undefined ? (
				<FleetList
					tenants={shown}
					entries={state.entries}
					start={window.start}
					end={window.end}
					cursor={window.index}
					columns={screen.columns}
					height={screen.list}
					width={size.columns}
					empty={empty}
					terms={query.terms}
				/>
			) : null}
			{screen.problem ? <ProblemPanel lines={screen.problem} width={size.columns} /> : null}
			{screen.status && !screen.help ? (
				<StatusLine filtering={state.mode === 'filter'} query={state.query} queryNote={query.unknown[0]} status={state.status} retry={undefined} width={size.columns} />
			) : null}
			{screen.status && screen.help ? <Box height={1} /> : null}
			<Footer items={footer.items} pinned={footer.pinned} width={size.columns} />
		</Box>
	);
}
