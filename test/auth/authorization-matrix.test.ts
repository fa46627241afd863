import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, createKey, revokeKey, setUserDisabled } from '../../src/accounts.ts';
import { ROUTE_POLICIES, type RoutePolicy } from '../../src/auth/policy.ts';
import { LOCAL_PRINCIPAL, ROLES, type Role } from '../../src/auth/roles.ts';
import { addConsent } from '../../src/consent-admin.ts';
import { createHttpApp } from '../../src/http/server.ts';
import { addLicensee } from '../../src/rights-admin.ts';
import { parseConsentRequest } from '../../src/rights/consent-input.ts';
import { startAppServer } from '../helpers/start-app-server.ts';

/**
 * The authorisation matrix, generated from ROUTE_POLICIES: every route × every role (× own and
 * another organisation's object where the route has an `owner`), plus anonymous, expired and
 * revoked credentials. A route registered without a row, or a row never registered, fails here.
 */

// Every route × (4 roles + 3 refused credentials), with owned routes counted twice for the
// licensee: fewer cases than this means the generation lost rows.
const MIN_CASES = ROUTE_POLICIES.length * (ROLES.length + 3);
// An id no table reaches in this small database: routes without ownership answer it 404 at worst.
const MISSING_ID = 999_999;
const STRONG_PASSWORD = 'Granite-Otter-47-Lantern-Quiver';

type Side = 'A' | 'B';
interface Seeded {
  licensee: Record<Side, number>;
  consent: Record<Side, number>;
  keys: Record<Role, string>;
  expiredKey: string;
  revokedKey: string;
}

let dir: string;
let started: Awaited<ReturnType<typeof startAppServer>>;
let listener: Server;
let base: string;
let registered: RoutePolicy[];
let seeded: Seeded;
let casesChecked = 0;

async function makeKey(role: Role, licensee: number | null, now?: () => Date, expires?: string) {
  return await createKey({ db: started.app.database.db, now }, LOCAL_PRINCIPAL, { name: `matrix ${role}`, role, licensee, expires });
}

async function seed(): Promise<Seeded> {
  const deps = { db: started.app.database.db, config: started.app.config.rights };
  const licensee = {} as Record<Side, number>;
  const consent = {} as Record<Side, number>;
  for (const side of ['A', 'B'] as const) {
    const place = `http://127.0.0.1/partner-${side.toLowerCase()}/`;
    licensee[side] = (await addLicensee(deps, { name: `Partner ${side}`, places: [place] }, 'local')).licensee.id;
    // Pending, so a licensee may still change its terms: the allowed PATCH is not refused by state.
    consent[side] = (await addConsent(deps, parseConsentRequest({ licensee: `Partner ${side}`, places: [place], status: 'pending' }), 'local')).consent.id;
  }
  const keys = {} as Record<Role, string>;
  for (const role of ROLES) keys[role] = (await makeKey(role, role === 'licensee' ? licensee.A : null)).key;
  // Made "in the past" so its expiry is already over: createKey refuses a past expiry made today.
  const expiredKey = (await makeKey('admin', null, () => new Date(Date.UTC(2020, 0, 1)), '2020-01-02T00:00:00Z')).key;
  const revoked = await makeKey('admin', null);
  await revokeKey({ db: started.app.database.db }, revoked.view.id);
  return { licensee, consent, keys, expiredKey, revokedKey: revoked.key };
}

/** The object id a route's :id names for one side; keys are made fresh, a DELETE revokes one. */
async function ownedIdOf(policy: RoutePolicy, side: Side): Promise<number> {
  if (policy.owner === 'licensee') return seeded.licensee[side];
  if (policy.owner === 'consent') return seeded.consent[side];
  return (await makeKey('licensee', seeded.licensee[side])).view.id;
}

async function pathOf(policy: RoutePolicy, side: Side | null): Promise<string> {
  return policy.path
    .replace(':id', String(side && policy.owner ? await ownedIdOf(policy, side) : MISSING_ID))
    .replace(':ref', 'no-such-source')
    .replace(':place', encodeURIComponent('http://127.0.0.1/no-such-place/'));
}

/** A web page (src/http/pages) rather than an API route: a signed-out GET is sent to /login. */
function isPage(policy: RoutePolicy): boolean {
  // /metrics is for Prometheus, not a browser: refused with 401 like an API route.
  return !policy.path.startsWith('/api/') && policy.path !== '/metrics';
}

async function call(policy: RoutePolicy, path: string, key: string | null): Promise<{ status: number; body: string; location: string | null }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const hasBody = policy.method === 'POST' || policy.method === 'PATCH';
  const response = await fetch(`${base}${path}`, { method: policy.method, headers, body: hasBody ? '{}' : undefined, redirect: 'manual' });
  casesChecked++;
  return { status: response.status, body: await response.text(), location: response.headers.get('location') };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'copyhound-auth-matrix-'));
  started = await startAppServer(dir, {}, { anonymous: true });
  // startServer does not hand back its express app; this one, over the same App, exposes the guard.
  const http = await createHttpApp(started.app);
  registered = http.copyhoundGuard.registered;
  listener = await new Promise<Server>((resolve) => {
    const s = http.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  seeded = await seed();
});

afterAll(async () => {
  console.log(`authorization matrix: ${casesChecked} cases checked`);
  await new Promise<void>((resolve) => listener?.close(() => resolve()));
  await started?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('route registration and the policy table', () => {
  it('registers every policy row exactly once, and nothing without a row', () => {
    const keyOf = (p: RoutePolicy) => `${p.method} ${p.path}`;
    const registeredKeys = registered.map(keyOf);
    expect(new Set(registeredKeys).size).toBe(registeredKeys.length);
    expect([...registeredKeys].sort()).toEqual(ROUTE_POLICIES.map(keyOf).sort());
  });
});

describe.each(ROUTE_POLICIES.map((p) => [`${p.method} ${p.path}`, p] as const))('%s', (_name, policy) => {
  it('refuses anonymous, expired and revoked credentials with 401 (public routes answer anyone)', async () => {
    for (const key of [null, seeded.expiredKey, seeded.revokedKey]) {
      const { status, body, location } = await call(policy, await pathOf(policy, 'A'), key);
      if (policy.public) expect([401, 403], body).not.toContain(status);
      else if (isPage(policy) && policy.method === 'GET') {
        expect(status, body).toBe(303);
        expect(location).toMatch(/^\/login\?next=/);
      } else expect(status, body).toBe(401);
    }
  });

  it.each(ROLES.map((r) => [r]))('as %s: 403 unless allowed; allowed passes the guard', async (role) => {
    const allowed = policy.public || policy.session || policy.allow[role] !== undefined;
    const sides: Side[] = policy.owner ? ['A', 'B'] : ['A'];
    for (const side of sides) {
      const { status, body } = await call(policy, await pathOf(policy, side), seeded.keys[role]);
      const context = `${role} on ${side}: ${body}`;
      if (!allowed) expect(status, context).toBe(403);
      else if (policy.owner && role === 'licensee' && side === 'B') expect(status, context).toBe(404);
      else {
        expect([401, 403], context).not.toContain(status);
        if (policy.owner) expect(status, context).not.toBe(404);
      }
    }
  });
});

describe('a disabled user', () => {
  it('is refused with 401 on the next request with its session cookie', async () => {
    const db = started.app.database.db;
    const email = 'disabled-licensee@example.test';
    await addUser({ db }, { email, role: 'licensee', licensee: seeded.licensee.A, password: STRONG_PASSWORD }, 'local');
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: STRONG_PASSWORD }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('copyhound_session='))!.split(';')[0];
    expect((await fetch(`${base}/api/auth/me`, { headers: { cookie } })).status).toBe(200);
    await setUserDisabled({ db }, email, true);
    expect((await fetch(`${base}/api/auth/me`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${base}/api/licensees/${seeded.licensee.A}`, { headers: { cookie } })).status).toBe(401);
  });
});

describe('the count of cases', () => {
  it(`checks at least ${MIN_CASES} cases`, () => {
    expect(casesChecked).toBeGreaterThanOrEqual(MIN_CASES);
  });
});
