import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { executeStatement, queryRows } from '../../db/dialect.ts';
import { listReportEvents } from '../../db/report-events.ts';
import { listReportCaptures } from '../../db/report-captures.ts';
import { findReportById, listReports } from '../../db/reports.ts';
import { listMatches } from '../../db/matches.ts';
import { archiveArticle, removeArticle } from '../../src/articles/article-registry.ts';
import { processPage } from '../../src/pipeline.ts';
import { addLicensee, addOwnerSite } from '../../src/rights-admin.ts';
import { addConsent, changeConsentStatus, changeConsentTerms, expireConsents, getConsent } from '../../src/consent-admin.ts';
import { parseConsentRequest } from '../../src/rights/consent-input.ts';
import { setReportStatus } from '../../src/report-admin.ts';
import { addSource } from '../../crawlers/sources-service.ts';
import { runSource } from '../../crawlers/run-source.ts';
import type { App } from '../../src/app.ts';
import { buildNewsPage, escapeHtml, OWN_REPORT, paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { startNewsSite, type NewsSite } from '../fixtures/crawl/news-site.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestApp } from '../crawl/crawl-helpers.ts';

const ALL_REPORTS = { filters: {}, sort: { field: 'id' as const, direction: 'asc' as const }, limit: 100 };

describe('reports follow decisions: created, licensed, re-opened, removed, never rewritten', () => {
  const tempDir = useTempDir();
  let site: NewsSite | undefined;
  let app: App | undefined;
  afterEach(async () => {
    app?.close();
    app = undefined;
    await site?.close();
    site = undefined;
  });

  const [nato] = readOwnedFixtures();
  const copyPage = (extra: string[] = []) => buildNewsPage({ site: 'Copy Daily', headline: nato.title, paragraphsHtml: [...paragraphsOf(nato), ...extra].map(escapeHtml) });
  const deps = (a: App) => ({ db: a.database.db, config: a.config.rights });

  async function setup(paths: string[]) {
    site = await startNewsSite({ stories: 1 });
    for (const path of paths) site.setPage(path, copyPage());
    app = await openTestApp(tempDir());
    return { app, url: (path: string) => `${site!.url}${path}` };
  }

  it('an unlicensed copy becomes a new report with its capture and a created event; matches carry the decision', async () => {
    const { app, url } = await setup(['/pirate/nato']);
    const outcome = await processPage(app, url('/pirate/nato'));
    expect(outcome.status).toBe('matched');
    const [report] = await listReports(app.database.db, ALL_REPORTS);
    expect(report).toMatchObject({ decision: 'unlicensed', status: 'new', articleId: nato.id, kind: 'reproduction', reasons: [], consentId: null, host: '127.0.0.1' });
    const events = await listReportEvents(app.database.db, report.id, 10);
    expect(events.map((e) => [e.kind, e.fromStatus, e.toStatus, e.actor])).toEqual([['created', null, 'new', 'copyhound']]);
    const captures = await listReportCaptures(app.database.db, report.id, 10);
    expect(captures.map((c) => c.role)).toEqual(['first_seen']);
    expect(captures[0].captureId).toBe(outcome.captureId);
    const match = (await listMatches(app.database.db, { limit: 10, offset: 0 })).items[0];
    expect(match).toMatchObject({ decision: 'unlicensed', reasons: [], consentId: null });
  }, 30_000);

  it('adding an owner site re-decides its pages: the report is dismissed with a history event; new owner pages get none', async () => {
    const { app, url } = await setup(['/own/nato', '/own/again']);
    await processPage(app, url('/own/nato'));
    const [before] = await listReports(app.database.db, ALL_REPORTS);
    expect(before.status).toBe('new');
    const { redecided } = await addOwnerSite(deps(app), `${site!.url.replace(/:\d+$/, '')}/own/`, 'local');
    expect(redecided).toMatchObject({ matches: 1, changed: 1, reportsChanged: 1 });
    const after = (await findReportById(app.database.db, before.id))!;
    expect(after).toMatchObject({ decision: 'owner_site', status: 'dismissed' });
    const kinds = (await listReportEvents(app.database.db, before.id, 10)).map((e) => [e.kind, e.actor, e.toStatus]);
    expect(kinds).toEqual([
      ['created', 'copyhound', 'new'],
      ['decision', 'local', 'dismissed'],
    ]);
    await processPage(app, url('/own/again'));
    expect(await listReports(app.database.db, ALL_REPORTS)).toHaveLength(1);
  }, 30_000);

  it('a consent that now covers the copy turns the report licensed; revoking it re-opens the report as a breach', async () => {
    const { app, url } = await setup(['/partner/nato']);
    await processPage(app, url('/partner/nato'));
    const [report] = await listReports(app.database.db, ALL_REPORTS);
    await addLicensee(deps(app), { name: 'Partner News', places: ['http://127.0.0.1/partner/'] }, 'local');
    const { consent, redecided } = await addConsent(deps(app), parseConsentRequest({ licensee: 'Partner News', places: ['http://127.0.0.1/partner/'], contractRef: 'C-1' }), 'alice');
    expect(redecided.reportsChanged).toBe(1);
    expect(await findReportById(app.database.db, report.id)).toMatchObject({ decision: 'licensed', consentId: consent.id, status: 'licensed', licenseeName: 'Partner News' });
    await changeConsentStatus(deps(app), consent.id, 'revoke', 'bob', 'contract ended');
    expect(await findReportById(app.database.db, report.id)).toMatchObject({ decision: 'licence_breach', reasons: ['revoked'], consentId: consent.id, status: 'new' });
    const events = (await listReportEvents(app.database.db, report.id, 20)).map((e) => [e.kind, e.actor, e.fromStatus, e.toStatus]);
    expect(events).toEqual([
      ['created', 'copyhound', null, 'new'],
      ['decision', 'alice', 'new', 'licensed'],
      ['decision', 'bob', 'licensed', 'new'],
    ]);
    // One event per cause, saying why the decision and with it the status moved.
    const [, licensing, revoking] = await listReportEvents(app.database.db, report.id, 20);
    expect(licensing.note).toContain(`consent ${consent.id} now covers the copy`);
    expect(revoking.note).toContain('contract ended');
    expect(revoking.note).toContain('no longer licensed');
  }, 30_000);

  it("changing a consent's terms re-decides its matches: a narrower place turns a licensed copy into a breach", async () => {
    const { app, url } = await setup(['/partner/world/nato']);
    await processPage(app, url('/partner/world/nato'));
    const [report] = await listReports(app.database.db, ALL_REPORTS);
    await addLicensee(deps(app), { name: 'Partner News', places: ['http://127.0.0.1/partner/'] }, 'local');
    const { consent } = await addConsent(deps(app), parseConsentRequest({ licensee: 'Partner News', places: ['http://127.0.0.1/partner/'] }), 'alice');
    expect(await (await findReportById(app.database.db, report.id))!.status).toBe('licensed');
    await expect(changeConsentTerms(deps(app), consent.id, { licensee: 'Other' }, 'alice')).rejects.toThrow(/licensee cannot be changed/);
    await expect(changeConsentTerms(deps(app), consent.id, { validUntil: 'soon' }, 'alice')).rejects.toThrow(/validUntil/);
    const { redecided } = await changeConsentTerms(deps(app), consent.id, { places: ['http://127.0.0.1/partner/sport/'] }, 'alice');
    expect(redecided.reportsChanged).toBe(1);
    expect(await findReportById(app.database.db, report.id)).toMatchObject({ decision: 'licence_breach', reasons: ['place_not_covered'], status: 'new' });
    expect((await listReportEvents(app.database.db, report.id, 20)).at(-1)).toMatchObject({ kind: 'decision', fromStatus: 'licensed', toStatus: 'new', note: expect.stringContaining('terms changed by alice: places; no longer licensed') });
  }, 30_000);

  it('a consent past its valid-until is marked expired; what was observed while it was valid stays licensed', async () => {
    const { app, url } = await setup(['/partner/nato']);
    await addLicensee(deps(app), { name: 'Partner News', places: ['http://127.0.0.1/partner/'] }, 'local');
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const { consent } = await addConsent(deps(app), parseConsentRequest({ licensee: 'Partner News', places: ['http://127.0.0.1/partner/'], validUntil: until }), 'alice');
    await processPage(app, url('/partner/nato'));
    expect((await listMatches(app.database.db, { limit: 10, offset: 0 })).items[0]).toMatchObject({ decision: 'licensed', consentId: consent.id });
    expect(await expireConsents(deps(app), 'copyhound')).toEqual({ expired: [] });
    const later = { ...deps(app), now: () => new Date(Date.now() + 2 * 86_400_000) };
    expect(await expireConsents(later, 'copyhound')).toEqual({ expired: [consent.id] });
    expect((await getConsent(app.database.db, consent.id)).status).toBe('expired');
    expect((await listMatches(app.database.db, { limit: 10, offset: 0 })).items[0]).toMatchObject({ decision: 'licensed', consentId: consent.id });
    expect(await listReports(app.database.db, ALL_REPORTS)).toHaveLength(0);
  }, 30_000);

  it('a closed report re-opens when the page content changes', async () => {
    const { app, url } = await setup(['/pirate/nato']);
    await processPage(app, url('/pirate/nato'));
    const [report] = await listReports(app.database.db, ALL_REPORTS);
    await setReportStatus(app.database.db, report.id, 'closed', 'handled offline', 'local');
    await processPage(app, url('/pirate/nato'));
    expect(await (await findReportById(app.database.db, report.id))!.status).toBe('closed');
    site!.setPage('/pirate/nato', copyPage([OWN_REPORT[0]]));
    await processPage(app, url('/pirate/nato'));
    expect(await (await findReportById(app.database.db, report.id))!.status).toBe('new');
    const last = (await listReportEvents(app.database.db, report.id, 20)).at(-1)!;
    expect(last).toMatchObject({ kind: 'reopened', fromStatus: 'closed', toStatus: 'new' });
    // Every sighting is evidence: the unchanged visit while closed, then the changed page.
    expect((await listReportCaptures(app.database.db, report.id, 10)).map((c) => c.role)).toEqual(['first_seen', 'seen_again', 'seen_again']);
  }, 30_000);

  it('a watch re-check that finds the copy gone moves a confirmed report to removed, citing the capture', async () => {
    const { app, url } = await setup(['/pirate/nato']);
    await processPage(app, url('/pirate/nato'));
    const [report] = await listReports(app.database.db, ALL_REPORTS);
    // Confirming flags the match, so watch sources re-check it.
    await setReportStatus(app.database.db, report.id, 'confirmed', 'verbatim copy, no licence', 'local');
    const watch = await addSource(app, { type: 'watch', name: 'watch' });
    await runSource(app, watch);
    expect(await (await findReportById(app.database.db, report.id))!.status).toBe('confirmed');
    site!.queueAnswers('/pirate/nato', [{ status: 404 }]);
    await runSource(app, watch);
    const removed = (await findReportById(app.database.db, report.id))!;
    expect(removed.status).toBe('removed');
    const last = (await listReportEvents(app.database.db, report.id, 20)).at(-1)!;
    expect(last).toMatchObject({ kind: 'status', fromStatus: 'confirmed', toStatus: 'removed', actor: 'copyhound' });
    const recheckCaptures = (await listReportCaptures(app.database.db, report.id, 10)).filter((c) => c.role === 'recheck');
    expect(recheckCaptures).toHaveLength(2);
    expect(last.note).toContain(`capture ${recheckCaptures[1].captureId}`);
    expect(last.note).toContain('HTTP 404');
  }, 30_000);

  it('refuses a move the flow does not allow, naming the allowed ones', async () => {
    const { app, url } = await setup(['/pirate/nato']);
    await processPage(app, url('/pirate/nato'));
    const [report] = await listReports(app.database.db, ALL_REPORTS);
    await expect(setReportStatus(app.database.db, report.id, 'notice_sent', 'skip ahead', 'local')).rejects.toThrow(/cannot move from new to notice_sent; from new it can move to: confirmed, dismissed, licensed, closed/);
    await expect(setReportStatus(app.database.db, report.id, 'confirmed', '  ', 'local')).rejects.toThrow(/note is required/);
  }, 30_000);

  it('history, captures and reports cannot be rewritten or deleted, even with raw SQL', async () => {
    const { app, url } = await setup(['/pirate/nato']);
    await processPage(app, url('/pirate/nato'));
    // Why the database refused (drizzle wraps PostgreSQL's error: the database's own is its cause).
    const refusalOf = async (statement: string) =>
      await executeStatement(app.database.db, sql.raw(statement)).then(() => 'not refused', (error: Error & { cause?: Error }) => `${error.message}\n${error.cause?.message ?? ''}`);
    expect(await refusalOf("update report_events set note = 'edited'")).toMatch(/append-only/);
    expect(await refusalOf('delete from report_events')).toMatch(/append-only/);
    expect(await refusalOf("update report_captures set role = 'recheck'")).toMatch(/append-only/);
    expect(await refusalOf('delete from report_captures')).toMatch(/append-only/);
    expect(await refusalOf('delete from reports')).toMatch(/never deleted/);
    expect((await queryRows<{ n: number }>(app.database.db, sql`select count(*) as n from report_events`)).map((r) => Number(r.n))).toEqual([1]);
  }, 30_000);

  it('an article cited by a report cannot be deleted; archiving keeps it and stops matching it', async () => {
    const { app, url } = await setup(['/pirate/nato', '/pirate/later']);
    await processPage(app, url('/pirate/nato'));
    await expect(removeArticle(app.registry, nato.id)).rejects.toThrow(/cited by 1 report\(s\) and cannot be deleted; archive it instead/);
    await archiveArticle(app.registry, nato.id);
    const later = await processPage(app, url('/pirate/later'));
    expect(later.status).toBe('no_match');
    expect(await listReports(app.database.db, ALL_REPORTS)).toHaveLength(1);
  }, 30_000);
});
