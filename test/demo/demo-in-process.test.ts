import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDemo } from '../../src/demo/run-demo.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { makeDemoConfigLoader } from './demo-helpers.ts';

/**
 * The demo's orchestrator in this process (as a browser test would start it), and the command's
 * usage: help, a data folder that is not empty, a --db it would ignore.
 */

describe('demo orchestrator', () => {
  const tempDir = useTempDir();

  it('comes out as its scenario says, in a temp folder of its own that close() removes with the sample web', async () => {
    const printed: string[] = [];
    const demo = await startDemo({ port: 0, loadConfig: await makeDemoConfigLoader(), print: (line) => printed.push(line) });
    let closed = false;
    try {
      expect(demo.outcome.map((o) => [o.key, o.differences])).toEqual([
        ['ownerPage', []],
        ['licensedCopy', []],
        ['creditMissing', []],
        ['unlicensedCopy', []],
        ['partialCopy', []],
        ['quotation', []],
      ]);
      // Reports are made in the sitemap's order: the partial copy, the pending consent's, is the third.
      expect(demo.outcome.map((o) => o.found?.reportId ?? null)).toEqual([null, null, 1, 2, 3, null]);
      expect(printed.join('\n')).toMatch(new RegExp(`^Pending consent ${demo.seed.consents.pending.id} \\(Harbour Business Review\\) would license report 3 `, 'm'));
      expect(printed.join('\n')).not.toMatch(/NOTE:/);
      // Every page of the sitemap was fetched through the crawler, after robots.txt and the sitemap.
      expect(demo.site.requested.slice(0, 2)).toEqual(['/robots.txt', '/sitemap.xml']);
      expect(demo.site.requested.slice(2)).toEqual(demo.site.cases.map((c) => new URL(c.url).pathname));
      expect(existsSync(demo.dataDir)).toBe(true);
      await demo.close();
      closed = true;
      expect(existsSync(demo.dataDir)).toBe(false);
      await expect(fetch(`${demo.site.url}/robots.txt`)).rejects.toThrow();
      await expect(fetch(`${demo.url}/healthz`)).rejects.toThrow();
    } finally {
      if (!closed) await demo.close();
    }
  });

  it('names a port in use and what to do, and removes the temp folder it had made', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    // The demo's default folder goes under the OS temp dir, which os.tmpdir() reads from TMPDIR.
    const osTemp = tempDir();
    const savedTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = osTemp;
    try {
      const starting = startDemo({ port, loadConfig: await makeDemoConfigLoader(), print: () => {} });
      await expect(starting).rejects.toThrow(new RegExp(`Port ${port} is in use: pick another with --port N`));
      // (tsx keeps its compile cache there too.)
      expect(readdirSync(osTemp).filter((name) => name.startsWith('copyhound-demo-'))).toEqual([]);
    } finally {
      if (savedTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmpdir;
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('refuses a data folder that is not empty, before starting anything', async () => {
    const dir = join(tempDir(), 'used');
    mkdirSync(dir);
    writeFileSync(join(dir, 'copyhound.db'), 'someone else’s data');
    const result = await runCliInProcess(['demo', '--port', '0', '--data', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--data .*used: the folder is not empty/);
    expect(result.stdout).toBe('');
  });

  it('refuses --db, which it would not use', async () => {
    const result = await runCliInProcess(['--db', join(tempDir(), 'x.db'), 'demo', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/use --data DIR instead of --db/);
  });

  it('has --help', async () => {
    const result = await runCliInProcess(['demo', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: copyhound demo \[options\]/);
    expect(result.stdout).toMatch(/--port <port>/);
    expect(result.stdout).toMatch(/--data <dir>/);
    expect(result.stdout).toMatch(/one login per role/);
  });
});
