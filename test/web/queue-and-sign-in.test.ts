import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/accounts.ts';
import { findReportById } from '../../db/reports.ts';
import { findUserByEmail } from '../../db/users.ts';
import { getAlertPreferences } from '../../src/alert-admin.ts';
import { startAppServer } from '../helpers/start-app-server.ts';
import { seedArticles, seedReports } from '../reports/seed-reports.ts';
import { createWebClient, signInAs } from './web-client.ts';

const PASSWORD = 'Granite-Otter-47-Lantern-Quiver';
let dir: string;
let started: Awaited<ReturnType<typeof startAppServer>>;
let base: string;
let reportIds: number[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'copyhound-web-queue-'));
  started = await startAppServer(dir, {}, { anonymous: true });
  base = started.server.url;
  const db = started.app.database.db;
  for (const role of ['admin', 'rights_manager', 'legal'] as const) await addUser({ db }, { email: `${role}@example.test`, password: PASSWORD, role }, 'local');
  const keys = await seedArticles(db, ['wire-1', 'wire-2']);
  const now = Date.now();
  const recent = (hours: number) => new Date(now - hours * 3_600_000).toISOString();
  reportIds = (await seedReports(db, keys, [
    { url: 'https://copier.example/a', articleId: 'wire-1', coverage: 0.9, kind: 'reproduction', firstSeenAt: recent(3) },
    { url: 'https://copier.example/b', articleId: 'wire-2', coverage: 0.3, firstSeenAt: recent(2) },
    { url: 'https://other.example/<script>alert(1)</script>', articleId: 'wire-1', coverage: 0.5, decision: 'licence_breach', reasons: ['credit_missing'], firstSeenAt: recent(1) },
    { url: 'https://other.example/old', articleId: 'wire-2', status: 'dismissed', firstSeenAt: recent(30) },
  ])).map((r) => r.id);
});

afterAll(async () => {
  await started?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('sign-in', () => {
  it('sends a signed-out browser to the sign-in page and back where it was going', async () => {
    const client = createWebClient(base);
    const page = await client.get('/reports?status=new');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/login?next=%2Freports%3Fstatus%3Dnew');
    await client.get(page.location!);
    const answer = await client.post('/login', { email: 'admin@example.test', password: PASSWORD, next: '/reports?status=new' });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/reports?status=new');
    expect((await client.get('/reports?status=new')).status).toBe(200);
  });

  it('keeps the Referrer-Policy at same-origin, so a browser sends its real Origin with the page forms', async () => {
    // Under helmet's default no-referrer, browsers send `Origin: null` with form POSTs and the
    // cross-site write guard refuses the app's own sign-in form.
    const page = await fetch(`${base}/login`);
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
  });

  it('answers a wrong password with the form again and one message, and follows no foreign next', async () => {
    const client = createWebClient(base);
    await client.get('/login');
    const wrong = await client.post('/login', { email: 'admin@example.test', password: 'not-the-password', next: '/' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Wrong e-mail address or password');
    const offsite = await client.post('/login', { email: 'admin@example.test', password: PASSWORD, next: '//evil.example/' });
    expect(offsite.location).toBe('/');
  });

  it('signs out here, and everywhere', async () => {
    const first = await signInAs(base, 'legal@example.test', PASSWORD);
    const second = await signInAs(base, 'legal@example.test', PASSWORD);
    await first.get('/account');
    expect((await first.post('/logout-all', {})).location).toBe('/login');
    expect((await second.get('/reports')).status).toBe(303);
    const third = await signInAs(base, 'legal@example.test', PASSWORD);
    await third.get('/account');
    await third.post('/logout', {});
    expect((await third.get('/reports')).status).toBe(303);
  });

  it('changes the password only with the current one, then asks to sign in again', async () => {
    await addUser({ db: started.app.database.db }, { email: 'changer@example.test', password: PASSWORD, role: 'legal' }, 'local');
    const client = await signInAs(base, 'changer@example.test', PASSWORD);
    await client.get('/account');
    const refused = await client.post('/account/password', { current: 'wrong-password-here', next: 'Brass-Heron-58-Meadow-Tinsel' });
    expect(refused.location).toBe('/account');
    expect((await client.get('/account')).text).toMatch(/flash error/);
    const changed = await client.post('/account/password', { current: PASSWORD, next: 'Brass-Heron-58-Meadow-Tinsel' });
    expect(changed.location).toBe('/login');
    await expect(signInAs(base, 'changer@example.test', PASSWORD)).rejects.toThrow(/failed/);
    await signInAs(base, 'changer@example.test', 'Brass-Heron-58-Meadow-Tinsel');
  });
});

describe('the review queue', () => {
  it('lists reports with the API filters, escaping what the page said', async () => {
    const client = await signInAs(base, 'rights_manager@example.test', PASSWORD);
    const all = await client.get('/reports');
    expect(all.status).toBe(200);
    for (const id of reportIds) expect(all.text).toContain(`data-id="${id}"`);
    expect(all.text).not.toContain('<script>alert(1)');
    expect(all.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const breaches = await client.get('/reports?decision=licence_breach&status=');
    expect(breaches.text).toContain(`data-id="${reportIds[2]}"`);
    expect(breaches.text).not.toContain(`data-id="${reportIds[0]}"`);
    const bad = await client.get('/reports?minCoverage=7');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('must be a fraction from 0 to 1');
  });

  it('pages with a cursor, one page at a time', async () => {
    const client = await signInAs(base, 'rights_manager@example.test', PASSWORD);
    const seen = new Set<string>();
    let path: string | null = '/reports?limit=1';
    // The form has no limit field; the API's limit parameter is honoured all the same.
    for (let pages = 0; path && pages < 10; pages++) {
      const page = await client.get(path);
      for (const m of page.text.matchAll(/data-id="(\d+)"/g)) seen.add(m[1]);
      const next = /id="next-page" rel="next"|href="([^"]+)" id="next-page"/.exec(page.text);
      path = next?.[1]?.replace(/&amp;/g, '&') ?? null;
    }
    expect([...seen].sort()).toEqual(reportIds.map(String).sort());
  });

  it('changes the status of the selected reports, with a note, and refuses a form without its token', async () => {
    const client = await signInAs(base, 'rights_manager@example.test', PASSWORD);
    await client.get('/reports');
    const noToken = await client.post('/reports/bulk', { scope: 'selected', ids: [String(reportIds[0])], status: 'confirmed', note: 'copy' }, { csrf: false });
    expect(noToken.status).toBe(403);
    expect(noToken.text).toContain('form token');
    const moved = await client.post('/reports/bulk', { scope: 'selected', ids: [String(reportIds[0])], status: 'confirmed', note: 'verbatim copy' });
    expect(moved.status).toBe(303);
    expect(await (await findReportById(started.app.database.db, reportIds[0]))!.status).toBe('confirmed');
    expect((await client.get(moved.location!)).text).toContain('1 report moved to confirmed');
  });

  it('moves every report matching the filters, leaving those that cannot move', async () => {
    const client = await signInAs(base, 'rights_manager@example.test', PASSWORD);
    await client.get('/reports');
    const answer = await client.post('/reports/bulk', { scope: 'filtered', filter_domain: 'other.example', status: 'closed', note: 'handled elsewhere' });
    expect(answer.status).toBe(303);
    const db = started.app.database.db;
    expect(await (await findReportById(db, reportIds[2]))!.status).toBe('closed');
    expect(await (await findReportById(db, reportIds[3]))!.status).toBe('closed');
    expect(await (await findReportById(db, reportIds[1]))!.status).toBe('new');
  });

  it('lets legal send notices but not confirm', async () => {
    const client = await signInAs(base, 'legal@example.test', PASSWORD);
    const page = await client.get('/reports');
    const actions = /id="bulk-status" name="status">(.*?)<\/select>/s.exec(page.text)![1];
    expect(actions).toContain('<option value="notice_sent">');
    expect(actions).not.toContain('<option value="confirmed">');
    const refused = await client.post('/reports/bulk', { scope: 'selected', ids: [String(reportIds[1])], status: 'confirmed', note: 'x' });
    expect(refused.status).toBe(403);
  });
});

describe('the dashboard', () => {
  it('shows the trend, open reports and top domains to staff, and sends nobody else there', async () => {
    const client = await signInAs(base, 'admin@example.test', PASSWORD);
    const page = await client.get('/');
    expect(page.status).toBe(200);
    const trend = JSON.parse(/<script type="application\/json" id="trend-data">([^<]*)<\/script>/.exec(page.text)![1]) as { day: string; reports: number }[];
    expect(trend).toHaveLength(30);
    expect(trend.reduce((s, d) => s + d.reports, 0)).toBeGreaterThanOrEqual(3);
    expect(page.text).toContain('copier.example');
    expect(page.text).toContain('Crawl health');
    expect((await createWebClient(base).get('/')).status).toBe(303);
  });
});

describe('alert settings on the account page', () => {
  it('saves a staff user\'s digest choice and refuses a coverage over 100 %', async () => {
    const client = await signInAs(base, 'legal@example.test', PASSWORD);
    const page = await client.get('/account');
    expect(page.text).toContain('E-mail alerts');
    const saved = await client.post('/account/alerts', { mode: 'daily', decisions: ['unlicensed', 'licence_breach'], minCoveragePercent: '40' });
    expect(saved.location).toBe('/account');
    const db = started.app.database.db;
    const prefs = await getAlertPreferences(db, (await findUserByEmail(db, 'legal@example.test'))!.id);
    expect(prefs).toMatchObject({ mode: 'daily', minCoverage: 0.4 });
    expect([...prefs.decisions].sort()).toEqual(['licence_breach', 'unlicensed']);
    await client.get('/account');
    const refused = await client.post('/account/alerts', { mode: 'daily', decisions: 'unlicensed', minCoveragePercent: '140' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('must be at most 100');
  });
});
