/** The built binary's --demo on a fresh machine: the embedded emulator mints its CA and serves. */
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
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
