import type { RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX, type MetricsSource } from './metrics-source.ts';
import { createRouteMatcher, type RoutePattern } from './route-patterns.ts';

// Prometheus' default buckets plus 30 s: evidence exports and report exports run that long.
const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LABELS = ['method', 'route', 'status'] as const;

export interface HttpMetrics extends MetricsSource {
  /** Counts every answered request and its duration, by method, route pattern and status. */
  recordRequests: RequestHandler;
}

/**
 * HTTP requests by route pattern (src/metrics/route-patterns.ts), method and status. A request
 * the client abandons before the answer is complete is not counted (no status to count it under).
 */
export function createHttpMetrics(routes: () => readonly RoutePattern[]): HttpMetrics {
  const routeOf = createRouteMatcher(routes);
  let requests: Counter<(typeof LABELS)[number]> | undefined;
  let durations: Histogram<(typeof LABELS)[number]> | undefined;
  return {
    register(registry: Registry) {
      requests = new Counter({ name: `${METRIC_PREFIX}http_requests_total`, help: 'HTTP requests answered, by method, route pattern and status.', labelNames: LABELS, registers: [registry] });
      durations = new Histogram({
        name: `${METRIC_PREFIX}http_request_duration_seconds`,
        help: 'Time from a request reaching the server to the last byte of its answer, by method, route pattern and status.',
        labelNames: LABELS,
        buckets: DURATION_BUCKETS_SECONDS,
        registers: [registry],
      });
    },
    recordRequests(req, res, next) {
      const started = process.hrtime.bigint();
      // Read now: routers rewrite req.url while they handle the request.
      const path = req.path;
      res.once('finish', () => {
        const labels = { method: req.method, route: routeOf(req.method, path), status: String(res.statusCode) };
        requests?.inc(labels);
        durations?.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    },
  };
}
