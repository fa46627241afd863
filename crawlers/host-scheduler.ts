/**
 * Politeness and retries for crawler requests.
 *
 * - Per-host concurrency (default 1) and a global concurrency limit.
 * - A minimum gap per host, raised by robots.txt Crawl-delay (clamped): the next request to a host
 *   starts no earlier than `delay` after the previous one started AND after it finished, so a slow
 *   server is never sent a second request `delay` after a first one it is still working on.
 * - Retries only for transient failures (FetchError.retryable: timeouts, network, 408/429/5xx),
 *   up to maxAttempts, with exponential backoff and full jitter; Retry-After (carried by the error
 *   as retryAfterMs) replaces the backoff and also holds back the whole host. A Retry-After longer
 *   than the cap fails the task at once, error intact, so the caller can requeue it for later.
 * Time is injectable (now/sleep/random) for deterministic tests.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Config } from '../config/index.ts';
import type { Logger } from '../src/log.ts';
import { FetchError, ValidationError } from '../src/errors.ts';
import { parseHttpDate } from '../src/time/parse-date.ts';

export interface HostSchedulerOptions {
  perHostConcurrency: number;
  globalConcurrency: number;
  minHostDelayMs: number;
  maxCrawlDelayMs: number;
  retryAfterCapMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
}

export interface HostSchedulerDeps {
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1); drives the jitter. */
  random?: () => number;
  /** Crawl-delay for a URL's host in ms (e.g. RobotsCache.getCrawlDelayMs); errors are ignored. */
  crawlDelayMs?: (url: string) => number | undefined | Promise<number | undefined>;
  logger?: Logger;
}

export interface RunOptions {
  signal?: AbortSignal;
}

export interface HostScheduler {
  /** Runs `task` under the politeness rules, retrying transient failures; attempt is 1-based. */
  run<T>(url: string, task: (attempt: number) => Promise<T>, options?: RunOptions): Promise<T>;
  /** Fixes a host's Crawl-delay (ms) without a provider; undefined removes it. */
  setCrawlDelayMs(url: string, ms: number | undefined): void;
  stats(): { active: number; waiting: number; hosts: number };
}

export function hostSchedulerOptionsFromConfig(crawl: Config['crawl']): HostSchedulerOptions {
  return {
    perHostConcurrency: crawl.perHostConcurrency,
    globalConcurrency: crawl.globalConcurrency,
    minHostDelayMs: crawl.minHostDelayMs,
    maxCrawlDelayMs: crawl.maxCrawlDelayMs,
    retryAfterCapMs: crawl.retryAfterCapMs,
    maxAttempts: crawl.maxAttempts,
    backoffBaseMs: crawl.backoffBaseMs,
    backoffCapMs: crawl.backoffCapMs,
  };
}

/**
 * Retry-After header value → milliseconds from now (RFC 9110 §10.2.3: delay-seconds or an
 * HTTP-date). undefined when absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined | null, nowMs: number = Date.now()): number | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // An HTTP-date names its zone (GMT); one without is refused rather than read in the server's zone.
  const at = parseHttpDate(v);
  if (!at.ok) return undefined;
  return Math.max(0, at.date.dateTime.toMillis() - nowMs);
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^(attempt-1))]. */
export function backoffDelayMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Only errors that say so are retried; unknown errors (bugs, 4xx) are not. */
export function isRetryableError(error: unknown): boolean {
  // An unreachable robots.txt is "retryable" for the host, minutes later: the caller requeues it
  // (retryAfterMs says when) rather than this scheduler holding the page in memory.
  if (error instanceof FetchError) return error.retryable && error.reason !== 'robots_disallowed';
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}

function retryAfterOf(error: unknown): number | undefined {
  const v = typeof error === 'object' && error !== null ? (error as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function hostKey(url: string): string {
  try {
    const u = new URL(url);
    if (u.host === '') throw new Error('no host');
    return u.host;
  } catch {
    throw new ValidationError(`Cannot schedule a request to an invalid URL: ${url}`, { url });
  }
}

/**
 * Node's own abortable timer; an abort rejects with the signal's reason (what callers check for,
 * e.g. a crawl's shutdown), not the AbortError wrapped around it.
 */
const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  sleepFor(ms, undefined, signal ? { signal } : {}).catch((error: unknown) => {
    throw signal?.aborted ? signal.reason : error;
  });

interface HostState {
  active: number;
  /** Earliest time the next request to this host may start. */
  notBefore: number;
  crawlDelayMs?: number;
}

interface Waiter {
  host: string;
  delayMs: number;
  resolve: () => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

// Idle host entries are swept once the map grows past this; below it the bookkeeping is noise.
const HOST_SWEEP_THRESHOLD = 1000;

export function createHostScheduler(options: HostSchedulerOptions, deps: HostSchedulerDeps = {}): HostScheduler {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const random = deps.random ?? Math.random;
  const hosts = new Map<string, HostState>();
  const waiting: Waiter[] = [];
  let globalActive = 0;
  // One pending wake-up for the earliest blocked host; with real timers it is cancelled when
  // nobody waits any more, so an aborted crawl does not keep the process alive.
  let wake: { at: number; cancel?: () => void } | undefined;
  const scheduleWake = (at: number, ms: number) => {
    wake?.cancel?.();
    const fire = () => {
      if (wake?.at === at) wake = undefined;
      pump();
    };
    if (deps.sleep) {
      wake = { at };
      void deps.sleep(ms).then(fire);
    } else {
      const handle = setTimeout(fire, ms);
      wake = { at, cancel: () => clearTimeout(handle) };
    }
  };

  const stateOf = (host: string): HostState => {
    let s = hosts.get(host);
    if (!s) {
      s = { active: 0, notBefore: 0 };
      hosts.set(host, s);
    }
    return s;
  };

  const effectiveDelay = (state: HostState, provided: number | undefined): number => {
    const crawlDelay = provided ?? state.crawlDelayMs;
    const clamped = crawlDelay === undefined ? 0 : Math.min(Math.max(0, crawlDelay), options.maxCrawlDelayMs);
    return Math.max(options.minHostDelayMs, clamped);
  };

  const sweep = () => {
    if (hosts.size <= HOST_SWEEP_THRESHOLD) return;
    const t = now();
    const busy = new Set(waiting.map((w) => w.host));
    for (const [h, s] of hosts) if (s.active === 0 && s.notBefore <= t && s.crawlDelayMs === undefined && !busy.has(h)) hosts.delete(h);
  };

  const pump = () => {
    const t = now();
    let earliest: number | undefined;
    for (let i = 0; i < waiting.length && globalActive < options.globalConcurrency; ) {
      const w = waiting[i];
      const s = stateOf(w.host);
      if (s.active >= options.perHostConcurrency) {
        i++;
        continue;
      }
      if (s.notBefore > t) {
        earliest = earliest === undefined ? s.notBefore : Math.min(earliest, s.notBefore);
        i++;
        continue;
      }
      waiting.splice(i, 1);
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      s.active++;
      globalActive++;
      s.notBefore = t + w.delayMs;
      w.resolve();
    }
    sweep();
    if (earliest !== undefined && (wake === undefined || earliest < wake.at)) scheduleWake(earliest, Math.max(0, earliest - t));
    if (waiting.length === 0 && wake !== undefined) {
      wake.cancel?.();
      wake = undefined;
    }
  };

  const acquire = (host: string, delayMs: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const w: Waiter = { host, delayMs, resolve, reject };
      if (signal) {
        w.signal = signal;
        w.onAbort = () => {
          const i = waiting.indexOf(w);
          if (i !== -1) waiting.splice(i, 1);
          reject(signal.reason);
          pump();
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      waiting.push(w);
      pump();
    });

  const release = (host: string, delayMs: number) => {
    const s = stateOf(host);
    s.active--;
    globalActive--;
    // Gap counts from the end too: see the module comment.
    s.notBefore = Math.max(s.notBefore, now() + delayMs);
    pump();
  };

  const holdHost = (host: string, ms: number) => {
    const s = stateOf(host);
    s.notBefore = Math.max(s.notBefore, now() + ms);
  };

  async function run<T>(url: string, task: (attempt: number) => Promise<T>, runOptions: RunOptions = {}): Promise<T> {
    const host = hostKey(url);
    const { signal } = runOptions;
    for (let attempt = 1; ; attempt++) {
      let provided: number | undefined;
      if (deps.crawlDelayMs) {
        try {
          provided = await deps.crawlDelayMs(url);
        } catch (error) {
          deps.logger?.debug({ url, err: error }, 'crawl-delay lookup failed; using the minimum delay');
        }
      }
      const delayMs = effectiveDelay(stateOf(host), provided);
      await acquire(host, delayMs, signal);
      let failure: unknown;
      try {
        return await task(attempt);
      } catch (error) {
        failure = error;
      } finally {
        release(host, delayMs);
      }

      if (signal?.aborted || !isRetryableError(failure)) throw failure;
      const retryAfter = retryAfterOf(failure);
      if (retryAfter !== undefined) {
        holdHost(host, Math.min(retryAfter, options.retryAfterCapMs));
        if (retryAfter > options.retryAfterCapMs) {
          deps.logger?.info({ url, retryAfterMs: retryAfter }, 'Retry-After beyond the cap; giving up for now');
          throw failure;
        }
      }
      if (attempt >= options.maxAttempts) throw failure;
      const wait = retryAfter ?? backoffDelayMs(attempt, options.backoffBaseMs, options.backoffCapMs, random);
      deps.logger?.debug({ url, attempt, waitMs: wait }, 'transient failure; retrying');
      // The slot is released while waiting: other hosts (and other pages) go on meanwhile.
      if (wait > 0) await sleep(wait, signal);
    }
  }

  return {
    run,
    setCrawlDelayMs(url, ms) {
      const s = stateOf(hostKey(url));
      if (ms === undefined) delete s.crawlDelayMs;
      else s.crawlDelayMs = ms;
    },
    stats: () => ({ active: globalActive, waiting: waiting.length, hosts: hosts.size }),
  };
}
