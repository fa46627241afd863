import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { findCaptureById } from '../../db/captures.ts';
import { computeAdvisoryLockKey } from '../../db/pg/advisory-locks.ts';
import { HOST_TAG } from '../../src/evidence/capture-files.ts';
import { ORPHAN_GRACE_MS, createCaptureStore } from '../../src/evidence/index.ts';
import { runCli, startServeProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestDatabase, pgUrlForPath, schemaForPath, TEST_DIALECT } from '../helpers/test-database.ts';
import { captureInput } from './capture-input.ts';

const CHILD = fileURLToPath(new URL('./save-capture-child.ts', import.meta.url));
// Back-dates a file past the grace period: the crash "happened" a while ago.
const LONG_AGO = () => new Date(Date.now() - ORPHAN_GRACE_MS - 60_000);

function listFiles(dataDir: string): string[] {
  const root = join(dataDir, 'warc');
  return existsSync(root) ? readdirSync(root, { recursive: true, encoding: 'utf8' }).map((f) => join('warc', f)).filter((f) => /\.(gz|txt)$|\.tmp-/.test(f)) : [];
}

function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      const value = check();
      if (value !== undefined) resolve(value);
      else if (Date.now() - started > timeoutMs) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

/**
 * Holds the installation's write lock as another writer would, until the returned function is
 * called: SQLite's file lock, or on PostgreSQL the advisory lock every write transaction takes
 * (db/write-transaction.ts, keyed by the schema as db/pg-database.ts does).
 */
async function holdWriteLock(dbPath: string): Promise<() => Promise<void>> {
  if (TEST_DIALECT === 'sqlite') {
    const holder = new Database(dbPath);
    holder.exec('BEGIN IMMEDIATE');
    return async () => {
      holder.exec('ROLLBACK');
      holder.close();
    };
  }
  const client = new pg.Client({ connectionString: await pgUrlForPath(dbPath) });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [computeAdvisoryLockKey('copyhound.writer', schemaForPath(dbPath))]);
  return async () => {
    await client.query('ROLLBACK');
    await client.end();
  };
}

/**
 * A real crash: a child process saves a capture while the test holds the write lock, so the
 * save writes and renames its WARC file and then waits for the lock; SIGKILL leaves the file
 * with no row. Returns the orphan's path, relative to the data dir.
 */
async function crashMidSave(dbPath: string, dataDir: string, url: string): Promise<string> {
  const before = new Set(listFiles(dataDir));
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbPath, dataDir, url], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await waitFor(() => (out.includes('ready') ? true : undefined), 'child ready');
  const releaseLock = await holdWriteLock(dbPath);
  try {
    child.stdin.write('go\n');
    const orphan = await waitFor(() => listFiles(dataDir).find((f) => !before.has(f) && f.endsWith('.warc.gz')), 'the renamed WARC file');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(out).not.toContain('saved');
    return orphan;
  } finally {
    await releaseLock();
  }
}

/** The pid of a process that has exited (and so cannot own a temp file any more). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function captureName(): string {
  return `capture-${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 17)}-${randomUUID()}.warc.gz`;
}

function writeFile(dataDir: string, relative: string, content: string, mtime?: Date): string {
  const absolute = join(dataDir, relative);
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, content);
  if (mtime) utimesSync(absolute, mtime, mtime);
  return relative;
}

/** A store with saved captures and every kind of leftover a crash (or a user) can leave. */
async function buildStoreWithLeftovers(dir: string) {
  const dbPath = join(dir, 'copyhound.db');
  const dataDir = join(dir, 'data');
  const database = await openTestDatabase(dbPath, 2000);
  const store = createCaptureStore({ db: database.db, dataDir });
  const a = await store.save(captureInput('https://news.example/a', 'story a'));
  const b = await store.save(captureInput('https://news.example/b', 'story b'));
  const gone = await store.save(captureInput('https://news.example/gone', 'story gone'));
  const rows = await Promise.all([a, b, gone].map(async (c) => ({ id: c.id, path: (await findCaptureById(database.db, c.id))!.warcPath })));
  const referenced = rows.filter((r) => r.id !== gone.id).map((r) => r.path);
  await database.close();

  const crashOrphan = await crashMidSave(dbPath, dataDir, 'https://news.example/crash');
  utimesSync(join(dataDir, crashOrphan), LONG_AGO(), LONG_AGO());
  const dayDir = dirname(crashOrphan);
  const leftovers = {
    crashOrphan,
    deadOwnerTemp: writeFile(dataDir, join(dayDir, `${captureName()}.tmp-${HOST_TAG}-${deadPid()}-${randomUUID()}`), 'partial'),
    oldLegacyTemp: writeFile(dataDir, join(dayDir, `${captureName()}.tmp-${randomUUID()}`), 'partial, old', LONG_AGO()),
    liveOwnerTemp: writeFile(dataDir, join(dayDir, `${captureName()}.tmp-${HOST_TAG}-${process.pid}-${randomUUID()}`), 'being written'),
    recentOrphan: writeFile(dataDir, join(dayDir, captureName()), 'renamed a moment ago, row not yet committed'),
    otherFile: writeFile(dataDir, join('warc', 'notes.txt'), 'not ours', LONG_AGO()),
  };
  // A row whose file is gone: evidence lost, to be reported, never deleted.
  const goneRow = rows.find((r) => r.id === gone.id)!;
  unlinkSync(join(dataDir, goneRow.path));
  return { dbPath, dataDir, referenced, leftovers, ids: { a: a.id, b: b.id, gone: gone.id } };
}

describe('orphan capture sweep', () => {
  const tempDir = useTempDir();

  it('copyhound captures sweep: --dry-run reports, then the sweep removes crash leftovers and keeps referenced and recent files', { timeout: 60_000 }, async () => {
    const { dbPath, dataDir, referenced, leftovers, ids } = await buildStoreWithLeftovers(tempDir());
    // The folder store's sweep, on either database (the database store's: database-file-store.test.ts).
    const env = { COPYHOUND_DATA_DIR: dataDir, COPYHOUND_CAPTURE_STORE: 'folder' };

    const dry = await runCli(['--db', dbPath, 'captures', 'sweep', '--dry-run', '--json'], { env });
    expect(dry.code).toBe(0);
    const dryReport = JSON.parse(dry.stdout);
    expect(dryReport).toMatchObject({
      dryRun: true,
      orphans: { found: 1, removed: 0, paths: [leftovers.crashOrphan] },
      tempFiles: { found: 2, removed: 0 },
      keptRecent: 2,
      otherFiles: 1,
      missingFiles: { count: 1, captureIds: [ids.gone] },
      failures: [],
    });
    expect(dryReport.orphans.bytes).toBeGreaterThan(100);
    expect(dryReport.tempFiles.paths.sort()).toEqual([leftovers.deadOwnerTemp, leftovers.oldLegacyTemp].sort());
    for (const path of Object.values(leftovers)) expect(existsSync(join(dataDir, path)), path).toBe(true);

    const human = await runCli(['--db', dbPath, 'captures', 'sweep', '--dry-run'], { env });
    expect(human.stdout).toContain('orphan WARC files (no capture row, older than 10 min): 1 found, 1 would be removed');
    expect(human.stdout).toContain(`capture rows whose WARC file is missing (kept; evidence is never deleted): 1 (ids ${ids.gone})`);

    const real = await runCli(['--db', dbPath, 'captures', 'sweep', '--json'], { env });
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({ dryRun: false, orphans: { found: 1, removed: 1 }, tempFiles: { found: 2, removed: 2 }, keptRecent: 2 });
    for (const gone of [leftovers.crashOrphan, leftovers.deadOwnerTemp, leftovers.oldLegacyTemp]) expect(existsSync(join(dataDir, gone)), gone).toBe(false);
    for (const kept of [leftovers.liveOwnerTemp, leftovers.recentOrphan, leftovers.otherFile, ...referenced]) expect(existsSync(join(dataDir, kept)), kept).toBe(true);

    // The evidence is intact: rows all there (the missing one too), bodies still readable.
    const database = await openTestDatabase(dbPath, 2000);
    try {
      for (const id of [ids.a, ids.b, ids.gone]) expect(await findCaptureById(database.db, id)).toBeDefined();
      const store = createCaptureStore({ db: database.db, dataDir });
      expect((await store.readBody(ids.a)).toString()).toContain('story a');
      expect((await store.readBody(ids.b)).toString()).toContain('story b');
    } finally {
      await database.close();
    }
    const again = JSON.parse((await runCli(['--db', dbPath, 'captures', 'sweep', '--json'], { env })).stdout);
    expect(again).toMatchObject({ orphans: { found: 0 }, tempFiles: { found: 0 }, missingFiles: { count: 1 } });
  });

  it('copyhound serve sweeps at start, in the background, and logs what it did', { timeout: 60_000 }, async () => {
    const { dbPath, dataDir, referenced, leftovers } = await buildStoreWithLeftovers(tempDir());
    const { child, output } = await startServeProcess(['--db', dbPath], { COPYHOUND_DATA_DIR: dataDir, COPYHOUND_CAPTURE_STORE: 'folder' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const line = await waitFor(() => output().split('\n').find((l) => l.includes('"capture sweep done"')), 'the sweep log line');
      expect(JSON.parse(line)).toMatchObject({ level: 30, orphans: { found: 1, removed: 1 }, tempFiles: { found: 2, removed: 2 }, missingFiles: 1 });
      await waitFor(() => (output().includes('capture rows whose WARC file is missing') ? true : undefined), 'the missing-file warning');
      expect(existsSync(join(dataDir, leftovers.crashOrphan))).toBe(false);
      for (const kept of [leftovers.liveOwnerTemp, leftovers.recentOrphan, ...referenced]) expect(existsSync(join(dataDir, kept)), kept).toBe(true);
    } catch (error) {
      throw new Error(`${(error as Error).message}; serve output:\n${output()}`);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
