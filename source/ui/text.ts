/**
 * Text fitted to columns. Every line the dashboard prints is fitted here first, so nothing
 * wraps and every panel's height is known before it is drawn (the list gets the rest).
 */

/** Cuts `text` to `width` columns, ending in … when cut. */
export function truncate(text: string, width: number): string {
	if (width <= 0) return '';
	if (text.length <= width) return text;
	if (width === 1) return '…';
	return `${text.slice(0, width - 1)}…`;
}

/** Exactly `width` columns: cut with …, or padded with spaces. */
export function fit(text: string, width: number): string {
	return truncate(text, width).padEnd(Math.max(0, width));
}

/** Word-wraps `text` to lines of at most `width` columns (long words are cut). */
export function wrap(text: string, width: number): string[] {
	if (width <= 0) return [];
	const lines: string[] = [];
	for (const paragraph of text.split('\n')) {
		let line = '';
		for (const word of paragraph.split(/\s+/).filter(Boolean)) {
			if (line === '') line = word;
			else if (line.length + 1 + word.length <= width) line += ` ${word}`;
			else {
				lines.push(line);
				line = word;
			}
			while (line.length > width) {
				lines.push(line.slice(0, width));
				line = line.slice(width);
			}
		}
		lines.push(line);
	}
	return lines;
}

/** Wraps, keeping at most `max` lines (the last one ends in … when text was left out). */
export function wrapAtMost(text: string, width: number, max: number): string[] {
	const lines = wrap(text, width);
	if (lines.length <= max) return lines;
	const kept = lines.slice(0, Math.max(0, max));
	const last = kept.length - 1;
	if (last >= 0) kept[last] = truncate(`${kept[last]}…`, width);
	return kept;
}
