import {Box, Text} from 'ink';
import type {SignIn, SignInState} from '../hooks/useSignIn.js';
import {useKeys} from '../hooks/useKeys.js';
import {useNow} from '../hooks/useNow.js';
import {isInterrupt} from '../keys.js';
import {Footer, type FooterItem} from '../components/Footer.js';
import {Spinner} from '../components/Spinner.js';
import {truncate, wrapAtMost} from '../text.js';
import {useTheme} from '../theme.js';

export type SignInScreenProps = {
	signIn: SignIn;
	width: number;
	height: number;
	onQuit: (code: number) => void;
	/** A tenant's sign-in, opened from the fleet view: T (or Esc when not waiting for a code) goes back. */
	onFleet?: () => void;
};

/** "14:59" until the code expires. */
export function countdown(ms: number): string {
	const seconds = Math.max(0, Math.floor(ms / 1000));
	return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The code spaced out so it reads easily from across a desk: "A B C D - 1 2 3 4" for ABCD-1234. */
export function spacedCode(code: string): string {
	return [...code].join(' ');
}

/**
 * Device-code sign-in: the code large and easy to read, where to type it, how long it lasts,
 * and what is going on. Esc stops waiting; Enter gets a new code after expiry, cancel or a problem.
 */
export function SignInScreen({signIn, width, height, onQuit, onFleet}: SignInScreenProps) {
	const theme = useTheme();
	const {state} = signIn;
	const {step} = state;

	useKeys((input, key) => {
		if (isInterrupt(input, key)) return onQuit(130);
		if (input === 'q' && !key.ctrl) return onQuit(0);
		const now = signIn.current().step;
		if (onFleet && input === 'T' && !key.ctrl) return onFleet();
		if (key.escape && now === 'waiting') return signIn.cancel();
		if (onFleet && key.escape) return onFleet();
		if (key.return && (now === 'expired' || now === 'cancelled' || now === 'failed')) return signIn.restart();
	});

	const inner = Math.max(20, width - 4);
	const footer: FooterItem[] = [];
	if (step === 'waiting') footer.push({key: 'Esc', label: 'cancel'});
	if (step === 'expired') footer.push({key: 'Enter', label: 'new code'});
	if (step === 'cancelled' || step === 'failed') footer.push({key: 'Enter', label: 'try again'});
	if (onFleet) footer.push({key: 'T', label: 'tenants'});
	footer.push({key: 'q', label: 'quit'});

	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text wrap="truncate-end">
				<Text bold color={theme.text.accent}>
					mscommerce
				</Text>
				{'  sign in'}
			</Text>
			<Box flexDirection="column" flexGrow={1} paddingX={1} paddingTop={1}>
				<SignInBody state={state} width={inner} />
			</Box>
			<Footer items={footer} width={width} />
		</Box>
	);
}

export type SignInBodyProps = {
	state: SignInState;
	/** Columns the text may take. */
	width: number;
	/** What "Signing in…" signs in to, when it is not the licensing service ("Microsoft Graph"). */
	service?: string;
};

/**
 * A device-code sign-in as the person sees it, below whatever heads it: the code large and easy
 * to read, where to type it, how long it lasts, and what is going on (expired, cancelled, the
 * problem). The dashboard's own sign-in and the Tenant switches tab's Graph sign-in both draw it.
 */
export function SignInBody({state, width: inner, service}: SignInBodyProps) {
	const theme = useTheme();
	const {prompt, step, problem} = state;
	const now = useNow(1000, step === 'waiting' && prompt !== undefined);
	return (
		<Box flexDirection="column">
			{step === 'silent' ? (
				<Text>
					<Spinner /> {service ? `Signing in to ${service}…` : 'Signing in…'}
				</Text>
			) : null}
			{prompt && (step === 'waiting' || step === 'cancelled' || step === 'failed') ? (
				<Box flexDirection="column">
					<Text wrap="truncate-end">{truncate('On any device, open', inner)}</Text>
					<Text bold color={theme.text.accent} wrap="truncate-end">
						{'  '}
						{truncate(prompt.verificationUri, inner - 2)}
					</Text>
					<Text wrap="truncate-end">and enter the code</Text>
					<Box borderStyle="double" borderColor={theme.border.dialog} paddingX={2} alignSelf="flex-start">
						<Text bold>{truncate(spacedCode(prompt.userCode), inner)}</Text>
					</Box>
					<Text color={theme.text.muted} wrap="truncate-end">
						{truncate(`(type it as ${prompt.userCode})`, inner)}
					</Text>
				</Box>
			) : null}
			{step === 'waiting' && prompt ? (
				<Box flexDirection="column" marginTop={1}>
					<Text>
						<Spinner /> waiting for approval…
					</Text>
					<Text color={theme.text.muted}>expires in {countdown(prompt.expiresAt - now)}</Text>
				</Box>
			) : null}
			{step === 'waiting' && !prompt ? (
				<Text>
					<Spinner /> Asking for a sign-in code…
				</Text>
			) : null}
			{step === 'expired' ? (
				<Box flexDirection="column" marginTop={1}>
					<Text color={theme.status.warning}>The code has expired.</Text>
					<Text>Press Enter for a new one.</Text>
				</Box>
			) : null}
			{step === 'cancelled' ? (
				<Box flexDirection="column" marginTop={1}>
					<Text color={theme.status.warning}>Sign-in cancelled.</Text>
					<Text>Press Enter for a new code, q to quit.</Text>
				</Box>
			) : null}
			{step === 'failed' && problem ? (
				<Box flexDirection="column" marginTop={1} borderStyle="round" borderColor={theme.border.problem} paddingX={1}>
					<Text bold color={theme.status.error} wrap="truncate-end">
						{truncate(problem.title, inner - 4)}
					</Text>
					{problem.detail
						? wrapAtMost(problem.detail, inner - 4, 2).map((line, index) => (
								<Text key={`d${index}`} color={theme.text.muted}>
									{line}
								</Text>
							))
						: null}
					{problem.hints.flatMap((hint, hintIndex) =>
						wrapAtMost(hint, inner - 6, 2).map((line, index) => (
							<Text key={`h${hintIndex}.${index}`} color={theme.status.warning}>
								{index === 0 ? '→ ' : '  '}
								{line}
							</Text>
						)),
					)}
					{problem.correlationId ? (
						<Text color={theme.text.muted} wrap="truncate-end">
							Correlation ID: {problem.correlationId}
						</Text>
					) : null}
				</Box>
			) : null}
		</Box>
	);
}
