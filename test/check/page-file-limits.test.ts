import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeGzipBomb } from '../helpers/big-files.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { runCliMeasured } from '../helpers/run-cli-measured.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

// The brief's bound for a hostile input; the CLI alone (tsx, SQLite, match engine) takes ~170 MB.
const MAX_PEAK_RSS_BYTES = 400 * 1024 * 1024;
const MiB = 1024 * 1024;
const PAGE = '<html><head><title>Copied</title></head><body><article><p>';

describe('check/extract FILE: local page limits', () => {
  const tempDir = useTempDir();

  it('refuses a gzip bomb page as decompressed_too_large in bounded memory', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const bomb = join(dir, 'bomb.html.gz');
    // 1 GiB of page in a 1 MB file (the old gunzipSync held all of it, and more).
    await writeGzipBomb(bomb, PAGE, 1024 * MiB, '</p></article></body></html>');
    const small = join(dir, 'small.html.gz');
    writeFileSync(small, gzipSync(`${PAGE}A short page.</p></article></body></html>`));
    const result = await runCliMeasured(['--db', join(dir, 'c.db'), 'check', '--json', bomb, small], dir);
    const [refused, read] = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(refused).toMatchObject({
      input: bomb,
      error: { code: 'validation_failed', reason: 'decompressed_too_large', message: expect.stringContaining(`decompresses to more than ${10 * MiB} bytes`) },
    });
    expect(refused.error.message).toContain('COPYHOUND_FETCH_MAX_BODY_BYTES');
    expect(read).toMatchObject({ input: small, title: 'Copied', matches: [] });
    expect(result.code).toBe(1);
    expect(result.peakRssBytes).toBeLessThan(MAX_PEAK_RSS_BYTES);

    const human = await runCliInProcess(['--db', join(dir, 'c.db'), 'extract', bomb]);
    expect(human.stderr).toMatch(/bomb\.html\.gz: error: .*decompresses to more than \d+ bytes.*\[decompressed_too_large\]/);
    expect(human.code).toBe(1);
  });

  it('applies the page limit (fetch.maxBodyBytes) to plain files too, and names unreadable and bad gzip files', async () => {
    const dir = tempDir();
    const big = join(dir, 'big.html');
    writeFileSync(big, `${PAGE}${'word '.repeat(1000)}</p></article></body></html>`);
    const broken = join(dir, 'broken.html.gz');
    writeFileSync(broken, gzipSync(`${PAGE}${'text '.repeat(1000)}`).subarray(0, 40));
    const result = await runCliInProcess(['--db', join(dir, 'c.db'), 'check', '--json', big, broken, join(dir, 'missing.html')], {
      env: { COPYHOUND_FETCH_MAX_BODY_BYTES: '2048' },
    });
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].error).toMatchObject({ reason: 'file_too_large', message: expect.stringContaining('is larger than 2048 bytes') });
    expect(lines[1].error).toMatchObject({ reason: 'invalid_gzip', message: expect.stringContaining('is not valid gzip') });
    expect(lines[2].error).toMatchObject({ reason: 'unreadable', message: expect.stringContaining('no such file') });
  });

  it('escapes control characters and bidi overrides of page titles in human output', async () => {
    const dir = tempDir();
    const page = join(dir, 'evil.html');
    writeFileSync(page, '<html><head><title>x</title></head><body><h1>Evil \u001b[2J\u202eheadline\u0007</h1><article><p>Some text.</p></article></body></html>');
    const checked = await runCliInProcess(['--db', join(dir, 'c.db'), 'check', page]);
    expect(checked.stdout).toContain('  title: Evil \\x1b[2J\\u202eheadline\\x07\n');
    const extracted = await runCliInProcess(['--db', join(dir, 'c.db'), 'extract', page]);
    expect(extracted.stdout).toContain('title: Evil \\x1b[2J\\u202eheadline\\x07\n');
    expect(checked.stdout + extracted.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    const json = await runCliInProcess(['--db', join(dir, 'c.db'), 'check', '--json', page]);
    expect(JSON.parse(json.stdout).title).toBe('Evil \u001b[2J\u202eheadline\u0007');
  });
});
