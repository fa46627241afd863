import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addUser } from '../../src/accounts.ts';
import { runCli, startServeProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestDatabase } from '../helpers/test-database.ts';

function waitForExit(child: import('node:child_process').ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function addAdmin(dbPath: string): Promise<void> {
  const database = await openTestDatabase(dbPath, 5000);
  try {
    await addUser({ db: database.db }, { email: 'admin@example.org', role: 'admin', password: 'a long passphrase for tests' }, 'local');
  } finally {
    await database.close();
  }
}

// The only tests that bind beyond loopback: port 0, a few hundred ms, and the Host check still
// refuses foreign names meanwhile.
describe('copyhound serve beyond loopback', () => {
  const tempDir = useTempDir();

  it('refuses to listen while no admin account exists, and says how to make one', async () => {
    const db = join(tempDir(), 'no-admin.db');
    const result = await runCli(['--db', db, 'serve'], { env: { HOST: '0.0.0.0', PORT: '0' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Refusing to listen on 0.0.0.0: no admin account exists yet');
    expect(result.stderr).toContain('copyhound users add --role admin --email');
  });

  it('with an admin it listens, and warns loudly (stderr and a structured warn) that plain http crosses the network', async () => {
    const db = join(tempDir(), 'exposed.db');
    await addAdmin(db);
    const { child, output } = await startServeProcess(['--db', db], { HOST: '0.0.0.0', COPYHOUND_ALLOWED_HOSTS: 'copyhound.lan' });
    const exited = waitForExit(child);
    const line = () => output().split('\n').find((l) => l.startsWith('{') && l.includes('reachable from other machines'));
    for (let i = 0; i < 100 && !line(); i++) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toMatch(/WARNING: The API listens on 0\.0\.0\.0:\d+, reachable from other machines, over plain http/);
    expect(JSON.parse(line()!)).toMatchObject({ level: 40, address: '0.0.0.0', allowedHosts: ['copyhound.lan'] });
  });
});
