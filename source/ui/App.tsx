import {useApp} from 'ink';
import {useCallback, useMemo} from 'react';
import {classify as defaultClassify} from '../problems/classify.js';
import type {Problem} from '../problems/types.js';
import type {Backend} from './backend.js';
import {useSignIn} from './hooks/useSignIn.js';
import {useTerminalSize} from './hooks/useTerminalSize.js';
import {MainScreen} from './screens/MainScreen.js';
import {SignInScreen} from './screens/SignInScreen.js';
import {ThemeContext, themeFor} from './theme.js';

export type AppProps = {
	backend: Backend;
	classify?: (error: unknown) => Problem;
	/** Called once, with 0 (q) or 130 (Ctrl-C), just before the app exits. */
	onExit?: (code: number) => void;
	/** false for --no-color; NO_COLOR in the environment is honoured either way. */
	color?: boolean;
	/** The tenant's dashboard was opened from the fleet view: T (and Esc, with nothing to close) goes back to it. */
	onFleet?: () => void;
};

/** The dashboard: sign in (skipped when the cache allows), then the main screen. */
export function App({backend, classify = defaultClassify, onExit, color = true, onFleet}: AppProps) {
	const {exit} = useApp();
	const theme = useMemo(() => themeFor({noColor: !color}), [color]);
	const {columns, rows} = useTerminalSize();
	// Ink redraws the whole terminal when a frame fills every line, so one line stays free.
	const height = Math.max(8, rows - 1);
	const signIn = useSignIn(backend, classify);
	const quit = useCallback(
		(code: number) => {
			onExit?.(code);
			exit();
		},
		[onExit, exit],
	);
	const {account} = signIn.state;
	return (
		<ThemeContext.Provider value={theme}>
			{account ? (
				<MainScreen backend={backend} classify={classify} account={account} size={{columns, rows}} onQuit={quit} onFleet={onFleet} />
			) : (
				<SignInScreen signIn={signIn} width={columns} height={height} onQuit={quit} onFleet={onFleet} />
			)}
		</ThemeContext.Provider>
	);
}
