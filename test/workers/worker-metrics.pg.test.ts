import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkersSite, type WorkersSite } from '../fixtures/workers-site.ts';
import { parsePrometheusText } from '../metrics/prometheus-text.ts';
import { usePgTestDb } from '../helpers/pg-test-db.ts';
import { CLI_PATH } from '../helpers/run-cli.ts';
import { buildWorkersEnv, enqueueRuns, prepareWorkersInstallation, waitForRuns, type WorkersCrawlSettings } from '../helpers/workers-crawl.ts';

/**
 * `copyhound worker --metrics-port 0` serves its own /metrics on 127.0.0.1: a real worker process
 * crawls a small loopback site from the queue, and a real scrape shows the pages it did under
 * its worker id (hostname:pid) and its pages/s over the last minute.
 */

const makeDb = usePgTestDb();
let child: ChildProcess | undefined;
let site: WorkersSite | undefined;
let dir: string | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
  await site?.close();
  site = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Starts the worker; answers its metrics URL and worker id once it says it is ready. */
function startMetricsWorker(settings: WorkersCrawlSettings): Promise<{ url: string; worker: string; output: () => string }> {
  const started = spawn(process.execPath, [CLI_PATH, 'worker', '--concurrency', '4', '--metrics-port', '0'], { env: { ...process.env, ...buildWorkersEnv(settings) }, stdio: ['ignore', 'pipe', 'pipe'] });
  child = started;
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready in 60 s: ${out}`)), 60_000);
    started.stdout!.on('data', (d) => {
      out += d;
      const found = /^worker metrics: (\S+) \(worker="([^"]+)"\)$/m.exec(out);
      if (found && out.includes('worker ready')) {
        clearTimeout(timer);
        resolve({ url: found[1], worker: found[2], output: () => out });
      }
    });
    started.stderr!.on('data', (d) => (out += d));
    started.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}: ${out}`));
    });
  });
}

describe('copyhound worker --metrics-port', () => {
  it('serves the pages this worker did, per worker id, on 127.0.0.1', async () => {
    const db = await makeDb();
    site = await startWorkersSite({ hosts: 2, pagesPerHost: 8, delayMs: 5 });
    dir = mkdtempSync(join(tmpdir(), 'copyhound-worker-metrics-'));
    const settings: WorkersCrawlSettings = { url: db.url, dataDir: join(dir, 'data'), hostDelayMs: 0 };
    const sources = await prepareWorkersInstallation(settings, site);
    const worker = await startMetricsWorker(settings);
    expect(worker.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(worker.worker).toBe(`${(await import('node:os')).hostname()}:${child!.pid}`);

    const read = async () => {
      const res = await fetch(worker.url);
      expect(res.status).toBe(200);
      const { samples } = parsePrometheusText(await res.text());
      const pick = (name: string, labels: Record<string, string>) => samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
      return {
        done: pick('copyhound_worker_pages_total', { worker: worker.worker, result: 'done' }),
        failed: pick('copyhound_worker_pages_total', { worker: worker.worker, result: 'failed' }),
        perSecond: pick('copyhound_worker_pages_per_second', { worker: worker.worker }),
      };
    };
    expect(await read()).toEqual({ done: 0, failed: 0, perSecond: 0 });

    await enqueueRuns(settings, `${db.schema}_jobs`, sources);
    await waitForRuns(db.url, sources.length, 60_000, 200);
    const pages = site.pageUrls().length;
    // The run ends in its last page's transaction; the job is counted a moment later, as it returns.
    let figures = await read();
    for (let i = 0; i < 50 && figures.done !== pages; i++) {
      await new Promise((r) => setTimeout(r, 100));
      figures = await read();
    }
    expect(figures.done).toBe(pages);
    expect(figures.failed).toBe(0);
    // Every page within the last minute, unless a loaded machine took longer than that.
    expect(figures.perSecond).toBeGreaterThan(0);
    expect(figures.perSecond).toBeLessThanOrEqual(pages / 60 + 1e-9);
  }, 120_000);
});
