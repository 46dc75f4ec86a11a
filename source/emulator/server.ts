/**
 * startEmulator: one HTTPS listener on 127.0.0.1 serving the identity routes (Entra ID's layout),
 * the licensing routes (docs/service.md, Routes), two Microsoft Graph resources (docs/graph.md),
 * the control routes and the device-login page; optionally a second listener that only speaks
 * TLS 1.0/1.1, and fault injection in front of both.
 */
import {randomUUID} from 'node:crypto';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {createServer, type Server} from 'node:https';
import {homedir, tmpdir} from 'node:os';
import {join} from 'node:path';
import type {OfferTypePolicy, ProductPolicy} from '../commerce/types.js';
import {mintAppCertificate, serverCertificates, type CertificateVariant} from './ca.js';
import {handleControl, handleDeviceLogin, type ControlApi, type RequestLogEntry} from './control.js';
import {CONTOSO, Directory, type EmulatorAccount, type EmulatorApp, type EmulatorTenant} from './directory.js';
import {describeFaults, FaultInjector, isWrite, parseFaults, type FaultRoute} from './faults.js';
import {graphUnauthorized, handleGraph, isGraphPath} from './graph.js';
import {aadError, echoableRequestId, graphError, json, readBody, serverErrorPage, serviceError, type Exchange, type GraphIds, type Reply} from './http.js';
import {Identity} from './identity.js';
import {handleLicensing, unauthorized} from './licensing.js';
import {DEFAULT_POLICY_ID} from '../commerce/types.js';
import {findPolicy, PolicyStore, SWITCH_NAMES, type Preset, type Switches} from './state.js';
import {TokenSigner} from './tokens.js';

export type EmulatorOptions = {
	/** 0 or undefined: a random free port. */
	port?: number;
	/** Fault spec, e.g. `latency=100ms,429=0.2,retry-after=1,503=1x,seed=42` (see faults.ts). */
	faults?: string;
	/** Demo: a device code approves itself after this many ms (default false: it waits). */
	autoApproveMs?: number | false;
	/** Account that auto-approval signs in as (default: the admin of the authority's tenant, else Contoso's). */
	autoApproveAs?: string;
	/** Access token lifetime (default 3600). */
	tokenLifetimeSeconds?: number;
	/** `interval` in the device code answer (default 1; fractions allowed, for fast tests). */
	deviceCodeIntervalSeconds?: number;
	/** `expires_in` in the device code answer (default 900). */
	deviceCodeLifetimeSeconds?: number;
	/** Add N synthetic products to the catalog (scale tests, benchmarks). */
	syntheticProducts?: number;
	/**
	 * N synthetic customer tenants besides Contoso, Fabrikam and Northwind (fleet tests): tenant i
	 * is `syntheticTenant(i)` (customer001.onmicrosoft.com, …) with a Global Administrator
	 * `admin@` account; Northwind's partner has Billing Administrator there through GDAP, and the
	 * fleet app is consented there. Each costs a small record; policy state comes on first use.
	 */
	tenantCount?: number;
	/** fresh (default): every row Enabled. demo: a realistic mix. */
	preset?: Preset;
	/** Also listen on a second port that only speaks TLS 1.0/1.1 (the module's "underlying connection was closed": docs/service.md, TLS, proxies and certificates). */
	legacyTls?: boolean;
	/**
	 * Server certificate variants for certificate-problem tests. `chain`: send the CA certificate
	 * after the server's, as TLS-inspecting proxies often do, so that a client which does not trust
	 * the CA fails with SELF_SIGNED_CERT_IN_CHAIN instead of UNABLE_TO_VERIFY_LEAF_SIGNATURE.
	 */
	certificate?: CertificateVariant & {chain?: boolean};
	/** Where to write ca.pem (default: a fresh temporary directory, removed on close). */
	caDir?: string;
	/**
	 * Where minted certificates are cached between runs (default `$XDG_STATE_HOME/mscommerce/emulator`,
	 * else `~/.local/state/mscommerce/emulator`); false: mint in memory only. The CA's key is never stored.
	 */
	cacheDir?: string | false;
	/** Extra public client IDs the identity side accepts (the MSCommerce client ID always is). */
	clientIds?: string[];
	/** Client IDs registered without public flows: the token endpoint answers AADSTS7000218. */
	confidentialClientIds?: string[];
	/** Called after each logged request (licensing, identity and Graph routes; not /_emulator or /devicelogin). */
	onRequest?: (entry: RequestLogEntry) => void;
	/** Hostile text in names, descriptions, error bodies and sign-in messages from the start (hostile.ts). */
	hostile?: boolean;
	/** Called when a device code is issued, with its user code. */
	onDeviceCode?: (userCode: string) => void;
};

/** The running emulator: what the control routes can do (approve, faults, state…), and where it listens. */
export type Emulator = Omit<ControlApi, 'info'> & {
	/** https://127.0.0.1:PORT */
	url: string;
	/** Same as url: the licensing routes live at /v1.0/... */
	licensingUrl: string;
	/** Same as url too: Graph's routes live at /v1.0/policies/authorizationPolicy and /beta/... (a client's graph URL). */
	graphUrl: string;
	/** `${url}/organizations` */
	authority: string;
	authorityFor(tenant: string): string;
	/** https://127.0.0.1:OTHERPORT when legacyTls. */
	legacyTlsUrl?: string;
	caPem: string;
	caFile: string;
	/** The tenants this emulator holds: Contoso, Fabrikam, Northwind, then the synthetic ones. */
	tenants: EmulatorTenant[];
	/** Its accounts: the fixed ones, then each synthetic tenant's admin. */
	accounts: EmulatorAccount[];
	/** Ready bearer tokens for the Contoso admin and reader. */
	tokens: {admin: string; reader: string};
	/** App registrations for app-only sign-in (client ID, secret, roles; the fleet app is multi-tenant). */
	apps: EmulatorApp[];
	/**
	 * A certificate (with its private key, one PEM) registered for an app: client assertions signed
	 * with it are accepted. Minted on first use; written next to ca.pem.
	 */
	appCertificate(clientId: string): Promise<{pem: string; file: string}>;
	/** Milliseconds from startEmulator() to listening. */
	startupMs: number;
	/** Where the certificates came from this time (memory, disk cache, or freshly minted). */
	certificateSource: 'memory' | 'disk' | 'minted';
	close(): Promise<void>;
};

const MAX_LOG_ENTRIES = 10_000;

export function defaultCacheDir(): string {
	const state = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
	return join(state, 'mscommerce', 'emulator');
}

function checkNumber(name: string, value: number | undefined, min: number): void {
	if (value !== undefined && !(Number.isFinite(value) && value >= min)) {
		throw new RangeError(`Emulator option ${name} must be a number >= ${min}, got ${value}`);
	}
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const started = performance.now();
	checkNumber('port', options.port, 0);
	checkNumber('tokenLifetimeSeconds', options.tokenLifetimeSeconds, 1);
	checkNumber('deviceCodeIntervalSeconds', options.deviceCodeIntervalSeconds, 0);
	checkNumber('deviceCodeLifetimeSeconds', options.deviceCodeLifetimeSeconds, 1);
	checkNumber('syntheticProducts', options.syntheticProducts, 0);
	if (typeof options.autoApproveMs === 'number') checkNumber('autoApproveMs', options.autoApproveMs, 0);
	// This emulator's own (and where tenantCount is checked): another emulator in the same process
	// has its own tenants and GDAP changes.
	const directory = new Directory({tenantCount: options.tenantCount});
	if (options.autoApproveAs !== undefined && !directory.findAccount(options.autoApproveAs)) {
		throw new RangeError(`Emulator option autoApproveAs: no account ${options.autoApproveAs}`);
	}

	const faults = new FaultInjector(parseFaults(options.faults ?? ''));
	const signer = new TokenSigner();
	const store = new PolicyStore({syntheticProducts: options.syntheticProducts, preset: options.preset});
	let url = '';
	const identity = new Identity({
		issuerBase: () => url,
		signer,
		faults,
		directory,
		clientIds: options.clientIds ?? [],
		confidentialClientIds: options.confidentialClientIds ?? [],
		tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
		deviceCodeIntervalSeconds: options.deviceCodeIntervalSeconds ?? 1,
		deviceCodeLifetimeSeconds: options.deviceCodeLifetimeSeconds ?? 900,
		autoApproveMs: options.autoApproveMs ?? false,
		autoApproveAs: options.autoApproveAs,
		onDeviceCode: options.onDeviceCode,
	});
	const requests: RequestLogEntry[] = [];
	let legacyTlsUrl: string | undefined;

	const tenantIdOf = (tenant: string): string => {
		const found = directory.findTenant(tenant);
		if (!found) throw new Error(`No tenant ${tenant}: use ${directory.describeTenants()} (or a tenant ID)`);
		return found.id;
	};
	const issueToken: ControlApi['issueToken'] = (username, opts = {}) => {
		const account = directory.findAccount(username);
		if (!account) throw new Error(`No account ${username}: use one of ${directory.describeAccounts()}`);
		const tenantId = opts.tenant === undefined ? account.tenantId : tenantIdOf(opts.tenant);
		let customer: {tenantId: string; roles: readonly string[]} | undefined;
		if (tenantId !== account.tenantId) {
			// Another tenant: what a GDAP relationship gives there, as a refresh at that tenant would.
			const roles = directory.gdapRoles(account.username, tenantId);
			if (!roles) throw new RangeError(`tenant: ${account.username} has no GDAP relationship with ${opts.tenant ?? tenantId}`);
			customer = {tenantId, roles};
		}
		return identity.issueAccessToken(account, {expiresInSeconds: opts.expiresInSeconds, scopes: opts.scopes, customer});
	};
	const tenantState = (tenant: string): {products: ProductPolicy[]; offerTypes: OfferTypePolicy[]; switches: Switches} =>
		store.tenant(tenantIdOf(tenant || CONTOSO.id)).snapshot(findPolicy(DEFAULT_POLICY_ID)?.id ?? DEFAULT_POLICY_ID);
	const switches: ControlApi['switches'] = tenant => ({
		...store.tenant(tenantIdOf(tenant || CONTOSO.id)).switches(),
		beta: store.betaAvailable ? 'available' : 'unavailable',
	});
	const setSwitches: ControlApi['setSwitches'] = (values, tenant) => {
		const state = store.tenant(tenantIdOf(tenant || CONTOSO.id));
		// Checked whole before anything changes: a caller in plain JavaScript may pass anything.
		for (const name of SWITCH_NAMES) {
			const value: unknown = values[name];
			if (value !== undefined && typeof value !== 'boolean') throw new RangeError(`${name} must be true or false`);
		}
		const beta: unknown = values.beta;
		if (beta !== undefined && beta !== 'available' && beta !== 'unavailable') throw new RangeError('beta must be "available" or "unavailable"');
		state.setSwitches(values);
		if (beta !== undefined) store.betaAvailable = beta === 'available';
		return switches(tenant);
	};
	const setValue: ControlApi['setValue'] = (tenant, scope, id, value) => {
		const state = store.tenant(tenantIdOf(tenant || CONTOSO.id));
		if (scope === 'product') {
			const product = state.product(id);
			if (!product) throw new Error(`No product ${id}`);
			state.setProductValue(product, value);
		} else {
			const offerType = state.offerType(id);
			if (!offerType) throw new Error(`No offer type ${id}`);
			state.setOfferTypeValue(offerType, value);
		}
	};
	const addProduct: ControlApi['addProduct'] = (tenant, p) => {
		const seed = {
			productId: p.productId,
			productName: p.productName,
			trialWithoutPaymentMethod: p.trialWithoutPaymentMethod ?? false,
			policyValue: p.policyValue,
		};
		store.addProduct(seed, tenant === undefined ? undefined : tenantIdOf(tenant));
	};

	const control: ControlApi = {
		approve: (code, username) => identity.approve(code, username),
		decline: code => identity.decline(code),
		failCode: (code, aadsts) => identity.failCode(code, aadsts),
		pendingCodes: () => identity.pendingCodes(),
		requests,
		setFaults: spec => faults.set(parseFaults(spec)),
		faults: () => describeFaults(faults.plan),
		tenantState,
		addProduct,
		setValue,
		makeHostile: () => {
			store.makeHostile();
			identity.hostile = true;
		},
		issueToken,
		revokeRefreshTokens: username => identity.revokeRefreshTokens(username),
		setGdap: (username, tenant, roles) => directory.setGdap(username, tenant, roles),
		switches,
		setSwitches,
		setGraphConsent: (tenant, granted) => directory.setGraphConsent(tenant, granted),
		accounts: [...directory.accounts],
		info: () => ({
			url,
			authority: `${url}/organizations`,
			licensingUrl: url,
			graphUrl: url,
			graphBeta: store.betaAvailable ? 'available' : 'unavailable',
			legacyTlsUrl,
			faults: describeFaults(faults.plan),
			tenantCount: directory.tenantCount,
			tenantsWithState: store.size,
			accounts: directory.accounts.map(({username, tenantId, roleNames}) => ({username, tenantId, roles: roleNames})),
		}),
	};

	if (options.hostile) control.makeHostile();

	const handle = async (req: IncomingMessage, res: ServerResponse, listenerBase: () => string): Promise<void> => {
		const arrived = performance.now();
		const time = new Date().toISOString();
		const method = (req.method ?? 'GET').toUpperCase();
		const path = req.url ?? '/';
		let body = '';
		try {
			body = await readBody(req);
		} catch {
			send(res, json(413, {error: {code: 'PayloadTooLarge', message: 'The request body is too large.'}}));
			return;
		}
		const header = (name: string): string | undefined => {
			const value = req.headers[name];
			return Array.isArray(value) ? value[0] : value;
		};
		const base = listenerBase();
		let requestUrl: URL;
		try {
			// Concatenated, not resolved: a path such as //host/x must not become another origin.
			requestUrl = new URL(`${base}${path.startsWith('/') ? path : `/${path}`}`);
		} catch {
			send(res, json(400, {error: {code: 'BadRequest', message: 'The request target is not a valid path.'}}));
			return;
		}
		const segments = requestUrl.pathname.split('/').filter(Boolean);
		const first = segments[0]?.toLowerCase();
		// Graph's paths first: /v1.0/policies/authorizationPolicy would otherwise be the licensing service's.
		const route: FaultRoute | undefined = isGraphPath(segments) ? 'graph' : first === 'v1.0' ? 'licensing' : segments.length > 1 ? 'identity' : undefined;
		// Graph makes its own request-id and echoes the client's client-request-id (or sends the same ID).
		const graphIds: GraphIds | undefined = route === 'graph' ? graphRequestIds(header('client-request-id')) : undefined;
		const correlationId = graphIds?.requestId ?? (header('x-ms-correlation-id') || header('client-request-id') || randomUUID());
		const exchange: Exchange = {
			method,
			url: requestUrl,
			headers: req.headers,
			contentType: header('content-type'),
			body,
			correlationId,
			baseUrl: base,
			note: {},
		};

		// Our own routes: no faults, no log.
		if (first === '_emulator') return send(res, handleControl(exchange, segments.slice(1), control));
		if (first === 'devicelogin' && segments.length === 1) return send(res, handleDeviceLogin(exchange, control));
		if (segments.length === 0 && method === 'GET') return send(res, json(200, control.info()));

		const faultsHit: string[] = [];
		const target = {route: route ?? 'licensing', method};
		const log = (status: number): void => {
			const entry: RequestLogEntry = {time, method, path, status, correlationId, durationMs: Math.round(performance.now() - arrived)};
			if (exchange.note.tenantId) entry.tenantId = exchange.note.tenantId;
			if (exchange.note.username) entry.username = exchange.note.username;
			if (exchange.note.fault) faultsHit.push(exchange.note.fault);
			if (faultsHit.length > 0) entry.fault = faultsHit.join(',');
			requests.push(entry);
			if (requests.length > MAX_LOG_ENTRIES) requests.splice(0, requests.length - MAX_LOG_ENTRIES);
			options.onRequest?.(entry);
		};
		const headers: Record<string, string> = graphIds
			? {'request-id': graphIds.requestId, 'client-request-id': graphIds.clientRequestId}
			: {'x-ms-correlation-id': correlationId, ...(route === 'identity' ? {'client-request-id': correlationId} : {})};

		let reply: Reply | undefined;
		if (route) {
			const delay = faults.latency(target);
			if (delay > 0) {
				faultsHit.push(`latency=${delay}ms`);
				await new Promise(resolve => setTimeout(resolve, delay));
				if (res.destroyed) return log(0);
			}
			if (faults.fire('drop', target)) {
				faultsHit.push('drop');
				req.socket.destroy();
				return log(0);
			}
			const retryAfter = {'retry-after': String(faults.retryAfter)};
			if (faults.fire('429', target)) {
				faultsHit.push('429');
				reply =
					route === 'identity'
						? aadError(base, 429, 'temporarily_unavailable', undefined, 'The server is busy: too many requests. Retry later.', correlationId)
						: graphIds
							? graphError(429, 'TooManyRequests', 'Too many requests from this client. Please try again later.', graphIds)
							: serviceError(429, 'TooManyRequests', `Too many requests. Retry after ${faults.retryAfter} seconds.`);
				reply.headers = {...reply.headers, ...retryAfter};
			} else if (faults.fire('503', target)) {
				faultsHit.push('503');
				reply = graphIds
					? graphError(503, 'serviceNotAvailable', 'The service is temporarily unavailable. Try the request again after a delay.', graphIds, retryAfter)
					: serverErrorPage(503, correlationId, retryAfter);
			} else if (faults.fire('500', target)) {
				faultsHit.push('500');
				// Graph's most common 500 says nothing at all.
				reply = graphIds ? graphError(500, 'UnknownError', '', graphIds) : serverErrorPage(500, correlationId);
			} else if (route !== 'identity' && faults.fire('expire', target)) {
				faultsHit.push('expire');
				reply = graphIds ? graphUnauthorized(exchange, graphIds, 'Lifetime validation failed, the token is expired.') : unauthorized(exchange, 'The access token expired');
			} else if (faults.fire('redirect', target)) {
				faultsHit.push('redirect');
				// The same URL: a client that followed it would be answered, and the log would show it.
				reply = {status: 302, headers: {location: `${base}${path.startsWith('/') ? path : `/${path}`}`, 'content-type': 'text/plain; charset=utf-8'}, body: ''};
			} else if (faults.fire('endless', target)) {
				const sent = await sendEndless(res, headers);
				faultsHit.push(`endless (${sent} bytes sent)`);
				return log(200);
			}
		}
		if (!reply) {
			// `ignore`: a write answered as if it applied, nothing changed (a write that did not apply).
			const ignored = isWrite(target) && faults.fire('ignore', target);
			if (ignored) faultsHit.push('ignore');
			if (route === 'licensing') {
				// The PUT is answered as a GET would be: the row unchanged.
				reply = handleLicensing(ignored ? {...exchange, method: 'GET'} : exchange, segments.slice(1), header('authorization'), {store, signer});
			} else if (graphIds) {
				reply = handleGraph(exchange, segments, header('authorization'), {store, signer}, graphIds, {apply: !ignored});
			} else if (route === 'identity') {
				reply = identity.handle(exchange, segments);
			}
			reply ??= serviceError(404, 'NotFound', `No route matches ${method} ${exchange.url.pathname}.`);
			if (route && reply.status === 200 && faults.fire('malformed', target)) {
				faultsHit.push('malformed');
				reply = malformed(reply, faults.random());
			}
		}
		reply.headers = {...reply.headers, ...headers};
		const late = route ? faults.late(target) : 0;
		// A Graph PATCH that applied answers 204.
		if (late > 0 && (reply.status === 200 || (route === 'graph' && reply.status === 204))) {
			// Applied already; the answer comes late (or never, if the client has gone).
			faultsHit.push(`late=${late}ms`);
			await new Promise(resolve => setTimeout(resolve, late));
		}
		if (route && reply.status === 200 && faults.fire('trickle', target)) {
			// Applied already too; the answer comes a byte at a time, until done or the client goes.
			const {sent, total} = await sendTrickle(res, reply, faults.trickleEveryMs);
			faultsHit.push(`trickle=${faults.trickleEveryMs}ms (${sent} of ${total} bytes sent)`);
			return log(reply.status);
		}
		send(res, reply);
		log(res.destroyed ? 0 : reply.status);
	};

	const {chain, ...variant} = options.certificate ?? {};
	const certificates = await serverCertificates(
		variant,
		options.cacheDir === false ? undefined : (options.cacheDir ?? defaultCacheDir()),
	);
	const cert = chain ? certificates.certPem + certificates.caPem : certificates.certPem;
	const listen = async (server: Server, port: number): Promise<number> => {
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => {
				server.off('error', reject);
				resolve();
			});
		});
		const address = server.address();
		if (address === null || typeof address === 'string') throw new Error('The emulator has no TCP address');
		return address.port;
	};
	// A bug in a handler answers 500 rather than leaving the client hanging.
	const onError = (res: ServerResponse) => () => {
		if (!res.headersSent && !res.destroyed) send(res, serverErrorPage(500, randomUUID()));
	};

	const servers: Server[] = [];
	const main = createServer({cert, key: certificates.keyPem}, (req, res) => {
		handle(req, res, () => url).catch(onError(res));
	});
	servers.push(main);
	let temporaryDir: string | undefined;
	try {
		url = `https://127.0.0.1:${await listen(main, options.port ?? 0)}`;
		if (options.legacyTls) {
			const legacy = createServer(
				{
					cert,
					key: certificates.keyPem,
					minVersion: 'TLSv1',
					maxVersion: 'TLSv1.1',
					// OpenSSL 3 refuses TLS 1.0/1.1 at its default security level.
					ciphers: 'DEFAULT@SECLEVEL=0',
				},
				(req, res) => {
					handle(req, res, () => legacyTlsUrl ?? url).catch(onError(res));
				},
			);
			servers.push(legacy);
			legacyTlsUrl = `https://127.0.0.1:${await listen(legacy, 0)}`;
		}
		const caDir = options.caDir ?? (temporaryDir = await mkdtemp(join(tmpdir(), 'mscommerce-emulator-')));
		const caFile = join(caDir, 'ca.pem');
		const appCertificates = new Map<string, Promise<{pem: string; file: string}>>();
		await writeFile(caFile, certificates.caPem);

		const startupMs = performance.now() - started;
		let closed: Promise<void> | undefined;
		return {
			url,
			licensingUrl: url,
			graphUrl: url,
			authority: `${url}/organizations`,
			authorityFor: tenant => `${url}/${tenant}`,
			legacyTlsUrl,
			caPem: certificates.caPem,
			caFile,
			tenants: [...directory.tenants],
			accounts: control.accounts,
			tokens: {admin: issueToken('admin@contoso.onmicrosoft.com'), reader: issueToken('reader@contoso.onmicrosoft.com')},
			issueToken,
			approve: control.approve,
			decline: control.decline,
			failCode: control.failCode,
			pendingCodes: control.pendingCodes,
			requests,
			setFaults: control.setFaults,
			faults: control.faults,
			revokeRefreshTokens: control.revokeRefreshTokens,
			setGdap: control.setGdap,
			switches,
			setSwitches,
			setGraphConsent: control.setGraphConsent,
			tenantState,
			addProduct: (tenant, p) => addProduct(tenant, p),
			setValue,
			makeHostile: control.makeHostile,
			apps: [...directory.apps],
			appCertificate: clientId => {
				const app = directory.findApp(clientId);
				if (!app) return Promise.reject(new Error(`No app ${clientId}: use one of ${directory.apps.map(a => a.clientId).join(', ')}`));
				let minted = appCertificates.get(app.clientId);
				if (!minted) {
					minted = (async () => {
						const {pem, certPem} = await mintAppCertificate(app.displayName);
						identity.registerAppCertificate(app.clientId, certPem);
						const file = join(caDir, `app-${app.clientId}.pem`);
						await writeFile(file, pem, {mode: 0o600});
						return {pem, file};
					})();
					appCertificates.set(app.clientId, minted);
				}
				return minted;
			},
			startupMs,
			certificateSource: certificates.source,
			close: () => (closed ??= shutdown(servers, identity, temporaryDir)),
		};
	} catch (error) {
		await shutdown(servers, identity, temporaryDir);
		throw error;
	}
}

async function shutdown(servers: Server[], identity: Identity, temporaryDir: string | undefined): Promise<void> {
	identity.close();
	await Promise.all(
		servers.map(
			server =>
				new Promise<void>(resolve => {
					if (!server.listening) return resolve();
					server.close(() => resolve());
					// Keep-alive sockets would hold close() open until they time out.
					server.closeAllConnections();
				}),
		),
	);
	if (temporaryDir) await rm(temporaryDir, {recursive: true, force: true});
}

/** A Graph request's IDs: a fresh request-id; the client's client-request-id when it can be echoed, else the same. */
function graphRequestIds(clientRequestId: string | undefined): GraphIds {
	const requestId = randomUUID();
	return {requestId, clientRequestId: echoableRequestId(clientRequestId) ?? requestId};
}

function send(res: ServerResponse, reply: Reply): void {
	if (res.destroyed || res.headersSent) return;
	const body = reply.body ?? '';
	res.writeHead(reply.status, {...reply.headers, 'content-length': String(Buffer.byteLength(body))});
	res.end(body);
}

/** Resolves after `ms`, or as soon as the client has gone (or the emulator closes its connections). */
async function pause(res: ServerResponse, ms: number): Promise<void> {
	if (res.destroyed) return;
	await new Promise<void>(resolve => {
		const done = () => {
			clearTimeout(timer);
			res.off('close', done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		res.on('close', done);
	});
}

/** Resolves once the client has read what was written so far, or has gone. */
async function drained(res: ServerResponse): Promise<void> {
	if (res.destroyed) return;
	await new Promise<void>(resolve => {
		const done = () => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}

/** `trickle`: the answer one byte at a time, `everyMs` apart, with its real Content-Length. */
async function sendTrickle(res: ServerResponse, reply: Reply, everyMs: number): Promise<{sent: number; total: number}> {
	const body = Buffer.from(reply.body ?? '');
	if (res.destroyed || res.headersSent) return {sent: 0, total: body.length};
	res.writeHead(reply.status, {...reply.headers, 'content-length': String(body.length)});
	let sent = 0;
	while (sent < body.length && !res.destroyed) {
		res.write(body.subarray(sent, sent + 1));
		sent += 1;
		if (sent < body.length) await pause(res, everyMs);
	}
	if (!res.destroyed) res.end();
	return {sent, total: body.length};
}

// What `endless` repeats: rows of a product list, so that what arrives looks like the start of one.
const ENDLESS_CHUNK = Buffer.from(
	'{"policyId":"AllowSelfServicePurchase","policyValue":"Enabled","productName":"Endless","productId":"CFQ7TTC0ZZZZ"},'.repeat(512),
);

/** `endless`: a 200 whose body never ends, written as fast as the client reads it; returns the bytes written. */
async function sendEndless(res: ServerResponse, headers: Record<string, string>): Promise<number> {
	if (res.destroyed || res.headersSent) return 0;
	// No Content-Length: chunked, so nothing says where it would end.
	res.writeHead(200, {...headers, 'content-type': 'application/json; charset=utf-8'});
	let sent = 0;
	res.write('{"items":[');
	while (!res.destroyed) {
		const more = res.write(ENDLESS_CHUNK);
		sent += ENDLESS_CHUNK.length;
		// Wait for the client whenever the buffer is full; otherwise still let the event loop run.
		await (more ? new Promise(resolve => setImmediate(resolve)) : drained(res));
	}
	return sent;
}

/** A 200 whose body is not the documented shape: truncated JSON, or an HTML page (a proxy's, say). */
function malformed(reply: Reply, random: number): Reply {
	if (random < 0.5) {
		const text = reply.body ?? '{}';
		return {status: 200, headers: {'content-type': 'application/json; charset=utf-8'}, body: text.slice(0, Math.max(1, Math.floor(text.length / 2)))};
	}
	return {
		status: 200,
		headers: {'content-type': 'text/html; charset=utf-8'},
		body: '<!DOCTYPE html>\n<html><head><title>Sign in to continue</title></head><body><p>Your session requires sign-in to the network.</p></body></html>\n',
	};
}
