import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeGzipBomb, writeLongLineFile } from '../helpers/big-files.ts';
import { runCliInProcess as runCli } from '../helpers/run-cli.ts';
import { runCliMeasured } from '../helpers/run-cli-measured.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

// The brief's bound for a hostile input; the CLI alone (tsx, SQLite, match engine) takes ~170 MB.
const MAX_PEAK_RSS_BYTES = 400 * 1024 * 1024;
const MiB = 1024 * 1024;

const record = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, url: `https://wire.example/${id}`, title: `Story ${id}`, body: `Body of story ${id}.`, ...extra });
const AFTER = `${record('after')}\n`;
const OPEN_BODY = '{"id":"huge","url":"https://wire.example/huge","title":"Huge","body":"';

describe('articles import: unbounded inputs', () => {
  const tempDir = useTempDir();

  it('rejects a gzip bomb line as record_too_large in bounded memory and imports the record after it', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const file = join(dir, 'bomb.ndjson.gz');
    // 1 GiB of body text in a 1 MB file.
    const { compressedBytes } = await writeGzipBomb(file, OPEN_BODY, 1024 * MiB, `"}\n${AFTER}`);
    expect(compressedBytes).toBeLessThan(2 * MiB);
    const result = await runCliMeasured(['--db', join(dir, 'c.db'), 'articles', 'import', file], dir);
    expect(result.stderr).toContain('rejected line 1: (record): the line is larger than the record limit of 16777216 bytes');
    expect(result.stderr).toContain('[record_too_large]');
    expect(result.stdout).toContain('inserted 1, updated 0, unchanged 0, rejected 1');
    expect(result.code).toBe(1);
    expect(result.peakRssBytes).toBeLessThan(MAX_PEAK_RSS_BYTES);
  });

  it('rejects a 100 MB single line in bounded memory, and the limit is a setting', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const file = join(dir, 'long.ndjson');
    await writeLongLineFile(file, `${record('before')}\n${OPEN_BODY}`, 100 * MiB, `"}\n${AFTER}`);
    const result = await runCliMeasured(['--db', join(dir, 'c.db'), 'articles', 'import', file], dir);
    expect(result.stderr).toMatch(/^rejected line 2: \(record\): the line is larger than the record limit .*\[record_too_large\]$/m);
    expect(result.stdout).toContain('inserted 2, updated 0, unchanged 0, rejected 1');
    expect(result.peakRssBytes).toBeLessThan(MAX_PEAK_RSS_BYTES);

    const small = join(dir, 'small.ndjson');
    writeFileSync(small, `${record('a', { body: 'x'.repeat(5000) })}\n${record('b')}\n`);
    const limited = await runCli(['--db', join(dir, 'c.db'), 'articles', 'import', small], { env: { COPYHOUND_IMPORT_MAX_RECORD_BYTES: '2048' } });
    expect(limited.stderr).toContain('record limit of 2048 bytes');
    expect(limited.stdout).toContain('inserted 1, updated 0, unchanged 0, rejected 1');
  });

  it('prints the first 100 rejections and counts the rest on one line', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.ndjson');
    writeFileSync(file, Array.from({ length: 2500 }, (_, i) => (i === 1234 ? record('good') : '{}')).join('\n'));
    const result = await runCli(['--db', join(dir, 'c.db'), 'articles', 'import', file]);
    const lines = result.stderr.trim().split('\n');
    // One message per record (a record with three bad fields has three lines).
    const shown = new Set(lines.filter((l) => l.startsWith('rejected line ')).map((l) => l.split(':')[0]));
    expect(shown.size).toBe(100);
    expect(lines.length).toBe(3 * 100 + 1);
    expect(lines.at(-1)).toBe('… and 2399 more rejected record(s) not shown (only the first 100 are printed)');
    expect(result.stdout).toContain('inserted 1, updated 0, unchanged 0, rejected 2499');
    expect(result.code).toBe(1);
  });

  it('escapes control characters, ANSI escapes and bidi overrides from the file in human output', async () => {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    const file = join(dir, 'hostile.ndjson');
    const title = 'Red \u001b[31mALERT\u001b[0m \u202eexe.pdf\u202c bell\u0007';
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`${record('hostile', { title, body: 'line one\n\u001b]0;pwned\u0007line two' })}\n`),
        // Binary garbage on a line of its own, and a record whose id carries an escape.
        Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0x00, 0xff, 0x9b, 0x0a]),
        Buffer.from(`${JSON.stringify({ id: 'evil\u001b[2J', title: 'x' })}\n`),
      ]),
    );
    const imported = await runCli(['--db', db, 'articles', 'import', file]);
    expect(imported.stdout).toContain('inserted 1, updated 0, unchanged 0, rejected 2');
    expect(imported.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(imported.stderr).toContain('rejected line 3 (id "evil\\x1b[2J")');

    const list = await runCli(['--db', db, 'articles', 'list']);
    expect(list.stdout).toBe('hostile\t-\tRed \\x1b[31mALERT\\x1b[0m \\u202eexe.pdf\\u202c bell\\x07\n');
    const show = await runCli(['--db', db, 'articles', 'show', 'hostile']);
    expect(show.stdout).toContain('title: Red \\x1b[31mALERT\\x1b[0m \\u202eexe.pdf\\u202c bell\\x07');
    expect(show.stdout).toContain('line one\n\\x1b]0;pwned\\x07line two');
    // JSON output stays JSON: the exact title, escaped by JSON itself.
    const json = await runCli(['--db', db, 'articles', 'show', 'hostile', '--json']);
    expect(JSON.parse(json.stdout).title).toBe(title);
  });

  it('stops at damage in a JSON array, keeps the records before it and says where', async () => {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    const file = join(dir, 'damaged.json');
    const elements = ['a', 'b', 'c', 'd'].map((id) => `  ${record(id)}`);
    elements[1] += '}'; // a stray "}" after the second record
    writeFileSync(file, `[\n${elements.join(',\n')}\n]\n`);
    const result = await runCli(['--db', db, 'articles', 'import', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/rejected line 3: \(record\): the JSON array is damaged at line 3, column \d+: expected ',' or '\]' after an array element, found '\}'.*\[array_damaged\]/);
    expect(result.stderr).toContain('import stopped at line 3, column');
    expect(result.stderr).toContain('2 record(s) were read before it; nothing after it was imported');
    expect(result.stdout).toContain('inserted 2, updated 0, unchanged 0, rejected 1; stopped early at line 3');
  });
});
