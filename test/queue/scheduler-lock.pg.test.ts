import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { computeAdvisoryLockKey } from '../../db/pg/advisory-locks.ts';
import { startSchedulerLock, type SchedulerLock } from '../../src/queue/scheduler-lock.ts';
import { CHILD_PROCESS_TEST_TIMEOUT_MS, readTestDatabaseUrl, startChild, waitUntil, type TestChild } from './fixtures/pg-queue-test.ts';

// Advisory locks are per database: a random namespace keeps this test's lock its own.
const newNamespace = (): string => `scheduler_test_${randomBytes(6).toString('hex')}`;
const RETRY_INTERVAL_MS = 500;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function startContender(namespace: string, env: Record<string, string> = {}): TestChild {
  const child = startChild('./scheduler-contender.ts', { LOCK_NAMESPACE: namespace, RETRY_INTERVAL_MS: String(RETRY_INTERVAL_MS), ...env });
  cleanups.push(async () => {
    if (child.process.exitCode === null && child.process.signalCode === null) {
      child.process.kill('SIGKILL');
      await child.exited;
    }
  });
  return child;
}

async function startInProcess(namespace: string, events: string[], name: string): Promise<SchedulerLock> {
  const lock = await startSchedulerLock({
    connectionString: readTestDatabaseUrl(),
    namespace,
    retryIntervalMs: RETRY_INTERVAL_MS,
    heartbeatIntervalMs: 200,
    onAcquired: () => events.push(`${name} acquired`),
    onLost: () => events.push(`${name} lost`),
  });
  cleanups.push(() => lock.release());
  return lock;
}

describe('scheduler lock (session-level advisory lock)', () => {
  it('one holder at a time; release hands it to the contender', async () => {
    const namespace = newNamespace();
    const events: string[] = [];
    const first = await startInProcess(namespace, events, 'first');
    const second = await startInProcess(namespace, events, 'second');
    expect([first.isHeld(), second.isHeld()]).toEqual([true, false]);
    // Contending for a while changes nothing.
    await new Promise((resolve) => setTimeout(resolve, RETRY_INTERVAL_MS * 3));
    expect(events).toEqual(['first acquired']);
    // Another namespace has its own lock.
    expect((await startInProcess(newNamespace(), events, 'other')).isHeld()).toBe(true);
    await first.release();
    await waitUntil(async () => second.isHeld(), RETRY_INTERVAL_MS * 4, 'second holds the lock');
    expect(events).toEqual(['first acquired', 'other acquired', 'second acquired']);
  });

  it('a holder whose session is terminated hears onLost, and the lock is taken again by one of them', async () => {
    const namespace = newNamespace();
    const events: string[] = [];
    const first = await startInProcess(namespace, events, 'first');
    const second = await startInProcess(namespace, events, 'second');
    expect(first.isHeld()).toBe(true);
    const admin = new pg.Client({ connectionString: readTestDatabaseUrl() });
    await admin.connect();
    try {
      // The holder's session: the one holding this namespace's scheduler lock.
      const terminated = await admin.query(
        `SELECT pg_terminate_backend(pid) AS done FROM pg_locks
         WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
        [computeAdvisoryLockKey(namespace, 'crawl-scheduler')],
      );
      expect(terminated.rows).toEqual([{ done: true }]);
    } finally {
      await admin.end();
    }
    await waitUntil(async () => events.includes('first lost') && (first.isHeld() || second.isHeld()), 5_000, 'the lock held again');
    // Both contend again after the loss (the first reconnects): whichever tries first wins, alone.
    expect([first.isHeld(), second.isHeld()].filter(Boolean)).toHaveLength(1);
    expect(events.slice(0, 2)).toEqual(['first acquired', 'first lost']);
    expect(events).toHaveLength(3);
  });

  it('kill -9 of the holder process: the other process acquires within the retry interval', async () => {
    const namespace = newNamespace();
    const holder = startContender(namespace);
    await holder.waitFor((r) => r.event === 'acquired');
    const contender = startContender(namespace);
    await contender.waitFor((r) => r.event === 'contending');
    await new Promise((resolve) => setTimeout(resolve, RETRY_INTERVAL_MS * 3));
    expect(contender.reports.some((r) => r.event === 'acquired')).toBe(false);
    const killedAt = Date.now();
    holder.process.kill('SIGKILL');
    const acquired = await contender.waitFor((r) => r.event === 'acquired', 10_000);
    const takeoverMs = Number(acquired.at) - killedAt;
    // The session ends with the process; the next try (at most one interval later) wins. The
    // margin is for a loaded 2-core machine; a session freed only by a timeout would take 25 s+.
    expect(takeoverMs).toBeLessThan(RETRY_INTERVAL_MS + 1_000);
    expect(contender.reports.filter((r) => r.event === 'acquired')).toHaveLength(1);
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);

  it('a frozen holder (SIGSTOP) loses its session to the idle timeout; the other takes over, and the holder hears onLost when it wakes', async () => {
    const namespace = newNamespace();
    const IDLE_MS = 2_000;
    const env = { IDLE_SESSION_TIMEOUT_MS: String(IDLE_MS) };
    const holder = startContender(namespace, env);
    await holder.waitFor((r) => r.event === 'acquired');
    const contender = startContender(namespace, env);
    await contender.waitFor((r) => r.event === 'contending');
    // Its socket stays open (the kernel would even answer TCP keepalives): only silence gives it away.
    const frozenAt = Date.now();
    holder.process.kill('SIGSTOP');
    try {
      const acquired = await contender.waitFor((r) => r.event === 'acquired', 15_000);
      expect(Number(acquired.at) - frozenAt).toBeGreaterThanOrEqual(IDLE_MS - 600);
      expect(Number(acquired.at) - frozenAt).toBeLessThan(IDLE_MS + RETRY_INTERVAL_MS + 1_500);
    } finally {
      holder.process.kill('SIGCONT');
    }
    await holder.waitFor((r) => r.event === 'lost', 10_000);
    expect(contender.reports.some((r) => r.event === 'lost')).toBe(false);
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);
});
