import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildAboutPage, buildArticlePage, buildFrontPage, buildIndexPage, escapeHtml, outletRoot } from './page-layout.ts';
import { DEMO_OUTLETS, listDemoCases, type DemoCase, type OutletKey } from './scenario.ts';

/**
 * The demo's sample web: an HTTP server on 127.0.0.1 and an ephemeral port serving the outlets'
 * pages, robots.txt, and the sitemap the demo's crawl source reads. Everything is built once at
 * start from the scenario; the server only looks pages up.
 */

export const SAMPLE_SITEMAP_PATH = '/sitemap.xml';
const ROBOTS_TXT = `User-agent: *\nAllow: /\nSitemap: ${SAMPLE_SITEMAP_PATH}\n`;
// The sample web answers nothing but GET and HEAD of its own pages: requests are tiny.
const ALLOWED_METHODS = new Set(['GET', 'HEAD']);

export interface SampleSite {
  /** http://127.0.0.1:PORT, without a trailing slash. */
  url: string;
  /** The address it binds, for the fetch allow-list. */
  address: string;
  sitemapUrl: string;
  /** Every case with its page's absolute URL. */
  cases: (DemoCase & { url: string })[];
  /** Paths asked for, in order (robots.txt and the sitemap included). */
  requested: string[];
  close(): Promise<void>;
}

const OUTLET_ROLES: Record<OutletKey, string> = {
  owner: 'the demo publisher’s own site',
  creditedLicensee: 'a licensee that shows the credit line',
  uncreditedLicensee: 'a licensee that leaves the credit line out',
  pendingLicensee: 'a would-be licensee whose consent is pending',
  pirate: 'a site with no licence at all',
  independent: 'an independent outlet that quotes the news',
};

function buildPages(cases: DemoCase[], year: number): Map<string, string> {
  const pages = new Map<string, string>();
  for (const c of cases) {
    const root = outletRoot(DEMO_OUTLETS[c.outlet]);
    pages.set(c.page.path, buildArticlePage({ ...c.page, related: [{ path: root, title: `Latest from ${DEMO_OUTLETS[c.outlet].name}` }] }));
  }
  for (const [key, outlet] of Object.entries(DEMO_OUTLETS) as [OutletKey, (typeof DEMO_OUTLETS)[OutletKey]][]) {
    const stories = cases.filter((c) => c.outlet === key).map((c) => ({ path: c.page.path, title: c.page.headline, teaser: `${c.page.publishedAt.slice(0, 10)} · ${c.page.author}` }));
    pages.set(outletRoot(outlet), buildFrontPage(outlet, stories, year));
    pages.set(`${outletRoot(outlet)}about`, buildAboutPage(outlet, year));
  }
  pages.set('/', buildIndexPage((Object.keys(DEMO_OUTLETS) as OutletKey[]).map((k) => ({ outlet: DEMO_OUTLETS[k], role: OUTLET_ROLES[k] }))));
  return pages;
}

function buildSitemap(base: string, cases: DemoCase[]): string {
  const urls = cases.map((c) => `  <url><loc>${escapeHtml(base + c.page.path)}</loc><lastmod>${c.page.publishedAt.slice(0, 10)}</lastmod></url>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}\n</urlset>\n`;
}

/** Starts the sample web on 127.0.0.1 and a free port; its dates are relative to `now`. */
export async function startSampleSite(options: { now: Date }): Promise<SampleSite> {
  const cases = listDemoCases(options.now);
  const pages = buildPages(cases, options.now.getUTCFullYear());
  const requested: string[] = [];
  let sitemap = '';
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://sample.invalid').pathname;
    requested.push(path);
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (!ALLOWED_METHODS.has(req.method ?? '')) return send(405, 'text/plain; charset=utf-8', 'Method not allowed\n');
    if (path === '/robots.txt') return send(200, 'text/plain; charset=utf-8', ROBOTS_TXT);
    if (path === SAMPLE_SITEMAP_PATH) return send(200, 'application/xml; charset=utf-8', sitemap);
    const html = pages.get(path);
    if (html === undefined) return send(404, 'text/html; charset=utf-8', '<!doctype html><html><body><h1>Not found</h1></body></html>');
    send(200, 'text/html; charset=utf-8', html);
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address}:${port}`;
  sitemap = buildSitemap(url, cases);
  return {
    url,
    address,
    sitemapUrl: url + SAMPLE_SITEMAP_PATH,
    cases: cases.map((c) => ({ ...c, url: url + c.page.path })),
    requested,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
