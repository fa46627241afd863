import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listConsents } from '../../db/consents.ts';
import { addUser } from '../../src/accounts.ts';
import { addConsent } from '../../src/consent-admin.ts';
import { parseConsentRequest } from '../../src/rights/consent-input.ts';
import { addLicensee } from '../../src/rights-admin.ts';
import { exportConsentToOdrl } from '../../src/rights/odrl-export.ts';
import { startAppServer } from '../helpers/start-app-server.ts';
import { signInAs, type WebClient } from './web-client.ts';

/** The licensee portal: a licensee user sees and registers its own organisation's consents, and nothing else. */

const PASSWORD = 'Granite-Otter-47-Lantern-Quiver';

let dir: string;
let server: Awaited<ReturnType<typeof startAppServer>>;
let alpha: WebClient;
let consentOfAlpha: number;
let consentOfBeta: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'copyhound-web-portal-'));
  server = await startAppServer(dir, {}, { anonymous: true });
  const db = server.app.database.db;
  const rights = { db, config: server.app.config.rights };
  await addLicensee(rights, { name: 'Alpha News', places: ['alpha.example'], contacts: ['desk@alpha.example'], notes: 'Weekly digest partner' }, 'local');
  await addLicensee(rights, { name: 'Beta Wire', places: ['beta.example'] }, 'local');
  consentOfAlpha = (await addConsent(rights, parseConsentRequest({ licensee: 'Alpha News', places: ['alpha.example'], contractRef: 'ALPHA-1' }), 'local')).consent.id;
  consentOfBeta = (await addConsent(rights, parseConsentRequest({ licensee: 'Beta Wire', places: ['beta.example'], contractRef: 'BETA-SECRET-9' }), 'local')).consent.id;
  await addUser({ db }, { email: 'alpha@alpha.example', password: PASSWORD, role: 'licensee', licensee: 'Alpha News' }, 'local');
  alpha = await signInAs(server.server.url, 'alpha@alpha.example', PASSWORD);
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('licensee portal', () => {
  it('signs a licensee in to its portal: its record and its own consents only', async () => {
    const home = await alpha.get('/');
    expect(home.status).toBe(303);
    expect(home.location).toBe('/portal');
    const portal = await alpha.get('/portal');
    expect(portal.status).toBe(200);
    expect(portal.text).toContain('Alpha News');
    expect(portal.text).toContain('desk@alpha.example');
    expect(portal.text).toContain('Weekly digest partner');
    expect(portal.text).toContain(`href="/consents/${consentOfAlpha}"`);
    expect(portal.text).toContain('ALPHA-1');
    expect(portal.text).not.toContain('Beta Wire');
    expect(portal.text).not.toContain('BETA-SECRET-9');
    expect(portal.text).toContain('action="/consents/import"');
    expect(portal.text).toContain('href="/consents/new"');
    // The navigation offers the licensee its portal and the API page, no staff page.
    expect(portal.text).not.toContain('href="/reports"');
    expect(portal.text).not.toContain('href="/licensees"');
  });

  it("reads its own consent; another licensee's consent answers 404, as one that does not exist", async () => {
    const own = await alpha.get(`/consents/${consentOfAlpha}`);
    expect(own.status).toBe(200);
    expect(own.text).not.toContain('Approve consent');
    expect(own.text).toContain('href="/portal"');
    const other = await alpha.get(`/consents/${consentOfBeta}`);
    expect(other.status).toBe(404);
    expect(other.text).not.toContain('BETA-SECRET-9');
    expect((await alpha.get('/consents/999999')).status).toBe(404);
  });

  it('is refused every staff page (403)', async () => {
    for (const path of ['/reports', '/reports/1', '/articles', '/articles/1', '/licensees', '/licensees/1', '/sources', '/sources/1', '/settings']) {
      const answer = await alpha.get(path);
      expect(answer.status, path).toBe(403);
    }
    await alpha.get('/portal');
    expect((await alpha.post(`/consents/${consentOfAlpha}/approve`, {})).status).toBe(403);
  });

  it('registers a consent for its own organisation; it starts pending whatever the form says', async () => {
    const form = await alpha.get('/consents/new');
    expect(form.status).toBe(200);
    expect(form.text).toContain('name="licensee" value="Alpha News"');
    expect(form.text).not.toContain('Beta Wire');
    const answer = await alpha.post('/consents', { licensee: 'Alpha News', places: 'alpha.example/syndication/', use: 'full', status: 'active' });
    expect(answer.status).toBe(303);
    const page = await alpha.get(answer.location!);
    expect(page.text).toMatch(/class="badge pending">pending</);
    expect(page.text).toContain('registered (pending');
    const stored = (await listConsents(server.app.database.db)).at(-1)!;
    expect(stored.status).toBe('pending');
    expect(stored.licenseeName).toBe('Alpha News');
  });

  it("cannot register or import a consent in another licensee's name", async () => {
    const before = (await listConsents(server.app.database.db)).length;
    await alpha.get('/consents/new');
    const typed = await alpha.post('/consents', { licensee: 'Beta Wire', places: 'beta.example', use: 'full' });
    expect(typed.status).toBe(404);
    const beta = (await listConsents(server.app.database.db)).find((c) => c.id === consentOfBeta)!;
    const { publisherName: name, publisherUid: uid } = server.app.config.rights;
    const doc = { ...exportConsentToOdrl({ ...beta, scope: beta.scope, duties: beta.duties } as never, { name, uid }), uid: 'urn:example:beta-by-alpha' };
    await alpha.get('/portal');
    const imported = await alpha.post('/consents/import', { document: JSON.stringify(doc) });
    expect(imported.status).toBe(404);
    expect(imported.text).toContain('Nothing was imported.');
    expect((await listConsents(server.app.database.db)).length).toBe(before);
  });

  it('imports an ODRL Agreement of its own from the portal; it is pending', async () => {
    const own = (await listConsents(server.app.database.db)).find((c) => c.id === consentOfAlpha)!;
    const { publisherName: name, publisherUid: uid } = server.app.config.rights;
    const doc = { ...exportConsentToOdrl(own as never, { name, uid }), uid: 'urn:example:alpha-own-import' };
    await alpha.get('/portal');
    const imported = await alpha.post('/consents/import', { document: JSON.stringify(doc) });
    expect(imported.status).toBe(303);
    const page = await alpha.get(imported.location!);
    expect(page.text).toContain('urn:example:alpha-own-import');
    expect(page.text).toMatch(/class="badge pending">pending</);
  });
});
