import { asc, count, gt, sql, type SQLWrapper } from 'drizzle-orm';
import { firstRow } from './dialect.ts';
import type { Db } from './open-db.ts';
import { captureFiles, type CaptureFileRow } from './schema/capture-files.ts';
import { captureBodies, captures } from './schema/captures.ts';
import { captureRenders } from './schema/custody.ts';

/**
 * Queries for `copyhound captures move-to-database` (src/move-capture-files.ts): the rows that name
 * a capture file, page by page in key order (each page an index range on a primary key, however
 * large the tables), each with the hash recorded for its file and whether the table holds it yet.
 */

/** The three kinds of row that name a capture file, walked in this order. */
export const FILE_NAMING_TABLES = ['captures', 'capture_renders', 'capture_bodies'] as const;
export type FileNamingTable = (typeof FILE_NAMING_TABLES)[number];

export interface FileNamingRow {
  /** The row's key: a capture or render id, or a body's SHA-256; pages continue after the last one. */
  key: number | string;
  /** The row, for messages: "capture 12", "rendered view 3", "body 9f86…". */
  owner: string;
  path: string;
  /** The file's SHA-256 as recorded when it was written; null when the row records none. */
  sha256: string | null;
  /** capture_files already holds a file at this path. */
  stored: boolean;
}

// `exists` on capture_files' primary key: one index probe per row, no bytes read.
const storedAt = (path: SQLWrapper) => sql<boolean>`exists (select 1 from ${captureFiles} where ${captureFiles.path} = ${path})`.mapWith(Boolean);

export async function countFileNamingRows(db: Db): Promise<number> {
  let total = 0;
  for (const table of [captures, captureRenders, captureBodies]) total += Number(firstRow(await db.select({ n: count() }).from(table))?.n ?? 0);
  return total;
}

/** Up to `limit` rows of `table` after `after` (the previous page's last key; undefined for the first page). */
export async function listFileNamingRows(db: Db, table: FileNamingTable, after: number | string | undefined, limit: number): Promise<FileNamingRow[]> {
  if (table === 'captures') {
    const rows = await db
      .select({ id: captures.id, path: captures.warcPath, sha256: captures.warcSha256, stored: storedAt(captures.warcPath) })
      .from(captures)
      .where(after === undefined ? undefined : gt(captures.id, Number(after)))
      .orderBy(asc(captures.id))
      .limit(limit);
    return rows.map((r) => ({ key: r.id, owner: `capture ${r.id}`, path: r.path, sha256: r.sha256, stored: r.stored }));
  }
  if (table === 'capture_renders') {
    const rows = await db
      .select({ id: captureRenders.id, path: captureRenders.path, sha256: captureRenders.sha256, stored: storedAt(captureRenders.path) })
      .from(captureRenders)
      .where(after === undefined ? undefined : gt(captureRenders.id, Number(after)))
      .orderBy(asc(captureRenders.id))
      .limit(limit);
    return rows.map((r) => ({ key: r.id, owner: `rendered view ${r.id}`, path: r.path, sha256: r.sha256, stored: r.stored }));
  }
  // A body row names the WARC file that holds it, normally a capture's (moved by then); it records
  // the body's hash, not the file's.
  const rows = await db
    .select({ sha256: captureBodies.sha256, path: captureBodies.warcPath, stored: storedAt(captureBodies.warcPath) })
    .from(captureBodies)
    .where(after === undefined ? undefined : gt(captureBodies.sha256, String(after)))
    .orderBy(asc(captureBodies.sha256))
    .limit(limit);
  return rows.map((r) => ({ key: r.sha256, owner: `body ${r.sha256}`, path: r.path, sha256: null, stored: r.stored }));
}

/**
 * Inserts the files whose paths are not there yet (another run, or a save since), in one statement,
 * atomic on its own: a stopped run leaves whole files only. Answers the paths this call inserted.
 */
export async function insertCaptureFilesUnlessStored(db: Db, rows: CaptureFileRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await db.insert(captureFiles).values(rows).onConflictDoNothing({ target: captureFiles.path }).returning({ path: captureFiles.path });
  return new Set(inserted.map((r) => r.path));
}
