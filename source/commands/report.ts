import type {Problem} from '../problems/types.js';
import {safeJson, safeText} from '../text/safe.js';
import type {Writer} from './output.js';

/** A problem on stderr: the title, then detail, hints and the correlation ID, indented. */
export function reportProblem(stderr: Writer, problem: Problem, json = false): void {
	if (json) {
		stderr.write(`${safeJson({error: problem})}\n`);
		return;
	}
	const lines = [`error: ${problem.title}`];
	if (problem.detail && problem.detail !== problem.title) lines.push(`  ${problem.detail}`);
	for (const hint of problem.hints) lines.push(`  hint: ${hint}`);
	if (problem.correlationId) lines.push(`  correlation ID: ${problem.correlationId}`);
	// The service's and the sign-in server's words are data: each line made safe, so one line stays one line.
	stderr.write(`${lines.map(safeText).join('\n')}\n`);
}
