import http from 'node:http';
import net from 'node:net';
import { loadConfig, type Config } from '../../config/index.ts';

/** The loopback address test servers listen on; the allow-list opens exactly this one. */
export const SERVER_HOST = '127.0.0.2';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface TestServer {
  url(path?: string): string;
  port: number;
  close(): Promise<void>;
}

/** A real HTTP server on SERVER_HOST with an ephemeral port; sockets are tracked so close() never waits on a drip. */
export async function startServer(handler: Handler, host = SERVER_HOST, port = 0): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer({ maxHeaderSize: 4 * 1024 * 1024 }, handler);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const bound = (server.address() as net.AddressInfo).port;
  return {
    port: bound,
    url: (path = '/') => `http://${host}:${bound}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A raw TCP listener that counts connections: the SSRF sentinel and the hand-written hostile servers. */
export async function startTcpServer(
  onSocket: (socket: net.Socket) => void,
  host = SERVER_HOST,
  port = 0,
): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Fetch settings for tests: defaults plus the test server address, with shorter limits where given. */
export function testFetchConfig(overrides: Partial<Config['fetch']> = {}): Config['fetch'] {
  return loadConfig({}, { fetch: { allow: [SERVER_HOST], ...overrides } }).fetch;
}

/** A resolver that never leaves the process: unknown names fail like NXDOMAIN. */
export function fakeResolver(table: Record<string, string[]>) {
  return async (hostname: string): Promise<string[]> => {
    const found = table[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  };
}
