/**
 * A file the user names (a baseline, a tenants file), or stdin for `-`, read no further than
 * YAML_LIMITS.bytes: a file is measured before it is read, and a stream (stdin, a pipe such as
 * `--file <(…)`) is read up to the limit and no further, so `--file - < /dev/zero` ends at once.
 * Directories and devices are refused by name. Every refusal is one UsageError line (exit 2).
 */
import {createReadStream} from 'node:fs';
import {stat} from 'node:fs/promises';
import {UsageError} from '../problems/errors.js';
import {YAML_LIMITS} from './yaml.js';

/** How refusals name the file: its option and what it is. */
export type InputFile = {
	/** `--file`, `--tenants`. */
	option: string;
	/** `baseline file`, `tenants file`. */
	noun: string;
	/** Why the size limit is plenty: "a baseline is a few KB (…)". */
	size: string;
};

export async function readInputFile(stdin: NodeJS.ReadableStream, file: string, kind: InputFile, limit = YAML_LIMITS.bytes): Promise<string> {
	const label = file === '-' ? 'stdin' : file;
	const tooLarge = () => new UsageError(`${kind.option}: ${label} is larger than ${limit / 1024 / 1024} MiB: ${kind.size}; is it the right file?`);
	if (file === '-') {
		const text = await readAtMost(stdin, limit);
		if (text === undefined) throw tooLarge();
		return text;
	}
	const cannotRead = (error: unknown) =>
		new UsageError(`${kind.option}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
	let info;
	try {
		info = await stat(file);
	} catch (error) {
		throw cannotRead(error);
	}
	if (info.isDirectory()) throw new UsageError(`${kind.option}: ${file} is a directory: give the ${kind.noun} in it`);
	if (!info.isFile() && !info.isFIFO()) throw new UsageError(`${kind.option}: ${file} is a device or socket, not a ${kind.noun}`);
	if (info.size > limit) throw tooLarge();
	let text;
	try {
		// `end` is inclusive: at most limit + 1 bytes, even from a file that grew since stat or a pipe.
		text = await readAtMost(createReadStream(file, {end: limit}), limit);
	} catch (error) {
		throw cannotRead(error);
	}
	if (text === undefined) throw tooLarge();
	return text;
}

/** A stream's text, or undefined as soon as it holds more than `limit` bytes (the stream is then closed). */
async function readAtMost(stream: NodeJS.ReadableStream, limit: number): Promise<string | undefined> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
		chunks.push(buffer);
		size += buffer.length;
		// Leaving the loop destroys the stream: nothing more is read.
		if (size > limit) return undefined;
	}
	return Buffer.concat(chunks, size).toString('utf8');
}
