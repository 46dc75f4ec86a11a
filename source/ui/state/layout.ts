/**
 * Column widths for the list at a given terminal width. Narrow terminals drop the trial column
 * and use the short value labels (VALUE_LABEL) before the name column gets squeezed.
 */
import type {Scope} from '../../commerce/types.js';

export type Columns = {
	/** Name column width. */
	name: number;
	/** ID column width; 0 when hidden (very narrow terminals). */
	id: number;
	value: number;
	/** "Trial w/o pay" column width; 0 when hidden. */
	trial: number;
	/** Show VALUE_LABEL instead of the full value. */
	shortValues: boolean;
};

/** The cursor pointer, the mark, and a space. */
export const ROW_PREFIX = 3;
export const FULL_VALUE_WIDTH = 'OnlyTrialsWithoutPaymentMethod'.length;
export const SHORT_VALUE_WIDTH = 'Trials only'.length;
export const TRIAL_HEADER = 'Trial w/o pay';
/** Terminals at least this wide get full value names. */
export const WIDE = 100;
/** Terminals at least this wide get the trial column (products). */
export const MEDIUM = 90;
/** The name column never grows past this. */
export const MAX_NAME = 60;

export function columnsFor(width: number, scope: Scope): Columns {
	const shortValues = width < WIDE;
	const value = shortValues ? SHORT_VALUE_WIDTH : FULL_VALUE_WIDTH;
	const trial = scope === 'product' && width >= MEDIUM ? TRIAL_HEADER.length : 0;
	let id = scope === 'product' ? 12 : 14;
	const used = () => ROW_PREFIX + (id ? id + 1 : 0) + value + 1 + (trial ? trial + 1 : 0);
	if (width - used() < 16) id = 0;
	// Wide terminals leave room on the right rather than push the ID far from the name.
	const name = Math.min(MAX_NAME, Math.max(4, width - used() - 1));
	return {name, id, value, trial, shortValues};
}
