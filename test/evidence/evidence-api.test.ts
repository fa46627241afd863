import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { saveArticles } from '../../src/articles/article-registry.ts';
import { createKey } from '../../src/accounts.ts';
import { LOCAL_PRINCIPAL } from '../../src/auth/roles.ts';
import { processPage } from '../../src/pipeline.ts';
import { addLicensee } from '../../src/rights-admin.ts';
import { verifyPackage } from '../../src/evidence-verify/verify-package.mjs';
import { buildNewsPage, escapeHtml, paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { startNewsSite, type NewsSite } from '../fixtures/crawl/news-site.ts';
import { startAppServer } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

/** GET /api/reports/:id/evidence and /api/reports/evidence: the zip, for legal and rights managers only. */
describe('evidence packages over the API', () => {
  const tempDir = useTempDir();
  let site: NewsSite | undefined;
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    await site?.close();
    stop = undefined;
    site = undefined;
  });

  it('sends a verifiable zip to legal and rights managers, refuses licensees, names a missing report', async () => {
    const [nato] = readOwnedFixtures();
    site = await startNewsSite({ stories: 1 });
    site.setPage('/copy', buildNewsPage({ site: 'Copy Daily', headline: nato.title, paragraphsHtml: paragraphsOf(nato).map(escapeHtml) }));
    const started = await startAppServer(tempDir(), { fetch: { allow: ['127.0.0.1'] } }, { anonymous: true });
    stop = started.stop;
    const { app, server } = started;
    await saveArticles(app.registry, readOwnedFixtures().map((value, ref) => ({ ref, value })));
    expect((await processPage(app, `${site.url}/copy`)).status).toBe('matched');
    await addLicensee({ db: app.database.db, config: app.config.rights }, { name: 'Partner News', places: ['partner.example'] }, 'local');
    const keyOf = async (role: 'legal' | 'rights_manager' | 'licensee') =>
      (await createKey({ db: app.database.db }, LOCAL_PRINCIPAL, { name: role, role, ...(role === 'licensee' ? { licensee: 'Partner News' } : {}) })).key;
    const get = (path: string, key: string) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

    const legal = await get('/api/reports/1/evidence', await keyOf('legal'));
    expect(legal.status).toBe(200);
    expect(legal.headers.get('content-type')).toBe('application/zip');
    expect(legal.headers.get('content-disposition')).toMatch(/^attachment; filename="copyhound-evidence-report-1-\d{8}T\d{6}Z\.zip"$/);
    const files = unzipSync(new Uint8Array(await legal.arrayBuffer()));
    const result = verifyPackage({ list: () => Object.keys(files), read: (n: string) => (files[n] ? Buffer.from(files[n]) : undefined) });
    expect(result.problems).toEqual([]);

    // A filtered list gives one package: every unlicensed report, here the one.
    const filtered = await get('/api/reports/evidence?decision=unlicensed', await keyOf('rights_manager'));
    expect(filtered.status).toBe(200);
    expect(JSON.parse(Buffer.from(unzipSync(new Uint8Array(await filtered.arrayBuffer()))['manifest.json']).toString()).reports).toEqual([1]);

    expect((await get('/api/reports/1/evidence', await keyOf('licensee'))).status).toBe(403);
    const missing = await get('/api/reports/99/evidence', await keyOf('legal'));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/99/);
    const none = await get('/api/reports/evidence?ids=', await keyOf('legal'));
    expect(none.status).toBe(400);
  }, 120_000);
});
