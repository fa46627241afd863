import { readArticleFile, type StopPoint } from './read-article-file.ts';
import {
  addCounts,
  createEmptyCounts,
  saveArticles,
  type ArticleRegistryDeps,
  type IncomingArticle,
  type RejectedArticle,
  type SaveCounts,
} from './article-registry.ts';

// 500 records per transaction: large enough that commits do not dominate, small enough that a
// batch of long articles stays a few MB and other writers wait only briefly.
export const DEFAULT_IMPORT_BATCH_SIZE = 500;
// A batch is also cut at 64 MiB of record text: 500 records near the record limit would
// otherwise be held (with their parsed copies) all at once, several GB.
export const MAX_IMPORT_BATCH_BYTES = 64 * 1024 * 1024;

export interface ImportOptions {
  /** Longest record (NDJSON line or array element) accepted, in bytes; config import.maxRecordBytes. */
  maxRecordBytes: number;
  batchSize?: number;
  onRejected?: (rejected: RejectedArticle) => void;
  onBytes?: (bytesRead: number) => void;
  onBatch?: (totals: SaveCounts) => void;
}

export interface ImportResult extends SaveCounts {
  /** Set when reading stopped early (a damaged JSON array or gzip stream): nothing after it was imported. */
  stopped?: StopPoint & { reason: string; message: string };
}

/**
 * Streams an import file into the registry, one transaction per batch. Bad records (bad JSON,
 * too large, bad fields) are reported by line and skipped; the good ones are kept. When the file
 * is damaged past repair (a broken array, corrupt gzip) the records before the damage are saved
 * and the result says where reading stopped.
 */
export async function importArticleFile(deps: ArticleRegistryDeps, path: string, options: ImportOptions): Promise<ImportResult> {
  const batchSize = options.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE;
  const result: ImportResult = createEmptyCounts();
  let batch: IncomingArticle[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const saved = await saveArticles(deps, batch);
    for (const rejected of saved.rejectedRecords) options.onRejected?.(rejected);
    addCounts(result, saved);
    batch = [];
    batchBytes = 0;
    options.onBatch?.(result);
  };
  for await (const record of readArticleFile(path, { maxRecordBytes: options.maxRecordBytes, onBytes: options.onBytes })) {
    if ('problem' in record) {
      // Rejected in its place in the batch, so rejections come out in file order.
      batch.push({ ref: record.ref, value: null, syntaxError: `${record.problem.message} [${record.problem.reason}]` });
      if (record.stop) result.stopped = { ...record.stop, reason: record.problem.reason, message: record.problem.message };
    } else {
      batch.push({ ref: record.ref, value: record.value });
      batchBytes += record.bytes;
    }
    if (batch.length >= batchSize || batchBytes >= MAX_IMPORT_BATCH_BYTES) await flush();
  }
  await flush();
  return result;
}
