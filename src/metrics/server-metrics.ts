import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Db } from '../../db/open-db.ts';
import { createDatabaseMetrics } from './database-metrics.ts';
import { createHttpMetrics } from './http-metrics.ts';
import { METRIC_PREFIX, type MetricsSource } from './metrics-source.ts';
import type { RoutePattern } from './route-patterns.ts';

export type { MetricsSource } from './metrics-source.ts';
export type { RoutePattern } from './route-patterns.ts';

/**
 * One server's metrics, in the Prometheus text format: a registry of its own (never prom-client's
 * global one, so two servers in one process, as in the tests, never share or clash), the process
 * metrics prom-client collects (prefixed), the database figures and the HTTP counters.
 */
export interface ServerMetrics {
  registry: Registry;
  /** Adds a part of the program's metrics (the job queue, later): registered now, collected at each scrape. */
  addSource(source: MetricsSource): void;
  /** Middleware counting every request by route pattern; mount it before the routers. */
  recordRequests: RequestHandler;
  /** GET /metrics: collects every source, then answers the text format. */
  answerScrape: RequestHandler;
}

export interface ServerMetricsOptions {
  db: Db;
  /** The routes the server registered (method and express path): the only route labels HTTP metrics use. */
  routes: () => readonly RoutePattern[];
}

export function createServerMetrics(options: ServerMetricsOptions): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const sources: MetricsSource[] = [];
  const addSource = (source: MetricsSource) => {
    source.register(registry);
    sources.push(source);
  };
  const http = createHttpMetrics(options.routes);
  addSource(http);
  addSource(createDatabaseMetrics(options.db));
  return {
    registry,
    addSource,
    recordRequests: http.recordRequests,
    async answerScrape(_req, res) {
      for (const source of sources) await source.collect?.();
      const body = await registry.metrics();
      res.set('content-type', registry.contentType).set('cache-control', 'no-store').send(body);
    },
  };
}
