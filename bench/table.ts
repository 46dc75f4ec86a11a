/** A benchmark result row, and the table `npm run bench` prints. */
export type BenchRow = {name: string; value: number; unit: string; budget?: string; ok?: boolean; note?: string};

export function printTable(rows: BenchRow[]): void {
	const cells = rows.map(r => [r.name, `${formatValue(r.value)} ${r.unit}`, r.budget ?? '', r.ok === undefined ? '' : r.ok ? 'ok' : 'OVER', r.note ?? '']);
	const headers = ['benchmark', 'measured', 'budget', 'result', 'note'];
	const widths = headers.map((h, i) => Math.max(h.length, ...cells.map(c => c[i]!.length)));
	const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
	console.log(line(headers));
	console.log(`|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`);
	for (const row of cells) console.log(line(row));
}

function formatValue(value: number): string {
	return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
