/**
 * Text fitted to columns, for the dashboard. Every line it prints is fitted here first, so
 * nothing wraps and every panel's height is known before it is drawn (the list gets the rest);
 * and everything fitted is made safe first (source/text/safe.ts): a name from the service is
 * drawn, never obeyed.
 */
import {safeText} from '../text/safe.js';
import * as width from '../text/width.js';

/** Cuts `text` to `columns`, ending in … when cut. */
export function truncate(text: string, columns: number): string {
	return width.truncate(safeText(text), columns);
}

/** Exactly `columns` wide: cut with …, or padded with spaces. */
export function fit(text: string, columns: number): string {
	return width.fit(safeText(text), columns);
}

/** Word-wraps `text` to lines of at most `columns` (long words are cut). */
export function wrap(text: string, columns: number): string[] {
	return width.wrap(safeText(text), columns);
}

/** Wraps, keeping at most `max` lines (the last one ends in … when text was left out). */
export function wrapAtMost(text: string, columns: number, max: number): string[] {
	return width.wrapAtMost(safeText(text), columns, max);
}

export {displayWidth} from '../text/width.js';
