import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadConfig, type ConfigOverrides } from '../../config/index.ts';
import { queryRows } from '../../db/dialect.ts';
import { openApp } from '../../src/app.ts';
import { importArticleFile } from '../../src/articles/import-articles.ts';
import { createLogger } from '../../src/log.ts';
import { matchArticleText } from '../../src/pipeline.ts';
import { OWNED_NDJSON, paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestDatabase, testDatabaseSettings } from '../helpers/test-database.ts';

async function open(dir: string, overrides: ConfigOverrides = {}) {
  const config = loadConfig({}, { ...overrides, db: await testDatabaseSettings(join(dir, 'c.db')), data: { dir }, log: { level: 'silent' } });
  return await openApp(config, createLogger(config));
}

const asArticle = (text: string) => ({ title: '', text, links: [] }) as unknown as Parameters<typeof matchArticleText>[1];

describe('owned-article index', () => {
  const tempDir = useTempDir();
  const [nato] = readOwnedFixtures();

  it('re-fingerprints stored articles when the passage settings change', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await importArticleFile(first.registry, OWNED_NDJSON.pathname, { maxRecordBytes: first.config.import.maxRecordBytes });
    await first.close();
    const methods = async () => {
      const database = await openTestDatabase(join(dir, 'c.db'));
      try {
        return (await queryRows<{ method: string }>(database.db, sql`select distinct method from article_fingerprints`)).map((r) => r.method);
      } finally {
        await database.close();
      }
    };
    const before = await methods();
    expect(before).toHaveLength(1);

    const second = await open(dir, { match: { anchorRadius: 4 } });
    try {
      const matches = await matchArticleText(second, asArticle(nato.body));
      expect(matches[0]).toMatchObject({ articleId: 'aa-nato-syria', kind: 'reproduction' });
      const after = await methods();
      expect(after).toHaveLength(1);
      expect(after[0]).not.toBe(before[0]);
    } finally {
      await second.close();
    }
  });

  it('follows imports and removals made through the same app', async () => {
    const dir = tempDir();
    const app = await open(dir);
    try {
      expect(await matchArticleText(app, asArticle(paragraphsOf(nato).join('\n\n')))).toEqual([]);
      await importArticleFile(app.registry, OWNED_NDJSON.pathname, { maxRecordBytes: app.config.import.maxRecordBytes });
      expect((await matchArticleText(app, asArticle(nato.body)))[0]?.articleId).toBe('aa-nato-syria');
      const { removeArticle } = await import('../../src/articles/article-registry.ts');
      await removeArticle(app.registry, 'aa-nato-syria');
      expect(await matchArticleText(app, asArticle(nato.body))).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
