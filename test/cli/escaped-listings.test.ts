import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../db/dialect.ts';
import { buildNewsPage, escapeHtml, paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { runCliInProcess as runCli } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestDatabase, TEST_DIALECT } from '../helpers/test-database.ts';

describe('stored text in listings', () => {
  const tempDir = useTempDir();

  it('matches list shows an article id with terminal controls escaped (JSON keeps it exact)', async () => {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    const [nato] = readOwnedFixtures();
    const hostileId = 'nato\u001b[2J\u202e';
    writeFileSync(join(dir, 'owned.ndjson'), `${JSON.stringify({ ...nato, id: hostileId })}\n`);
    expect((await runCli(['--db', db, 'articles', 'import', join(dir, 'owned.ndjson')])).code).toBe(0);
    const page = buildNewsPage({ site: 'Mirror', headline: 'Copied', paragraphsHtml: paragraphsOf(nato).map(escapeHtml) });
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/copy`;
      const env = { COPYHOUND_FETCH_ALLOW: '127.0.0.1', COPYHOUND_DATA_DIR: join(dir, 'data') };
      const checked = await runCli(['--db', db, 'check', url], { env });
      expect(checked.stdout).toContain('nato\\x1b[2J\\u202e');
      const listed = await runCli(['--db', db, 'matches', 'list'], { env });
      expect(listed.stdout).toMatch(/^#\d+ reproduction +nato\\x1b\[2J\\u202e {2}http:\/\/127\.0\.0\.1:\d+\/copy {2}coverage/m);
      expect(listed.stdout).not.toMatch(/[\u001b\u202e]/);
      const json = await runCli(['--db', db, 'matches', 'list', '--json'], { env });
      expect(JSON.parse(json.stdout.trim().split('\n')[0]).articleId).toBe(hostileId);
      // The capture's file is named by a relative path, so the data folder can move: there on
      // SQLite, and under that path in the capture file store on PostgreSQL (the database, by default).
      const database = await openTestDatabase(db);
      try {
        const paths = await queryRows<{ p: string }>(database.db, sql`select warc_path as p from captures`);
        expect(paths.length).toBeGreaterThan(0);
        for (const { p } of paths) {
          expect(p.startsWith('/'), p).toBe(false);
          const stored = TEST_DIALECT === 'pg'
            ? (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from capture_files where path = ${p}`))[0].n === 1
            : existsSync(join(dir, 'data', p));
          expect(stored, p).toBe(true);
        }
      } finally {
        await database.close();
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
