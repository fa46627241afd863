import { ExtractionError } from '../errors.ts';
import { extractArticle, type ExtractedArticle, type ExtractOptions } from './extract-article.ts';

/** What the pool sends a worker: the page and how to read it. */
export interface ExtractTask {
  html: string;
  options: ExtractOptions;
  /** Shared flag set to 1 when the worker begins: the time budget counts from then, not from the queue. */
  started: Int32Array;
}

/** The worker's answer: the article, or the failure as plain data (class instances do not cross threads). */
export type ExtractTaskResult = { ok: true; article: ExtractedArticle } | { ok: false; reason: ExtractionError['reason']; message: string };

export function runExtractTask(task: ExtractTask): ExtractTaskResult {
  Atomics.store(task.started, 0, 1);
  Atomics.notify(task.started, 0);
  try {
    return { ok: true, article: extractArticle(task.html, task.options) };
  } catch (error) {
    if (error instanceof ExtractionError) return { ok: false, reason: error.reason, message: error.message };
    return { ok: false, reason: 'extract_failed', message: (error as Error)?.message ?? String(error) };
  }
}
