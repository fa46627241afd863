import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli as runCliProcess, runCliInProcess as runCli } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

function makeArticles(n: number, prefix = 'wire') {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    url: `https://wire.example/${prefix}/${i}`,
    title: `Story number ${i}`,
    body: `Paragraph one of story ${i}.\n\nParagraph two of story ${i}.`,
    publishedAt: `2016-02-${String((i % 28) + 1).padStart(2, '0')}T10:00:00Z`,
    credit: 'Anadolu Agency',
  }));
}

const toNdjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('copyhound articles (CLI)', () => {
  const tempDir = useTempDir();

  it('imports NDJSON, says unchanged on re-import, and counts updates', async () => {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    const file = join(dir, 'a.ndjson');
    writeFileSync(file, toNdjson(makeArticles(30)));
    // The first import goes through the real bin, as a user runs it.
    const first = await runCliProcess(['--db', db, 'articles', 'import', file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('inserted 30, updated 0, unchanged 0, rejected 0');

    const again = await runCli(['--db', db, 'articles', 'import', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('inserted 0, updated 0, unchanged 30, rejected 0');

    const changed = makeArticles(30);
    changed[4].title = 'A corrected headline';
    writeFileSync(file, toNdjson(changed));
    const third = await runCli(['--db', db, 'articles', 'import', file]);
    expect(third.stdout).toContain('inserted 0, updated 1, unchanged 29, rejected 0');

    const shown = await runCli(['--db', db, 'articles', 'show', 'wire-4', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: 'wire-4', title: 'A corrected headline', credit: 'Anadolu Agency' });
  });

  it('keeps the good records of a file with broken lines and names each broken line', async () => {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    const file = join(dir, 'broken.ndjson');
    const lines = makeArticles(5).map((r) => JSON.stringify(r));
    lines.splice(2, 0, '{"id": "cut-off", "url": "https://wire.example/x", "tit');
    lines.splice(4, 0, JSON.stringify({ id: 'no-url', title: 'x', body: 'y' }));
    writeFileSync(file, lines.join('\n'));
    const result = await runCli(['--db', db, 'articles', 'import', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('inserted 5, updated 0, unchanged 0, rejected 2');
    expect(result.stderr).toMatch(/rejected line 3: \(record\): not valid JSON/);
    expect(result.stderr).toContain('rejected line 5 (id "no-url"): url: url is required');
    const list = await runCli(['--db', db, 'articles', 'list', '--json', '--limit', '100']);
    expect(list.stdout.trim().split('\n')).toHaveLength(5);
  });

  it('imports a gzipped JSON array', async () => {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    const file = join(dir, 'a.json.gz');
    writeFileSync(file, gzipSync(JSON.stringify(makeArticles(12), null, 2)));
    const result = await runCli(['--db', db, 'articles', 'import', file]);
    expect(result.stdout).toContain('inserted 12');
    expect(result.code).toBe(0);
  });

  it('imports the real republished wire story given as HTML', async () => {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    const story = readFileSync(new URL('../fixtures/articles/republished-wire-story.txt', import.meta.url), 'utf8');
    const html = `<html><body><article>${story
      .split(/\n\n+/)
      .map((p) => `<p>${p.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`)
      .join('')}</article></body></html>`;
    const file = join(dir, 'one.ndjson');
    writeFileSync(file, JSON.stringify({ id: 'aa-nato', url: 'https://www.aa.com.tr/en/nato', title: 'NATO: Russian strikes undermine Syria talks', html, credit: 'Anadolu Agency' }) + '\n');
    expect((await runCli(['--db', db, 'articles', 'import', file])).code).toBe(0);
    const shown = await runCli(['--db', db, 'articles', 'show', 'aa-nato', '--json']);
    const article = JSON.parse(shown.stdout);
    expect(article.bodySource).toBe('html');
    expect(article.body).toContain('BRUSSELS (AA) – Russia’s ongoing airstrikes in Syria');
  });

  it('lists, searches, removes, and reports unknown ids', async () => {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    const file = join(dir, 'a.ndjson');
    writeFileSync(file, toNdjson(makeArticles(3)));
    await runCli(['--db', db, 'articles', 'import', file]);
    const found = await runCli(['--db', db, 'articles', 'list', '--query', 'NUMBER 2']);
    expect(found.stdout).toContain('wire-2');
    expect(found.stdout).not.toContain('wire-1');
    expect((await runCli(['--db', db, 'articles', 'remove', 'wire-2'])).code).toBe(0);
    const missing = await runCli(['--db', db, 'articles', 'show', 'wire-2']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No owned article with id "wire-2"');
  });

  it('fails clearly on a missing file, unknown options and bad config', async () => {
    const dir = tempDir();
    const missing = await runCli(['--db', join(dir, 'c.db'), 'articles', 'import', join(dir, 'nope.ndjson')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
    const unknown = await runCliProcess(['articles', 'list', '--frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--frobnicate'");
    const badConfig = await runCli(['--db', join(dir, 'c.db'), 'articles', 'list'], { env: { LOG_LEVEL: 'chatty' } });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('LOG_LEVEL="chatty"');
  });

  it('prints help for the program and every subcommand', async () => {
    const help = await runCliProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('articles');
    const sub = await runCli(['articles', 'import', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--batch-size');
  });
});
