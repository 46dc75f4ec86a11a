/** The CLI as a user runs it: a separate process against the emulator over HTTPS. */
import assert from 'node:assert/strict';
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {catalog} from '../../source/commerce/catalog.js';
import type {Emulator} from '../../source/emulator/index.js';
import {cliEnv, runCli} from '../support/cli.js';
import {emulator} from '../support/emulator.js';

const home = () => mkdtemp(join(tmpdir(), 'mscommerce-cli-'));
const tenantOf = (emu: Emulator) => emu.accounts[0]!.tenantId;
const valueOf = (emu: Emulator, id: string) => emu.tenantState(tenantOf(emu)).products.find(p => p.productId === id)?.policyValue;
const puts = (emu: Emulator) => emu.requests.filter(r => r.method === 'PUT');

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"') quoted = false;
			else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(field);
			field = '';
		} else if (c === '\r' && text[i + 1] === '\n') {
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
			i++;
		} else field += c;
	}
	return rows;
}

test('products list in text, JSON and CSV agree with the service', async () => {
	const emu = await emulator({preset: 'demo'});
	const env = cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.reader});
	const [text, json, csv] = await Promise.all([
		runCli(['products', 'list'], env),
		runCli(['products', 'list', '--json'], env),
		runCli(['products', 'list', '--output', 'csv'], env),
	]);
	assert.equal(json.code, 0, json.stderr);
	const items = JSON.parse(json.stdout) as Array<{productId: string; productName: string; policyValue: string; policyId: string}>;
	assert.equal(items.length, catalog.products.length);
	const state = emu.tenantState(tenantOf(emu)).products;
	for (const item of items) assert.equal(item.policyValue, state.find(p => p.productId === item.productId)?.policyValue);
	assert.equal(items[0]?.policyId, 'AllowSelfServicePurchase');
	const rows = parseCsv(csv.stdout);
	assert.deepEqual(rows[0], ['Product', 'ID', 'Value', 'Trial w/o payment']);
	assert.equal(rows.length, 1 + catalog.products.length, 'a header and one row per product');
	assert.deepEqual(rows.find(r => r[1] === 'CFQ7TTC0HD33')?.slice(3), ['yes']);
	assert.match(text.stdout, /^Product\s+ID\s+Value/);
	assert.match(text.stdout, /Visio Plan 1\s+CFQ7TTC0HD33\s+\w+/);
	assert.equal(text.stderr, '');
});

test('offer types and policies in every format', async () => {
	const emu = await emulator();
	const env = cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.reader});
	const [list, get, csv, policy, policies, scope] = await Promise.all([
		runCli(['offer-types', 'list', '--json'], env),
		runCli(['offer-types', 'get', 'SaaS'], env),
		runCli(['offer-types', 'list', '-o', 'csv'], env),
		runCli(['policies', 'get', '--json'], env),
		runCli(['policies', 'list'], env),
		runCli(['products', 'list', '--scope', 'offertype', '--json'], env),
	]);
	assert.deepEqual((JSON.parse(list.stdout) as Array<{scopeId: string}>).map(o => o.scopeId).sort(), ['DYNAMICSBC', 'DYNAMICSCE', 'POWERBIVISUALS', 'SaaS']);
	assert.match(get.stdout, /Offer type:\s+Software as a Service\nID:\s+SaaS\nValue:\s+Enabled/);
	assert.equal(parseCsv(csv.stdout).length, 5);
	assert.deepEqual(JSON.parse(policy.stdout), {id: 'AllowSelfServicePurchase', description: (JSON.parse(policy.stdout) as {description: string}).description, defaultValue: 'Enabled'});
	assert.match(policies.stdout, /AllowSelfServicePurchase\s+Enabled/);
	assert.deepEqual(JSON.parse(scope.stdout), JSON.parse(list.stdout));
});

test('set writes several IDs, --match writes every matching product, and a former ID maps to the current one', async () => {
	const emu = await emulator();
	const env = cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.admin});
	const several = await runCli(['products', 'set', 'CFQ7TTC0HD33', 'cfq7ttc0hd32', 'disabled', '--yes'], env);
	assert.equal(several.code, 0, several.stderr);
	assert.equal(valueOf(emu, 'CFQ7TTC0HD33'), 'Disabled');
	assert.equal(valueOf(emu, 'CFQ7TTC0HD32'), 'Disabled');
	const match = await runCli(['products', 'set', '--match', 'power automate', 'Disabled', '--yes', '--json'], env);
	assert.equal(match.code, 0, match.stderr);
	const results = JSON.parse(match.stdout) as Array<{id: string; result: string}>;
	assert.deepEqual(results.map(r => r.id).sort(), ['CFQ7TTC0LH3L', 'CFQ7TTC0LSGZ']);
	assert.match(match.stderr, /selects 2 products/);
	const former = await runCli(['products', 'set', 'CFQ7TTC0KP0P', 'Disabled', '--yes'], env);
	assert.equal(former.code, 0, former.stderr);
	assert.match(former.stderr, /CFQ7TTC0KP0P is the former ID of Power Apps per user; using its current ID CFQ7TTC0LH2H/);
	assert.equal(valueOf(emu, 'CFQ7TTC0LH2H'), 'Disabled');
	const again = await runCli(['products', 'set', 'CFQ7TTC0HD33', 'Disabled', '--yes'], env);
	assert.equal(again.code, 0);
	assert.match(again.stderr, /already Disabled: Visio Plan 1/);
	assert.equal(puts(emu).length, 5, 'nothing written twice');
});

test('--dry-run prints the plan and writes nothing; without a terminal and --yes nothing is written', async () => {
	const emu = await emulator();
	const env = cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.admin});
	const dry = await runCli(['offer-types', 'set', 'SaaS', 'DYNAMICSBC', 'Disabled', '--dry-run', '--json'], env);
	assert.equal(dry.code, 0, dry.stderr);
	assert.deepEqual((JSON.parse(dry.stdout) as Array<{id: string; from: string; to: string}>).map(c => `${c.id}:${c.from}>${c.to}`), ['DYNAMICSBC:Enabled>Disabled', 'SaaS:Enabled>Disabled'], 'by name, as the dashboard lists them');
	const refused = await runCli(['offer-types', 'set', 'SaaS', 'Disabled'], env);
	assert.equal(refused.code, 2);
	assert.match(refused.stderr, /without confirmation: pass --yes/);
	assert.equal(puts(emu).length, 0);
});

test('bad input exits 2 and changes nothing: a flag, an unknown ID, a value, a value the row cannot take', async () => {
	const emu = await emulator();
	const env = cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.admin});
	const cases = await Promise.all([
		runCli(['products', 'list', '--bogus'], env),
		runCli(['products', 'set', 'CFQ7TTC0HD33', 'NOPE12345678', 'Disabled', '--yes'], env),
		runCli(['products', 'set', 'CFQ7TTC0HD33', 'Sometimes', '--yes'], env),
		runCli(['products', 'set', 'CFQ7TTC0HD33', 'CFQ7TTC0H9MP', 'OnlyTrialsWithoutPaymentMethod', '--yes'], env),
		runCli(['offer-types', 'set', 'SaaS', 'OnlyTrialsWithoutPaymentMethod', '--yes'], env),
		runCli(['products', 'list', '--output', 'xml'], env),
	]);
	for (const result of cases) assert.equal(result.code, 2, result.stderr);
	assert.match(cases[1]!.stderr, /unknown product ID: NOPE12345678/);
	assert.match(cases[2]!.stderr, /"Sometimes" is not a value/);
	assert.match(cases[3]!.stderr, /not allowed for Power BI Pro/);
	assert.equal(cases[3]!.stderr.trim().split('\n')[0]?.startsWith('error: '), true, 'one clear line first');
	assert.equal(puts(emu).length, 0);
	assert.equal(valueOf(emu, 'CFQ7TTC0HD33'), 'Enabled');
});

test('exit codes: 3 without a session, 4 for a reader writing, 1 when the service is unreachable, 5 when some rows fail', async () => {
	const emu = await emulator();
	const dir = await home();
	const notSignedIn = await runCli(['products', 'list'], cliEnv(emu, dir));
	assert.equal(notSignedIn.code, 3);
	assert.match(notSignedIn.stderr, /Not signed in[\s\S]*mscommerce login/);
	const reader = await runCli(['products', 'set', 'CFQ7TTC0HD33', 'Disabled', '--yes'], cliEnv(emu, dir, {MSCOMMERCE_TOKEN: emu.tokens.reader}));
	assert.equal(reader.code, 4);
	assert.match(reader.stderr, /Billing admin/);
	const unreachable = await runCli(['products', 'list'], {...cliEnv(emu, dir, {MSCOMMERCE_TOKEN: emu.tokens.admin}), MSCOMMERCE_LICENSING_URL: 'https://127.0.0.1:1'});
	assert.equal(unreachable.code, 1);
	assert.match(unreachable.stderr, /refused the connection/);
	// One of the two writes meets a 500 (not retried); the other is done: partly done, exit 5.
	emu.setFaults('500=1x,writes-only');
	const env = cliEnv(emu, dir, {MSCOMMERCE_TOKEN: emu.tokens.admin});
	const partial = await runCli(['offer-types', 'set', 'SaaS', 'DYNAMICSBC', 'Disabled', '--yes'], env);
	assert.equal(partial.code, 5, partial.stderr);
	assert.match(partial.stderr, /The licensing service failed \(500\)/);
	assert.match(partial.stderr, /Partly done in tenant .* as admin@contoso\.onmicrosoft\.com: 1 changed, 1 failed/);
	const states = emu.tenantState(tenantOf(emu)).offerTypes.filter(o => o.scopeId === 'SaaS' || o.scopeId === 'DYNAMICSBC').map(o => o.policyValue).sort();
	assert.deepEqual(states, ['Disabled', 'Enabled']);
	const rerun = await runCli(['offer-types', 'set', 'SaaS', 'DYNAMICSBC', 'Disabled', '--yes'], env);
	assert.equal(rerun.code, 0, rerun.stderr);
	assert.match(rerun.stderr, /already Disabled/);
	assert.equal(emu.tenantState(tenantOf(emu)).offerTypes.filter(o => o.policyValue === 'Disabled').length, 2);
});

test('an unknown command or option is one clear line and exit 2', async () => {
	const emu = await emulator();
	const env = cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.reader});
	const [command, sub] = await Promise.all([runCli(['bogus'], env), runCli(['products', 'bogus'], env)]);
	assert.equal(command.code, 2);
	assert.match(command.stderr, /^error: unknown command 'bogus'\n(hint: .*\n)*hint: commands: login, .*products/);
	assert.equal(sub.code, 2);
	assert.match(sub.stderr, /unknown command 'bogus'/);
	assert.equal(emu.requests.length, 0, 'nothing was sent');
});

test('the dashboard without a terminal is one line pointing at the commands, exit 2', async () => {
	const emu = await emulator();
	const result = await runCli([], cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.reader}));
	assert.equal(result.code, 2);
	assert.equal(result.stderr.trim().split('\n').length, 1);
	assert.match(result.stderr, /needs a terminal.*mscommerce products list --json/);
	assert.equal(result.stdout, '');
});

test('a throttled request is retried after Retry-After, with a note on stderr and clean data on stdout', async () => {
	const emu = await emulator({faults: '429=1x,retry-after=1'});
	const result = await runCli(['offer-types', 'list', '--json'], cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.reader}));
	assert.equal(result.code, 0, result.stderr);
	assert.match(result.stderr, /note: 127\.0\.0\.1:\d+ answered 429; trying again in 1 s/);
	assert.equal((JSON.parse(result.stdout) as unknown[]).length, 4);
});
