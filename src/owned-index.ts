import type { Config } from '../config/index.ts';
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
// How often a running server asks the database whether another process changed the registry:
// two indexed aggregate queries, cheap enough for every few seconds, rare enough to be free.
const SYNC_INTERVAL_MS = 2000;
// A re-fingerprint of a million articles takes minutes: say how far it got this often.
const PROGRESS_LOG_MS = 5000;

/**
 * The in-memory fingerprint index of the owned articles, kept in step with the database:
 * built at start, updated by this process's imports and deletions, and re-synced when another
 * process (a CLI import while the server runs) changed the registry.
 */
export interface OwnedIndex {
  index: CandidateIndex;
  fingerprint: FingerprintArticle;
  listener: ArticleChangeListener;
  loadArticles(keys: number[]): Promise<OwnedText[]>;
  /** Brings the index up to date with the database if it may have changed. */
  sync(): Promise<void>;
}

/** The stored form of an article's fingerprints: what the registry writes on import. */
export function createArticleFingerprinter(config: Config['match']): FingerprintArticle {
  const method = describeFingerprintMethod(config);
  return (body) => ({ version: FINGERPRINT_VERSION, method, blob: encodeFingerprints(fingerprintText(body, config)) });
}

export async function createOwnedIndex(db: Db, config: Config['match'], logger: Logger, now: () => number = Date.now): Promise<OwnedIndex> {
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
    async sync() {
      if (now() - lastCheck < SYNC_INTERVAL_MS) return;
      lastCheck = now();
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
    },
  };
  return owned;
}
