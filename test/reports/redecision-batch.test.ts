import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { countCustodyEntries, listCustodyEntriesAfter, TILE_LEAVES } from '../../db/custody-log.ts';
import { executeStatement, queryRows } from '../../db/dialect.ts';
import { setMatchDecision } from '../../db/match-decisions.ts';
import { upsertMatches, upsertPage } from '../../db/matches.ts';
import { reverseHost } from '../../db/host-key.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { verifyCustodyLog } from '../../src/custody-verify.ts';
import { createFolderFileStore } from '../../src/evidence/index.ts';
import { redecideAll } from '../../src/rights-admin.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openSeedDatabase, SEED_NOW, seedArticles, seedReports, type ReportSeed } from './seed-reports.ts';

/**
 * A re-decision stores a chunk's writes together (src/decision-batch.ts). One chunk here holds
 * every kind of outcome: reports whose decision changes (with and without a status move), one
 * re-opened because its page changed, one whose figures changed, a match that gets its first
 * report (its owner site given up), and 1,100 left as they were; the custody log crosses a tile boundary inside it. What is
 * stored must be what writing each copy in turn stored: ids in match order, each decision's and
 * event's custody entry in the order they were made, and a log that verifies.
 */

const OWNER = 'owner-host.example';
const FORMER_OWNER = 'former-owner.example';
const BULK = 1100;
const DETAIL = { at: SEED_NOW, explanation: ['seeded'], considered: [], pending: [] };
const withMatch = { passages: [], detail: DETAIL };
const LATER = '2026-03-02T00:00:00.000Z';

describe('re-decision stores a chunk of mixed outcomes as one copy at a time would', () => {
  const tempDir = useTempDir();

  it('reports, history, decisions and custody entries in match order; the log verifies', async () => {
    const dir = tempDir();
    const database = await openSeedDatabase(dir);
    try {
      const db = database.db;
      const keys = await seedArticles(db, ['a-1']);
      const special: ReportSeed[] = [
        { url: `https://${OWNER}/new`, articleId: 'a-1', status: 'new', withMatch },
        { url: `https://${OWNER}/closed`, articleId: 'a-1', status: 'closed', withMatch },
        { url: 'https://copier.example/licensed', articleId: 'a-1', status: 'licensed', decision: 'licensed', withMatch },
        { url: 'https://copier.example/changed-page', articleId: 'a-1', status: 'closed', withMatch },
        { url: 'https://copier.example/new-figures', articleId: 'a-1', status: 'confirmed', withMatch },
      ];
      const seeded = await seedReports(db, keys, special);
      // A match with no report yet, between the others: on an owner site that is then given up.
      await writeTransaction(db, async (tx) => {
        const url = `https://${FORMER_OWNER}/first-report`;
        const pageId = await upsertPage(tx, { url, title: 'First', textHash: 'hash-first', captureId: null, rhost: reverseHost(FORMER_OWNER) }, SEED_NOW);
        await upsertMatches(tx, pageId, [{ articleKey: keys.get('a-1')!, kind: 'excerpt', coverage: 0.5, pageShare: 0.5, copiedWords: 100, longestRun: 20, passages: [] }], null, SEED_NOW);
        const [{ id }] = await queryRows<{ id: number }>(tx, sql`select id from matches where page_id = ${pageId}`);
        await setMatchDecision(tx, id, { decision: 'allowed_quotation', reasons: [], consentId: null, detail: DETAIL, decidedAt: SEED_NOW });
      });
      const bulk = await seedReports(db, keys, Array.from({ length: BULK }, (_, i) => ({ url: `https://copier.example/bulk/${i}`, articleId: 'a-1', withMatch })));
      // Seeded decisions are placeholders: decide everything once, so the bulk is then unchanged.
      const deps = { db, config: { ownerSites: [FORMER_OWNER] }, now: () => new Date(SEED_NOW) };
      await redecideAll(deps, 'local', 'settle');
      await executeStatement(db, sql`update pages set text_hash = ${'hash-edited'} where url = ${'https://copier.example/changed-page'}`);
      await executeStatement(db, sql`update matches set coverage = ${0.75} where id = ${seeded[4].matchId}`);
      await executeStatement(db, sql`update reports set status = ${'licensed'}, decision = ${'licensed'} where id = ${seeded[2].id}`);
      const [{ lastEvent }] = await queryRows<{ lastEvent: number }>(db, sql`select max(id) as "lastEvent" from report_events`);
      const [{ lastReport }] = await queryRows<{ lastReport: number }>(db, sql`select max(id) as "lastReport" from reports`);
      const entriesBefore = await countCustodyEntries(db);

      const redecided = await redecideAll({ ...deps, config: { ownerSites: [OWNER] }, now: () => new Date(LATER) }, 'local', 'owner sites changed');

      expect(redecided).toEqual({ matches: special.length + 1 + BULK, changed: 3, reportsCreated: 1, reportsChanged: 4 });
      const rows = await queryRows<{ id: number; decision: string; status: string; coverage: number; updatedAt: string }>(
        db,
        sql`select id, decision, status, coverage, updated_at as "updatedAt" from reports where id <= ${seeded[4].id} or id > ${lastReport} order by id`,
      );
      expect(rows.map((r) => [r.decision, r.status])).toEqual([
        ['owner_site', 'dismissed'],
        ['owner_site', 'closed'],
        ['unlicensed', 'new'],
        ['unlicensed', 'new'],
        ['unlicensed', 'confirmed'],
        ['unlicensed', 'new'],
      ]);
      expect(rows[4].coverage).toBe(0.75);
      expect(rows.every((r) => r.updatedAt === LATER)).toBe(true);
      const events = await queryRows<{ id: number; reportId: number; kind: string; fromStatus: string | null; toStatus: string | null; matchId: number }>(
        db,
        sql`select e.id, e.report_id as "reportId", e.kind, e.from_status as "fromStatus", e.to_status as "toStatus", r.match_id as "matchId"
            from report_events e join reports r on r.id = e.report_id where e.id > ${lastEvent} order by e.id`,
      );
      expect(events.map((e) => [e.reportId, e.kind, e.fromStatus, e.toStatus])).toEqual([
        [seeded[0].id, 'decision', 'new', 'dismissed'],
        [seeded[1].id, 'decision', 'closed', 'closed'],
        [seeded[2].id, 'decision', 'licensed', 'new'],
        [seeded[3].id, 'reopened', 'closed', 'new'],
        [lastReport + 1, 'created', null, 'new'],
      ]);
      // Untouched reports kept their row as it was.
      const [{ bulkUpdated }] = await queryRows<{ bulkUpdated: number }>(db, sql`select count(*) as "bulkUpdated" from reports where id >= ${bulk[0].id} and id <= ${lastReport} and updated_at = ${LATER}`);
      expect(Number(bulkUpdated)).toBe(0);

      // The log: per match in id order, its decision, then its report's new events in id order.
      const matchIds = (await queryRows<{ id: number }>(db, sql`select id from matches order by id`)).map((m) => Number(m.id));
      const expected = matchIds.flatMap((m) => [['decision', m], ...events.filter((e) => Number(e.matchId) === m).map((e) => ['report_event', Number(e.id)])]);
      const entries = await listCustodyEntriesAfter(db, entriesBefore, 10_000);
      expect(entries.map((e) => [e.type, Number(e.refId)])).toEqual(expected);
      expect(entries.map((e) => Number(e.id))).toEqual(expected.map((_, i) => entriesBefore + 1 + i));
      const decided = await queryRows<{ matchId: number; custodyIndex: number }>(db, sql`select match_id as "matchId", custody_index as "custodyIndex" from match_decisions order by match_id`);
      const indexOf = new Map(entries.filter((e) => e.type === 'decision').map((e) => [Number(e.refId), Number(e.id) - 1]));
      expect(decided.map((d) => Number(d.custodyIndex))).toEqual(decided.map((d) => indexOf.get(Number(d.matchId))));
      // The chunk crossed a tile boundary, and every tile the log holds was sealed.
      const total = entriesBefore + entries.length;
      expect(Math.floor(total / TILE_LEAVES)).toBeGreaterThan(Math.floor(entriesBefore / TILE_LEAVES));
      const [{ tiles }] = await queryRows<{ tiles: number }>(db, sql`select count(*) as tiles from custody_tiles`);
      expect(Number(tiles)).toBe(Math.floor(total / TILE_LEAVES));
      expect(await verifyCustodyLog(db, createFolderFileStore(dir))).toMatchObject({ problems: [], problemCount: 0, firstBadEntry: null });
    } finally {
      await database.close();
    }
  }, 180_000);
});
