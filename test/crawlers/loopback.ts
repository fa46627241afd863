/**
 * Test helpers: a real HTTP server on 127.0.0.1 (ephemeral port) with scripted routes and a
 * request log, and a FetchText built on Node's own fetch (undici) for the crawler modules.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import type { FetchText } from '../../crawlers/types.ts';
import { FetchError } from '../../src/errors.ts';

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Hold the answer this long (ms), to observe concurrency. */
  delayMs?: number;
}

export type Route = Reply | ((req: IncomingMessage, hit: number) => Reply | Promise<Reply>);

export interface LoggedRequest {
  path: string;
  host: string;
  userAgent: string;
  startedAt: number;
  endedAt: number;
}

export interface Loopback {
  origin: string;
  port: number;
  log: LoggedRequest[];
  routes: Map<string, Route>;
  hits: (path: string) => number;
  close: () => Promise<void>;
}

export async function startLoopback(routes: Record<string, Route> = {}): Promise<Loopback> {
  const table = new Map<string, Route>(Object.entries(routes));
  const log: LoggedRequest[] = [];
  const counts = new Map<string, number>();
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const startedAt = performance.timeOrigin + performance.now();
    const path = req.url ?? '/';
    const hit = (counts.get(path) ?? 0) + 1;
    counts.set(path, hit);
    const route = table.get(path);
    const reply: Reply = route === undefined ? { status: 404, body: 'not found' } : typeof route === 'function' ? await route(req, hit) : route;
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    res.writeHead(reply.status ?? 200, reply.headers ?? { 'content-type': 'text/plain' });
    res.end(reply.body ?? '');
    log.push({ path, host: req.headers.host ?? '', userAgent: String(req.headers['user-agent'] ?? ''), startedAt, endedAt: performance.timeOrigin + performance.now() });
  };
  const server: Server = createServer((req, res) => {
    handler(req, res).catch((e) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    log,
    routes: table,
    hits: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Same redirect budget as src/fetch and RFC 9309 §2.3.1.2.
const MAX_REDIRECTS = 5;

/**
 * FetchText over Node's fetch: follows up to 5 redirects (then throws FetchError
 * too_many_redirects, as src/fetch does), resolves for every status, returns raw bytes too.
 */
export const loopbackFetch: FetchText = async (url, init) => {
  let current = url;
  for (let hop = 0; ; hop++) {
    const res = await fetch(current, { headers: init?.headers, signal: init?.signal, redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.arrayBuffer();
      if (hop >= MAX_REDIRECTS) throw new FetchError('too_many_redirects', url, `More than ${MAX_REDIRECTS} redirects`);
      current = new URL(location, current).href;
      continue;
    }
    const body = new Uint8Array(await res.arrayBuffer());
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return { status: res.status, headers, body, text: new TextDecoder().decode(body), finalUrl: current };
  }
};

/** A fetcher in the style that throws FetchError for non-2xx answers instead of resolving. */
export const throwingFetch: FetchText = async (url, init) => {
  const res = await loopbackFetch(url, init);
  if (res.status < 200 || res.status > 299) throw new FetchError('bad_status', url, `HTTP ${res.status}`, { status: res.status });
  return res;
};

/** A `serve(routes)` for a test file: each server it starts is closed after the test that started it. */
export function useLoopbackServers(): (routes?: Record<string, Route>) => Promise<Loopback> {
  let servers: Loopback[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });
  return async (routes) => {
    const s = await startLoopback(routes);
    servers.push(s);
    return s;
  };
}
