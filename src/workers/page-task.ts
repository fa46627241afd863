import type { Config } from '../../config/index.ts';
import { ExtractionError } from '../errors.ts';
import { extractArticle, type ExtractedArticle, type ExtractOptions } from '../extract/extract-article.ts';
import { fingerprintPageText, verifyCandidates, type MatchResult, type OwnedText, type PageFingerprints } from '../match/index.ts';

/**
 * The CPU-heavy steps of one page that run in a worker thread: extraction, and for large pages the
 * two pure halves of matching (fingerprinting the page; verifying candidates word by word). Only
 * the index lookup between them needs the owned-article index, which lives on the main thread.
 */
export type PageTask =
  | { kind: 'extract'; html: string; options: ExtractOptions }
  | { kind: 'fingerprint'; text: string; config: Config['match'] }
  | { kind: 'verify'; text: string; articles: OwnedText[]; config: Config['match'] };

/** Shared flag set to 1 when the worker begins: the time budget counts from then, not from the queue. */
export interface PageTaskEnvelope {
  task: PageTask;
  started: Int32Array;
}

/** The worker's answer, as plain data (class instances do not cross threads). */
export type PageTaskResult =
  | { ok: true; article: ExtractedArticle }
  | { ok: true; fingerprints: PageFingerprints | null }
  | { ok: true; matches: MatchResult[] }
  | { ok: false; reason: ExtractionError['reason']; message: string };

export function runPageTask({ task, started }: PageTaskEnvelope): PageTaskResult {
  Atomics.store(started, 0, 1);
  Atomics.notify(started, 0);
  try {
    if (task.kind === 'extract') return { ok: true, article: extractArticle(task.html, task.options) };
    if (task.kind === 'fingerprint') return { ok: true, fingerprints: fingerprintPageText(task.text, task.config) };
    return { ok: true, matches: verifyCandidates(task.text, task.articles, task.config) };
  } catch (error) {
    if (error instanceof ExtractionError) return { ok: false, reason: error.reason, message: error.message };
    return { ok: false, reason: 'extract_failed', message: (error as Error)?.message ?? String(error) };
  }
}
