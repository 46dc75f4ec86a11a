// undici's own modules (see undici.ts); their types are those of undici's index exports.
declare module 'undici/lib/dispatcher/agent.js' {
	const Agent: unknown;
	export default Agent;
}
declare module 'undici/lib/dispatcher/proxy-agent.js' {
	const ProxyAgent: unknown;
	export default ProxyAgent;
}
declare module 'undici/lib/api/index.js' {
	const api: Record<string, unknown>;
	export default api;
}
declare module 'undici/lib/dispatcher/dispatcher.js' {
	const Dispatcher: unknown;
	export default Dispatcher;
}
