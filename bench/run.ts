/** npm run bench: every benchmark, one table. Budgets are checked here, never in timed tests. */
// What users run: the program's V8 settings (the dashboard and the commands set them first).
import '../source/runtime.js';
import {printTable, type BenchRow} from './table.js';

// What users run: React's production build (the bundle defines NODE_ENV; tsx here does not).
process.env.NODE_ENV = 'production';
const [{benchBulk}, {benchKeys, benchMemory, benchStartup}, {benchFleet}, {benchUserView}] = await Promise.all([
	import('./bulk.js'),
	import('./dashboard.js'),
	import('./fleet.js'),
	import('./userview.js'),
]);

const rows: BenchRow[] = [];
// benchUserView: the same as a user sees it, per Node line (a pty, the emulator as its own process).
for (const bench of [benchStartup, benchKeys, benchMemory, benchUserView, benchBulk, benchFleet]) {
	try {
		rows.push(...(await bench()));
	} catch (error) {
		rows.push({name: bench.name, value: Number.NaN, unit: '', ok: false, note: `failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`});
	}
}
printTable(rows);
process.exitCode = rows.every(r => r.ok !== false) ? 0 : 1;
