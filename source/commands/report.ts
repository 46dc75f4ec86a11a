/**
 * The one error layout on stderr, for the program's problems and commander's usage errors alike
 * (cli.tsx shapes commander's to match): an `error:` line, the detail indented under it, then
 * `hint:` lines, each starting its line so the eye finds what to do.
 */
import type {RetryInfo} from '../net/http.js';
import type {Problem} from '../problems/types.js';
import {safeJson, safeText} from '../text/safe.js';
import type {Writer} from './output.js';

/** A problem on stderr: the title; the detail and correlation ID indented under it; then the hints. */
export function reportProblem(stderr: Writer, problem: Problem, json = false): void {
	if (json) {
		stderr.write(`${safeJson({error: problem})}\n`);
		return;
	}
	const lines = [`error: ${problem.title}`];
	if (problem.detail && problem.detail !== problem.title) lines.push(`  ${problem.detail}`);
	if (problem.correlationId) lines.push(`  correlation ID: ${problem.correlationId}`);
	for (const hint of problem.hints) lines.push(`hint: ${hint}`);
	// The service's and the sign-in server's words are data: each line made safe, so one line stays one line.
	stderr.write(`${lines.map(safeText).join('\n')}\n`);
}

/** Why a command takes longer: "licensing.m365.microsoft.com answered 429; trying again in 2 s". */
export function retryText(info: RetryInfo): string {
	const host = new URL(info.context.url).host;
	const why = /^\d+$/.test(info.reason) ? `answered ${info.reason}` : `dropped the connection (${info.reason})`;
	return `${host} ${why}; trying again in ${Math.max(1, Math.round(info.delayMs / 1000))} s`;
}
