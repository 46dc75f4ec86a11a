/**
 * The one formatter for command output: stdout is data only (text table, JSON or CSV);
 * progress, notes and problems go to stderr.
 */
import type {OutputFormat} from '../config.js';
import type {PolicyValue} from '../commerce/types.js';
import {VALUE_LABEL} from '../commerce/values.js';
import {safeJson, safeText} from '../text/safe.js';
import {displayWidth, padEnd, truncate} from '../text/width.js';

export type Column<T> = {
	header: string;
	value: (item: T) => string;
	/** Dropped first when the terminal is narrow (higher drops first). */
	dropOrder?: number;
	/** May be cut down to this width (with …) before the first column is cut. */
	shrinkTo?: number;
};

export type Writer = {write(text: string): unknown};

export type Io = {
	stdout: Writer & {isTTY?: boolean; columns?: number};
	stderr: Writer & {isTTY?: boolean};
	stdin: NodeJS.ReadableStream & {isTTY?: boolean};
};

/**
 * A value as a plan's table shows it: the short word in text (so a plan fits 80 columns), the
 * exact value in CSV (JSON has its own fields), which a program reads back.
 */
export function valueWord(ctx: {settings: {output: OutputFormat}}, value: PolicyValue): string {
	return ctx.settings.output === 'text' ? VALUE_LABEL[value] : value;
}

/** Prints items in the chosen format: JSON gets the service's own objects (`json`), text and CSV the columns. */
export function printList<T>(io: Io, format: OutputFormat, items: readonly T[], columns: Column<T>[], json: (item: T) => unknown = item => item): void {
	if (format === 'json') {
		io.stdout.write(`${safeJson(items.map(json), 2)}\n`);
	} else if (format === 'csv') {
		io.stdout.write(toCsv(items, columns));
	} else {
		io.stdout.write(toTable(items, columns, io.stdout.isTTY ? io.stdout.columns : undefined));
	}
}

/** One object: JSON as is; text as aligned "Field: value" lines; CSV as a header row and one row. */
export function printOne<T>(io: Io, format: OutputFormat, item: T, columns: Column<T>[], json: (item: T) => unknown = i => i): void {
	if (format === 'json') {
		io.stdout.write(`${safeJson(json(item), 2)}\n`);
	} else if (format === 'csv') {
		io.stdout.write(toCsv([item], columns));
	} else {
		const width = Math.max(...columns.map(c => c.header.length));
		io.stdout.write(columns.map(c => `${`${c.header}:`.padEnd(width + 2)}${safeText(c.value(item))}`).join('\n') + '\n');
	}
}

// OWASP's rule against formula injection: a spreadsheet runs a cell that starts with these.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * RFC 4180: CRLF line ends, fields with comma, quote or line break quoted, quotes doubled. Safe
 * by default: control characters are spelled out (safeText), and a cell that starts with = + - @,
 * a tab or CR gets a leading ' so a spreadsheet shows it instead of running it. Product and offer
 * type IDs and policy values never start with those, so they stay exact.
 */
export function toCsv<T>(items: readonly T[], columns: Column<T>[]): string {
	const field = (raw: string) => {
		const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
		const safe = safeText(text);
		return /[",]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
	};
	const lines = [columns.map(c => field(c.header)).join(',')];
	for (const item of items) lines.push(columns.map(c => field(c.value(item))).join(','));
	return `${lines.join('\r\n')}\r\n`;
}

/**
 * An aligned table, every cell made safe and measured by display width; on a terminal narrower
 * than the table, columns with a dropOrder go first, then shrinkable ones are cut, then names.
 */
export function toTable<T>(items: readonly T[], columns: Column<T>[], terminalWidth?: number): string {
	let shown = [...columns];
	const cells = (cols: Column<T>[]) => items.map(item => cols.map(c => safeText(c.value(item))));
	const widthsOf = (cols: Column<T>[], rows: string[][]) =>
		cols.map((c, i) => Math.max(displayWidth(c.header), ...rows.map(r => displayWidth(r[i] ?? ''))));
	let rows = cells(shown);
	let widths = widthsOf(shown, rows);
	const total = (w: number[]) => w.reduce((a, b) => a + b, 0) + 2 * (w.length - 1);
	if (terminalWidth) {
		const droppable = shown.filter(c => c.dropOrder !== undefined).sort((a, b) => (b.dropOrder ?? 0) - (a.dropOrder ?? 0));
		while (total(widths) > terminalWidth && droppable.length > 0) {
			const drop = droppable.shift()!;
			shown = shown.filter(c => c !== drop);
			rows = cells(shown);
			widths = widthsOf(shown, rows);
		}
		// Then shrink what may be shrunk, widest first, one column at a time.
		for (let excess = total(widths) - terminalWidth; excess > 0; excess = total(widths) - terminalWidth) {
			let widest = -1;
			for (const [i, c] of shown.entries()) {
				if (c.shrinkTo !== undefined && widths[i]! > c.shrinkTo && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
			}
			if (widest < 0) break;
			// One column at a time, by the least that evens it with the next widest: what is cut is shared.
			const others = shown.map((c, i) => (i !== widest && c.shrinkTo !== undefined ? widths[i]! : 0));
			const step = Math.max(1, Math.min(excess, widths[widest]! - Math.max(...others, 0)));
			widths[widest] = Math.max(shown[widest]!.shrinkTo!, widths[widest]! - step);
		}
		const excess = total(widths) - terminalWidth;
		if (excess > 0 && widths[0] !== undefined) widths[0] = Math.min(widths[0], Math.max(12, widths[0] - excess));
	}
	const line = (values: string[]) =>
		values
			.map((v, i) => {
				const w = widths[i] ?? displayWidth(v);
				const text = truncate(v, w);
				return i === values.length - 1 ? text : padEnd(text, w);
			})
			.join('  ');
	return [line(shown.map(c => c.header)), ...rows.map(line)].join('\n') + '\n';
}
