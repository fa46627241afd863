import { millisOfIso } from '../../src/time/parse-date.ts';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { claimRun } from '../../db/crawl-state.ts';
import { describeLeaseHolder } from '../../crawlers/run-lease.ts';
import { startLeaseHeartbeat } from '../../db/lease-heartbeat.ts';
import { executeStatement, firstRow, queryRows } from '../../db/dialect.ts';
import type { OpenDatabase } from '../../db/open-db.ts';
import { insertSource } from '../../db/sources.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestDatabase } from '../helpers/test-database.ts';

const at = (ms: number) => new Date(ms).toISOString();

async function openWithSource(dir: string) {
  const database = await openTestDatabase(join(dir, 'c.db'), 2000);
  const now = at(Date.now());
  const source = await insertSource(database.db, { name: 'feed', type: 'feed', url: 'https://example.org/feed.xml', limits: {}, enabled: true, isOwnerFeed: false, createdAt: now, updatedAt: now } as never);
  return { database, source };
}

/** The lease as stored, read with a raw statement (no query module answers this). */
async function readLease(database: OpenDatabase, runId: number): Promise<{ owner: string | null; until: string | null }> {
  return firstRow(await queryRows<{ owner: string | null; until: string | null }>(database.db, sql`select lease_owner as owner, lease_until as until from crawl_runs where id = ${runId}`))!;
}

describe('crawl run leases', () => {
  const tempDir = useTempDir();

  it('never takes over a run whose holder is alive on this host, even past its lease; takes it once the holder is gone', async () => {
    const { database, source } = await openWithSource(tempDir());
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const holderName = `${hostname()}:${holder.pid}`;
      const past = Date.now() - 10 * 60_000;
      expect(await claimRun(database.db, source.id, holderName, at(past), at(past + 60_000), describeLeaseHolder)).toMatchObject({ resumed: false });
      // Its lease ran out long ago (a blocked process), but the process is alive: no second runner.
      expect(await claimRun(database.db, source.id, `${hostname()}:${process.pid}`, at(Date.now()), at(Date.now() + 60_000), describeLeaseHolder)).toBeUndefined();
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
      expect(await claimRun(database.db, source.id, `${hostname()}:${process.pid}`, at(Date.now()), at(Date.now() + 60_000), describeLeaseHolder)).toMatchObject({ resumed: true });
    } finally {
      holder.kill('SIGKILL');
      await database.close();
    }
  });

  it('a holder on another host keeps its run until its lease runs out', async () => {
    const { database, source } = await openWithSource(tempDir());
    const now = Date.now();
    await claimRun(database.db, source.id, 'other-host.example:4242', at(now), at(now + 60_000), describeLeaseHolder);
    expect(await claimRun(database.db, source.id, `${hostname()}:${process.pid}`, at(now + 1_000), at(now + 61_000), describeLeaseHolder)).toBeUndefined();
    expect(await claimRun(database.db, source.id, `${hostname()}:${process.pid}`, at(now + 61_000), at(now + 121_000), describeLeaseHolder)).toMatchObject({ resumed: true });
    await database.close();
  });

  it('renews the lease from its own thread while this thread is blocked, and reports a lease taken over', async () => {
    const dir = tempDir();
    const { database, source } = await openWithSource(dir);
    const owner = `${hostname()}:${process.pid}`;
    const leaseMs = 300;
    const claim = (await claimRun(database.db, source.id, owner, at(Date.now()), at(Date.now() + leaseMs), describeLeaseHolder))!;
    let lost = 0;
    const heartbeat = startLeaseHeartbeat({ ...(database.pgUrl ? { pgUrl: database.pgUrl } : { dbPath: join(dir, 'c.db') }), busyTimeoutMs: 2000, runId: claim.run.id, owner, leaseMs, onLost: () => lost++ });
    try {
      await new Promise((r) => setTimeout(r, 500)); // the worker thread starts and connects
      // Block this thread for four leases, as a long page once did.
      const blockedUntil = Date.now() + 4 * leaseMs;
      while (Date.now() < blockedUntil) {
        /* busy */
      }
      expect(millisOfIso((await readLease(database, claim.run.id)).until!)).toBeGreaterThan(Date.now());

      await executeStatement(database.db, sql`update crawl_runs set lease_owner = ${'other-host.example:1'} where id = ${claim.run.id}`);
      await new Promise((r) => setTimeout(r, 2 * leaseMs));
      expect(lost).toBe(1);
    } finally {
      await heartbeat.stop();
      await database.close();
    }
  });
});
