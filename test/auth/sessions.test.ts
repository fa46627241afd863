import { Writable } from 'node:stream';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { queryRows } from '../../db/dialect.ts';
import { addUser, createKey, revokeKey } from '../../src/accounts.ts';
import { LOCAL_PRINCIPAL } from '../../src/auth/roles.ts';
import { openApp, type App } from '../../src/app.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestDatabase, testDatabaseSettings } from '../helpers/test-database.ts';

/**
 * Sign-in and sessions over a real server: the cookie's flags, one answer for every failed
 * sign-in, the throttle, rotation, sign-out (one and all), CSRF, key revocation, idle expiry, and
 * that no secret reaches an answer or a log line. The App is opened here (not with
 * startAppServer) so that its logger writes into `logLines`, where the secrets are looked for.
 */

// Low so the throttle is reached in a few requests; the window is the default (minutes), so
// the block lasts for the whole test.
const FAILURES_PER_ACCOUNT = 3;
const EMAIL = 'editor@example.test';
const PASSWORD = 'Granite-Otter-47-Lantern-Quiver';
const SESSION_COOKIE = 'copyhound_session';

const tempDir = useTempDir();
let running: { app: App; server: RunningServer } | undefined;
let logLines: string[] = [];
// Every answer's headers and body, to look for secrets in.
let answers: { setsSession: boolean; text: string }[] = [];

afterEach(async () => {
  await running?.server.close();
  running?.app.close();
  running = undefined;
  logLines = [];
  answers = [];
});

async function start(): Promise<{ url: string; app: App; dbPath: string }> {
  const dir = tempDir();
  const dbPath = join(dir, 'copyhound.db');
  const config = loadConfig({}, {
    auth: { loginFailuresPerAccount: FAILURES_PER_ACCOUNT },
    db: await testDatabaseSettings(dbPath),
    data: { dir: join(dir, 'data') },
    server: { port: 0, host: '127.0.0.1' },
    log: { level: 'info' },
  });
  const sink = new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } });
  const app = await openApp(config, pino({ level: 'info' }, sink));
  const server = await startServer(app);
  running = { app, server };
  await addUser({ db: app.database.db }, { email: EMAIL, role: 'rights_manager', password: PASSWORD }, 'local');
  return { url: server.url, app, dbPath };
}

/** A cookie jar of one browser: name → value, from Set-Cookie answers. */
type Jar = Map<string, string>;

async function send(url: string, init: { method?: string; jar?: Jar; csrf?: string; key?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.jar?.size) headers.cookie = [...init.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  if (init.csrf) headers['x-csrf-token'] = init.csrf;
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  const method = init.method ?? (init.body !== undefined ? 'POST' : 'GET');
  const response = await fetch(url, { method, headers, body: init.body !== undefined ? JSON.stringify(init.body) : undefined });
  const text = await response.text();
  const setCookies = response.headers.getSetCookie();
  for (const c of setCookies) {
    const [pair] = c.split(';');
    const at = pair.indexOf('=');
    init.jar?.set(pair.slice(0, at), pair.slice(at + 1));
  }
  answers.push({ setsSession: setCookies.some((c) => c.startsWith(`${SESSION_COOKIE}=`)), text: `${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${text}` });
  return { status: response.status, headers: response.headers, setCookies, body: text ? JSON.parse(text) : undefined };
}

async function login(url: string, jar: Jar = new Map()) {
  const answer = await send(`${url}/api/auth/login`, { jar, body: { email: EMAIL, password: PASSWORD } });
  expect(answer.status).toBe(200);
  return { jar, csrf: answer.body.csrfToken as string, session: jar.get(SESSION_COOKIE)!, answer };
}

describe('sign-in and sessions', () => {
  it('sets an HttpOnly SameSite=Lax session cookie that signs the browser in', async () => {
    const { url } = await start();
    const { jar, answer } = await login(url);
    const cookie = answer.setCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect((await send(`${url}/api/auth/me`, { jar })).body).toMatchObject({ kind: 'user', role: 'rights_manager', actor: `user:${EMAIL}` });
  });

  it('answers a wrong password and an unknown address alike', async () => {
    const { url } = await start();
    const wrong = await send(`${url}/api/auth/login`, { body: { email: EMAIL, password: 'not-the-password' } });
    const unknown = await send(`${url}/api/auth/login`, { body: { email: 'nobody@example.test', password: 'not-the-password' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    expect(unknown.body.error.code).toBe(wrong.body.error.code);
  });

  it(`throttles an account after ${FAILURES_PER_ACCOUNT} failures with 429 and Retry-After, even for the right password`, async () => {
    const { url } = await start();
    for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) expect((await send(`${url}/api/auth/login`, { body: { email: EMAIL, password: 'wrong' } })).status).toBe(401);
    const throttled = await send(`${url}/api/auth/login`, { body: { email: EMAIL, password: PASSWORD } });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('rotates the session on a new sign-in: the cookie the browser came with stops working', async () => {
    const { url } = await start();
    const first = await login(url);
    const oldJar: Jar = new Map(first.jar);
    const second = await login(url, first.jar);
    expect(second.session).not.toBe(first.session);
    expect((await send(`${url}/api/auth/me`, { jar: oldJar })).status).toBe(401);
    expect((await send(`${url}/api/auth/me`, { jar: second.jar })).status).toBe(200);
  });

  it('ends the session on sign-out', async () => {
    const { url } = await start();
    const { jar, csrf } = await login(url);
    const kept: Jar = new Map(jar);
    expect((await send(`${url}/api/auth/logout`, { jar, csrf, body: {} })).status).toBe(204);
    expect((await send(`${url}/api/auth/me`, { jar: kept })).status).toBe(401);
  });

  it('ends every session of the user on sign-out everywhere', async () => {
    const { url } = await start();
    const laptop = await login(url);
    const phone = await login(url);
    const answer = await send(`${url}/api/auth/logout-all`, { jar: new Map(laptop.jar), csrf: laptop.csrf, body: {} });
    expect(answer).toMatchObject({ status: 200, body: { ended: 2 } });
    expect((await send(`${url}/api/auth/me`, { jar: laptop.jar })).status).toBe(401);
    expect((await send(`${url}/api/auth/me`, { jar: phone.jar })).status).toBe(401);
  });

  it('refuses a cookie-authenticated change without the CSRF header, and allows it with the header', async () => {
    const { url } = await start();
    const { jar, csrf } = await login(url);
    const refused = await send(`${url}/api/sources`, { jar, body: {} });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('csrf_failed');
    const wrongToken = await send(`${url}/api/sources`, { jar, csrf: `${csrf}x`, body: {} });
    expect(wrongToken.body.error.code).toBe('csrf_failed');
    const allowed = await send(`${url}/api/sources`, { jar, csrf, body: {} });
    expect([401, 403]).not.toContain(allowed.status);
    // The fresh token from GET /csrf works too.
    const fresh = (await send(`${url}/api/auth/csrf`, { jar })).body.csrfToken as string;
    expect((await send(`${url}/api/auth/logout`, { jar, csrf: fresh, body: {} })).status).toBe(204);
  });

  it('refuses a revoked API key on the very next request', async () => {
    const { url, app } = await start();
    const { key, view } = await createKey({ db: app.database.db }, LOCAL_PRINCIPAL, { name: 'robot', role: 'legal' });
    expect((await send(`${url}/api/auth/me`, { key })).status).toBe(200);
    await revokeKey({ db: app.database.db }, view.id);
    expect((await send(`${url}/api/auth/me`, { key })).status).toBe(401);
  });

  it('ends a session idle longer than the idle limit', async () => {
    const { url, app, dbPath } = await start();
    const { jar } = await login(url);
    expect((await send(`${url}/api/auth/me`, { jar })).status).toBe(200);
    const idleMinutes = app.config.auth.sessionIdleMinutes;
    const raw = await openTestDatabase(dbPath);
    try {
      const longAgo = new Date(Date.now() - (idleMinutes + 1) * 60_000).toISOString();
      expect(await queryRows(raw.db, sql`UPDATE sessions SET last_seen_at = ${longAgo} RETURNING id`)).toHaveLength(1);
    } finally {
      await raw.close();
    }
    expect((await send(`${url}/api/auth/me`, { jar })).status).toBe(401);
  });

  it('puts no password, API key or session id into an answer or a log line', async () => {
    const { url, app } = await start();
    const { key } = await createKey({ db: app.database.db }, LOCAL_PRINCIPAL, { name: 'robot', role: 'admin' });
    const { jar, csrf, session } = await login(url);
    await send(`${url}/api/auth/login`, { body: { email: EMAIL, password: `${PASSWORD}-wrong` } });
    await send(`${url}/api/auth/me`, { jar });
    await send(`${url}/api/users`, { key });
    await send(`${url}/api/keys`, { key });
    await send(`${url}/api/auth/password`, { jar, csrf, body: { current: `${PASSWORD}-wrong`, next: 'x' } });
    await send(`${url}/api/auth/me`, { key: `${key}tampered` });
    expect(logLines.some((l) => l.includes('"msg":"request"'))).toBe(true);
    for (const line of logLines) {
      for (const secret of [PASSWORD, key, session]) expect(line).not.toContain(secret);
    }
    for (const answer of answers) {
      expect(answer.text).not.toContain(PASSWORD);
      expect(answer.text).not.toContain(key);
      // The sign-in answer's Set-Cookie is how the browser gets its session id; nothing else carries it.
      if (!answer.setsSession) expect(answer.text).not.toContain(session);
    }
  });
});
