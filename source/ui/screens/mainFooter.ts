/**
 * The main screen's footer: the keys that do something now in this mode, read from the key
 * table (keys.ts). While typing a filter nothing is pinned: `?` and `q` go into the filter.
 */
import type {FooterItem} from '../components/Footer.js';
import {hintsFor, type KeyContext} from '../keys.js';

export function mainFooter(context: KeyContext): {items: FooterItem[]; pinned: FooterItem[]} {
	return hintsFor(context);
}
