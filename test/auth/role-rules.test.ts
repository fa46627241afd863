import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createKey } from '../../src/accounts.ts';
import { LOCAL_PRINCIPAL, type Role } from '../../src/auth/roles.ts';
import { addLicensee } from '../../src/rights-admin.ts';
import { startAppServer } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { seedArticles, seedReports, type ReportSeed } from '../reports/seed-reports.ts';

/**
 * The rules inside routes a role may call (the authorisation matrix checks the routes
 * themselves): what legal may set a report to, what a licensee may send as consents, which of
 * its own record and consents it may change, and which keys it may make.
 */

const tempDir = useTempDir();
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

// A RightsML agreement as a partner would send it (assignee: Nordkurier Online).
const PARTNER_DOC = new URL('../fixtures/odrl/rightsml-partner-agreement.jsonld', import.meta.url).pathname;
const CONSENT = { places: ['*.alpha.example'], use: 'full', duties: ['credit'] };

async function start() {
  const started = await startAppServer(tempDir(), {}, { anonymous: true });
  stop = started.stop;
  const db = started.app.database.db;
  const deps = { db, config: started.app.config.rights };
  const alpha = (await addLicensee(deps, { name: 'Alpha Daily', places: ['*.alpha.example'] }, 'local')).licensee;
  const beta = (await addLicensee(deps, { name: 'Beta News', places: ['*.beta.example'] }, 'local')).licensee;
  const keyOf = async (role: Role, licensee: string | null = null) => (await createKey({ db }, LOCAL_PRINCIPAL, { name: `${role} key`, role, licensee })).key;
  const keys = { admin: await keyOf('admin'), manager: await keyOf('rights_manager'), legal: await keyOf('legal'), alpha: await keyOf('licensee', 'Alpha Daily') };
  const call = async (key: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${started.server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return { started, db, alpha, beta, keys, call };
}

describe('rules inside the routes', () => {
  it('legal moves a report to notice_sent or escalated only; a rights manager to any allowed status', async () => {
    const { db, keys, call } = await start();
    const articles = await seedArticles(db, ['a-1']);
    const seeds: ReportSeed[] = [{ articleId: 'a-1', url: 'https://copier.example/1', status: 'confirmed' }, { articleId: 'a-1', url: 'https://copier.example/2', status: 'new' }];
    const [confirmed, fresh] = await seedReports(db, articles, seeds);
    const refused = await call(keys.legal, 'POST', `/api/reports/${fresh.id}/status`, { status: 'dismissed', note: 'not ours' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('notice_sent or escalated');
    const bulk = await call(keys.legal, 'POST', '/api/reports/bulk-status', { ids: [fresh.id], status: 'confirmed', note: 'x' });
    expect(bulk.status).toBe(403);
    const noticed = await call(keys.legal, 'POST', `/api/reports/${confirmed.id}/status`, { status: 'notice_sent', note: 'notice mailed' });
    expect(noticed.status).toBe(200);
    expect(noticed.body.status).toBe('notice_sent');
    const history = await call(keys.legal, 'GET', `/api/reports/${confirmed.id}/history`);
    expect(history.body.items.at(-1)).toMatchObject({ toStatus: 'notice_sent', actor: expect.stringMatching(/^key:\d+:legal key$/) });
    expect((await call(keys.manager, 'POST', `/api/reports/${fresh.id}/status`, { status: 'dismissed', note: 'quoted fairly' })).status).toBe(200);
  });

  it('a licensee registers consents for its own organisation only, and they start pending', async () => {
    const { keys, call } = await start();
    const own = await call(keys.alpha, 'POST', '/api/consents', { licensee: 'Alpha Daily', status: 'active', ...CONSENT });
    expect(own.status).toBe(201);
    expect(own.body.consent).toMatchObject({ licenseeName: 'Alpha Daily', status: 'pending', createdBy: expect.stringMatching(/^key:\d+:licensee key$/) });
    const other = await call(keys.alpha, 'POST', '/api/consents', { licensee: 'Beta News', ...CONSENT, places: ['*.beta.example'] });
    expect(other.status).toBe(404);
    expect(other.body.error.message).toBe('No licensee named "Beta News"');
    // The same request from the rights manager is stored as asked.
    const staff = await call(keys.manager, 'POST', '/api/consents', { licensee: 'Beta News', status: 'active', ...CONSENT, places: ['*.beta.example'] });
    expect(staff.body.consent.status).toBe('active');
    // Its list shows its own consents only, and naming another organisation is "no such licensee".
    const list = await call(keys.alpha, 'GET', '/api/consents');
    expect(list.body.items.map((c: { licenseeName: string }) => c.licenseeName)).toEqual(['Alpha Daily']);
    expect((await call(keys.alpha, 'GET', '/api/consents?licensee=Beta%20News')).status).toBe(404);
  });

  it('a licensee imports ODRL agreements for its own organisation only, stored pending; another organisation is "no such licensee" and nothing is stored', async () => {
    const { keys, call } = await start();
    const doc = JSON.parse(readFileSync(PARTNER_DOC, 'utf8'));
    const assignee = doc.permission[0].assignee;
    // The agreement names Nordkurier Online, not the key's organisation.
    const foreign = await call(keys.alpha, 'POST', '/api/consents/import', doc);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toBe(`No licensee named "${assignee['vcard:fn']}"`);
    expect((await call(keys.admin, 'GET', '/api/consents')).body.total).toBe(0);
    expect((await call(keys.admin, 'GET', '/api/licensees')).body.total).toBe(2);
    assignee['vcard:fn'] = 'Alpha Daily';
    const own = await call(keys.alpha, 'POST', '/api/consents/import', doc);
    expect(own.status).toBe(201);
    expect(own.body.consents).toMatchObject([{ licenseeName: 'Alpha Daily', status: 'pending' }]);
  });

  it('a licensee changes a consent only while it is pending, and its own record only in contacts and notes', async () => {
    const { alpha, keys, call } = await start();
    const consent = (await call(keys.alpha, 'POST', '/api/consents', { licensee: 'Alpha Daily', ...CONSENT })).body.consent;
    expect((await call(keys.alpha, 'PATCH', `/api/consents/${consent.id}`, { maxWords: null, duties: ['credit', 'link'] })).status).toBe(200);
    expect((await call(keys.manager, 'POST', `/api/consents/${consent.id}/approve`, {})).status).toBe(200);
    const late = await call(keys.alpha, 'PATCH', `/api/consents/${consent.id}`, { duties: [] });
    expect(late.status).toBe(403);
    expect(late.body.error.message).toContain('only while it is pending (this one is active)');
    expect((await call(keys.alpha, 'PATCH', `/api/licensees/${alpha.id}`, { contacts: ['rights@alpha.example'], notes: 'call first' })).status).toBe(200);
    const sites = await call(keys.alpha, 'PATCH', `/api/licensees/${alpha.id}`, { places: ['*.competitor.example'] });
    expect(sites.status).toBe(403);
    expect(sites.body.error.message).toContain('not places');
    expect((await call(keys.alpha, 'GET', `/api/licensees/${alpha.id}`)).body.places).toEqual(['*.alpha.example']);
  });

  it('a licensee makes licensee keys for itself only; an admin makes any', async () => {
    const { keys, call } = await start();
    const own = await call(keys.alpha, 'POST', '/api/keys', { name: 'feed robot', role: 'licensee' });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ role: 'licensee', licensee: 'Alpha Daily' });
    expect(own.body.key).toMatch(/^ch_/);
    expect((await call(keys.alpha, 'POST', '/api/keys', { name: 'escalate', role: 'admin' })).status).toBe(403);
    expect((await call(keys.alpha, 'POST', '/api/keys', { name: 'other', role: 'licensee', licensee: 'Beta News' })).status).toBe(403);
    const list = await call(keys.alpha, 'GET', '/api/keys');
    expect(list.body.items.every((k: { licensee: string }) => k.licensee === 'Alpha Daily')).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain(own.body.key);
    expect((await call(keys.admin, 'POST', '/api/keys', { name: 'ops', role: 'legal' })).status).toBe(201);
    // The new key works at once.
    expect((await call(own.body.key, 'GET', '/api/consents')).status).toBe(200);
  });
});
