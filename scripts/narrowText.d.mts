/** The characters one column wide that the build measures by count (see narrowText.mjs). */
export declare const NARROW_CLASS: string;
/** string-width's answer for a line of narrow characters and SGR sequences, else undefined. */
export declare function narrowWidth(text: unknown, options?: {ambiguousIsNarrow?: boolean; countAnsiEscapeCodes?: boolean}): number | undefined;
type Segment = {segment: string; index: number; input: string};
/** Intl.Segmenter('grapheme') for what the tokenizers ask of it, without ICU for narrow lines. */
export declare const graphemes: {segment(text: string): Iterable<Segment> & {containing(index?: number): Segment | undefined}};
