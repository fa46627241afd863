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
    expect(output()).not.toContain('NO AUTHENTICATION');
  });

  // The one test that binds beyond loopback: the warning is about the address actually bound, so
  // it cannot be shown otherwise. Port 0, a few hundred ms, and the Host check still refuses
  // foreign names meanwhile.
  it('warns loudly (log at warn and a WARNING line on stderr) when bound to a non-loopback address', async () => {
    const db = join(tempDir(), 'exposed.db');
    const { child, output } = await startServeProcess(['--db', db, '--log-level', 'error'], { HOST: '0.0.0.0' });
    const exited = waitForExit(child);
    const warned = () => output().includes('WARNING: The API has NO AUTHENTICATION and listens on 0.0.0.0:');
    for (let i = 0; i < 100 && !warned(); i++) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Shown on stderr although the log level (error) hides the structured warning.
    expect(output()).toMatch(/WARNING: The API has NO AUTHENTICATION and listens on 0\.0\.0\.0:\d+, reachable from other machines/);
    expect(output()).toContain('It answers only the Host names localhost, 127.0.0.1, [::1].');
  });

  it('the structured warning is at level warn', async () => {
    const db = join(tempDir(), 'exposed-log.db');
    const { child, output } = await startServeProcess(['--db', db], { HOST: '0.0.0.0', COPYHOUND_ALLOWED_HOSTS: 'copyhound.lan' });
    const exited = waitForExit(child);
    const line = () => output().split('\n').find((l) => l.startsWith('{') && l.includes('NO AUTHENTICATION'));
    for (let i = 0; i < 100 && !line(); i++) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    await exited;
    expect(JSON.parse(line()!)).toMatchObject({ level: 40, address: '0.0.0.0', allowedHosts: ['copyhound.lan'] });
  });
});
