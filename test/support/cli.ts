/** Runs the CLI as a separate process, from source (tsx), as a user would run the built binary. */
import {spawn} from 'node:child_process';
import type {Emulator} from '../../source/emulator/index.js';

export type CliResult = {code: number | null; stdout: string; stderr: string};

export async function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
	return runProcess(process.execPath, ['--import', 'tsx', 'source/cli.tsx', ...args], env, input);
}

/** Any program, with only PATH, TMPDIR, NO_COLOR and `env` in its environment; its output and exit code. */
export async function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
	const child = spawn(command, args, {
		// TMPDIR: what the CLI creates there (the --demo emulator's CA) goes where scripts/test.mjs removes it.
		env: {PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, NO_COLOR: '1', ...env},
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	child.stdin.end(input ?? '');
	const code = await new Promise<number | null>(resolve => child.on('close', resolve));
	return {code, stdout, stderr};
}

/** The environment that points the CLI at an emulator, with its own config and state directories. */
export function cliEnv(emu: Emulator, home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return {
		HOME: home,
		XDG_CONFIG_HOME: `${home}/config`,
		XDG_STATE_HOME: `${home}/state`,
		MSCOMMERCE_AUTHORITY: emu.authority,
		MSCOMMERCE_LICENSING_URL: emu.licensingUrl,
		MSCOMMERCE_CA_FILE: emu.caFile,
		...extra,
	};
}
