/**
 * The parts of undici this program uses: an Agent, a ProxyAgent and the request API. Imported
 * from undici's own modules rather than its index, which also loads fetch, WebSocket, caches and
 * mocks (~1 MB, ~30 ms of every start). The version is pinned in package.json; the integration
 * tests exercise every piece against the emulator, so a change inside undici fails them at once.
 */
import AgentModule from 'undici/lib/dispatcher/agent.js';
import ProxyAgentModule from 'undici/lib/dispatcher/proxy-agent.js';
import api from 'undici/lib/api/index.js';
import DispatcherModule from 'undici/lib/dispatcher/dispatcher.js';
import type {Agent as UndiciAgent, Dispatcher, ProxyAgent as UndiciProxyAgent} from 'undici';

export type AgentOptions = UndiciAgent.Options;

export const Agent = AgentModule as typeof UndiciAgent;
export type Agent = UndiciAgent;
export const ProxyAgent = ProxyAgentModule as typeof UndiciProxyAgent;
export type ProxyAgent = UndiciProxyAgent;
export type {Dispatcher};

type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path'>;
// What undici's index does on load: the request / connect / stream API as dispatcher methods
// (ProxyAgent tunnels with its client's connect()).
Object.assign((DispatcherModule as {prototype: object}).prototype, api);
const apiRequest = (api as {request: unknown}).request as (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;

/** undici's request(url, {dispatcher, …}), on a given dispatcher. */
export async function request(dispatcher: Dispatcher, url: URL, options: RequestOptions): Promise<Dispatcher.ResponseData> {
	return apiRequest.call(dispatcher, {...options, origin: url.origin, path: `${url.pathname}${url.search}`});
}
