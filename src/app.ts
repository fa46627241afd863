import type { Config } from '../config/index.ts';
import { watchArticleChanges } from '../db/article-changes.ts';
import { openConfiguredDatabase, type OpenDatabase } from '../db/open-db.ts';
import { fillMissingPageHosts } from './decide-store.ts';
import type { ArticleRegistryDeps } from './articles/article-registry.ts';
import { captureStoreKind, createCaptureFileStore, createCaptureStore, type CaptureFileStore, type CaptureStore } from './evidence/index.ts';
import { createPagePool, type PagePool } from './workers/page-pool.ts';
import type { Logger } from './log.ts';
import { createArticleFingerprinter, createOwnedIndex, type OwnedIndex, type OwnedIndexOptions } from './owned-index.ts';

/** Everything a command or the server needs, opened once and closed once. */
export interface App {
  config: Config;
  logger: Logger;
  database: OpenDatabase;
  registry: ArticleRegistryDeps;
  captureStore: CaptureStore;
  /** Where the captures' WARC files are: the data folder or the database (COPYHOUND_CAPTURE_STORE). */
  captureFiles: CaptureFileStore;
  /** Worker threads for a page's CPU work: extraction, and matching of large pages (started on first use). */
  pagePool: PagePool;
  /** The owned-article fingerprint index, built on first use (commands that never match skip it). */
  getOwnedIndex(): Promise<OwnedIndex>;
  close(): Promise<void>;
}

export interface OpenAppOptions {
  /**
   * Checkpoint the WAL from a worker thread (db/wal-checkpointer.ts): for the long-running server,
   * where a commit must not stall the requests behind it. A one-shot command gains nothing (its
   * last close checkpoints anyway) and would start a thread for every call.
   */
  checkpointInBackground?: boolean;
}

export async function openApp(config: Config, logger: Logger, options: OpenAppOptions = {}): Promise<App> {
  // Checked before the database opens: a refused setting names its variable and touches nothing.
  const filesKind = captureStoreKind(config.data.captureStore, config.db.url ? 'pg' : 'sqlite');
  const database = await openConfiguredDatabase({
    path: config.db.path,
    url: config.db.url,
    poolSize: config.db.poolSize,
    onPoolError: (error) => logger.warn({ error: error.message }, 'a pooled PostgreSQL connection failed; the pool replaces it'),
    busyTimeoutMs: config.db.busyTimeoutMs,
    cacheMb: config.db.cacheMb,
    mmapMb: config.db.mmapMb,
    checkpointInBackground: options.checkpointInBackground ?? false,
    onCheckpointFailed: (message) => logger.warn({ error: message }, 'background WAL checkpoint failed; SQLite checkpoints in commits again'),
  });
  await fillMissingPageHosts(database.db);
  let owned: OwnedIndex | undefined;
  let building: Promise<OwnedIndex> | undefined;
  let closing = false;
  const pagePool = createPagePool(config.extract);
  const registry: ArticleRegistryDeps = {
    db: database.db,
    fingerprint: createArticleFingerprinter(config.match),
    // Forwarded only once the index exists: before that, building it reads the stored state anyway.
    listener: {
      onArticlesSaved: (saved) => owned?.listener.onArticlesSaved?.(saved),
      onArticleRemoved: (key) => owned?.listener.onArticleRemoved?.(key),
    },
  };
  const captureFiles = createCaptureFileStore({ kind: filesKind, db: database.db, dataDir: config.data.dir });
  return {
    config,
    logger,
    database,
    registry,
    captureStore: createCaptureStore({ db: database.db, dataDir: config.data.dir, files: captureFiles, logger }),
    captureFiles,
    pagePool,
    async getOwnedIndex() {
      // One build however many callers ask at once; a failed build is tried again by the next.
      if (!building) {
        // On PostgreSQL the index follows other processes' changes through LISTEN/NOTIFY (one
        // connection of its own, closed with the app); SQLite polls.
        const watchChanges: OwnedIndexOptions['watchChanges'] = async (handlers) => (closing ? undefined : await watchArticleChanges(database, handlers));
        const started = createOwnedIndex(database.db, config.match, logger, { watchChanges }).then(async (index) => {
          owned = index;
          // Closed while the index was being built: its listener must not outlive the app.
          if (closing) await index.close();
          return index;
        });
        building = started;
        started.catch(() => (building = undefined));
        return await started;
      }
      const index = await building;
      await index.sync();
      return index;
    },
    async close() {
      closing = true;
      await owned?.close();
      // Ends the worker threads (a task still running is aborted); nothing to wait for there.
      void pagePool.close();
      await database.close();
    },
  };
}
