import { Piscina } from 'piscina';
import type { Config } from '../../config/index.ts';
import { ExtractionError } from '../errors.ts';
import type { ExtractedArticle } from '../extract/extract-article.ts';
import type { MatchResult, OwnedText, PageFingerprints } from '../match/index.ts';
import type { PageTask, PageTaskEnvelope, PageTaskResult } from './page-task.ts';

/**
 * A page's CPU work off the event loop. Parsing and walking a page is pure CPU: on the main thread
 * one hostile page froze the HTTP server and the crawl lease heartbeats. Here each task runs in a
 * worker thread with a time budget; a task that outlives it has its worker terminated (piscina
 * aborts a running task by ending its thread) and fails with extract_timeout.
 */
export interface PagePool {
  extract(html: string, options: { url?: string; signal?: AbortSignal }): Promise<ExtractedArticle>;
  /** The page text's fingerprints (for a large page: the index lookup stays on the caller's thread). */
  fingerprint(text: string, config: Config['match'], signal?: AbortSignal): Promise<PageFingerprints | null>;
  /** Candidates verified word by word against the page text. */
  verify(text: string, articles: OwnedText[], config: Config['match'], signal?: AbortSignal): Promise<MatchResult[]>;
  close(): Promise<void>;
}

type ExtractSettings = Config['extract'];

/** Idle workers are ended after this long, so a CLI run or an idle server holds no threads. */
const IDLE_TIMEOUT_MS = 30_000;
/** Any long interval: the timer only holds the event loop open while pages are being worked on. */
const KEEP_ALIVE_INTERVAL_MS = 60_000;

/** Atomics.waitAsync (Node 16+; not in this TypeScript lib): resolves once `flag[0]` leaves 0. */
function waitForChange(flag: Int32Array): Promise<unknown> | string {
  const atomics = Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { value: Promise<unknown> | string } };
  return atomics.waitAsync(flag, 0, 0).value;
}

export function createPagePool(settings: ExtractSettings): PagePool {
  // What the extractor itself reads; the pool's own settings stay here.
  const { maxHtmlBytes: _max, workers: _w, timeoutMs: _t, workerMemoryMb: _m, ...extractTuning } = settings;
  let pool: Piscina<PageTaskEnvelope, PageTaskResult> | undefined;
  const getPool = () =>
    (pool ??= new Piscina<PageTaskEnvelope, PageTaskResult>({
      filename: new URL('./page-worker.mjs', import.meta.url).href,
      minThreads: 0,
      maxThreads: settings.workers,
      idleTimeout: IDLE_TIMEOUT_MS,
      resourceLimits: { maxOldGenerationSizeMb: settings.workerMemoryMb },
    }));

  // piscina refs a worker only once a task is posted to it: while a new worker is still starting,
  // nothing would keep a CLI process alive (it exited with Node's 13, "unsettled top-level await").
  let inFlight = 0;
  let keepAlive: NodeJS.Timeout | undefined;
  const hold = () => {
    if (inFlight++ === 0) keepAlive = setInterval(() => {}, KEEP_ALIVE_INTERVAL_MS);
  };
  const release = () => {
    if (--inFlight === 0) clearInterval(keepAlive);
  };

  async function run(task: PageTask, url: string | undefined, signal: AbortSignal | undefined): Promise<PageTaskResult & { ok: true }> {
    const started = new Int32Array(new SharedArrayBuffer(4));
    const abort = new AbortController();
    let timedOut = false;
    let budget: NodeJS.Timeout | undefined;
    // The budget starts when a worker picks the task up: time queued behind other pages, or a
    // new worker's start-up, is not the page's fault.
    void Promise.resolve(waitForChange(started)).then(() => {
      if (Atomics.load(started, 0) !== 1) return;
      budget = setTimeout(() => {
        timedOut = true;
        abort.abort();
      }, settings.timeoutMs);
    });
    let result: PageTaskResult;
    hold();
    try {
      result = await getPool().run({ task, started }, { signal: signal ? AbortSignal.any([abort.signal, signal]) : abort.signal });
    } catch (error) {
      if (timedOut) {
        throw new ExtractionError('extract_timeout', `Page processing did not finish within ${settings.timeoutMs} ms (COPYHOUND_EXTRACT_TIMEOUT_MS)`, { url, step: task.kind });
      }
      if (signal?.aborted) throw error;
      // A worker that died (out of memory, a crash) is a failure of this page, with its cause.
      throw new ExtractionError('extract_failed', `Page worker failed: ${(error as Error)?.message ?? String(error)}`, { url, step: task.kind });
    } finally {
      release();
      clearTimeout(budget);
      // Releases the start waiter of a task that never started (aborted while queued).
      Atomics.store(started, 0, 2);
      Atomics.notify(started, 0);
    }
    if (!result.ok) throw new ExtractionError(result.reason, result.message, { url, step: task.kind });
    return result;
  }

  return {
    async extract(html, { url, signal }) {
      const bytes = Buffer.byteLength(html, 'utf8');
      if (bytes > settings.maxHtmlBytes) {
        throw new ExtractionError('extract_too_large', `The page has ${bytes} bytes of HTML, more than the ${settings.maxHtmlBytes} extracted (COPYHOUND_EXTRACT_MAX_HTML_BYTES)`, { url, bytes });
      }
      const result = await run({ kind: 'extract', html, options: { url, config: extractTuning } }, url, signal);
      return (result as { article: ExtractedArticle }).article;
    },
    async fingerprint(text, config, signal) {
      const result = await run({ kind: 'fingerprint', text, config }, undefined, signal);
      return (result as { fingerprints: PageFingerprints | null }).fingerprints;
    },
    async verify(text, articles, config, signal) {
      const result = await run({ kind: 'verify', text, articles, config }, undefined, signal);
      return (result as { matches: MatchResult[] }).matches;
    },
    async close() {
      const running = pool;
      pool = undefined;
      await running?.destroy();
    },
  };
}
