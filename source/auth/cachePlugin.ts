/**
 * MSAL's token cache, persisted to one file: directory 0700, file 0600, written atomically
 * (temp file + rename), guarded by a lock so two processes never interleave a read-modify-write,
 * and a corrupt file deleted with a one-line warning instead of a crash (kept, it could still
 * hold a live refresh token that `logout` would never remove). Where the OS has a keyring, the
 * file's contents are encrypted with a key kept there (cacheProtection.ts); a plain file from
 * before is read as it is and encrypted at the next write.
 */
import {mkdir, rm, rmdir, stat} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import type {ICachePlugin, TokenCacheContext} from '@azure/msal-node';
import {Limiter} from '../net/gate.js';
import {ensurePrivateDir, isWindowsTransient, readPrivateFile, retryTransient, writePrivateFile} from '../privateFiles.js';
import {CacheKey, decrypt, encrypt, isEncrypted, type Protection} from './cacheProtection.js';

const LOCK_WAIT_MS = 5_000;
const LOCK_STALE_MS = 15_000;

/**
 * One cache access at a time per file in this process: a fleet signs in to a hundred tenants at
 * once, each with its own MSAL client over the same file. They queue here, in order, instead of
 * polling the lock directory (which stops waiting after LOCK_WAIT_MS); the directory still keeps
 * other processes out.
 */
const turns = new Map<string, Limiter>();

/** One key lookup per cache file in this process (the licensing and the Graph clients share the file). */
const keys = new Map<string, CacheKey>();

export class FileCachePlugin implements ICachePlugin {
	private locked = false;
	/** Each access's place in the queue, released in afterCacheAccess. */
	private readonly releases = new WeakMap<TokenCacheContext, () => void>();

	private readonly key: CacheKey;

	constructor(
		readonly file: string,
		private readonly warn: (line: string) => void,
		env: NodeJS.ProcessEnv = process.env,
	) {
		let key = keys.get(file);
		if (!key) keys.set(file, (key = new CacheKey(dirname(file), env)));
		this.key = key;
	}

	/** How the file is protected at rest (cacheProtection.ts): for whoami and login. */
	async protection(): Promise<Protection> {
		return (await this.key.get()).protection;
	}

	async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
		let turn = turns.get(this.file);
		if (!turn) turns.set(this.file, (turn = new Limiter(1)));
		const release = await turn.acquire();
		this.releases.set(context, release);
		let text: string | undefined;
		try {
			await this.ensureDirectory();
			await this.lock();
			text = await readPrivateFile(this.file);
		} catch (error) {
			await this.unlock();
			release();
			throw error;
		}
		if (text === undefined) return;
		if (isEncrypted(text)) {
			const {key, protection} = await this.key.get();
			const plain = key && decrypt(text, key);
			if (plain === undefined) {
				// Its key is gone (another machine's keyring, a reset keyring): no one can read it.
				await rm(this.file, {force: true});
				const why = protection.kind === 'keyring' ? `its key is not the one in ${protection.store}` : `no keyring holds its key now: ${protection.why}`;
				this.warn(`warning: the token cache ${this.file} could not be decrypted (${why}) and has been deleted; signed out — run \`mscommerce login\``);
				context.tokenCache.deserialize('');
				return;
			}
			text = plain;
		}
		try {
			JSON.parse(text);
			context.tokenCache.deserialize(text);
		} catch {
			// It may still hold a working refresh token: never keep it lying about under another name.
			await rm(this.file, {force: true});
			this.warn(`warning: the token cache ${this.file} was unreadable and has been deleted (it may have held tokens); signed out — run \`mscommerce login\``);
			context.tokenCache.deserialize('');
		}
	}

	async afterCacheAccess(context: TokenCacheContext): Promise<void> {
		try {
			if (context.cacheHasChanged) {
				const {key} = await this.key.get();
				const plain = context.tokenCache.serialize();
				await writePrivateFile(this.file, key ? encrypt(plain, key) : plain);
			}
		} finally {
			await this.unlock();
			this.releases.get(context)?.();
			this.releases.delete(context);
		}
	}

	private async ensureDirectory(): Promise<void> {
		// Ours alone, or refused (a link, another user's, writable by others): source/privateFiles.ts.
		await ensurePrivateDir(dirname(this.file));
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
				// Windows answers EPERM / EACCES while the last holder's folder is being deleted: busy too.
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST' && !isWindowsTransient(error)) throw error;
			}
			const age = await stat(this.lockDir).then(s => Date.now() - s.mtimeMs, () => 0);
			if (age > LOCK_STALE_MS) {
				// A process died holding it.
				await retryTransient(() => rm(this.lockDir, {recursive: true, force: true}));
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
