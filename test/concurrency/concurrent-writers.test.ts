import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { firstRow, queryRows } from '../../db/dialect.ts';
import { runCli, startServeProcess } from '../helpers/run-cli.ts';
import { createAdminKey } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestDatabase } from '../helpers/test-database.ts';

/** Records with enough body text to be fingerprinted like real articles (a few sentences). */
function writeArticles(path: string, prefix: string, count: number): void {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = `The ${prefix} desk filed report ${i} on the budget talks. Ministers met on Tuesday to discuss item ${i}.\n\nOfficials said talks on point ${i} would resume next week in the capital.`;
    lines.push(JSON.stringify({ id: `${prefix}-${i}`, url: `https://${prefix}.example/${i}`, title: `${prefix} story ${i}`, body }));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

async function countArticles(dbPath: string): Promise<number> {
  const database = await openTestDatabase(dbPath, 5000);
  try {
    return Number(firstRow(await queryRows<{ n: number }>(database.db, sql`select count(*) as n from articles`))!.n);
  } finally {
    await database.close();
  }
}

describe('concurrent writers on one database', () => {
  const tempDir = useTempDir();

  it('two imports of 20,000 records at once both complete (40,000 stored)', { timeout: 240_000 }, async () => {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    writeArticles(join(dir, 'a.ndjson'), 'alpha', 20_000);
    writeArticles(join(dir, 'b.ndjson'), 'beta', 20_000);
    // Create the schema first so both importers start on equal terms.
    expect((await runCli(['--db', db, 'init'])).code).toBe(0);
    const [a, b] = await Promise.all([
      runCli(['--db', db, 'articles', 'import', join(dir, 'a.ndjson'), '--batch-size', '500']),
      runCli(['--db', db, 'articles', 'import', join(dir, 'b.ndjson'), '--batch-size', '500']),
    ]);
    expect(a.stderr).not.toMatch(/SQLITE_BUSY|at .*\.ts:\d+/);
    expect(b.stderr).not.toMatch(/SQLITE_BUSY|at .*\.ts:\d+/);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(a.stdout).toContain('inserted 20000');
    expect(b.stdout).toContain('inserted 20000');
    expect(await countArticles(db)).toBe(40_000);
  });

  it('API batches beside a running import never answer 500', { timeout: 240_000 }, async () => {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    writeArticles(join(dir, 'a.ndjson'), 'alpha', 20_000);
    // The schema first, so that the API clients can post as an admin key of this database.
    expect((await runCli(['--db', db, 'init'])).code).toBe(0);
    const apiKey = await createAdminKey(db);
    const server = await startServeProcess(['--db', db]);
    try {
      const importing = runCli(['--db', db, 'articles', 'import', join(dir, 'a.ndjson'), '--batch-size', '500']);
      const statuses: number[] = [];
      const postBatch = async (batch: number) => {
        const records = Array.from({ length: 50 }, (_, i) => ({
          id: `api-${batch}-${i}`,
          url: `https://api.example/${batch}/${i}`,
          title: `API story ${batch} ${i}`,
          body: `Posted through the API while an import runs, batch ${batch} record ${i}, with some words to fingerprint.`,
        }));
        const res = await fetch(`${server.url}/api/articles`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(records) });
        statuses.push(res.status);
        await res.arrayBuffer();
      };
      // Four clients at a time, as several editors' tools would post.
      for (let batch = 0; batch < 100; batch += 4) await Promise.all([0, 1, 2, 3].map((k) => postBatch(batch + k)));
      const imported = await importing;
      expect(imported.code).toBe(0);
      // 201 when written; 503 (with Retry-After) is the honest answer if the lock truly cannot be had.
      expect(statuses.filter((s) => s !== 201 && s !== 503)).toEqual([]);
      const written = statuses.filter((s) => s === 201).length;
      expect(await countArticles(db)).toBe(20_000 + written * 50);
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
    }
  });
});
