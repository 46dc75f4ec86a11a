/**
 * Shell completion end to end: the built binary lists products against the emulator, then bash,
 * with the script `mscommerce completion bash` prints, completes `mscommerce products set CF<Tab>`
 * to the product IDs just listed (issue 13's "done when").
 */
import assert from 'node:assert/strict';
import {execFile, spawnSync} from 'node:child_process';
import {chmod, mkdir, mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {promisify} from 'node:util';
import {cliEnv} from '../support/cli.js';
import {emulator} from '../support/emulator.js';

const run = promisify(execFile);
const BIN = join(process.cwd(), 'bin/mscommerce.js');
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** A HOME whose PATH has `mscommerce` on it (the built binary), as after `npm link`. */
async function installed(): Promise<{home: string; path: string}> {
	const home = await mkdtemp(join(tmpdir(), 'mscommerce-completion-'));
	const bin = join(home, 'bin');
	await mkdir(bin);
	await writeFile(join(bin, 'mscommerce'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
	await chmod(join(bin, 'mscommerce'), 0o755);
	return {home, path: `${bin}:${process.env.PATH ?? ''}`};
}

/** What bash's completion function offers for COMP_WORDS as bash splits the line. */
async function complete(env: NodeJS.ProcessEnv, words: string[]): Promise<string[]> {
	const script = `source <(mscommerce completion bash) || exit 1
COMP_WORDS=(${words.map(w => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_mscommerce
printf '%s\\n' "\${COMPREPLY[@]}"`;
	const {stdout} = await run('bash', ['--norc', '--noprofile', '-c', script], {env});
	return stdout.split('\n').filter(Boolean);
}

test('after products list, bash completes mscommerce products set CF<Tab> to the product IDs listed', async () => {
	const emu = await emulator();
	const {home, path} = await installed();
	const env = {...cliEnv(emu, home), PATH: path, MSCOMMERCE_TOKEN: emu.tokens.admin};

	// Before any list: commands and options, no IDs.
	assert.deepEqual(await complete(env, ['mscommerce', 'products', 'set', 'CF']), []);
	assert.deepEqual(await complete(env, ['mscommerce', 'prod']), ['products']);

	const listed = await run('mscommerce', ['products', 'list', '--json'], {env});
	const ids = (JSON.parse(listed.stdout) as {productId: string}[]).map(p => p.productId);
	const offered = await complete(env, ['mscommerce', 'products', 'set', 'CF']);
	assert.deepEqual([...offered].sort(), ids.filter(id => id.startsWith('CF')).sort());
	assert.ok(offered.length > 1);

	// Then the value, and --output=<Tab> as bash splits it.
	assert.ok((await complete(env, ['mscommerce', 'products', 'set', offered[0]!, ''])).includes('OnlyTrialsWithoutPaymentMethod'));
	assert.deepEqual(await complete(env, ['mscommerce', 'products', 'list', '--output', '=', 'j']), ['json']);
});

test('in an interactive bash, Tab after products set CF shows the product IDs', {skip: hasTmux ? false : 'tmux is not installed (.ci/run installs it)'}, async () => {
	const emu = await emulator();
	const {home, path} = await installed();
	const env = {...cliEnv(emu, home), PATH: path, MSCOMMERCE_TOKEN: emu.tokens.admin, TERM: 'xterm-256color', LANG: 'C.UTF-8'};
	await run('mscommerce', ['products', 'list'], {env});
	// As the README says to install it; PS1 after any system bashrc, so the prompt is known.
	await writeFile(join(home, '.bashrc'), `eval "$(mscommerce completion bash)"\nPS1='$ '\n`);

	const session = `mscommerce-completion-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
	const assignments = Object.entries(env).map(([key, value]) => `${key}='${String(value).replace(/'/g, `'\\''`)}'`);
	spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '30', `env -i ${assignments.join(' ')} bash --rcfile '${home}/.bashrc' -i`]);
	after(() => void spawnSync('tmux', ['kill-session', '-t', session]));
	const read = () => spawnSync('tmux', ['capture-pane', '-p', '-t', session], {encoding: 'utf8'}).stdout;
	const see = async (pattern: RegExp) => {
		const deadline = Date.now() + 10_000;
		for (;;) {
			const screen = read();
			if (pattern.test(screen)) return screen;
			if (Date.now() > deadline) assert.fail(`${pattern} never appeared; the screen was:\n${screen}`);
			await sleep(50);
		}
	};
	await see(/^\$\s*$/m);
	spawnSync('tmux', ['send-keys', '-t', session, '-l', 'mscommerce products set CF']);
	// The first Tab completes what the IDs share; then, as bash does, two more list them.
	spawnSync('tmux', ['send-keys', '-t', session, 'Tab']);
	await see(/\$ mscommerce products set CFQ7TTC0/);
	spawnSync('tmux', ['send-keys', '-t', session, 'Tab', 'Tab']);
	await see(/CFQ7TTC0\w{4}\s+CFQ7TTC0\w{4}/);
});
