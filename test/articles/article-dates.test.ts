import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArticleRecord } from '../../src/articles/article-record.ts';
import { runCliInProcess as runCli } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const valid = { id: 'aa-1', url: 'https://wire.example/aa-1', title: 'NATO chief', body: 'First paragraph.\n\nSecond.' };

const problemsOf = (publishedAt: string) => {
  const parsed = parseArticleRecord({ ...valid, publishedAt });
  return parsed.ok ? [] : parsed.problems;
};

describe('owned article publishedAt', () => {
  it('refuses a day the month does not have instead of rolling it over', () => {
    expect(problemsOf('2024-02-30')).toEqual([
      { field: 'publishedAt', message: 'publishedAt "2024-02-30" is not a real date or time: February 2024 has no day 30' },
    ]);
    expect(problemsOf('2023-02-29T10:00:00Z')).toEqual([
      { field: 'publishedAt', message: expect.stringContaining('February 2023 has no day 29') },
    ]);
    expect(problemsOf('2016-02-12T25:00:00Z')).toEqual([{ field: 'publishedAt', message: expect.stringContaining('hour 25 does not exist') }]);
    expect(problemsOf('2016-13-01')).toEqual([{ field: 'publishedAt', message: expect.stringContaining('month 13 does not exist') }]);
    expect(problemsOf('2024-02-29')).toEqual([]);
  });

  it('stores a zone-less time as UTC and keeps the instant of an offset time', () => {
    const at = (publishedAt: string) => (parseArticleRecord({ ...valid, publishedAt }) as { record: { publishedAt: string } }).record.publishedAt;
    expect(at('2016-02-12 10:30')).toBe('2016-02-12T10:30:00.000Z');
    expect(at('2016-02-12T23:30:00-08:00')).toBe('2016-02-13T07:30:00.000Z');
    expect(at('2016-02-12T00:30:00+09:00')).toBe('2016-02-11T15:30:00.000Z');
  });

  const tempDir = useTempDir();

  it('articles import names the line, the record and the field of an impossible date, and keeps the rest', async () => {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    const file = join(dir, 'a.ndjson');
    const records = [
      { ...valid, id: 'good', publishedAt: '2016-02-12T10:30:00' },
      { ...valid, id: 'feb-30', url: 'https://wire.example/feb-30', publishedAt: '2024-02-30' },
    ];
    writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n'));
    const result = await runCli(['--db', db, 'articles', 'import', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('inserted 1, updated 0, unchanged 0, rejected 1');
    expect(result.stderr).toContain('rejected line 2 (id "feb-30"): publishedAt: publishedAt "2024-02-30" is not a real date or time: February 2024 has no day 30');
    const shown = await runCli(['--db', db, 'articles', 'show', 'good', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: 'good', publishedAt: '2016-02-12T10:30:00.000Z' });
  });
});
