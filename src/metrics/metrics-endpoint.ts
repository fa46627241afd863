import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { METRIC_PREFIX, type MetricsSource } from './metrics-source.ts';

/**
 * /metrics for a process without the web server (`copyhound worker --metrics-port N`): the
 * Prometheus text of its own registry, the process metrics (prefixed) and the given sources.
 * Nothing else is served, and nobody is authenticated: it listens on 127.0.0.1 unless told
 * otherwise, for a Prometheus (or an agent) on the same machine. The figures are counts and
 * process statistics, no data from the registry or the crawl.
 */
export interface MetricsEndpoint {
  /** http://HOST:PORT/metrics, with the port actually bound (port 0 picks a free one). */
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_METRICS_HOST = '127.0.0.1';

export async function startMetricsEndpoint(options: { port: number; host?: string; sources: readonly MetricsSource[] }): Promise<MetricsEndpoint> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  for (const source of options.sources) source.register(registry);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: this port serves /metrics only\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    void (async () => {
      for (const source of options.sources) await source.collect?.();
      return await registry.metrics();
    })().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`collecting metrics failed: ${(error as Error).message}\n`),
    );
  });
  const host = options.host ?? DEFAULT_METRICS_HOST;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/metrics`,
    async close() {
      // Scrapes are short; a keep-alive connection of a scraper must not hold the stop up.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
