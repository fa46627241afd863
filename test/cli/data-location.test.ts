import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

// Commands that only read, each of which used to create an empty database where none was.
const READ_ONLY_COMMANDS = [
  ['articles', 'list'],
  ['articles', 'show', 'a-1'],
  ['matches', 'list'],
  ['reports', 'list'],
  ['reports', 'export', '--format', 'csv'],
  ['users', 'list'],
  ['keys', 'list'],
  ['consents', 'list'],
  ['licensees', 'list'],
  ['owner-sites', 'list'],
  ['log', 'verify'],
  ['captures', 'sweep', '--dry-run'],
  ['crawl'],
];

describe('one data location', () => {
  const tempDir = useTempDir();

  it('read-only commands never create a database: one line naming the path and `copyhound init`, exit 1', async () => {
    const dataDir = join(tempDir(), 'data');
    const env = { COPYHOUND_DATA_DIR: dataDir };
    for (const args of READ_ONLY_COMMANDS) {
      const result = await runCliInProcess(args, { env });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toBe(`error: no database at ${join(dataDir, 'copyhound.db')}; run \`copyhound init\` or \`serve\` first (or give --db / COPYHOUND_DATA_DIR)\n`);
    }
    expect(existsSync(dataDir)).toBe(false);
    // --db names the file the message is about.
    const db = join(tempDir(), 'elsewhere.db');
    const named = await runCliInProcess(['--db', db, 'reports', 'show', '1']);
    expect(named.stderr).toContain(`no database at ${db};`);
    expect(existsSync(db)).toBe(false);
  });

  it('`init` creates the database inside the data folder (made absolute at start); the read-only commands then work', async () => {
    const dir = tempDir();
    // Relative, as a user types it: resolved against the folder the command runs in.
    const created = await runCli(['init', '--json'], { cwd: dir, env: { COPYHOUND_DATA_DIR: 'store' } });
    expect(created.code, created.stderr).toBe(0);
    const printed = JSON.parse(created.stdout);
    expect(printed).toMatchObject({ dataDir: join(dir, 'store'), db: join(dir, 'store', 'copyhound.db'), created: true });
    expect(printed.schemaVersion).toMatch(/^\d{4}_/);
    expect(existsSync(join(dir, 'store', 'copyhound.db'))).toBe(true);

    const env = { COPYHOUND_DATA_DIR: join(dir, 'store') };
    const again = await runCliInProcess(['init'], { env });
    expect(again.stdout).toContain(`up to date: database ${join(dir, 'store', 'copyhound.db')}`);
    const listed = await runCliInProcess(['articles', 'list'], { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toBe('0 of 0 articles\n');
  });

  it('commands that write create the database in the data folder; COPYHOUND_DB still names another file', async () => {
    const dir = tempDir();
    const file = join(dir, 'one.ndjson');
    writeFileSync(file, `${JSON.stringify({ id: 'a-1', url: 'https://news.example/a-1', title: 'One', body: 'Some text of the article.' })}\n`);
    const imported = await runCliInProcess(['articles', 'import', file], { env: { COPYHOUND_DATA_DIR: join(dir, 'data') } });
    expect(imported.code, imported.stderr).toBe(0);
    expect(existsSync(join(dir, 'data', 'copyhound.db'))).toBe(true);
    const other = join(dir, 'other.db');
    expect((await runCliInProcess(['articles', 'import', file], { env: { COPYHOUND_DATA_DIR: join(dir, 'data'), COPYHOUND_DB: other } })).code).toBe(0);
    expect(existsSync(other)).toBe(true);
  });
});
