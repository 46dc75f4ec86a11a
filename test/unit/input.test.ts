import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {test} from 'node:test';
import {parseBaseline} from '../../source/commerce/baseline.js';
import {decodeText, readInputFile} from '../../source/files/input.js';
import {UsageError} from '../../source/problems/errors.js';

const BASELINE = 'products:\n  default: Enabled\n  except:\n    Visio Plan 1: Disabled  # Ünïcode comment\n';
const KIND = {option: '--file', noun: 'baseline file', size: 'a baseline is a few KB'};

/** What Windows PowerShell 5.1 writes for `"…" > file` and `Out-File`: UTF-16LE with a BOM, CRLF lines. */
const powershell51 = (text: string) => Buffer.from(`\ufeff${text.replaceAll('\n', '\r\n')}`, 'utf16le');
const utf16be = (text: string) => Buffer.from(Buffer.from(`\ufeff${text}`, 'utf16le').map((_, i, b) => b[i ^ 1]!));

test('a baseline PowerShell 5.1 wrote (UTF-16 with a BOM, CRLF) reads as the same baseline as its UTF-8 text', async () => {
	const dir = await mkdtemp(join(tmpdir(), 'mscommerce-input-'));
	try {
		const file = join(dir, 'baseline.yaml');
		const wanted = parseBaseline(BASELINE);
		assert.deepEqual(wanted.problems, []);
		for (const [how, bytes] of [
			['UTF-16LE with a BOM (> and Out-File)', powershell51(BASELINE)],
			['UTF-16BE with a BOM', utf16be(BASELINE)],
			['UTF-8 with a BOM (Out-File -Encoding utf8)', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(BASELINE)])],
		] as const) {
			await writeFile(file, bytes);
			const text = await readInputFile(Readable.from([]), file, KIND);
			assert.ok(!text.startsWith('\ufeff'), `${how}: the BOM is not part of the text`);
			const parsed = parseBaseline(text);
			assert.deepEqual(parsed.problems, [], how);
			assert.deepEqual(parsed.baseline, wanted.baseline, how);
		}
		// stdin too: `Get-Content b.yaml | mscommerce baseline plan --file -` in PowerShell 5.1 pipes UTF-16.
		assert.equal(await readInputFile(Readable.from([powershell51(BASELINE)]), '-', KIND), BASELINE.replaceAll('\n', '\r\n'));
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
});

test('a file in a legacy code page or UTF-32 is refused in one line that says how to save it, not read as mojibake', () => {
	const windows1252 = Buffer.from('products:\n  default: Enabled\n  except:\n    Caf\xe9: Disabled\n', 'latin1');
	assert.throws(() => decodeText(windows1252, '--file: b.yaml'), (error: unknown) => {
		assert.ok(error instanceof UsageError);
		assert.match(error.message, /^--file: b\.yaml is not UTF-8 or UTF-16 text .*save it as UTF-8 \(in PowerShell: `Out-File -Encoding utf8`/);
		assert.ok(!error.message.includes('\n'));
		return true;
	});
	const utf32 = Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x70, 0x00, 0x00, 0x00]);
	assert.throws(() => decodeText(utf32, '--file: b.yaml'), /b\.yaml is UTF-32, which is not read: save it as UTF-8/);
	assert.equal(decodeText(Buffer.from('plain'), 'x'), 'plain');
});
