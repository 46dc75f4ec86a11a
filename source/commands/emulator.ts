/** mscommerce emulator: the local HTTPS emulator, standalone, until Ctrl-C. */
import type {Io} from './output.js';

export type EmulatorFlags = {port?: string; faults?: string; autoApprove?: boolean; products?: string; preset?: string; legacyTls?: boolean; hostile?: boolean; tenantCount?: string};

export async function emulatorCommand(io: Io, flags: EmulatorFlags, signal: AbortSignal, parseCount: (text: string, option: string) => number): Promise<number> {
	const {runEmulator} = await import('../emulator/index.js');
	const preset = flags.preset ?? 'fresh';
	const {UsageError} = await import('../problems/errors.js');
	if (preset !== 'fresh' && preset !== 'demo') throw new UsageError(`--preset: "${preset}" is not fresh or demo`);
	const {MAX_TENANT_COUNT} = await import('../emulator/index.js');
	const tenantCount = flags.tenantCount === undefined ? undefined : parseCount(flags.tenantCount, '--tenant-count');
	if (tenantCount !== undefined && tenantCount > MAX_TENANT_COUNT) throw new UsageError(`--tenant-count: at most ${MAX_TENANT_COUNT} tenants`);
	await runEmulator({
		port: flags.port === undefined ? undefined : parseCount(flags.port, '--port'),
		faults: flags.faults,
		autoApproveMs: flags.autoApprove ? 1000 : false,
		syntheticProducts: flags.products === undefined ? undefined : parseCount(flags.products, '--products'),
		preset,
		tenantCount,
		legacyTls: flags.legacyTls,
		hostile: flags.hostile,
		print: line => void io.stdout.write(`${line}\n`),
		signal,
	});
	return 0;
}
