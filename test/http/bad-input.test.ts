import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServeProcess } from '../helpers/run-cli.ts';
import { createAdminKey } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { rawRequest } from './raw-request.ts';

const JSON_TYPE = { 'content-type': 'application/json' };
const article = JSON.stringify({ id: 'a1', url: 'https://wire.example/a1', title: 'Headline', body: 'Body text.' });

/** Bad client input of every kind, with the status and code it must get (never 500). */
const CASES: { name: string; method: string; path: string; headers?: Record<string, string>; body?: string | Buffer; status: number; code: string }[] = [
  { name: 'malformed escape in a path parameter', method: 'GET', path: '/api/articles/%E0%A4%A', status: 400, code: 'malformed_url' },
  { name: 'non-hex escape in a path parameter', method: 'GET', path: '/api/sources/%ZZ', status: 400, code: 'malformed_url' },
  { name: 'escape that is not UTF-8 in the path', method: 'DELETE', path: '/api/articles/%FF', status: 400, code: 'malformed_url' },
  { name: 'malformed escape in a route-less path', method: 'GET', path: '/api/%E0%A4%A', status: 400, code: 'malformed_url' },
  { name: 'malformed escape in the query', method: 'GET', path: '/api/articles?q=%E0%A4%A', status: 400, code: 'malformed_url' },
  { name: 'malformed escape in a query key', method: 'GET', path: '/api/matches?%ZZ=1', status: 400, code: 'malformed_url' },
  { name: 'gzip declared, body is not gzip', method: 'POST', path: '/api/articles', headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: article, status: 400, code: 'invalid_content_encoding' },
  { name: 'gzip body cut short', method: 'POST', path: '/api/articles', headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: gzipSync(article).subarray(0, 20), status: 400, code: 'invalid_content_encoding' },
  { name: 'deflate declared, body is not deflate', method: 'POST', path: '/api/articles', headers: { ...JSON_TYPE, 'content-encoding': 'deflate' }, body: article, status: 400, code: 'invalid_content_encoding' },
  { name: 'br declared, body is not br', method: 'POST', path: '/api/articles', headers: { ...JSON_TYPE, 'content-encoding': 'br' }, body: article, status: 400, code: 'invalid_content_encoding' },
  { name: 'unknown Content-Encoding', method: 'POST', path: '/api/articles', headers: { ...JSON_TYPE, 'content-encoding': 'x-squash' }, body: article, status: 415, code: 'unsupported_encoding' },
  { name: 'charset that is not UTF', method: 'POST', path: '/api/articles', headers: { 'content-type': 'application/json; charset=latin1' }, body: article, status: 415, code: 'unsupported_charset' },
  { name: 'bytes that are not UTF-8', method: 'POST', path: '/api/articles', headers: JSON_TYPE, body: Buffer.from('{"id":"\xff\xfe"}', 'latin1'), status: 400, code: 'invalid_utf8' },
  { name: 'invalid JSON', method: 'POST', path: '/api/articles', headers: JSON_TYPE, body: '{"id": ', status: 400, code: 'invalid_json' },
  { name: 'text/plain body', method: 'POST', path: '/api/articles', headers: { 'content-type': 'text/plain' }, body: article, status: 415, code: 'unsupported_media_type' },
  { name: 'body without Content-Type', method: 'PATCH', path: '/api/sources/1', body: '{"enabled":false}', status: 415, code: 'unsupported_media_type' },
];

describe('bad client input is a 4xx with a named code, logged without a stack', () => {
  const tempDir = useTempDir();
  let child: ChildProcess;
  let port: number;
  let output: () => string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    // The body is parsed only after authentication: every case carries an admin key so that
    // what is refused is the input itself, not a missing identity. A CLI run creates the schema.
    const dbPath = join(tempDir(), 'edge.db');
    const created = await runCli(['--db', dbPath, 'init']);
    expect(created.code, created.stderr).toBe(0);
    auth = { authorization: `Bearer ${await createAdminKey(dbPath)}` };
    const started = await startServeProcess(['--db', dbPath]);
    child = started.child;
    output = started.output;
    port = Number(new URL(started.url).port);
  });
  afterAll(() => {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
  });

  it.each(CASES)('$name → $status $code', async ({ method, path, headers, body, status, code }) => {
    const answer = await rawRequest(port, method, path, { ...auth, ...headers }, body);
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ error: { code, message: expect.any(String) } });
    expect(Object.keys(answer.body.error).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
  });

  it('a gzip body that is gzip is still read', async () => {
    const answer = await rawRequest(port, 'POST', '/api/articles', { ...auth, ...JSON_TYPE, 'content-encoding': 'gzip' }, gzipSync(article));
    expect(answer.status).toBe(201);
  });

  it('logged every refusal at info, none at error, no stack anywhere', async () => {
    // The child's log lines arrive asynchronously: wait until all refusals are in.
    const refusals = () => output().split('\n').filter((l) => l.includes('"request refused"'));
    for (let i = 0; i < 50 && refusals().length < CASES.length; i++) await new Promise((r) => setTimeout(r, 50));
    const lines = output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; code?: string });
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(refusals()).toHaveLength(CASES.length);
    expect(lines.filter((l) => l.msg === 'request refused').every((l) => l.level === 30)).toBe(true);
    expect(output()).not.toMatch(/"stack"/);
  });
});
