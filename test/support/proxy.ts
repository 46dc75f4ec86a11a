/** A CONNECT proxy on loopback for tests: answers `status`, and on 200 tunnels to 127.0.0.1:tunnelPort. */
import {createServer, type Server} from 'node:http';
import {connect as netConnect, type AddressInfo} from 'node:net';
import {after} from 'node:test';

export async function startProxy(status: () => number, tunnelPort?: number): Promise<{url: string; connects: string[]; server: Server}> {
	const connects: string[] = [];
	const server = createServer((_req, res) => res.writeHead(405).end());
	server.on('connect', (req, socket) => {
		connects.push(req.url ?? '');
		const code = status();
		if (code !== 200 || tunnelPort === undefined) {
			socket.end(`HTTP/1.1 ${code} ${code === 407 ? 'Proxy Authentication Required' : 'Refused'}\r\nProxy-Authenticate: Basic realm="proxy"\r\nContent-Length: 0\r\n\r\n`);
			return;
		}
		const upstream = netConnect(tunnelPort, '127.0.0.1', () => {
			socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			upstream.pipe(socket);
			socket.pipe(upstream);
		});
		upstream.on('error', () => socket.destroy());
		socket.on('error', () => upstream.destroy());
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	after(async () => {
		server.closeAllConnections();
		await new Promise(resolve => server.close(resolve));
	});
	return {url: `http://127.0.0.1:${port}`, connects, server};
}
