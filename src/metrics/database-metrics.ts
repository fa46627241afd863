import { Gauge, type Registry } from 'prom-client';
import { countArticles } from '../../db/articles.ts';
import { countCrawlRunsByStatus, countMatches, countReportsByStatus, listLatestRunPerSource, sumCaptureBytes } from '../../db/metrics-queries.ts';
import type { Db } from '../../db/open-db.ts';
import { METRIC_PREFIX, type MetricsSource } from './metrics-source.ts';

/**
 * The figures the database holds already, read at scrape time (db/metrics-queries.ts): the crawl
 * pipeline counts nothing twice and a scrape shows what `sources show` and the API would. All are
 * gauges: they describe stored state (a deleted report lowers its status' count).
 */

type RunCounter = 'pagesFetched' | 'pagesUnchanged' | 'pagesFailed' | 'pagesRemoved' | 'matchesFound';

const LAST_RUN_COUNTERS: readonly { name: string; field: RunCounter; help: string }[] = [
  { name: 'source_last_run_pages_fetched', field: 'pagesFetched', help: 'Pages fetched by the latest run of each source (removed pages included).' },
  { name: 'source_last_run_pages_unchanged', field: 'pagesUnchanged', help: 'Pages the latest run of each source found unchanged (304 or the same text).' },
  { name: 'source_last_run_pages_failed', field: 'pagesFailed', help: 'Pages the latest run of each source failed to fetch or extract.' },
  { name: 'source_last_run_pages_removed', field: 'pagesRemoved', help: 'Watch sources: pages whose 404/410 in the latest run proved a flagged copy removed.' },
  { name: 'source_last_run_matches_found', field: 'matchesFound', help: 'Matches the latest run of each source found.' },
];

export function createDatabaseMetrics(db: Db): MetricsSource {
  let gauges: ReturnType<typeof registerGauges> | undefined;
  return {
    register(registry) {
      gauges = registerGauges(registry);
    },
    async collect() {
      if (!gauges) return;
      const g = gauges;
      // Reset first: a deleted source, or a reason its latest run no longer has, leaves no stale series.
      for (const gauge of [...g.lastRun.values(), g.lastRunErrors, g.runs, g.reports]) gauge.reset();
      for (const { source, run } of await listLatestRunPerSource(db)) {
        for (const [field, gauge] of g.lastRun) gauge.set({ source }, run[field]);
        for (const [reason, n] of Object.entries(run.errors)) g.lastRunErrors.set({ source, reason }, n);
      }
      for (const { status, count } of await countCrawlRunsByStatus(db)) g.runs.set({ status }, count);
      for (const { status, count } of await countReportsByStatus(db)) g.reports.set({ status }, count);
      g.matches.set(await countMatches(db));
      g.articles.set(await countArticles(db));
      const stored = await sumCaptureBytes(db);
      g.captures.set(stored.captures);
      g.captureBodyBytes.set(stored.bodyBytes);
    },
  };
}

function registerGauges(registry: Registry) {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) => new Gauge<L>({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers: [registry] });
  return {
    lastRun: new Map(LAST_RUN_COUNTERS.map(({ name, field, help }) => [field, gauge(name, help, ['source'])] as const)),
    lastRunErrors: gauge('source_last_run_errors', 'Failures of the latest run of each source, by reason (timeout, bad_status, robots_disallowed, blocked_address, extract_failed, ...).', ['source', 'reason']),
    runs: gauge('crawl_runs', 'Crawl runs stored, by status (running, completed, failed).', ['status']),
    reports: gauge('reports', 'Reports, by status.', ['status']),
    matches: gauge('matches', 'Matches stored (one per page and owned article).'),
    articles: gauge('articles', 'Owned articles registered (archived ones included).'),
    captures: gauge('captures', 'Captures stored (one per fetch that got an answer).'),
    captureBodyBytes: gauge('capture_body_bytes', 'Bytes of the distinct response bodies captured (each body is stored once in the WARC files).'),
  };
}
