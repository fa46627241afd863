import { join } from 'node:path';
import { loadConfig, type ConfigOverrides } from '../../config/index.ts';
import { saveArticles } from '../../src/articles/article-registry.ts';
import { openApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/log.ts';
import { readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { testDatabaseSettings } from '../helpers/test-database.ts';

/** Settings for crawl tests: loopback allowed, politeness delays down to a few ms, quick retries. */
export function crawlTestEnv(dir: string): Record<string, string> {
  return {
    COPYHOUND_DB: join(dir, 'copyhound.db'),
    COPYHOUND_DATA_DIR: join(dir, 'data'),
    COPYHOUND_FETCH_ALLOW: '127.0.0.1',
    COPYHOUND_CRAWL_MIN_HOST_DELAY_MS: '5',
    COPYHOUND_CRAWL_BACKOFF_BASE_MS: '5',
    COPYHOUND_CRAWL_BACKOFF_CAP_MS: '20',
    LOG_LEVEL: 'silent',
  };
}

/** The real app over the test's database in `dir` (crawlTestEnv's file, or its PostgreSQL schema), with the three owned fixture articles imported. */
export async function openTestApp(dir: string, overrides: ConfigOverrides = {}, options: { owned?: boolean } = {}): Promise<App> {
  const config = loadConfig(crawlTestEnv(dir), { ...overrides, db: { ...(await testDatabaseSettings(join(dir, 'copyhound.db'))), ...overrides.db } });
  const app = await openApp(config, createLogger(config));
  if (options.owned !== false) {
    const result = await saveArticles(app.registry, readOwnedFixtures().map((value, ref) => ({ ref, value })));
    if (result.rejected > 0) throw new Error('fixture articles rejected');
  }
  return app;
}
