/**
 * For the emulator's own tests: starting one, and a plain HTTPS request to it with a client
 * that trusts only its CA (as `--ca-file` would). The program's own HTTP layer is tested
 * against the emulator elsewhere; here the emulator is what is under test.
 */
import {after} from 'node:test';
import {Agent, request} from 'undici';
import {startEmulator, type Emulator, type EmulatorOptions} from '../../source/emulator/index.js';

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
