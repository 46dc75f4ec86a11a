/**
 * The dashboard's one palette, by meaning rather than by colour. Components ask for
 * `theme.value.Disabled` or `theme.status.error`, never for 'red'. With NO_COLOR (or --no-color)
 * every colour is undefined; bold and inverse stay, so the cursor and headings remain visible.
 */
import {createContext, useContext} from 'react';
import type {PolicyValue} from '../commerce/types.js';

export type Theme = {
	/** Whether colours are used at all. */
	color: boolean;
	text: {
		accent: string | undefined;
		muted: string | undefined;
	};
	status: {
		info: string | undefined;
		success: string | undefined;
		warning: string | undefined;
		error: string | undefined;
	};
	value: Record<PolicyValue, string | undefined>;
	/** The selected row's highlight (inverse video works without colour too). */
	cursor: {inverse: boolean; color: string | undefined};
	border: {
		normal: string | undefined;
		problem: string | undefined;
		dialog: string | undefined;
	};
};

const COLOUR: Theme = {
	color: true,
	text: {accent: 'cyan', muted: 'gray'},
	status: {info: 'cyan', success: 'green', warning: 'yellow', error: 'red'},
	value: {Enabled: 'green', OnlyTrialsWithoutPaymentMethod: 'yellow', Disabled: 'red'},
	cursor: {inverse: true, color: undefined},
	border: {normal: 'gray', problem: 'red', dialog: 'cyan'},
};

const PLAIN: Theme = {
	color: false,
	text: {accent: undefined, muted: undefined},
	status: {info: undefined, success: undefined, warning: undefined, error: undefined},
	value: {Enabled: undefined, OnlyTrialsWithoutPaymentMethod: undefined, Disabled: undefined},
	cursor: {inverse: true, color: undefined},
	border: {normal: undefined, problem: undefined, dialog: undefined},
};

/** NO_COLOR (https://no-color.org): present and not empty means no colour. */
export function wantsColor(env: NodeJS.ProcessEnv = process.env, noColor = false): boolean {
	if (noColor) return false;
	const value = env['NO_COLOR'];
	return value === undefined || value === '';
}

export function themeFor(options: {noColor?: boolean; env?: NodeJS.ProcessEnv} = {}): Theme {
	return wantsColor(options.env ?? process.env, options.noColor) ? COLOUR : PLAIN;
}

export const ThemeContext = createContext<Theme>(COLOUR);

/** The theme the App chose (NO_COLOR-aware). */
export function useTheme(): Theme {
	return useContext(ThemeContext);
}
