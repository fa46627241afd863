import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import {
  backoffDelayMs,
  createHostScheduler,
  hostSchedulerOptionsFromConfig,
  isRetryableError,
  parseRetryAfter,
  type HostSchedulerOptions,
} from '../../crawlers/host-scheduler.ts';
import { FetchError, ValidationError } from '../../src/errors.ts';
import { loopbackFetch, startLoopback, type Loopback } from './loopback.ts';

/** Virtual time: sleep() registers a timer; settle() advances to the next timer whenever all else is idle. */
class VirtualClock {
  t = 0;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;
  now = () => this.t;
  sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve });
    });
  async settle<T>(p: Promise<T>): Promise<T> {
    let done = false;
    p.then(
      () => (done = true),
      () => (done = true),
    );
    for (let guard = 0; guard < 100_000; guard++) {
      await new Promise((r) => setImmediate(r));
      if (done) return p;
      if (this.timers.length === 0) throw new Error('deadlock: nothing left to wake');
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    throw new Error('virtual clock ran away');
  }
}

const base: HostSchedulerOptions = {
  perHostConcurrency: 1,
  globalConcurrency: 8,
  minHostDelayMs: 1000,
  maxCrawlDelayMs: 10_000,
  retryAfterCapMs: 60_000,
  maxAttempts: 3,
  backoffBaseMs: 1000,
  backoffCapMs: 30_000,
};

function setup(options: Partial<HostSchedulerOptions> = {}, extra: Parameters<typeof createHostScheduler>[1] = {}) {
  const clock = new VirtualClock();
  const s = createHostScheduler({ ...base, ...options }, { now: clock.now, sleep: clock.sleep, random: () => 0.5, ...extra });
  const events: { id: string; start: number; end: number; attempt: number }[] = [];
  const job = (id: string, durationMs: number, fail?: (attempt: number) => unknown) => async (attempt: number) => {
    const start = clock.t;
    await clock.sleep(durationMs);
    events.push({ id, start, end: clock.t, attempt });
    const err = fail?.(attempt);
    if (err) throw err;
    return id;
  };
  return { clock, s, events, job };
}

const timeout = (url = 'https://a.example/') => new FetchError('timeout', url, 'timed out');

describe('host scheduler: politeness (virtual time)', () => {
  it('runs one request at a time per host, the gap counted from the end of the previous one', async () => {
    const { clock, s, events, job } = setup();
    const all = Promise.all([1, 2, 3].map((i) => s.run('https://a.example/p', job(`a${i}`, 100))));
    expect(await clock.settle(all)).toEqual(['a1', 'a2', 'a3']);
    expect(events.map((e) => e.start)).toEqual([0, 1100, 2200]);
  });

  it('runs different hosts in parallel, within the global limit', async () => {
    const { clock, s, events, job } = setup({ globalConcurrency: 2 });
    const all = Promise.all([
      s.run('https://a.example/', job('a', 500)),
      s.run('https://b.example/', job('b', 300)),
      s.run('https://c.example/', job('c', 100)),
    ]);
    await clock.settle(all);
    const start = Object.fromEntries(events.map((e) => [e.id, e.start]));
    expect(start).toEqual({ a: 0, b: 0, c: 300 });
  });

  it('treats different ports as different hosts and the same host across paths as one', async () => {
    const { clock, s, events, job } = setup();
    await clock.settle(Promise.all([s.run('http://h.example:8080/x', job('p1', 10)), s.run('http://h.example:9090/y', job('p2', 10)), s.run('http://h.example:8080/z', job('p3', 10))]));
    expect(events.map((e) => [e.id, e.start])).toEqual([['p1', 0], ['p2', 0], ['p3', 1010]]);
  });

  it('spaces starts by the delay even with per-host concurrency above 1', async () => {
    const { clock, s, events, job } = setup({ perHostConcurrency: 2 });
    await clock.settle(Promise.all([1, 2, 3].map((i) => s.run('https://a.example/', job(`a${i}`, 5000)))));
    // The third waits for a free slot (5000), then the delay after the latest end (6000 + 1000).
    expect(events.map((e) => e.start).sort((x, y) => x - y)).toEqual([0, 1000, 7000]);
  });

  it('raises the gap to the Crawl-delay from the provider, clamped to the maximum', async () => {
    const { clock, s, events, job } = setup({}, { crawlDelayMs: (url) => (url.includes('slow') ? 3000 : url.includes('huge') ? 999_999 : undefined) });
    await clock.settle(Promise.all([s.run('https://slow.example/1', job('s1', 0)), s.run('https://slow.example/2', job('s2', 0)), s.run('https://huge.example/1', job('h1', 0)), s.run('https://huge.example/2', job('h2', 0))]));
    const start = Object.fromEntries(events.map((e) => [e.id, e.start]));
    expect(start).toEqual({ s1: 0, s2: 3000, h1: 0, h2: 10_000 });
  });

  it('uses a Crawl-delay set by hand and ignores a failing provider', async () => {
    const { clock, s, events, job } = setup({}, { crawlDelayMs: () => Promise.reject(new Error('robots down')) });
    s.setCrawlDelayMs('https://a.example/', 2500);
    await clock.settle(Promise.all([s.run('https://a.example/1', job('1', 0)), s.run('https://a.example/2', job('2', 0))]));
    expect(events.map((e) => e.start)).toEqual([0, 2500]);
  });
});

describe('host scheduler: retries (virtual time)', () => {
  it('retries transient failures with full-jitter exponential backoff', async () => {
    const { clock, s, events, job } = setup({ minHostDelayMs: 0 });
    const result = await clock.settle(s.run('https://a.example/', job('x', 0, (attempt) => (attempt < 3 ? timeout() : undefined))));
    expect(result).toBe('x');
    // random() = 0.5: waits 0.5 * 1000 then 0.5 * 2000.
    expect(events.map((e) => [e.attempt, e.start])).toEqual([[1, 0], [2, 500], [3, 1500]]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { clock, s, events, job } = setup({ minHostDelayMs: 0, maxAttempts: 2 });
    const err = await clock.settle(s.run('https://a.example/', job('x', 0, (a) => new FetchError('connection', 'https://a.example/', `try ${a}`)))).catch((e) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect(err.message).toBe('try 2');
    expect(events).toHaveLength(2);
  });

  it.each([
    ['404', new FetchError('bad_status', 'u', 'x', { status: 404 })],
    ['403', new FetchError('bad_status', 'u', 'x', { status: 403 })],
    ['robots', new FetchError('robots_disallowed', 'u', 'x')],
    ['robots unreachable (retryable later, by the caller)', new FetchError('robots_disallowed', 'u', 'x', { retryable: true, retryAfterMs: 1000 })],
    ['too large', new FetchError('too_large', 'u', 'x')],
    ['a plain Error', new Error('bug')],
  ])('does not retry %s', async (_n, error) => {
    const { clock, s, events, job } = setup();
    await expect(clock.settle(s.run('https://a.example/', job('x', 0, () => error)))).rejects.toBe(error);
    expect(events).toHaveLength(1);
  });

  it.each([408, 429, 500, 503])('retries HTTP %i', async (status) => {
    const { clock, s, events, job } = setup({ minHostDelayMs: 0 });
    await clock.settle(s.run('https://a.example/', job('x', 0, (a) => (a === 1 ? new FetchError('bad_status', 'u', 'x', { status }) : undefined))));
    expect(events).toHaveLength(2);
  });

  it('honours Retry-After for the retry and holds back the whole host meanwhile', async () => {
    const { clock, s, events, job } = setup({ minHostDelayMs: 100 });
    const busy = new FetchError('bad_status', 'u', 'busy', { status: 503, retryAfterMs: 5000 });
    const first = s.run('https://a.example/1', job('first', 0, (a) => (a === 1 ? busy : undefined)));
    const second = s.run('https://a.example/2', job('second', 0));
    const other = s.run('https://b.example/1', job('other', 0));
    await clock.settle(Promise.all([first, second, other]));
    const starts = events.map((e) => [e.id, e.attempt, e.start]);
    expect(starts).toContainEqual(['first', 1, 0]);
    expect(starts).toContainEqual(['other', 1, 0]);
    // The second page waited for Retry-After too, though it never failed itself.
    const second1 = events.find((e) => e.id === 'second')!;
    const first2 = events.find((e) => e.id === 'first' && e.attempt === 2)!;
    expect(Math.min(second1.start, first2.start)).toBeGreaterThanOrEqual(5000);
  });

  it('fails at once, error intact, when Retry-After exceeds the cap', async () => {
    const { clock, s, events, job } = setup({ retryAfterCapMs: 60_000 });
    const later = new FetchError('bad_status', 'u', 'come back tomorrow', { status: 429, retryAfterMs: 86_400_000 });
    const err = await clock.settle(s.run('https://a.example/', job('x', 0, () => later))).catch((e) => e);
    expect(err).toBe(later);
    expect(err.retryAfterMs).toBe(86_400_000);
    expect(events).toHaveLength(1);
    // The host is held back for the cap, not the full day.
    await clock.settle(s.run('https://a.example/next', job('next', 0)));
    expect(events[1].start).toBe(60_000);
  });

  it('retries errors from elsewhere only if they say retryable', () => {
    expect(isRetryableError(Object.assign(new Error('x'), { retryable: true }))).toBe(true);
    expect(isRetryableError(new Error('x'))).toBe(false);
    expect(isRetryableError(new FetchError('dns', 'u', 'x'))).toBe(true);
    expect(isRetryableError('string')).toBe(false);
  });
});

describe('host scheduler: cancellation and input', () => {
  it('removes an aborted waiter and rejects with the abort reason', async () => {
    const { clock, s, events, job } = setup();
    const ac = new AbortController();
    const first = s.run('https://a.example/1', job('1', 100));
    const second = s.run('https://a.example/2', job('2', 100), { signal: ac.signal });
    const secondResult = second.catch((e) => e);
    await new Promise((r) => setImmediate(r));
    expect(s.stats()).toMatchObject({ active: 1, waiting: 1 });
    ac.abort(new Error('stop'));
    expect(((await secondResult) as Error).message).toBe('stop');
    await clock.settle(first);
    expect(events.map((e) => e.id)).toEqual(['1']);
    expect(s.stats()).toMatchObject({ active: 0, waiting: 0 });
  });

  it('with real timers, cancels its wake-up timer once the last waiter is aborted', async () => {
    const s = createHostScheduler({ ...base, minHostDelayMs: 60_000 });
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await s.run('https://a.example/1', async () => 'done');
    const before = timers();
    const ac = new AbortController();
    const waiting = s.run('https://a.example/2', async () => 'never', { signal: ac.signal }).catch((e) => e);
    await new Promise((r) => setImmediate(r));
    expect(timers()).toBe(before + 1);
    ac.abort(new Error('shutdown'));
    expect(((await waiting) as Error).message).toBe('shutdown');
    expect(timers()).toBe(before);
  });

  it('with real timers, a backoff wait aborted mid-way rejects with the abort reason and leaves no timer behind', async () => {
    const s = createHostScheduler({ ...base, minHostDelayMs: 0, backoffBaseMs: 60_000, backoffCapMs: 60_000 }, { random: () => 1 });
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const ac = new AbortController();
    let attempts = 0;
    const running = s.run('https://a.example/flaky', async () => {
      attempts++;
      throw timeout();
    }, { signal: ac.signal }).catch((e: unknown) => e);
    while (attempts === 0) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(timers()).toBe(before + 1);
    const reason = new Error('shutdown');
    ac.abort(reason);
    expect(await running).toBe(reason);
    expect(attempts).toBe(1);
    expect(timers()).toBe(before);
  });

  it('rejects an invalid URL', async () => {
    const { s } = setup();
    await expect(s.run('not a url', async () => 1)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('helpers', () => {
  it('parseRetryAfter reads seconds and HTTP dates', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('backoffDelayMs is full jitter under an exponential ceiling and a cap', () => {
    expect(backoffDelayMs(1, 1000, 30_000, () => 0)).toBe(0);
    expect(backoffDelayMs(1, 1000, 30_000, () => 0.999)).toBe(999);
    expect(backoffDelayMs(3, 1000, 30_000, () => 0.5)).toBe(2000);
    expect(backoffDelayMs(20, 1000, 30_000, () => 0.999)).toBe(29_970);
  });

  it('takes its options from config', () => {
    const o = hostSchedulerOptionsFromConfig(loadConfig({ COPYHOUND_CRAWL_MIN_HOST_DELAY_MS: '250' }).crawl);
    expect(o).toEqual({ ...base, minHostDelayMs: 250, maxCrawlDelayMs: 60_000, retryAfterCapMs: 600_000, backoffCapMs: 60_000 });
  });
});

describe('host scheduler over loopback HTTP (server-side request log)', () => {
  let servers: Loopback[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });

  it('keeps per-host gaps and one-at-a-time per host, while two hosts proceed side by side', async () => {
    const MIN_DELAY = 150;
    const page = { headers: { 'content-type': 'text/html' }, body: '<p>ok</p>', delayMs: 40 };
    const a = await startLoopback({ '/1': page, '/2': page, '/3': page, '/4': page });
    const b = await startLoopback({ '/1': page, '/2': page, '/3': page, '/4': page });
    servers.push(a, b);
    const s = createHostScheduler({ ...base, minHostDelayMs: MIN_DELAY, globalConcurrency: 4 });
    const urls = [1, 2, 3, 4].flatMap((i) => [`${a.origin}/${i}`, `${b.origin}/${i}`]);
    const statuses = await Promise.all(urls.map((u) => s.run(u, async () => (await loopbackFetch(u)).status)));
    expect(statuses).toEqual(Array(8).fill(200));
    for (const server of [a, b]) {
      const log = [...server.log].sort((x, y) => x.startedAt - y.startedAt);
      expect(log).toHaveLength(4);
      for (let i = 1; i < log.length; i++) {
        // Never two at once to one host, and the gap (server clock, end → next start) is kept.
        // 1 ms of slack absorbs millisecond rounding of the scheduler's Date.now() clock.
        expect(log[i].startedAt - log[i - 1].endedAt).toBeGreaterThanOrEqual(MIN_DELAY - 1);
      }
    }
    // Host b did not wait for host a to finish: its first request came before a's last.
    expect(Math.min(...b.log.map((r) => r.startedAt))).toBeLessThan(Math.max(...a.log.map((r) => r.startedAt)));
  });

  it('waits out a Retry-After from a 503 before retrying (server-side gap)', async () => {
    const server = await startLoopback({
      '/busy': (_req, hit) => (hit === 1 ? { status: 503, headers: { 'retry-after': '1' }, body: 'busy' } : { status: 200, body: 'ok' }),
    });
    servers.push(server);
    const s = createHostScheduler({ ...base, minHostDelayMs: 0 });
    const url = `${server.origin}/busy`;
    const body = await s.run(url, async () => {
      const res = await loopbackFetch(url);
      if (res.status >= 500) {
        throw new FetchError('bad_status', url, `HTTP ${res.status}`, { status: res.status, retryAfterMs: parseRetryAfter(res.headers['retry-after']) });
      }
      return res.text;
    });
    expect(body).toBe('ok');
    expect(server.log).toHaveLength(2);
    expect(server.log[1].startedAt - server.log[0].endedAt).toBeGreaterThanOrEqual(999);
  });
});
