import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess as runCli } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

// Bad usage or a bad value: exit 2, with the flag or argument named, before any database is opened.
const BAD_USAGE: { args: string[]; names: RegExp }[] = [
  { args: ['articles', 'list', '--limit', '0'], names: /option '--limit <n>' argument '0' is invalid/ },
  { args: ['articles', 'list', '--limit', 'ten'], names: /--limit/ },
  { args: ['articles', 'list', '--offset', '-1'], names: /--offset/ },
  { args: ['articles', 'import', 'x.ndjson', '--batch-size', '0'], names: /--batch-size/ },
  { args: ['matches', 'list', '--limit', '0'], names: /--limit/ },
  { args: ['matches', 'list', '--kind', 'copy'], names: /--kind/ },
  { args: ['matches', 'flag', 'abc'], names: /value 'abc' is invalid for argument 'id'/ },
  { args: ['matches', 'rechecks', '1.5'], names: /value '1.5' is invalid/ },
  { args: ['reports', 'list', '--limit', '0'], names: /--limit/ },
  { args: ['reports', 'show', 'abc'], names: /report id/ },
  { args: ['keys', 'revoke', 'x'], names: /API key id/ },
  { args: ['consents', 'show', '0'], names: /consent id/ },
  { args: ['log', 'prove', 'first'], names: /whole number/ },
  { args: ['log', 'consistency', '3', '1'], names: /<older> \(3\) must not come after <newer> \(1\)/ },
  { args: ['evidence', 'verify', 'p.zip', '--public-key', 'k.pem', '--own-key'], names: /--public-key or --own-key, not both/ },
  { args: ['--log-format', 'xml', 'articles', 'list'], names: /--log-format/ },
  { args: ['--log-level', 'loud', 'articles', 'list'], names: /--log-level/ },
  { args: ['articles', 'frobnicate'], names: /unknown command/ },
  { args: ['articles', 'list', '--bogus'], names: /unknown option '--bogus'/ },
];

describe('exit codes: 0 ok, 1 failure, 2 bad usage or a bad value', () => {
  const tempDir = useTempDir();

  it('bad flag values, ids that are not numbers and unknown commands exit 2 naming what is wrong', async () => {
    const env = { COPYHOUND_DATA_DIR: join(tempDir(), 'data') };
    for (const { args, names } of BAD_USAGE) {
      const result = await runCli(args, { env });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(names);
    }
    // A bad value in the environment is a bad value too.
    const badEnv = await runCli(['config'], { env: { ...env, LOG_FORMAT: 'loud' } });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('LOG_FORMAT="loud" is not valid');
  });

  it('a failure (unknown record) exits 1; --json works on import, remove, archive, flag/unflag, log public-key, config and init', async () => {
    const dir = tempDir();
    const env = { COPYHOUND_DATA_DIR: join(dir, 'data') };
    const init = await runCli(['init', '--json'], { env });
    expect(JSON.parse(init.stdout)).toMatchObject({ created: true, dataDir: join(dir, 'data') });
    const file = join(dir, 'a.ndjson');
    writeFileSync(file, ['a-1', 'a-2'].map((id) => JSON.stringify({ id, url: `https://news.example/${id}`, title: id, body: 'Text of the article.' })).join('\n'));
    const imported = await runCli(['articles', 'import', file, '--json'], { env });
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
    expect(JSON.parse((await runCli(['articles', 'archive', 'a-2', '--json'], { env })).stdout)).toMatchObject({ id: 'a-2', archivedAt: expect.any(String) });
    expect(JSON.parse((await runCli(['articles', 'remove', 'a-1', '--json'], { env })).stdout)).toEqual({ id: 'a-1', removed: true });
    const missing = await runCli(['articles', 'remove', 'a-1', '--json'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: .*a-1/);
    const flag = await runCli(['matches', 'flag', '7', '--json'], { env });
    expect(flag.code).toBe(1);
    expect(flag.stderr).toBe('error: No match with id 7\n');
    const key = JSON.parse((await runCli(['log', 'public-key', '--json'], { env })).stdout);
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(key.keyId).toMatch(/^[0-9a-f]{64}$/);
    const config = await runCli(['config', '--json'], { env });
    const settings = config.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(settings.find((s) => s.env === 'COPYHOUND_DATA_DIR')).toMatchObject({ name: 'data.dir', value: join(dir, 'data'), default: './data' });
    expect(settings.find((s) => s.env === 'LOG_FORMAT')).toMatchObject({ value: 'json', default: 'auto' });
  });
});
