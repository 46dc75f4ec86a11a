import {Box, Text} from 'ink';
import type {SignInState} from '../hooks/useSignIn.js';
import {SignInBody} from '../screens/SignInScreen.js';
import {ABOUT_INDENT, graphSignInWhy, switchColumns, switchLines, type SwitchesView} from '../state/switches.js';
import {fit, truncate, wrap} from '../text.js';
import {useTheme} from '../theme.js';
import {Spinner} from './Spinner.js';

export type SwitchesPaneProps = {
	/** Whether the backend has Microsoft Graph's part (Backend.switches). */
	available: boolean;
	view: SwitchesView;
	/** Microsoft Graph's sign-in (its own, beside the licensing one). */
	signIn: SignInState;
	/** Who the licensing sign-in is: why Graph needs another sign-in names them. */
	username: string;
	width: number;
	/** Lines for the pane: the list's heading and rows, or the sign-in. */
	height: number;
};

/**
 * The Tenant switches tab in the list's place: before Microsoft Graph is signed in to, why it
 * needs a sign-in of its own and "Enter: sign in to Microsoft Graph", then the device code as the
 * dashboard's own sign-in shows it (SignInBody); once read, a row per switch with its value,
 * what `on` allows and who may change it (state/switches.ts fits them to the lines there are).
 */
export function SwitchesPane({available, view, signIn, username, width, height}: SwitchesPaneProps) {
	const theme = useTheme();
	const inner = Math.max(10, width - 3);
	const {step} = signIn;
	const lines = (text: string, color?: string, bold = false) =>
		wrap(text, inner).map((line, index) => (
			<Text key={`${text.slice(0, 12)}${index}`} color={color} bold={bold} wrap="truncate-end">
				{'   '}
				{line}
			</Text>
		));
	let content;
	if (!available) content = lines('The tenant-wide switches are not available in this dashboard.', theme.text.muted);
	else if (step === 'idle' || step === 'silent') {
		content = (
			<Box paddingLeft={3}>
				<SignInBody state={{...signIn, step: 'silent'}} width={inner} service="Microsoft Graph" />
			</Box>
		);
	} else if (step === 'needed' || (step === 'failed' && !signIn.prompt)) {
		content = (
			<Box flexDirection="column">
				<Text> </Text>
				{lines('Enter: sign in to Microsoft Graph', theme.text.accent, true)}
				<Text> </Text>
				{lines(graphSignInWhy(username))}
				{step === 'failed' ? (
					<Box paddingLeft={3}>
						<SignInBody state={signIn} width={inner} />
					</Box>
				) : null}
			</Box>
		);
	} else if (step !== 'done') {
		content = (
			<Box flexDirection="column">
				{lines('Sign in to Microsoft Graph, for the tenant-wide switches', undefined, true)}
				<Box paddingLeft={3} paddingTop={1}>
					<SignInBody state={signIn} width={inner} />
				</Box>
			</Box>
		);
	} else if (!view.loaded) {
		content = view.loading ? (
			<Text>
				{'   '}
				<Spinner /> Reading the tenant-wide switches…
			</Text>
		) : (
			lines('Nothing read: r tries again', theme.text.muted)
		);
	} else {
		const columns = switchColumns(width);
		content = switchLines(view, width, height, wrap).map((line, index) => {
			if (line.kind === 'heading') {
				return (
					<Text key="heading" bold color={theme.text.muted} wrap="truncate-end">
						{'   '}
						{fit('Switch', columns.name)} {fit('Value', columns.value)} {truncate('What it is', columns.label)}
					</Text>
				);
			}
			if (line.kind === 'about') {
				return (
					<Text key={`about${index}`} color={theme.text.muted} wrap="truncate-end">
						{' '.repeat(ABOUT_INDENT)}
						{truncate(line.text, Math.max(1, width - ABOUT_INDENT))}
					</Text>
				);
			}
			const valueColor = line.saving ? theme.status.info : line.unknown ? theme.status.warning : line.value === 'on' ? theme.value.Enabled : theme.value.Disabled;
			return (
				<Text key={line.name} inverse={line.selected && theme.cursor.inverse} bold={line.selected} wrap="truncate-end">
					{line.selected ? '›' : ' '}
					{line.failed ? <Text color={theme.status.error}>!</Text> : ' '} {fit(line.name, columns.name)}{' '}
					<Text color={valueColor}>{fit(line.value, columns.value)}</Text> {truncate(line.label, columns.label)}
				</Text>
			);
		});
	}
	return (
		<Box flexDirection="column" height={height} flexShrink={0} overflow="hidden">
			{content}
		</Box>
	);
}
