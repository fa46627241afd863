import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDemo } from '../../src/demo/run-demo.ts';
import type { CaseKey } from '../../src/demo/site/scenario.ts';
import { launchBrowser, loginOf, openContext, SETUP_TIMEOUT_MS, signInWithForm, startTestDemo, watchPageErrors } from './browser-kit.ts';

/**
 * The reviewer's day in Debian's chromium against the demo (a real crawl's reports, a real server
 * on loopback): sign in with the form, the queue from the keyboard, a report's passages side by
 * side, confirming it, its evidence package, approving a pending consent, a licensee kept to its
 * portal, and a form without its CSRF token refused. One browser and one demo for the file; the
 * tests run in order and share the signed-in page, as one person's session would.
 */

// The evidence package renders the capture with chromium and signs it: several seconds on 2 cores.
const EVIDENCE_TIMEOUT_MS = 60_000;

describe('web app in a browser: the review flows', () => {
  let demo: RunningDemo;
  let browser: Browser;
  let staff: BrowserContext;
  let page: Page;
  let takeErrors: () => string[];

  const reportOf = (key: CaseKey): number => {
    const id = demo.outcome.find((o) => o.key === key)?.found?.reportId;
    if (id == null) throw new Error(`the demo made no report for ${key}`);
    return id;
  };

  beforeAll(async () => {
    demo = await startTestDemo();
    browser = await launchBrowser(demo.app.config.evidence.chromiumPath);
    staff = await openContext(browser, demo.url);
    page = await staff.newPage();
    takeErrors = watchPageErrors(page);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('signs in with the form and lands on the dashboard', async () => {
    await page.goto('/reports');
    // Signed out: the page sends the browser to the sign-in form, remembering where it was going.
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('E-mail address').fill(loginOf(demo, 'rights_manager').email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#login-error').textContent()).toMatch(/\S/);
    await signInWithForm(page, loginOf(demo, 'rights_manager'));
    expect(new URL(page.url()).pathname).toBe('/');
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/dashboard/i);
    expect(await page.locator('header .user').textContent()).toContain(loginOf(demo, 'rights_manager').email);
    expect(takeErrors()).toEqual([]);
  });

  it('opens the review queue from the navigation and lists the crawl’s reports', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Review queue' }).click();
    await page.waitForURL('**/reports');
    const ids = await page.locator('table.reports tbody tr[data-id]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-id'))));
    expect(ids.sort()).toEqual([reportOf('creditMissing'), reportOf('unlicensedCopy'), reportOf('partialCopy')].sort());
    expect(await page.locator(`tr[data-id="${reportOf('creditMissing')}"]`).textContent()).toMatch(/Licence breach/i);
    expect(takeErrors()).toEqual([]);
  });

  it('moves through the queue with the keyboard: j/k move, x selects, ? shows the help, o opens', async () => {
    const rows = page.locator('table.reports tbody tr[data-id]');
    const current = () => rows.evaluateAll((all) => all.findIndex((r) => r.classList.contains('current') && r.getAttribute('aria-current') === 'true'));
    // app.js makes the first row current once it has run.
    await expect.poll(current).toBe(0);
    await page.keyboard.press('j');
    expect(await current()).toBe(1);
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect(await current()).toBe(1);
    await page.keyboard.press('x');
    expect(await rows.nth(1).locator('input[type=checkbox]').isChecked()).toBe(true);
    expect(await rows.nth(1).getAttribute('class')).toContain('selected');
    await page.keyboard.press('x');
    expect(await rows.nth(1).locator('input[type=checkbox]').isChecked()).toBe(false);
    await page.keyboard.press('?');
    await page.locator('dialog#help').waitFor({ state: 'visible' });
    expect(await page.locator('dialog#help').textContent()).toMatch(/Keyboard shortcuts/);
    await page.keyboard.press('Escape');
    await page.locator('dialog#help').waitFor({ state: 'hidden' });
    const id = await rows.nth(1).getAttribute('data-id');
    await page.keyboard.press('o');
    await page.waitForURL(`**/reports/${id}`);
    expect(takeErrors()).toEqual([]);
  });

  it('confirms a report from the queue with c and a note', async () => {
    await page.goto('/reports');
    const id = reportOf('creditMissing');
    const rows = page.locator('table.reports tbody tr[data-id]');
    const index = (await rows.evaluateAll((all) => all.map((r) => r.getAttribute('data-id')))).indexOf(String(id));
    await rows.first().and(page.locator('.current')).waitFor();
    for (let i = 0; i < index; i++) await page.keyboard.press('j');
    await page.keyboard.press('c');
    const dialog = page.locator('dialog#quick-action');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('h2').textContent()).toContain(`#${id}`);
    // The note field has the focus: typing goes straight into it, Enter sends the form.
    await page.keyboard.type('Credit line missing (confirmed from the keyboard)');
    await Promise.all([page.waitForURL('**/reports'), page.keyboard.press('Enter')]);
    expect(await page.locator('.flash.ok').textContent()).toMatch(/1 report moved to confirmed/);
    expect(await page.locator(`tr[data-id="${id}"] .badge.confirmed`).count()).toBe(1);
    expect(takeErrors()).toEqual([]);
  });

  it('shows a report with the copied passages highlighted and numbered alike on both sides', async () => {
    const id = reportOf('unlicensedCopy');
    await page.goto(`/reports/${id}`);
    const columns = page.locator('.side-by-side .column');
    expect(await columns.count()).toBe(2);
    const passagesOf = (column: number) => columns.nth(column).locator('mark.copied[data-passage]').evaluateAll((marks) => [...new Set(marks.map((m) => m.getAttribute('data-passage')))]);
    const article = await passagesOf(0);
    const copy = await passagesOf(1);
    expect(article.length).toBeGreaterThan(0);
    expect(copy).toEqual(article);
    // A passage number leads to the same passage in the other column.
    const link = columns.nth(0).locator('mark.copied .n').first();
    const target = (await link.getAttribute('href'))!;
    expect(target).toMatch(/^#/);
    expect(await columns.nth(1).locator(`[id="${target.slice(1)}"]`).count()).toBe(1);
    expect(takeErrors()).toEqual([]);
  });

  it('confirms the report with a note and shows the change in its history', async () => {
    const id = reportOf('unlicensedCopy');
    const note = 'Verbatim copy of the wire story, no licence (browser test)';
    const form = page.locator(`form[action="/reports/${id}/status"]`);
    await form.locator('select[name="status"]').selectOption('confirmed');
    await form.locator('[name="note"]').fill(note);
    await Promise.all([page.waitForURL(`**/reports/${id}`), form.locator('button[type="submit"]').click()]);
    expect(await page.locator('.flash.ok').textContent()).toMatch(/confirmed/i);
    expect(await page.locator('main').textContent()).toContain(note);
    expect(await page.locator('.badge.confirmed').count()).toBeGreaterThan(0);
    expect(takeErrors()).toEqual([]);
  });

  // One report's package holds a few captures and renders of a demo page: far below this per file.
  const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

  it(
    'downloads the report’s evidence package: a zip with its manifest',
    async () => {
      const id = reportOf('unlicensedCopy');
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: EVIDENCE_TIMEOUT_MS }), page.locator(`a[href*="/reports/${id}/evidence"]`).first().click()]);
      expect(download.suggestedFilename()).toMatch(/\.zip$/);
      const zip = readFileSync((await download.path())!);
      expect(zip.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
      // Entries are inflated only when their stated size is sane: a download is not inflated blind.
      const files = unzipSync(new Uint8Array(zip), { filter: (f) => f.originalSize <= MAX_ENTRY_BYTES });
      expect(Object.keys(files)).toContain('manifest.json');
      const manifest = JSON.parse(Buffer.from(files['manifest.json']).toString('utf8')) as { format: string; reports: number[]; files: { path: string }[] };
      expect(manifest.format).toMatch(/^copyhound-evidence-package\//);
      expect(manifest.reports).toEqual([id]);
      // The rendered view of the capture (chromium) and the comparison are in it, as the manifest lists them.
      const listed = manifest.files.map((f) => f.path);
      expect(listed).toContain(`report-${id}/comparison.html`);
      expect(listed.some((p) => new RegExp(`^report-${id}/captures/\\d+\\.png$`).test(p))).toBe(true);
      for (const path of listed) expect(Object.keys(files)).toContain(path);
      expect(takeErrors()).toEqual([]);
    },
    EVIDENCE_TIMEOUT_MS + 10_000,
  );

  it('approves the pending consent and its report turns licensed', async () => {
    const consentId = demo.seed.consents.pending.id;
    const id = reportOf('partialCopy');
    await page.goto(`/reports/${id}`);
    expect(await page.locator('.badge.licensed').count()).toBe(0);
    await page.goto(`/consents/${consentId}`);
    expect(await page.locator('main').textContent()).toMatch(/pending/i);
    await Promise.all([page.waitForURL(`**/consents/${consentId}`), page.locator(`form[action="/consents/${consentId}/approve"] button[type="submit"]`).click()]);
    expect(await page.locator('.flash.ok').count()).toBe(1);
    expect(await page.locator('.badge.active').count()).toBeGreaterThan(0);
    await page.goto(`/reports/${id}`);
    expect(await page.locator('.badge.licensed').count()).toBeGreaterThan(0);
    expect(takeErrors()).toEqual([]);
  });

  it('keeps a licensee to its portal: another licensee’s consent is not found, reports are forbidden', async () => {
    const context = await openContext(browser, demo.url);
    try {
      const licensee = await context.newPage();
      await signInWithForm(licensee, loginOf(demo, 'licensee'));
      expect(new URL(licensee.url()).pathname).toBe('/portal');
      expect(await licensee.locator('main').textContent()).toContain(demo.seed.consents.pending.licenseeName);
      const nav = await licensee.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
      expect(nav).toContain('My consents');
      for (const staffOnly of ['Dashboard', 'Review queue', 'Owned articles', 'Licensees', 'Sources', 'Settings']) expect(nav).not.toContain(staffOnly);
      const own = await licensee.goto(`/consents/${demo.seed.consents.pending.id}`);
      expect(own?.status()).toBe(200);
      const other = await licensee.goto(`/consents/${demo.seed.consents.credited.id}`);
      expect(other?.status()).toBe(404);
      expect(await licensee.locator('main').textContent()).not.toContain(demo.seed.consents.credited.licenseeName);
      for (const path of ['/reports', `/reports/${reportOf('creditMissing')}`, '/articles', '/licensees']) {
        const answer = await licensee.goto(path);
        expect({ path, status: answer?.status() }).toEqual({ path, status: 403 });
      }
    } finally {
      await context.close();
    }
  });

  it('refuses a form posted without its CSRF token, and the page says why', async () => {
    await page.goto('/reports');
    const row = page.locator('table.reports tbody tr[data-id]').first();
    const id = await row.getAttribute('data-id');
    const statusBefore = await row.locator('.badge').first().textContent();
    const form = page.locator('form#bulk');
    await form.locator('input[name="_csrf"]').evaluate((input) => input.remove());
    await page.locator('#bulk-status').selectOption('dismissed');
    await page.locator('#bulk-note').fill('posted without the token');
    await row.locator('input[type=checkbox]').check();
    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), form.locator('button[type="submit"]').click()]);
    expect(answer.status()).toBe(403);
    await page.waitForLoadState();
    expect(await page.locator('main').textContent()).toMatch(/form token/i);
    // Nothing changed: the report is still in the status it had.
    await page.goto('/reports');
    expect(await page.locator(`table.reports tbody tr[data-id="${id}"] .badge`).first().textContent()).toBe(statusBefore);
  });
});
