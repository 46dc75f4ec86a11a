/** The built binary's --demo on a fresh machine: the embedded emulator mints its CA and serves. */
import assert from 'node:assert/strict';
import {execFile, spawn} from 'node:child_process';
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {promisify} from 'node:util';
import {catalog} from '../../source/commerce/catalog.js';

const run = promisify(execFile);

test('--demo works from the built binary with an empty home (a CA minted at start, nothing cached)', async () => {
	const home = await mkdtemp(join(tmpdir(), 'mscommerce-demo-'));
	const {stdout} = await run(process.execPath, ['bin/mscommerce.js', '--demo', 'products', 'list', '--json'], {
		env: {PATH: process.env.PATH, HOME: home, XDG_STATE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config')},
	});
	const items = JSON.parse(stdout) as Array<{productId: string; policyValue: string}>;
	assert.equal(items.length, catalog.products.length);
	assert.ok(items.some(item => item.policyValue === 'Disabled'), 'the demo preset has a realistic mix of values');
});

test('the built binary starts silently: V8 accepts the settings source/runtime.ts gives it (nothing on stderr)', async () => {
	const {stdout, stderr} = await run(process.execPath, ['bin/mscommerce.js', '--version'], {env: {PATH: process.env.PATH}});
	assert.match(stdout, /^\d+\.\d+\.\d+/);
	assert.equal(stderr, '');
});

test('a reader that stops early (mscommerce --help | head -1) ends nothing in error: exit 0, no stack trace', async () => {
	for (const args of [['--help'], ['switches', '--help'], ['--demo', 'products', 'list']]) {
		const home = await mkdtemp(join(tmpdir(), 'mscommerce-demo-'));
		const child = spawn(process.execPath, ['bin/mscommerce.js', ...args], {env: {PATH: process.env.PATH, HOME: home}, stdio: ['ignore', 'pipe', 'pipe']});
		// The pipe is closed before the program writes a byte: every write to it fails with EPIPE.
		child.stdout.destroy();
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const code = await new Promise<number | null>(resolve => child.on('close', resolve));
		assert.equal(stderr, '', args.join(' '));
		assert.equal(code, 0, args.join(' '));
	}
});
