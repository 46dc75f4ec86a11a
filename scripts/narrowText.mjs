// The characters whose display width is their count, in every terminal string-width targets:
// printable ASCII, Latin letters and signs, general punctuation, arrows, box drawing and shapes,
// braille (spinners). The dashboard's frames are made of these; measured by this class, a line
// needs neither Intl.Segmenter nor string-width's Unicode property tables (which take ~20 ms to
// build at start-up). test/unit/narrow-text.test.ts proves that string-width gives 1 for each,
// for both copies the bundle holds. Left out on purpose: U+00AD (soft hyphen, zero width),
// U+2028/2029 (line breaks), U+205F and after (invisible operators), and the signs, arrows and
// shapes that have an emoji form (© ® ‼ ⁉ ↔ ↕ ↖–↙ ↩ ↪ ▪ ▫ ▶ ◀ ◻ ◼), which the older copy counts as two.
export const NARROW_CLASS = String.raw`\u0020-\u007E\u00A0-\u00A8\u00AA-\u00AC\u00AF-\u02FF\u2010-\u2027\u2030-\u203B\u203D-\u2048\u204A-\u205E\u2190-\u2193\u219A-\u21A8\u21AB-\u21FF\u2500-\u25A9\u25AC-\u25B5\u25B7-\u25BF\u25C1-\u25FA\u2800-\u28FF\u276F`;

const NARROW = new RegExp(`^[${NARROW_CLASS}]*$`, 'u');
// A styled line (the dashboard's rows, Ink's colours): narrow characters between SGR sequences
// (ESC [ digits and semicolons m), which string-width strips before it measures.
const NARROW_STYLED = new RegExp(`^(?:[${NARROW_CLASS}]|\\u001B\\[[0-9;]*m)*$`, 'u');
// eslint-disable-next-line no-control-regex
const SGR = /\u001B\[[0-9;]*m/g;

/**
 * The width string-width gives `text` with these options, when it is made only of NARROW_CLASS
 * characters and SGR sequences; undefined when string-width has to measure it itself. The build
 * puts this first in both copies of string-width the bundle holds.
 */
export function narrowWidth(text, options = {}) {
	if (typeof text !== 'string' || options.ambiguousIsNarrow === false) return undefined;
	if (NARROW.test(text)) return text.length;
	if (options.countAnsiEscapeCodes || !text.includes('\u001B') || !NARROW_STYLED.test(text)) return undefined;
	return text.replace(SGR, '').length;
}

/** Each code unit of `text` as its own grapheme, in the shape Intl.Segmenter's segments have. */
function unitSegments(text) {
	const at = index => ({segment: text[index], index, input: text});
	return {
		*[Symbol.iterator]() {
			for (let index = 0; index < text.length; index++) yield at(index);
		},
		containing(index = 0) {
			const i = Math.trunc(Number(index));
			return i >= 0 && i < text.length ? at(i) : undefined;
		},
	};
}

let segmenter;
/**
 * A grapheme segmenter for the ANSI tokenizers Ink cuts every line with: a line of NARROW_CLASS
 * characters and SGR sequences has one grapheme per code unit (no combining marks, surrogates or
 * CR LF among them), so it is walked without ICU; anything else goes to Intl.Segmenter, made on
 * first use.
 */
export const graphemes = {
	segment(text) {
		const string = String(text);
		if (NARROW_STYLED.test(string)) return unitSegments(string);
		segmenter ??= new Intl.Segmenter(undefined, {granularity: 'grapheme'});
		return segmenter.segment(string);
	},
};
