import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FILE_NAMING_TABLES, countFileNamingRows, insertCaptureFilesUnlessStored, listFileNamingRows, type FileNamingRow } from '../db/capture-files-to-move.ts';
import type { CaptureFileRow } from '../db/schema/capture-files.ts';
import { dialectOf } from '../db/dialect.ts';
import type { Db } from '../db/open-db.ts';
import { isContainedPath } from './backup/backup-files.ts';
import { CopyhoundError, ValidationError } from './errors.ts';

/**
 * `copyhound captures move-to-database`: for a PostgreSQL installation that kept its capture files
 * in the data folder (COPYHOUND_CAPTURE_STORE=folder), copies every file a capture, render or body
 * row names into capture_files, each checked against the SHA-256 its row recorded before it goes
 * in. Each page's files go in as one INSERT (atomic on its own): a stopped run leaves whole files,
 * and a re-run skips the paths already stored and carries on. The folder's files are never deleted.
 */

// Paths named in a result; the counts are always complete.
const PATHS_LISTED = 20;
// Bytes read ahead of one INSERT: a page of small files is one round trip and one commit, and a
// page of large WARC files stays bounded. Measured, 1,000 captures: 10.1 s with an INSERT per file, 3.3 s per page.
const MAX_PENDING_BYTES = 32 * 1024 * 1024;

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

/** A row's file as the move found it: bytes to insert, or why it is left out. */
type Checked =
  | { kind: 'copy'; row: CaptureFileRow; verified: boolean }
  | { kind: 'missing'; refusal: string }
  | { kind: 'mismatched'; refusal: string; recorded: string; actual: string };

async function checkFile(row: FileNamingRow, dataDir: string, createdAt: string): Promise<Checked> {
  const bytes = await readFolderFile(dataDir, row);
  if (!bytes) return { kind: 'missing', refusal: `${row.owner}: its file ${row.path} is not in ${dataDir}; give the installation's data folder with --data, or --allow-missing-files to move the others without it` };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (row.sha256 !== null && sha256 !== row.sha256) {
    return {
      kind: 'mismatched',
      refusal: `${row.owner}: its file ${row.path} in ${dataDir} does not match the SHA-256 recorded when it was written (recorded ${row.sha256}, file ${sha256}); it was not copied; restore the file from a backup, or give --allow-mismatched-files to move the others without it`,
      recorded: row.sha256,
      actual: sha256,
    };
  }
  return { kind: 'copy', row: { path: row.path, sha256, size: bytes.length, bytes, createdAt }, verified: row.sha256 !== null };
}

/** Files checked and waiting for their INSERT: one statement per page, or per MAX_PENDING_BYTES. */
class PendingFiles {
  private rows: CaptureFileRow[] = [];
  private paths = new Set<string>();
  private unverified = new Set<string>();
  private bytes = 0;
  constructor(private readonly db: Db, private readonly result: MoveResult) {}
  has(path: string): boolean {
    return this.paths.has(path);
  }
  async add(row: CaptureFileRow, verified: boolean): Promise<void> {
    this.rows.push(row);
    this.paths.add(row.path);
    if (!verified) this.unverified.add(row.path);
    this.bytes += row.size;
    if (this.bytes >= MAX_PENDING_BYTES) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const inserted = await insertCaptureFilesUnlessStored(this.db, this.rows);
    for (const row of this.rows) {
      if (!inserted.has(row.path)) {
        this.result.alreadyStored += 1;
        continue;
      }
      this.result.copied += 1;
      this.result.bytes += row.size;
      if (this.unverified.has(row.path)) this.result.unverified += 1;
    }
    this.rows = [];
    this.paths.clear();
    this.unverified.clear();
    this.bytes = 0;
  }
}

/** Copies the folder's capture files into capture_files; PostgreSQL only. */
export async function moveCaptureFilesToDatabase(db: Db, options: MoveOptions): Promise<MoveResult> {
  if (dialectOf(db) !== 'pg') throw new ValidationError('captures move-to-database needs PostgreSQL: on SQLite capture files live in the data folder');
  const result: MoveResult = { rows: 0, copied: 0, bytes: 0, alreadyStored: 0, unverified: 0, missing: { count: 0, paths: [] }, mismatched: { count: 0, paths: [] } };
  options.onStart?.(await countFileNamingRows(db));
  const createdAt = new Date().toISOString();
  const pending = new PendingFiles(db, result);
  for (const table of FILE_NAMING_TABLES) {
    for (let after: number | string | undefined; ; ) {
      const page = await listFileNamingRows(db, table, after, options.batchSize);
      for (const row of page) {
        result.rows += 1;
        // Stored already, or a second row of this page naming a file waiting for its INSERT.
        if (row.stored || pending.has(row.path)) {
          result.alreadyStored += 1;
          continue;
        }
        const checked = await checkFile(row, options.dataDir, createdAt);
        if (checked.kind === 'copy') {
          await pending.add(checked.row, checked.verified);
          continue;
        }
        const allowed = checked.kind === 'missing' ? options.allowMissing : options.allowMismatched;
        if (!allowed) {
          // What was checked before it goes in first, so the message's count is what the table holds.
          await pending.flush();
          const details = checked.kind === 'missing' ? { owner: row.owner, path: row.path } : { owner: row.owner, path: row.path, recorded: checked.recorded, actual: checked.actual };
          throw new CaptureMoveRefusedError(`${checked.refusal}; ${describeSoFar(result)}`, details);
        }
        listPath(checked.kind === 'missing' ? result.missing : result.mismatched, row.path);
      }
      await pending.flush();
      options.onProgress?.(result);
      if (page.length < options.batchSize) break;
      after = page[page.length - 1]!.key;
    }
  }
  return result;
}
