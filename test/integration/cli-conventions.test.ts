/**
 * The CLI as a gh / az user expects it (issue 13): a typo at any level is answered with the
 * nearest command, help at every level with global options and examples, one error layout,
 * output formats in any case, tables in the dashboard's order that fit 80 columns, times in
 * words, exit 2 for any unknown ID, sign-in screens that read at 80 columns, a demo that never
 * touches the user's records, and shell completion wired to the commands.
 */
import assert from 'node:assert/strict';
import {access, mkdtemp, readdir} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {test} from 'node:test';
import {expiryText} from '../../source/commands/account.js';
import {listCommand, setCommand} from '../../source/commands/rows.js';
import {suggest} from '../../source/text/suggest.js';
import {pastTime, relativeTime} from '../../source/commands/time.js';
import {catalog} from '../../source/commerce/catalog.js';
import {sortRows} from '../../source/commerce/sort.js';
import type {Emulator} from '../../source/emulator/index.js';
import {cliEnv, runCli, type CliResult} from '../support/cli.js';
import {emulator} from '../support/emulator.js';
import {home as guardHome} from './guard-helpers.js';

const home = () => mkdtemp(join(tmpdir(), 'mscommerce-conventions-'));
const readerEnv = async (emu: Emulator) => cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.reader});

/** stderr in the one layout: an `error:` line first, then (after any indented detail) `hint:` lines only. */
function assertErrorLayout(result: CliResult): void {
	const lines = result.stderr.trimEnd().split('\n');
	assert.match(lines[0] ?? '', /^error: /, result.stderr);
	const rest = lines.slice(1).filter(line => !line.startsWith('  '));
	assert.ok(rest.length > 0, `a hint follows: ${result.stderr}`);
	for (const line of rest) assert.match(line, /^hint: /, result.stderr);
	assert.doesNotMatch(result.stderr, /add --help for usage|\(Did you mean/);
}

test('a typo at any level is answered with the nearest command, exit 2, nothing sent', async () => {
	const emu = await emulator();
	const env = await readerEnv(emu);
	const [productList, prodcuts, policy, offertypes, lst, option, helpTypo] = await Promise.all([
		runCli(['product', 'list'], env),
		runCli(['prodcuts'], env),
		runCli(['policy', 'get'], env),
		runCli(['offertypes', 'list'], env),
		runCli(['products', 'lst'], env),
		runCli(['products', 'list', '--jsn'], env),
		runCli(['help', 'prodcuts', 'set'], env),
	]);
	for (const result of [productList, prodcuts, policy, offertypes, lst, option, helpTypo]) {
		assert.equal(result.code, 2, result.stderr);
		assertErrorLayout(result);
	}
	assert.match(productList.stderr, /^error: unknown command 'product'\nhint: did you mean `mscommerce products list`\?/);
	assert.match(prodcuts.stderr, /did you mean `mscommerce products`\?/);
	assert.match(policy.stderr, /did you mean `mscommerce policies get`\?/);
	assert.match(offertypes.stderr, /did you mean `mscommerce offer-types list`\?/);
	assert.match(lst.stderr, /^error: unknown command 'lst'\nhint: did you mean list\?\nhint: see `mscommerce products --help`\n$/);
	assert.match(option.stderr, /^error: unknown option '--jsn'\nhint: did you mean --json\?\nhint: see `mscommerce products list --help`\n$/);
	assert.match(helpTypo.stderr, /did you mean `mscommerce help products set`\?/);
	assert.equal(emu.requests.length, 0);
});

test('the nearest word is found as commander finds it, and nothing far is offered', () => {
	assert.deepEqual(suggest('prodcuts', ['products', 'policies']), ['products']);
	assert.deepEqual(suggest('policy', ['products', 'policies']), ['policies']);
	assert.deepEqual(suggest('OFFERTYPES', ['offer-types']), ['offer-types']);
	assert.deepEqual(suggest('bogus', ['login', 'products', 'history']), []);
});

test('help at every level: mscommerce help [command], global options in every page, examples in each', async () => {
	const emu = await emulator();
	const env = await readerEnv(emu);
	const [help, helpSet, loginHelp, groupHelp, version, dashVersion] = await Promise.all([
		runCli(['help'], env),
		runCli(['help', 'products', 'set'], env),
		runCli(['login', '--help'], env),
		runCli(['products', 'help', 'list'], env),
		runCli(['version'], env),
		runCli(['--version'], env),
	]);
	for (const result of [help, helpSet, loginHelp, groupHelp, version, dashVersion]) assert.equal(result.code, 0, result.stderr);
	assert.match(help.stdout, /^Usage: mscommerce /);
	assert.match(help.stdout, /Commands:[\s\S]*completion <shell>[\s\S]*version[\s\S]*help \[command\.\.\.\]/);
	assert.doesNotMatch(help.stdout, /__complete/, 'the completion hook is not a command to show');
	assert.match(helpSet.stdout, /^Usage: mscommerce products set \[options\] <id\.\.\.> <value>/);
	for (const page of [helpSet.stdout, loginHelp.stdout, groupHelp.stdout]) {
		assert.match(page, /Global Options:[\s\S]*--tenant <tenant>[\s\S]*-o, --output <format>/);
		assert.match(page, /Examples:\n {2}\$ mscommerce /);
	}
	assert.match(groupHelp.stdout, /^Usage: mscommerce products list/);
	assert.match(version.stdout, /^\S+\n$/);
	assert.equal(dashVersion.stdout, version.stdout);
	assert.equal(emu.requests.length, 0);
});

test('set says what is missing in words: no arguments, or IDs without a value; --dry-run never takes the value', async () => {
	const emu = await emulator();
	const env = cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.admin});
	const [none, noValue, dryBetween, offerNone] = await Promise.all([
		runCli(['products', 'set'], env),
		runCli(['products', 'set', 'CFQ7TTC0HD33', '--dry-run'], env),
		runCli(['products', 'set', 'CFQ7TTC0HD33', '--dry-run', 'Disabled', '--json'], env),
		runCli(['offer-types', 'set', '--yes'], env),
	]);
	assert.equal(none.code, 2);
	assertErrorLayout(none);
	assert.match(none.stderr, /^error: name at least one product ID and a value/);
	assert.doesNotMatch(none.stderr, /missing required argument/);
	assert.equal(noValue.code, 2);
	assertErrorLayout(noValue);
	assert.match(noValue.stderr, /^error: the value is missing: name it after the product IDs/);
	assert.match(noValue.stderr, /hint: For example: mscommerce products set CFQ7TTC0HD33 Disabled/);
	assert.doesNotMatch(noValue.stderr, /is not a value/);
	assert.equal(dryBetween.code, 0, dryBetween.stderr);
	assert.deepEqual(JSON.parse(dryBetween.stdout), [{id: 'CFQ7TTC0HD33', name: 'Visio Plan 1', scope: 'product', from: 'Enabled', to: 'Disabled'}]);
	assert.equal(offerNone.code, 2);
	assert.match(offerNone.stderr, /^error: name at least one offer type ID and a value \(Enabled or Disabled\)/);
	assert.equal(emu.requests.filter(r => r.method === 'PUT').length, 0);
});

test('output formats in any case; baseline export refuses CSV before any request', async () => {
	const emu = await emulator();
	const env = await readerEnv(emu);
	const [csv, scope, exportCsv] = await Promise.all([
		runCli(['offer-types', 'list', '-o', 'CSV'], env),
		runCli(['products', 'list', '--scope', 'OfferType', '--output', 'Json'], env),
		runCli(['baseline', 'export', '-o', 'csv'], env),
	]);
	assert.equal(csv.code, 0, csv.stderr);
	assert.match(csv.stdout, /^Offer type,ID,Value\r\n/);
	assert.equal(scope.code, 0, scope.stderr);
	assert.equal((JSON.parse(scope.stdout) as unknown[]).length, 4);
	assert.equal(exportCsv.code, 2);
	assertErrorLayout(exportCsv);
	assert.match(exportCsv.stderr, /^error: baseline export writes YAML or JSON, not CSV/);
	assert.equal(exportCsv.stdout, '');
	assert.equal(emu.requests.filter(r => r.path.includes('/policies/')).length, 2, 'only the two lists were asked for');
});

test('an unknown ID exits 2 whether set finds it unknown or the service answers get with 404', async () => {
	const emu = await emulator();
	const env = cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.admin});
	const [get, set, offerGet] = await Promise.all([
		runCli(['products', 'get', 'CFQ7TTC0ZZZZ'], env),
		runCli(['products', 'set', 'CFQ7TTC0ZZZZ', 'Disabled', '--yes'], env),
		runCli(['offer-types', 'get', 'NOSUCHTYPE'], env),
	]);
	for (const result of [get, set, offerGet]) {
		assert.equal(result.code, 2, result.stderr);
		assertErrorLayout(result);
	}
	assert.match(get.stderr, /^error: Product CFQ7TTC0ZZZZ was not found \(404\)/);
	assert.match(set.stderr, /^error: unknown product ID: CFQ7TTC0ZZZZ/);
});

test('lists, plans and results are in the dashboard order (by name), and a plan fits 80 columns', async () => {
	const emu = await emulator();
	const user = await guardHome(emu);
	const list = await user.run(ctx => listCommand(ctx, 'product'));
	assert.equal(list.code, 0, list.stderr);
	const names = list.stdout.trimEnd().split('\n').slice(1).map(line => line.split(/\s{2,}/)[0]);
	assert.deepEqual(names, sortRows(catalog.products.map(p => ({scope: 'product' as const, name: p.productName, id: p.productId}))).map(r => r.name));

	// Given out of order, with the longest value: shown sorted, no line past 80 columns.
	const plan = await user.run(ctx => setCommand(ctx, 'product', ['CFQ7TTC0J1FV', 'CFQ7TTC0HD33', 'OnlyTrialsWithoutPaymentMethod'], {dryRun: true}), {}, {columns: 80});
	assert.equal(plan.code, 0, plan.stderr);
	const lines = plan.stdout.trimEnd().split('\n');
	for (const line of lines) assert.ok(line.length <= 80, `fits 80 columns: ${line}`);
	const planned = lines.slice(1).map(line => line.split(/\s{2,}/)[0]!);
	assert.deepEqual(planned, [...planned].sort((a, b) => a.localeCompare(b, 'en', {sensitivity: 'base'})));
	assert.match(lines[1]!, /CFQ7TTC0\w{4}\s+Enabled\s+Trials only$/);

	const done = await user.run(ctx => setCommand(ctx, 'product', ['CFQ7TTC0LH3L', 'CFQ7TTC0HD33', 'Disabled'], {yes: true}), {}, {columns: 80});
	assert.equal(done.code, 0, done.stderr);
	const rows = done.stdout.trimEnd().split('\n').slice(1).map(line => line.split(/\s{2,}/)[0]!);
	assert.deepEqual(rows, [...rows].sort((a, b) => a.localeCompare(b, 'en', {sensitivity: 'base'})));
});

test('times in words in text, ISO in JSON: whoami token expiry and the history time column', async () => {
	const now = new Date('2026-03-01T06:41:00Z');
	assert.equal(relativeTime('2026-03-01T07:33:00Z', now), 'in 52 min (07:33 UTC)');
	assert.equal(expiryText('2026-03-01T06:38:00Z', now), 'expired 3 min ago (06:38 UTC)');
	assert.equal(pastTime('2026-03-01T06:29:00Z', now), '12 min ago');
	assert.equal(pastTime('2026-03-01T01:41:00Z', now), '5 h ago');
	assert.equal(pastTime('2026-02-27T05:12:00Z', now), '2026-02-27 05:12 UTC');

	const emu = await emulator();
	const env = cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.admin});
	const [text, json] = await Promise.all([runCli(['whoami'], env), runCli(['whoami', '--json'], env)]);
	assert.equal(text.code, 0, text.stderr);
	assert.match(text.stdout, /^Token expires:\s+in \d+ (min|h)[^\n]*\(\d\d:\d\d UTC\)$/m);
	assert.match((JSON.parse(json.stdout) as {expiresOn: string}).expiresOn, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

	const wrote = await runCli(['offer-types', 'set', 'SaaS', 'Disabled', '--yes'], env);
	assert.equal(wrote.code, 0, wrote.stderr);
	const [history, historyJson] = await Promise.all([runCli(['history'], env), runCli(['history', '--json'], env)]);
	assert.match(history.stdout, /^Change set\s+Time\s+Account/);
	assert.match(history.stdout, /\n\w{8}\s+(just now|\d+ min ago)\s+admin@/);
	assert.match((JSON.parse(historyJson.stdout) as Array<{time: string}>)[0]!.time, /^\d{4}-\d\d-\d\dT/);
});

test('whoami with an unusable --token exits 3 with one clear line', async () => {
	const emu = await emulator();
	const result = await runCli(['whoami', '--token', 'garbage'], cliEnv(emu, await home()));
	assert.equal(result.code, 3, result.stderr);
	assertErrorLayout(result);
	assert.match(result.stderr, /^error: --token is not an access token mscommerce can read/);
	assert.equal(result.stdout, '');
});

test('sign-in screens: the URL on a line of its own, "already signed in", and which authority has no account', async () => {
	const emu = await emulator({autoApproveMs: 200});
	const env = cliEnv(emu, await home());
	const first = await runCli(['login'], env);
	assert.equal(first.code, 0, first.stderr);
	assert.match(first.stderr, /^ {2}https:\/\/127\.0\.0\.1:\d+\/devicelogin$/m, 'the URL alone on its line');
	assert.match(first.stderr, /^and enter the code \S+$/m);
	for (const line of first.stderr.split('\n')) assert.ok(line.length <= 80 || !line.includes('https://'), `a line with a URL fits 80 columns: ${line}`);
	assert.doesNotMatch(first.stderr, /Already signed in/);
	const again = await runCli(['login'], env);
	assert.equal(again.code, 0, again.stderr);
	assert.match(again.stderr, /^Already signed in as admin@contoso\.onmicrosoft\.com; signing in again adds or refreshes an account\./);

	// Without the emulator's authority: Microsoft's is used, where nobody is signed in (no request is needed to know).
	const {MSCOMMERCE_AUTHORITY: _emulatorAuthority, ...elsewhere} = env;
	const list = await runCli(['products', 'list'], elsewhere);
	assert.equal(list.code, 3, list.stderr);
	assertErrorLayout(list);
	assert.match(list.stderr, /^error: Not signed in at https:\/\/login\.microsoftonline\.com\/organizations \(accounts are signed in at https:\/\/127\.0\.0\.1:\d+: admin@contoso\.onmicrosoft\.com\)/);
	assert.match(list.stderr, /hint: .*--authority/);
});

test('--demo keeps its audit log and seen record out of the user files: history never shows a demo change set', async () => {
	const dir = await home();
	const env = {HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state')};
	const demo = await runCli(['--demo', 'products', 'set', 'CFQ7TTC0HD33', 'Disabled', '--yes'], env);
	assert.equal(demo.code, 0, demo.stderr);
	assert.match(demo.stderr, /Change set \w{8}/);
	const listed = await runCli(['--demo', 'products', 'list'], env);
	assert.equal(listed.code, 0, listed.stderr);
	const stateFiles = await readdir(join(dir, 'state', 'mscommerce')).catch(() => [] as string[]);
	assert.deepEqual(stateFiles.filter(name => name !== 'emulator'), [], 'no audit log, seen record or completion IDs in the user state directory');
	const history = await runCli(['history', '--json'], env);
	assert.equal(history.code, 0, history.stderr);
	assert.deepEqual(JSON.parse(history.stdout), []);
	// The demo's own state lives in a temporary directory, gone when the run ends.
	const demoHistory = await runCli(['--demo', 'history'], env);
	const where = /No change recorded yet \((.+)\)/.exec(demoHistory.stderr)?.[1];
	assert.ok(where, demoHistory.stderr);
	await assert.rejects(access(dirname(dirname(where))), 'the temporary state directory is removed');
});

test('completion: a script for each shell, and after a list, product IDs complete for set', async () => {
	const emu = await emulator();
	const env = await readerEnv(emu);
	const scripts = await Promise.all(['bash', 'zsh', 'fish', 'powershell'].map(async shell => runCli(['completion', shell], env)));
	for (const script of scripts) {
		assert.equal(script.code, 0, script.stderr);
		assert.match(script.stdout, /__complete/);
	}
	const [options, before] = await Promise.all([runCli(['__complete', 'products', 'list', '-o', ''], env), runCli(['__complete', 'products', 'set', 'CFQ7TTC0H'], env)]);
	assert.deepEqual(options.stdout.trim().split('\n'), ['text', 'json', 'csv']);
	assert.equal(before.stdout, '', 'no IDs before any list');
	const list = await runCli(['products', 'list', '--json'], env);
	assert.equal(list.code, 0, list.stderr);
	const after = await runCli(['__complete', 'products', 'set', 'CFQ7TTC0HD3'], env);
	assert.deepEqual(after.stdout.trim().split('\n').sort(), ['CFQ7TTC0HD32', 'CFQ7TTC0HD33']);
});
