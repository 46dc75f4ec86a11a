import type {Problem} from '../problems/types.js';
import type {Writer} from './output.js';

/** A problem on stderr: the title, then detail, hints and the correlation ID, indented. */
export function reportProblem(stderr: Writer, problem: Problem, json = false): void {
	if (json) {
		stderr.write(`${JSON.stringify({error: problem})}\n`);
		return;
	}
	const lines = [`error: ${problem.title}`];
	if (problem.detail && problem.detail !== problem.title) lines.push(`  ${problem.detail}`);
	for (const hint of problem.hints) lines.push(`  hint: ${hint}`);
	if (problem.correlationId) lines.push(`  correlation ID: ${problem.correlationId}`);
	stderr.write(`${lines.join('\n')}\n`);
}
