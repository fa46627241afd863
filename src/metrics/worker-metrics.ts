import { hostname } from 'node:os';
import { Counter, Gauge, type Registry } from 'prom-client';
import { METRIC_PREFIX, type MetricsSource } from './metrics-source.ts';

/**
 * A `copyhound worker` process's own throughput, on its own /metrics (src/metrics/metrics-endpoint.ts):
 * page jobs it finished, as a counter Prometheus takes rates of, and the last minute's pages/s as
 * a gauge for a glance without PromQL. Every series carries the worker's id, so the workers of a
 * machine (or of a Prometheus job scraping them all) stay apart when summed or compared.
 */

export type PageResult = 'done' | 'failed';

export interface WorkerMetrics extends MetricsSource {
  workerId: string;
  /** One page job finished: done (the page is stored, or needed nothing) or failed (the job threw; the queue retries it). */
  recordPage(result: PageResult): void;
}

/** The last minute: the gauge's window, in one-second slots. */
const WINDOW_SECONDS = 60;

/** hostname:pid, the worker's id in its metrics and logs. */
export function readWorkerId(): string {
  return `${hostname()}:${process.pid}`;
}

export function createWorkerMetrics(options: { workerId?: string; now?: () => number } = {}): WorkerMetrics {
  const workerId = options.workerId ?? readWorkerId();
  const now = options.now ?? Date.now;
  let pages: Counter<'worker' | 'result'> | undefined;
  let perSecond: Gauge<'worker'> | undefined;
  // Pages done per second over the window: slot i holds second `seconds[i]`'s count.
  const counts = new Array<number>(WINDOW_SECONDS).fill(0);
  const seconds = new Array<number>(WINDOW_SECONDS).fill(-1);

  return {
    workerId,
    register(registry: Registry) {
      pages = new Counter({
        name: `${METRIC_PREFIX}worker_pages_total`,
        help:
          'Page jobs this worker process finished, by result: done (page stored, or nothing left to do for it) or failed (the job threw and goes back to the queue). ' +
          'Pages/s per worker: sum by (worker) (rate(copyhound_worker_pages_total{result="done"}[1m])); all workers: sum(rate(copyhound_worker_pages_total{result="done"}[1m])).',
        labelNames: ['worker', 'result'],
        registers: [registry],
      });
      // Both series from the start, so rate() has a first sample before the first page.
      for (const result of ['done', 'failed'] as const) pages.inc({ worker: workerId, result }, 0);
      perSecond = new Gauge({
        name: `${METRIC_PREFIX}worker_pages_per_second`,
        help: 'Pages this worker process finished (done) in the last 60 s, divided by 60. For graphs and alerts prefer rate(copyhound_worker_pages_total{result="done"}[1m]).',
        labelNames: ['worker'],
        registers: [registry],
      });
    },
    recordPage(result) {
      pages?.inc({ worker: workerId, result });
      if (result !== 'done') return;
      const second = Math.floor(now() / 1000);
      const slot = second % WINDOW_SECONDS;
      if (seconds[slot] !== second) {
        seconds[slot] = second;
        counts[slot] = 0;
      }
      counts[slot]++;
    },
    collect() {
      const second = Math.floor(now() / 1000);
      let done = 0;
      for (let i = 0; i < WINDOW_SECONDS; i++) if (seconds[i] > second - WINDOW_SECONDS) done += counts[i];
      perSecond?.set({ worker: workerId }, done / WINDOW_SECONDS);
    },
  };
}
