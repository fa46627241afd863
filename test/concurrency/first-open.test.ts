import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

// Enough processes that some start migrating a new file at the same moment.
const PROCESSES = 6;

describe('the first open of a new database', () => {
  const tempDir = useTempDir();

  it(`${PROCESSES} commands started at once on a file that does not exist yet all succeed (migrations run once)`, { timeout: 120_000 }, async () => {
    const db = join(tempDir(), 'new.db');
    const results = await Promise.all(Array.from({ length: PROCESSES }, () => runCli(['--db', db, 'init'])));
    for (const r of results) expect(r.stderr, r.stderr).not.toContain('error');
    expect(results.map((r) => r.code)).toEqual(Array(PROCESSES).fill(0));
  });
});
