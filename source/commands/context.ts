/**
 * What every command runs with: settings, the one HTTP layer, sign-in and the licensing client,
 * and the process's streams. Built once per run.
 */
import {Auth} from '../auth/auth.js';
import {CommerceClient} from '../commerce/client.js';
import {moveFromOldWindowsPlace, type Settings} from '../config.js';
import {Net, type RetryInfo} from '../net/http.js';
import type {Io} from './output.js';
import {safeText} from '../text/safe.js';

export type Context = {
	settings: Settings;
	net: Net;
	auth: Auth;
	client: CommerceClient;
	io: Io;
	signal: AbortSignal;
	/** A line on stderr (notes, warnings). */
	note(line: string): void;
	/** What the context was made with: a fleet makes one context per tenant with the same (fleet/fleet.ts). */
	options: ContextOptions;
};

export type ContextOptions = {
	/** Extra trusted CAs (PEM), beside --ca-file: the embedded emulator's. */
	ca?: string[];
	/** Keep the token cache in memory (the demo). */
	persist?: boolean;
	onRetry?: (info: RetryInfo) => void;
	slowDownStepMs?: number;
	/** The HTTP layer to use (a fleet's tenant shares its run's connections: Net.scoped); else a new one. */
	net?: Net;
	/** Where notes go (a fleet's tenant prefixes its name); else a line on stderr. */
	note?: (line: string) => void;
};

export function createContext(settings: Settings, io: Io, signal: AbortSignal, options: ContextOptions = {}): Context {
	// Notes quote names and messages from outside: made safe, one note is one line.
	const note = options.note ?? ((line: string) => void io.stderr.write(`${safeText(line)}\n`));
	// Windows: the files' old place (before %LOCALAPPDATA%) is moved once, and said (config.ts).
	for (const line of moveFromOldWindowsPlace(settings, settings.env)) note(line);
	const net = options.net ?? new Net({caFile: settings.caFile, ca: options.ca, env: settings.env, timeoutMs: settings.timeoutMs, onRetry: options.onRetry});
	const auth = new Auth({settings, net, persist: options.persist, warn: note, slowDownStepMs: options.slowDownStepMs});
	const client = new CommerceClient({baseUrl: settings.licensingUrl, net, token: auth.token, signal, partner: () => auth.actingInAnotherTenant});
	return {settings, net, auth, client, io, signal, note, options};
}
