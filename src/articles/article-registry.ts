import type { Db } from '../../db/open-db.ts';
import { notifyArticlesChanged } from '../../db/article-changes.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import {
  archiveArticleByKey,
  deleteArticleByKey,
  findArticleById,
  findArticleHashes,
  insertArticle,
  updateArticle,
  upsertArticleFingerprints,
  type ArticleRow,
  type StoredFingerprints,
} from '../../db/articles.ts';
import { countReportsForArticle } from '../../db/reports.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { parseArticleRecord, type ArticleRecord, type FieldProblem } from './article-record.ts';

/** Turns an article body into its stored fingerprints (the match engine's job; injected). */
export type FingerprintArticle = (body: string) => StoredFingerprints;

/** Told after a commit, so in-memory indexes follow the database. */
export interface ArticleChangeListener {
  onArticlesSaved?(saved: { key: number; blob: Buffer }[]): Promise<void> | void;
  onArticleRemoved?(key: number): Promise<void> | void;
}

export interface ArticleRegistryDeps {
  db: Db;
  fingerprint?: FingerprintArticle;
  listener?: ArticleChangeListener;
  now?: () => Date;
}

export interface IncomingArticle {
  /** Where the record came from, for error messages: a line number, or an index in a batch. */
  ref: number;
  value: unknown;
  /** Set when the record's text was not even JSON: it is rejected in its place in the batch. */
  syntaxError?: string;
}

export interface RejectedArticle {
  ref: number;
  id: string | null;
  problems: FieldProblem[];
}

export interface SaveCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface SaveResult extends SaveCounts {
  rejectedRecords: RejectedArticle[];
}

export function createEmptyCounts(): SaveCounts {
  return { inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
}

export function addCounts(total: SaveCounts, more: SaveCounts): void {
  total.inserted += more.inserted;
  total.updated += more.updated;
  total.unchanged += more.unchanged;
  total.rejected += more.rejected;
}

function readId(value: unknown): string | null {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
}

/**
 * Validates and upserts a batch of articles in one transaction. Invalid records are rejected
 * with their problems; valid ones are stored whole (row and fingerprints) or not at all.
 */
export async function saveArticles(deps: ArticleRegistryDeps, batch: IncomingArticle[]): Promise<SaveResult> {
  const result: SaveResult = { ...createEmptyCounts(), rejectedRecords: [] };
  const valid: { ref: number; record: ArticleRecord }[] = [];
  for (const item of batch) {
    if (item.syntaxError !== undefined) {
      result.rejectedRecords.push({ ref: item.ref, id: null, problems: [{ field: '(record)', message: item.syntaxError }] });
      continue;
    }
    const parsed = parseArticleRecord(item.value);
    if (parsed.ok) valid.push({ ref: item.ref, record: parsed.record });
    else result.rejectedRecords.push({ ref: item.ref, id: readId(item.value), problems: parsed.problems });
  }
  result.rejected = result.rejectedRecords.length;
  // Fingerprints are computed before the transaction opens (the write lock is held only for
  // writes), and only for new or changed records: a re-import of unchanged articles is cheap.
  const ids = [...new Set(valid.map((v) => v.record.id))];
  const known = await findArticleHashes(deps.db, ids);
  const fingerprints = new Map<ArticleRecord, StoredFingerprints>();
  if (deps.fingerprint) {
    for (const { record } of valid) {
      if (known.get(record.id)?.contentHash !== record.contentHash) fingerprints.set(record, deps.fingerprint(record.body));
    }
  }
  const saved: { key: number; blob: Buffer }[] = [];
  const now = (deps.now?.() ?? new Date()).toISOString();
  await writeTransaction(deps.db, async (db) => {
    // Read again inside the transaction: another writer may have changed these ids meanwhile.
    const existing = await findArticleHashes(db, ids);
    for (const { record } of valid) {
      const before = existing.get(record.id);
      let key: number;
      if (!before) {
        key = await insertArticle(db, { ...record, createdAt: now, updatedAt: now });
        result.inserted++;
      } else if (before.contentHash === record.contentHash) {
        result.unchanged++;
        continue;
      } else {
        key = before.key;
        await updateArticle(db, key, { ...record, updatedAt: now });
        result.updated++;
      }
      existing.set(record.id, { key, contentHash: record.contentHash });
      const fingerprint = fingerprints.get(record) ?? deps.fingerprint?.(record.body);
      if (fingerprint) {
        await upsertArticleFingerprints(db, key, fingerprint);
        saved.push({ key, blob: fingerprint.blob });
      }
    }
    // Other processes' indexes follow on commit (PostgreSQL); an all-unchanged batch wrote nothing.
    if (result.inserted + result.updated > 0) await notifyArticlesChanged(db);
  });
  if (saved.length > 0) await deps.listener?.onArticlesSaved?.(saved);
  return result;
}

export async function getArticle(db: Db, id: string): Promise<ArticleRow> {
  const row = await findArticleById(db, id);
  if (!row) throw new NotFoundError(`No owned article with id "${id}"`, { id });
  return row;
}

/**
 * Deletes an owned article (its matches go with it). An article that a report cites is refused:
 * reports and their evidence are never removed by a cascade; archive it instead.
 */
export async function removeArticle(deps: ArticleRegistryDeps, id: string): Promise<void> {
  const key = await writeTransaction(deps.db, async (db) => {
    const row = await getArticle(db, id);
    const cited = await countReportsForArticle(db, row.key);
    if (cited > 0) {
      throw new ConflictError(`Article "${id}" is cited by ${cited} report(s) and cannot be deleted; archive it instead (copyhound articles archive ${id})`, { id, reports: cited });
    }
    await deleteArticleByKey(db, row.key);
    await notifyArticlesChanged(db);
    return row.key;
  });
  await deps.listener?.onArticleRemoved?.(key);
}

/** Archives an owned article: kept for the reports that cite it, no longer matched against pages. */
export async function archiveArticle(deps: ArticleRegistryDeps, id: string): Promise<ArticleRow> {
  const now = (deps.now?.() ?? new Date()).toISOString();
  const row = await writeTransaction(deps.db, async (db) => {
    const found = await getArticle(db, id);
    if (found.archivedAt === null) {
      await archiveArticleByKey(db, found.key, now);
      await notifyArticlesChanged(db);
    }
    return await getArticle(db, id);
  });
  await deps.listener?.onArticleRemoved?.(row.key);
  return row;
}

/** One line per problem, naming the record and field: what the CLI prints and the API returns. */
export function describeRejection(rejected: RejectedArticle, refLabel: 'line' | 'record'): string {
  const where = `${refLabel} ${rejected.ref}${rejected.id ? ` (id "${rejected.id}")` : ''}`;
  return rejected.problems.map((p) => `rejected ${where}: ${p.field}: ${p.message}`).join('\n');
}
