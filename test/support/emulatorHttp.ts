/**
 * For the emulator's own tests: starting one, and a plain HTTPS request to it with a client
 * that trusts only its CA (as `--ca-file` would). The program's own HTTP layer is tested
 * against the emulator elsewhere; here the emulator is what is under test.
 */
import {after} from 'node:test';
import {Agent, request} from 'undici';
import {runEmulator, startEmulator, type Emulator, type EmulatorOptions, type RunEmulatorOptions} from '../../source/emulator/index.js';

export type Answer = {status: number; headers: Record<string, string | string[] | undefined>; text: string; json: () => unknown};

const agents = new Map<Emulator, Agent>();

/** An emulator (and its client's connections) that stops when the test file ends. */
export async function start(options: EmulatorOptions = {}): Promise<Emulator> {
	const emu = await startEmulator(options);
	after(async () => {
		await agents.get(emu)?.close();
		await emu.close();
	});
	return emu;
}

/** One request; the admin's token unless `token` says otherwise (null: none); `base` for another listener. */
export async function call(
	emu: Emulator,
	method: string,
	path: string,
	options: {token?: string | null; body?: string; headers?: Record<string, string>; base?: string} = {},
): Promise<Answer> {
	let agent = agents.get(emu);
	if (!agent) agents.set(emu, (agent = new Agent({connect: {ca: [emu.caPem]}})));
	const token = options.token === undefined ? emu.tokens.admin : options.token;
	const headers: Record<string, string> = {...options.headers};
	if (token !== null) headers.authorization = `Bearer ${token}`;
	if (options.body !== undefined) headers['content-type'] ??= 'application/json';
	const response = await request(`${options.base ?? emu.url}${path}`, {method: method as 'GET', headers, body: options.body, dispatcher: agent});
	const text = await response.body.text();
	return {status: response.statusCode, headers: response.headers, text, json: () => JSON.parse(text) as unknown};
}

/** A form POST to an identity route, as MSAL sends it (no token); the answer's JSON body. */
export async function postForm(emu: Emulator, path: string, form: Record<string, string>): Promise<{status: number; headers: Answer['headers']; body: Record<string, unknown>}> {
	const agent = new Agent({connect: {ca: [emu.caPem]}});
	try {
		const response = await request(`${emu.url}${path}`, {
			method: 'POST',
			headers: {'content-type': 'application/x-www-form-urlencoded'},
			body: new URLSearchParams(form).toString(),
			dispatcher: agent,
		});
		return {status: response.statusCode, headers: response.headers, body: (await response.body.json()) as Record<string, unknown>};
	} finally {
		await agent.close();
	}
}

/**
 * The standalone emulator (`mscommerce emulator`), running until `stop`: what it printed up to its
 * "Press Ctrl-C" line.
 */
export async function printedBy(options: Omit<RunEmulatorOptions, 'print' | 'signal' | 'quiet'>): Promise<{lines: string[]; text: string; stop: () => Promise<void>}> {
	const lines: string[] = [];
	const controller = new AbortController();
	let ready: () => void = () => undefined;
	const printedAll = new Promise<void>(resolve => (ready = resolve));
	const running = runEmulator({
		...options,
		quiet: true,
		signal: controller.signal,
		print: line => {
			lines.push(line);
			if (line.startsWith('Press Ctrl-C')) ready();
		},
	});
	await printedAll;
	return {
		lines,
		text: lines.join('\n'),
		stop: async () => {
			controller.abort();
			await running;
		},
	};
}
