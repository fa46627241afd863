import type { Registry } from 'prom-client';

/** Every metric Copyhound exposes starts with this, the process metrics included. */
export const METRIC_PREFIX = 'copyhound_';

/**
 * A part of the program that exposes metrics on the server's /metrics. The database figures and
 * the HTTP counters are two; the job queue (depth, done/failed per kind, pages/s per worker) adds
 * its own the same way.
 */
export interface MetricsSource {
  /** Creates the source's metrics on the registry (names start with METRIC_PREFIX); called once. */
  register(registry: Registry): void;
  /**
   * Reads the source's current numbers into its metrics; awaited before each scrape is written,
   * so a scrape shows the state at that moment. Sources that count as things happen need none.
   */
  collect?(): void | Promise<void>;
}
