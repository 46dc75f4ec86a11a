/**
 * A hostile baseline against the emulator, as a user meets it: stdin from /dev/zero, a file too
 * large, a directory or a device, thousands of problems, and a tenant whose IDs or names a baseline
 * file cannot hold. Every one ends at once with exit 2 and a clear line, and nothing is sent.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {openSync, closeSync} from 'node:fs';
import {mkdir, readFile, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {test} from 'node:test';
import {exportCommand, MAX_PRINTED, planCommand} from '../../source/commands/baseline.js';
import type {Emulator} from '../../source/emulator/index.js';
import {cliEnv} from '../support/cli.js';
import {emulator} from '../support/emulator.js';
import {home} from './guard-helpers.js';

const tenantOf = (emu: Emulator) => emu.accounts[0]!.tenantId;
const TOO_LARGE = /is larger than 1 MiB: a baseline is a few KB/;

test('`baseline plan --file - < /dev/zero` stops reading at 1 MiB: exit 2, one line, nothing sent', async () => {
	const emu = await emulator();
	const {dir} = await home(emu);
	const zero = openSync('/dev/zero', 'r');
	const child = spawn(process.execPath, ['--import', 'tsx', 'source/cli.tsx', 'baseline', 'plan', '--file', '-'], {
		env: {PATH: process.env.PATH, NO_COLOR: '1', ...cliEnv(emu, dir, {MSCOMMERCE_TOKEN: emu.tokens.admin})},
		stdio: [zero, 'ignore', 'pipe'],
	});
	closeSync(zero);
	let stderr = '';
	// 'pipe' above: stderr is a stream (node's types cannot tell with a file descriptor as stdin).
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	// Reading /dev/zero to its end never finishes: this returning at all is the point.
	const code = await new Promise<number | null>(resolve => child.on('close', resolve));
	assert.equal(code, 2, stderr);
	assert.equal(stderr.trim().split('\n').length, 1, stderr);
	assert.match(stderr, /^error: --file: stdin is larger than 1 MiB: a baseline is a few KB/);
	assert.equal(emu.requests.length, 0, 'nothing sent');
});

test('a file over 1 MiB, a directory and a device are refused by name with exit 2, before any request', async () => {
	const emu = await emulator();
	const user = await home(emu);
	const large = join(user.dir, 'large.yaml');
	await writeFile(large, `# ${'x'.repeat(1024 * 1024)}\npolicy: AllowSelfServicePurchase\n`);
	const folder = join(user.dir, 'baselines');
	await mkdir(folder);
	for (const [file, message] of [
		[large, TOO_LARGE],
		[folder, /is a directory: give the baseline file in it/],
		['/dev/zero', /\/dev\/zero is a device or socket, not a baseline file/],
		[join(user.dir, 'missing.yaml'), /cannot read .*missing\.yaml: no such file/],
	] as const) {
		const result = await user.run(async ctx => planCommand(ctx, {file}));
		assert.equal(result.code, 2, result.stderr);
		assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
		assert.match(result.stderr, message);
	}
	assert.equal(emu.requests.length, 0, 'nothing sent');
});

test('16,000 unknown IDs: the first 20 problems, then how many more, then the summary; --json lists every one', async () => {
	const emu = await emulator();
	const user = await home(emu);
	const file = join(user.dir, 'unknown.yaml');
	const ids = Array.from({length: 16_000}, (_, i) => `CFQ7TTC0${String(i).padStart(5, '0')}`);
	await writeFile(file, `products:\n  except:\n${ids.map(id => `    ${id}: Disabled\n`).join('')}`);

	const text = await user.run(async ctx => planCommand(ctx, {file}));
	assert.equal(text.code, 2, text.stderr.slice(0, 500));
	const lines = text.stderr.trim().split('\n');
	assert.equal(lines.length, MAX_PRINTED + 2);
	assert.equal(lines[0], `${file}:3: products.except.CFQ7TTC000000: unknown product ID: not in this tenant's list (see \`mscommerce products list\`)`);
	assert.match(lines[MAX_PRINTED - 1]!, /:22: products\.except\.CFQ7TTC000019: unknown product ID/);
	assert.deepEqual(lines.slice(-2), ['…and 15980 more problems', `error: ${file} has 16000 problems; nothing was changed.`]);

	const json = await user.run(async ctx => planCommand(ctx, {file}), {output: 'json'});
	assert.equal(json.code, 2);
	const {error} = JSON.parse(json.stderr) as {error: {title: string; problems: Array<{path: string; line: number}>}};
	assert.equal(error.title, `${file}: the baseline has 16000 problems`);
	assert.equal(error.problems.length, 16_000);
	assert.deepEqual(error.problems.at(-1), {file, path: 'products.except.CFQ7TTC015999', line: 16_002, message: "unknown product ID: not in this tenant's list (see `mscommerce products list`)"});
	assert.equal(emu.requests.filter(r => r.method === 'PUT').length, 0);
});

test('export refuses, naming them, product IDs a baseline cannot hold, and writes nothing; hostile names stay in their comments and read back in sync', async () => {
	const emu = await emulator({preset: 'demo'});
	const user = await home(emu);
	// A name with a line separator, a NEL and an escape: a YAML 1.1 reader would see new keys.
	emu.addProduct(tenantOf(emu), {productId: 'CFQ7TTC0EVIL', productName: 'Evil\u2028products: {}\u0085x\u001b[2J', trialWithoutPaymentMethod: false, policyValue: 'Disabled'});
	const file = join(user.dir, 'baseline.yaml');
	const exported = await user.run(async ctx => exportCommand(ctx, {file}));
	assert.equal(exported.code, 0, exported.stderr);
	const yaml = await readFile(file, 'utf8');
	assert.match(yaml, /^ {4}CFQ7TTC0EVIL: Disabled +# Evil\\u2028products: \{\}\\x85x\\x1b\[2J$/m);
	const plan = await user.run(async ctx => planCommand(ctx, {file}));
	assert.equal(plan.code, 0, plan.stderr);

	emu.addProduct(tenantOf(emu), {productId: 'CFQ7TTC0\nBAD', productName: 'Broken', trialWithoutPaymentMethod: false, policyValue: 'Disabled'});
	emu.addProduct(tenantOf(emu), {productId: ' CFQ7TTC0PAD', productName: 'Padded', trialWithoutPaymentMethod: false, policyValue: 'Disabled'});
	const refusedFile = join(user.dir, 'refused.yaml');
	const refused = await user.run(async ctx => exportCommand(ctx, {file: refusedFile}));
	assert.equal(refused.code, 2, refused.stderr);
	assert.match(
		refused.stderr,
		/^error: cannot export: the service lists 2 IDs a baseline file cannot hold: product "CFQ7TTC0\\nBAD" \(Broken\): it holds a control character or line break; product " CFQ7TTC0PAD" \(Padded\): it starts or ends with white space; nothing was written\n/,
	);
	await assert.rejects(stat(refusedFile), {code: 'ENOENT'});
	const toStdout = await user.run(async ctx => exportCommand(ctx, {}));
	assert.equal(toStdout.code, 2);
	assert.equal(toStdout.stdout, '', 'nothing on stdout either');
});
