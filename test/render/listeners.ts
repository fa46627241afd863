import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';

/** A loopback listener that counts every connection made to it (and HTTP requests, if HTTP). */
export interface CountingListener {
  port: number;
  connections(): number;
  requests(): string[];
  close(): Promise<void>;
}

/** An HTTP server that answers everything with a red page/image, so a leak would also show. */
export async function startSentinelHttp(): Promise<CountingListener> {
  const seen: string[] = [];
  const server = createHttpServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    response.writeHead(200, { 'content-type': 'image/svg+xml' });
    response.end('<svg xmlns="http://www.w3.org/2000/svg" width="50" height="50"><rect width="50" height="50" fill="red"/></svg>');
  });
  return listenCounting(server, seen);
}

/** A raw TCP listener: counts connections of any protocol and hangs up. */
export async function startRawListener(host = '127.0.0.1'): Promise<CountingListener> {
  const server = createTcpServer((socket) => {
    socket.on('error', () => {});
    socket.destroy();
  });
  return listenCounting(server, [], host);
}

async function listenCounting(server: HttpServer | TcpServer, seen: string[], host = '127.0.0.1'): Promise<CountingListener> {
  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    connections: () => connections,
    requests: () => [...seen],
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
