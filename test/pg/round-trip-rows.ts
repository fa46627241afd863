import { type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { type Db } from '../../db/open-db.ts';
import * as sqliteArticles from '../../db/schema/articles.ts';
import * as sqliteCaptures from '../../db/schema/captures.ts';
import * as sqliteCustody from '../../db/schema/custody.ts';
import * as sqliteMatches from '../../db/schema/matches.ts';
import * as sqliteReports from '../../db/schema/reports.ts';
import * as pgArticles from '../../db/schema-pg/articles.ts';
import * as pgCaptures from '../../db/schema-pg/captures.ts';
import * as pgCustody from '../../db/schema-pg/custody.ts';
import * as pgMatches from '../../db/schema-pg/matches.ts';
import * as pgReports from '../../db/schema-pg/reports.ts';

/**
 * One row for each of a few representative tables, with the values that tell dialects apart:
 * bytes including 0x00 and 0xff, JSON whose keys are not in sorted order (jsonb would reorder
 * them) and that holds U+0000, a byte size above 2^31, doubles that are not exact in decimal,
 * booleans, nulls and defaults left out. The same objects go to both databases (the insert types
 * are identical), and what each gives back is compared.
 */

const AT = '2026-12-01T10:11:12.345Z';
// Above int4's 2^31 - 1: a byte size PostgreSQL must keep in a bigint column.
const BIG_SIZE = 3_000_000_000;

export function buildRoundTripRows() {
  const article: typeof sqliteArticles.articles.$inferInsert = {
    id: 'wire-2026-0001',
    url: 'https://publisher.example/a/1',
    title: 'Ünïcode — “quotes” and 𝔘 outside the BMP',
    body: 'First paragraph.\n\nSecond paragraph.',
    bodySource: 'html',
    publishedAt: AT,
    author: null,
    tags: ['zeta', 'alpha', 'ü'],
    contentHash: 'a'.repeat(64),
    createdAt: AT,
    updatedAt: AT,
  };
  const fingerprint: typeof sqliteArticles.articleFingerprints.$inferInsert = {
    articleKey: 1,
    version: 3,
    passages: Buffer.from([0x00, 0x01, 0x27, 0x5c, 0x80, 0xfe, 0xff, 0x00]),
  };
  const captureBody: typeof sqliteCaptures.captureBodies.$inferInsert = {
    sha256: 'b'.repeat(64),
    size: BIG_SIZE,
    warcPath: 'captures/2026/12/01/x.warc.gz',
    warcRecordId: '<urn:uuid:00000000-0000-4000-8000-000000000001>',
    targetUri: 'https://copier.example/p',
    warcDate: AT,
    createdAt: AT,
  };
  const capture: typeof sqliteCaptures.captures.$inferInsert = {
    requestedUrl: 'http://copier.example/p',
    finalUrl: 'https://copier.example/p',
    status: 200,
    statusText: 'OK',
    headers: [['Content-Type', 'text/html'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']],
    requestHeaders: [['User-Agent', 'copyhound/0.1']],
    redirects: [{ url: 'http://copier.example/p', status: 301, location: 'https://copier.example/p' }],
    remoteAddress: '127.0.0.1',
    startedAt: AT,
    endedAt: AT,
    bodySha256: 'b'.repeat(64),
    bodySize: BIG_SIZE,
    contentType: 'text/html; charset=utf-8',
    warcPath: 'captures/2026/12/01/x.warc.gz',
    warcRecordId: '<urn:uuid:00000000-0000-4000-8000-000000000002>',
    recordType: 'response',
    truncated: 'length',
    fetcherVersion: '1',
    settings: { zeta: 1, alpha: { nested: true, list: [3, 1, 2] }, '10': 'numeric-looking key', control: 'nul\u0000 and \u001f', emoji: '😀' },
    createdAt: AT,
  };
  const page: typeof sqliteMatches.pages.$inferInsert = {
    url: 'https://copier.example/p',
    title: 'Copied',
    textHash: 'c'.repeat(64),
    captureId: 1,
    firstSeenAt: AT,
    lastSeenAt: AT,
    rhost: 'example.copier.',
    signals: { canonicalUrl: null, credits: ['Wire'], author: 'A. Writer', siteName: 'Copier', links: [], publishedAt: null },
  };
  const match: typeof sqliteMatches.matches.$inferInsert = {
    pageId: 1,
    articleKey: 1,
    kind: 'reproduction',
    coverage: 0.1 + 0.2,
    pageShare: 1 / 3,
    copiedWords: 420,
    longestRun: 99,
    passages: [{ pageStart: 10, pageEnd: 500, articleStart: 0, articleEnd: 490 }],
    captureId: 1,
    flagged: true,
    firstSeenAt: AT,
    lastSeenAt: AT,
  };
  const report: typeof sqliteReports.reports.$inferInsert = {
    pageId: 1,
    articleKey: 1,
    matchId: 1,
    pageUrl: 'https://copier.example/p',
    host: 'copier.example',
    rhost: 'example.copier.',
    kind: 'reproduction',
    coverage: 0.1 + 0.2,
    copiedWords: 420,
    decision: 'licence_breach',
    reasons: ['missing_credit', 'hold_back'],
    status: 'new',
    textHash: 'c'.repeat(64),
    firstSeenAt: AT,
    lastSeenAt: AT,
    createdAt: AT,
    updatedAt: AT,
  };
  const reportEvent: typeof sqliteReports.reportEvents.$inferInsert = {
    reportId: 1,
    at: AT,
    actor: 'local',
    kind: 'created',
    toStatus: 'new',
    detail: { zulu: 1, alpha: [1, 2], mid: { b: 1, a: 2 }, float: -0.5e-7 },
  };
  const custodyEntry: typeof sqliteCustody.custodyEntries.$inferInsert = {
    type: 'capture',
    refId: 1,
    at: AT,
    leaf: '{"at":"x","id":1}',
    leafHash: 'd'.repeat(64),
  };
  return { article, fingerprint, captureBody, capture, page, match, report, reportEvent, custodyEntry };
}

type RoundTripRows = ReturnType<typeof buildRoundTripRows>;

/** Inserts the rows into a migrated SQLite database and reads each table back. */
export function insertRoundTripRowsSqlite(db: Db, rows: RoundTripRows) {
  db.insert(sqliteArticles.articles).values(rows.article).run();
  db.insert(sqliteArticles.articleFingerprints).values(rows.fingerprint).run();
  db.insert(sqliteCaptures.captureBodies).values(rows.captureBody).run();
  db.insert(sqliteCaptures.captures).values(rows.capture).run();
  db.insert(sqliteMatches.pages).values(rows.page).run();
  db.insert(sqliteMatches.matches).values(rows.match).run();
  db.insert(sqliteReports.reports).values(rows.report).run();
  db.insert(sqliteReports.reportEvents).values(rows.reportEvent).run();
  db.insert(sqliteCustody.custodyEntries).values(rows.custodyEntry).run();
  return {
    article: db.select().from(sqliteArticles.articles).all(),
    fingerprint: db.select().from(sqliteArticles.articleFingerprints).get()!,
    captureBody: db.select().from(sqliteCaptures.captureBodies).all(),
    capture: db.select().from(sqliteCaptures.captures).all(),
    page: db.select().from(sqliteMatches.pages).all(),
    match: db.select().from(sqliteMatches.matches).all(),
    report: db.select().from(sqliteReports.reports).all(),
    reportEvent: db.select().from(sqliteReports.reportEvents).all(),
    custodyEntry: db.select().from(sqliteCustody.custodyEntries).all(),
  };
}

/** The same on a migrated PostgreSQL schema. */
export async function insertRoundTripRowsPg(db: NodePgDatabase, rows: RoundTripRows) {
  await db.insert(pgArticles.articles).values(rows.article);
  await db.insert(pgArticles.articleFingerprints).values(rows.fingerprint);
  await db.insert(pgCaptures.captureBodies).values(rows.captureBody);
  await db.insert(pgCaptures.captures).values(rows.capture);
  await db.insert(pgMatches.pages).values(rows.page);
  await db.insert(pgMatches.matches).values(rows.match);
  await db.insert(pgReports.reports).values(rows.report);
  await db.insert(pgReports.reportEvents).values(rows.reportEvent);
  await db.insert(pgCustody.custodyEntries).values(rows.custodyEntry);
  return {
    article: await db.select().from(pgArticles.articles),
    fingerprint: (await db.select().from(pgArticles.articleFingerprints))[0],
    captureBody: await db.select().from(pgCaptures.captureBodies),
    capture: await db.select().from(pgCaptures.captures),
    page: await db.select().from(pgMatches.pages),
    match: await db.select().from(pgMatches.matches),
    report: await db.select().from(pgReports.reports),
    reportEvent: await db.select().from(pgReports.reportEvents),
    custodyEntry: await db.select().from(pgCustody.custodyEntries),
  };
}
