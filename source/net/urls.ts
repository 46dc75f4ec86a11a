/**
 * URLs from the user (service URLs, proxy variables), checked before anything is sent so a mistake
 * is a usage error naming the fix; and which hosts go around the proxy.
 */
import {isIP} from 'node:net';
import {UsageError} from '../problems/errors.js';

/** Whether a host name is this machine: localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost')) return true;
	if (isIP(host) === 4) return host.startsWith('127.');
	if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
	return false;
}

/**
 * A service URL the user gave (licensing URL, authority): https anywhere, http only for loopback.
 * Returns it without a trailing slash; throws a UsageError naming the option otherwise.
 */
export function checkServiceUrl(text: string, option: string): string {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new UsageError(`${option}: "${text}" is not a URL (expected https://host/...)`);
	}
	if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
		throw new UsageError(`${option}: plain http:// is only allowed for this machine (localhost); use https://`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new UsageError(`${option}: "${text}" must start with https://`);
	}
	if (url.search || url.hash) {
		throw new UsageError(`${option}: "${text}" must not have a query or fragment`);
	}
	return url.href.replace(/\/+$/, '');
}

/** `scheme://` at the start: what a proxy URL must have. */
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A proxy URL from the environment (`variable` names which: HTTPS_PROXY, http_proxy…): http:// or
 * https:// only. `proxy.corp:8080` does not fail to parse, it parses as scheme `proxy.corp:`
 * (and `10.0.0.1:8080` does fail), so a value without `scheme://` is caught first and the message
 * says what to write instead. Passwords are never repeated in a message.
 */
export function checkProxyUrl(text: string, variable: string): URL {
	if (!SCHEME.test(text)) {
		throw new UsageError(`${variable}=${redactProxy(text)} has no scheme: write ${variable}=http://${redactProxy(text)}`);
	}
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new UsageError(`${variable}: "${redactProxy(text)}" is not a URL (expected http://host:port)`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new UsageError(`${variable}: ${url.protocol.slice(0, -1)} proxies are not supported; write an http:// or https:// proxy URL`);
	}
	return url;
}

/** A proxy URL without its password, for messages. */
export function redactProxy(proxy: string): string {
	// Without a scheme, `user:password@host` would parse with `user:` as its scheme: edited as text.
	const asText = () => proxy.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?[^@/:]*:)[^@/]*@/i, '$1***@');
	if (!SCHEME.test(proxy)) return asText();
	try {
		const url = new URL(proxy);
		if (url.password) url.password = '***';
		return url.href.replace(/\/$/, '');
	} catch {
		return asText();
	}
}

/**
 * Whether a request to `url` goes around the proxy, given NO_PROXY. Entries are separated by
 * commas, spaces or semicolons (Windows writes its bypass list with `;`); an entry is `*` (every
 * host), a host and its subdomains (`example.com`, `.example.com`, `*.example.com`), optionally
 * with `:port`, a pattern with `*` anywhere (`10.*`, `192.168.1.*`, as Windows allows), or
 * `<local>` (Windows: every host name without a dot, an intranet name). Loopback always goes
 * direct: a proxy elsewhere cannot reach this machine's loopback.
 */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
	if (isLoopbackHost(url.hostname)) return true;
	if (!noProxy) return false;
	const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	const port = url.port || (url.protocol === 'https:' ? '443' : '80');
	for (const raw of noProxy.split(/[,;\s]+/)) {
		const entry = raw.trim().toLowerCase();
		if (!entry) continue;
		if (entry === '*') return true;
		if (entry === '<local>') {
			if (!host.includes('.') && !host.includes(':')) return true;
			continue;
		}
		const match = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\*?\./, '.'));
		const entryHost = match?.[1] ?? entry;
		const entryPort = match?.[2];
		if (entryPort && entryPort !== port) continue;
		const bare = entryHost.replace(/^\./, '');
		if (bare.includes('*')) {
			const pattern = new RegExp(`^${bare.split('*').map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
			if (pattern.test(host)) return true;
			continue;
		}
		if (host === bare || host.endsWith(`.${bare}`)) return true;
	}
	return false;
}
