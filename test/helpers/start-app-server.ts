import { join } from 'node:path';
import { loadConfig, type ConfigOverrides } from '../../config/index.ts';
import { openApp, type App } from '../../src/app.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/log.ts';
import { createKey } from '../../src/accounts.ts';
import { LOCAL_PRINCIPAL } from '../../src/auth/roles.ts';
import { openTestDatabase, testDatabaseSettings } from './test-database.ts';

/** Makes an admin API key in the database at `dbPath` (as `copyhound keys create` would). */
export async function createAdminKey(dbPath: string): Promise<string> {
  const database = await openTestDatabase(dbPath);
  try {
    return (await createKey({ db: database.db }, LOCAL_PRINCIPAL, { name: 'test admin', role: 'admin' })).key;
  } finally {
    await database.close();
  }
}

const originalFetch = globalThis.fetch;
const keysByOrigin = new Map<string, string>();

/**
 * The functional API tests act as an admin program: requests this process sends to a server
 * started here carry its admin key unless they bring their own credentials (Authorization or a
 * cookie). The authorisation tests (test/auth) send their own, or start with `anonymous: true`.
 */
function authenticateFetchesTo(origin: string, key: string): void {
  keysByOrigin.set(origin, key);
  globalThis.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const found = keysByOrigin.get(new URL(url).origin);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (found && !headers.has('authorization') && !headers.has('cookie')) headers.set('authorization', `Bearer ${found}`);
    return originalFetch(input, { ...init, headers });
  };
}

/** The real app and HTTP server on 127.0.0.1 and a free port, over a real SQLite file in `dir`. */
export async function startAppServer(dir: string, overrides: ConfigOverrides = {}, options: { anonymous?: boolean } = {}): Promise<{ app: App; server: RunningServer; apiKey: string; stop(): Promise<void> }> {
  const config = loadConfig(
    {},
    {
      ...overrides,
      db: { ...(await testDatabaseSettings(overrides.db?.path ?? join(dir, 'copyhound.db'), { fromTemplate: true })), ...overrides.db },
      data: { dir: join(dir, 'data'), ...overrides.data },
      server: { port: 0, host: '127.0.0.1', ...overrides.server },
      log: { level: 'silent', ...overrides.log },
    },
  );
  const app = await openApp(config, createLogger(config), { checkpointInBackground: true });
  const server = await startServer(app);
  const apiKey = (await createKey({ db: app.database.db }, LOCAL_PRINCIPAL, { name: 'test admin', role: 'admin' })).key;
  const origin = new URL(server.url).origin;
  if (!options.anonymous) authenticateFetchesTo(origin, apiKey);
  return {
    app,
    server,
    apiKey,
    async stop() {
      keysByOrigin.delete(origin);
      await server.close();
      await app.close();
    },
  };
}

export async function requestJson(url: string, init: { method?: string; body?: unknown; rawBody?: string } = {}) {
  const response = await fetch(url, {
    method: init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json' },
    body: init.rawBody ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
