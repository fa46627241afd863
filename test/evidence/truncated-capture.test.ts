import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WARCParser } from 'warcio';
import type { OpenDatabase } from '../../db/open-db.ts';
import { FetchError } from '../../src/errors.ts';
import { createCaptureStore, type CaptureStore } from '../../src/evidence/index.ts';
import { captureOfFailure, fetchPage } from '../../src/fetch/index.ts';
import { testFetchConfig, type TestServer } from '../fetch/helpers.ts';
import { startHostileServer } from '../fetch/hostile-server.ts';
import { openTestDatabase } from '../helpers/test-database.ts';

describe('responses cut short are kept as truncated captures', () => {
  let dir: string;
  let database: OpenDatabase;
  let store: CaptureStore;
  let server: TestServer;
  const config = testFetchConfig({ totalTimeoutMs: 2500, maxBodyBytes: 200 * 1024 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'copyhound-truncated-'));
    database = await openTestDatabase(join(dir, 'db.sqlite'), 2000);
    store = createCaptureStore({ db: database.db, dataDir: dir });
    server = await startHostileServer();
  });
  afterAll(async () => {
    await server.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['/gib-chunked', 'too_large', 'length'],
    ['/drip', 'timeout', 'time'],
    ['/liar', 'connection', 'disconnect'],
  ])('%s: %s → WARC-Truncated: %s', async (path, reason, truncated) => {
    const error = await fetchPage(server.url(path), { config, captureStore: store }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchError);
    expect((error as FetchError).reason).toBe(reason);
    const ref = captureOfFailure(error);
    expect(ref).toBeDefined();
    const capture = (await store.get(ref!.id))!;
    expect(capture).toMatchObject({ status: 200, truncated, finalUrl: server.url(path) });
    expect(capture.bodySize).toBeGreaterThan(0);
    // At most the cap plus the chunk that crossed it.
    expect(capture.bodySize).toBeLessThanOrEqual(200 * 1024 + 64 * 1024);
    const body = await store.readBody(capture.id);
    expect(body.length).toBe(capture.bodySize);
    let seen = false;
    for await (const record of new WARCParser(createReadStream(join(dir, capture.warcPath)))) {
      if (record.warcType !== 'response' && record.warcType !== 'revisit') continue;
      seen = true;
      expect(record.warcHeader('WARC-Truncated')).toBe(truncated);
    }
    expect(seen).toBe(true);
  });

  it('stores nothing for failures before any response (refused type body unread, blocked address)', async () => {
    for (const path of ['/image.png', '/stacked']) {
      const error = await fetchPage(server.url(path), { config, captureStore: store }).catch((e: unknown) => e);
      expect((error as FetchError).reason).toBe('unsupported_type');
      expect(captureOfFailure(error)).toBeUndefined();
    }
    const blocked = await fetchPage('http://127.0.0.1:9/', { config, captureStore: store }).catch((e: unknown) => e);
    expect(captureOfFailure(blocked)).toBeUndefined();
  });

  it('marks complete captures as not truncated', async () => {
    const page = await fetchPage(server.url('/hops/0'), { config, captureStore: store });
    expect((await store.get(page.capture!.id))!.truncated).toBeNull();
  });
});
