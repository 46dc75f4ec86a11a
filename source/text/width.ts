/**
 * Text fitted to terminal columns by display width and grapheme cluster, never by `.length`: a
 * CJK or full-width character takes two columns, an emoji sequence (a family, a flag) is one
 * cluster that is never cut in the middle, and a combining accent takes none. Plain ASCII, the
 * common case, is measured by its length without asking string-width (the first frame and large
 * tables feel that). Callers pass text that safeText has made safe.
 */
import stringWidth from 'string-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Terminal columns `text` takes. */
export function displayWidth(text: string): number {
	return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text);
}

let segmenter: Intl.Segmenter | undefined;

/** The grapheme clusters of `text` (what a reader sees as one character each). */
export function graphemes(text: string): string[] {
	segmenter ??= new Intl.Segmenter(undefined, {granularity: 'grapheme'});
	return Array.from(segmenter.segment(text), part => part.segment);
}

/** The longest start of `text` that fits in `width` columns, whole clusters only. */
function headOf(text: string, width: number): string {
	let used = 0;
	let head = '';
	for (const cluster of graphemes(text)) {
		const w = displayWidth(cluster);
		if (used + w > width) break;
		used += w;
		head += cluster;
	}
	return head;
}

/** Cuts `text` to `width` columns, ending in … when cut. */
export function truncate(text: string, width: number): string {
	if (width <= 0) return '';
	if (PRINTABLE_ASCII.test(text)) {
		if (text.length <= width) return text;
		return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
	}
	if (displayWidth(text) <= width) return text;
	return width === 1 ? '…' : `${headOf(text, width - 1)}…`;
}

/** Exactly `width` columns: cut with …, or padded with spaces (a cut wide character leaves a space). */
export function fit(text: string, width: number): string {
	const cut = truncate(text, width);
	return cut + ' '.repeat(Math.max(0, width - displayWidth(cut)));
}

/** Pads `text` with spaces to `width` columns (never cuts). */
export function padEnd(text: string, width: number): string {
	return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** Word-wraps `text` to lines of at most `width` columns (long words are cut between clusters). */
export function wrap(text: string, width: number): string[] {
	if (width <= 0) return [];
	const lines: string[] = [];
	for (const paragraph of text.split('\n')) {
		let line = '';
		for (const word of paragraph.split(/\s+/).filter(Boolean)) {
			if (line === '') line = word;
			else if (displayWidth(line) + 1 + displayWidth(word) <= width) line += ` ${word}`;
			else {
				lines.push(line);
				line = word;
			}
			while (displayWidth(line) > width) {
				const head = headOf(line, width) || (graphemes(line)[0] ?? '');
				lines.push(head);
				line = line.slice(head.length);
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
