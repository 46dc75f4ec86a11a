/** Marked rows (x, X), by row ID, for one tab. */

export type Marks = ReadonlySet<string>;

export const NO_MARKS: Marks = new Set();

export function toggleMark(marks: Marks, id: string): Marks {
	const next = new Set(marks);
	if (next.has(id)) next.delete(id);
	else next.add(id);
	return next;
}

/** X: mark every shown row, or unmark them all when every one is already marked. */
export function toggleMarks(marks: Marks, ids: readonly string[]): Marks {
	if (ids.length === 0) return marks;
	const allMarked = ids.every(id => marks.has(id));
	const next = new Set(marks);
	for (const id of ids) {
		if (allMarked) next.delete(id);
		else next.add(id);
	}
	return next;
}
