/**
 * The operating system's trust store (net/http.ts): on Node 22.15+ a certificate that only the
 * OS store vouches for is trusted without --ca-file; on Node 20, which cannot read the store, the
 * hint says how to export the root on Windows and macOS. On Linux the OS store is OpenSSL's, which
 * SSL_CERT_FILE names: pointed at the emulator's CA, it stands for a TLS-inspecting proxy's root
 * that IT installed on the machine.
 */
import assert from 'node:assert/strict';
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import tls from 'node:tls';
import {cliEnv, runCli} from '../support/cli.js';
import {emulator} from '../support/emulator.js';

const readsSystemStore = typeof (tls as {getCACertificates?: unknown}).getCACertificates === 'function';
const home = () => mkdtemp(join(tmpdir(), 'mscommerce-trust-'));

/** The CLI's environment without --ca-file (and never NODE_EXTRA_CA_CERTS: runCli passes only what it is given). */
async function withoutCaFile(extra: NodeJS.ProcessEnv = {}): Promise<{env: NodeJS.ProcessEnv; caFile: string}> {
	const emu = await emulator();
	const {MSCOMMERCE_CA_FILE: _caFile, ...env} = cliEnv(emu, await home(), {MSCOMMERCE_TOKEN: emu.tokens.reader, ...extra});
	return {env, caFile: emu.caFile};
}

test('Node 22.15+: a root only the OS trust store holds (SSL_CERT_FILE on Linux) is trusted without --ca-file', {skip: !readsSystemStore && `Node ${process.versions.node} cannot read the OS trust store`}, async () => {
	const {env, caFile} = await withoutCaFile();
	const listed = await runCli(['policies', 'list', '--json'], {...env, SSL_CERT_FILE: caFile});
	assert.equal(listed.code, 0, listed.stderr);
	assert.equal((JSON.parse(listed.stdout) as unknown[]).length, 1);
});

test('Node 22.15+: a root in no trust store fails once, saying the OS store was checked too', {skip: !readsSystemStore && `Node ${process.versions.node} cannot read the OS trust store`}, async () => {
	const {env} = await withoutCaFile();
	const refused = await runCli(['policies', 'list'], env);
	assert.equal(refused.code, 1, refused.stderr);
	assert.match(refused.stderr, /^error: The certificate presented for 127\.0\.0\.1:\d+ is not trusted/m);
	assert.match(refused.stderr, /^hint: This machine's own trust store was checked too: the root that signed this certificate is not in it either\./m);
	assert.equal(refused.stdout, '');
});

test('Node 20: an untrusted root says the runtime cannot read the OS store, and how to export the root on Windows and macOS', {skip: readsSystemStore && `Node ${process.versions.node} reads the OS trust store`}, async () => {
	const {env, caFile} = await withoutCaFile();
	const refused = await runCli(['policies', 'list'], {...env, SSL_CERT_FILE: caFile});
	assert.equal(refused.code, 1, refused.stderr);
	assert.match(refused.stderr, /^hint: Node 20\.\S+ cannot read this machine's trust store \(Node 22\.15 and later can/m);
	assert.match(refused.stderr, /^hint: Windows \(PowerShell\).*Get-ChildItem Cert:\\LocalMachine\\Root .*Out-File -Encoding ascii root\.pem$/m);
	assert.match(refused.stderr, /^hint: macOS: security find-certificate -a -p -c "NAME" \/Library\/Keychains\/System\.keychain > root\.pem$/m);
});
