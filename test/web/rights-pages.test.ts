import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listConsents } from '../../db/consents.ts';
import { findReportById } from '../../db/reports.ts';
import { addUser } from '../../src/accounts.ts';
import { startAppServer } from '../helpers/start-app-server.ts';
import { PASSWORD as WORLD_PASSWORD, startReportWorld, type ReportWorld } from './report-page-fixture.ts';
import { signInAs, type WebClient } from './web-client.ts';

/** Licensee and consent pages, driven as a browser would: sign-in form, pages, forms with _csrf. */

const PASSWORD = 'Granite-Otter-47-Lantern-Quiver';

let dir: string;
let server: Awaited<ReturnType<typeof startAppServer>>;
let manager: WebClient;
let legal: WebClient;

async function consentCount(): Promise<number> {
  return (await listConsents(server.app.database.db)).length;
}

/** The id a page redirected to (`/consents/12` → 12). */
function idOf(location: string | null, prefix: string): number {
  expect(location).toMatch(new RegExp(`^${prefix}/\\d+$`));
  return Number(location!.slice(prefix.length + 1));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'copyhound-web-rights-'));
  server = await startAppServer(dir, {}, { anonymous: true });
  const deps = { db: server.app.database.db };
  await addUser(deps, { email: 'manager@example.test', password: PASSWORD, role: 'rights_manager' }, 'local');
  await addUser(deps, { email: 'legal@example.test', password: PASSWORD, role: 'legal' }, 'local');
  manager = await signInAs(server.server.url, 'manager@example.test', PASSWORD);
  legal = await signInAs(server.server.url, 'legal@example.test', PASSWORD);
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function addLicenseeByForm(name: string, places: string): Promise<number> {
  await manager.get('/licensees');
  const answer = await manager.post('/licensees', { name, places, contacts: 'Ana Ruiz\nana@partner.example', notes: 'Signed 2026.' });
  expect(answer.status).toBe(303);
  return idOf(answer.location, '/licensees');
}

async function registerConsent(fields: Record<string, string | string[]>): Promise<{ status: number; id?: number; text: string }> {
  await manager.get('/consents/new');
  const answer = await manager.post('/consents', fields);
  return { status: answer.status, text: answer.text, ...(answer.status === 303 ? { id: idOf(answer.location, '/consents') } : {}) };
}

describe('licensee pages', () => {
  it('a rights manager adds a licensee by form; its page and the list show it', async () => {
    const id = await addLicenseeByForm('Daily Partner', 'daily-partner.example\nhttps://news.example/partner/');
    const page = await manager.get(`/licensees/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Daily Partner');
    expect(page.text).toContain('daily-partner.example');
    expect(page.text).toContain('ana@partner.example');
    expect(page.text).toContain('Licensee Daily Partner added');
    const list = await manager.get('/licensees');
    expect(list.text).toContain(`href="/licensees/${id}"`);
    expect(list.text).toContain('Add a licensee');
  });

  it('refuses a bad place beside the form, keeping what was typed', async () => {
    await manager.get('/licensees');
    const answer = await manager.post('/licensees', { name: 'Broken Places', places: 'not a host name?x=1' });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('Place');
    expect(answer.text).toContain('value="Broken Places"');
  });

  it('legal reads the list but has no add form and may not post it', async () => {
    const list = await legal.get('/licensees');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain('Add a licensee');
    const refused = await legal.post('/licensees', { name: 'Nope' });
    expect(refused.status).toBe(403);
  });

  it('refuses a form without its _csrf field', async () => {
    await manager.get('/licensees');
    const answer = await manager.post('/licensees', { name: 'No Token Ltd' }, { csrf: false });
    expect(answer.status).toBe(403);
    expect((await manager.get('/licensees')).text).not.toContain('No Token Ltd');
  });
});

describe('consent pages', () => {
  it('registers a consent with every term and shows them in words', async () => {
    await addLicenseeByForm('Terms Partner', 'terms-partner.example');
    const made = await registerConsent({
      licensee: 'Terms Partner', places: 'terms-partner.example', articleScope: 'all', sections: 'politics', tags: '',
      publishedFrom: '2026-01-01', validFrom: '2026-01-01', validUntil: '2027-01-01 00:00', use: 'excerpt', maxWords: '120', maxPercent: '30',
      holdBackHours: '6', duties: ['credit', 'link'], territory: 'EU', contractRef: 'C-2026-7', status: 'active',
    });
    expect(made.status).toBe(303);
    const page = await manager.get(`/consents/${made.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Excerpts only: at most 120 words and at most 30 % of the article.');
    expect(page.text).toContain('in section politics');
    expect(page.text).toContain('From 2026-01-01 00:00 UTC until before 2027-01-01 00:00 UTC.');
    expect(page.text).toContain('only 6 hours after the article was published');
    expect(page.text).toContain('show the article&#39;s own credit line (e.g. the agency&#39;s name) and link back to the original article');
    expect(page.text).toContain('C-2026-7');
    expect(page.text).toContain('Registered by user:manager@example.test');
    expect(page.text).toContain(`/api/consents/${made.id}/odrl`);
    expect(page.text).toMatch(/class="badge active">active</);
  });

  it('refuses a bad consent naming the field, keeps the form, stores nothing', async () => {
    const before = await consentCount();
    const made = await registerConsent({ licensee: 'Terms Partner', places: '', use: 'full', maxWords: '50' });
    expect(made.status).toBe(400);
    expect(made.text).toContain('places');
    expect(made.text).toContain('excerpt limits');
    expect(made.text).toContain('value="50"');
    expect(await consentCount()).toBe(before);
  });

  it('approves a pending consent (active, with what was re-decided) and then revokes it', async () => {
    const made = await registerConsent({ licensee: 'Terms Partner', places: 'terms-partner.example', use: 'full', status: 'pending' });
    expect(made.status).toBe(303);
    const pending = await manager.get(`/consents/${made.id}`);
    expect(pending.text).toMatch(/class="badge pending">pending</);
    expect(pending.text).toContain('Approve consent');

    const approved = await manager.post(`/consents/${made.id}/approve`, {});
    expect(approved.status).toBe(303);
    const after = await manager.get(`/consents/${made.id}`);
    expect(after.text).toMatch(/class="badge active">active</);
    expect(after.text).toContain(`Consent #${made.id} approved`);
    expect(after.text).not.toContain('Approve consent');

    const again = await manager.post(`/consents/${made.id}/approve`, {});
    expect(again.status).toBe(303);
    expect((await manager.get(`/consents/${made.id}`)).text).toContain('only a pending consent can be approved');

    const revoked = await manager.post(`/consents/${made.id}/revoke`, { note: 'contract ended' });
    expect(revoked.status).toBe(303);
    const last = await manager.get(`/consents/${made.id}`);
    expect(last.text).toMatch(/class="badge revoked">revoked</);
    expect(last.text).toContain(`Consent #${made.id} revoked`);
  });

  it('legal sees a consent without the approve and revoke buttons, and may not post them', async () => {
    const made = await registerConsent({ licensee: 'Terms Partner', places: 'terms-partner.example', use: 'full', status: 'pending' });
    const page = await legal.get(`/consents/${made.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Approve consent');
    expect((await legal.post(`/consents/${made.id}/approve`, {})).status).toBe(403);
  });

  it('imports an ODRL document (every Agreement) and refuses a bad one naming the JSON path, importing nothing', async () => {
    const made = await registerConsent({ licensee: 'Terms Partner', places: 'terms-partner.example', use: 'full', duties: 'credit' });
    const exported = await fetch(`${server.server.url}/api/consents/${made.id}/odrl`, { headers: { cookie: manager.cookie() } });
    expect(exported.status).toBe(200);
    const agreement = (await exported.json()) as Record<string, unknown>;
    const good = { ...agreement, uid: 'urn:example:odrl-import-good' };

    await manager.get('/consents/new');
    const before = await consentCount();
    const bad = { ...agreement, uid: 'urn:example:odrl-import-bad', permission: [{ ...(agreement.permission as object[])[0], surprise: true }] };
    const refused = await manager.post('/consents/import', { document: JSON.stringify([{ ...good, uid: 'urn:example:odrl-first-of-two' }, bad]) });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Nothing was imported.');
    expect(refused.text).toContain('$[1].permission[0]');
    expect(refused.text).toContain('urn:example:odrl-import-bad');
    expect(await consentCount()).toBe(before);

    const notJson = await manager.post('/consents/import', { document: '{"@context": ' });
    expect(notJson.status).toBe(400);
    expect(notJson.text).toContain('$: not JSON');

    const imported = await manager.post('/consents/import', { document: JSON.stringify(good) });
    expect(imported.status).toBe(303);
    const id = idOf(imported.location, '/consents');
    const page = await manager.get(`/consents/${id}`);
    expect(page.text).toContain('urn:example:odrl-import-good');
    expect(page.text).toContain('Imported 1 consent');
    expect(await consentCount()).toBe(before + 1);
  });

  it('answers 404 for a consent that does not exist', async () => {
    expect((await manager.get('/consents/999999')).status).toBe(404);
    expect((await manager.get('/consents/abc')).status).toBe(404);
  });
});

describe('approving a pending consent re-decides the matches it covers', () => {
  let world: ReportWorld;

  beforeAll(async () => {
    world = await startReportWorld('copyhound-web-approve-');
  });

  afterAll(async () => {
    await world?.stop();
  });

  it("turns the pirate copy's unlicensed report licensed, and says so", async () => {
    const db = world.server.app.database.db;
    expect((await findReportById(db, world.reports.pirate))?.decision).toBe('unlicensed');
    const siteUrl = new URL((await findReportById(db, world.reports.pirate))!.pageUrl).origin;
    const client = await signInAs(world.url, 'rights_manager@publisher.example', WORLD_PASSWORD);
    await client.get('/licensees');
    const licensee = await client.post('/licensees', { name: 'TopNewsNow24', places: `${siteUrl}/pirate/` });
    expect(licensee.status).toBe(303);
    await client.get('/consents/new');
    const made = await client.post('/consents', { licensee: 'TopNewsNow24', places: `${siteUrl}/pirate/`, use: 'full', status: 'pending' });
    expect(made.status).toBe(303);
    // Pending: nothing is licensed yet.
    expect((await findReportById(db, world.reports.pirate))?.decision).toBe('unlicensed');

    const approved = await client.post(`${made.location}/approve`, {});
    expect(approved.status).toBe(303);
    const page = await client.get(made.location!);
    expect(page.text).toMatch(/approved: it is active now; \d+ stored match(es)? decided again: 1 decision changed, 1 report changed/);
    expect((await findReportById(db, world.reports.pirate))?.decision).toBe('licensed');
  });
});
