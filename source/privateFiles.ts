/**
 * Files only their owner may read (token cache, current account, authority metadata, seen
 * products, the audit log), and the `mscommerce` directories that hold them. One place decides
 * what is trusted:
 *
 * - Our directories are made 0700. One that is a symbolic link (or a Windows reparse point), not
 *   a directory, owned by another user, or writable by group or others is refused — one line
 *   naming the path and what to do, exit 2 — and never chmodded: chmod through a planted link
 *   would change someone else's file.
 * - Files are written whole: a temporary file created exclusively (never through a link), then
 *   renamed over the old one, so a reader (or a second process) never sees half of it.
 * - Files are read and appended without following a symbolic link (O_NOFOLLOW).
 * - On Windows, a rename or a lock folder refused for a moment (EPERM, EACCES, EBUSY: the file is
 *   held open by another process, or an antivirus or the indexer is scanning it) is tried again
 *   for up to ~1.5 s, as graceful-fs and VS Code do; elsewhere those codes are real and final.
 */
import {randomBytes} from 'node:crypto';
import {closeSync, constants, openSync, readFileSync, type Stats} from 'node:fs';
import {chmod, lstat, mkdir, open, rename, rm, type FileHandle} from 'node:fs/promises';
import {dirname} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {UsageError} from './problems/errors.js';

const WINDOWS_TRANSIENT = new Set(['EPERM', 'EACCES', 'EBUSY']);

/** Whether `error` is one of Windows' passing refusals of a file operation (on that platform only). */
export function isWindowsTransient(error: unknown, platform: NodeJS.Platform = process.platform): boolean {
	return platform === 'win32' && WINDOWS_TRANSIENT.has((error as NodeJS.ErrnoException)?.code ?? '');
}

/** How often and how long a transient refusal is waited out: 10, 20, 40 … 320 ms, eight tries in all (~1.3 s). */
export const TRANSIENT_RETRY = {tries: 8, firstDelayMs: 10};

/** Runs `operation`, trying again while Windows refuses it for a moment (isWindowsTransient), at most TRANSIENT_RETRY.tries times. */
export async function retryTransient<T>(operation: () => Promise<T>, platform: NodeJS.Platform = process.platform): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await operation();
		} catch (error) {
			if (attempt >= TRANSIENT_RETRY.tries || !isWindowsTransient(error, platform)) throw error;
			await sleep(TRANSIENT_RETRY.firstDelayMs * 2 ** (attempt - 1));
		}
	}
}

// 0 where the platform has no such flag (Windows): the lstat checks below still refuse links there.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

function refuse(path: string, why: string, fix: string): never {
	throw new UsageError(`refusing to use ${path}: ${why}`, [fix]);
}

/** The checks every one of our directories must pass (it exists). */
function checkDirectory(dir: string, info: Stats): void {
	if (info.isSymbolicLink()) refuse(dir, 'it is a symbolic link, and mscommerce keeps tokens and logs only in a directory of its own', `Remove the link (rm ${dir}) and run again; mscommerce creates the directory itself.`);
	if (!info.isDirectory()) refuse(dir, 'it is not a directory', `Move it away (mv ${dir} ${dir}.old) and run again.`);
	const uid = process.getuid?.();
	if (uid !== undefined && info.uid !== uid) refuse(dir, `it belongs to another user (uid ${info.uid})`, `Use your own directory: set XDG_CONFIG_HOME / XDG_STATE_HOME, or remove ${dir} if it should not be there.`);
	if (uid !== undefined && (info.mode & 0o022) !== 0) refuse(dir, 'others may write to it, so anyone could plant files in it', `chmod 700 ${dir} (and check what is inside), then run again.`);
}

/** Creates (0700) or checks one of our directories; tightens an owned, unshared one to 0700. */
export async function ensurePrivateDir(dir: string): Promise<void> {
	await mkdir(dir, {recursive: true, mode: 0o700});
	const info = await lstat(dir);
	checkDirectory(dir, info);
	// Owned, a real directory, nobody else may write: safe to make private (it may be 0755 from an umask).
	if (process.getuid && (info.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/** Writes `text` whole to `path` (0600) in a private directory. */
export async function writePrivateFile(path: string, text: string): Promise<void> {
	await ensurePrivateDir(dirname(path));
	const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
	// O_EXCL: never through something already there, a link included. The umask can only take bits away from 0600.
	const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
	try {
		await handle.writeFile(text);
	} finally {
		await handle.close();
	}
	// rename replaces a link at `path` itself; it never writes through it.
	await retryTransient(() => rename(temporary, path)).catch(async (error: unknown) => {
		await rm(temporary, {force: true});
		throw error;
	});
}

/** Opens one of our files without following a link: a link there is refused (exit 2). */
export async function openPrivateFile(path: string, flags: number, mode = 0o600): Promise<FileHandle> {
	try {
		return await open(path, flags | NOFOLLOW, mode);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ELOOP' || code === 'EMLINK') refuse(path, 'it is a symbolic link', `Remove the link (rm ${path}) and run again.`);
		throw error;
	}
}

/** Reads a small cache file at start-up, never through a link; undefined when missing, a link or unreadable. */
export function readPrivateFileSyncOrNothing(path: string): string | undefined {
	let fd: number | undefined;
	try {
		fd = openSync(path, constants.O_RDONLY | NOFOLLOW);
		return readFileSync(fd, 'utf8');
	} catch {
		return undefined;
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}

/** Reads one of our files (undefined when there is none), never through a link. */
export async function readPrivateFile(path: string): Promise<string | undefined> {
	let handle: FileHandle;
	try {
		if (!NOFOLLOW && (await lstat(path)).isSymbolicLink()) refuse(path, 'it is a symbolic link', `Remove the link (rm ${path}) and run again.`);
		handle = await openPrivateFile(path, constants.O_RDONLY);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
	try {
		return await handle.readFile('utf8');
	} finally {
		await handle.close();
	}
}
