import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from '../../src/errors.ts';
import { fetchPage } from '../../src/fetch/index.ts';
import { testFetchConfig, type TestServer } from './helpers.ts';
import { HOSTILE_CASES, startHostileServer } from './hostile-server.ts';

/** Deadline for these tests: long enough for two drips, short enough to keep the suite quick. */
const DEADLINE_MS = 4000;
/** Scheduling noise on a shared 2-core machine; a hung fetch would blow far past this. */
const SLACK_MS = 8000;
/** The brief's memory ceiling for 20 hostile fetches at once. */
const RSS_LIMIT_BYTES = 300 * 1024 * 1024;

describe('hostile servers', () => {
  let server: TestServer;
  const config = testFetchConfig({ totalTimeoutMs: DEADLINE_MS });
  beforeAll(async () => {
    server = await startHostileServer();
  });
  afterAll(() => server.close());

  it.each(HOSTILE_CASES)('%s ends with %s within the deadline', async (path, reason) => {
    const started = Date.now();
    const error = await fetchPage(server.url(path), { config }).then(
      (page) => page,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(FetchError);
    expect((error as FetchError).reason, (error as Error).message).toBe(reason);
    expect((error as FetchError).message).toMatch(/\S/);
    expect(elapsed).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });

  it('follows up to the redirect limit and decodes two stacked encodings', async () => {
    const page = await fetchPage(server.url('/hops/5'), { config });
    expect(page.redirects).toHaveLength(5);
    expect(page.text).toContain('hello');
    const layered = await fetchPage(server.url('/two-layers'), { config });
    expect(layered.text).toContain('hello');
    expect(layered.rawBody.length).toBeLessThan(layered.body.length * 2);
  });

  it('falls back past a bogus charset label instead of failing', async () => {
    const page = await fetchPage(server.url('/bad-charset'), { config });
    expect(page).toMatchObject({ charset: 'windows-1252', text: '<p>café</p>' });
  });

  it('returns non-2xx pages and lets the caller assert on them', async () => {
    const page = await fetchPage(server.url('/nowhere'), { config });
    expect(page.status).toBe(404);
    expect(page.text).toBe('<p>nope</p>');
  });

  it('turns a caller abort into a FetchError, never a hang', async () => {
    const controller = new AbortController();
    const pending = fetchPage(server.url('/silent'), { config, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toMatchObject({ reason: 'timeout' });
  });

  it.each(['mixed', '/bomb'])('survives 20 hostile fetches at once (%s) under 300 MB RSS, measured in a child process', async (mix) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./rss-child.ts', import.meta.url)), server.url('/'), String(DEADLINE_MS), mix],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, err).toBe(0);
    const result = JSON.parse(out) as { maxRss: number; startRss: number; outcomes: { path: string; reason: string }[] };
    console.log(`20 hostile fetches at once (${mix}): peak RSS ${(result.maxRss / 1024 / 1024).toFixed(1)} MB (idle ${(result.startRss / 1024 / 1024).toFixed(1)} MB)`);
    expect(result.outcomes).toHaveLength(20);
    const expected = new Map(HOSTILE_CASES);
    for (const outcome of result.outcomes) expect(outcome.reason, outcome.path).toBe(expected.get(outcome.path));
    expect(result.maxRss).toBeLessThan(RSS_LIMIT_BYTES);
  });
});
