import { afterEach, describe, expect, it } from 'vitest';
import { addUser } from '../../src/accounts.ts';
import { ALERTS_ROUTE_DOCS } from '../../src/http/api-alerts.ts';
import { ROUTE_POLICIES } from '../../src/auth/policy.ts';
import { insertAlertDeliveries } from '../../db/alert-deliveries.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { requestJson, startAppServer } from '../helpers/start-app-server.ts';

const PASSWORD = 'Granite-Otter-47-Lantern-Quiver';
const tempDir = useTempDir();
let stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
});

async function start() {
  const started = await startAppServer(tempDir());
  stops.push(() => started.stop());
  return { ...started, base: `${started.server.url}/api/alerts` };
}

/** Signs in through the API: the session cookie and the CSRF token a browser would hold. */
async function signIn(url: string, email: string): Promise<{ cookie: string; csrf: string }> {
  const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  expect(login.status).toBe(200);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}

async function asUser(url: string, session: { cookie: string; csrf: string }, method: string, body?: unknown) {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any };
}

describe('/api/alerts/targets', () => {
  it('creates a target and shows its secret once, lists, changes, rotates and removes it', async () => {
    const { base } = await start();
    const created = await requestJson(`${base}/targets`, { body: { url: 'https://hooks.example/copyhound', decisions: ['unlicensed'], minCoverage: 0.3 } });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.body.target).toMatchObject({ name: 'hooks.example', url: 'https://hooks.example/copyhound', enabled: true, decisions: ['unlicensed'], minCoverage: 0.3 });
    const id = created.body.target.id;

    const listed = await requestJson(`${base}/targets`);
    expect(listed.body.items).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect(created.body.secret.startsWith(listed.body.items[0].secretHint.replace('…', ''))).toBe(true);

    const changed = await requestJson(`${base}/targets/${id}`, { method: 'PATCH', body: { name: 'CRM', enabled: false } });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ target: expect.objectContaining({ name: 'CRM', enabled: false }) });
    const rotated = await requestJson(`${base}/targets/${id}`, { method: 'PATCH', body: { rotateSecret: true } });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);

    expect((await requestJson(`${base}/targets/${id}`, { method: 'DELETE' })).body).toEqual({ id, deliveriesRemoved: 0 });
    expect((await requestJson(`${base}/targets/${id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await requestJson(`${base}/targets`)).body.items).toEqual([]);
  });

  it('refuses bad targets naming the field', async () => {
    const { base } = await start();
    const cases: [unknown, string][] = [
      [{ url: 'ftp://files.example/' }, 'url'],
      [{ url: 'https://user:pw@hooks.example/' }, 'url'],
      [{ url: `https://hooks.example/${'a'.repeat(2000)}` }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: 'https://hooks.example/', decisions: [] }, 'decisions'],
      [{ url: 'https://hooks.example/', decisions: ['stolen'] }, 'decisions.0'],
      [{ url: 'https://hooks.example/', minCoverage: 1.5 }, 'minCoverage'],
      [{ url: 'https://hooks.example/', name: 'x'.repeat(101) }, 'name'],
      [{ url: 'https://hooks.example/', secret: 'mine' }, 'secret'],
    ];
    for (const [body, field] of cases) {
      const answer = await requestJson(`${base}/targets`, { body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
      expect(answer.body.error.details.problems.map((p: { field: string }) => p.field), JSON.stringify(body)).toContain(field);
    }
    expect((await requestJson(`${base}/targets/1`, { method: 'PATCH', body: {} })).status).toBe(400);
    expect((await requestJson(`${base}/targets/99`, { method: 'PATCH', body: { enabled: true } })).status).toBe(404);
  });
});

describe('/api/alerts/deliveries', () => {
  it('pages the log newest first and filters by status', async () => {
    const { base, app } = await start();
    const target = (await requestJson(`${base}/targets`, { body: { url: 'https://hooks.example/' } })).body.target;
    const rows = await insertAlertDeliveries(app.database.db, Array.from({ length: 5 }, (_, i) => ({ targetId: target.id, event: 'reports.created' as const, reportIds: [i + 1], createdAt: '2026-03-01T00:00:00.000Z' })));
    const first = await requestJson(`${base}/deliveries?limit=2`);
    expect(first.body.items.map((d: { id: number }) => d.id)).toEqual([rows[4].id, rows[3].id]);
    expect(first.body.items[0]).toMatchObject({ targetName: 'hooks.example', status: 'pending', attempts: 0, reportIds: [5] });
    const second = await requestJson(`${base}/deliveries?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((d: { id: number }) => d.id)).toEqual([rows[2].id, rows[1].id]);
    const last = await requestJson(`${base}/deliveries?limit=2&cursor=${second.body.nextCursor}`);
    expect(last.body).toEqual({ items: [expect.objectContaining({ id: rows[0].id })], nextCursor: null });
    expect((await requestJson(`${base}/deliveries?status=delivered`)).body.items).toEqual([]);
    expect((await requestJson(`${base}/deliveries?status=lost`)).status).toBe(400);
    expect((await requestJson(`${base}/deliveries?limit=201`)).status).toBe(400);
    // Removing the target removes its log.
    expect((await requestJson(`${base}/targets/${target.id}`, { method: 'DELETE' })).body.deliveriesRemoved).toBe(5);
  });
});

describe('/api/alerts/preferences', () => {
  it("reads and changes the signed-in user's own preference", async () => {
    const { server, app, base } = await start();
    await addUser({ db: app.database.db }, { email: 'legal@example.test', role: 'legal', password: PASSWORD }, 'local');
    const session = await signIn(server.url, 'legal@example.test');
    expect((await asUser(`${base}/preferences`, session, 'GET')).body).toMatchObject({ mode: 'off', decisions: ['unlicensed', 'licence_breach'], minCoverage: 0, updatedAt: null });
    const changed = await asUser(`${base}/preferences`, session, 'PATCH', { mode: 'daily', minCoverage: 0.5 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ mode: 'daily', minCoverage: 0.5, decisions: ['unlicensed', 'licence_breach'] });
    expect((await asUser(`${base}/preferences`, session, 'GET')).body.mode).toBe('daily');
    const bad = await asUser(`${base}/preferences`, session, 'PATCH', { mode: 'hourly' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0].field).toBe('mode');
  });

  it('answers an API key (not a user) 400 not_a_user', async () => {
    const { base } = await start();
    const answer = await requestJson(`${base}/preferences`);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'not_a_user', details: { reason: 'not_a_user' } });
  });
});

describe('ALERTS_ROUTE_DOCS', () => {
  it('describes exactly the alert routes of the policy table', () => {
    const documented = ALERTS_ROUTE_DOCS.map((d) => `${d.method} ${d.path}`).sort();
    const policed = ROUTE_POLICIES.filter((p) => p.path.startsWith('/api/alerts/')).map((p) => `${p.method} ${p.path}`).sort();
    expect(documented).toEqual(policed);
    expect(ALERTS_ROUTE_DOCS.find((d) => d.method === 'POST')?.description).toContain('HMAC-SHA256');
  });
});
