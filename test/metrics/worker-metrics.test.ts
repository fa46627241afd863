import { afterEach, describe, expect, it } from 'vitest';
import { startMetricsEndpoint, type MetricsEndpoint } from '../../src/metrics/metrics-endpoint.ts';
import { createWorkerMetrics } from '../../src/metrics/worker-metrics.ts';
import { parsePrometheusText } from './prometheus-text.ts';

/**
 * A worker's own /metrics (`copyhound worker --metrics-port`): pages done per worker as a counter
 * and the last minute's pages/s, scraped over real HTTP on 127.0.0.1. The worker process itself is
 * scraped in test/workers/worker-metrics.pg.test.ts.
 */

let endpoint: MetricsEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

async function scrape(url: string) {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  return { text, ...parsePrometheusText(text) };
}

describe('worker metrics endpoint', () => {
  it('counts pages per worker, with the PromQL rate in the help, and the last minute as pages/s', async () => {
    let clock = Date.parse('2026-12-02T03:00:00.000Z');
    const metrics = createWorkerMetrics({ workerId: 'host-a:4242', now: () => clock });
    endpoint = await startMetricsEndpoint({ port: 0, sources: [metrics] });
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    const before = await scrape(endpoint.url);
    expect(before.types.get('copyhound_worker_pages_total')).toBe('counter');
    expect(before.types.get('copyhound_worker_pages_per_second')).toBe('gauge');
    // Both series exist before the first page, so rate() has a starting point.
    const value = (samples: typeof before.samples, name: string, labels: Record<string, string>) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value(before.samples, 'copyhound_worker_pages_total', { worker: 'host-a:4242', result: 'done' })).toBe(0);
    expect(value(before.samples, 'copyhound_worker_pages_total', { worker: 'host-a:4242', result: 'failed' })).toBe(0);
    expect(before.text).toContain('# HELP copyhound_worker_pages_total');
    expect(before.text).toMatch(/rate\(copyhound_worker_pages_total\{result="done"\}\[1m\]\)/);
    // The process metrics of the worker come with it.
    expect(before.samples.some((s) => s.name === 'copyhound_process_resident_memory_bytes')).toBe(true);

    // 90 pages over 30 s, then 2 failures.
    for (let i = 0; i < 90; i++) {
      metrics.recordPage('done');
      if (i % 3 === 2) clock += 1000;
    }
    metrics.recordPage('failed');
    metrics.recordPage('failed');
    const during = await scrape(endpoint.url);
    expect(value(during.samples, 'copyhound_worker_pages_total', { worker: 'host-a:4242', result: 'done' })).toBe(90);
    expect(value(during.samples, 'copyhound_worker_pages_total', { worker: 'host-a:4242', result: 'failed' })).toBe(2);
    expect(value(during.samples, 'copyhound_worker_pages_per_second', { worker: 'host-a:4242' })).toBeCloseTo(90 / 60, 5);

    // The pages came in seconds 0 to 29 and the clock is at 30: 44 s on (second 74), seconds 0 to
    // 14 have left the minute, half of the pages. After 2 more minutes none is left; the counter stays.
    clock += 44_000;
    expect(value((await scrape(endpoint.url)).samples, 'copyhound_worker_pages_per_second', { worker: 'host-a:4242' })).toBeCloseTo(45 / 60, 5);
    clock += 120_000;
    const after = await scrape(endpoint.url);
    expect(value(after.samples, 'copyhound_worker_pages_per_second', { worker: 'host-a:4242' })).toBe(0);
    expect(value(after.samples, 'copyhound_worker_pages_total', { worker: 'host-a:4242', result: 'done' })).toBe(90);
  });

  it('serves /metrics only, to GET and HEAD', async () => {
    endpoint = await startMetricsEndpoint({ port: 0, sources: [createWorkerMetrics()] });
    const origin = new URL(endpoint.url).origin;
    expect((await fetch(`${origin}/`)).status).toBe(404);
    expect((await fetch(`${origin}/api/reports`)).status).toBe(404);
    expect((await fetch(endpoint.url, { method: 'POST' })).status).toBe(405);
    const head = await fetch(endpoint.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    // The default id is hostname:pid.
    expect((await scrape(endpoint.url)).text).toContain(`worker="${(await import('node:os')).hostname()}:${process.pid}"`);
  });
});
