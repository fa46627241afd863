/**
 * robots.txt per RFC 9309, parsed by the maintained `robots-parser` package, cached per origin
 * (scheme + host + port) and fetched through the injected FetchText.
 *
 * Outcome of a fetch (RFC 9309 §2.3.1):
 * - 2xx → parse the rules (first `maxBytes` only, §2.5).
 * - 4xx, too many redirects, or a type the fetcher refused → "unavailable": allow everything.
 *   429 is the exception: it means "slow down", so it counts as unreachable (as Google does).
 * - 5xx, network/DNS/TLS/timeout errors → "unreachable": disallow everything, cached for the
 *   shorter error TTL so the host is retried soon.
 * Redirects are followed by the fetcher (it allows 5); rules apply to the origin that was asked.
 */
import robotsParserModule from 'robots-parser';
import type { Config } from '../config/index.ts';
import type { Logger } from '../src/log.ts';
import { FetchError, ValidationError } from '../src/errors.ts';
import type { FetchText } from './types.ts';

// The package's typings declare an ES default export, but it is CommonJS (module.exports = fn):
// Node hands the function itself to a default import, which TypeScript (NodeNext) cannot see.
type RobotsParser = typeof import('robots-parser').default;
const robotsParser = ((robotsParserModule as unknown as { default?: RobotsParser }).default ?? robotsParserModule) as unknown as RobotsParser;
type Robot = ReturnType<RobotsParser>;

/** Refusals of our own fetch guard: reported under their own reason, never as robots_disallowed. */
const REFUSAL_REASONS = ['blocked_address', 'contact_url_unset'] as const;
type RefusalReason = (typeof REFUSAL_REASONS)[number];
const isRefusalReason = (reason: string): reason is RefusalReason => (REFUSAL_REASONS as readonly string[]).includes(reason);

export type RobotsStatus = 'parsed' | 'allow_all' | 'disallow_all';

export interface RobotsRecord {
  origin: string;
  status: RobotsStatus;
  /** HTTP status of the robots.txt answer, when there was one. */
  httpStatus?: number;
  /** Why the rules are allow_all/disallow_all, for logs and source health. */
  note?: string;
  fetchedAt: number;
  expiresAt: number;
  /** Crawl-delay for our token (or *), in seconds as written, uncapped. */
  crawlDelaySeconds?: number;
  /** Sitemap: lines, absolute URLs. */
  sitemaps: string[];
  /**
   * Our own fetch guard refused the host (a private address not allow-listed, or the public web
   * with no contact URL set): no page there can be fetched, and that, not robots.txt, is why.
   */
  refused?: { reason: RefusalReason; message: string };
}

export interface RobotsCacheOptions {
  /** Product token matched against User-agent lines (config crawl.userAgentToken). */
  userAgentToken: string;
  ttlMs: number;
  errorTtlMs: number;
  maxBytes: number;
  /** Crawl-delay above this is clamped (config crawl.maxCrawlDelayMs). */
  maxCrawlDelayMs: number;
  /** Injectable clock for tests. */
  now?: () => number;
  logger?: Logger;
  /**
   * The answers shared with the installation's other crawl processes (crawlers/robots-store.ts):
   * an origin's robots.txt is then fetched by one process per expiry, not by each.
   */
  shared?: RobotsShare;
}

/** An answer as shared between processes: enough to rebuild the record (the rules from `body`). */
export interface SharedRobotsAnswer {
  origin: string;
  status: RobotsStatus;
  httpStatus: number | null;
  body: string | null;
  note: string | null;
  fetchedAt: number;
  expiresAt: number;
}

export interface RobotsShare {
  /**
   * A fresh answer another process stored, waiting while one fetches it; null when this process
   * is to fetch it (and then save what it got). `now`: the cache's clock (ms), for claims and expiry.
   */
  lookup(origin: string, now: () => number): Promise<SharedRobotsAnswer | null>;
  save(answer: SharedRobotsAnswer): Promise<void>;
  /** Lets the others fetch it at once: this process's answer is not theirs (a refusal of its own guard). */
  release(origin: string): Promise<void>;
}

export function robotsOptionsFromConfig(crawl: Config['crawl']): RobotsCacheOptions {
  return {
    userAgentToken: crawl.userAgentToken,
    ttlMs: crawl.robotsTtlMs,
    errorTtlMs: crawl.robotsErrorTtlMs,
    maxBytes: crawl.robotsMaxBytes,
    maxCrawlDelayMs: crawl.maxCrawlDelayMs,
  };
}

// RFC 9309 §2.4 caps caching at 24 hours whatever the setting says.
const MAX_TTL_MS = 24 * 60 * 60 * 1000;
// Bounds memory on a long-running service that touches many hosts; eviction only costs a refetch.
const MAX_CACHED_ORIGINS = 10_000;

export type RobotsVerdict =
  | { allowed: true; record: RobotsRecord }
  | { allowed: false; reason: 'robots_disallowed' | RefusalReason; record: RobotsRecord; retryable: boolean; retryAfterMs?: number };

interface Entry {
  record: RobotsRecord;
  robot?: Robot;
  /** The rules' text as parsed, kept to share the answer. */
  body?: string;
}

export function originOf(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ValidationError(`Not a valid URL: ${url}`, { url });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ValidationError(`robots.txt applies to http(s) URLs only: ${url}`, { url });
  return u.origin;
}

export class RobotsCache {
  private readonly fetch: FetchText;
  private readonly options: RobotsCacheOptions;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();

  constructor(fetch: FetchText, options: RobotsCacheOptions) {
    this.fetch = fetch;
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** The cached (or freshly fetched) record for the URL's origin. */
  async getRecord(url: string): Promise<RobotsRecord> {
    return (await this.entry(url)).record;
  }

  /** Whether our user-agent may fetch this URL. */
  async isAllowed(url: string): Promise<boolean> {
    return (await this.check(url)).allowed;
  }

  /** Verdict with the reason a refusal should be reported under. */
  async check(url: string): Promise<RobotsVerdict> {
    const entry = await this.entry(url);
    const { record } = entry;
    if (isRobotsTxtItself(url)) return { allowed: true, record };
    if (record.status === 'allow_all') return { allowed: true, record };
    if (record.refused !== undefined) return { allowed: false, reason: record.refused.reason, record, retryable: false };
    if (record.status === 'disallow_all') {
      // Unreachable robots.txt: the page may be fine later, once robots.txt answers again.
      return { allowed: false, reason: 'robots_disallowed', record, retryable: true, retryAfterMs: Math.max(0, record.expiresAt - this.now()) };
    }
    const verdict = entry.robot!.isAllowed(url, this.options.userAgentToken);
    return verdict === false ? { allowed: false, reason: 'robots_disallowed', record, retryable: false } : { allowed: true, record };
  }

  /** Throws FetchError('robots_disallowed'), or our guard's own reason for a refused host, when the URL may not be fetched. */
  async assertAllowed(url: string): Promise<void> {
    const v = await this.check(url);
    if (v.allowed) return;
    if (v.record.refused !== undefined) throw new FetchError(v.record.refused.reason, url, `Not fetched: ${v.record.refused.message}`, { retryable: false });
    const why = v.record.status === 'disallow_all' ? `robots.txt of ${v.record.origin} is unreachable (${v.record.note ?? 'error'})` : `robots.txt of ${v.record.origin} disallows it`;
    throw new FetchError('robots_disallowed', url, `Not fetched: ${why}`, {
      retryable: v.retryable,
      ...(v.retryAfterMs !== undefined ? { retryAfterMs: v.retryAfterMs } : {}),
      ...(v.record.httpStatus !== undefined ? { status: v.record.httpStatus } : {}),
    });
  }

  /** Crawl-delay for our token in ms, clamped to maxCrawlDelayMs; undefined when none is set. */
  async getCrawlDelayMs(url: string): Promise<number | undefined> {
    const s = (await this.entry(url)).record.crawlDelaySeconds;
    return s === undefined ? undefined : Math.min(Math.round(s * 1000), this.options.maxCrawlDelayMs);
  }

  async getSitemaps(url: string): Promise<string[]> {
    return (await this.entry(url)).record.sitemaps;
  }

  /** Forget one origin (e.g. after a site owner asks us to re-read their robots.txt). */
  invalidate(url: string): void {
    this.entries.delete(originOf(url));
  }

  get size(): number {
    return this.entries.size;
  }

  private async entry(url: string): Promise<Entry> {
    const origin = originOf(url);
    const cached = this.entries.get(origin);
    if (cached && cached.record.expiresAt > this.now()) return cached;
    const running = this.inflight.get(origin);
    if (running) return running;
    const p = this.load(origin).finally(() => this.inflight.delete(origin));
    this.inflight.set(origin, p);
    return p;
  }

  private async load(origin: string): Promise<Entry> {
    const shared = this.options.shared ? await this.options.shared.lookup(origin, this.now) : null;
    if (shared) return this.remember(this.fromShared(shared));
    const robotsUrl = `${origin}/robots.txt`;
    const fetchedAt = this.now();
    let entry: Entry;
    try {
      const res = await this.fetch(robotsUrl, { headers: { accept: 'text/plain, */*;q=0.5' } });
      entry = this.fromStatus(origin, robotsUrl, res.status, res.text, fetchedAt);
    } catch (error) {
      entry = this.fromError(origin, robotsUrl, error, fetchedAt);
    }
    this.options.logger?.debug({ origin, status: entry.record.status, httpStatus: entry.record.httpStatus, note: entry.record.note }, 'robots.txt loaded');
    this.remember(entry);
    // A refusal of our own fetch guard depends on this process's settings: it is not shared.
    if (this.options.shared && entry.record.refused !== undefined) {
      await this.options.shared.release(origin).catch((error: unknown) => this.options.logger?.warn({ err: error, origin }, 'robots.txt claim not released'));
    } else if (this.options.shared) {
      const { record } = entry;
      const answer: SharedRobotsAnswer = { origin, status: record.status, httpStatus: record.httpStatus ?? null, body: entry.body ?? null, note: record.note ?? null, fetchedAt: record.fetchedAt, expiresAt: record.expiresAt };
      // The answer holds for this process either way; the others fetch it themselves once the claim lapses.
      await this.options.shared.save(answer).catch((error: unknown) => this.options.logger?.warn({ err: error, origin }, 'robots.txt answer not shared'));
    }
    return entry;
  }

  private remember(entry: Entry): Entry {
    const { origin } = entry.record;
    this.entries.delete(origin);
    this.entries.set(origin, entry);
    if (this.entries.size > MAX_CACHED_ORIGINS) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  /** The record another process stored, rebuilt as if fetched here (the rules parsed again). */
  private fromShared(answer: SharedRobotsAnswer): Entry {
    const { origin } = answer;
    const entry =
      answer.status === 'parsed'
        ? this.fromStatus(origin, `${origin}/robots.txt`, answer.httpStatus ?? 200, answer.body ?? '', answer.fetchedAt)
        : this.simple(origin, answer.status, answer.fetchedAt, answer.note ?? '', answer.httpStatus ?? undefined);
    entry.record.expiresAt = answer.expiresAt;
    return entry;
  }

  private ttl(kind: 'ok' | 'error'): number {
    return Math.min(kind === 'ok' ? this.options.ttlMs : this.options.errorTtlMs, MAX_TTL_MS);
  }

  private simple(origin: string, status: RobotsStatus, fetchedAt: number, note: string, httpStatus?: number): Entry {
    const kind = status === 'disallow_all' ? 'error' : 'ok';
    const record: RobotsRecord = { origin, status, note, fetchedAt, expiresAt: fetchedAt + this.ttl(kind), sitemaps: [] };
    if (httpStatus !== undefined) record.httpStatus = httpStatus;
    return { record };
  }

  private fromStatus(origin: string, robotsUrl: string, status: number, text: string, fetchedAt: number): Entry {
    if (status >= 200 && status < 300) {
      const body = text.length > this.options.maxBytes ? text.slice(0, this.options.maxBytes) : text;
      const robot = robotsParser(robotsUrl, body);
      const record: RobotsRecord = { origin, status: 'parsed', httpStatus: status, fetchedAt, expiresAt: fetchedAt + this.ttl('ok'), sitemaps: [] };
      const delay = Number(robot.getCrawlDelay(this.options.userAgentToken));
      if (Number.isFinite(delay) && delay > 0) record.crawlDelaySeconds = delay;
      record.sitemaps = robot.getSitemaps().filter((s: string) => /^https?:\/\//i.test(s));
      return { record, robot, body };
    }
    if (status === 429 || status >= 500) return this.simple(origin, 'disallow_all', fetchedAt, `HTTP ${status}`, status);
    // 4xx (incl. 404/401/403) and a 3xx the fetcher gave up on: robots.txt is unavailable.
    return this.simple(origin, 'allow_all', fetchedAt, `HTTP ${status}`, status);
  }

  private fromError(origin: string, robotsUrl: string, error: unknown, fetchedAt: number): Entry {
    if (error instanceof FetchError) {
      // A fetcher that throws on non-2xx statuses still tells us which one.
      if (error.status !== undefined) return this.fromStatus(origin, robotsUrl, error.status, '', fetchedAt);
      if (error.reason === 'too_many_redirects') return this.simple(origin, 'allow_all', fetchedAt, 'too many redirects');
      if (error.reason === 'unsupported_type') return this.simple(origin, 'allow_all', fetchedAt, 'not a text file');
      if (isRefusalReason(error.reason)) {
        const entry = this.simple(origin, 'disallow_all', fetchedAt, error.reason);
        entry.record.refused = { reason: error.reason, message: error.message };
        return entry;
      }
      return this.simple(origin, 'disallow_all', fetchedAt, error.reason);
    }
    const message = error instanceof Error ? error.message : String(error);
    return this.simple(origin, 'disallow_all', fetchedAt, `unreachable: ${message}`);
  }
}

function isRobotsTxtItself(url: string): boolean {
  try {
    return new URL(url).pathname === '/robots.txt';
  } catch {
    return false;
  }
}
