import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setMatchFlagged } from '../../db/matches.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openSeedDatabase, seedArticles, seedReports } from '../reports/seed-reports.ts';

describe('matches rechecks with no history', () => {
  const tempDir = useTempDir();

  it('says why there is none instead of printing nothing, flagged or not', async () => {
    const dir = tempDir();
    const database = await openSeedDatabase(dir);
    const [report] = await seedReports(database.db, await seedArticles(database.db, ['art-1']), [
      { url: 'https://copycat.example/1', articleId: 'art-1', withMatch: { passages: [{ pageStart: 0, pageEnd: 50, articleStart: 0, articleEnd: 50 }], detail: { at: '2026-02-01T00:00:00.000Z', explanation: ['no consent covers the page'], considered: [], pending: [] } } },
    ]);
    const matchId = report.matchId!;
    await database.close();
    const db = join(dir, 'copyhound.db');
    const unflagged = await runCliInProcess(['--db', db, 'matches', 'rechecks', String(matchId)]);
    expect(unflagged.code).toBe(0);
    expect(unflagged.stdout).toContain(`match ${matchId} has no re-checks: it is not flagged`);
    const again = await openSeedDatabase(dir);
    await setMatchFlagged(again.db, matchId, true);
    await again.close();
    const flagged = await runCliInProcess(['--db', db, 'matches', 'rechecks', String(matchId)]);
    expect(flagged.stdout).toContain('has not been re-checked yet');
    const json = await runCliInProcess(['--db', db, 'matches', 'rechecks', String(matchId), '--json']);
    expect(json.stdout).toBe('');
  });
});
