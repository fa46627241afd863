import type { Config } from '../config/index.ts';
import { openDatabase, type OpenDatabase } from '../db/open-db.ts';
import type { ArticleRegistryDeps } from './articles/article-registry.ts';
import type { Logger } from './log.ts';

/** Everything a command or the server needs, opened once and closed once. */
export interface App {
  config: Config;
  logger: Logger;
  database: OpenDatabase;
  registry: ArticleRegistryDeps;
  close(): void;
}

export function openApp(config: Config, logger: Logger): App {
  const database = openDatabase({ path: config.db.path, busyTimeoutMs: config.db.busyTimeoutMs });
  const registry: ArticleRegistryDeps = { db: database.db };
  return {
    config,
    logger,
    database,
    registry,
    close() {
      database.close();
    },
  };
}
