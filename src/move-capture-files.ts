import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FILE_NAMING_TABLES, countFileNamingRows, insertCaptureFileUnlessStored, listFileNamingRows, type FileNamingRow } from '../db/capture-files-to-move.ts';
import { dialectOf } from '../db/dialect.ts';
import type { Db } from '../db/open-db.ts';
import { isContainedPath } from './backup/backup-files.ts';
import { CopyhoundError, ValidationError } from './errors.ts';

/**
 * `copyhound captures move-to-database`: for a PostgreSQL installation that kept its capture files
 * in the data folder (COPYHOUND_CAPTURE_STORE=folder), copies every file a capture, render or body
 * row names into capture_files, each checked against the SHA-256 its row recorded before it goes
 * in. Each file is one INSERT of its own: a stopped run leaves whole files, and a re-run skips the
 * paths already stored and carries on. The folder's files are never deleted.
 */

// Paths named in a result; the counts are always complete.
const PATHS_LISTED = 20;

export interface MoveOptions {
  /** The data folder the rows' paths are relative to. */
  dataDir: string;
  /** Rows read per query. */
  batchSize: number;
  /** Go on past a file that is not in the folder (counted and listed); otherwise refuse at the first. */
  allowMissing: boolean;
  /** Go on past a file whose bytes differ from its recorded SHA-256 (left out, counted and listed); otherwise refuse at the first. */
  allowMismatched: boolean;
  /** Called once with the number of rows to walk. */
  onStart?(rows: number): void;
  /** Called after each page of rows, with the result so far. */
  onProgress?(result: MoveResult): void;
}

export interface MoveResult {
  /** Rows that name a file, walked so far. */
  rows: number;
  /** Files inserted by this run, and their bytes. */
  copied: number;
  bytes: number;
  /** Rows whose file the table held already (an earlier run, or a second row naming the same file). */
  alreadyStored: number;
  /** Files copied whose rows record no SHA-256 of the file (captures older than the custody log, body rows). */
  unverified: number;
  missing: { count: number; paths: string[] };
  mismatched: { count: number; paths: string[] };
}

/** A file the move will not copy: not in the folder, or not the bytes its row recorded. */
export class CaptureMoveRefusedError extends CopyhoundError {
  constructor(message: string, details: unknown) {
    super('capture_move_refused', message, details);
  }
}

function listPath(list: { count: number; paths: string[] }, path: string): void {
  list.count += 1;
  if (list.paths.length < PATHS_LISTED) list.paths.push(path);
}

async function readFolderFile(dataDir: string, row: FileNamingRow): Promise<Buffer | undefined> {
  if (!isContainedPath(row.path)) throw new ValidationError(`${row.owner} names the capture file "${row.path}", which is not inside the data folder`, { owner: row.owner, path: row.path });
  try {
    return await readFile(join(dataDir, row.path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function describeSoFar(result: MoveResult): string {
  return `${result.copied} file(s) copied before it stay in the database, and a re-run skips them and carries on; no file was deleted`;
}

/** Copies one row's file unless stored; throws CaptureMoveRefusedError where the options say refuse. */
async function moveOne(db: Db, row: FileNamingRow, options: MoveOptions, result: MoveResult, createdAt: string): Promise<void> {
  const bytes = await readFolderFile(options.dataDir, row);
  if (!bytes) {
    if (!options.allowMissing) {
      throw new CaptureMoveRefusedError(
        `${row.owner}: its file ${row.path} is not in ${options.dataDir}; give the installation's data folder with --data, or --allow-missing-files to move the others without it; ${describeSoFar(result)}`,
        { owner: row.owner, path: row.path },
      );
    }
    listPath(result.missing, row.path);
    return;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (row.sha256 !== null && sha256 !== row.sha256) {
    if (!options.allowMismatched) {
      throw new CaptureMoveRefusedError(
        `${row.owner}: its file ${row.path} in ${options.dataDir} does not match the SHA-256 recorded when it was written (recorded ${row.sha256}, file ${sha256}); it was not copied; ` +
          `restore the file from a backup, or give --allow-mismatched-files to move the others without it; ${describeSoFar(result)}`,
        { owner: row.owner, path: row.path, recorded: row.sha256, actual: sha256 },
      );
    }
    listPath(result.mismatched, row.path);
    return;
  }
  if (await insertCaptureFileUnlessStored(db, { path: row.path, sha256, size: bytes.length, bytes, createdAt })) {
    result.copied += 1;
    result.bytes += bytes.length;
    if (row.sha256 === null) result.unverified += 1;
  } else result.alreadyStored += 1;
}

/** Copies the folder's capture files into capture_files; PostgreSQL only. */
export async function moveCaptureFilesToDatabase(db: Db, options: MoveOptions): Promise<MoveResult> {
  if (dialectOf(db) !== 'pg') throw new ValidationError('captures move-to-database needs PostgreSQL: on SQLite capture files live in the data folder');
  const result: MoveResult = { rows: 0, copied: 0, bytes: 0, alreadyStored: 0, unverified: 0, missing: { count: 0, paths: [] }, mismatched: { count: 0, paths: [] } };
  options.onStart?.(await countFileNamingRows(db));
  const createdAt = new Date().toISOString();
  for (const table of FILE_NAMING_TABLES) {
    for (let after: number | string | undefined; ; ) {
      const page = await listFileNamingRows(db, table, after, options.batchSize);
      // Two rows of a page naming one file: the second's INSERT finds it there and counts it as stored.
      for (const row of page) {
        result.rows += 1;
        if (row.stored) result.alreadyStored += 1;
        else await moveOne(db, row, options, result, createdAt);
      }
      options.onProgress?.(result);
      if (page.length < options.batchSize) break;
      after = page[page.length - 1]!.key;
    }
  }
  return result;
}
