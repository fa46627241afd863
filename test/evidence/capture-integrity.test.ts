import { copyFileSync, createReadStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WARCParser } from 'warcio';
import { findCaptureBody } from '../../db/captures.ts';
import { dialectOf, executeStatement } from '../../db/dialect.ts';
import type { OpenDatabase } from '../../db/open-db.ts';
import { createCaptureStore, type CaptureInput, type CaptureStore } from '../../src/evidence/index.ts';
import { openTestDatabase } from '../helpers/test-database.ts';

function input(body: string, url = 'https://news.example/story'): CaptureInput {
  return {
    requestedUrl: url,
    finalUrl: url,
    status: 200,
    statusText: 'OK',
    headerLines: [['content-type', 'text/html'], ['transfer-encoding', 'chunked']],
    requestHeaders: [['host', 'news.example'], ['user-agent', 'Copyhound/0.1 (+https://example.org/copyhound-bot)']],
    redirects: [],
    remoteAddress: '93.184.216.34',
    startedAt: '2026-11-27T10:00:00.000Z',
    endedAt: '2026-11-27T10:00:01.500Z',
    rawBody: Buffer.from(body),
    contentType: 'text/html',
    fetcherVersion: 'test',
    settings: { maxBodyBytes: 1 },
  };
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('.warc.gz'));
}

/** Makes every insert into captures fail (a full disk, say), or stops doing so; a trigger in each dialect. */
async function failCaptureInserts(database: OpenDatabase, fail: boolean): Promise<void> {
  const pg = dialectOf(database.db) === 'pg';
  const statements = fail
    ? pg
      ? [
          `CREATE FUNCTION fail_capture() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$`,
          'CREATE TRIGGER fail_capture BEFORE INSERT ON captures FOR EACH ROW EXECUTE FUNCTION fail_capture()',
        ]
      : [`CREATE TRIGGER fail_capture BEFORE INSERT ON captures BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`]
    : [pg ? 'DROP TRIGGER fail_capture ON captures' : 'DROP TRIGGER fail_capture'];
  for (const statement of statements) await executeStatement(database.db, sql.raw(statement));
}

describe('capture store integrity', () => {
  let dir: string;
  let database: OpenDatabase;
  let store: CaptureStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'copyhound-integrity-'));
    database = await openTestDatabase(join(dir, 'db.sqlite'), 2000);
    store = createCaptureStore({ db: database.db, dataDir: join(dir, 'data') });
  });
  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a body once even when identical captures are saved concurrently', async () => {
    const results = await Promise.all([1, 2, 3, 4].map((n) => store.save(input('<p>same</p>', `https://copy${n}.example/a`))));
    const captures = await Promise.all(results.map(async (r) => await store.get(r.id)));
    expect(captures.map((c) => c!.recordType).sort()).toEqual(['response', 'revisit', 'revisit', 'revisit']);
    expect(new Set(results.map((r) => r.sha256)).size).toBe(1);
    const body = (await findCaptureBody(database.db, results[0].sha256))!;
    expect(body.size).toBe(11);
    expect(captures.find((c) => c!.recordType === 'response')!.warcPath).toBe(body.warcPath);
    for (const r of results) expect((await store.readBody(r.id)).toString()).toBe('<p>same</p>');
  });

  it('drops hop-by-hop framing headers from the WARC but keeps them on the row', async () => {
    const { id } = await store.save(input('<p>x</p>'));
    const capture = (await store.get(id))!;
    expect(capture.headers).toContainEqual(['transfer-encoding', 'chunked']);
    let responses = 0;
    for await (const record of new WARCParser(createReadStream(join(dir, 'data', capture.warcPath)))) {
      if (record.warcType !== 'response') continue;
      responses++;
      expect(record.httpHeaders?.headers.get('transfer-encoding')).toBeNull();
      expect(record.httpHeaders?.headers.get('content-type')).toBe('text/html');
    }
    expect(responses).toBe(1);
  });

  it('leaves no file and no body row behind when the row cannot be written', async () => {
    await failCaptureInserts(database, true);
    // PostgreSQL's error reaches us wrapped by drizzle ("Failed query: ..."), the database's own as its cause.
    const failure = await store.save(input('<p>doomed</p>')).then(() => undefined, (error: Error & { cause?: Error }) => `${error.message}\n${error.cause?.message ?? ''}`);
    expect(failure).toMatch(/disk on fire/);
    expect(allFiles(join(dir))).toEqual([]);
    await failCaptureInserts(database, false);
    const { id, sha256 } = await store.save(input('<p>doomed</p>'));
    expect((await store.get(id))!.recordType).toBe('response');
    expect(await findCaptureBody(database.db, sha256)).toBeDefined();
  });

  it('detects a capture file that no longer holds its body', async () => {
    const first = await store.save(input('<p>one</p>'));
    const second = await store.save(input('<p>two</p>'));
    const a = (await store.get(first.id))!;
    const b = (await store.get(second.id))!;
    copyFileSync(join(dir, 'data', b.warcPath), join(dir, 'data', a.warcPath));
    await expect(store.readBody(first.id)).rejects.toMatchObject({ code: 'capture_integrity' });
    expect((await store.readBody(second.id)).toString()).toBe('<p>two</p>');
  });
});
