/** "1 row", "3 rows": a count with its noun, for messages in the dashboard and the commands. */
export function count(n: number, word: string, plural = `${word}s`): string {
	return `${n} ${n === 1 ? word : plural}`;
}
