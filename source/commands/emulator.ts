/** mscommerce emulator: the local HTTPS emulator, standalone, until Ctrl-C. */
import type {Io} from './output.js';

export type EmulatorFlags = {port?: string; faults?: string; autoApprove?: boolean; products?: string; preset?: string; legacyTls?: boolean; hostile?: boolean};

export async function emulatorCommand(io: Io, flags: EmulatorFlags, signal: AbortSignal, parseCount: (text: string, option: string) => number): Promise<number> {
	const {runEmulator} = await import('../emulator/index.js');
	const preset = flags.preset ?? 'fresh';
	if (preset !== 'fresh' && preset !== 'demo') throw new (await import('../problems/errors.js')).UsageError(`--preset: "${preset}" is not fresh or demo`);
	await runEmulator({
		port: flags.port === undefined ? undefined : parseCount(flags.port, '--port'),
		faults: flags.faults,
		autoApproveMs: flags.autoApprove ? 1000 : false,
		syntheticProducts: flags.products === undefined ? undefined : parseCount(flags.products, '--products'),
		preset,
		legacyTls: flags.legacyTls,
		hostile: flags.hostile,
		print: line => void io.stdout.write(`${line}\n`),
		signal,
	});
	return 0;
}
