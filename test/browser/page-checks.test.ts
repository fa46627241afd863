import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDemo } from '../../src/demo/run-demo.ts';
import type { DemoLogin } from '../../src/demo/seed-demo.ts';
import { describeViolation, isBlocking, launchBrowser, loginOf, openContext, runAxe, saveScreenshot, SCREENSHOT_DIR, SETUP_TIMEOUT_MS, signInWithForm, startTestDemo, watchPageErrors, type AxeViolation } from './browser-kit.ts';

/**
 * Every main page of the web app, over the demo's data, in Debian's chromium: it answers 200,
 * runs without a script error or a refused load under the server's own CSP, is saved as a
 * full-page screenshot (SCREENSHOT_DIR, printed at the end), and passes axe-core with no serious
 * or critical violation (lesser ones are printed for the page's owner).
 *
 * axe's source is added as a script tag, which the server's CSP (script-src 'self') rightly
 * refuses; so each signed-in role has two contexts sharing one session: one under the real CSP
 * (errors, screenshot) and one with CSP bypassed, where axe runs.
 */

type Who = 'anonymous' | 'admin' | 'licensee';

interface MainPage {
  name: string;
  who: Who;
  path: (demo: RunningDemo) => string;
}

function reportOf(demo: RunningDemo, key: 'unlicensedCopy'): number {
  const id = demo.outcome.find((o) => o.key === key)?.found?.reportId;
  if (id == null) throw new Error(`the demo made no report for ${key}`);
  return id;
}

const PAGES: MainPage[] = [
  { name: 'login', who: 'anonymous', path: () => '/login' },
  { name: 'dashboard', who: 'admin', path: () => '/' },
  { name: 'queue', who: 'admin', path: () => '/reports' },
  { name: 'report', who: 'admin', path: (d) => `/reports/${reportOf(d, 'unlicensedCopy')}` },
  { name: 'articles', who: 'admin', path: () => '/articles' },
  { name: 'article', who: 'admin', path: (d) => `/articles/${encodeURIComponent(d.site.cases.find((c) => c.key === 'unlicensedCopy')!.storyId)}` },
  { name: 'licensees', who: 'admin', path: () => '/licensees' },
  { name: 'licensee', who: 'admin', path: (d) => `/licensees/${d.seed.consents.uncredited.licenseeId}` },
  { name: 'consent', who: 'admin', path: (d) => `/consents/${d.seed.consents.pending.id}` },
  { name: 'consent-new', who: 'admin', path: () => '/consents/new' },
  { name: 'sources', who: 'admin', path: () => '/sources' },
  { name: 'source', who: 'admin', path: (d) => `/sources/${d.seed.source.id}` },
  { name: 'settings', who: 'admin', path: () => '/settings' },
  { name: 'account', who: 'admin', path: () => '/account' },
  { name: 'portal', who: 'licensee', path: () => '/portal' },
  { name: 'portal-consent', who: 'licensee', path: (d) => `/consents/${d.seed.consents.pending.id}` },
];

interface Viewer {
  /** Under the server's CSP: what a person's browser does. */
  page: Page;
  takeErrors: () => string[];
  /** The same session with CSP bypassed, for axe's injected source. */
  axePage: Page;
}

describe('web app in a browser: every main page renders, is saved as a screenshot and passes axe', () => {
  let demo: RunningDemo;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const viewers = new Map<Who, Viewer>();
  const lesser: string[] = [];

  async function openViewer(login: DemoLogin | null): Promise<Viewer> {
    const real = await openContext(browser, demo.url);
    contexts.push(real);
    const page = await real.newPage();
    if (login) await signInWithForm(page, login);
    const bypass = await openContext(browser, demo.url, { bypassCSP: true });
    contexts.push(bypass);
    // The session cookies of the real context, so the axe page sees the same signed-in pages.
    await bypass.addCookies((await real.storageState()).cookies);
    return { page, takeErrors: watchPageErrors(page), axePage: await bypass.newPage() };
  }

  beforeAll(async () => {
    demo = await startTestDemo();
    browser = await launchBrowser(demo.app.config.evidence.chromiumPath);
    viewers.set('anonymous', await openViewer(null));
    viewers.set('admin', await openViewer(loginOf(demo, 'admin')));
    viewers.set('licensee', await openViewer(loginOf(demo, 'licensee')));
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await demo?.close();
    console.log(lesser.length > 0 ? `axe: moderate and minor violations (not failing):\n${lesser.join('\n')}` : 'axe: no moderate or minor violations either');
    console.log(`browser test screenshots: ${SCREENSHOT_DIR}`);
  });

  it('axe, as injected here, finds violations where there are some', async () => {
    const { axePage } = viewers.get('anonymous')!;
    await axePage.goto('/login');
    // A copy of the sign-in page with its labels gone and an image without text: axe must say so.
    await axePage.locator('label').evaluateAll((labels) => labels.forEach((l) => l.remove()));
    await axePage.locator('main').evaluate((main) => main.insertAdjacentHTML('beforeend', '<img src="/assets/none.png">'));
    const found = (await runAxe(axePage)).filter(isBlocking).map((v) => v.id);
    expect(found).toEqual(expect.arrayContaining(['label', 'image-alt']));
  });

  for (const main of PAGES) {
    it(`${main.name}: renders under the CSP without errors and has no serious or critical axe violation`, async () => {
      const viewer = viewers.get(main.who)!;
      const path = main.path(demo);
      const answer = await viewer.page.goto(path);
      expect({ path, status: answer?.status() }).toEqual({ path, status: 200 });
      await viewer.page.waitForLoadState('load');
      await saveScreenshot(viewer.page, main.name);
      expect(viewer.takeErrors()).toEqual([]);

      await viewer.axePage.goto(path);
      const violations: AxeViolation[] = await runAxe(viewer.axePage);
      lesser.push(...violations.filter((v) => !isBlocking(v)).map((v) => describeViolation(`${main.name} ${path}`, v)));
      const blocking = violations.filter(isBlocking).map((v) => describeViolation(`${main.name} ${path}`, v));
      expect(blocking, blocking.join('\n')).toEqual([]);
    });
  }
});
