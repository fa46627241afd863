import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { countCaptureFiles, insertCaptureFileIn } from '../db/capture-files.ts';
import { queryRows } from '../db/dialect.ts';
import type { Db } from '../db/open-db.ts';
import { isContainedPath } from './backup/backup-files.ts';
import { ValidationError } from './errors.ts';

/**
 * `copyhound migrate` into an installation whose capture files live in the database
 * (COPYHOUND_CAPTURE_STORE=database, the default on PostgreSQL): every WARC file the source's
 * capture, body and render rows name (WARC files, rendered views) is read from the source's data folder and inserted into the
 * target's capture_files, inside the migration's one write transaction (all or nothing).
 */

// Paths read from the source per query: a page of strings, whatever the installation's size.
const PATHS_PER_PAGE = 1000;
// Missing paths named in a refusal or a result; the count is always complete.
const MISSING_LISTED = 20;

export interface FileCopyOptions {
  /** The data folder the source's capture paths are relative to. */
  sourceDir: string;
  /** Go on when a file a row names is not in the folder (the result counts and lists them); otherwise refuse. */
  allowMissing: boolean;
  /** Called before the copy with the number of files the rows name. */
  onFilesStart?(total: number): void;
  /** Called after each file written to the target. */
  onFile?(path: string, bytes: number): void;
}

export interface FileCopyResult {
  /** Files the source's rows name. */
  source: number;
  /** capture_files rows in the target after the copy. */
  target: number;
  bytes: number;
  missing: { count: number; paths: string[] };
}

async function countReferencedPaths(src: Db): Promise<number> {
  const [row] = await queryRows<{ n: number }>(src, sql`select count(*) as n from (select warc_path from captures union select warc_path from capture_bodies union select path from capture_renders)`);
  return Number(row?.n ?? 0);
}

async function referencedPathsAfter(src: Db, after: string): Promise<string[]> {
  const rows = await queryRows<{ path: string }>(src, sql`select path from (select warc_path as path from captures union select warc_path from capture_bodies union select path from capture_renders) where path > ${after} order by path limit ${PATHS_PER_PAGE}`);
  return rows.map((r) => r.path);
}

async function readSourceFile(dir: string, path: string): Promise<Buffer | undefined> {
  if (!isContainedPath(path)) throw new ValidationError(`a row names the capture file "${path}", which is not inside the data folder; nothing was committed`, { path });
  try {
    return await readFile(join(dir, path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Copies the files; `tgt` is the migration's write transaction. Throws ValidationError for missing files unless allowed. */
export async function copyCaptureFiles(src: Db, tgt: Db, options: FileCopyOptions): Promise<FileCopyResult> {
  const total = await countReferencedPaths(src);
  options.onFilesStart?.(total);
  const result: FileCopyResult = { source: total, target: 0, bytes: 0, missing: { count: 0, paths: [] } };
  const createdAt = new Date().toISOString();
  for (let after = ''; ; ) {
    const page = await referencedPathsAfter(src, after);
    for (const path of page) {
      const bytes = await readSourceFile(options.sourceDir, path);
      if (!bytes) {
        result.missing.count += 1;
        if (result.missing.paths.length < MISSING_LISTED) result.missing.paths.push(path);
        continue;
      }
      await insertCaptureFileIn(tgt, { path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, bytes, createdAt });
      result.bytes += bytes.length;
      options.onFile?.(path, bytes.length);
    }
    if (page.length < PATHS_PER_PAGE) break;
    after = page[page.length - 1];
  }
  if (result.missing.count > 0 && !options.allowMissing) {
    throw new ValidationError(
      `${result.missing.count} capture file(s) the SQLite file's rows name are not in ${options.sourceDir} (first: ${result.missing.paths.join(', ')}); ` +
        'give the installation\'s data folder with --data (or COPYHOUND_DATA_DIR), or --allow-missing-files to migrate without them; nothing was committed',
      { missing: result.missing },
    );
  }
  result.target = await countCaptureFiles(tgt);
  return result;
}
