import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp-dir.ts';
import { newSigningKey, writeSamplePackage } from './package-builder.ts';

const tempDir = useTempDir();
/** A cold node start plus hashing a small package; generous for a loaded CI machine. */
const CLI_TIMEOUT_MS = 20_000;

/** Plain `node verify.mjs …` (no tsx loader), run from an unrelated folder. */
function runVerifier(script: string, args: string[] = [], cwd = tempDir()) {
  const child = spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8', timeout: CLI_TIMEOUT_MS, env: { PATH: process.env.PATH ?? '' } });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('node verify.mjs, as a recipient runs it', () => {
  it('exits 0 on an untouched package and lists what it checked', async () => {
    const built = await writeSamplePackage(tempDir());
    const { code, stdout, stderr } = runVerifier(join(built.dir, 'verify.mjs'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`Copyhound evidence package: ${built.dir}`);
    expect(stdout).toContain('\nChecked:\n  - manifest.json: format copyhound-evidence-package/1\n  - 13 files: sha256 and size\n');
    expect(stdout).toContain(`  - tree head signature (Ed25519, key ${built.keyId})`);
    expect(stdout).toContain('Notes:\n  - The package\'s key was not compared with a key you trust');
    expect(stdout).not.toContain('Problems');
    expect(stdout.trimEnd().endsWith('RESULT: OK, every check passed.')).toBe(true);
  });

  it('exits 1 on a tampered package and names each problem', async () => {
    const built = await writeSamplePackage(tempDir());
    rmSync(join(built.dir, 'report-12/article.txt'));
    writeFileSync(join(built.dir, 'report-12/notice-dmca.txt'), 'a different notice');
    const { code, stdout } = runVerifier(join(built.dir, 'verify.mjs'), [built.dir]);
    expect(code).toBe(1);
    expect(stdout).toContain('Checked:\n');
    expect(stdout).toContain('\nProblems (3):\n');
    expect(stdout).toContain('  - report-12/article.txt: listed in the manifest but missing from the package\n');
    expect(stdout).toMatch(/ {2}- report-12\/notice-dmca\.txt: 18 bytes, the manifest says \d+\n/);
    expect(stdout).toMatch(/ {2}- report-12\/notice-dmca\.txt: sha256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64}\n/);
    expect(stdout.trimEnd().endsWith('RESULT: FAILED, 3 problems found.')).toBe(true);
  });

  it('--json prints the result as one JSON object', async () => {
    const built = await writeSamplePackage(tempDir());
    const good = runVerifier(join(built.dir, 'verify.mjs'), ['--json']);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ folder: built.dir, ok: true, problems: [] });
    writeFileSync(join(built.dir, 'extra.bin'), 'x');
    const bad = runVerifier(join(built.dir, 'verify.mjs'), ['--json', built.dir]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, problems: ['"extra.bin": in the package but not listed in the manifest'] });
  });

  it('--public-key: the trusted key passes, another key fails', async () => {
    const built = await writeSamplePackage(tempDir());
    const keys = tempDir();
    writeFileSync(join(keys, 'trusted.pem'), built.publicKeyPem);
    writeFileSync(join(keys, 'other.pem'), newSigningKey().publicKeyPem);
    const script = join(built.dir, 'verify.mjs');
    const trusted = runVerifier(script, ['--public-key', join(keys, 'trusted.pem')]);
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toContain(`the package's public key compared with the trusted key ${built.keyId}`);
    const other = runVerifier(script, [`--public-key=${join(keys, 'other.pem')}`]);
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(new RegExp(`the package's public key ${built.keyId} is not the trusted key [0-9a-f]{64}`));
  });

  it('exits 2 on bad usage', async () => {
    const built = await writeSamplePackage(tempDir());
    const script = join(built.dir, 'verify.mjs');
    for (const args of [['--bogus'], [built.dir, built.dir], ['--public-key'], [join(built.dir, 'no-such-folder')], ['--public-key', join(built.dir, 'missing.pem')]]) {
      const { code, stdout, stderr } = runVerifier(script, args);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.length).toBeGreaterThan(0);
    }
    expect(runVerifier(script, ['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('usage: node verify.mjs') });
  });

  it('prints names from the package without terminal control characters', async () => {
    const built = await writeSamplePackage(tempDir());
    writeFileSync(join(built.dir, 'evil\u001b]0;pwned\u0007\u202e.txt'), 'x');
    const { code, stdout } = runVerifier(join(built.dir, 'verify.mjs'));
    expect(code).toBe(1);
    expect(stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(stdout).toContain('"evil\\u001b]0;pwned\\u0007\\u202e.txt": in the package but not listed');
  });

  it('knows it was run directly through a symlink, and stays quiet when imported', async () => {
    const built = await writeSamplePackage(tempDir());
    const elsewhere = join(tempDir(), 'bin');
    mkdirSync(elsewhere);
    symlinkSync(join(built.dir, 'verify.mjs'), join(elsewhere, 'verify-link.mjs'));
    const linked = runVerifier(join(elsewhere, 'verify-link.mjs'));
    expect(linked.code).toBe(0);
    expect(linked.stdout).toContain(`Copyhound evidence package: ${built.dir}`);
    const url = pathToFileURL(join(built.dir, 'verify.mjs')).href;
    const imported = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(url)}); console.log(typeof m.verifyPackage);`], {
      encoding: 'utf8',
      timeout: CLI_TIMEOUT_MS,
    });
    expect(imported.stdout).toBe('function\n');
    expect(imported.status).toBe(0);
  });
});
