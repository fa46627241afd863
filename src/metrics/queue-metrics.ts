import { Gauge, type Registry } from 'prom-client';
import { METRIC_PREFIX, type MetricsSource } from './metrics-source.ts';

/** What the queue metrics read: the job counts per kind and state (src/queue/crawl-queue.ts). */
export interface QueueCounts {
  countJobs(): Promise<Record<string, { queued: number; active: number; completed: number; failed: number }>>;
}

/**
 * The crawl job queue at each scrape: jobs per kind and state (queued is the queue depth;
 * completed and failed grow until pg-boss archives them). Read from PostgreSQL at scrape time,
 * so every server and worker reports the same figures.
 */
export function createQueueMetrics(queue: QueueCounts): MetricsSource {
  let jobs: Gauge<'kind' | 'state'> | undefined;
  return {
    register(registry: Registry) {
      jobs = new Gauge({ name: `${METRIC_PREFIX}queue_jobs`, help: 'Crawl jobs in the queue by kind (source-run, page-fetch) and state (queued, active, completed, failed).', labelNames: ['kind', 'state'], registers: [registry] });
    },
    async collect() {
      const counts = await queue.countJobs();
      for (const [kind, byState] of Object.entries(counts)) {
        for (const [state, n] of Object.entries(byState)) jobs?.set({ kind, state }, n);
      }
    },
  };
}
