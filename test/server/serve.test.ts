import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startServeProcess } from '../helpers/run-cli.ts';
import { createAdminKey } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

function waitForExit(child: import('node:child_process').ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('copyhound serve', () => {
  const tempDir = useTempDir();

  it('answers /healthz and finishes an in-flight request after SIGTERM, then exits 0', async () => {
    const db = join(tempDir(), 'serve.db');
    // `init` creates the schema; the in-flight write then carries an admin key of that database.
    const created = await runCli(['--db', db, 'init']);
    expect(created.code, created.stderr).toBe(0);
    const apiKey = await createAdminKey(db);
    const { child, url, output } = await startServeProcess(['--db', db]);
    const exited = waitForExit(child);
    const health = await (await fetch(`${url}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', db: { reachable: true } });

    // Start a request whose body is still arriving when the signal comes.
    const body = JSON.stringify({ id: 'late', url: 'https://wire.example/late', title: 'Late', body: 'Still arriving.' });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${url}/api/articles`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    const answer = await response;
    expect(answer.status).toBe(201);
    expect(await exited).toBe(0);
    expect(output()).toContain('shut down cleanly');
    // Loopback: nothing to warn about.
    expect(output()).not.toContain('reachable from other machines');
  });

  it('stops on SIGINT (Ctrl-C) as on SIGTERM, printing where its data lives', async () => {
    const dataDir = join(tempDir(), 'data');
    expect((await runCli(['init'], { env: { COPYHOUND_DATA_DIR: dataDir } })).code).toBe(0);
    const { child, url, output } = await startServeProcess([], { COPYHOUND_DATA_DIR: dataDir });
    const exited = waitForExit(child);
    expect(output()).toContain(`data folder ${dataDir} (database ${join(dataDir, 'copyhound.db')})`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output()).toContain('"signal":"SIGINT"');
    expect(output()).toContain('shut down cleanly');
  });

  it('a port in use is one clear line and exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const db = join(tempDir(), 'busy.db');
      const result = await runCli(['--db', db, 'serve', '--port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`error: port ${port} on 127.0.0.1 is in use (another copyhound?): stop it, or pick another with --port N or PORT (0 = any free port)\n`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
  // Binding beyond loopback (refused without an admin, else a loud warning): serve-exposure.test.ts.
});
