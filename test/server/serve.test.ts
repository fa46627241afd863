import { request } from 'node:http';
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
    // A CLI run creates the schema; the in-flight write then carries an admin key of that database.
    const created = await runCli(['--db', db, 'articles', 'list', '--limit', '1']);
    expect(created.code, created.stderr).toBe(0);
    const apiKey = createAdminKey(db);
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
  // Binding beyond loopback (refused without an admin, else a loud warning): serve-exposure.test.ts.
});
