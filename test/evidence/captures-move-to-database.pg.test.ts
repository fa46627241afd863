import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { insertCaptureRender } from '../../db/capture-renders.ts';
import { openPgDatabase } from '../../db/pg-database.ts';
import { createCaptureFileStore, createCaptureStore } from '../../src/evidence/index.ts';
import { captureInput } from './capture-input.ts';
import { usePgTestDb, type PgTestDb } from '../helpers/pg-test-db.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

/**
 * `copyhound captures move-to-database` on a PostgreSQL installation that kept its capture files in
 * the data folder: real schema, real folder, the real CLI. It refuses a file that differs from its
 * recorded hash or is missing (naming the capture and path), re-runs carry on where it stopped,
 * and afterwards the app reads every body from the table with no data folder at all.
 */

const tempDir = useTempDir();
const makePgTestDb = usePgTestDb();

const RENDER_PATH = 'renders/2026-12-02/capture-1.png';

interface Installation {
  pg: PgTestDb;
  dataDir: string;
  ids: number[];
  paths: string[];
}

/** Three captures (the third a revisit of the first) and one rendered view, their files in the folder. */
async function seedFolderInstallation(): Promise<Installation> {
  const pg = await makePgTestDb();
  const dataDir = join(tempDir(), 'data');
  const database = await openPgDatabase({ url: pg.url, poolSize: 2 });
  try {
    const files = createCaptureFileStore({ kind: 'folder', db: database.db, dataDir });
    const store = createCaptureStore({ db: database.db, dataDir, files });
    const a = captureInput('https://news.example/a', 'story a');
    const ids = [
      (await store.save(a)).id,
      (await store.save(captureInput('https://news.example/b', 'story b'))).id,
      (await store.save({ ...captureInput('https://copy.example/a', 'story a'), rawBody: a.rawBody })).id,
    ];
    const png = Buffer.from('not really a png, but bytes with a hash');
    mkdirSync(join(dataDir, 'renders/2026-12-02'), { recursive: true });
    writeFileSync(join(dataDir, RENDER_PATH), png);
    await insertCaptureRender(database.db, { captureId: ids[0]!, format: 'png', path: RENDER_PATH, sha256: createHash('sha256').update(png).digest('hex'), bytes: png.length, warnings: [], createdAt: new Date().toISOString() });
    const { rows } = await pg.pool.query<{ path: string }>('select warc_path as path from captures order by id');
    return { pg, dataDir, ids, paths: rows.map((r) => r.path) };
  } finally {
    await database.close();
  }
}

function moveToDatabase(inst: Installation, ...more: string[]) {
  return runCliInProcess(['captures', 'move-to-database', ...more], { env: { COPYHOUND_DATABASE_URL: inst.pg.url, COPYHOUND_DATA_DIR: inst.dataDir, COPYHOUND_CAPTURE_STORE: 'folder' } });
}

async function storedPaths(pg: PgTestDb): Promise<string[]> {
  return (await pg.pool.query<{ path: string }>('select path from capture_files order by path')).rows.map((r) => r.path);
}

describe('copyhound captures move-to-database', () => {
  it('refuses a mismatched or missing file naming the capture and path, resumes, and the database then serves every body', { timeout: 90_000 }, async () => {
    const inst = await seedFolderInstallation();
    const [first, second, third] = inst.paths as [string, string, string];

    // The second capture's WARC file changed on disk: refused, named, not copied; the first stays copied.
    const secondFile = join(inst.dataDir, second);
    const original = readFileSync(secondFile);
    writeFileSync(secondFile, Buffer.concat([original, Buffer.from('tampered')]));
    const mismatch = await moveToDatabase(inst);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain(`capture ${inst.ids[1]}: its file ${second} in ${inst.dataDir} does not match the SHA-256 recorded when it was written`);
    expect(mismatch.stderr).toContain('1 file(s) copied before it stay in the database, and a re-run skips them and carries on; no file was deleted');
    expect(await storedPaths(inst.pg)).toEqual([first]);
    writeFileSync(secondFile, original);

    // The third's file is gone: refused naming it, unless --allow-missing-files.
    const thirdFile = join(inst.dataDir, third);
    renameSync(thirdFile, `${thirdFile}.away`);
    const missing = await moveToDatabase(inst);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`capture ${inst.ids[2]}: its file ${third} is not in ${inst.dataDir}`);
    expect(missing.stderr).toContain('--allow-missing-files');
    expect(await storedPaths(inst.pg)).toEqual([first, second].sort());

    const allowed = await moveToDatabase(inst, '--allow-missing-files', '--json');
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ copied: 1, missing: { count: 1, paths: [third] }, mismatched: { count: 0 }, deleted: 0 });
    expect(allowed.stderr).toMatch(/files are copied, never deleted/);

    // The file back: a re-run copies it alone, one row per query to walk several pages.
    renameSync(`${thirdFile}.away`, thirdFile);
    const resumed = await moveToDatabase(inst, '--batch-size', '1');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('copied now: 1 file(s)');
    expect(resumed.stdout).toContain(`The files in ${inst.dataDir} were left in place: nothing was deleted.`);
    expect(resumed.stdout).toContain('still reads capture files from the data folder (COPYHOUND_CAPTURE_STORE=folder)');
    expect(resumed.stderr).toMatch(/^checked 1 rows: /m);
    const again = await moveToDatabase(inst, '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ copied: 0, bytes: 0, missing: { count: 0 } });
    expect(await storedPaths(inst.pg)).toEqual([first, second, third, RENDER_PATH].sort());
    // Every folder file is still there.
    for (const path of [...inst.paths, RENDER_PATH]) expect(existsSync(join(inst.dataDir, path))).toBe(true);

    // Each stored file's hash is the one its row recorded.
    const { rows } = await inst.pg.pool.query<{ stored: string; recorded: string }>(
      'select f.sha256 as stored, c.warc_sha256 as recorded from captures c join capture_files f on f.path = c.warc_path union all select f.sha256, r.sha256 from capture_renders r join capture_files f on f.path = r.path',
    );
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.stored).toBe(row.recorded);

    // The database store with no data folder at all serves the bodies, the revisit's too.
    const database = await openPgDatabase({ url: inst.pg.url, poolSize: 2 });
    try {
      const nowhere = join(tempDir(), 'none');
      const files = createCaptureFileStore({ kind: 'database', db: database.db, dataDir: nowhere });
      const store = createCaptureStore({ db: database.db, dataDir: nowhere, files });
      expect((await store.readBody(inst.ids[2]!)).toString()).toContain('story a');
      expect((await store.readBody(inst.ids[1]!)).toString()).toContain('story b');
      expect((await files.read(RENDER_PATH)).toString()).toBe('not really a png, but bytes with a hash');
    } finally {
      await database.close();
    }
    const verify = await runCliInProcess(['log', 'verify', '--json'], { env: { COPYHOUND_DATABASE_URL: inst.pg.url, COPYHOUND_DATA_DIR: join(tempDir(), 'elsewhere') } });
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ filesChecked: 4, problemCount: 0 });
  });

  it('refuses on SQLite, where capture files live in the data folder', async () => {
    const dir = tempDir();
    const r = await runCliInProcess(['--db', join(dir, 'copyhound.db'), 'captures', 'move-to-database'], { env: { COPYHOUND_DATABASE_URL: '', COPYHOUND_DATA_DIR: dir } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('captures move-to-database needs PostgreSQL (COPYHOUND_DATABASE_URL)');
    expect(existsSync(join(dir, 'copyhound.db'))).toBe(false);
  });
});
