import { Piscina } from 'piscina';
import type { Config } from '../../config/index.ts';
import { ExtractionError } from '../errors.ts';
import type { ExtractedArticle } from './extract-article.ts';
import type { ExtractTask, ExtractTaskResult } from './extract-task.ts';

/**
 * Extraction off the event loop. Parsing and walking a page is pure CPU: on the main thread one
 * hostile page froze the HTTP server and the crawl lease heartbeats. Here each page runs in a
 * worker thread with a time budget; a page that outlives it has its worker terminated (piscina
 * aborts a running task by ending its thread) and fails with extract_timeout.
 */
export interface ExtractPool {
  extract(html: string, options: { url?: string; signal?: AbortSignal }): Promise<ExtractedArticle>;
  close(): Promise<void>;
}

type ExtractSettings = Config['extract'];

/** Idle workers are ended after this long, so a CLI run or an idle server holds no threads. */
const IDLE_TIMEOUT_MS = 30_000;

export function createExtractPool(settings: ExtractSettings): ExtractPool {
  let pool: Piscina<ExtractTask, ExtractTaskResult> | undefined;
  const getPool = () =>
    (pool ??= new Piscina<ExtractTask, ExtractTaskResult>({
      filename: new URL('./extract-worker.mjs', import.meta.url).href,
      minThreads: 0,
      maxThreads: settings.workers,
      idleTimeout: IDLE_TIMEOUT_MS,
      resourceLimits: { maxOldGenerationSizeMb: settings.workerMemoryMb },
    }));

  return {
    async extract(html, { url, signal }) {
      const bytes = Buffer.byteLength(html, 'utf8');
      if (bytes > settings.maxHtmlBytes) {
        throw new ExtractionError('extract_too_large', `The page has ${bytes} bytes of HTML, more than the ${settings.maxHtmlBytes} extracted (COPYHOUND_EXTRACT_MAX_HTML_BYTES)`, { url, bytes });
      }
      const budget = AbortSignal.timeout(settings.timeoutMs);
      const abort = signal ? AbortSignal.any([budget, signal]) : budget;
      const { maxHtmlBytes: _max, workers: _w, timeoutMs: _t, workerMemoryMb: _m, ...config } = settings;
      let result: ExtractTaskResult;
      try {
        result = await getPool().run({ html, options: { url, config } }, { signal: abort });
      } catch (error) {
        if (budget.aborted) {
          throw new ExtractionError('extract_timeout', `Extraction did not finish within ${settings.timeoutMs} ms (COPYHOUND_EXTRACT_TIMEOUT_MS)`, { url });
        }
        if (signal?.aborted) throw error;
        // A worker that died (out of memory, a crash) is a failure of this page, with its cause.
        throw new ExtractionError('extract_failed', `Extraction worker failed: ${(error as Error)?.message ?? String(error)}`, { url });
      }
      if (!result.ok) throw new ExtractionError(result.reason, result.message, { url });
      return result.article;
    },
    async close() {
      const running = pool;
      pool = undefined;
      await running?.destroy();
    },
  };
}
