import { z } from 'zod';
import { defineSetting, envBool, envInt, envList } from './define.ts';

/** Settings of the crawl stage; see config/index.ts for how sections are loaded. */
export const crawlSettings = {
  // The robots.txt product token: short, stable and documented so site owners can address us.
  userAgentToken: defineSetting(
    'COPYHOUND_CRAWL_USER_AGENT_TOKEN',
    z.string().regex(/^[A-Za-z_-]+$/, 'letters, "_" and "-" only (RFC 9309 product token)'),
    'CopyhoundBot',
    'Product token matched against robots.txt User-agent lines.',
  ),

  // Politeness -------------------------------------------------------------------------------
  // One request at a time per host is the conventional polite default for a non-search crawler.
  perHostConcurrency: defineSetting('COPYHOUND_CRAWL_PER_HOST_CONCURRENCY', envInt(1, 16), 1, 'Requests in flight to one host at once.'),
  // Enough to keep a 2-core box busy with I/O across many hosts without flooding its own network.
  globalConcurrency: defineSetting('COPYHOUND_CRAWL_GLOBAL_CONCURRENCY', envInt(1, 256), 8, 'Requests in flight across all hosts.'),
  // 1 s between requests to one host stays far below any news site's normal load.
  minHostDelayMs: defineSetting('COPYHOUND_CRAWL_MIN_HOST_DELAY_MS', envInt(0, 600_000), 1000, 'Minimum gap between request starts to one host (ms); robots Crawl-delay may raise it.'),
  // A Crawl-delay of hours would stall a run; past this cap the host is simply visited slowly.
  maxCrawlDelayMs: defineSetting('COPYHOUND_CRAWL_MAX_CRAWL_DELAY_MS', envInt(0, 86_400_000), 60_000, 'Largest robots.txt Crawl-delay honoured (ms).'),
  // Waiting longer than 10 min in memory holds a slot hostage; the scheduler should requeue instead.
  retryAfterCapMs: defineSetting('COPYHOUND_CRAWL_RETRY_AFTER_CAP_MS', envInt(0, 86_400_000), 600_000, 'Longest Retry-After waited in place (ms); longer ones fail the task with retryAfterMs set.'),
  // Three tries ride out a blip without hammering a host that is really down.
  maxAttempts: defineSetting('COPYHOUND_CRAWL_MAX_ATTEMPTS', envInt(1, 20), 3, 'Attempts per request, first one included, for transient errors.'),
  // 1 s base doubles to the cap quickly enough that a short outage is bridged within a minute.
  backoffBaseMs: defineSetting('COPYHOUND_CRAWL_BACKOFF_BASE_MS', envInt(0, 600_000), 1000, 'Exponential backoff base (ms); full jitter in [0, base*2^n].'),
  backoffCapMs: defineSetting('COPYHOUND_CRAWL_BACKOFF_CAP_MS', envInt(0, 3_600_000), 60_000, 'Largest single backoff wait (ms).'),

  // robots.txt -------------------------------------------------------------------------------
  // RFC 9309 §2.4: a cached robots.txt should not be used for more than 24 hours.
  robotsTtlMs: defineSetting('COPYHOUND_CRAWL_ROBOTS_TTL_MS', envInt(1000, 86_400_000), 86_400_000, 'How long a fetched robots.txt is trusted (ms, at most 24 h).'),
  // A 5xx robots.txt means "assume disallowed": retry soon so a short outage does not block a day.
  robotsErrorTtlMs: defineSetting('COPYHOUND_CRAWL_ROBOTS_ERROR_TTL_MS', envInt(1000, 86_400_000), 600_000, 'How long an unreachable/5xx robots.txt (disallow all) is cached (ms).'),
  // RFC 9309 §2.5: parsers must handle at least 500 KiB; anything after is ignored.
  robotsMaxBytes: defineSetting('COPYHOUND_CRAWL_ROBOTS_MAX_BYTES', envInt(512_000, 10_000_000), 512_000, 'robots.txt bytes parsed; the rest is ignored.'),

  // Site crawl -------------------------------------------------------------------------------
  // Articles sit within 2-3 clicks of a section front; deeper is mostly archives and tag pages.
  siteMaxDepth: defineSetting('COPYHOUND_CRAWL_SITE_MAX_DEPTH', envInt(0, 50), 3, 'Link depth from the start page in a site crawl.'),
  // Bounds one run's cost per site; new articles show up near the front pages anyway.
  siteMaxPages: defineSetting('COPYHOUND_CRAWL_SITE_MAX_PAGES', envInt(1, 1_000_000), 500, 'Pages fetched per site crawl run.'),
  // www.example.com and example.com are nearly always one site; treating them apart loses links.
  siteIncludeWww: defineSetting('COPYHOUND_CRAWL_SITE_INCLUDE_WWW', envBool, true, 'Treat the www. variant of the start host as the same site.'),
  // Off by default: many CMSs put article ids in the query (?p=123); per-path caps bound traps instead.
  siteDropQuery: defineSetting('COPYHOUND_CRAWL_SITE_DROP_QUERY', envBool, false, 'Drop every query string from discovered URLs in a site crawl.'),
  // Faceted search and sort orders multiply one path into thousands of URLs; a few variants suffice.
  siteMaxQueryVariantsPerPath: defineSetting('COPYHOUND_CRAWL_SITE_MAX_QUERY_VARIANTS', envInt(1, 100_000), 20, 'Distinct query strings accepted per path in one site crawl.'),

  // URL normalisation and traps --------------------------------------------------------------
  // 2,000 chars is the de-facto limit of browsers and sitemaps; longer ones are nearly always traps.
  urlMaxLength: defineSetting('COPYHOUND_CRAWL_URL_MAX_LENGTH', envInt(64, 100_000), 2048, 'Longest URL accepted.'),
  // News URLs rarely go past 8 segments; 12 leaves room and still stops relative-link spirals.
  urlMaxPathDepth: defineSetting('COPYHOUND_CRAWL_URL_MAX_PATH_DEPTH', envInt(1, 1000), 12, 'Most path segments in a URL.'),
  // /a/b/a/b/a/b spirals come from broken relative links; a segment seen 3 times is such a loop.
  urlMaxSegmentRepeats: defineSetting('COPYHOUND_CRAWL_URL_MAX_SEGMENT_REPEATS', envInt(1, 100), 2, 'Times one path segment may occur in a URL.'),
  // Calendar widgets link to any year; real news archives do not predate the web.
  urlCalendarMinYear: defineSetting('COPYHOUND_CRAWL_URL_CALENDAR_MIN_YEAR', envInt(1000, 9999), 1990, 'Year-like URL parts before this are treated as a calendar trap.'),
  // Tracking parameters on top of the built-in list (utm_*, fbclid, gclid, ...).
  extraStripParams: defineSetting('COPYHOUND_CRAWL_EXTRA_STRIP_PARAMS', envList, [], 'Extra query parameter names removed when normalising URLs (comma-separated).'),

  // Sitemaps ---------------------------------------------------------------------------------
  // Indexes nest one level in practice; 3 covers odd setups without letting a loop run away.
  sitemapMaxDepth: defineSetting('COPYHOUND_CRAWL_SITEMAP_MAX_DEPTH', envInt(0, 10), 3, 'Nesting of sitemap indexes followed.'),
  // Large publishers split by day; a few hundred files cover years of archive.
  sitemapMaxFiles: defineSetting('COPYHOUND_CRAWL_SITEMAP_MAX_FILES', envInt(1, 100_000), 500, 'Sitemap files fetched per discovery run.'),
  // Sitemaps protocol: 50,000 URLs per file; this caps a whole run at a bounded memory/cost.
  sitemapMaxUrls: defineSetting('COPYHOUND_CRAWL_SITEMAP_MAX_URLS', envInt(1, 10_000_000), 200_000, 'Page URLs yielded per discovery run.'),
  // Sitemaps protocol: 50 MB uncompressed per file; the cap also stops gzip bombs.
  sitemapMaxBytes: defineSetting('COPYHOUND_CRAWL_SITEMAP_MAX_BYTES', envInt(1024, 500_000_000), 52_428_800, 'Largest (decompressed) sitemap file parsed (bytes).'),

  // URL lists --------------------------------------------------------------------------------
  // A list bigger than this is a bulk import and belongs to another path.
  urlListMaxEntries: defineSetting('COPYHOUND_CRAWL_URL_LIST_MAX_ENTRIES', envInt(1, 10_000_000), 100_000, 'URLs accepted from one uploaded list.'),
};
