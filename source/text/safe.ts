/**
 * Outside text — names, descriptions and messages from the licensing service, the sign-in server
 * or a file — is data, never terminal control. This is the one place that makes it safe: every
 * C0 and C1 control character (ESC, and with it every CSI, OSC, DCS sequence; CR, LF, BEL, the
 * 8-bit CSI U+009B), DEL, the BiDi controls (U+202A–U+202E, U+2066–U+2069) and the Unicode line
 * and paragraph separators (U+2028, U+2029, U+0085) is spelled out as a visible escape (`\x1b`,
 * `\u202e`). A sequence becomes inert text, and one name is always one line.
 *
 * Text output (tables, notes, problems, the dashboard) goes through safeText; JSON output keeps
 * the exact strings but writes those characters as \uXXXX escapes (safeJson), so no control byte
 * reaches a terminal that shows it either way.
 */

// C0, DEL, C1 (U+0085 among them), the line and paragraph separators, the BiDi embeddings,
// overrides and isolates. Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_TEST = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** The visible stand-in for one unsafe character: `\x1b` up to U+00FF, `\u202e` above. */
function spelled(char: string): string {
	const code = char.charCodeAt(0);
	return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Outside text made safe to print: every control character spelled out. */
export function safeText(text: string): string {
	// The common case (plain names) costs one test and no copy.
	return UNSAFE_TEST.test(text) ? text.replace(UNSAFE, spelled) : text;
}

/** Whether text holds anything safeText would spell out. */
export function isUnsafe(text: string): boolean {
	return UNSAFE_TEST.test(text);
}

// What JSON.stringify leaves raw inside strings: DEL, C1, the separators and the BiDi controls
// (it already writes C0 as \uXXXX or \n, \t…). None can appear outside a string in JSON.
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON.stringify, with every control character escaped: the exact strings, no raw control byte. */
export function safeJson(value: unknown, indent?: number): string {
	return JSON.stringify(value, null, indent).replace(RAW_IN_JSON, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
