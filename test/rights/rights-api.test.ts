import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildNewsPage, escapeHtml, OWNED_NDJSON, paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { startAppServer } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const PARTNER_DOC = new URL('../fixtures/odrl/rightsml-partner-agreement.jsonld', import.meta.url).pathname;
// The helper's admin key is the first key in a fresh database: changes made through it are its.
const API_ACTOR = 'key:1:test admin';
const NO_CHANGE = { matches: 0, changed: 0, reportsCreated: 0, reportsChanged: 0 };

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read loosely */
type Json = any;

interface Answer {
  status: number;
  type: string | null;
  body: Json;
}

describe('/api/owner-sites, /api/licensees, /api/consents', () => {
  const tempDir = useTempDir();
  let stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops) await stop();
    stops = [];
  });

  async function start() {
    const dir = tempDir();
    const running = await startAppServer(dir);
    stops.push(running.stop);
    const call = async (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> => {
      const response = await fetch(`${running.server.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': contentType },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, type: response.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
    };
    const db = join(dir, 'copyhound.db');
    return { dir, db, call };
  }

  /** A stored match (an owned article republished in full at 127.0.0.1), made through the CLI on the server's database. */
  async function startWithMatch() {
    const world = await start();
    const env = { COPYHOUND_FETCH_ALLOW: '127.0.0.1', COPYHOUND_DATA_DIR: join(world.dir, 'data') };
    const cli = (...args: string[]) => runCliInProcess(['--db', world.db, ...args], { env });
    expect((await cli('articles', 'import', OWNED_NDJSON.pathname)).code).toBe(0);
    const [nato] = readOwnedFixtures();
    const page = buildNewsPage({ site: 'Mirror', headline: 'Copied', paragraphsHtml: paragraphsOf(nato).map(escapeHtml) });
    const pageServer: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => pageServer.close(() => resolve())));
    expect((await cli('check', `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/copy`)).code).toBe(0);
    const decision = async () => (await world.call('GET', '/api/matches')).body.items.map((m: Json) => m.decision);
    expect(await decision()).toEqual(['unlicensed']);
    return { ...world, decision };
  }

  it('owner sites: add (re-deciding the match on it), list, remove by URL-encoded place; duplicate 409, unknown 404, bad place 400', async () => {
    const { call, decision } = await startWithMatch();
    const added = await call('POST', '/api/owner-sites', { place: '127.0.0.1' });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ site: expect.objectContaining({ place: '127.0.0.1', createdBy: API_ACTOR }), redecided: { matches: 1, changed: 1, reportsCreated: 0, reportsChanged: 1 } });
    expect(await decision()).toEqual(['owner_site']);

    const duplicate = await call('POST', '/api/owner-sites', { place: 'http://127.0.0.1/' });
    expect(duplicate).toMatchObject({ status: 409, body: { error: { code: 'conflict', message: 'Owner site 127.0.0.1 is already registered' } } });
    expect((await call('POST', '/api/owner-sites', { place: 'https://Daily.example/News' })).status).toBe(201);
    const list = await call('GET', '/api/owner-sites');
    expect(list.body).toMatchObject({ total: 2, items: [{ place: '127.0.0.1', source: 'database' }, { place: 'https://daily.example/News/', source: 'database' }] });

    const removed = await call('DELETE', `/api/owner-sites/${encodeURIComponent('https://daily.example/News/')}`);
    expect(removed).toMatchObject({ status: 200, body: { place: 'https://daily.example/News/', redecided: NO_CHANGE } });
    const back = await call('DELETE', '/api/owner-sites/127.0.0.1');
    expect(back.body.redecided).toMatchObject({ matches: 1, changed: 1 });
    expect(await decision()).toEqual(['unlicensed']);
    expect(await call('DELETE', '/api/owner-sites/127.0.0.1')).toMatchObject({ status: 404, body: { error: { message: 'No owner site 127.0.0.1 is registered' } } });

    const bad = await call('POST', '/api/owner-sites', { place: 'ftp://x.example/' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', details: { field: 'place' } } } });
    const missing = await call('POST', '/api/owner-sites', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.problems).toEqual([{ field: 'place', message: expect.any(String) }]);
  });

  it('licensees: create, list, get with consents, patch, delete; 409, 404 and field-named 400s', async () => {
    const { call } = await start();
    const created = await call('POST', '/api/licensees', { name: 'Partner Post', places: ['Partner-Post.example'], contacts: ['rights@pp.example'], notes: 'since 2024' });
    expect(created).toMatchObject({ status: 201, body: { licensee: { id: 1, name: 'Partner Post', places: ['partner-post.example'], contacts: ['rights@pp.example'], notes: 'since 2024' }, redecided: NO_CHANGE } });
    expect((await call('POST', '/api/licensees', { name: 'Partner Post' })).status).toBe(409);
    expect((await call('POST', '/api/licensees', { name: 'Other Gazette' })).body.licensee).toMatchObject({ id: 2, places: [], contacts: [], notes: null });

    const badPlace = await call('POST', '/api/licensees', { name: 'X', places: ['x.example', 'ftp://y.example/'] });
    expect(badPlace.status).toBe(400);
    expect(badPlace.body.error.details.problems).toEqual([{ field: 'places.1', message: expect.stringContaining('only http(s) URL prefixes') }]);
    expect((await call('POST', '/api/licensees', { name: 'X', colour: 'red' })).body.error.message).toContain('colour');
    expect((await call('POST', '/api/licensees', { name: '  ' })).body.error).toMatchObject({ code: 'validation_failed', details: { field: 'name' } });

    expect((await call('GET', '/api/licensees')).body).toMatchObject({ total: 2, items: [{ name: 'Other Gazette' }, { name: 'Partner Post' }] });
    expect((await call('POST', '/api/consents', { licensee: 'Partner Post', places: ['partner-post.example'] })).status).toBe(201);
    expect((await call('GET', '/api/licensees/1')).body).toMatchObject({ id: 1, name: 'Partner Post', consents: [{ id: 1, status: 'active' }] });
    expect(await call('GET', '/api/licensees/99')).toMatchObject({ status: 404, body: { error: { message: 'No licensee with id 99' } } });
    expect((await call('GET', '/api/licensees/abc')).status).toBe(400);

    const patched = await call('PATCH', '/api/licensees/1', { name: 'Partner Post AG', places: ['*.partner-post.example'], notes: null });
    expect(patched).toMatchObject({ status: 200, body: { licensee: { id: 1, name: 'Partner Post AG', places: ['*.partner-post.example'], contacts: ['rights@pp.example'], notes: null } } });
    expect((await call('PATCH', '/api/licensees/1', {})).status).toBe(400);
    expect((await call('PATCH', '/api/licensees/2', { name: 'Partner Post AG' })).status).toBe(409);
    expect((await call('PATCH', '/api/licensees/99', { notes: 'x' })).status).toBe(404);

    expect(await call('DELETE', '/api/licensees/1')).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('has 1 consent record(s)') } } });
    expect(await call('DELETE', '/api/licensees/2')).toMatchObject({ status: 200, body: { id: 2, name: 'Other Gazette', redecided: NO_CHANGE } });
    expect((await call('DELETE', '/api/licensees/2')).status).toBe(404);
  });

  it('consents: create pending, approve and revoke re-decide the match; a second approval is 409', async () => {
    const { call, decision } = await startWithMatch();
    expect((await call('POST', '/api/licensees', { name: 'Mirror', places: ['127.0.0.1'] })).status).toBe(201);
    const created = await call('POST', '/api/consents', { licensee: 'Mirror', places: ['127.0.0.1'], status: 'pending', contractRef: 'K-7' });
    expect(created.status).toBe(201);
    expect(created.body.consent).toMatchObject({ id: 1, status: 'pending', licenseeName: 'Mirror', contractRef: 'K-7', createdBy: API_ACTOR });
    expect(created.body.redecided).toMatchObject({ matches: 1, changed: 0 });

    const approved = await call('POST', '/api/consents/1/approve');
    expect(approved).toMatchObject({ status: 200, body: { consent: { status: 'active' }, redecided: { matches: 1, changed: 1, reportsChanged: 1 } } });
    expect(await decision()).toEqual(['licensed']);
    const again = await call('POST', '/api/consents/1/approve', {});
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'conflict', message: 'Consent 1 is active; only a pending consent can be approved' } } });

    const revoked = await call('POST', '/api/consents/1/revoke', { note: 'contract ended' });
    expect(revoked).toMatchObject({ status: 200, body: { consent: { status: 'revoked' }, redecided: { matches: 1, changed: 1 } } });
    expect(await decision()).not.toContain('licensed');
    expect((await call('POST', '/api/consents/1/revoke', { reason: 'x' })).status).toBe(400);
    expect((await call('POST', '/api/consents/9/approve')).status).toBe(404);
  });

  it('consents: list filters, get, change terms; unknown licensee 404 and bad date 400 name what is wrong', async () => {
    const { call } = await start();
    await call('POST', '/api/licensees', { name: 'Partner Post' });
    await call('POST', '/api/licensees', { name: 'Other Gazette' });
    const full = await call('POST', '/api/consents', {
      licensee: 'Partner Post', places: ['partner-post.example'], articles: ['a-1'], sections: ['politik'], validFrom: '2025-02-01', validUntil: '2026-02-01T00:00:00+01:00',
      use: 'excerpt', maxWords: 300, holdBackHours: 24, duties: ['link', 'credit'], territory: 'DE',
    });
    expect(full.body.consent).toMatchObject({ id: 1, scope: { all: false, ids: ['a-1'], sections: ['politik'] }, validFrom: '2025-02-01T00:00:00.000Z', validUntil: '2026-01-31T23:00:00.000Z', maxWords: 300, duties: ['credit', 'link'] });
    await call('POST', '/api/consents', { licensee: 'Other Gazette', places: ['other-gazette.example'], status: 'pending' });

    const ids = async (query: string) => (await call('GET', `/api/consents${query}`)).body.items.map((c: Json) => c.id);
    expect(await ids('')).toEqual([1, 2]);
    expect(await ids('?licenseeId=2')).toEqual([2]);
    expect(await ids(`?licensee=${encodeURIComponent('Partner Post')}`)).toEqual([1]);
    expect(await ids('?status=pending')).toEqual([2]);
    expect(await ids('?licenseeId=1&status=pending')).toEqual([]);
    expect(await call('GET', '/api/consents?licensee=Nobody')).toMatchObject({ status: 404, body: { error: { message: 'No licensee named "Nobody"' } } });
    expect((await call('GET', '/api/consents?licenseeId=1&licensee=Other%20Gazette')).status).toBe(400);
    expect((await call('GET', '/api/consents?status=gone')).body.error.details.problems[0].field).toBe('status');
    expect((await call('GET', '/api/consents/2')).body).toMatchObject({ id: 2, status: 'pending', licenseeName: 'Other Gazette' });
    expect((await call('GET', '/api/consents/0')).status).toBe(400);
    expect((await call('GET', '/api/consents/7')).status).toBe(404);

    const unknown = await call('POST', '/api/consents', { licensee: 'Nobody', places: ['x.example'] });
    expect(unknown).toMatchObject({ status: 404, body: { error: { message: expect.stringContaining('No licensee named "Nobody"'), details: { field: 'licensee', name: 'Nobody' } } } });
    const badDate = await call('POST', '/api/consents', { licensee: 'Partner Post', places: ['x.example'], validFrom: '2026-02-30' });
    expect(badDate.status).toBe(400);
    expect(badDate.body.error.details.problems).toEqual([{ field: 'validFrom', message: expect.stringContaining('2026-02-30') }]);
    expect((await call('POST', '/api/consents', { licensee: 'Partner Post', places: [] })).body.error.details.problems[0].field).toBe('places');

    const changed = await call('PATCH', '/api/consents/1', { validUntil: '2027-01-01', maxWords: 500 });
    expect(changed).toMatchObject({ status: 200, body: { consent: { id: 1, validUntil: '2027-01-01T00:00:00.000Z', maxWords: 500, scope: { sections: ['politik'] } }, redecided: NO_CHANGE } });
    expect((await call('PATCH', '/api/consents/1', { status: 'revoked' })).body.error.details).toEqual({ field: 'status' });
    expect((await call('PATCH', '/api/consents/1', { validUntil: 'soon' })).body.error.details.problems[0].field).toBe('validUntil');
    expect((await call('GET', '/api/consents/1')).body.status).toBe('active');
  });

  it('consents import stores every Agreement or none (a bad document names its JSON path); export reads back as the same record', async () => {
    const one = await start();
    const doc = JSON.parse(readFileSync(PARTNER_DOC, 'utf8'));
    const bad = structuredClone(doc);
    bad.permission[0].duty[0].action = 'pay';
    const refused = await one.call('POST', '/api/consents/import', bad);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.path).toMatch(/^\$\.permission\[0\]\.duty\[0\]/);
    expect(refused.body.error.message).toContain('$.permission[0].duty[0]');
    expect((await one.call('GET', '/api/consents')).body.total).toBe(0);
    expect((await one.call('GET', '/api/licensees')).body.total).toBe(0);
    expect((await one.call('POST', '/api/consents/import')).status).toBe(400);

    const imported = await one.call('POST', '/api/consents/import', doc);
    expect(imported.status).toBe(201);
    expect(imported.body.consents).toMatchObject([{ id: 1, uid: doc.uid, licenseeName: 'Nordkurier Online', status: 'active', contractRef: 'NK-2025-017' }]);
    expect((await one.call('POST', '/api/consents/import', doc)).status).toBe(409);
    expect((await one.call('GET', '/api/consents')).body.total).toBe(1);

    const exported = await one.call('GET', '/api/consents/1/odrl');
    expect(exported.status).toBe(200);
    expect(exported.type).toMatch(/^application\/ld\+json/);
    expect(exported.body).toMatchObject({ '@type': 'Agreement', uid: doc.uid, assigner: { name: 'Publisher', uid: 'urn:copyhound:publisher' }, assignee: { name: 'Nordkurier Online' } });
    expect((await one.call('GET', '/api/consents/5/odrl')).status).toBe(404);

    // Sent as JSON-LD, as an ODRL tool would (and as our own export is typed).
    const two = await start();
    expect((await two.call('POST', '/api/consents/import', exported.body, 'application/ld+json')).status).toBe(201);
    const strip = ({ id: _id, licenseeId: _l, createdAt: _c, updatedAt: _u, ...rest }: Json) => rest;
    expect(strip((await two.call('GET', '/api/consents/1')).body)).toEqual(strip((await one.call('GET', '/api/consents/1')).body));
  });
});
