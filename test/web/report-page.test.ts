import { hash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCaptureRender } from '../../db/capture-renders.ts';
import { insertRecheck } from '../../db/matches.ts';
import { findReportById } from '../../db/reports.ts';
import { PageTextCache } from '../../src/http/pages/report-page-data.ts';
import { HOSTILE_TEXT, LICENSEE, ORIGINAL_PHRASE, PASSWORD, REWORDED_PHRASE, startReportWorld, visibleText, type ReportWorld } from './report-page-fixture.ts';
import { signInAs, type WebClient } from './web-client.ts';

/**
 * The report page over a real server and reports made by the real pipeline (fetch, capture,
 * extraction in the worker pool, matching, decision): both texts with numbered, linked passages
 * and the copier's edit, the decision in sentences, captures and screenshot, re-checks, status
 * changes by role with a note, notes, the notice download, and hostile page text kept as text.
 */

// A 1×1 PNG: what a stored render looks like to the screenshot route.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let world: ReportWorld;
let manager: WebClient;
let legal: WebClient;

beforeAll(async () => {
  world = await startReportWorld('copyhound-web-report-');
  manager = await signInAs(world.url, 'rights_manager@publisher.example', PASSWORD);
  legal = await signInAs(world.url, 'legal@publisher.example', PASSWORD);
}, 60_000);

afterAll(async () => {
  await world?.stop();
});

const statusOf = async (id: number) => await (await findReportById(world.server.app.database.db, id))!.status;

describe('report page', () => {
  it('shows the article and the page side by side, passages numbered and linked both ways, the edit marked', async () => {
    const page = await manager.get(`/reports/${world.reports.breach}`);
    expect(page.status).toBe(200);
    const html = page.text;
    // Two passages (the copy leaves a paragraph out), each numbered in both columns and linked across.
    for (const n of [1, 2]) {
      expect(html).toMatch(new RegExp(`<mark class="copied" data-passage="${n}" id="a-${n}"><a class="n" href="#p-${n}"`));
      expect(html).toMatch(new RegExp(`<mark class="copied" data-passage="${n}" id="p-${n}"><a class="n" href="#a-${n}"`));
    }
    expect(html).not.toContain('id="a-3"');
    // Both texts are there: a sentence of the story twice (article column and page column).
    expect(html.split('NATO Secretary-General Jens Stoltenberg said Friday.').length - 1).toBe(2);
    // The dateline the copier cut is in the article column only, outside any passage.
    expect(html).toContain('<div class="text report-text">BRUSSELS (AA) – <mark');
    // The reworded phrase: the article's words deleted, the page's inserted.
    expect(html).toContain(`<del class="edit">${ORIGINAL_PHRASE.split(' all')[0]}</del>`);
    expect(html).toContain(`<ins class="edit">${REWORDED_PHRASE.split(' all')[0]}</ins>`);
    const text = visibleText(html);
    expect(text).toContain(`Licensed to ${LICENSEE} until 31 Dec 2026, but the credit line 'Anadolu Agency' is missing.`);
    expect(text).toMatch(/Kind reproduction/);
    expect(text).toMatch(/Coverage \d+(\.\d)? % of the article/);
    expect(text).toMatch(/Longest run \d+ words/);
    expect(text).toMatch(/Page share \d+(\.\d)? % of the page's text/);
    expect(text).toContain('Passages 2');
    // The capture: IP address, HTTP status, SHA-256; no screenshot yet, and where one comes from.
    expect(html).toMatch(/<td><code>127\.0\.0\.1<\/code><\/td>\s*<td class="num">200<\/td>/);
    expect(html).toMatch(/<code>[0-9a-f]{64}<\/code>/);
    expect(text).toContain('No screenshot has been rendered for these captures yet');
    expect(html).toContain(`href="/api/reports/${world.reports.breach}/evidence"`);
    expect(html).toContain(`href="/reports/${world.reports.breach}/notice"`);
    expect(html).toContain('<link rel="stylesheet" href="/assets/report.css">');
    expect((await manager.get('/assets/report.css')).status).toBe(200);
  });

  it('says why an unlicensed copy is unlicensed, and keeps hostile page text as text', async () => {
    const page = await manager.get(`/reports/${world.reports.pirate}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).toContain('&lt;script&gt;alert(&quot;page&quot;)&lt;/script&gt;');
    expect(visibleText(page.text)).toContain(HOSTILE_TEXT);
    expect(visibleText(page.text)).toContain('Not licensed: no consent covers this copy');
    expect(visibleText(page.text)).toContain('No consent covers this page.');
  });

  it('offers each role only the moves it may make; legal cannot confirm; a move needs a note', async () => {
    const id = world.reports.breach;
    const asLegal = await legal.get(`/reports/${id}`);
    expect(asLegal.text).not.toContain('name="status"');
    expect(visibleText(asLegal.text)).toContain('Your role cannot move this report from new');
    const refused = await legal.post(`/reports/${id}/status`, { status: 'confirmed', note: 'looks bad' });
    expect(refused.status).toBe(403);
    expect(await statusOf(id)).toBe('new');

    const asManager = await manager.get(`/reports/${id}`);
    expect(asManager.text).toContain('<option value="confirmed">confirmed</option>');
    const blank = await manager.post(`/reports/${id}/status`, { status: 'confirmed', note: '  ' });
    expect(blank.status).toBe(303);
    expect(await statusOf(id)).toBe('new');
    expect(visibleText((await manager.get(blank.location!)).text)).toContain('A note is required');

    const moved = await manager.post(`/reports/${id}/status`, { status: 'confirmed', note: 'Credit stripped <b>on purpose</b>' });
    expect(moved.status).toBe(303);
    expect(moved.location).toBe(`/reports/${id}`);
    expect(await statusOf(id)).toBe('confirmed');
    const after = await manager.get(`/reports/${id}`);
    expect(visibleText(after.text)).toContain(`Report #${id} moved to confirmed`);
    expect(after.text).toContain('Credit stripped &lt;b&gt;on purpose&lt;/b&gt;');
    // A move the flow does not allow (confirmed → new) is refused with the reason, nothing changed.
    const impossible = await manager.post(`/reports/${id}/status`, { status: 'new', note: 'back' });
    expect(impossible.status).toBe(303);
    expect(visibleText((await manager.get(`/reports/${id}`)).text)).toContain('cannot move from confirmed to new');

    // Once confirmed, legal may send the notice.
    const legalNow = await legal.get(`/reports/${id}`);
    expect(legalNow.text).toContain('<option value="notice_sent">notice sent</option>');
    expect(legalNow.text).not.toContain('<option value="removed">');
    expect((await legal.post(`/reports/${id}/status`, { status: 'notice_sent', note: 'Notice mailed to the host' })).status).toBe(303);
    expect(await statusOf(id)).toBe('notice_sent');
  });

  it('adds a note to the history', async () => {
    const id = world.reports.pirate;
    await manager.get(`/reports/${id}`);
    const added = await manager.post(`/reports/${id}/notes`, { note: 'Same pirate as last month' });
    expect(added.status).toBe(303);
    const page = await manager.get(`/reports/${id}`);
    expect(visibleText(page.text)).toContain('Note added');
    expect(page.text).toMatch(/<td>rights_manager@publisher\.example<\/td><td>note<\/td><td class="note">Same pirate as last month<\/td>/);
    // Refused without the page's form token.
    expect((await manager.post(`/reports/${id}/notes`, { note: 'forged' }, { csrf: false })).status).toBe(403);
  });

  it('downloads the DMCA notice draft as a text attachment', async () => {
    const id = world.reports.pirate;
    const answer = await fetch(`${world.url}/reports/${id}/notice`, { headers: { cookie: legal.cookie() } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="copyhound-dmca-notice-report-${id}.txt"`);
    const notice = await answer.text();
    expect(notice).toContain('NOTIFICATION OF CLAIMED COPYRIGHT INFRINGEMENT');
    expect(notice).toContain('/pirate/nato.html');
    expect(notice).toContain('Work 1: "NATO: Russian airstrikes undermining Syria peace talks"');
    expect(notice).toMatch(/First copied passage: "BRUSSELS \(AA\) – Russia’s ongoing airstrikes/);
    expect(notice).toMatch(/Evidence: capture \d+ made .*, body SHA-256 [0-9a-f]{64}/);
  });

  it('shows the stored screenshot and serves it, never rendering one on a view; shows re-checks', async () => {
    const id = world.reports.breach;
    const app = world.server.app;
    const captureId = await captureOf(id);
    expect((await manager.get(`/captures/${captureId}/screenshot`)).status).toBe(404);
    const path = join('renders', 'test', `capture-${captureId}.png`);
    // Into the capture file store: the data folder, or the database on PostgreSQL.
    await app.captureFiles.write(path, [PNG]);
    await insertCaptureRender(app.database.db, { captureId, format: 'png', path, sha256: hash('sha256', PNG, 'hex'), bytes: PNG.length, warnings: [], createdAt: new Date().toISOString() });
    const page = await manager.get(`/reports/${id}`);
    expect(page.text).toContain(`<img class="screenshot" src="/captures/${captureId}/screenshot"`);
    const shot = await fetch(`${world.url}/captures/${captureId}/screenshot`, { headers: { cookie: manager.cookie() } });
    expect(shot.status).toBe(200);
    expect(shot.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await shot.arrayBuffer()).equals(PNG)).toBe(true);

    const matchId = (await findReportById(app.database.db, id))!.matchId!;
    await insertRecheck(app.database.db, { matchId, url: 'x', checkedAt: '2026-12-02T08:00:00.000Z', outcome: 'still_present', httpStatus: 200, captureId: null });
    await insertRecheck(app.database.db, { matchId, url: 'x', checkedAt: '2026-12-03T08:00:00.000Z', outcome: 'removed', httpStatus: 404, captureId: null });
    const text = visibleText((await manager.get(`/reports/${id}`)).text);
    expect(text).toMatch(/2026-12-03 08:00 UTC removed HTTP 404\s*2026-12-02 08:00 UTC still present HTTP 200/);
  });

  it('answers 404 for a report that does not exist', async () => {
    expect((await manager.get('/reports/999999')).status).toBe(404);
    expect((await manager.get('/reports/abc')).status).toBe(404);
  });
});


describe('page text cache', () => {
  it('extracts a capture once, keeps the most recently used within its entry and character bounds, and forgets failures', async () => {
    const cache = new PageTextCache(2, 10);
    let extractions = 0;
    const text = (value: string) => () => {
      extractions++;
      return Promise.resolve(value);
    };
    const [a, again] = [cache.textOf(1, text('aaaa')), cache.textOf(1, text('other'))];
    expect(await a).toBe('aaaa');
    expect(await again).toBe('aaaa');
    expect(extractions).toBe(1);
    await cache.textOf(2, text('bbbb'));
    await cache.textOf(1, text('unused')); // 1 is now the most recently used
    await cache.textOf(3, text('cc')); // over two entries: 2 (least recently used) goes
    expect(cache.size).toBe(2);
    expect(await cache.textOf(1, text('x'))).toBe('aaaa');
    expect(await cache.textOf(2, text('bbbb-again'))).toBe('bbbb-again');
    // Over ten characters in all: the oldest go until it fits.
    await cache.textOf(4, text('dddddddd'));
    expect(cache.size).toBe(1);
    await expect(cache.textOf(5, () => Promise.reject(new Error('unreadable')))).rejects.toThrow('unreadable');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.textOf(5, text('readable now'))).toBe('readable now');
  });
});

/** The capture the breach report's page text came from (as the page names it). */
async function captureOf(id: number): Promise<number> {
  const page = await manager.get(`/reports/${id}`);
  const found = /Copying page <span class="muted small">\(capture #(\d+)\)/.exec(page.text);
  if (!found) throw new Error('the report page names no capture');
  return Number(found[1]);
}
