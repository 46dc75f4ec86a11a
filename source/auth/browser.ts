/**
 * The loopback side of `mscommerce login --browser` (authorization code with PKCE): a plain-HTTP
 * listener on this machine's loopback address that waits for the browser to come back to the
 * redirect URI with a code. Entra ID matches a loopback redirect ignoring its port, but not its
 * path: the MSCommerce module's app registered `http://localhost/m365/commerce`, other apps
 * usually `http://localhost` (docs/sign-in.md). Over SSH the port is forwarded with `ssh -L`.
 */
import {createServer, type Server} from 'node:http';
import {CancelledError, UsageError} from '../problems/errors.js';

export type Redirect = {uri: string; port: number; path: string};

/** The redirect URI to use: --redirect-uri as given, else localhost with the client's path, on --port or a free port. */
export function redirectFor(options: {redirectUri?: string; port?: number; path: string}): {host: string; port: number; path: string; fixed?: string} {
	if (options.redirectUri) {
		let url: URL;
		try {
			url = new URL(options.redirectUri);
		} catch {
			throw new UsageError(`--redirect-uri: "${options.redirectUri}" is not a URL`);
		}
		if (url.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
			throw new UsageError(`--redirect-uri: ${url.href} must be http://localhost…: the browser comes back to this machine`);
		}
		const port = url.port ? Number(url.port) : (options.port ?? 0);
		return {host: url.hostname, port, path: url.pathname || '/', fixed: url.port ? url.href : undefined};
	}
	return {host: 'localhost', port: options.port ?? 0, path: options.path};
}

export type Loopback = {
	redirect: Redirect;
	/** Resolves with the code once the browser comes back with this state; rejects on an error answer. */
	code(state: string, signal: AbortSignal): Promise<string>;
	close(): Promise<void>;
};

const PAGE = (title: string, text: string) =>
	`<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>\n`;

/** Starts listening on 127.0.0.1 (the port given, or a free one). */
export async function listenForRedirect(where: {host: string; port: number; path: string; fixed?: string}): Promise<Loopback> {
	let deliver: (query: URLSearchParams) => void = () => undefined;
	const arrived = new Promise<URLSearchParams>(resolve => (deliver = resolve));
	const server: Server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (req.method !== 'GET' || url.pathname !== where.path || !(url.searchParams.has('code') || url.searchParams.has('error'))) {
			res.writeHead(404, {'content-type': 'text/plain; charset=utf-8'}).end('Not the sign-in redirect.\n');
			return;
		}
		const failed = url.searchParams.has('error');
		// Nothing from the query is echoed back: the page is ours alone.
		res.writeHead(200, {'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store'});
		res.end(failed ? PAGE('Sign-in did not complete', 'Go back to the terminal to see why.') : PAGE('Signed in', 'You can close this window and go back to the terminal.'));
		deliver(url.searchParams);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', error => reject((error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? new UsageError(`--port ${where.port} is in use: pick another, or leave --port out for a free one`) : error));
		server.listen(where.port, '127.0.0.1', () => resolve());
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : where.port;
	const uri = where.fixed ?? `http://${where.host}:${port}${where.path}`;
	return {
		redirect: {uri, port, path: where.path},
		async code(state, signal) {
			const aborted = new Promise<never>((_resolve, reject) => {
				const stop = () => reject(new CancelledError('Sign-in cancelled'));
				if (signal.aborted) stop();
				else signal.addEventListener('abort', stop, {once: true});
			});
			const query = await Promise.race([arrived, aborted]);
			if (query.get('state') !== state) throw new UsageError('the browser came back with another sign-in\'s state: start again with `mscommerce login --browser`');
			const error = query.get('error');
			if (error) throw Object.assign(new Error(`${error}: ${query.get('error_description') ?? ''}`), {errorCode: error});
			return query.get('code') ?? '';
		},
		close: () =>
			new Promise<void>(resolve => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
