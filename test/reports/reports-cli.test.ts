import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/reports/report-export.ts';
import { CLI_PATH, runCli as runBin, runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { cliDatabaseEnv } from '../helpers/test-database.ts';
import { openSeedDatabase, seedArticles, seedLicensee, seedManyReports, seedReports } from './seed-reports.ts';

// The tests that seed thousands of reports (seedManyReports: a few statements per report) take
// 10 s and more on PostgreSQL on a busy 2-core machine: they get more than the suite's 30 s.
const MANY_REPORTS_TIMEOUT_MS = 120_000;

/** `copyhound reports ...` in process (and the real bin where pipes matter), over a seeded database. */

const tempDir = useTempDir();

async function seededWorld() {
  const dir = tempDir();
  const database = await openSeedDatabase(dir);
  const db = database.db;
  const keys = await seedArticles(db, ['art-1', 'art-2']);
  const partner = await seedLicensee(db, 'Partner Post');
  const rows = await seedReports(db, keys, [
    { url: 'https://copycat.example/1', articleId: 'art-1', coverage: 0.4, firstSeenAt: '2026-02-01T00:00:00.000Z', lastSeenAt: '2026-02-10T00:00:00.000Z' },
    { url: 'https://www.copycat.example/2', articleId: 'art-1', status: 'confirmed', decision: 'licence_breach', reasons: ['credit_missing', 'link_back_missing'], licenseeId: partner, coverage: 0.9, firstSeenAt: '2026-02-02T00:00:00.000Z', lastSeenAt: '2026-02-10T00:00:00.000Z' },
    { url: 'https://notcopycat.example/3', articleId: 'art-2', coverage: 0.4, firstSeenAt: '2026-02-03T00:00:00.000Z', lastSeenAt: '2026-02-09T00:00:00.000Z' },
    { url: 'https://other.test/\u001b[2J\u202e4', articleId: 'art-2', status: 'closed', assignee: 'eve\u001b]0;pwned\u0007', coverage: 0.1, firstSeenAt: '2026-02-04T00:00:00.000Z', lastSeenAt: '2026-02-11T00:00:00.000Z' },
    {
      url: 'https://copycat.example/5', articleId: 'art-2', coverage: 0.6, firstSeenAt: '2026-02-05T00:00:00.000Z', lastSeenAt: '2026-02-10T00:00:00.000Z', withCapture: true,
      withMatch: {
        passages: [{ pageStart: 5, pageEnd: 400, articleStart: 0, articleEnd: 395 }],
        detail: {
          at: '2026-02-05T00:00:00.000Z',
          explanation: ['copycat.example is no owner site', 'no consent covers the page'],
          considered: [{ consentId: 7, uid: 'urn:consent:7', status: 'revoked', broken: ['revoked'] }],
          pending: [],
          signals: [{ term: 'credit', signal: 'credits', value: 'Daily News', met: true }],
        },
      },
    },
  ]);
  await database.close();
  const cli = (args: string[]) => runCliInProcess(['--db', join(dir, 'copyhound.db'), ...args], { env: { COPYHOUND_DATA_DIR: join(dir, 'data') } });
  return { dir, ids: rows.map((r) => r.id), cli };
}

const jsonLines = (stdout: string) => stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));

describe('copyhound reports list', () => {
  it('prints a table, most recently seen first, with stored text escaped for the terminal', async () => {
    const w = await seededWorld();
    const r = await w.cli(['reports', 'list']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +STATUS +DECISION +KIND +COVER +ARTICLE +LAST SEEN \(UTC\) +PAGE$/);
    expect(lines.slice(1).map((l) => Number(l.split(' ')[0]))).toEqual([w.ids[3], w.ids[4], w.ids[1], w.ids[0], w.ids[2]]);
    expect(r.stdout).toContain('https://other.test/\\x1b[2J\\u202e4');
    expect(r.stdout).not.toMatch(/[\u001b\u202e]/);
    expect(lines[1]).toMatch(/closed +unlicensed +excerpt +10\.0% +art-2 +2026-02-11 00:00 +https:/);
    expect(r.stderr).toBe('');
  });

  it('--json prints one object per line with the documented fields, stored text exact', async () => {
    const w = await seededWorld();
    const items = jsonLines((await w.cli(['reports', 'list', '--json', '--sort', 'id'])).stdout);
    expect(items.map((i) => i.id)).toEqual(w.ids);
    for (const item of items) {
      for (const key of ['id', 'pageUrl', 'articleId', 'kind', 'coverage', 'decision', 'reasons', 'consentId', 'status', 'firstSeen', 'lastSeen', 'licensee', 'assignee', 'host', 'copiedWords']) expect(item).toHaveProperty(key);
    }
    expect(items[1]).toMatchObject({ licensee: 'Partner Post', reasons: ['credit_missing', 'link_back_missing'], host: 'www.copycat.example' });
    expect(items[3].pageUrl).toBe('https://other.test/\u001b[2J\u202e4');
  });

  it.each([
    [['--status', 'new'], [0, 2, 4]],
    [['--status', 'new,closed', '--domain', 'copycat.example'], [0, 4]],
    [['--status', 'confirmed', '--status', 'closed'], [1, 3]],
    [['--decision', 'licence_breach'], [1]],
    [['--kind', 'excerpt', '--min-coverage', '0.6'], [1, 4]],
    [['--domain', 'copycat.example'], [0, 1, 4]],
    [['--article', 'art-2'], [2, 3, 4]],
    [['--licensee', 'Partner Post'], [1]],
    [['--since', '2026-02-02', '--until', '2026-02-04'], [1, 2]],
    [['--since', '2026-02-02T01:00:00+01:00'], [1, 2, 3, 4]],
  ])('filters with %j', async (args, indexes) => {
    const w = await seededWorld();
    const r = await w.cli(['reports', 'list', '--json', '--sort', 'id', ...args]);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).map((i) => i.id)).toEqual(indexes.map((i) => w.ids[i]));
  });

  it('pages with the cursor printed on stderr, without repeats or gaps across a tie', async () => {
    const w = await seededWorld();
    for (const sort of ['-lastSeen', 'coverage']) {
      const all = jsonLines((await w.cli(['reports', 'list', '--json', '--sort', sort])).stdout).map((i) => i.id);
      const seen: number[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const r = await w.cli(['reports', 'list', '--json', '--limit', '2', ...(cursor ? ['--cursor', cursor] : ['--sort', sort])]);
        expect(r.code).toBe(0);
        seen.push(...jsonLines(r.stdout).map((i) => i.id));
        cursor = /^more reports: continue with --cursor (\S+)$/m.exec(r.stderr)?.[1];
        if (!cursor) break;
      }
      expect(seen).toEqual(all);
    }
  });

  it.each([
    [['--status', 'bogus'], /--status.*unknown status "bogus"/],
    [['--decision', 'new'], /--decision.*unknown decision "new"/],
    [['--sort', 'newest'], /--sort.*"newest" is not one of lastSeen, firstSeen, coverage, id/],
    [['--since', '2026-13-01'], /--since.*month 13 does not exist/],
    [['--until', 'soon'], /--until.*"soon" is not an ISO 8601 date/],
    [['--since', '2026-02-05', '--until', '2026-02-01'], /--until: must be after since/],
    [['--limit', '0'], /--limit.*at least 1/],
    [['--limit', 'many'], /--limit.*whole number/],
    [['--min-coverage', '2'], /--min-coverage.*fraction from 0 to 1/],
    [['--cursor', '!!!'], /--cursor.*not a cursor this list gave out/],
    [['--article', 'nope'], /--article: no owned article with id "nope"/],
    [['--licensee', 'Nobody'], /--licensee: no licensee named "Nobody"/],
    [['--domain', 'http://x.example/'], /--domain.*not a host name/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('exits 2 on bad usage %j', async (args, message) => {
    const w = await seededWorld();
    const r = await w.cli(['reports', 'list', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

describe('copyhound reports show / set-status / history / assign / note', () => {
  it('shows a report: figures, passages, explanation, consents considered, signals, captures, history', async () => {
    const w = await seededWorld();
    const r = await w.cli(['reports', 'show', String(w.ids[4])]);
    expect(r.code).toBe(0);
    for (const text of [
      `report ${w.ids[4]}  new  (can move to: confirmed, dismissed, licensed, closed)`,
      'copy:      excerpt, 60.0% of the article, 100 words',
      '5-400 ↔ 0-395',
      '- copycat.example is no owner site',
      '- consent 7 urn:consent:7 (revoked): broken revoked',
      '- credit: credits = Daily News (met)',
      'first_seen',
      'copyhound  created',
    ]) expect(r.stdout).toContain(text);
    const json = JSON.parse((await w.cli(['reports', 'show', String(w.ids[4]), '--json'])).stdout);
    expect(json).toMatchObject({ id: w.ids[4], passages: [{ pageStart: 5 }], decisionDetail: { explanation: ['copycat.example is no owner site', 'no consent covers the page'] }, history: [{ kind: 'created' }] });
    expect(json.captures).toHaveLength(1);
    const hostile = await w.cli(['reports', 'show', String(w.ids[3])]);
    expect(hostile.stdout).toContain('eve\\x1b]0;pwned\\x07');
    expect(hostile.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    const missing = await w.cli(['reports', 'show', '999999']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No report with id 999999');
    expect((await w.cli(['reports', 'show', 'abc'])).code).toBe(2);
  });

  it('set-status moves along the flow; a refused move exits 1 naming the allowed statuses; bad usage exits 2', async () => {
    const w = await seededWorld();
    const ok = await w.cli(['reports', 'set-status', String(w.ids[0]), 'confirmed', '--note', 'checked', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ id: w.ids[0], status: 'confirmed' });
    const refused = await w.cli(['reports', 'set-status', String(w.ids[2]), 'removed', '--note', 'gone?']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Report ${w.ids[2]} cannot move from new to removed; from new it can move to: confirmed, dismissed, licensed, closed`);
    expect((await w.cli(['reports', 'set-status', String(w.ids[2]), 'approved', '--note', 'x'])).code).toBe(2);
    const noNote = await w.cli(['reports', 'set-status', String(w.ids[2]), 'confirmed']);
    expect(noNote.code).toBe(2);
    expect(noNote.stderr).toContain("required option '--note <text>' not specified");
    const history = jsonLines((await w.cli(['reports', 'history', String(w.ids[2]), '--json'])).stdout);
    expect(history.map((e) => e.kind)).toEqual(['created']);
  });

  it('assign, unassign and note are kept in the history, oldest first', async () => {
    const w = await seededWorld();
    const id = String(w.ids[0]);
    expect((await w.cli(['reports', 'assign', id, 'ana'])).stdout).toBe(`report ${id} assigned to ana\n`);
    expect((await w.cli(['reports', 'note', id, 'asked the site'])).code).toBe(0);
    expect((await w.cli(['reports', 'set-status', id, 'dismissed', '--note', 'syndicated'])).code).toBe(0);
    expect((await w.cli(['reports', 'unassign', id])).code).toBe(0);
    expect((await w.cli(['reports', 'assign', id, '  '])).code).toBe(2);
    const events = jsonLines((await w.cli(['reports', 'history', id, '--json'])).stdout);
    expect(events.map((e) => [e.kind, e.note, e.actor])).toEqual([
      ['created', 'seeded', 'copyhound'],
      ['assigned', 'assigned to ana', 'local'],
      ['note', 'asked the site', 'local'],
      ['status', 'syndicated', 'local'],
      ['assigned', 'unassigned', 'local'],
    ]);
    const human = (await w.cli(['reports', 'history', id])).stdout.trimEnd().split('\n');
    expect(human[3]).toMatch(/^2\S+Z {2}local {2}status new → dismissed {2}syndicated$/);
    const shown = JSON.parse((await w.cli(['reports', 'show', id, '--json'])).stdout);
    expect(shown).toMatchObject({ status: 'dismissed', assignee: null });
    expect(shown.notes).toMatch(/local\] asked the site$/);
  });
});

describe('copyhound reports export', () => {
  it('writes CSV and NDJSON to stdout with the list filters; the count goes to stderr', async () => {
    const w = await seededWorld();
    const csv = await w.cli(['reports', 'export', '--format', 'csv', '--domain', 'copycat.example', '--sort', 'id']);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines.slice(1, -1).map((l) => Number(l.split(',')[0]))).toEqual([w.ids[0], w.ids[1], w.ids[4]]);
    expect(lines[2]).toContain(',credit_missing;link_back_missing,');
    expect(csv.stderr).toBe('exported 3 report(s) as CSV\n');
    const json = await w.cli(['reports', 'export', '--format', 'json', '--status', 'closed']);
    expect(jsonLines(json.stdout).map((i) => i.id)).toEqual([w.ids[3]]);
  });

  it.each([
    [[], /required option '--format <format>' not specified/],
    [['--format', 'xml'], /--format.*"xml" is not one of csv, json/],
    [['--format', 'csv', '--limit', '5'], /unknown option '--limit'/],
    [['--format', 'csv', '--article', 'nope'], /--article: no owned article/],
  ])('exits 2 on bad usage %j', async (args, message) => {
    const w = await seededWorld();
    const r = await w.cli(['reports', 'export', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('streams a few thousand reports through a real pipe from the bin; a reader that stops early ends it quietly', async () => {
    const dir = tempDir();
    const database = await openSeedDatabase(dir);
    const total = 2500;
    // Long page URLs make the export ~5 MB: much more than a pipe holds, so the writer must wait for 'drain'.
    const rows = await seedManyReports(database.db, await seedArticles(database.db, Array.from({ length: 20 }, (_, i) => `a${i}`)), total, 2000);
    await database.close();
    const args = ['--db', join(dir, 'copyhound.db'), 'reports', 'export', '--format', 'json', '--sort', 'id'];
    const env = { COPYHOUND_DATA_DIR: join(dir, 'data') };
    const full = await runBin(args, { env });
    expect(full.code, full.stderr).toBe(0);
    expect(jsonLines(full.stdout).map((i) => i.id)).toEqual(rows.map((r) => r.id));
    expect(full.stderr).toContain(`exported ${total} report(s) as NDJSON`);

    // `copyhound reports export ... | head -c 1000`: the reader closes the pipe after its first chunk.
    const childEnv = { ...process.env, LOG_LEVEL: 'warn', ...env };
    const databaseEnv = await cliDatabaseEnv(args, childEnv);
    const early = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI_PATH, ...args], { env: { ...childEnv, ...databaseEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(early.stderr).not.toMatch(/EPIPE|Error/);
    expect(early.code).toBe(0);
  }, MANY_REPORTS_TIMEOUT_MS);
});
