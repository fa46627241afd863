import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listReports } from '../../db/reports.ts';
import { addUser } from '../../src/accounts.ts';
import { saveArticles } from '../../src/articles/article-registry.ts';
import { addConsent } from '../../src/consent-admin.ts';
import { parseConsentRequest } from '../../src/rights/consent-input.ts';
import { addLicensee } from '../../src/rights-admin.ts';
import { buildArticlePage, escapeHtml, paragraphsOf, readLicencesOwned } from '../fixtures/licences/outlet-pages.ts';
import { startAppServer } from '../helpers/start-app-server.ts';

/**
 * A small world for the report and article pages: the NATO wire story (credit line "Anadolu
 * Agency") registered as owned, a licensee "Example Daily" with a consent that asks for the credit
 * and runs until the end of 2026, and a loopback site with two copies that the real pipeline
 * fetches, extracts, matches and decides (POST /api/check): Example Daily's copy without the
 * credit, a phrase reworded and a paragraph left out (a licence breach in two passages, with an edit), and a pirate's copy with
 * hostile markup in its text (unlicensed).
 */

export const PASSWORD = 'Granite-Otter-47-Lantern-Quiver';
export const LICENSEE = 'Example Daily';
export const HOSTILE_TITLE = 'Glaciers <script>alert("title")</script> melt';
export const HOSTILE_TEXT = 'Officials said <script>alert("page")</script> was no answer.';
// The partner's rewording inside the story: the article's words and the copy's.
export const ORIGINAL_PHRASE = 'strongly supports all efforts';
export const REWORDED_PHRASE = 'firmly backs all efforts';
const DROPPED_OPENING = 'Asked about Moscow';

export interface ReportWorld {
  url: string;
  server: Awaited<ReturnType<typeof startAppServer>>;
  reports: { breach: number; pirate: number };
  stop(): Promise<void>;
}

function startSite(pages: Map<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/robots.txt') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
    const page = pages.get(path);
    if (!page) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

export async function startReportWorld(prefix: string): Promise<ReportWorld> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const server = await startAppServer(dir, { fetch: { allow: ['127.0.0.1'] } }, { anonymous: true });
  const { app } = server;
  const db = app.database.db;
  const owned = readLicencesOwned();
  const nato = owned.get('aa-nato-syria')!;
  const glaciers = owned.get('cw-swiss-glaciers')!;
  const saved = await saveArticles(app.registry, [nato, { ...glaciers, title: HOSTILE_TITLE }].map((value, ref) => ({ ref, value })));
  if (saved.rejected > 0) throw new Error(`fixture articles rejected: ${JSON.stringify(saved.rejectedRecords)}`);

  const paragraphs = paragraphsOf(nato).map(escapeHtml);
  const [dateline, ...rest] = paragraphs;
  const reworded = rest.map((p) => p.replace(ORIGINAL_PHRASE, REWORDED_PHRASE));
  if (reworded.join() === rest.join()) throw new Error('fixture: the NATO story no longer has the phrase to reword');
  // The copy also leaves out a paragraph in the middle: the story then comes in two passages.
  const shortened = reworded.filter((p) => !p.startsWith(DROPPED_OPENING));
  if (shortened.length !== reworded.length - 1) throw new Error('fixture: the NATO story no longer has the paragraph to drop');
  const undated = dateline.replace(/^BRUSSELS \(AA\) – /, '');
  const partner = { slug: 'partner', name: LICENSEE, tagline: 'Licensed world news' };
  const pirate = { slug: 'pirate', name: 'TopNewsNow24', tagline: 'All the news' };
  const pages = new Map<string, string>([
    ['/partner/world/nato-warns', buildArticlePage({ outlet: partner, path: '/partner/world/nato-warns', headline: 'NATO warns over Russian strikes', author: 'Maria Keller', publishedAt: '2016-02-12T12:30:00Z', paragraphsHtml: [undated, ...shortened], related: [] })],
    ['/pirate/nato.html', buildArticlePage({ outlet: pirate, path: '/pirate/nato.html', headline: 'Shock <b>NATO</b> news', author: 'Staff', publishedAt: '2016-02-12T13:00:00Z', paragraphsHtml: [...paragraphs.slice(0, -1), `${paragraphs[paragraphs.length - 1]} ${escapeHtml(HOSTILE_TEXT)}`], related: [] })],
  ]);
  const site = await startSite(pages);

  const rights = { db, config: app.config.rights };
  await addLicensee(rights, { name: LICENSEE, places: [`${site.url}/partner/`] }, 'local');
  await addConsent(rights, parseConsentRequest({ licensee: LICENSEE, places: [`${site.url}/partner/`], duties: ['credit'], validUntil: '2027-01-01' }), 'local');

  for (const path of pages.keys()) {
    const answer = await fetch(`${server.server.url}/api/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` },
      body: JSON.stringify({ url: `${site.url}${path}` }),
    });
    if (answer.status !== 200) throw new Error(`check of ${path} failed: ${answer.status} ${await answer.text()}`);
  }
  const rows = await listReports(db, { filters: {}, sort: { field: 'id', direction: 'asc' }, limit: 10 });
  const breach = rows.find((r) => r.pageUrl.includes('/partner/'));
  const pirated = rows.find((r) => r.pageUrl.includes('/pirate/'));
  if (!breach || !pirated) throw new Error(`fixture: expected two reports, got ${JSON.stringify(rows.map((r) => [r.pageUrl, r.decision]))}`);

  for (const role of ['rights_manager', 'legal', 'admin'] as const) await addUser({ db }, { email: `${role}@publisher.example`, password: PASSWORD, role }, 'local');
  return {
    url: server.server.url,
    server,
    reports: { breach: breach.id, pirate: pirated.id },
    async stop() {
      await site.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Page HTML as text a reader sees: tags dropped, the entities our escaping writes decoded. */
export function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
