import {Box, useApp} from 'ink';
import {useCallback, useMemo, useState} from 'react';
import {classify as defaultClassify} from '../problems/classify.js';
import type {Problem} from '../problems/types.js';
import {App} from './App.js';
import type {Backend} from './backend.js';
import type {FleetBackend} from './fleetBackend.js';
import {useFleet} from './hooks/useFleet.js';
import {useTerminalSize} from './hooks/useTerminalSize.js';
import {FleetScreen} from './screens/FleetScreen.js';
import {ThemeContext, themeFor} from './theme.js';

export type FleetAppProps = {
	fleet: FleetBackend;
	classify?: (error: unknown) => Problem;
	/** Called once, with 0 (q) or 130 (Ctrl-C), just before the app exits. */
	onExit?: (code: number) => void;
	/** false for --no-color; NO_COLOR in the environment is honoured either way. */
	color?: boolean;
};

/**
 * `mscommerce --tenants FILE`: the fleet view first; Enter opens a tenant's dashboard (the App on
 * that tenant's Backend), and Esc or T there comes back. The fleet's state lives here, above both,
 * so its rows, filter, order and selection are as they were when the user comes back, and answers
 * that arrived meanwhile are in. Coming back reloads the tenant just left: what was changed or
 * seen there shows on its row.
 */
export function FleetApp({fleet, classify = defaultClassify, onExit, color = true}: FleetAppProps) {
	const {exit} = useApp();
	const theme = useMemo(() => themeFor({noColor: !color}), [color]);
	const {columns, rows} = useTerminalSize();
	const model = useFleet(fleet);
	const [open, setOpen] = useState<{id: string; backend: Backend}>();
	const quit = useCallback(
		(code: number) => {
			onExit?.(code);
			exit();
		},
		[onExit, exit],
	);
	const {load} = model;
	const back = useCallback(() => {
		setOpen(undefined);
		if (open) load([open.id]);
	}, [open, load]);
	const onOpen = useCallback((id: string) => setOpen({id, backend: fleet.open(id)}), [fleet]);

	// The fleet view stays mounted (hidden) under a tenant's dashboard: its keys are listened to
	// from the first moment it is back, and it draws nothing meanwhile.
	return (
		<ThemeContext.Provider value={theme}>
			<Box display={open ? 'none' : 'flex'} flexDirection="column">
				<FleetScreen fleet={fleet} model={model} size={{columns, rows}} active={open === undefined} onOpen={onOpen} onQuit={quit} />
			</Box>
			{open ? <App key={open.id} backend={open.backend} classify={classify} color={color} onExit={onExit} onFleet={back} /> : null}
		</ThemeContext.Provider>
	);
}
