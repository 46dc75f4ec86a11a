// Runs every test file under test/ with node's test runner (Node 20 has no --test globs).
import {mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync} from 'node:fs';
import {tmpdir, userInfo} from 'node:os';
import {join} from 'node:path';
import {spawnSync} from 'node:child_process';

const only = process.argv.slice(2);
// The e2e tests run the built binary: build it first, so a test never runs a stale one.
const build = spawnSync(process.execPath, ['scripts/build.mjs'], {stdio: 'inherit'});
if (build.status !== 0) process.exit(build.status ?? 1);

const files = [];
const walk = dir => {
	for (const name of readdirSync(dir).sort()) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) walk(path);
		else if (/\.test\.tsx?$/.test(name)) files.push(path);
	}
};
walk('test');
const selected = only.length > 0 ? files.filter(f => only.some(o => f.includes(o))) : files;

// Every temporary directory of the run (the tests' homes, the emulators' CA files, the CLI's own)
// goes under one directory that is removed at the end: TMPDIR is what os.tmpdir() answers, in the
// runner, in each test file's process and in the processes they start. One place, nothing to
// forget in a test.
const system = tmpdir();
const runDir = mkdtempSync(join(system, 'mscommerce-tests-'));
// tsx keeps its compiled files in TMPDIR/tsx-<uid>: point that at the usual one, so each run does
// not compile everything again. Without links (Windows without the privilege) it compiles afresh.
const tsxCache = `tsx-${process.geteuid?.() ?? userInfo().username}`;
try {
	mkdirSync(join(system, tsxCache), {recursive: true, mode: 0o700});
	symlinkSync(join(system, tsxCache), join(runDir, tsxCache), 'dir');
} catch {
	// compiled again in runDir, and removed with it
}
// Ctrl-C reaches the tests too; the runner stays to remove runDir once they have stopped.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);

const result = spawnSync(
	process.execPath,
	['--import', 'tsx', '--import', './test/support/inkOnTerminals.mjs', '--test', '--test-reporter=spec', '--test-concurrency=2', ...selected],
	// MSCOMMERCE_KEYRING=0: tests that sign in within the test process never put keys in the keyring
	// of the machine they run on (a developer's desktop session); the CLIs they start get only the
	// environment each test gives them (test/integration/keyring.test.ts starts a keyring of its own).
	// MSCOMMERCE_GLYPHS=unicode: the tests read the dashboard's own glyphs wherever they run (a Linux
	// console's TERM=linux would otherwise give them ASCII; test/unit/glyphs.test.ts checks that choice).
	{stdio: 'inherit', env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0', MSCOMMERCE_KEYRING: '0', MSCOMMERCE_GLYPHS: 'unicode', TMPDIR: runDir, TMP: runDir, TEMP: runDir}},
);
// rm removes the tsx link itself, never what it points to.
rmSync(runDir, {recursive: true, force: true, maxRetries: 3});
process.exit(result.status ?? 1);
