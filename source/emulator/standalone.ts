/**
 * `mscommerce emulator`: start the emulator, print everything a person needs to use it (URLs, CA
 * file, ready tokens, copy-paste commands for the licensing service and Microsoft Graph), log
 * requests as they come, and stop cleanly when the caller's signal aborts (the CLI wires Ctrl-C to it).
 */
import {DEFAULT_POLICY_ID} from '../commerce/types.js';
import type {RequestLogEntry} from './control.js';
import {ACCOUNTS, DEFAULT_USERNAME, GRAPH_CLI_CLIENT_ID, NORTHWIND, PARTNER_USERNAME, syntheticTenant} from './directory.js';
import {GRAPH_RESOURCE} from './graph.js';
import {startEmulator, type EmulatorOptions} from './server.js';

export type RunEmulatorOptions = EmulatorOptions & {
	print: (line: string) => void;
	signal?: AbortSignal;
	/** Don't print a line per request and per device code. */
	quiet?: boolean;
	/** How the printed commands are written (default: PowerShell on Windows, else a POSIX shell). */
	shell?: ShellKind;
};

/** A POSIX shell (sh, bash, zsh), or PowerShell (Windows PowerShell 5.1 and PowerShell 7). */
export type ShellKind = 'posix' | 'powershell';

const PRINTED_TOKEN_SECONDS = 24 * 3600;

/** Quotes a word for the shell only when it needs it (PowerShell: single quotes, a quote doubled). */
export function shellQuote(word: string, shell: ShellKind = 'posix'): string {
	if (shell === 'powershell') return /^[\w.:/\\-]+$/.test(word) && !word.startsWith('-') ? word : `'${word.replace(/'/g, "''")}'`;
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The copy-paste commands, for the shell the person is in. PowerShell calls curl.exe (Windows 10
 * and later ship it; `curl` there is Invoke-WebRequest's alias), and sends JSON through a pipe:
 * Windows PowerShell 5.1 strips the double quotes of a JSON argument passed to a program.
 */
function commandsFor(shell: ShellKind, caFile: string) {
	const q = (word: string) => shellQuote(word, shell);
	const curl = `${shell === 'powershell' ? 'curl.exe' : 'curl'} --cacert ${q(caFile)}`;
	return {
		q,
		ca: q(caFile),
		get: (url: string, token: string) => (shell === 'powershell' ? `${curl} -H ${q(`Authorization: Bearer ${token}`)} ${url}` : `${curl} -H "Authorization: Bearer ${token}" ${url}`),
		postJson: (url: string, json: string) =>
			shell === 'powershell' ? `${q(json)} | ${curl} -H 'content-type: application/json' --data-binary '@-' ${url}` : `${curl} -H 'content-type: application/json' -d '${json}' ${url}`,
		postForm: (url: string, fields: Record<string, string>) => `${curl} ${Object.entries(fields).map(([name, value]) => `-d ${q(`${name}=${value}`)}`).join(' ')} ${url}`,
		secret: (secret: string) => (shell === 'powershell' ? q(secret) : `'${secret}'`),
	};
}

function describeRequest(entry: RequestLogEntry): string {
	const who = entry.username ? ` ${entry.username}` : '';
	const fault = entry.fault ? ` [fault: ${entry.fault}]` : '';
	const status = entry.status === 0 ? 'dropped' : String(entry.status);
	return `${entry.time.slice(11, 23)} ${entry.method} ${entry.path} → ${status} (${entry.durationMs} ms)${who}${fault} correlation ${entry.correlationId ?? '-'}`;
}

export async function runEmulator(options: RunEmulatorOptions): Promise<void> {
	const {print, signal, quiet, shell = process.platform === 'win32' ? 'powershell' : 'posix', ...emulatorOptions} = options;
	if (signal?.aborted) return;
	let command: ReturnType<typeof commandsFor> | undefined;
	let url = '';
	const emulator = await startEmulator({
		...emulatorOptions,
		onRequest: entry => {
			emulatorOptions.onRequest?.(entry);
			if (!quiet) print(describeRequest(entry));
		},
		onDeviceCode: userCode => {
			emulatorOptions.onDeviceCode?.(userCode);
			if (quiet) return;
			print(`Device code ${userCode} is waiting: open ${url}/devicelogin, or run: ${command?.postForm(`${url}/devicelogin`, {user_code: userCode, username: DEFAULT_USERNAME})}`);
		},
	});
	try {
		url = emulator.url;
		command = commandsFor(shell, emulator.caFile);
		const {ca, q} = command;
		const lifetime = emulatorOptions.tokenLifetimeSeconds ?? PRINTED_TOKEN_SECONDS;
		const hours = lifetime >= 3600 ? `${Math.round((lifetime / 3600) * 10) / 10} h` : `${lifetime} s`;
		const admin = emulator.issueToken('admin@contoso.onmicrosoft.com', {expiresInSeconds: lifetime});
		const reader = emulator.issueToken('reader@contoso.onmicrosoft.com', {expiresInSeconds: lifetime});
		const graph = emulator.issueToken('admin@contoso.onmicrosoft.com', {expiresInSeconds: lifetime, scopes: [`${GRAPH_RESOURCE}/.default`]});
		// The fixed accounts by name; synthetic tenants' admins, maybe thousands, as one line.
		const accounts = emulator.accounts.slice(0, ACCOUNTS.length).map(a => `${a.username} (${a.roleNames.join(', ') || 'no admin role'})`);
		const tenantCount = emulatorOptions.tenantCount ?? 0;
		const customers =
			tenantCount === 0
				? ''
				: tenantCount === 1
					? syntheticTenant(1).domain
					: `${syntheticTenant(1).domain} … ${syntheticTenant(tenantCount).domain}`;
		if (tenantCount > 0) accounts.push(`admin@customerNNN.onmicrosoft.com in each of the ${tenantCount} customer tenants (Global Administrator)`);

		print(`mscommerce emulator is listening (started in ${Math.round(emulator.startupMs)} ms)`);
		print('');
		print(`  licensing URL  ${emulator.licensingUrl}`);
		print(`  graph URL      ${emulator.graphUrl}`);
		print(`  authority      ${emulator.authority}`);
		print(`  CA file        ${emulator.caFile}`);
		if (emulator.legacyTlsUrl) print(`  legacy TLS     ${emulator.legacyTlsUrl} (speaks only TLS 1.0/1.1)`);
		if (emulatorOptions.hostile) print('  hostile        names, descriptions, errors and sign-in messages carry terminal control');
		if (tenantCount > 0) print(`  customers      ${tenantCount} synthetic tenants: ${customers}`);
		print(`  faults         ${emulator.faults()}`);
		if (emulatorOptions.autoApproveMs !== undefined && emulatorOptions.autoApproveMs !== false) {
			print(`  auto-approve   device codes approve themselves after ${emulatorOptions.autoApproveMs} ms`);
		}
		print(`  accounts       ${accounts.join('\n                 ')}`);
		print('');
		print(`Admin token (admin@contoso.onmicrosoft.com, valid ${hours}):`);
		print(admin);
		print('');
		print(`Reader token (reader@contoso.onmicrosoft.com, valid ${hours}):`);
		print(reader);
		print('');
		print(`Graph token (admin@contoso.onmicrosoft.com, every Graph scope the emulator knows, valid ${hours}):`);
		print(graph);
		print('');
		print('List the products:');
		print(`  ${command.get(`${url}/v1.0/policies/${DEFAULT_POLICY_ID}/products`, admin)}`);
		print('Read the tenant-wide switches (Microsoft Graph; also /beta/admin/appsAndServices):');
		print(`  ${command.get(`${url}/v1.0/policies/authorizationPolicy`, graph)}`);
		print('Another admin turns a switch off (POST /_emulator/switches; "tenantId" for another tenant):');
		print(`  ${command.postJson(`${url}/_emulator/switches`, '{"isOfficeStoreEnabled":false}')}`);
		print('');
		print('Sign in with the CLI (device code):');
		print(`  mscommerce login --authority ${emulator.authority} --licensing-url ${emulator.licensingUrl} --ca-file ${ca} --graph-url ${emulator.graphUrl}`);
		print(`  mscommerce switches list --authority ${emulator.authority} --ca-file ${ca} --graph-url ${emulator.graphUrl}`);
		print('Approve its code (or open the page in a browser):');
		print(`  ${command.postForm(`${url}/devicelogin`, {user_code: 'XXXX-XXXX', username: DEFAULT_USERNAME})}`);
		print('');
		print('App-only sign-in (client credentials; --tenant is required):');
		for (const app of emulator.apps) {
			const where = app.consentedIn ? `, multi-tenant: consented in Contoso, Fabrikam${tenantCount > 0 ? ' and every customer tenant' : ''}` : '';
			print(`  ${app.displayName}: --client-id ${app.clientId} --client-secret ${command.secret(app.secret)} (${app.roles.join(', ')}${where})`);
			print(`    Microsoft Graph: ${app.graphRoles.join(', ') || 'no permissions'}`);
		}
		const [first] = emulator.apps;
		if (first) {
			const {file} = await emulator.appCertificate(first.clientId);
			print(`  or with a certificate: --client-id ${first.clientId} --certificate ${q(file)}`);
			print(`  mscommerce whoami --tenant contoso.onmicrosoft.com --client-id ${first.clientId} --client-secret ${command.secret(first.secret)} --authority ${emulator.authority} --licensing-url ${emulator.licensingUrl} --ca-file ${ca} --graph-url ${emulator.graphUrl}`);
		}
		print(
			`Graph sign-in: this program's client and Microsoft Graph Command Line Tools (${GRAPH_CLI_CLIENT_ID}) may ask for Policy.Read.All, ` +
				`Policy.ReadWrite.Authorization and OrgSettings-AppsAndServices.(Read|ReadWrite).All; an admin consented in Contoso, Northwind` +
				`${tenantCount > 0 ? ' and every customer tenant' : ''}, not in Fabrikam (AADSTS65001 there).`,
		);
		print(
			`Partner (GDAP): ${PARTNER_USERNAME} manages Contoso (Billing Administrator) and Fabrikam (Global Reader)` +
				`${tenantCount > 0 ? `, and each customer tenant (Billing Administrator)` : ''}; its home is ${NORTHWIND.domain}.`,
		);
		print(`  change a relationship: ${command.postJson(`${url}/_emulator/gdap`, `{"username":"${PARTNER_USERNAME}","tenant":"fabrikam.onmicrosoft.com","roles":["Billing Administrator"]}`)}`);
		print('');
		print('Press Ctrl-C to stop.');

		await new Promise<void>(resolve => {
			if (!signal) return; // runs until the process ends
			if (signal.aborted) return resolve();
			signal.addEventListener('abort', () => resolve(), {once: true});
		});
	} finally {
		await emulator.close();
	}
}
