import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../fixtures/crawl/news-site.ts';
import { CLI_PATH, runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { cliDatabaseEnv } from '../helpers/test-database.ts';
import { crawlTestEnv, openTestApp } from '../crawl/crawl-helpers.ts';

// Requests the site answers before holding the rest: the crawl is mid-run when Ctrl-C comes.
const HELD_AFTER_REQUESTS = 8;
const TEST_TIMEOUT_MS = 60_000;

describe('Ctrl-C on crawl', () => {
  const tempDir = useTempDir();
  let site: NewsSite | undefined;
  afterEach(async () => {
    site?.release();
    await site?.close();
    site = undefined;
  });

  it(
    'prints the summary so far and how to resume, without a stack trace; exit 1',
    async () => {
      site = await startNewsSite();
      const dir = tempDir();
      await (await openTestApp(dir)).close();
      const env = crawlTestEnv(dir);
      const added = await runCliInProcess(['sources', 'add', '--type', 'site', '--url', `${site.url}/`, '--name', 'gazette'], { env });
      expect(added.code, added.stderr).toBe(0);
      site.holdAfter(HELD_AFTER_REQUESTS);
      const child = spawn(process.execPath, [CLI_PATH, 'crawl', 'gazette'], { env: { ...process.env, ...env, ...(await cliDatabaseEnv(['crawl', 'gazette'], env)) }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      while (site.log.length < HELD_AFTER_REQUESTS) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGINT');
      expect(await exited, stderr).toBe(1);
      expect(stdout, stderr).toMatch(/^gazette: aborted — fetched \d+, unchanged 0, (skipped 0, )?failed \d+, new matches \d+/m);
      expect(stderr).toContain('interrupted (SIGINT): what was fetched is kept; resume with `copyhound crawl gazette` (or on the next scheduled run)');
      expect(stderr).toContain(`data folder ${env.COPYHOUND_DATA_DIR}`);
      expect(stderr).not.toMatch(/\n\s+at |Error/);
      // What it said to do works: the run goes on where it stopped.
      site.release();
      const resumed = await runCliInProcess(['crawl', 'gazette'], { env });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(/^gazette: completed \(resumed\)/m);
    },
    TEST_TIMEOUT_MS,
  );
});
