/**
 * A file the user names (a baseline, a tenants file), or stdin for `-`, read no further than
 * YAML_LIMITS.bytes: a file is measured before it is read, and a stream (stdin, a pipe such as
 * `--file <(…)`) is read up to the limit and no further, so `--file - < /dev/zero` ends at once.
 * Directories and devices are refused by name. Every refusal is one UsageError line (exit 2).
 *
 * The text is UTF-8, or UTF-16 with its byte order mark: Windows PowerShell 5.1 writes UTF-16LE
 * with a BOM for `>` and `Out-File`, and UTF-8 with a BOM for `Out-File -Encoding utf8`; both read
 * as their text. Anything else that is not valid UTF-8 (a legacy code page such as Windows-1252,
 * which `Set-Content` writes in 5.1) is refused with how to save it, rather than read as mojibake.
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
		const bytes = await readAtMost(stdin, limit);
		if (bytes === undefined) throw tooLarge();
		return decodeText(bytes, `${kind.option}: ${label}`);
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
	let bytes;
	try {
		// `end` is inclusive: at most limit + 1 bytes, even from a file that grew since stat or a pipe.
		bytes = await readAtMost(createReadStream(file, {end: limit}), limit);
	} catch (error) {
		throw cannotRead(error);
	}
	if (bytes === undefined) throw tooLarge();
	return decodeText(bytes, `${kind.option}: ${label}`);
}

/** A stream's bytes, or undefined as soon as it holds more than `limit` bytes (the stream is then closed). */
async function readAtMost(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer | undefined> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
		chunks.push(buffer);
		size += buffer.length;
		// Leaving the loop destroys the stream: nothing more is read.
		if (size > limit) return undefined;
	}
	return Buffer.concat(chunks, size);
}

const UTF8 = new TextDecoder('utf-8', {fatal: true});
const UTF16LE = new TextDecoder('utf-16le', {fatal: true});
const UTF16BE = new TextDecoder('utf-16be', {fatal: true});

/**
 * Text from bytes: UTF-8 (a BOM dropped), or UTF-16 little or big endian with a BOM (PowerShell's
 * `>`). Throws a UsageError naming `what` for UTF-32 and for bytes that are none of these.
 */
export function decodeText(bytes: Uint8Array, what: string): string {
	const starts = (...prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);
	const saveAs = 'save it as UTF-8 (in PowerShell: `Out-File -Encoding utf8`, or `Set-Content -Encoding utf8`)';
	try {
		if (starts(0xff, 0xfe, 0x00, 0x00) || starts(0x00, 0x00, 0xfe, 0xff)) throw new UsageError(`${what} is UTF-32, which is not read: ${saveAs}`);
		// TextDecoder drops a BOM of its own encoding.
		if (starts(0xff, 0xfe)) return UTF16LE.decode(bytes);
		if (starts(0xfe, 0xff)) return UTF16BE.decode(bytes);
		return UTF8.decode(bytes);
	} catch (error) {
		if (error instanceof UsageError) throw error;
		throw new UsageError(`${what} is not UTF-8 or UTF-16 text (a legacy code page such as Windows-1252?): ${saveAs}`);
	}
}
