import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findUnfinishedRun } from '../../db/crawl-state.ts';
import { openDatabase } from '../../db/open-db.ts';
import { captures } from '../../db/schema/captures.ts';
import { findSourceByName } from '../../db/sources.ts';
import { addSource } from '../../crawlers/sources-service.ts';
import { runSource } from '../../crawlers/run-source.ts';
import { restoreBackup, takeBackup } from '../../src/backup-admin.ts';
import { startNewsSite, type NewsSite } from '../fixtures/crawl/news-site.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestApp } from '../crawl/crawl-helpers.ts';

const CRAWL_TEST_TIMEOUT_MS = 120_000;
// The site answers this many requests, then holds the rest until the backup is taken: the crawl
// is surely mid-run (pages stored, more to come) however fast or loaded the machine is.
const HELD_AFTER_REQUESTS = 40;
// Pages stored before the backup starts: the snapshot has captures, matches and custody entries.
const PAGES_BEFORE_BACKUP = 20;

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('backup while a crawl writes', () => {
  const tempDir = useTempDir();
  let site: NewsSite | undefined;
  afterEach(async () => {
    site?.release();
    await site?.close();
    site = undefined;
  });

  it(
    'restores to a database whose integrity check passes, whose custody log verifies and whose captures all match their stored sha256',
    async () => {
      site = await startNewsSite({ stories: 80, latencyMs: 5 });
      const dir = tempDir();
      const crawler = await openTestApp(dir);
      // The backup reads through its own connection, as `copyhound backup` beside `serve` does.
      const backupApp = await openTestApp(dir, {}, { owned: false });
      const backupDir = join(tempDir(), 'backup');
      const restoreDir = join(tempDir(), 'restored');
      try {
        const source = await addSource(crawler, { type: 'site', url: `${site.url}/`, name: 'site' });
        site.holdAfter(HELD_AFTER_REQUESTS);
        const crawl = runSource(crawler, source);
        while (site.log.filter((e) => e.path !== '/robots.txt').length < PAGES_BEFORE_BACKUP) await new Promise((r) => setTimeout(r, 10));

        const manifest = await takeBackup(backupApp, backupDir);
        site.release();
        const summary = await crawl;
        expect(summary.status).toBe('completed');

        expect(manifest.database.rowCounts.captures).toBeGreaterThan(0);
        expect(manifest.custodyLog.size).toBeGreaterThan(0);
        expect(manifest.files.length).toBeGreaterThan(0);
        expect(manifest.missingFiles).toEqual([]);

        const report = await restoreBackup(backupDir, { dbPath: join(restoreDir, 'copyhound.db'), dataDir: restoreDir, busyTimeoutMs: 5000 });
        expect(report.integrityCheck).toEqual(['ok']);
        expect(report.custodyLog.verification.problems).toEqual([]);
        expect(report.custodyLog.matchesManifest).toBe(true);
        expect(report.ok).toBe(true);

        const restored = openDatabase({ path: join(restoreDir, 'copyhound.db'), busyTimeoutMs: 5000 });
        try {
          const rows = restored.db.select().from(captures).all();
          expect(rows.length).toBe(manifest.database.rowCounts.captures);
          for (const row of rows) expect(sha256Of(join(restoreDir, row.warcPath)), `capture ${row.id}`).toBe(row.warcSha256);
          // The snapshot was taken mid-run: its run is unfinished, and the crawl went on storing after it.
          const restoredSource = (await findSourceByName(restored.db, 'site'))!;
          expect(await findUnfinishedRun(restored.db, restoredSource.id)).toBeDefined();
          expect((await crawler.database.db.select().from(captures)).length).toBeGreaterThan(rows.length);
        } finally {
          await restored.close();
        }
      } finally {
        await backupApp.close();
        await crawler.close();
      }
    },
    CRAWL_TEST_TIMEOUT_MS,
  );
});
