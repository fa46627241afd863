import { firstRow } from '../../db/dialect.ts';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { captures } from '../../db/schema/captures.ts';
import { crawlTestEnv, openTestApp } from '../crawl/crawl-helpers.ts';
import { captureInput } from '../evidence/capture-input.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const DAY_MS = 86_400_000;

describe('copyhound captures prune', () => {
  const tempDir = useTempDir();

  it('prunes an old uncited capture and its file, keeps a new one, and the custody log still verifies', async () => {
    const dir = tempDir();
    const env = crawlTestEnv(dir);
    const app = await openTestApp(dir, {}, { owned: false });
    const old = await app.captureStore.save(captureInput('http://example.test/old', 'an old page'));
    const recent = await app.captureStore.save(captureInput('http://example.test/new', 'a new page'));
    const db = app.database.db;
    // Backdated as a capture taken three days ago would be stored.
    await db.update(captures).set({ createdAt: new Date(Date.now() - 3 * DAY_MS).toISOString() }).where(eq(captures.id, old.id));
    const oldFile = firstRow(await db.select().from(captures).where(eq(captures.id, old.id)).limit(1))!.warcPath;
    await app.close();
    // In the data folder, or the database on PostgreSQL (COPYHOUND_CAPTURE_STORE=auto): asked of the store.
    const isStored = async () => {
      const reopened = await openTestApp(dir, {}, { owned: false });
      try {
        return (await reopened.captureFiles.sizeOf(oldFile)) !== null;
      } finally {
        await reopened.close();
      }
    };

    const dry = await runCliInProcess(['captures', 'prune', '--older-than', '1', '--dry-run', '--json'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, found: 1, pruned: 0 });
    expect(await isStored()).toBe(true);

    const pruned = await runCliInProcess(['captures', 'prune', '--older-than', '1'], { env });
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toContain('found 1, 1 pruned');
    expect(pruned.stdout).toContain(`pruned capture ${old.id}`);
    expect(await isStored()).toBe(false);

    const reopened = await openTestApp(dir, {}, { owned: false });
    const left = (await reopened.database.db.select({ id: captures.id }).from(captures)).map((r) => r.id);
    await reopened.close();
    expect(left).toEqual([recent.id]);
    expect((await runCliInProcess(['log', 'verify'], { env })).code).toBe(0);
  });

  it('refuses a missing or bad --older-than as bad usage (exit 2)', async () => {
    const env = crawlTestEnv(tempDir());
    for (const args of [[], ['--older-than', '0'], ['--older-than', 'soon'], ['--older-than', '2', '--limit', '0']]) {
      const result = await runCliInProcess(['captures', 'prune', ...args], { env });
      expect(result.code, args.join(' ')).toBe(2);
    }
  });
});
