/**
 * Shell completion as a user sees it at a Tab: what `mscommerce __complete <words>` offers for the
 * last word, over a program tree declared as cli.tsx declares it, and what the scripts hand over.
 */
import {buildProgram} from '../../source/program.js';
import assert from 'node:assert/strict';
import {mkdtemp, readFile, stat, writeFile, mkdir} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {test} from 'node:test';
import type {Command} from 'commander';
import {completeCommand, completionCommand, rememberForCompletion} from '../../source/commands/completion.js';
import type {Io} from '../../source/commands/output.js';

/** The real command tree (source/program.tsx): what completion walks in the binary. */
function program(): Command {
	return buildProgram();
}

function fakeIo(): Io & {out: () => string; err: () => string} {
	let out = '';
	let err = '';
	return {
		stdout: {write: (text: string) => (out += text)},
		stderr: {write: (text: string) => (err += text)},
		stdin: Readable.from([]),
		out: () => out,
		err: () => err,
	};
}

async function stateDir(): Promise<string> {
	return join(await mkdtemp(join(tmpdir(), 'mscommerce-completion-')), 'state', 'mscommerce');
}

/** What a Tab after `mscommerce <line>` offers (a line ending in a space begins a new word). */
async function tab(line: string, dir?: string): Promise<string[]> {
	const io = fakeIo();
	const words = line.split(' ');
	const code = await completeCommand(io, words, program(), dir ?? (await stateDir()));
	assert.equal(code, 0);
	assert.equal(io.err(), '');
	return io.out().split('\n').filter(Boolean);
}

const PRODUCTS = ['CFQ7TTC0LH2H', 'CFQ7TTC0KP0P', 'CFQ7TTC0N8SS', 'DG7GMGF0D3SJ'];

test('Tab after mscommerce offers every command, and no hidden one', async () => {
	const offered = await tab('');
	for (const name of ['login', 'whoami', 'account', 'products', 'offer-types', 'baseline', 'completion', 'help']) assert.ok(offered.includes(name), name);
	assert.ok(!offered.includes('__complete'));
});

test('a command begun is finished, and a group offers its subcommands', async () => {
	assert.deepEqual(await tab('pro'), ['products']);
	assert.deepEqual(await tab('products '), ['list', 'get', 'set', 'help']);
	assert.deepEqual(await tab('offer-types s'), ['set']);
	assert.deepEqual(await tab('--tenant contoso.onmicrosoft.com products g'), ['get']);
});

test('help completes command names at every level', async () => {
	assert.ok((await tab('help ')).includes('products'));
	assert.deepEqual(await tab('help products '), ['list', 'get', 'set']);
});

test('completion <Tab> offers the shells it has a script for', async () => {
	assert.deepEqual(await tab('completion '), ['bash', 'zsh', 'fish', 'powershell']);
	assert.deepEqual(await tab('completion bash '), []);
});

test("options are the command's own and the global ones, long forms, each once", async () => {
	const offered = await tab('products set --');
	for (const name of ['--match', '--yes', '--dry-run', '--tenant', '--output', '--json', '--no-color', '--help']) assert.ok(offered.includes(name), name);
	assert.ok(!offered.some(o => /^-[^-]/.test(o)), 'no short forms');
	assert.equal(offered.filter(o => o === '--help').length, 1);
	assert.deepEqual(await tab('products list --sc'), ['--scope']);
	assert.deepEqual(await tab('products list --s'), ['--scope', '--shard']);
	// An option already given is not offered again.
	assert.ok(!(await tab('products set --yes --')).includes('--yes'));
});

test('--output and --scope complete their values, however the shell splits --output=', async () => {
	assert.deepEqual(await tab('products list -o '), ['text', 'json', 'csv']);
	assert.deepEqual(await tab('products list --output j'), ['json']);
	assert.deepEqual(await tab('products list --scope '), ['product', 'offertype']);
	assert.deepEqual(await tab('products list --scope O'), ['offertype']);
	// zsh, fish and PowerShell hand over the word whole…
	assert.deepEqual(await tab('products list --output=c'), ['--output=csv']);
	// …bash splits it at the = sign.
	assert.deepEqual(await tab('products list --output ='), ['text', 'json', 'csv']);
	assert.deepEqual(await tab('products list --output = t'), ['text']);
	// An option with a value given that way does not eat the next word.
	assert.deepEqual(await tab('--output = json products '), ['list', 'get', 'set', 'help']);
});

test('before any list, IDs complete to nothing: commands and options only', async () => {
	assert.deepEqual(await tab('products set '), []);
	assert.deepEqual(await tab('products get CF'), []);
	assert.ok((await tab('products set --')).includes('--match'));
});

test('after products list, products get and set CF<Tab> offer the product IDs listed', async () => {
	const dir = await stateDir();
	await rememberForCompletion(dir, 'product', PRODUCTS);
	assert.deepEqual(await tab('products set CF', dir), PRODUCTS.filter(id => id.startsWith('CF')));
	assert.deepEqual(await tab('products get DG', dir), ['DG7GMGF0D3SJ']);
	// Typed in lower case, as the program accepts it: the shell puts the ID's own spelling.
	assert.deepEqual(await tab('products get dg', dir), ['DG7GMGF0D3SJ']);
	// get takes one ID.
	assert.deepEqual(await tab('products get CFQ7TTC0LH2H ', dir), []);
	// Offer types were never listed.
	assert.deepEqual(await tab('offer-types set ', dir), []);
});

test('after the IDs of set come the values, and after the value nothing', async () => {
	const dir = await stateDir();
	await rememberForCompletion(dir, 'product', PRODUCTS);
	await rememberForCompletion(dir, 'offerType', ['SaaS', 'PowerBIVisuals']);
	const afterId = await tab('products set CFQ7TTC0LH2H ', dir);
	assert.ok(!afterId.includes('CFQ7TTC0LH2H'), 'an ID given is not offered again');
	for (const value of ['Enabled', 'Disabled', 'OnlyTrialsWithoutPaymentMethod', 'CFQ7TTC0KP0P']) assert.ok(afterId.includes(value), value);
	assert.deepEqual(await tab('products set CFQ7TTC0LH2H O', dir), ['OnlyTrialsWithoutPaymentMethod']);
	assert.deepEqual(await tab('products set CFQ7TTC0LH2H disabled ', dir), []);
	// Offer types take Enabled or Disabled only.
	assert.deepEqual(await tab('offer-types set SaaS ', dir), ['PowerBIVisuals', 'Enabled', 'Disabled']);
	// With --match the one argument is the value.
	assert.deepEqual(await tab('products set --match Power ', dir), ['Enabled', 'OnlyTrialsWithoutPaymentMethod', 'Disabled']);
});

test("IDs are the tenant's: --tenant (or MSCOMMERCE_TENANT) picks whose last list completes", async () => {
	const dir = await stateDir();
	await rememberForCompletion(dir, 'product', ['CFQ7TTC0LH2H'], 'organizations');
	await rememberForCompletion(dir, 'product', ['CFQ7TTC0HD33'], 'Fabrikam.onmicrosoft.com');
	assert.deepEqual(await tab('products set CF', dir), ['CFQ7TTC0LH2H']);
	assert.deepEqual(await tab('--tenant fabrikam.onmicrosoft.com products set CF', dir), ['CFQ7TTC0HD33']);
	assert.deepEqual(await tab('products set --tenant=fabrikam.onmicrosoft.com CF', dir), ['CFQ7TTC0HD33']);
	assert.deepEqual(await tab('--tenant other.onmicrosoft.com products set CF', dir), []);
	const before = process.env.MSCOMMERCE_TENANT;
	process.env.MSCOMMERCE_TENANT = 'fabrikam.onmicrosoft.com';
	try {
		assert.deepEqual(await tab('products set CF', dir), ['CFQ7TTC0HD33']);
	} finally {
		if (before === undefined) delete process.env.MSCOMMERCE_TENANT;
		else process.env.MSCOMMERCE_TENANT = before;
	}
	// Listing offer types keeps the tenant's products.
	await rememberForCompletion(dir, 'offerType', ['SaaS'], 'organizations');
	assert.deepEqual(await tab('products set CF', dir), ['CFQ7TTC0LH2H']);
});

test('an ID a shell would interpret is never kept, and never offered', async () => {
	const dir = await stateDir();
	const hostile = ['$(touch pwned)', 'CF`id`', 'CF;rm', 'CF X', 'CF*', 'CF\u001b[31m', `CF${'A'.repeat(63)}`, 'CF\nCF2', ''];
	await rememberForCompletion(dir, 'product', ['CFQ7TTC0LH2H', ...hostile]);
	assert.doesNotMatch(await readFile(join(dir, 'completion.json'), 'utf8'), /touch|rm|\\u001b|AAAA/);
	// A file edited by hand (or by anyone who could) is filtered again when read.
	await writeFile(join(dir, 'completion.json'), JSON.stringify({tenants: {organizations: {product: ['CFQ7TTC0LH2H', ...hostile, 42, null]}}}));
	assert.deepEqual(await tab('products set ', dir), ['CFQ7TTC0LH2H']);
});

test('the IDs are kept in a file only its owner can read', {skip: process.platform === 'win32'}, async () => {
	const dir = await stateDir();
	await rememberForCompletion(dir, 'product', PRODUCTS);
	assert.equal((await stat(join(dir, 'completion.json'))).mode & 0o777, 0o600);
	assert.equal((await stat(dir)).mode & 0o777, 0o700);
});

test('a Tab never fails: an unreadable record offers commands and options as if none was seen', async () => {
	const dir = await stateDir();
	await mkdir(dir, {recursive: true});
	for (const text of ['{not json', 'null', '[]', '{"tenants": 3}', '{"tenants": {"organizations": {"product": "CF"}}}', '{"tenants": {"__proto__": {"product": ["CF1"]}}}']) {
		await writeFile(join(dir, 'completion.json'), text);
		assert.deepEqual(await tab('products set CF', dir), [], text);
		assert.deepEqual(await tab('products s', dir), ['set'], text);
	}
	// Listing again replaces what could not be read.
	await rememberForCompletion(dir, 'product', PRODUCTS);
	assert.equal((await tab('products set CF', dir)).length, 3);
});

test('completion <shell> prints a script that calls back __complete, for each shell', async () => {
	const expected: Record<string, RegExp> = {
		bash: /complete -o default -F _mscommerce mscommerce/,
		zsh: /compdef _mscommerce mscommerce/,
		fish: /complete -c mscommerce -f -a "\(__mscommerce_complete\)"/,
		powershell: /Register-ArgumentCompleter -Native -CommandName mscommerce/,
	};
	for (const [shell, line] of Object.entries(expected)) {
		const io = fakeIo();
		assert.equal(await completionCommand(io, shell, program()), 0);
		assert.match(io.out(), line);
		assert.match(io.out(), /mscommerce __complete /);
		assert.equal(io.err(), '');
	}
	const pwsh = fakeIo();
	assert.equal(await completionCommand(pwsh, 'pwsh', program()), 0);
	assert.match(pwsh.out(), /Register-ArgumentCompleter/);
});

test('completion for another shell exits 2 with one line naming the shells there are', async () => {
	const io = fakeIo();
	assert.equal(await completionCommand(io, 'tcsh\u001b[2J', program()), 2);
	assert.equal(io.out(), '');
	assert.equal(io.err().split('\n').filter(Boolean).length, 1);
	assert.match(io.err(), /^error: .*bash, zsh, fish or powershell/);
	assert.ok(!io.err().includes('\u001b'), 'the name is shown inert');
});
