import { millisOfIso } from '../../src/time/parse-date.ts';
import { join } from 'node:path';
import { findArticleById } from '../../db/articles.ts';
import { insertCapture } from '../../db/captures.ts';
import { insertConsent } from '../../db/consents.ts';
import { reverseHost } from '../../db/host-key.ts';
import { insertLicensee } from '../../db/licensees.ts';
import { findMatchesOfPageForDecision, setMatchDecision } from '../../db/match-decisions.ts';
import { upsertMatches, upsertPage } from '../../db/matches.ts';
import type { Db, OpenDatabase } from '../../db/open-db.ts';
import { linkReportCapture } from '../../db/report-captures.ts';
import { appendReportEvent } from '../../db/report-events.ts';
import { insertReport, type ReportRow } from '../../db/reports.ts';
import type { DecisionDetailRow } from '../../db/schema/matches.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { saveArticles } from '../../src/articles/article-registry.ts';
import { openTestDatabase } from '../helpers/test-database.ts';

/**
 * Reports stored the way the pipeline stores them, without running a crawl: owned articles through
 * the article registry, then page, match (with its decision) and report rows through the db
 * modules, each report with its 'created' history event. Everything in a real database: the SQLite file, or
 * its PostgreSQL schema in the pg suite.
 */

export const SEED_NOW = '2026-03-01T00:00:00.000Z';

export async function openSeedDatabase(dir: string): Promise<OpenDatabase> {
  return await openTestDatabase(join(dir, 'copyhound.db'), 5000);
}

/** Saves owned articles by id; returns their keys. */
export async function seedArticles(db: Db, ids: string[]): Promise<Map<string, number>> {
  const result = await saveArticles({ db, now: () => new Date(millisOfIso(SEED_NOW)!) }, ids.map((id, ref) => ({ ref, value: { id, url: `https://daily-news.example/a/${encodeURIComponent(id)}`, title: `Article ${id}`, body: `Body of ${id}.` } })));
  if (result.rejected > 0) throw new Error(`seed articles rejected: ${JSON.stringify(result.rejectedRecords)}`);
  const keys = new Map<string, number>();
  for (const id of ids) keys.set(id, (await findArticleById(db, id))!.key);
  return keys;
}

export async function seedLicensee(db: Db, name: string, places: string[] = []): Promise<number> {
  return (await insertLicensee(db, { name, contacts: [], notes: null, places, createdBy: 'test', createdAt: SEED_NOW, updatedAt: SEED_NOW })).id;
}

export async function seedConsent(db: Db, licenseeId: number, uid: string): Promise<number> {
  return (await insertConsent(db, {
    uid, licenseeId, scope: { all: true, ids: [], sections: [], tags: [], publishedFrom: null, publishedUntil: null }, places: ['partner-post.example'], validFrom: null, validUntil: null,
    use: 'full', maxWords: null, maxPercent: null, holdBackHours: null, duties: ['credit'], territory: null, contractRef: null, status: 'active', createdBy: 'test', createdAt: SEED_NOW, updatedAt: SEED_NOW,
  })).id;
}

export interface ReportSeed {
  url: string;
  articleId: string;
  status?: ReportRow['status'];
  decision?: ReportRow['decision'];
  kind?: ReportRow['kind'];
  coverage?: number;
  copiedWords?: number;
  reasons?: string[];
  consentId?: number | null;
  licenseeId?: number | null;
  assignee?: string | null;
  firstSeenAt?: string;
  lastSeenAt?: string;
  /** Store a match with passages and a decision detail (what `reports show` reads). */
  withMatch?: { passages: { pageStart: number; pageEnd: number; articleStart: number; articleEnd: number }[]; detail: DecisionDetailRow };
  /** Store a capture of the page and link it to the report as its first sighting. */
  withCapture?: boolean;
}

function hostOf(url: string): string {
  return new URL(url).hostname.replace(/\.$/, '');
}

let captureCount = 0;

async function seedCapture(db: Db, url: string, at: string): Promise<number> {
  const sha256 = String(++captureCount).padStart(64, '0');
  return await insertCapture(
    db,
    {
      requestedUrl: url, finalUrl: url, status: 200, statusText: 'OK', headers: [['content-type', 'text/html']], requestHeaders: [], redirects: [], remoteAddress: '127.0.0.1', startedAt: at, endedAt: at,
      bodySha256: sha256, bodySize: 10, contentType: 'text/html', warcPath: 'warc/x.warc.gz', warcRecordId: '<urn:uuid:1>', recordType: 'response', truncated: null, fetcherVersion: 'test', settings: {}, createdAt: at, warcSha256: sha256,
    },
    { sha256, size: 10, warcPath: 'warc/x.warc.gz', warcRecordId: '<urn:uuid:1>', targetUri: url, warcDate: at, createdAt: at },
  );
}

/** Stores the reports in one transaction, in order (ids ascend with the array); returns the rows. */
export async function seedReports(db: Db, articleKeys: Map<string, number>, seeds: ReportSeed[]): Promise<ReportRow[]> {
  const captureIds: (number | null)[] = [];
  for (const s of seeds) captureIds.push(s.withCapture ? await seedCapture(db, s.url, s.firstSeenAt ?? SEED_NOW) : null);
  return await writeTransaction(db, async (tx) => {
    const reports: ReportRow[] = [];
    for (const [i, s] of seeds.entries()) {
      const articleKey = articleKeys.get(s.articleId);
      if (articleKey === undefined) throw new Error(`seed: unknown article ${s.articleId}`);
      const host = hostOf(s.url);
      const firstSeenAt = s.firstSeenAt ?? SEED_NOW;
      const lastSeenAt = s.lastSeenAt ?? firstSeenAt;
      const figures = { kind: s.kind ?? 'excerpt', coverage: s.coverage ?? 0.5, copiedWords: s.copiedWords ?? 100 };
      const decided = { decision: s.decision ?? 'unlicensed', reasons: s.reasons ?? [], consentId: s.consentId ?? null };
      const pageId = await upsertPage(tx, { url: s.url, title: `Copy ${i}`, textHash: `hash-${i}`, captureId: captureIds[i], rhost: reverseHost(host) }, firstSeenAt);
      let matchId: number | null = null;
      if (s.withMatch) {
        await upsertMatches(tx, pageId, [{ articleKey, ...figures, pageShare: 0.5, longestRun: 20, passages: s.withMatch.passages }], captureIds[i], firstSeenAt);
        matchId = (await findMatchesOfPageForDecision(tx, pageId)).find((m) => m.articleKey === articleKey)!.matchId;
        await setMatchDecision(tx, matchId, { ...decided, detail: s.withMatch.detail, decidedAt: firstSeenAt });
      }
      const report = await insertReport(tx, {
        pageId, articleKey, matchId, pageUrl: s.url, host, rhost: reverseHost(host), ...figures, ...decided, licenseeId: s.licenseeId ?? null,
        status: s.status ?? 'new', assignee: s.assignee ?? null, notes: null, textHash: `hash-${i}`, firstSeenAt, lastSeenAt, createdAt: firstSeenAt, updatedAt: lastSeenAt,
      });
      await appendReportEvent(tx, { reportId: report.id, at: firstSeenAt, actor: 'copyhound', kind: 'created', fromStatus: null, toStatus: report.status, note: 'seeded', detail: null });
      if (captureIds[i] !== null) await linkReportCapture(tx, { reportId: report.id, captureId: captureIds[i]!, role: 'first_seen', at: firstSeenAt });
      reports.push(report);
    }
    return reports;
  });
}

/** Many plain reports (a URL of `urlChars` characters each, so an export of them is large): 20 articles per page. */
export async function seedManyReports(db: Db, articleKeys: Map<string, number>, count: number, urlChars = 80): Promise<ReportRow[]> {
  const articles = [...articleKeys.keys()];
  const seeds: ReportSeed[] = [];
  for (let i = 0; i < count; i++) {
    const page = Math.floor(i / articles.length);
    const base = `https://bulk${page % 7}.example/p/${page}?x=`;
    seeds.push({
      url: base + 'y'.repeat(Math.max(0, urlChars - base.length)),
      articleId: articles[i % articles.length],
      coverage: (i % 100) / 100,
      firstSeenAt: new Date(Date.UTC(2026, 0, 1) + (i % 1440) * 60_000).toISOString(),
    });
  }
  return await seedReports(db, articleKeys, seeds);
}
