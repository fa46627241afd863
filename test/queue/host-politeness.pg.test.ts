import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostPoliteness } from '../../src/queue/host-politeness.ts';
import { CHILD_PROCESS_TEST_TIMEOUT_MS, readTestDatabaseUrl, startChild, type TestChild } from './fixtures/pg-queue-test.ts';

interface LoggedRequest {
  host: string;
  arrivedMs: number;
  inFlightPerHost: number;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A loopback server that answers after responseDelayMs and logs, per politeness host (first path segment), arrival times and fetches in flight. */
async function startLoggingServer(responseDelayMs: number): Promise<{ url: string; log: LoggedRequest[] }> {
  const log: LoggedRequest[] = [];
  const inFlight = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const host = (request.url ?? '/').split('/')[1] ?? '';
    const now = (inFlight.get(host) ?? 0) + 1;
    inFlight.set(host, now);
    log.push({ host, arrivedMs: performance.now(), inFlightPerHost: now });
    setTimeout(() => {
      inFlight.set(host, (inFlight.get(host) ?? 1) - 1);
      response.end('ok');
    }, responseDelayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log };
}

function startFetchers(count: number, env: Record<string, string>): TestChild[] {
  return Array.from({ length: count }, () => {
    const child = startChild('./polite-fetcher.ts', env);
    cleanups.push(async () => {
      if (child.process.exitCode === null && child.process.signalCode === null) {
        child.process.kill('SIGKILL');
        await child.exited;
      }
    });
    return child;
  });
}

/** Arrival times per host, sorted. */
function groupArrivals(log: LoggedRequest[]): Map<string, number[]> {
  const byHost = new Map<string, number[]>();
  for (const entry of log) byHost.set(entry.host, [...(byHost.get(entry.host) ?? []), entry.arrivedMs]);
  for (const times of byHost.values()) times.sort((a, b) => a - b);
  return byHost;
}

/** The shortest span covering `slots + 1` consecutive arrivals (for one slot: the shortest gap). */
function measureShortestSpan(times: number[], slots: number): number {
  let shortest = Infinity;
  for (let i = 0; i + slots < times.length; i += 1) shortest = Math.min(shortest, times[i + slots] - times[i]);
  return shortest;
}

const namespace = (): string => `politeness_test_${randomBytes(6).toString('hex')}`;

describe('host politeness across processes (advisory locks per host and slot)', () => {
  it('one slot: per host, arrivals at least delayMs apart and never two at once; hosts do not wait for each other', async () => {
    const DELAY_MS = 150;
    const server = await startLoggingServer(20);
    const fetchers = startFetchers(3, {
      LOCK_NAMESPACE: namespace(), SERVER_URL: server.url, HOSTS: 'a.test,b.test', FETCHES: '8', HOST_CONCURRENCY: '1', DELAY_MS: String(DELAY_MS),
    });
    await Promise.all(fetchers.map((child) => child.waitFor((r) => r.event === 'done', 30_000)));
    expect(server.log).toHaveLength(24);
    const arrivals = groupArrivals(server.log);
    expect([...arrivals.keys()].sort()).toEqual(['a.test', 'b.test']);
    for (const times of arrivals.values()) expect(measureShortestSpan(times, 1)).toBeGreaterThanOrEqual(DELAY_MS);
    expect(Math.max(...server.log.map((entry) => entry.inFlightPerHost))).toBe(1);
    // Two hosts are two sets of slots: some fetches of a and b came closer together than the delay.
    const all = server.log.map((entry) => entry.arrivedMs).sort((a, b) => a - b);
    expect(measureShortestSpan(all, 1)).toBeLessThan(DELAY_MS);
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);

  it('two slots: at most two fetches of the host at once, and any three arrivals span at least delayMs', async () => {
    const DELAY_MS = 120;
    const server = await startLoggingServer(60);
    const fetchers = startFetchers(3, {
      LOCK_NAMESPACE: namespace(), SERVER_URL: server.url, HOSTS: 'c.test', FETCHES: '6', HOST_CONCURRENCY: '2', DELAY_MS: String(DELAY_MS),
    });
    await Promise.all(fetchers.map((child) => child.waitFor((r) => r.event === 'done', 30_000)));
    expect(server.log).toHaveLength(18);
    const inFlight = server.log.map((entry) => entry.inFlightPerHost);
    // Two at once does happen (the limit is used), three never.
    expect(Math.max(...inFlight)).toBe(2);
    expect(measureShortestSpan(groupArrivals(server.log).get('c.test')!, 2)).toBeGreaterThanOrEqual(DELAY_MS);
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);

  it('a slot taken by a process that is then SIGKILLed frees with its session', async () => {
    const ns = namespace();
    const politeness = createHostPoliteness({ connectionString: readTestDatabaseUrl(), namespace: ns });
    cleanups.push(() => politeness.close());
    const server = await startLoggingServer(60_000);
    // A fetcher whose fetch hangs on the server holds the host's only slot until it is killed.
    const [stuck] = startFetchers(1, { LOCK_NAMESPACE: ns, SERVER_URL: server.url, HOSTS: 'd.test', FETCHES: '1', HOST_CONCURRENCY: '1', DELAY_MS: '0', PARALLEL: '1' });
    const deadline = Date.now() + 20_000;
    while (server.log.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.log).toHaveLength(1);
    const blocked = new AbortController();
    setTimeout(() => blocked.abort(new Error('still blocked')), 500);
    await expect(politeness.acquireHostSlot('d.test', { concurrency: 1, delayMs: 0, signal: blocked.signal })).rejects.toThrow('still blocked');
    stuck.process.kill('SIGKILL');
    await stuck.exited;
    const started = Date.now();
    const slot = await politeness.acquireHostSlot('d.test', { concurrency: 1, delayMs: 0, signal: AbortSignal.timeout(5_000) });
    expect(Date.now() - started).toBeLessThan(2_000);
    await slot.release();
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);

  it('counts the slots taken and the time spent waiting for a busy host', async () => {
    const politeness = createHostPoliteness({ connectionString: readTestDatabaseUrl(), namespace: namespace() });
    cleanups.push(() => politeness.close());
    const first = await politeness.acquireHostSlot('e.test', { concurrency: 1, delayMs: 300 });
    expect(politeness.readSlotWaits()).toEqual({ acquired: 1, waited: 0, waitedMs: 0 });
    void first.release();
    // Free only once the 300 ms delay after the first fetch has passed.
    const second = await politeness.acquireHostSlot('e.test', { concurrency: 1, delayMs: 0 });
    const waits = politeness.readSlotWaits();
    expect(waits).toMatchObject({ acquired: 2, waited: 1 });
    expect(waits.waitedMs).toBeGreaterThanOrEqual(250);
    await second.release();
  });
});
