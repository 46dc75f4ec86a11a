/**
 * Our files are never followed, and never trusted when someone else could have put them there:
 * a symbolic link at the audit log or the state directory, a directory owned by another user or
 * writable by others, is refused with one line and exit 2, and its target is left untouched. A
 * corrupt record of seen products is never mistaken for a first look.
 */
import assert from 'node:assert/strict';
import {chmod, chown, lstat, mkdir, readdir, readFile, stat, symlink, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {test} from 'node:test';
import {listCommand, setCommand} from '../../source/commands/rows.js';
import {catalog} from '../../source/commerce/catalog.js';
import type {Emulator} from '../../source/emulator/index.js';
import {emulator} from '../support/emulator.js';
import {home} from './guard-helpers.js';

const tenantOf = (emu: Emulator) => emu.accounts[0]!.tenantId;
const puts = (emu: Emulator) => emu.requests.filter(r => r.method === 'PUT');
const set = (ids: string[]) => (ctx: Parameters<typeof setCommand>[0]) => setCommand(ctx, 'product', [...ids, 'Disabled'], {yes: true});

test('an audit log that is a symbolic link is refused before anything is sent, and its target is untouched', async () => {
	const emu = await emulator();
	const user = await home(emu);
	const target = join(user.dir, 'someone-elses-file');
	await writeFile(target, 'precious\n', {mode: 0o644});
	await mkdir(user.stateDir, {recursive: true, mode: 0o700});
	await symlink(target, join(user.stateDir, 'audit.jsonl'));
	const run = await user.run(set(['CFQ7TTC0HD33']));
	assert.equal(run.code, 2, run.stderr);
	assert.match(run.stderr, /^error: refusing to use .*audit\.jsonl: it is a symbolic link\nhint: Remove the link/m);
	assert.equal(puts(emu).length, 0);
	assert.equal(await readFile(target, 'utf8'), 'precious\n');
	assert.equal((await stat(target)).mode & 0o777, 0o644, 'never chmodded through the link');
});

test('a state directory that is a symbolic link is refused, and the directory it points to keeps its mode', async () => {
	const emu = await emulator();
	const user = await home(emu);
	const elsewhere = join(user.dir, 'shared');
	await mkdir(elsewhere, {mode: 0o755});
	await chmod(elsewhere, 0o755);
	await mkdir(join(user.dir, 'state'), {recursive: true});
	await symlink(elsewhere, user.stateDir);
	const run = await user.run(set(['CFQ7TTC0HD33']));
	assert.equal(run.code, 2, run.stderr);
	assert.match(run.stderr, /refusing to use .*state\/mscommerce: it is a symbolic link/);
	assert.equal((await stat(elsewhere)).mode & 0o777, 0o755);
	assert.deepEqual(await readdir(elsewhere), []);
	assert.equal(puts(emu).length, 0);
});

test('a state directory owned by another user, or writable by others, is refused with what to do', async () => {
	const emu = await emulator();
	const user = await home(emu);
	await mkdir(user.stateDir, {recursive: true});
	await chown(user.stateDir, 4242, 4242);
	const foreign = await user.run(set(['CFQ7TTC0HD33']));
	assert.equal(foreign.code, 2, foreign.stderr);
	assert.match(foreign.stderr, /refusing to use .*: it belongs to another user \(uid 4242\)/);
	await chown(user.stateDir, process.getuid!(), process.getgid!());
	await chmod(user.stateDir, 0o777);
	const shared = await user.run(set(['CFQ7TTC0HD33']));
	assert.equal(shared.code, 2, shared.stderr);
	assert.match(shared.stderr, /others may write to it[\s\S]*hint: chmod 700/);
	assert.equal(puts(emu).length, 0);
	assert.equal((await lstat(user.stateDir)).mode & 0o777, 0o777, 'a shared directory is not silently "fixed"');
	// An owned directory that is only readable by others (an umask) is simply made private.
	await chmod(user.stateDir, 0o755);
	assert.equal((await user.run(set(['CFQ7TTC0HD33']))).code, 0);
	assert.equal((await stat(user.stateDir)).mode & 0o777, 0o700);
});

test('a corrupt record of seen products is moved aside with a warning and every product shows as new, never a silent first look', async () => {
	const emu = await emulator();
	const user = await home(emu);
	const first = await user.run(ctx => listCommand(ctx, 'product', undefined, {onlyNew: true}), {json: true});
	assert.match(first.stderr, /First look/);
	const seenDir = join(user.stateDir, 'seen');
	const [file] = await readdir(seenDir);
	await writeFile(join(seenDir, file!), '{"product": {"CFQ7TT');
	emu.addProduct(tenantOf(emu), {productId: 'CFQ7TTC0NEW9', productName: 'Added meanwhile'});
	const after = await user.run(ctx => listCommand(ctx, 'product', undefined, {onlyNew: true}), {json: true});
	assert.equal(after.code, 0, after.stderr);
	assert.doesNotMatch(after.stderr, /First look/);
	assert.match(after.stderr, /warning: the record of products seen in this tenant .* was unreadable; moved it to .*corrupt-/);
	const listed = (JSON.parse(after.stdout) as Array<{productId: string}>).map(p => p.productId);
	assert.ok(listed.includes('CFQ7TTC0NEW9'), 'the product added meanwhile is told');
	assert.equal(listed.length, catalog.products.length + 1);
});
