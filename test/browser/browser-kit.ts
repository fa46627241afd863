import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { makeDemoConfigLoader } from '../demo/demo-helpers.ts';
import { startDemo, type RunningDemo } from '../../src/demo/run-demo.ts';
import type { DemoLogin } from '../../src/demo/seed-demo.ts';

/**
 * What every browser test file shares: the demo (a fresh database, the sample web, one crawl,
 * the real server on 127.0.0.1 and a free port), one Debian chromium driven by playwright-core,
 * signing in through the form, the screenshot folder, and axe-core injected from node_modules.
 */

// Suite setup starts the demo (≈2 s), chromium (≈1 s) and signs in (argon2): room for a busy 2-core CI box.
export const SETUP_TIMEOUT_MS = 60_000;
// A laptop screen, the size the issue asks the app to be usable on.
const VIEWPORT = { width: 1366, height: 850 };
// playwright-core's own waits (navigation, clicks): a page of ours answers in milliseconds.
const ACTION_TIMEOUT_MS = 15_000;

/**
 * The switches the issue names, plus the ones that keep a test browser from calling home or
 * resolving any name but loopback. playwright-core starts each launch with a fresh temporary
 * user-data dir of its own (and removes it on close), so no profile carries over between runs.
 */
export const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  // The server is on 127.0.0.1; nothing else has a name to resolve, so nothing else is reached.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Screenshots of the last run (test-output/ is git-ignored), overwritten by each run. */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-output', 'browser-screenshots');

export async function startTestDemo(): Promise<RunningDemo> {
  return await startDemo({ port: 0, loadConfig: await makeDemoConfigLoader(), print: () => {} });
}

export async function launchBrowser(chromiumPath: string): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: BROWSER_ARGS, timeout: ACTION_TIMEOUT_MS });
}

/** A context as a person's browser; `bypassCSP` only where axe's source is injected as a script. */
export async function openContext(browser: Browser, base: string, options: { bypassCSP?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: base, viewport: VIEWPORT, acceptDownloads: true, bypassCSP: options.bypassCSP ?? false, timezoneId: 'UTC', locale: 'en-GB' });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  return context;
}

export function loginOf(demo: RunningDemo, role: DemoLogin['role']): DemoLogin {
  const login = demo.seed.logins.find((l) => l.role === role);
  if (!login) throw new Error(`the demo has no ${role} login`);
  return login;
}

/** Signs in with the sign-in form, as a person does; resolves on the page the server sent them to. */
export async function signInWithForm(page: Page, login: DemoLogin): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('E-mail address').fill(login.email);
  await page.getByLabel('Password').fill(login.password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.getByRole('button', { name: 'Sign in' }).click()]);
}

/**
 * Script errors, refused loads (CSP) and failed assets of a page, so a test can say none
 * happened. Documents answered 4xx are pages a test asked for on purpose (a refusal, a wrong
 * password): the browser's console line for those is not counted, failed sub-resources are.
 */
export function watchPageErrors(page: Page): () => string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`${page.url()}: script error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error' || message.text().startsWith('Failed to load resource:')) return;
    errors.push(`${page.url()}: console error: ${message.text()}`);
  });
  page.on('response', (response) => {
    const request = response.request();
    if (response.status() < 400 || request.resourceType() === 'document' || new URL(response.url()).pathname === '/favicon.ico') return;
    errors.push(`${page.url()}: ${request.resourceType()} ${response.url()} answered ${response.status()}`);
  });
  return () => errors.splice(0);
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; html: string; failureSummary?: string }[];
}

let axeSource: string | undefined;

/** axe-core's own build, read from node_modules (no CDN), injected into the page and run on it. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: axeSource });
  // WCAG 2.x A and AA (what the issue's "labels, focus order, contrast" come to) and axe's best practices.
  const violations = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] }).then((r) => r.violations)`)) as AxeViolation[];
  return violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })) }));
}

const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

export function isBlocking(v: AxeViolation): boolean {
  return v.impact !== null && BLOCKING_IMPACTS.has(v.impact);
}

/** One violation in lines a page's owner can act on: the rule, and each element with why. */
export function describeViolation(page: string, v: AxeViolation): string {
  const nodes = v.nodes.map((n) => `      ${n.target.join(' ')}  ${n.html.slice(0, 160)}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, ' ')}` : ''}`);
  return [`  ${page}: [${v.impact}] ${v.id} — ${v.help} (${v.helpUrl})`, ...nodes].join('\n');
}
