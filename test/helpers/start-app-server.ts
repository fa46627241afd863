import { join } from 'node:path';
import { loadConfig, type ConfigOverrides } from '../../config/index.ts';
import { openApp, type App } from '../../src/app.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/log.ts';

/** The real app and HTTP server on 127.0.0.1 and a free port, over a real SQLite file in `dir`. */
export async function startAppServer(dir: string, overrides: ConfigOverrides = {}): Promise<{ app: App; server: RunningServer; stop(): Promise<void> }> {
  const config = loadConfig(
    {},
    {
      ...overrides,
      db: { path: join(dir, 'copyhound.db'), ...overrides.db },
      data: { dir: join(dir, 'data'), ...overrides.data },
      server: { port: 0, host: '127.0.0.1', ...overrides.server },
      log: { level: 'silent', ...overrides.log },
    },
  );
  const app = openApp(config, createLogger(config));
  const server = await startServer(app);
  return {
    app,
    server,
    async stop() {
      await server.close();
      app.close();
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
