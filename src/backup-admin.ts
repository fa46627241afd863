import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile, rename } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import packageJson from '../package.json' with { type: 'json' };
import { openDatabase, type Db } from '../db/open-db.ts';
import type { App } from './app.ts';
import { BACKUP_DATA_FOLDER, BACKUP_DATABASE_FILE, MANIFEST_FILE, MANIFEST_FORMAT, MANIFEST_VERSION, readManifest, type BackupManifest } from './backup/manifest.ts';
import { copyFileHashed, digestFile, isContainedPath } from './backup/backup-files.ts';
import { currentTree } from './custody-log.ts';
import { verifyCustodyLog, type LogVerification } from './custody-verify.ts';
import { createFolderFileStore } from './evidence/capture-file-store.ts';
import { ConflictError, ValidationError } from './errors.ts';
import type { Logger } from './log.ts';

/**
 * `copyhound backup` and `restore`: a consistent online snapshot of the database (SQLite's
 * online backup API, while the server writes) plus every capture file the snapshot's rows name,
 * with a manifest of hashes; and its checked restore. Capture files are immutable and a row is
 * committed only after its file is renamed into place and fsynced (src/evidence/README.md), so
 * every file the snapshot names already exists, whole, when the snapshot is taken.
 */

// The whole database in one backup step: one read snapshot, so writes by other connections
// cannot restart it half-way (SQLite restarts a stepwise backup when another connection writes).
const PAGES_PER_STEP = 0x7fffffff;
// Owner only: a backup holds the custody signing key and password and API key hashes.
const BACKUP_FOLDER_MODE = 0o700;
// Problems named one by one in a refusal; the rest are counted.
const PROBLEMS_LISTED = 20;

/** Every file the snapshot's rows refer to, relative to the data dir: WARC files and renders. */
const REFERENCED_FILES_SQL = `
  select warc_path as path from captures
  union select warc_path from capture_bodies
  union select path from capture_renders
  order by 1`;

async function assertEmptyFolder(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) throw new ConflictError(`${dir} is not empty: a backup goes into a new or empty folder`, { field: 'dir', path: dir });
}

function countRows(sqlite: Database.Database): Record<string, number> {
  const tables = sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
  return Object.fromEntries(tables.map((t) => [t, sqlite.prepare(`select count(*) from "${t.replaceAll('"', '""')}"`).pluck().get() as number]));
}

/** What the snapshot holds: its rows per table, the custody log's size and root, and the files its rows name. */
async function readSnapshot(path: string): Promise<{ rowCounts: Record<string, number>; custodyLog: { size: number; rootHash: string }; paths: string[] }> {
  const sqlite = new Database(path);
  try {
    // A single file: the backup holds no write-ahead log beside it.
    sqlite.pragma('journal_mode = DELETE');
    const paths = sqlite.prepare(REFERENCED_FILES_SQL).pluck().all() as string[];
    return { rowCounts: countRows(sqlite), custodyLog: await currentTree(drizzle(sqlite)), paths };
  } finally {
    sqlite.close();
  }
}

/** The better-sqlite3 connection under a drizzle handle (drizzle keeps it as $client). */
function sqliteOf(db: Db): Database.Database {
  return (db as Db & { $client: Database.Database }).$client;
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(value, null, 1)}\n`);
  await rename(`${path}.tmp`, path);
}

/** Takes a backup of the app's database and captures into `dir` (new or empty). */
export async function takeBackup(app: App, dir: string, logger: Logger = app.logger): Promise<BackupManifest> {
  const target = resolve(dir);
  await assertEmptyFolder(target);
  await mkdir(target, { recursive: true, mode: BACKUP_FOLDER_MODE });
  const dbFile = join(target, BACKUP_DATABASE_FILE);
  const createdAt = new Date().toISOString();
  await sqliteOf(app.database.db).backup(dbFile, { progress: () => PAGES_PER_STEP });
  const snapshot = await readSnapshot(dbFile);

  const files: BackupManifest['files'] = [];
  const missingFiles: string[] = [];
  for (const path of snapshot.paths) {
    if (!isContainedPath(path)) throw new ValidationError(`a row names the capture file "${path}", which is not inside the data folder; nothing was copied for it`, { path });
    const from = join(app.config.data.dir, path);
    if (!existsSync(from)) {
      missingFiles.push(path);
      continue;
    }
    const relative = join(BACKUP_DATA_FOLDER, path);
    files.push({ path: relative, ...(await copyFileHashed(from, join(target, relative))) });
  }
  if (missingFiles.length > 0) logger.warn({ count: missingFiles.length, first: missingFiles.slice(0, PROBLEMS_LISTED) }, 'capture files named by the database are missing; the backup lists them');

  const manifest: BackupManifest = {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_VERSION,
    createdAt,
    copyhoundVersion: packageJson.version,
    schemaVersion: app.database.schemaVersion,
    database: { path: BACKUP_DATABASE_FILE, ...(await digestFile(dbFile)), rowCounts: snapshot.rowCounts },
    custodyLog: snapshot.custodyLog,
    files,
    missingFiles,
  };
  // Written last: a folder with a manifest is a finished backup.
  await writeJsonAtomic(join(target, MANIFEST_FILE), manifest);
  logger.info({ dir: target, files: files.length, custodyLogSize: manifest.custodyLog.size }, 'backup taken');
  return manifest;
}

export interface RestoreTarget {
  dbPath: string;
  dataDir: string;
  /** Replace an existing database (its -wal and -shm files go too). */
  force?: boolean;
  busyTimeoutMs: number;
}

export interface RestoreReport {
  dbPath: string;
  dataDir: string;
  filesRestored: number;
  bytes: number;
  integrityCheck: string[];
  custodyLog: { size: number; rootHash: string; matchesManifest: boolean; verification: LogVerification };
  ok: boolean;
}

/** Every hash and size of the manifest against the folder's files; the problems found. */
export async function checkBackup(dir: string, manifest: BackupManifest): Promise<string[]> {
  const problems: string[] = [];
  for (const file of [{ path: manifest.database.path, sha256: manifest.database.sha256, size: manifest.database.size }, ...manifest.files]) {
    const found = await digestFile(join(dir, file.path)).catch(() => undefined);
    if (!found) problems.push(`${file.path}: missing`);
    else if (found.sha256 !== file.sha256 || found.size !== file.size) problems.push(`${file.path}: SHA-256 ${found.sha256} (${found.size} bytes), the manifest says ${file.sha256} (${file.size} bytes)`);
  }
  return problems;
}

function listed(problems: string[]): string {
  return problems.slice(0, PROBLEMS_LISTED).join('; ') + (problems.length > PROBLEMS_LISTED ? `; and ${problems.length - PROBLEMS_LISTED} more` : '');
}

/**
 * Restores a backup: checks every hash first (nothing is written when one differs), refuses an
 * existing database unless forced, copies, then checks the result: SQLite's integrity check and
 * the custody log verification (each entry against its record and file).
 */
export async function restoreBackup(dir: string, target: RestoreTarget): Promise<RestoreReport> {
  const source = resolve(dir);
  const manifest = await readManifest(source);
  const problems = await checkBackup(source, manifest);
  if (problems.length > 0) throw new ValidationError(`the backup in ${source} does not match its manifest, nothing restored: ${listed(problems)}`, { problems });
  if (existsSync(target.dbPath) && !target.force) throw new ConflictError(`a database exists at ${target.dbPath}; give --force to replace it (or restore --to an empty data folder)`, { field: 'force', path: target.dbPath });

  await mkdir(dirname(target.dbPath), { recursive: true });
  // A write-ahead log left beside the old file would be replayed into the restored one. The
  // database itself is replaced by rename, so a failed copy leaves the old one in place.
  for (const suffix of ['-wal', '-shm']) await rm(`${target.dbPath}${suffix}`, { force: true });
  await copyFileHashed(join(source, manifest.database.path), target.dbPath);
  let bytes = manifest.database.size;
  for (const file of manifest.files) {
    await copyFileHashed(join(source, file.path), join(target.dataDir, file.path.slice(BACKUP_DATA_FOLDER.length + 1)));
    bytes += file.size;
  }

  const database = openDatabase({ path: target.dbPath, busyTimeoutMs: target.busyTimeoutMs });
  try {
    const integrityCheck = (sqliteOf(database.db).pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    const tree = await currentTree(database.db);
    // A backup is of a SQLite installation, whose capture files are in its data folder.
    const verification = await verifyCustodyLog(database.db, createFolderFileStore(target.dataDir));
    const matchesManifest = tree.size === manifest.custodyLog.size && tree.rootHash === manifest.custodyLog.rootHash;
    const ok = integrityCheck.length === 1 && integrityCheck[0] === 'ok' && verification.problemCount === 0 && matchesManifest;
    return { dbPath: target.dbPath, dataDir: target.dataDir, filesRestored: manifest.files.length, bytes, integrityCheck, custodyLog: { ...tree, matchesManifest, verification }, ok };
  } finally {
    await database.close();
  }
}
