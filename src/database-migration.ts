import { createHash } from 'node:crypto';
import type { Db } from '../db/open-db.ts';
import { countRows, digestTable, listSqliteColumns, listSqliteTables, insertRows, listTablesInCopyOrder, pageSizeFor, readRowsAfter, resetSequence, updateRowDigest, UnstorableValueError, type CopyTable } from '../db/table-copy.ts';
import { readTransaction, writeTransaction } from '../db/write-transaction.ts';
import { currentTree } from './custody-log.ts';
import { ConflictError, CopyhoundError, ValidationError } from './errors.ts';
import { copyCaptureFiles, type FileCopyOptions, type FileCopyResult } from './migrate-capture-files.ts';

/**
 * `copyhound migrate`: copies a whole installation from its SQLite file into a PostgreSQL
 * database, every table with its keys as they are (ids are referenced everywhere, and a custody
 * log entry's index is its id - 1), then checks the copy against the source before committing it.
 *
 * Both sides are read and written each in ONE transaction. The source is read in one snapshot, so
 * a server still writing to the file cannot leave a report in the copy without its history. The
 * target is written in one transaction, checked inside it, and committed only when every table's
 * row count and row digest and the custody log's size and root agree: a migration that fails
 * halfway, or whose copy differs, leaves the target empty, as it was, and can simply be run again.
 * (Per-table transactions would leave a half-copied target behind, which the append-only triggers
 * on the evidence tables forbid clearing with DELETE or TRUNCATE.) The write transaction also holds
 * the installation's writer lock, so an app started on the target meanwhile waits.
 */

export interface TableResult {
  table: string;
  source: number;
  target: number;
  /** SHA-256 over the table's stored values in key order, the same on both sides when copied exactly. */
  sourceDigest: string;
  targetDigest: string;
}

export interface TreeState {
  size: number;
  rootHash: string;
}

export interface MigrationResult {
  ok: boolean;
  rows: number;
  tables: TableResult[];
  custody: { source: TreeState; target: TreeState };
  /** The capture files copied into the target's capture_files; null when its files stay in a folder. */
  files: FileCopyResult | null;
}

export interface MigrationProgress {
  /** Called before the copy with the number of rows to copy. */
  onStart?(totalRows: number): void;
  /** Called after every page of rows written to the target. */
  onRows?(table: string, copied: number): void;
  onTableDone?(table: string, rows: number): void;
}

export class MigrationMismatchError extends Error {
  constructor(readonly result: MigrationResult) {
    super('the copy differs from the source');
  }
}

const MAX_REASON_CHARS = 500;

/** Refuses a source whose tables or columns are not the ones this version copies (a file from another version). */
async function checkSourceShape(source: Db, tables: readonly CopyTable[]): Promise<void> {
  const known = new Set(tables.map((t) => t.name));
  const unknown = (await listSqliteTables(source)).filter((n) => !known.has(n));
  if (unknown.length > 0) throw new ValidationError(`the SQLite file has tables this version does not know, which would not be copied: ${unknown.join(', ')}`);
  for (const table of tables) {
    const columns = new Set(await listSqliteColumns(source, table.name));
    const missing = table.columns.filter((c) => !columns.has(c));
    const extra = [...columns].filter((c) => !table.columns.includes(c));
    if (missing.length > 0 || extra.length > 0) {
      throw new ValidationError(`table ${table.name} in the SQLite file does not have this version's columns (missing: ${missing.join(', ') || 'none'}; extra: ${extra.join(', ') || 'none'})`);
    }
  }
}

/** Refuses a target that holds any row: a migration fills an empty installation, it never merges. */
async function checkTargetEmpty(target: Db, tables: readonly CopyTable[]): Promise<void> {
  const filled: string[] = [];
  for (const table of tables) {
    const n = await countRows(target, table);
    if (n > 0) filled.push(`${table.name} (${n})`);
  }
  if (filled.length > 0) {
    throw new ConflictError(`the PostgreSQL target is not empty: ${filled.join(', ')}. Migrate into a new database or schema; nothing was copied`);
  }
}

/** Copies one table a page at a time; answers its row count and the digest of what was read. */
async function copyTable(source: Db, target: Db, table: CopyTable, batchSize: number, progress: MigrationProgress): Promise<{ rows: number; digest: string }> {
  const hash = createHash('sha256');
  const pageSize = pageSizeFor(table, batchSize);
  let after: unknown = null;
  let rows = 0;
  for (;;) {
    const page = await readRowsAfter(source, table, after, pageSize);
    if (page.length === 0) break;
    await insertRows(target, table, page);
    updateRowDigest(hash, table, page);
    rows += page.length;
    after = page.at(-1)![table.key];
    progress.onRows?.(table.name, page.length);
  }
  await resetSequence(target, table);
  progress.onTableDone?.(table.name, rows);
  return { rows, digest: hash.digest('hex') };
}

/**
 * Copies every table from `source` (SQLite) into `target` (PostgreSQL, empty, migrations
 * applied) and, with `files`, the capture files into its capture_files, and verifies the copy. Throws ConflictError for a non-empty target, ValidationError
 * for a value PostgreSQL cannot store or a source of another version, and MigrationMismatchError
 * (with the comparison) when the copy differs; in each case nothing is committed.
 */
export async function migrateDatabase(source: Db, target: Db, options: { batchSize: number; files?: FileCopyOptions } & MigrationProgress): Promise<MigrationResult> {
  const tables = listTablesInCopyOrder();
  return await readTransaction(source, async (src) => {
    await checkSourceShape(src, tables);
    return await writeTransaction(target, async (tgt) => {
      await checkTargetEmpty(tgt, tables);
      const sourceCounts = await Promise.all(tables.map(async (t) => await countRows(src, t)));
      options.onStart?.(sourceCounts.reduce((a, b) => a + b, 0));
      const results: TableResult[] = [];
      for (const table of tables) {
        let copied: { rows: number; digest: string };
        try {
          copied = await copyTable(src, tgt, table, options.batchSize, options);
        } catch (error) {
          if (error instanceof UnstorableValueError) throw new ValidationError(error.message);
          // The driver's own message: drizzle's names the statement with every bound value (megabytes).
          const reason = ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
          throw new CopyhoundError('migration_failed', `copying ${table.name} failed, nothing was committed: ${reason.slice(0, MAX_REASON_CHARS)}`, { table: table.name });
        }
        const check = await digestTable(tgt, table, pageSizeFor(table, options.batchSize));
        results.push({ table: table.name, source: copied.rows, target: check.rows, sourceDigest: copied.digest, targetDigest: check.digest });
      }
      // After the tables: capture_files was copied with them (empty on SQLite) and checked empty.
      const files = options.files ? await copyCaptureFiles(src, tgt, options.files) : null;
      const filesOk = files === null || files.target === files.source - files.missing.count;
      const custody = { source: await currentTree(src), target: await currentTree(tgt) };
      const ok = filesOk && results.every((r) => r.source === r.target && r.sourceDigest === r.targetDigest) && custody.source.size === custody.target.size && custody.source.rootHash === custody.target.rootHash;
      const result: MigrationResult = { ok, rows: results.reduce((a, r) => a + r.target, 0), tables: results, custody, files };
      // Thrown, not returned: the write transaction rolls back, leaving the target empty.
      if (!ok) throw new MigrationMismatchError(result);
      return result;
    });
  });
}
