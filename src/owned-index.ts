import type { Config } from '../config/index.ts';
import { notifyArticlesChanged, type ArticleChangeHandlers, type ArticleChangeWatch } from '../db/article-changes.ts';
import {
  findArticleTexts,
  findArticlesNeedingFingerprints,
  findFingerprintsUpdatedAfter,
  iterateArticleFingerprints,
  readArticlesRevision,
  upsertArticleFingerprints,
} from '../db/articles.ts';
import type { Db } from '../db/open-db.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import type { ArticleChangeListener, FingerprintArticle } from './articles/article-registry.ts';
import { describeFingerprintMethod, encodeFingerprints, fingerprintText, FINGERPRINT_VERSION } from './fingerprint/index.ts';
import type { Logger } from './log.ts';
import { CandidateIndex, type OwnedText } from './match/index.ts';

// Articles fingerprinted per transaction when catching up on old or missing fingerprints.
const BACKFILL_BATCH = 500;
// How often a running process asks the database whether another process changed the registry:
// two indexed aggregate queries, cheap enough for every few seconds, rare enough to be free.
// SQLite always polls; on PostgreSQL it is the fallback while the LISTEN connection is down.
const SYNC_INTERVAL_MS = 2000;
/**
 * PostgreSQL with the LISTEN connection up: notifications bring changes within milliseconds, and
 * this slow poll stays as a safety net for writers that send none (a process of an older version
 * during an upgrade, `copyhound migrate`'s table copy, SQL typed in psql).
 */
const NOTIFIED_SYNC_INTERVAL_MS = 60_000;
// Notifications are coalesced: a sync starts this long after the first one (an import of many
// batches notifies once per batch), and one more follows a sync that notifications arrived during.
const NOTIFY_DEBOUNCE_MS = 50;
// A re-fingerprint of a million articles takes minutes: say how far it got this often.
const PROGRESS_LOG_MS = 5000;

/**
 * The in-memory fingerprint index of the owned articles, kept in step with the database:
 * built at start, updated by this process's imports and deletions, and re-synced when another
 * process (a CLI import while the server runs, another worker) changed the registry: on
 * PostgreSQL as soon as its notification arrives, on SQLite at the next check after the poll
 * interval.
 */
export interface OwnedIndex {
  index: CandidateIndex;
  fingerprint: FingerprintArticle;
  listener: ArticleChangeListener;
  loadArticles(keys: number[]): Promise<OwnedText[]>;
  /** Brings the index up to date with the database if it may have changed (at most every poll interval). */
  sync(): Promise<void>;
  /** Compares with the database now, whatever the interval; joins a sync already running. */
  refresh(): Promise<void>;
  /** True while change notifications arrive (PostgreSQL, LISTEN connection up); false on SQLite. */
  followsChanges(): boolean;
  /** Stops following notifications (closes the LISTEN connection). */
  close(): Promise<void>;
}

export interface OwnedIndexOptions {
  now?: () => number;
  /**
   * Starts following the database's change notifications (db/article-changes.ts) once the index
   * is built; answers undefined where there are none (SQLite).
   */
  watchChanges?: (handlers: ArticleChangeHandlers) => Promise<ArticleChangeWatch | undefined>;
}

/** The stored form of an article's fingerprints: what the registry writes on import. */
export function createArticleFingerprinter(config: Config['match']): FingerprintArticle {
  const method = describeFingerprintMethod(config);
  return (body) => ({ version: FINGERPRINT_VERSION, method, blob: encodeFingerprints(fingerprintText(body, config)) });
}

export async function createOwnedIndex(db: Db, config: Config['match'], logger: Logger, options: OwnedIndexOptions = {}): Promise<OwnedIndex> {
  const now = options.now ?? Date.now;
  let index = new CandidateIndex(config);
  let revision = await readArticlesRevision(db);
  let lastCheck = now();

  const fingerprint = createArticleFingerprinter(config);

  async function backfill(): Promise<number> {
    let done = 0;
    let lastLog = now();
    for (;;) {
      const stale = await findArticlesNeedingFingerprints(db, describeFingerprintMethod(config), BACKFILL_BATCH);
      if (stale.length === 0) {
        if (done > 0) logger.info({ refreshed: done, method: describeFingerprintMethod(config) }, 'owned-article fingerprints refreshed');
        return done;
      }
      const computed = stale.map((a) => ({ key: a.key, stored: fingerprint(a.body) }));
      await writeTransaction(db, async (tx) => {
        for (const c of computed) await upsertArticleFingerprints(tx, c.key, c.stored);
        await notifyArticlesChanged(tx);
      });
      done += stale.length;
      // Progress for a long re-fingerprint (a changed method or setting over a large registry).
      if (now() - lastLog >= PROGRESS_LOG_MS) {
        lastLog = now();
        logger.info({ refreshed: done, method: describeFingerprintMethod(config) }, 'refreshing owned-article fingerprints');
      }
    }
  }

  async function build(): Promise<void> {
    const started = now();
    const refreshed = await backfill();
    const fresh = new CandidateIndex(config);
    // addEncoded reads the packed hashes directly: no bigint per passage for a million articles.
    for await (const row of iterateArticleFingerprints(db)) fresh.addEncoded(row.articleKey, row.passages);
    fresh.optimize();
    index = fresh;
    revision = await readArticlesRevision(db);
    logger.info({ articles: fresh.size, refreshed, ms: now() - started, bytes: fresh.memoryBytes().total }, 'owned-article index built');
  }

  await build();

  let syncing: Promise<void> | undefined;
  let again = false;
  let watch: ArticleChangeWatch | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let closed = false;
  /** Compares the registry's revision with the index's and catches up on what changed. */
  async function compareAndCatchUp(): Promise<void> {
    const current = await readArticlesRevision(db);
    if (current.count === revision.count && current.lastUpdatedAt === revision.lastUpdatedAt) return;
    // Another process wrote. New and updated articles are picked up incrementally; if the
    // count still disagrees, something was deleted, and only a rebuild finds out what.
    await backfill();
    for (const row of await findFingerprintsUpdatedAfter(db, revision.lastUpdatedAt ?? '')) {
      if (index.has(row.articleKey)) index.remove(row.articleKey);
      index.addEncoded(row.articleKey, row.passages);
    }
    if (index.size !== current.count) await build();
    revision = await readArticlesRevision(db);
    logger.info({ articles: index.size }, 'owned-article index synced with the database');
  }

  const owned: OwnedIndex = {
    get index() {
      return index;
    },
    fingerprint,
    listener: {
      async onArticlesSaved(saved) {
        for (const { key, blob } of saved) {
          if (index.has(key)) index.remove(key);
          index.addEncoded(key, blob);
        }
        revision = await readArticlesRevision(db);
      },
      async onArticleRemoved(key) {
        index.remove(key);
        revision = await readArticlesRevision(db);
      },
    },
    async loadArticles(keys) {
      return await findArticleTexts(db, keys);
    },
    sync() {
      const interval = watch?.isLive() ? NOTIFIED_SYNC_INTERVAL_MS : SYNC_INTERVAL_MS;
      // Within the interval, and while a sync runs, callers go on with the index as it is.
      if (syncing || now() - lastCheck < interval) return Promise.resolve();
      return owned.refresh();
    },
    refresh() {
      // One sync at a time: a request while one runs is served by one more run after it (the
      // running one may have read the revision before the change being announced).
      if (syncing) {
        again = true;
        return syncing;
      }
      syncing = (async () => {
        try {
          do {
            again = false;
            lastCheck = now();
            await compareAndCatchUp();
          } while (again && !closed);
        } finally {
          syncing = undefined;
        }
      })();
      return syncing;
    },
    followsChanges: () => watch?.isLive() ?? false,
    async close() {
      closed = true;
      if (debounce) clearTimeout(debounce);
      await watch?.close();
      await syncing?.catch(() => undefined);
    },
  };

  const refreshInBackground = (why: string) => {
    if (closed) return;
    owned.refresh().catch((error: unknown) => logger.warn({ err: error, why }, 'owned-article index: sync after a change notification failed; the poll tries again'));
  };
  if (options.watchChanges) {
    watch = await options.watchChanges({
      onChange() {
        if (debounce || closed) return;
        debounce = setTimeout(() => {
          debounce = undefined;
          refreshInBackground('notified');
        }, NOTIFY_DEBOUNCE_MS);
        debounce.unref();
      },
      onListening(reconnected) {
        // Compare at once: changes committed before the LISTEN (during the build, or while the
        // connection was down) sent notifications nobody heard.
        if (reconnected) logger.info('owned-article index: change notifications resumed; comparing with the database');
        refreshInBackground(reconnected ? 'reconnected' : 'listening');
      },
      onConnectionLost(error, retryInMs) {
        logger.warn({ error: error.message, retryInMs }, 'owned-article index: change notification connection lost; polling every 2 s until it is back');
      },
    });
  }
  return owned;
}
