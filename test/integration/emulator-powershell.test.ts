/**
 * `mscommerce emulator` on Windows prints its commands for PowerShell: curl.exe (curl is an alias
 * of Invoke-WebRequest there), single quotes, and JSON sent through a pipe, since Windows
 * PowerShell 5.1 strips the double quotes of a JSON argument passed to a program. No PowerShell
 * here: the piped JSON is checked the way PowerShell sends it (the text, then CRLF).
 */
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {test} from 'node:test';
import {printedBy} from '../support/emulatorHttp.js';

test('on Windows the printed commands are PowerShell: curl.exe, quoted paths and secrets, JSON piped in, and the piped body is accepted', async () => {
	const {lines, text, stop} = await printedBy({shell: 'powershell'});
	try {
		const curls = lines.filter(line => /\bcurl(\.exe)?\b/.test(line));
		assert.ok(curls.length >= 5, text);
		assert.deepEqual(curls.filter(line => !/\bcurl\.exe --cacert /.test(line)), [], 'every curl is curl.exe');
		const secret = lines.find(line => line.includes('--client-secret'));
		assert.match(secret ?? '', /--client-secret '[^']+~do-not-use-anywhere-else'/);
		// The switch a second admin turns off: JSON in single quotes, piped to curl.exe's stdin.
		const piped = lines.find(line => line.includes('/_emulator/switches') && line.includes('curl'));
		const match = /^ {2}'(\{.*\})' \| curl\.exe --cacert (\S+) -H 'content-type: application\/json' --data-binary '@-' (https:\/\/\S+)$/.exec(piped ?? '');
		assert.ok(match, piped);
		const [, json, ca, url] = match;
		assert.deepEqual(JSON.parse(json!), {isOfficeStoreEnabled: false});
		// What PowerShell writes to the pipe: the string and a CRLF.
		// (curl runs beside this process, whose emulator must go on answering: not execFileSync.)
		const answer = await new Promise<string>((resolve, reject) => {
			const child = execFile('curl', ['-s', '--max-time', '10', '--cacert', ca!.replace(/^'|'$/g, ''), '-H', 'content-type: application/json', '--data-binary', '@-', url!], {encoding: 'utf8'}, (error, stdout) => (error ? reject(error) : resolve(stdout)));
			child.stdin!.end(`${json}\r\n`);
		});
		assert.match(answer, /"isOfficeStoreEnabled":\s*false/, answer);
		assert.ok(!/ -d '\{/.test(text), 'no JSON passed as an argument');
	} finally {
		await stop();
	}
});
