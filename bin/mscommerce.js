#!/usr/bin/env node
// Launcher: the whole program is bundled into dist/cli.js (npm run build).
//
// Where the runtime has one (Node 22.8 and later), V8's compiled code is kept between runs in the
// user's own cache directory (XDG_CACHE_HOME, else ~/.cache; %LOCALAPPDATA% on Windows), which
// halves the time spent compiling the bundle at each start. It is only a cache: deleting it costs
// one slower start; NODE_DISABLE_COMPILE_CACHE=1 turns it off. A directory that cannot be made
// (read-only home) is no error: the program starts as before.
import {mkdirSync} from 'node:fs';
import module from 'node:module';
import {homedir} from 'node:os';
import {join} from 'node:path';

if (typeof module.enableCompileCache === 'function' && !process.env.NODE_DISABLE_COMPILE_CACHE) {
	try {
		const base =
			process.env.XDG_CACHE_HOME ||
			(process.platform === 'win32' ? process.env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local') : join(process.env.HOME || homedir(), '.cache'));
		const dir = join(base, 'mscommerce', 'compile-cache');
		// Ours alone: another user's code must never be loaded as ours.
		mkdirSync(dir, {recursive: true, mode: 0o700});
		module.enableCompileCache(dir);
	} catch {
		// no cache: start as before
	}
}
await import('../dist/cli.js');
