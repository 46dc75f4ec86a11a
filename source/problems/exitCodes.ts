import type {Problem} from './types.js';

/** The exit codes (docs/architecture.md, Exit codes), in one map. */
export const ExitCode = {
	ok: 0,
	failed: 1,
	usage: 2,
	notSignedIn: 3,
	forbidden: 4,
	partial: 5,
	drift: 6,
	interrupted: 130,
	terminated: 143,
} as const;

/** The exit code of a run its signal stopped: 143 when the reason is SIGTERM, else 130 (Ctrl-C). */
export function interruptedCode(signal: AbortSignal): number {
	return signal.reason === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted;
}

export function exitCodeFor(problem: Pick<Problem, 'kind'>): number {
	switch (problem.kind) {
		// An ID, policy or URL the service does not know is the user's to fix, whether it was found
		// unknown before any request (`set`) or answered 404 by the service (`get`).
		case 'usage':
		case 'not-found':
			return ExitCode.usage;
		case 'sign-in':
		case 'not-signed-in':
		case 'unauthorized':
			return ExitCode.notSignedIn;
		case 'forbidden':
			return ExitCode.forbidden;
		case 'cancelled':
			return ExitCode.interrupted;
		default:
			return ExitCode.failed;
	}
}
