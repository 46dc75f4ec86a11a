// The characters whose display width is their count, in every terminal string-width targets:
// printable ASCII, Latin letters and signs, general punctuation, arrows, box drawing and shapes,
// braille (spinners). The dashboard's frames are made of these; measured by this class, a line
// needs neither Intl.Segmenter nor string-width's Unicode property tables (which take ~20 ms to
// build at start-up). test/unit/narrow-text.test.ts proves that string-width gives 1 for each,
// for both copies the bundle holds. Left out on purpose: U+00AD (soft hyphen, zero width),
// U+2028/2029 (line breaks), U+205F and after (invisible operators), and the signs, arrows and
// shapes that have an emoji form (© ® ‼ ⁉ ↔ ↕ ↖–↙ ↩ ↪ ▪ ▫ ▶ ◀ ◻ ◼), which the older copy counts as two.
export const NARROW_CLASS = String.raw`\u0020-\u007E\u00A0-\u00A8\u00AA-\u00AC\u00AF-\u02FF\u2010-\u2027\u2030-\u203B\u203D-\u2048\u204A-\u205E\u2190-\u2193\u219A-\u21A8\u21AB-\u21FF\u2500-\u25A9\u25AC-\u25B5\u25B7-\u25BF\u25C1-\u25FA\u2800-\u28FF\u276F`;
