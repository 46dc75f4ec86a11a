/** Starting the emulator for a test, and the program's own layers pointed at it. */
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after} from 'node:test';
import {Auth} from '../../source/auth/auth.js';
import {CommerceClient, type TokenSource} from '../../source/commerce/client.js';
import {resolveSettings, type Settings} from '../../source/config.js';
import {startEmulator, type Emulator, type EmulatorOptions} from '../../source/emulator/index.js';
import {Net, type NetSettings} from '../../source/net/http.js';

/** An emulator that stops when the test file ends. */
export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const emu = await startEmulator(options);
	after(async () => emu.close());
	return emu;
}

/** A Net that trusts the emulator's CA, as `--ca-file` would make it. */
export function trustingNet(emu: Emulator, settings: NetSettings = {}): Net {
	const net = new Net({ca: [emu.caPem], env: {}, retry: {baseDelayMs: 10}, ...settings});
	after(async () => net.close());
	return net;
}

export function clientFor(emu: Emulator, token: string | TokenSource, net = trustingNet(emu)): CommerceClient {
	return new CommerceClient({baseUrl: emu.licensingUrl, net, token: typeof token === 'string' ? async () => token : token});
}

/** Settings as the CLI would resolve them against the emulator, with a fresh config directory. */
export async function settingsFor(emu: Emulator, flags: {tenant?: string; token?: string; clientId?: string} = {}, configDir?: string): Promise<Settings> {
	const home = configDir ?? (await mkdtemp(join(tmpdir(), 'mscommerce-test-')));
	const authority = flags.tenant ? emu.authorityFor(flags.tenant) : emu.authority;
	return resolveSettings({authority, licensingUrl: emu.licensingUrl, ...flags}, {HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state')}, false);
}

export function authFor(emu: Emulator, settings: Settings, net = trustingNet(emu), slowDownStepMs = 1000): Auth {
	return new Auth({settings, net, warn: () => undefined, slowDownStepMs});
}
