/**
 * API authentication overhead.
 *   npm run bench:api [-- --requests 3000 --concurrency 1]
 * One process, one database (1,000 reports), two servers on 127.0.0.1 over the same app: the
 * real one, asked with an admin API key (Authorization: Bearer ch_...), and the same routes with
 * the identity set before the guard runs, asked with no credentials (what the API cost before
 * authentication). GET /api/reports?limit=50 is sent to both in alternating blocks, one
 * at a time by default (each request timed alone: p99 is the service's, not a queue's); p50/p95/p99 of each,
 * and the target: auth adds ≤ 1 ms at p99. Exits 1 when it is missed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import express from 'express';
import { Pool } from 'undici';
import { loadConfig } from '../../config/index.ts';
import { openApp } from '../../src/app.ts';
import { createKey } from '../../src/accounts.ts';
import { LOCAL_PRINCIPAL } from '../../src/auth/roles.ts';
import { setPrincipal } from '../../src/http/actor.ts';
import { createHttpApp } from '../../src/http/server.ts';
import { createLogger } from '../../src/log.ts';
import { seedArticles, seedManyReports } from '../reports/seed-reports.ts';
import { percentile } from './percentile.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '3000' }, concurrency: { type: 'string', default: '1' } } });
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
// Requests per block before switching servers: both see the same machine state over the run.
const BLOCK = 100;
const WARMUP = 200;
const REPORTS = 1000;
const TARGET_ADDED_P99_MS = 1;
const PATH = '/api/reports?limit=50';

async function listen(handler: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = handler.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function timeBlock(pool: Pool, headers: Record<string, string>, count: number, into: number[]): Promise<void> {
  let left = count;
  const worker = async () => {
    while (left-- > 0) {
      const start = process.hrtime.bigint();
      const res = await pool.request({ path: PATH, method: 'GET', headers });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`GET ${PATH} answered ${res.statusCode}`);
      into.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'copyhound-bench-api-'));
  const config = loadConfig({}, { db: { path: join(dir, 'copyhound.db') }, data: { dir: join(dir, 'data') }, log: { level: 'silent' } });
  const app = await openApp(config, createLogger(config), { checkpointInBackground: true });
  try {
    await seedManyReports(app.database.db, await seedArticles(app.database.db, ['bench-article']), REPORTS);
    const key = (await createKey({ db: app.database.db }, LOCAL_PRINCIPAL, { name: 'bench', role: 'admin' })).key;
    const withAuth = await listen(await createHttpApp(app));
    // The same app with the identity already known: the guard passes, nothing is looked up.
    const known = express();
    known.use((req, _res, next) => {
      setPrincipal(req, LOCAL_PRINCIPAL);
      next();
    });
    known.use(await createHttpApp(app));
    const withoutAuth = await listen(known);
    const pools = { auth: new Pool(withAuth.url, { connections: CONCURRENCY }), none: new Pool(withoutAuth.url, { connections: CONCURRENCY }) };
    const headers = { auth: { authorization: `Bearer ${key}` }, none: {} };
    const times = { auth: [] as number[], none: [] as number[] };
    await timeBlock(pools.auth, headers.auth, WARMUP, []);
    await timeBlock(pools.none, headers.none, WARMUP, []);
    for (let done = 0; done < REQUESTS; done += BLOCK) {
      await timeBlock(pools.auth, headers.auth, BLOCK, times.auth);
      await timeBlock(pools.none, headers.none, BLOCK, times.none);
    }
    const stats = (t: number[]) => {
      const s = [...t].sort((a, b) => a - b);
      return { p50: percentile(s, 0.5), p95: percentile(s, 0.95), p99: percentile(s, 0.99), n: s.length };
    };
    const a = stats(times.auth);
    const n = stats(times.none);
    const fmt = (x: ReturnType<typeof stats>) => `n=${x.n} p50 ${x.p50.toFixed(2)} ms, p95 ${x.p95.toFixed(2)} ms, p99 ${x.p99.toFixed(2)} ms`;
    console.log(`GET ${PATH} over ${REPORTS} reports, ${CONCURRENCY} in flight`);
    console.log(`  with an API key:      ${fmt(a)}`);
    console.log(`  identity already set: ${fmt(n)}`);
    const added = a.p99 - n.p99;
    const pass = added <= TARGET_ADDED_P99_MS;
    console.log(`\nresults:\n  ${pass ? 'PASS' : 'FAIL'}  auth adds ≤ ${TARGET_ADDED_P99_MS} ms at p99: ${added.toFixed(2)} ms (p99 ${a.p99.toFixed(2)} vs ${n.p99.toFixed(2)} ms)`);
    await Promise.all([pools.auth.close(), pools.none.close(), withAuth.close(), withoutAuth.close()]);
    return pass ? 0 : 1;
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
