/**
 * A hostile licensing service and sign-in server (the emulator's hostile mode: names,
 * descriptions, error bodies, device-code messages and AADSTS descriptions full of terminal
 * control): no ESC, C1 or BiDi control byte reaches stdout or stderr of any text command, one
 * name is one line, JSON keeps the exact strings (escaped), and CSV cells are neutralised.
 */
import assert from 'node:assert/strict';
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {getPolicy} from '../../source/commands/policies.js';
import {listCommand, setCommand} from '../../source/commands/rows.js';
import {catalog} from '../../source/commerce/catalog.js';
import {HOSTILE, HOSTILE_PRODUCT_ID} from '../../source/emulator/hostile.js';
import type {Emulator} from '../../source/emulator/index.js';
import {cliEnv, runCli} from '../support/cli.js';
import {emulator} from '../support/emulator.js';
import {home} from './guard-helpers.js';

// ESC, the C1 controls (the 8-bit CSI among them), DEL, BEL, CR, the BiDi controls and the Unicode line separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function assertInert(text: string, what: string): void {
	const found = CONTROL.exec(text);
	assert.equal(found, null, `${what} carries U+${found?.[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${found?.index}: ${JSON.stringify(text.slice(Math.max(0, (found?.index ?? 0) - 20), (found?.index ?? 0) + 20))}`);
}

test('products list at 80 columns: the hostile name is one line, cut and spelled out; nothing after it is hidden', async () => {
	const emu = await emulator({hostile: true});
	const user = await home(emu);
	const run = await user.run(ctx => listCommand(ctx, 'product'), {}, {columns: 80});
	assert.equal(run.code, 0, run.stderr);
	assertInert(run.stdout, 'stdout');
	assertInert(run.stderr, 'stderr');
	const lines = run.stdout.trimEnd().split('\n');
	assert.equal(lines.length, 1 + catalog.products.length + 1, 'a header and one line per product (the catalog and the hostile one)');
	const hostile = lines.filter(line => line.includes(HOSTILE_PRODUCT_ID));
	assert.equal(hostile.length, 1);
	assert.match(hostile[0]!, /^Row B \\x1b\]2;x+/);
	for (const line of lines) assert.ok(line.length <= 80, line);
	assert.ok(lines.at(-1)!.includes('CFQ7TTC0'), 'the rows after it are all there');
});

test('offer-types list and policies get print the hostile text inert', async () => {
	const emu = await emulator({hostile: true});
	const user = await home(emu);
	const offers = await user.run(ctx => listCommand(ctx, 'offerType'), {}, {columns: 120});
	assertInert(offers.stdout, 'offer-types list');
	assert.match(offers.stdout, /\\x1b\]8;;https:\/\/evil\.example\/saas\\x07https:\/\/microsoft\.com/, 'the real target of the link is shown, as text');
	const policy = await user.run(ctx => getPolicy(ctx, undefined));
	assert.equal(policy.code, 0, policy.stderr);
	assertInert(policy.stdout, 'policies get');
	assert.match(policy.stdout, /\\x1b\[2J and trial products\.\\x0a\\u202eTrust this line\./);
});

test('JSON keeps the exact strings, with every control character escaped; CSV neutralises them', async () => {
	const emu = await emulator({hostile: true});
	const user = await home(emu);
	const json = await user.run(ctx => listCommand(ctx, 'product'), {json: true});
	assertInert(json.stdout, 'JSON');
	const items = JSON.parse(json.stdout) as Array<{productId: string; productName: string}>;
	assert.equal(items.find(item => item.productId === HOSTILE_PRODUCT_ID)?.productName, HOSTILE.productName, 'the exact string survives');
	const csv = await user.run(ctx => listCommand(ctx, 'product'), {output: 'csv'});
	assertInert(csv.stdout.replaceAll('\r\n', '\n'), 'CSV (its CRLF line ends aside)');
	assert.equal(csv.stdout.trimEnd().split('\r\n').length, 1 + catalog.products.length + 1, 'one line per product');
});

test("a hostile error body: the service's refusal is printed once, inert", async () => {
	const emu = await emulator({hostile: true});
	const user = await home(emu);
	const run = await user.run(ctx => setCommand(ctx, 'product', [HOSTILE_PRODUCT_ID, 'OnlyTrialsWithoutPaymentMethod'], {yes: true}));
	assert.equal(run.code, 5, run.stderr);
	assertInert(run.stdout, 'stdout');
	assertInert(run.stderr, 'stderr');
	assert.equal(run.stderr.split('OnlyTrialsWithoutPaymentMethod is not supported for').length - 1, 1, 'the message once, not twice');
});

test('login: a hostile device-code message never reaches the terminal (the page and code are shown from the fields), and an AADSTS description is shown, never obeyed', async () => {
	const emu = await emulator({hostile: true, autoApproveMs: 200});
	const dir = await mkdtemp(join(tmpdir(), 'mscommerce-hostile-'));
	const login = await runCli(['login'], cliEnv(emu, dir));
	assert.equal(login.code, 0, login.stderr);
	assertInert(login.stderr, 'login');
	// The code is shown from the answer's fields, the page on a line of its own: the server's hostile sentence never reaches the terminal.
	assert.match(login.stderr, /^ {2}https:\/\/127\.0\.0\.1:\d+\/devicelogin$/m, 'the page to open, alone on its line');
	assert.doesNotMatch(login.stderr, /evil\.example/);
	const failing: {emu?: Emulator} = {};
	const blocked = await emulator({hostile: true, onDeviceCode: code => setTimeout(() => failing.emu?.failCode(code, 53003), 50)});
	failing.emu = blocked;
	const refused = await runCli(['login'], cliEnv(blocked, await mkdtemp(join(tmpdir(), 'mscommerce-hostile-'))));
	assert.equal(refused.code, 3);
	assertInert(refused.stderr, 'a refused sign-in');
	assert.match(refused.stderr, /AADSTS53003/);
});
