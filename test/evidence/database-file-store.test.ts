import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WARCParser } from 'warcio';
import { ConfigError } from '../../config/config-error.ts';
import { insertCaptureRender } from '../../db/capture-renders.ts';
import { executeStatement } from '../../db/dialect.ts';
import { openDatabase, type OpenDatabase } from '../../db/open-db.ts';
import { captureFiles } from '../../db/schema/capture-files.ts';
import { captures } from '../../db/schema/captures.ts';
import { verifyCustodyLog } from '../../src/custody-verify.ts';
import {
  CaptureFileMissingError,
  CaptureIntegrityError,
  captureStoreKind,
  createCaptureFileStore,
  createCaptureStore,
  sweepOrphanCaptures,
  type CaptureFileStore,
  type CaptureStore,
} from '../../src/evidence/index.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { openTestDatabase } from '../helpers/test-database.ts';
import { captureInput } from './capture-input.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
// Far older than any grace period: a row left by a crash long ago.
const LONG_AGO = '2000-01-01T00:00:00.000Z';
const GRACE_MS = 60_000;

describe('capture files in the database (COPYHOUND_CAPTURE_STORE=database)', () => {
  let dir: string;
  let database: OpenDatabase;
  let files: CaptureFileStore;
  let store: CaptureStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'copyhound-db-files-'));
    database = await openTestDatabase(join(dir, 'copyhound.db'), 2000);
    files = createCaptureFileStore({ kind: 'database', db: database.db, dataDir: join(dir, 'data') });
    store = createCaptureStore({ db: database.db, dataDir: join(dir, 'data'), files });
  });

  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a file whole and reads back the same bytes, with its size and SHA-256', async () => {
    const parts = [Buffer.from('first part, '), Buffer.from('second part')];
    const written = await files.write('warc/2026/01/02/plain.warc.gz', parts);
    const whole = Buffer.concat(parts);
    expect(written).toEqual({ bytes: whole.length, sha256: sha256(whole) });
    expect(await files.read('warc/2026/01/02/plain.warc.gz')).toEqual(whole);
    expect(await files.sizeOf('warc/2026/01/02/plain.warc.gz')).toBe(whole.length);
    expect(await files.sha256Of('warc/2026/01/02/plain.warc.gz')).toBe(sha256(whole));
    expect(await files.remove('warc/2026/01/02/plain.warc.gz')).toBe(true);
    expect(await files.remove('warc/2026/01/02/plain.warc.gz')).toBe(false);
  });

  it('saves captures into the table, not the data folder, and serves bodies, revisits and exports from it', async () => {
    const input = captureInput('https://news.example/a', 'story a');
    const first = await store.save(input);
    // The same bytes under another URL: a revisit, whose body is read from the first capture's file.
    const again = await store.save({ ...captureInput('https://copy.example/a', 'story a'), rawBody: input.rawBody });
    const row = (await store.get(first.id))!;
    const revisit = (await store.get(again.id))!;
    expect(revisit.recordType).toBe('revisit');
    expect(existsSync(join(dir, 'data'))).toBe(false);
    const stored = await database.db.select().from(captureFiles).where(eq(captureFiles.path, row.warcPath));
    expect(stored).toHaveLength(1);
    const [{ warcSha256 }] = await database.db.select({ warcSha256: captures.warcSha256 }).from(captures).where(eq(captures.id, first.id));
    expect(stored[0]!.sha256).toBe(warcSha256);

    expect((await store.readBody(again.id)).toString()).toContain('story a');
    const out = join(dir, 'export.warc.gz');
    const exported = await store.exportWarc([again.id], out);
    expect(exported.files).toBe(2);
    const types: string[] = [];
    for await (const record of new WARCParser([readFileSync(out)])) types.push(record.warcType ?? '');
    expect(types.filter((t) => t === 'response' || t === 'revisit')).toEqual(['response', 'revisit']);
    // The custody log vouches for the bytes the table holds.
    expect(await verifyCustodyLog(database.db, files)).toMatchObject({ problemCount: 0 });
  });

  it('detects a row whose bytes were changed: reads fail, the custody log check names the capture', async () => {
    const { id } = await store.save(captureInput('https://news.example/tampered', 'original words'));
    const path = (await store.get(id))!.warcPath;
    const original = await files.read(path);
    const altered = Buffer.from(original);
    altered[altered.length - 1] ^= 0xff;
    await database.db.update(captureFiles).set({ bytes: altered }).where(eq(captureFiles.path, path));

    await expect(files.read(path)).rejects.toThrow(CaptureIntegrityError);
    await expect(files.read(path)).rejects.toThrow(`capture file ${path} in the database (table capture_files) no longer matches the SHA-256 stored with it`);
    await expect(store.readBody(id)).rejects.toBeInstanceOf(CaptureIntegrityError);
    expect(await files.sha256Of(path)).toBe(sha256(altered));
    const verified = await verifyCustodyLog(database.db, files);
    expect(verified.problems.join('\n')).toContain(`capture ${id}`);
    await database.db.update(captureFiles).set({ bytes: original }).where(eq(captureFiles.path, path));
    expect((await store.readBody(id)).toString()).toContain('original words');
  });

  it('names the path and the store when a file is missing', async () => {
    await expect(files.read('warc/2026/01/02/never-written.warc.gz')).rejects.toThrow(CaptureFileMissingError);
    await expect(files.read('warc/2026/01/02/never-written.warc.gz')).rejects.toThrow('capture file warc/2026/01/02/never-written.warc.gz is missing from the database (table capture_files)');
    expect(await files.sizeOf('warc/2026/01/02/never-written.warc.gz')).toBeNull();
    expect(await files.sha256Of('warc/2026/01/02/never-written.warc.gz')).toBeNull();
  });

  it('sweeps rows no capture names once older than the grace, keeps young ones, reports captures without a file', async () => {
    const { id } = await store.save(captureInput('https://news.example/loses-file', 'story lost'));
    const lostPath = (await store.get(id))!.warcPath;
    await executeStatement(database.db, sql`delete from capture_files where path = ${lostPath}`);
    await files.write('warc/2000/01/01/crash-orphan.warc.gz', [Buffer.from('written, then the process died')]);
    await database.db.update(captureFiles).set({ createdAt: LONG_AGO }).where(eq(captureFiles.path, 'warc/2000/01/01/crash-orphan.warc.gz'));
    await files.write('warc/2026/01/02/in-flight.warc.gz', [Buffer.from('its capture row is on its way')]);
    // A rendered view is a capture file too: its render row keeps it, however old.
    const png = Buffer.from('a rendered view');
    await files.write('renders/2000/01/01/capture-1.png', [png]);
    await database.db.update(captureFiles).set({ createdAt: LONG_AGO }).where(eq(captureFiles.path, 'renders/2000/01/01/capture-1.png'));
    await insertCaptureRender(database.db, { captureId: 1, format: 'png', path: 'renders/2000/01/01/capture-1.png', sha256: sha256(png), bytes: png.length, warnings: [], createdAt: LONG_AGO });
    const options = { db: database.db, dataDir: join(dir, 'data'), captureFiles: files, graceMs: GRACE_MS };

    const dry = await sweepOrphanCaptures({ ...options, dryRun: true });
    expect(dry.orphans).toMatchObject({ found: 1, removed: 0, paths: ['warc/2000/01/01/crash-orphan.warc.gz'] });
    const swept = await sweepOrphanCaptures(options);
    expect(swept.orphans).toMatchObject({ found: 1, removed: 1 });
    expect(swept.keptRecent).toBe(1);
    expect(swept.missingFiles).toEqual({ count: 1, captureIds: [id] });
    expect(await files.sizeOf('warc/2000/01/01/crash-orphan.warc.gz')).toBeNull();
    expect(await files.sizeOf('warc/2026/01/02/in-flight.warc.gz')).not.toBeNull();
    expect(await files.read('renders/2000/01/01/capture-1.png')).toEqual(png);
    // Files of saved captures are never orphans.
    expect(await files.sizeOf((await store.get(1))!.warcPath)).not.toBeNull();
  });

  it('is chosen by COPYHOUND_CAPTURE_STORE: auto means the database on PostgreSQL, the folder on SQLite, and SQLite refuses the database', () => {
    expect(captureStoreKind('auto', 'pg')).toBe('database');
    expect(captureStoreKind('auto', 'sqlite')).toBe('folder');
    expect(captureStoreKind('folder', 'pg')).toBe('folder');
    expect(captureStoreKind('database', 'pg')).toBe('database');
    expect(() => captureStoreKind('database', 'sqlite')).toThrow(ConfigError);
    expect(() => captureStoreKind('database', 'sqlite')).toThrow(/COPYHOUND_CAPTURE_STORE=database needs PostgreSQL \(COPYHOUND_DATABASE_URL\)/);
  });

  it('a command on SQLite with COPYHOUND_CAPTURE_STORE=database stops, naming the variable', async () => {
    const dataDir = join(dir, 'sqlite-install');
    await openDatabase({ path: join(dataDir, 'copyhound.db'), busyTimeoutMs: 2000 }).close();
    // An explicit empty URL is the SQLite file, in the PostgreSQL suite too.
    const r = await runCliInProcess(['captures', 'sweep', '--dry-run'], { env: { COPYHOUND_DATABASE_URL: '', COPYHOUND_DATA_DIR: dataDir, COPYHOUND_CAPTURE_STORE: 'database' } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('COPYHOUND_CAPTURE_STORE=database needs PostgreSQL');
  });
});
