import { Command, InvalidArgumentError } from 'commander';
import { startCrawlWorkers } from '../../../crawlers/crawl-workers.ts';
import { openApp } from '../../app.ts';
import { DEFAULT_METRICS_HOST, startMetricsEndpoint, type MetricsEndpoint } from '../../metrics/metrics-endpoint.ts';
import { createWorkerMetrics } from '../../metrics/worker-metrics.ts';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { waitForStopSignal } from '../stop-signal.ts';
import { buildConfig, createCliLogger, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';

// A worker's log is its record of the pages it did, like the server's.
const WORKER_LOG_LEVEL = 'info';
const MAX_CONCURRENCY = 256;

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_CONCURRENCY}`);
  return n;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('must be a port number from 0 to 65535 (0: any free port)');
  return n;
}

export function createWorkerCommand(io: CliIo, globals: () => GlobalOptions): Command {
  return new Command('worker')
    .description(COMMAND_DESCRIPTIONS.worker)
    .option('--concurrency <n>', 'pages this worker fetches at once (env COPYHOUND_WORKER_CONCURRENCY, default 8)', parseConcurrency)
    .option('--metrics-port <port>', 'serve this worker\'s Prometheus metrics (pages/s, process) at http://HOST:PORT/metrics; 0 picks a free port', parsePort)
    .option('--metrics-host <address>', 'address the metrics listen on (no authentication: keep it on loopback or a private network)', DEFAULT_METRICS_HOST)
    .action(async (options: { concurrency?: number; metricsPort?: number; metricsHost: string }) => {
      const config = buildConfig(io, globals(), {}, WORKER_LOG_LEVEL);
      const logger = createCliLogger(io, config);
      const app = await openApp(config, logger);
      let endpoint: MetricsEndpoint | undefined;
      try {
        const concurrency = options.concurrency ?? config.queue.concurrency;
        const signalled = waitForStopSignal();
        const metrics = options.metricsPort === undefined ? undefined : createWorkerMetrics();
        if (metrics) {
          endpoint = await startMetricsEndpoint({ port: options.metricsPort!, host: options.metricsHost, sources: [metrics] });
          writeLine(io.stdout, `worker metrics: ${endpoint.url} (worker="${metrics.workerId}")`);
        }
        const workers = await startCrawlWorkers(app, { concurrency, ...(metrics ? { onPageJob: (result) => metrics.recordPage(result) } : {}) });
        // Built once at start and kept current by each check (it re-reads what changed).
        await app.getOwnedIndex();
        writeLine(io.stdout, `worker ready: ${concurrency} page job(s) at once, queue ${config.queue.schema || `${app.database.pgSchema}_jobs`} (pid ${process.pid})`);
        const signal = await signalled;
        logger.info({ signal }, 'worker stopping: running pages finish or go back to the queue');
        await workers.stop();
      } finally {
        await endpoint?.close();
        await app.close();
      }
    });
}
