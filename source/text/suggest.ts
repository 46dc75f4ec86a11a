/**
 * "Did you mean …?" for the words commander cannot place itself: the program's first word (the
 * program has an action, the dashboard, so commander never calls it an unknown command) and
 * `mscommerce help WORD`. The rule is commander's own (edit distance at most 3 and under 60 % of
 * the longer word), so a typo gets the same answer at every level.
 */

/** Damerau–Levenshtein distance (optimal string alignment): a swap of two letters counts one. Three rows kept, not the whole table. */
function editDistance(a: string, b: string): number {
	let before = new Array<number>(b.length + 1).fill(0);
	let previous = Array.from({length: b.length + 1}, (_, j) => j);
	let row = new Array<number>(b.length + 1).fill(0);
	for (let i = 1; i <= a.length; i++) {
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, before[j - 2]! + 1);
		}
		[before, previous, row] = [previous, row, before];
	}
	return previous[b.length]!;
}

/**
 * The candidates closest to `word` (case ignored), best first; empty when none is close. A word
 * much longer than every candidate is near none, so a hostile file's long keys cost nothing.
 */
export function suggest(word: string, candidates: readonly string[]): string[] {
	const typed = word.toLowerCase();
	let best = Number.POSITIVE_INFINITY;
	let found: string[] = [];
	for (const candidate of candidates) {
		// The distance is at least the difference in length: past 3, no need to count it.
		if (Math.abs(typed.length - candidate.length) > 3) continue;
		const distance = editDistance(typed, candidate.toLowerCase());
		const length = Math.max(typed.length, candidate.length);
		if (distance > 3 || (length - distance) / length <= 0.4) continue;
		if (distance < best) {
			best = distance;
			found = [candidate];
		} else if (distance === best) found.push(candidate);
	}
	return found;
}
