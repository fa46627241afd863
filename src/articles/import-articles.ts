import { readArticleFile } from './read-article-file.ts';
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

export interface ImportOptions {
  batchSize?: number;
  onRejected?: (rejected: RejectedArticle) => void;
  onBytes?: (bytesRead: number) => void;
  onBatch?: (totals: SaveCounts) => void;
}

/**
 * Streams an import file into the registry, one transaction per batch. Bad records (bad JSON or
 * bad fields) are reported by line and skipped; the good ones are kept.
 */
export async function importArticleFile(deps: ArticleRegistryDeps, path: string, options: ImportOptions = {}): Promise<SaveCounts> {
  const batchSize = options.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE;
  const totals = createEmptyCounts();
  let batch: IncomingArticle[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    const result = saveArticles(deps, batch);
    for (const rejected of result.rejectedRecords) options.onRejected?.(rejected);
    addCounts(totals, result);
    batch = [];
    options.onBatch?.(totals);
  };
  for await (const record of readArticleFile(path, { onBytes: options.onBytes })) {
    batch.push('syntaxError' in record ? { ref: record.ref, value: null, syntaxError: record.syntaxError } : record);
    if (batch.length >= batchSize) flush();
  }
  flush();
  return totals;
}
