// Runs every test file under test/ with node's test runner (Node 20 has no --test globs).
import {readdirSync, statSync} from 'node:fs';
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
const result = spawnSync(
	process.execPath,
	['--import', 'tsx', '--import', './test/support/inkOnTerminals.mjs', '--test', '--test-reporter=spec', '--test-concurrency=2', ...selected],
	{stdio: 'inherit', env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0'}},
);
process.exit(result.status ?? 1);
