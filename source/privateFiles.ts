/**
 * Files only their owner may read (token cache, current account, authority metadata, seen
 * products): the directory made 0700, the file 0600, written whole — a temporary file renamed
 * over the old one, so a reader (or a second process) never sees half of it.
 */
import {randomBytes} from 'node:crypto';
import {mkdir, rename, writeFile} from 'node:fs/promises';
import {dirname} from 'node:path';

export async function writePrivateFile(path: string, text: string): Promise<void> {
	await mkdir(dirname(path), {recursive: true, mode: 0o700});
	const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
	// The umask can only take bits away from 0600.
	await writeFile(temporary, text, {mode: 0o600});
	await rename(temporary, path);
}
