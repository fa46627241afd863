import { firstRow } from '../../db/dialect.ts';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { appendCustodyEntry, countCustodyEntries, findCustodyEntriesFor } from '../../db/custody-log.ts';
import { captureBodies, captures } from '../../db/schema/captures.ts';
import { pages } from '../../db/schema/matches.ts';
import { reportCaptures } from '../../db/schema/reports.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import type { App } from '../../src/app.ts';
import { pruneCaptures, type PruneReport } from '../../src/capture-retention.ts';
import { signNewTreeHead } from '../../src/custody-log.ts';
import { verifyCustodyLog } from '../../src/custody-verify.ts';
import { ValidationError } from '../../src/errors.ts';
import { crawlTestEnv, openTestApp } from '../crawl/crawl-helpers.ts';
import { captureInput } from '../evidence/capture-input.ts';
import { startNewsSite, storyPath, type NewsSite } from '../fixtures/crawl/news-site.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const TEST_TIMEOUT_MS = 60_000;
const DAY_MS = 86_400_000;
const TSA_OFF = { tsaUrl: '', tsaTimeoutMs: 1000, treeHeadEveryHours: 24 };
// Story 7 is a planted copy (a report); story 3 is filler (a page with no match).
const COPY = 7;
const FILLER = 3;

/** Three days from now: every capture made by the test is then more than a day old. */
const later = () => new Date(Date.now() + 3 * DAY_MS);

async function fileOf(app: App, id: number): Promise<string> {
  const row = firstRow(await app.database.db.select().from(captures).where(eq(captures.id, id)).limit(1));
  if (!row) throw new Error(`capture ${id} has no row`);
  return row.warcPath;
}

/** Whether the capture file store (the data folder, or the database on PostgreSQL) holds the file. */
async function isStored(app: App, path: string): Promise<boolean> {
  return (await app.captureFiles.sizeOf(path)) !== null;
}


async function prune(app: App, options: { dryRun?: boolean; limit?: number; now?: () => Date } = {}): Promise<PruneReport> {
  return await pruneCaptures({ db: app.database.db, captureFiles: app.captureFiles, now: options.now ?? later }, { olderThanDays: 1, dryRun: options.dryRun, limit: options.limit });
}

describe('captures prune: retention of captures nothing cites', () => {
  const tempDir = useTempDir();
  let site: NewsSite | undefined;
  let app: App | undefined;
  afterEach(async () => {
    app?.close();
    app = undefined;
    await site?.close();
    site = undefined;
  });

  /** A crawl of one copy (a report) and one filler page, then three uncited captures: one alone, two of one body. */
  async function setup() {
    site = await startNewsSite({ stories: 12 });
    const dir = tempDir();
    await (await openTestApp(dir)).close();
    const env = crawlTestEnv(dir);
    const urls = [COPY, FILLER].map((n) => site!.url + storyPath(n));
    expect((await runCliInProcess(['sources', 'add', '--type', 'urls', '--url', urls[0], '--url', urls[1], '--name', 'list'], { env })).code).toBe(0);
    expect((await runCliInProcess(['crawl', 'list'], { env })).code).toBe(0);
    app = await openTestApp(dir, {}, { owned: false });
    const db = app.database.db;
    const cited = (await db.select({ id: reportCaptures.captureId }).from(reportCaptures)).map((r) => r.id);
    const filler = firstRow(await db.select({ id: pages.captureId }).from(pages).where(eq(pages.url, urls[1])).limit(1))?.id;
    expect(cited).toHaveLength(1);
    expect(filler).toBeTypeOf('number');
    const alone = (await app.captureStore.save(captureInput('http://example.test/alone', 'alone'))).id;
    const holder = (await app.captureStore.save(captureInput('http://example.test/shared', 'shared'))).id;
    const revisit = (await app.captureStore.save(captureInput('http://example.test/shared', 'shared'))).id;
    const recordTypes = firstRow(await db.select({ recordType: captures.recordType }).from(captures).where(eq(captures.id, revisit)).limit(1));
    expect(recordTypes).toEqual({ recordType: 'revisit' });
    // A signed head before the prune: the tombstones must extend it, not rewrite it.
    await signNewTreeHead({ db, config: TSA_OFF }, 'command');
    return { app, db, report: cited[0], filler: filler!, alone, holder, revisit };
  }

  it(
    'a dry run lists what would go and deletes nothing; the prune keeps cited captures, removes uncited old ones with their files, and the log verifies',
    async () => {
      const { app, db, report, filler, alone, holder, revisit } = await setup();
      const files = new Map(await Promise.all([report, filler, alone, holder, revisit].map(async (id) => [id, await fileOf(app, id)] as const)));
      const entries = await countCustodyEntries(db);

      // Fresh captures are never eligible: nothing is a day old yet.
      expect(await prune(app, { now: () => new Date() })).toMatchObject({ found: 0, pruned: 0 });

      const dry = await prune(app, { dryRun: true });
      const dryIds = dry.captures.map((c) => c.id);
      expect(dryIds).toContain(alone);
      expect(dryIds).toContain(revisit);
      // The holder of a body another capture revisits stays while that capture does.
      expect(dryIds).not.toContain(holder);
      expect(dryIds).not.toContain(report);
      expect(dryIds).not.toContain(filler);
      expect(dry).toMatchObject({ dryRun: true, pruned: 0, found: dryIds.length, filesRemoved: dryIds.length });
      expect(dry.bytes).toBeGreaterThan(0);
      expect(await countCustodyEntries(db)).toBe(entries);
      for (const [id, file] of files) {
        expect(firstRow(await db.select().from(captures).where(eq(captures.id, id)).limit(1)), `capture ${id}`).toBeDefined();
        expect(await isStored(app, file), file).toBe(true);
      }

      const first = await prune(app);
      expect(first).toMatchObject({ dryRun: false, found: dryIds.length, pruned: dryIds.length, keptCitedMeanwhile: 0, failures: [] });
      expect(first.captures.map((c) => c.id)).toEqual(dryIds);
      expect(await countCustodyEntries(db)).toBe(entries + dryIds.length);
      for (const id of [alone, revisit]) {
        expect(firstRow(await db.select().from(captures).where(eq(captures.id, id)).limit(1))).toBeUndefined();
        expect(await isStored(app, files.get(id)!)).toBe(false);
        const [tombstone] = await findCustodyEntriesFor(db, 'capture_pruned', id);
        const [logged] = await findCustodyEntriesFor(db, 'capture', id);
        expect(JSON.parse(tombstone.leaf)).toMatchObject({ type: 'capture_pruned', id, reason: 'retention', sha256: JSON.parse(logged.leaf).sha256, captureEntry: logged.id - 1 });
      }
      for (const id of [report, filler, holder]) {
        expect(firstRow(await db.select().from(captures).where(eq(captures.id, id)).limit(1)), `capture ${id}`).toBeDefined();
        expect(await isStored(app, files.get(id)!)).toBe(true);
      }
      // The revisit is gone, so the body's holder is now alone: it goes, with its body row.
      expect(await app.captureStore.readBody(holder)).toBeInstanceOf(Buffer);
      const body = firstRow(await db.select().from(captures).where(eq(captures.id, holder)).limit(1))!.bodySha256;
      const second = await prune(app);
      expect(second.captures.map((c) => [c.id, c.bodyRemoved])).toEqual([[holder, true]]);
      expect(await isStored(app, files.get(holder)!)).toBe(false);
      expect(firstRow(await db.select().from(captureBodies).where(eq(captureBodies.sha256, body)).limit(1))).toBeUndefined();
      expect(await prune(app)).toMatchObject({ found: 0, pruned: 0 });

      // What a report cites still reads and verifies; the log verifies with the tombstones in it.
      expect(await app.captureStore.readBody(report)).toBeInstanceOf(Buffer);
      await signNewTreeHead({ db, config: TSA_OFF }, 'command');
      const verified = await verifyCustodyLog(db, app.captureFiles);
      expect(verified.problems).toEqual([]);
      expect(verified).toMatchObject({ problemCount: 0, firstBadEntry: null, capturesPruned: dryIds.length + 1, treeHeads: 2 });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a capture deleted without a tombstone still fails verification, and a tombstone whose capture is still there is named',
    async () => {
      const { app, db, alone, holder } = await setup();
      // What someone with the database file could do: a silent hole.
      await db.delete(captures).where(eq(captures.id, alone));
      const holed = await verifyCustodyLog(db, app.captureFiles);
      expect(holed.problems.join('\n')).toMatch(new RegExp(`\\(capture ${alone}, .*the capture it vouches for is gone`));
      expect(holed.capturesPruned).toBe(0);
      // A lying tombstone: the capture it claims pruned is still stored.
      await writeTransaction(db, async (tx) => await appendCustodyEntry(tx, { type: 'capture_pruned', refId: holder, at: new Date().toISOString(), sha256: '0'.repeat(64), fields: { captureEntry: null } }));
      const lied = await verifyCustodyLog(db, app.captureFiles);
      expect(lied.problems.join('\n')).toMatch(new RegExp(`logs capture ${holder} as pruned, but its row is still there`));
      expect(lied.problems.join('\n')).toMatch(new RegExp(`names no capture entry, but capture ${holder} has one`));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'is bounded by its limit and refuses an age under a day or a bad limit',
    async () => {
      const { app, alone, revisit } = await setup();
      const one = await prune(app, { limit: 1 });
      expect(one).toMatchObject({ found: 1, pruned: 1, more: true, limit: 1 });
      const rest = await prune(app, { limit: 10 });
      expect(rest.more).toBe(false);
      expect([...one.captures, ...rest.captures].map((c) => c.id)).toEqual(expect.arrayContaining([alone, revisit]));
      const deps = { db: app.database.db, captureFiles: app.captureFiles };
      await expect(pruneCaptures(deps, { olderThanDays: 0 })).rejects.toBeInstanceOf(ValidationError);
      await expect(pruneCaptures(deps, { olderThanDays: 1.5 })).rejects.toBeInstanceOf(ValidationError);
      await expect(pruneCaptures(deps, { olderThanDays: 30, limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    },
    TEST_TIMEOUT_MS,
  );
});
