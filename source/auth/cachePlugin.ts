/**
 * MSAL's token cache, persisted to one file: directory 0700, file 0600, written atomically
 * (temp file + rename), guarded by a lock so two processes never interleave a read-modify-write,
 * and a corrupt file set aside with a one-line warning instead of a crash.
 */
import {chmod, mkdir, readFile, rename, rm, rmdir, stat} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import type {ICachePlugin, TokenCacheContext} from '@azure/msal-node';
import {writePrivateFile} from '../privateFiles.js';

const LOCK_WAIT_MS = 5_000;
const LOCK_STALE_MS = 15_000;

export class FileCachePlugin implements ICachePlugin {
	private locked = false;

	constructor(
		readonly file: string,
		private readonly warn: (line: string) => void,
	) {}

	async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
		await this.ensureDirectory();
		await this.lock();
		let text: string;
		try {
			text = await readFile(this.file, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
			throw error;
		}
		try {
			JSON.parse(text);
			context.tokenCache.deserialize(text);
		} catch {
			const aside = `${this.file}.corrupt-${Date.now()}`;
			await rename(this.file, aside).catch(() => undefined);
			this.warn(`warning: the token cache ${this.file} was unreadable; moved it to ${aside} and starting signed out`);
			context.tokenCache.deserialize('');
		}
	}

	async afterCacheAccess(context: TokenCacheContext): Promise<void> {
		try {
			if (context.cacheHasChanged) {
				await writePrivateFile(this.file, context.tokenCache.serialize());
			}
		} finally {
			await this.unlock();
		}
	}

	private async ensureDirectory(): Promise<void> {
		const dir = dirname(this.file);
		await mkdir(dir, {recursive: true, mode: 0o700});
		// mkdir's mode only applies to directories it creates; a directory made by someone else keeps its own.
		const info = await stat(dir);
		if ((info.mode & 0o077) !== 0 && info.uid === process.getuid?.()) await chmod(dir, 0o700);
	}

	private get lockDir(): string {
		return join(dirname(this.file), '.cache.lock');
	}

	private async lock(): Promise<void> {
		const started = Date.now();
		for (;;) {
			try {
				await mkdir(this.lockDir, {mode: 0o700});
				this.locked = true;
				return;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			}
			const age = await stat(this.lockDir).then(s => Date.now() - s.mtimeMs, () => 0);
			if (age > LOCK_STALE_MS) {
				// A process died holding it.
				await rm(this.lockDir, {recursive: true, force: true});
				continue;
			}
			if (Date.now() - started > LOCK_WAIT_MS) {
				// Better to go on than to hang: the write itself is still atomic.
				return;
			}
			await sleep(25 + Math.random() * 50);
		}
	}

	private async unlock(): Promise<void> {
		if (!this.locked) return;
		this.locked = false;
		await rmdir(this.lockDir).catch(() => undefined);
	}
}
