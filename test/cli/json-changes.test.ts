import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openSeedDatabase, seedArticles, seedReports } from '../reports/seed-reports.ts';

describe('--json on the report changes that printed only a sentence', () => {
  const tempDir = useTempDir();

  it('reports note and unassign print the report after the change as one JSON object', async () => {
    const dir = tempDir();
    const database = await openSeedDatabase(dir);
    const keys = await seedArticles(database.db, ['art-1']);
    const [report] = await seedReports(database.db, keys, [{ url: 'https://copycat.example/1', articleId: 'art-1', assignee: 'ann', coverage: 0.5, firstSeenAt: '2026-02-01T00:00:00.000Z', lastSeenAt: '2026-02-02T00:00:00.000Z' }]);
    await database.close();
    const cli = (args: string[]) => runCliInProcess(['--db', join(dir, 'copyhound.db'), ...args], { env: { COPYHOUND_DATA_DIR: join(dir, 'data') } });

    const noted = await cli(['reports', 'note', String(report.id), 'asked the site to remove it', '--json']);
    expect(noted.code, noted.stderr).toBe(0);
    expect(JSON.parse(noted.stdout)).toMatchObject({ id: report.id, status: 'new', assignee: 'ann' });
    const unassigned = await cli(['reports', 'unassign', String(report.id), '--json']);
    expect(unassigned.code, unassigned.stderr).toBe(0);
    expect(JSON.parse(unassigned.stdout)).toMatchObject({ id: report.id, assignee: null });
    // Without --json, the sentence as before.
    expect((await cli(['reports', 'note', String(report.id), 'again'])).stdout).toBe(`note added to report ${report.id}\n`);
  });
});
