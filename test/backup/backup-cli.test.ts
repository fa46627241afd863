import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { crawlTestEnv } from '../crawl/crawl-helpers.ts';
import { startLoopback, type Loopback } from '../crawlers/loopback.ts';

/** `copyhound backup` and `restore` from the command line: the refusals, and a verified round trip. */

function page(title: string): string {
  return `<!doctype html><html><head><title>${title}</title></head><body><article><h1>${title}</h1><p>${'The harbour council met about its budget again. '.repeat(20)}</p></article></body></html>`;
}

let site: Loopback;
beforeAll(async () => {
  site = await startLoopback({
    '/robots.txt': { body: 'User-agent: *\nAllow: /\n' },
    '/a': { headers: { 'content-type': 'text/html; charset=utf-8' }, body: page('Story A') },
    '/b': { headers: { 'content-type': 'text/html; charset=utf-8' }, body: page('Story B') },
  });
});
afterAll(async () => {
  await site?.close();
});

describe('copyhound backup / restore', () => {
  const tempDir = useTempDir();

  it('backs up a database with captures, refuses a non-empty folder, a tampered file and an existing database, and restores with --to and --force', async () => {
    const env = crawlTestEnv(tempDir());
    expect((await runCliInProcess(['sources', 'add', '--type', 'urls', '--url', `${site.origin}/a`, '--url', `${site.origin}/b`, '--name', 'list'], { env })).code).toBe(0);
    expect((await runCliInProcess(['crawl', 'list'], { env })).code).toBe(0);

    const backupDir = join(tempDir(), 'backup');
    const taken = await runCliInProcess(['backup', backupDir, '--json'], { env });
    expect(taken.code, taken.stderr).toBe(0);
    const summary = JSON.parse(taken.stdout);
    expect(summary).toMatchObject({ dir: backupDir, files: 2, missingFiles: [], database: { path: 'copyhound.db', rowCounts: { captures: 2, sources: 1 } } });
    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'copyhound-backup', formatVersion: 1, custodyLog: summary.custodyLog, copyhoundVersion: expect.any(String) });
    // Owner only: the snapshot holds the signing key and password hashes.
    expect(statSync(backupDir).mode & 0o777).toBe(0o700);
    expect(manifest.files.map((f: { path: string }) => f.path).every((p: string) => p.startsWith('data/warc/'))).toBe(true);

    const again = await runCliInProcess(['backup', backupDir], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('not empty');

    // The configured database exists: refused without --force, nothing touched.
    const refused = await runCliInProcess(['restore', backupDir], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/a database exists at .*--force/);

    const target = join(tempDir(), 'restored');
    const restored = await runCliInProcess(['restore', backupDir, '--to', target, '--json'], { env });
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ ok: true, filesRestored: 2, integrityCheck: ['ok'], custodyLog: { matchesManifest: true, verification: { problemCount: 0 } } });
    const shown = await runCliInProcess(['sources', 'show', 'list', '--json', '--db', join(target, 'copyhound.db')], { env: { ...env, COPYHOUND_DATA_DIR: target } });
    expect(JSON.parse(shown.stdout).health.pages).toBe(2);

    const forced = await runCliInProcess(['restore', backupDir, '--to', target, '--force'], { env });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('restore verified');

    // One byte changed in a capture file: the restore names it and writes nothing.
    appendFileSync(join(backupDir, manifest.files[0].path), 'x');
    const other = join(tempDir(), 'other');
    const tampered = await runCliInProcess(['restore', backupDir, '--to', other], { env });
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain(manifest.files[0].path);
    expect(existsSync(join(other, 'copyhound.db'))).toBe(false);

    const notBackup = join(tempDir(), 'empty');
    mkdirSync(notBackup);
    writeFileSync(join(notBackup, 'manifest.json'), '{"format":"something else"}');
    const wrong = await runCliInProcess(['restore', notBackup, '--to', other], { env });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('not a backup manifest');
  });
});
