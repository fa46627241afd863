import { request as httpRequest, type IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { listReportEvents } from '../../db/report-events.ts';
import type { ReportRow } from '../../db/reports.ts';
import { openApp } from '../../src/app.ts';
import { startServer } from '../../src/http/server.ts';
import { CSV_COLUMNS } from '../../src/reports/report-export.ts';
import { createAdminKey, requestJson, startAppServer } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { testDatabaseSettings } from '../helpers/test-database.ts';
import { seedArticles, seedConsent, seedLicensee, seedManyReports, seedReports, type ReportSeed } from './seed-reports.ts';

// The tests that seed thousands of reports (seedManyReports: a few statements per report) take
// 10 s and more on PostgreSQL on a busy 2-core machine: they get more than the suite's 30 s.
const MANY_REPORTS_TIMEOUT_MS = 120_000;

/**
 * The reports API over a real server and SQLite file. The world: eight reports on hosts chosen to
 * test the domain range (sub-domains in, look-alike hosts out), with ties on lastSeen and coverage
 * so that paging must use the id to break them.
 */

const WORLD: (ReportSeed & { name: string })[] = [
  { name: 'r1', url: 'https://copycat.example/1', articleId: 'art-1', status: 'new', decision: 'unlicensed', kind: 'excerpt', coverage: 0.3, firstSeenAt: '2026-02-01T00:00:00.000Z', lastSeenAt: '2026-02-10T00:00:00.000Z' },
  { name: 'r2', url: 'https://www.copycat.example/2', articleId: 'art-1', status: 'confirmed', decision: 'licence_breach', reasons: ['credit_missing'], kind: 'reproduction', coverage: 0.9, firstSeenAt: '2026-02-01T12:00:00.000Z', lastSeenAt: '2026-02-10T00:00:00.000Z' },
  { name: 'r3', url: 'https://news.copycat.example/3', articleId: 'art-2', status: 'notice_sent', decision: 'unlicensed', kind: 'quotation', coverage: 0.3, firstSeenAt: '2026-02-02T00:00:00.000Z', lastSeenAt: '2026-02-11T00:00:00.000Z' },
  { name: 'r4', url: 'https://notcopycat.example/4', articleId: 'art-2', status: 'new', decision: 'licence_breach', reasons: ['expired'], kind: 'excerpt', coverage: 0.55, firstSeenAt: '2026-01-31T23:59:59.999Z', lastSeenAt: '2026-02-10T00:00:00.000Z' },
  { name: 'r5', url: 'https://copycat.example.org/5', articleId: 'art-3', status: 'dismissed', decision: 'unlicensed', kind: 'excerpt', coverage: 0.1, firstSeenAt: '2026-02-05T00:00:00.000Z', lastSeenAt: '2026-02-09T00:00:00.000Z' },
  { name: 'r6', url: 'https://other.test/6', articleId: 'art-3', status: 'new', decision: 'unlicensed', kind: 'reproduction', coverage: 0.9, firstSeenAt: '2026-02-03T00:00:00.000Z', lastSeenAt: '2026-02-12T00:00:00.000Z' },
  { name: 'r7', url: 'https://COPYCAT.example:8443/7', articleId: 'art-3', status: 'closed', decision: 'licence_breach', reasons: ['revoked'], kind: 'excerpt', coverage: 0.75, firstSeenAt: '2026-02-04T00:00:00.000Z', lastSeenAt: '2026-02-10T00:00:00.000Z' },
  { name: 'r8', url: 'https://deep.news.copycat.example/8', articleId: 'art-1', status: 'escalated', decision: 'unlicensed', kind: 'excerpt', coverage: 0.3, firstSeenAt: '2026-02-06T00:00:00.000Z', lastSeenAt: '2026-02-08T00:00:00.000Z' },
];

type SortField = 'lastSeen' | 'firstSeen' | 'coverage' | 'id';
const valueOf = (r: ReportRow, f: SortField) => (f === 'lastSeen' ? r.lastSeenAt : f === 'firstSeen' ? r.firstSeenAt : f === 'coverage' ? r.coverage : r.id);

/** The order the API must give: by the field, ties by id, both in the sort's direction. */
function expectedOrder(rows: ReportRow[], field: SortField, desc: boolean): number[] {
  const sorted = [...rows].sort((a, b) => {
    const va = valueOf(a, field);
    const vb = valueOf(b, field);
    return va < vb ? -1 : va > vb ? 1 : a.id - b.id;
  });
  return (desc ? sorted.reverse() : sorted).map((r) => r.id);
}

describe('GET /api/reports: filters, sort, cursor paging', () => {
  let dir: string;
  let base: string;
  let stop: () => Promise<void>;
  let rows: ReportRow[];
  const id = (name: string) => rows[WORLD.findIndex((w) => w.name === name)].id;
  const ids = (...names: string[]) => names.map(id);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'copyhound-test-'));
    const started = await startAppServer(dir);
    base = `${started.server.url}/api/reports`;
    stop = started.stop;
    const db = started.app.database.db;
    const keys = await seedArticles(db, ['art-1', 'art-2', 'art-3']);
    const partner = await seedLicensee(db, 'Partner Post', ['partner-post.example']);
    const other = await seedLicensee(db, 'Other Gazette');
    const consent = await seedConsent(db, partner, 'urn:consent:partner');
    const licensees: Record<string, { licenseeId: number; consentId: number | null }> = { r2: { licenseeId: partner, consentId: consent }, r4: { licenseeId: other, consentId: null } };
    rows = await seedReports(db, keys, WORLD.map((w) => ({ ...w, ...licensees[w.name] })));
  });
  afterAll(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function list(query: string): Promise<{ status: number; body: { items: { id: number }[]; nextCursor: string | null; error?: { message: string; details: unknown } } }> {
    return requestJson(`${base}?${query}`);
  }
  const listIds = async (query: string) => {
    const r = await list(query);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.items.map((i) => i.id).sort((a, b) => a - b);
  };
  const sortedIds = (...names: string[]) => ids(...names).sort((a, b) => a - b);

  it('answers items with the documented fields, most recently seen first, and no next cursor on the last page', async () => {
    const r = await list('');
    expect(r.status).toBe(200);
    expect(r.body.items.map((i) => i.id)).toEqual(expectedOrder(rows, 'lastSeen', true));
    expect(r.body.nextCursor).toBeNull();
    const r2 = r.body.items.find((i) => i.id === id('r2'));
    expect(r2).toEqual({
      id: id('r2'), pageUrl: 'https://www.copycat.example/2', host: 'www.copycat.example', articleId: 'art-1', matchId: null, kind: 'reproduction', coverage: 0.9, copiedWords: 100,
      decision: 'licence_breach', reasons: ['credit_missing'], consentId: expect.any(Number), licensee: 'Partner Post', status: 'confirmed', assignee: null,
      firstSeen: '2026-02-01T12:00:00.000Z', lastSeen: '2026-02-10T00:00:00.000Z', updatedAt: '2026-02-10T00:00:00.000Z',
    });
  });

  it.each([
    ['status=new', ['r1', 'r4', 'r6']],
    ['status=new,confirmed', ['r1', 'r2', 'r4', 'r6']],
    ['status=new&status=dismissed', ['r1', 'r4', 'r5', 'r6']],
    ['decision=licence_breach', ['r2', 'r4', 'r7']],
    ['decision=unlicensed,licence_breach&status=closed', ['r7']],
    ['kind=reproduction', ['r2', 'r6']],
    ['domain=copycat.example', ['r1', 'r2', 'r3', 'r7', 'r8']],
    ['domain=COPYCAT.Example.', ['r1', 'r2', 'r3', 'r7', 'r8']],
    ['domain=news.copycat.example', ['r3', 'r8']],
    ['domain=copycat.example.org', ['r5']],
    ['domain=example', ['r1', 'r2', 'r3', 'r4', 'r7', 'r8']],
    ['article=art-2', ['r3', 'r4']],
    ['licensee=Partner%20Post', ['r2']],
    ['licensee=Other%20Gazette&article=art-2', ['r4']],
    ['since=2026-02-01', ['r1', 'r2', 'r3', 'r5', 'r6', 'r7', 'r8']],
    ['until=2026-02-02', ['r1', 'r2', 'r4']],
    ['since=2026-02-01T13:00:00%2B01:00&until=2026-02-04', ['r2', 'r3', 'r6']],
    ['since=2026-02-01T12:00:00.001Z', ['r3', 'r5', 'r6', 'r7', 'r8']],
    ['minCoverage=0.55', ['r2', 'r4', 'r6', 'r7']],
    ['minCoverage=0.3', ['r1', 'r2', 'r3', 'r4', 'r6', 'r7', 'r8']],
    ['minCoverage=1', []],
    ['status=new&domain=copycat.example', ['r1']],
  ])('filters %s', async (query, names) => {
    expect(await listIds(query)).toEqual(sortedIds(...names));
  });

  it.each(['lastSeen', 'firstSeen', 'coverage', 'id'] as const)('sorts by %s both ways, ties broken by id in the same direction', async (field) => {
    for (const desc of [false, true]) {
      const r = await list(`sort=${desc ? '-' : ''}${field}`);
      expect(r.body.items.map((i) => i.id)).toEqual(expectedOrder(rows, field, desc));
    }
  });

  it.each(['lastSeen', '-lastSeen', 'firstSeen', '-firstSeen', 'coverage', '-coverage', 'id', '-id'])('pages through sort=%s with the cursor: every report once, in order, across ties', async (sort) => {
    const field = sort.replace('-', '') as SortField;
    const want = expectedOrder(rows, field, sort.startsWith('-'));
    for (const limit of [1, 2, 3]) {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r = await list(`sort=${sort}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.status).toBe(200);
        expect(r.body.items.length).toBeLessThanOrEqual(limit);
        seen.push(...r.body.items.map((i) => i.id));
        cursor = r.body.nextCursor;
        pages++;
      } while (cursor !== null && pages < 20);
      expect(seen).toEqual(want);
      expect(pages).toBe(Math.ceil(want.length / limit));
    }
  });

  it('continues with the sort the cursor carries when no sort is given, and pages within a filter', async () => {
    const first = await list('sort=-coverage&limit=2&domain=copycat.example');
    const rest = await list(`limit=10&domain=copycat.example&cursor=${first.body.nextCursor}`);
    const want = expectedOrder(rows.filter((r) => ['r1', 'r2', 'r3', 'r7', 'r8'].includes(WORLD[rows.indexOf(r)].name)), 'coverage', true);
    expect([...first.body.items, ...rest.body.items].map((i) => i.id)).toEqual(want);
    expect(rest.body.nextCursor).toBeNull();
  });

  it.each([
    ['status=bogus', 'status', 'bogus'],
    ['decision=maybe', 'decision', 'maybe'],
    ['kind=copy', 'kind', 'copy'],
    ['domain=https://copycat.example/x', 'domain', 'host name'],
    ['article=nope', 'article', 'nope'],
    ['licensee=Nobody', 'licensee', 'Nobody'],
    ['since=2026-02-30', 'since', 'no day 30'],
    ['until=yesterday', 'until', 'yesterday'],
    ['since=2026-02-05&until=2026-02-01', 'until', 'after since'],
    ['minCoverage=1.5', 'minCoverage', 'fraction'],
    ['minCoverage=abc', 'minCoverage', 'fraction'],
    ['sort=newest', 'sort', 'newest'],
    ['sort=id&sort=-id', 'sort', 'once'],
    ['limit=0', 'limit', 'at least 1'],
    ['limit=501', 'limit', 'at most 500'],
    ['limit=ten', 'limit', 'whole number'],
    ['cursor=not-a-cursor', 'cursor', 'cursor'],
    ['offset=10', 'offset', 'unknown parameter'],
  ])('refuses %s with 400 naming %s', async (query, field, words) => {
    const r = await list(query);
    expect(r.status).toBe(400);
    expect(r.body.error!.message).toContain(`${field}:`);
    expect(r.body.error!.message).toContain(words);
  });

  it('refuses a cursor used with another sort', async () => {
    const first = await list('sort=coverage&limit=1');
    const r = await list(`sort=-coverage&cursor=${first.body.nextCursor}`);
    expect(r.status).toBe(400);
    expect(r.body.error!.message).toMatch(/cursor: continues a list sorted by coverage, not -coverage/);
  });

  it('exports CSV and NDJSON with the filters, as attachments', async () => {
    const csv = await fetch(`${base}/export?format=csv&domain=copycat.example&sort=id`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="copyhound-reports-\d{8}T\d{6}Z\.csv"$/);
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines.slice(1, -1).map((l) => Number(l.split(',')[0]))).toEqual(ids('r1', 'r2', 'r3', 'r7', 'r8'));
    expect(lines.at(-1)).toBe('');

    const json = await fetch(`${base}/export?format=json&status=new,confirmed`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const items = (await json.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(items.map((i) => i.id)).toEqual(expectedOrder(rows.filter((r) => r.status === 'new' || r.status === 'confirmed'), 'lastSeen', true));
    expect(items[0]).toHaveProperty('reasons');
  });

  it.each([
    ['format=xml', 'format'],
    ['', 'format'],
    ['format=csv&limit=10', 'limit'],
    ['format=csv&article=nope', 'article'],
  ])('refuses export?%s with a JSON 400 naming %s, not an attachment', async (query, field) => {
    const r = await fetch(`${base}/export?${query}`);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('content-disposition')).toBeNull();
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain(`${field}:`);
  });
});

describe('report changes through the API', () => {
  const tempDir = useTempDir();

  async function world() {
    const started = await startAppServer(tempDir());
    const db = started.app.database.db;
    const keys = await seedArticles(db, ['art-1']);
    const rows = await seedReports(db, keys, [
      {
        url: 'https://copy.example/a', articleId: 'art-1', withCapture: true,
        withMatch: {
          passages: [{ pageStart: 10, pageEnd: 250, articleStart: 0, articleEnd: 240 }],
          detail: { at: '2026-02-01T00:00:00.000Z', explanation: ['no consent covers copy.example'], considered: [], pending: [], signals: [{ term: 'credit', signal: 'siteName', value: 'Copy', met: false }] },
        },
      },
      { url: 'https://copy.example/b', articleId: 'art-1' },
      { url: 'https://copy.example/c', articleId: 'art-1', status: 'closed' },
    ]);
    return { ...started, db, base: `${started.server.url}/api/reports`, ids: rows.map((r) => r.id) };
  }

  it('shows a report in detail: figures, passages, decision detail, captures, history, allowed statuses', async () => {
    const w = await world();
    try {
      const r = await requestJson(`${w.base}/${w.ids[0]}`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        id: w.ids[0], status: 'new', allowedStatuses: ['confirmed', 'dismissed', 'licensed', 'closed'], notes: null,
        passages: [{ pageStart: 10, pageEnd: 250, articleStart: 0, articleEnd: 240 }],
        decisionDetail: { explanation: ['no consent covers copy.example'], signals: [{ term: 'credit', met: false }] },
        captures: [{ role: 'first_seen', url: 'https://copy.example/a', status: 200 }],
        history: [{ kind: 'created', toStatus: 'new' }],
      });
      expect((await requestJson(`${w.base}/999999`)).status).toBe(404);
      expect((await requestJson(`${w.base}/abc`)).status).toBe(400);
    } finally {
      await w.stop();
    }
  });

  it('moves a report along the flow with a note, and refuses a move the flow does not allow with 409 naming the allowed statuses', async () => {
    const w = await world();
    try {
      const ok = await requestJson(`${w.base}/${w.ids[0]}/status`, { body: { status: 'confirmed', note: 'verified by hand' } });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ id: w.ids[0], status: 'confirmed' });
      const refused = await requestJson(`${w.base}/${w.ids[1]}/status`, { body: { status: 'notice_sent', note: 'too early' } });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain('confirmed, dismissed, licensed, closed');
      expect(refused.body.error.details.allowed).toEqual(['confirmed', 'dismissed', 'licensed', 'closed']);
      expect((await requestJson(`${w.base}/${w.ids[1]}`)).body.status).toBe('new');
      const noNote = await requestJson(`${w.base}/${w.ids[1]}/status`, { body: { status: 'confirmed', note: '  ' } });
      expect(noNote.status).toBe(400);
      const badStatus = await requestJson(`${w.base}/${w.ids[1]}/status`, { body: { status: 'approved', note: 'x' } });
      expect(badStatus.status).toBe(400);
      expect(badStatus.body.error.message).toMatch(/status: "approved" is not a report status/);
      const history = await listReportEvents(w.db, w.ids[0], 100);
      expect(history.map((e) => [e.kind, e.fromStatus, e.toStatus, e.actor, e.note])).toEqual([
        ['created', null, 'new', 'copyhound', 'seeded'],
        ['status', 'new', 'confirmed', 'key:1:test admin', 'verified by hand'],
      ]);
    } finally {
      await w.stop();
    }
  });

  it('moves reports in bulk all or nothing: one refused report leaves every report and history as it was', async () => {
    const w = await world();
    try {
      const eventsBefore = await Promise.all(w.ids.map(async (id) => (await listReportEvents(w.db, id, 100)).length));
      const refused = await requestJson(`${w.base}/bulk-status`, { body: { ids: w.ids, status: 'confirmed', note: 'batch' } });
      expect(refused.status).toBe(409);
      expect(refused.body.error.details.refused).toEqual([{ id: w.ids[2], status: 'closed', allowed: ['new', 'licensed'] }]);
      expect(refused.body.error.message).toContain('nothing was changed');
      for (const [i, id] of w.ids.entries()) {
        expect((await requestJson(`${w.base}/${id}`)).body.status).toBe(i === 2 ? 'closed' : 'new');
        expect(await listReportEvents(w.db, id, 100)).toHaveLength(eventsBefore[i]);
      }
      const missing = await requestJson(`${w.base}/bulk-status`, { body: { ids: [w.ids[0], 999999], status: 'confirmed', note: 'batch' } });
      expect(missing.status).toBe(404);
      expect((await requestJson(`${w.base}/${w.ids[0]}`)).body.status).toBe('new');
      const ok = await requestJson(`${w.base}/bulk-status`, { body: { ids: [w.ids[0], w.ids[1], w.ids[0]], status: 'dismissed', note: 'not ours' } });
      expect(ok).toEqual({ status: 200, body: { changed: 2 } });
      expect((await requestJson(`${w.base}?status=dismissed`)).body.items.map((i: { id: number }) => i.id).sort()).toEqual([w.ids[0], w.ids[1]].sort());
      for (const body of [{ ids: [], status: 'closed', note: 'x' }, { ids: ['1'], status: 'closed', note: 'x' }, { ids: [1], status: 'closed' }, { ids: [1], status: 'closed', note: 'x', force: true }]) {
        expect((await requestJson(`${w.base}/bulk-status`, { body })).status).toBe(400);
      }
    } finally {
      await w.stop();
    }
  });

  it('assigns, notes and lists history oldest first; no route alters or removes history', async () => {
    const w = await world();
    const id = w.ids[0];
    try {
      expect((await requestJson(`${w.base}/${id}`, { method: 'PATCH', body: { assignee: 'ana' } })).body).toMatchObject({ assignee: 'ana' });
      const noted = await requestJson(`${w.base}/${id}/notes`, { body: { note: 'asked the site owner' } });
      expect(noted.status).toBe(201);
      await requestJson(`${w.base}/${id}/status`, { body: { status: 'dismissed', note: 'syndicated copy' } });
      expect((await requestJson(`${w.base}/${id}`, { method: 'PATCH', body: { assignee: null } })).body).toMatchObject({ assignee: null });
      const history = await requestJson(`${w.base}/${id}/history`);
      expect(history.status).toBe(200);
      expect(history.body.items.map((e: { kind: string; note: string }) => [e.kind, e.note])).toEqual([
        ['created', 'seeded'],
        ['assigned', 'assigned to ana'],
        ['note', 'asked the site owner'],
        ['status', 'syndicated copy'],
        ['assigned', 'unassigned'],
      ]);
      const eventIds = history.body.items.map((e: { id: number }) => e.id);
      expect(eventIds).toEqual([...eventIds].sort((a, b) => a - b));
      expect((await requestJson(`${w.base}/${id}`)).body.notes).toMatch(/\] asked the site owner$/);

      // Nothing rewrites or removes history, nor deletes a report.
      for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) expect((await requestJson(`${w.base}/${id}/history`, { method, body: { items: [] } })).status).toBe(404);
      expect((await requestJson(`${w.base}/${id}/history/1`, { method: 'DELETE' })).status).toBe(404);
      expect((await requestJson(`${w.base}/${id}`, { method: 'DELETE' })).status).toBe(404);
      for (const body of [{ history: [] }, { status: 'new' }, { notes: 'rewritten' }, {}]) {
        expect((await requestJson(`${w.base}/${id}`, { method: 'PATCH', body })).status).toBe(400);
      }
      expect((await requestJson(`${w.base}/${id}/history`)).body.items).toEqual(history.body.items);
    } finally {
      await w.stop();
    }
  });
});

describe('export streaming over HTTP', () => {
  const tempDir = useTempDir();

  it('answers other requests, reads and writes, while an export waits on a client that does not read', async () => {
    const { app, server, apiKey, stop } = await startAppServer(tempDir());
    const total = 3000;
    try {
      const db = app.database.db;
      const rows = await seedManyReports(db, await seedArticles(db, Array.from({ length: 20 }, (_, i) => `a${i}`)), total, 4000);
      // The client takes the first chunk, then stops reading until the other requests are answered.
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        // node:http does not go through the helper's fetch: it brings the key itself.
        const req = httpRequest(`${server.url}/api/reports/export?format=csv&sort=id`, { headers: { authorization: `Bearer ${apiKey}` } }, resolve);
        req.on('error', reject);
        req.end();
      });
      response.setEncoding('utf8');
      let received = (await new Promise<string>((resolve) => response.once('data', resolve))) as string;
      response.pause();
      // ~12 MB of CSV against loopback buffers of a few hundred KB: the export is now waiting for 'drain'.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const moved = await requestJson(`${server.url}/api/reports/${rows[0].id}/status`, { body: { status: 'confirmed', note: 'during an export' } });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      const listed = await requestJson(`${server.url}/api/reports?limit=5`);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toHaveLength(5);
      response.on('data', (chunk: string) => (received += chunk));
      await new Promise((resolve, reject) => response.on('end', resolve).on('error', reject).resume());
      expect(received.split('\r\n').slice(1, -1)).toHaveLength(total);
    } finally {
      await stop();
    }
  }, MANY_REPORTS_TIMEOUT_MS);

  it('stops reading reports when the client goes away mid-export', async () => {
    const dir = tempDir();
    const logLines: string[] = [];
    const logStream = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    const config = loadConfig({}, { db: await testDatabaseSettings(join(dir, 'copyhound.db')), data: { dir: join(dir, 'data') }, server: { port: 0, host: '127.0.0.1' }, log: { level: 'info' } });
    const app = await openApp(config, pino({ level: 'info' }, logStream));
    const server = await startServer(app);
    const apiKey = await createAdminKey(config.db.path);
    const total = 3000;
    try {
      // 4 KB page URLs: ~12 MB of CSV, far more than loopback socket buffers hold unread.
      await seedManyReports(app.database.db, await seedArticles(app.database.db, Array.from({ length: 20 }, (_, i) => `a${i}`)), total, 4000);
      const firstChunk = await new Promise<string>((resolve, reject) => {
        const req = httpRequest(`${server.url}/api/reports/export?format=csv&sort=id`, { headers: { authorization: `Bearer ${apiKey}` } }, (res) => {
          res.once('data', (chunk: Buffer) => {
            req.destroy();
            resolve(chunk.toString('utf8'));
          });
        });
        req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
        req.end();
      });
      expect(firstChunk.startsWith(CSV_COLUMNS.join(','))).toBe(true);
      const deadline = Date.now() + 10_000;
      let stopped: { rows: number; reason: string } | undefined;
      while (!stopped && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        stopped = logLines.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l)).find((l) => l.msg === 'report export stopped: the client went away');
      }
      expect(stopped, logLines.join('')).toBeDefined();
      expect(stopped!.rows).toBeLessThan(total);
      expect(logLines.some((l) => l.includes('report export sent'))).toBe(false);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
      await app.close();
    }
  }, MANY_REPORTS_TIMEOUT_MS);
});
