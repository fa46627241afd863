/**
 * The report store of a busy deployment, for bench-reports.ts: 1,000,000 infringement reports
 * (one match, one page row, one 'created' history event each) over ~2,000 copying domains of
 * Zipf-like size with sub-domains, 5,000 owned articles, licensees with consents, and one licensee
 * site ("partner-gazette.example") holding exactly 10,000 undecided-by-consent matches.
 * Deterministic (seeded), so the domain list can be rebuilt without reading the database.
 *
 * The schema comes from openDatabase (the real migrations); rows go in through a second, raw
 * better-sqlite3 connection with prepared statements in big transactions. ANALYZE is not run:
 * the application never runs it, so the query planner sees what it sees in production.
 * Built in a child process (`--build <path>`) so the bench's peak RSS is the bench's own.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, constants, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { reverseHost } from '../../db/host-key.ts';
import { openDatabase } from '../../db/open-db.ts';

// Bump when the generated data changes: the cached file name carries it.
// v2: decisions live in match_decisions (migration 0012).
// v3: built with migration 0013's report indexes (otherwise every run's copy would rebuild them).
export const FIXTURE_VERSION = 'v3';
export const TOTAL_REPORTS = 1_000_000;
export const DOMAIN_COUNT = 2_000;
// Zipf exponent of domain sizes: the biggest copier holds ~12 % of all reports, the smallest ~60.
const DOMAIN_ZIPF = 1.0;
export const ARTICLE_COUNT = 5_000;
// Some articles are copied far more than others, less steeply than domains.
const ARTICLE_ZIPF = 0.8;
// One domain in this many is a licensee's, with a consent (its reports are licensed or breaches),
// and two big copiers are licensees too: about a tenth of all reports fall under a consent.
const LICENSEE_EVERY = 25;
const BIG_LICENSEE_RANKS = [1, 4];
export const PARTNER_DOMAIN = 'partner-gazette.example';
export const PARTNER_LICENSEE = 'Partner Gazette';
export const PARTNER_MATCHES = 10_000;
export const OWNER_DOMAIN = 'daily-news.example';
export const ARTICLE_CREDIT = 'Daily News';
// Reports span one year, fixed so every run builds the same data whatever today is.
export const YEAR_START_MS = Date.UTC(2025, 2, 1);
export const YEAR_MS = 365 * 86_400_000;
// Rows per transaction while loading: big enough that commits are not the cost.
const LOAD_BATCH = 50_000;

export interface BenchDomain {
  rank: number;
  name: string;
  /** Hosts pages live on: the bare domain, www. and other sub-domains. */
  hosts: string[];
  licensee: boolean;
}

/** Small, fast, seeded PRNG (mulberry32): the same world on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks an index 0..n-1 with weight 1/(i+1)^s, by binary search over the cumulative weights. */
export function zipfPicker(n: number, s: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cumulative[i] = total += 1 / Math.pow(i + 1, s);
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const WORDS = ['news', 'daily', 'world', 'post', 'times', 'herald', 'wire', 'feed', 'hub', 'today', 'express', 'chronicle', 'digest', 'buzz', 'report', 'insider', 'update', 'media', 'press', 'journal', 'gazette', 'observer', 'tribune', 'voice', 'star', 'globe', 'mirror', 'planet', 'central', 'now', 'live', 'info', 'review', 'watch', 'line', 'point', 'scoop', 'pulse', 'story', 'trend'];
const TLDS = ['com', 'com', 'com', 'net', 'org', 'info', 'co.uk', 'de', 'fr', 'it', 'es', 'news', 'online', 'blog', 'com.au', 'ca', 'in', 'io'];
const SUBDOMAINS = ['news', 'm', 'blog', 'sport', 'amp', 'de', 'fr', 'es', 'local', 'business', 'tech', 'world', 'mobile'];
export const SECTIONS = ['politics', 'business', 'sport', 'culture', 'science', 'world', 'local', 'tech'];

/** The copying domains, biggest first (deterministic). */
export function buildDomains(): BenchDomain[] {
  const random = seededRandom(7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const seen = new Set<string>([PARTNER_DOMAIN, OWNER_DOMAIN]);
  const domains: BenchDomain[] = [];
  while (domains.length < DOMAIN_COUNT) {
    const rank = domains.length;
    const name = `${pick(WORDS)}${pick(WORDS)}${random() < 0.3 ? Math.floor(random() * 100) : ''}.${pick(TLDS)}`;
    if (seen.has(name)) continue;
    seen.add(name);
    const hosts = [`www.${name}`];
    if (random() < 0.4) hosts.push(name);
    // Aggregators (the biggest copiers) and some others spread over sub-domains.
    if (rank < 20 || random() < 0.15) {
      const subs = new Set<string>();
      const want = 1 + Math.floor(random() * 6);
      while (subs.size < want) subs.add(pick(SUBDOMAINS));
      for (const s of subs) hosts.push(`${s}.${name}`);
    }
    domains.push({ rank, name, hosts, licensee: BIG_LICENSEE_RANKS.includes(rank) || rank % LICENSEE_EVERY === 3 });
  }
  return domains;
}

const STATUS_MIX: [string, number][] = [['new', 0.35], ['confirmed', 0.15], ['dismissed', 0.12], ['notice_sent', 0.15], ['removed', 0.08], ['escalated', 0.03], ['closed', 0.12]];

function pickWeighted(mix: [string, number][], x: number): string {
  for (const [value, weight] of mix) if ((x -= weight) < 0) return value;
  return mix[mix.length - 1][0];
}

const iso = (ms: number) => new Date(ms).toISOString();

function hex64(random: () => number): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  return s;
}

interface Statements {
  page: Database.Statement;
  match: Database.Statement;
  matchDecision: Database.Statement;
  report: Database.Statement;
  event: Database.Statement;
}

function prepareStatements(sqlite: Database.Database): Statements {
  return {
    page: sqlite.prepare(`insert into pages (id, url, title, text_hash, capture_id, first_seen_at, last_seen_at, matched_at, rhost, signals) values (?, ?, ?, ?, null, ?, ?, ?, ?, ?)`),
    match: sqlite.prepare(`insert into matches (id, page_id, article_key, kind, coverage, page_share, copied_words, longest_run, passages, capture_id, flagged, first_seen_at, last_seen_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, ?)`),
    matchDecision: sqlite.prepare(`insert into match_decisions (match_id, decision, reasons, consent_id, detail, decided_at) values (?, ?, ?, ?, ?, ?)`),
    report: sqlite.prepare(`insert into reports (id, page_id, article_key, match_id, page_url, host, rhost, kind, coverage, copied_words, decision, reasons, consent_id, licensee_id, status, assignee, notes, text_hash, first_seen_at, last_seen_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?, ?)`),
    event: sqlite.prepare(`insert into report_events (report_id, at, actor, kind, from_status, to_status, note, detail) values (?, ?, 'copyhound', 'created', null, 'new', ?, ?)`),
  };
}

/** Owned articles, the owner site, licensees (one per licensee domain, plus the partner) and their consents. */
function insertRegistry(sqlite: Database.Database, domains: BenchDomain[], random: () => number): { articleWords: Int32Array; consentOf: Map<number, { consentId: number; licenseeId: number }>; partnerLicenseeId: number } {
  const at = iso(YEAR_START_MS - 30 * 86_400_000);
  const article = sqlite.prepare(`insert into articles (key, id, url, title, body, body_source, published_at, author, language, section, tags, credit, canonical_url, archived_at, content_hash, created_at, updated_at) values (?, ?, ?, ?, ?, 'text', ?, ?, 'en', ?, ?, ?, null, null, ?, ?, ?)`);
  const articleWords = new Int32Array(ARTICLE_COUNT + 1);
  for (let key = 1; key <= ARTICLE_COUNT; key++) {
    const section = SECTIONS[key % SECTIONS.length];
    articleWords[key] = 300 + Math.floor(random() * 1200);
    const published = iso(YEAR_START_MS - 60 * 86_400_000 + random() * YEAR_MS);
    const body = `Story ${key} about ${section}.\n\nIt runs to ${articleWords[key]} words in the real archive; the bench needs only the row.`;
    article.run(key, `dn-${key}`, `https://www.${OWNER_DOMAIN}/${section}/story-${key}`, `Story ${key}`, body, published, `Reporter ${key % 97}`, section, JSON.stringify([section, `topic-${key % 41}`]), random() < 0.7 ? ARTICLE_CREDIT : null, hex64(random), at, at);
  }
  sqlite.prepare(`insert into owner_sites (place, created_by, created_at) values (?, 'bench', ?)`).run(`*.${OWNER_DOMAIN}`, at);
  const licensee = sqlite.prepare(`insert into licensees (name, contacts, notes, places, created_by, created_at, updated_at) values (?, '[]', null, ?, 'bench', ?, ?) returning id`);
  const consent = sqlite.prepare(`insert into consents (uid, licensee_id, scope, places, valid_from, valid_until, use, max_words, max_percent, hold_back_hours, duties, territory, contract_ref, status, created_by, created_at, updated_at) values (?, ?, ?, ?, null, null, 'full', null, null, null, '["credit","link"]', null, null, 'active', 'bench', ?, ?) returning id`);
  const scope = JSON.stringify({ all: true, ids: [], sections: [], tags: [], publishedFrom: null, publishedUntil: null });
  const consentOf = new Map<number, { consentId: number; licenseeId: number }>();
  for (const d of domains.filter((x) => x.licensee)) {
    const places = JSON.stringify([`*.${d.name}`]);
    const licenseeId = (licensee.get(`Licensee of ${d.name}`, places, at, at) as { id: number }).id;
    const consentId = (consent.get(`urn:bench:consent:${d.rank}`, licenseeId, scope, places, at, at) as { id: number }).id;
    consentOf.set(d.rank, { consentId, licenseeId });
  }
  const partnerLicenseeId = (licensee.get(PARTNER_LICENSEE, JSON.stringify([`*.${PARTNER_DOMAIN}`]), at, at) as { id: number }).id;
  return { articleWords, consentOf, partnerLicenseeId };
}

/** Builds the database at `path` (replacing any file there); returns the row counts. */
export async function buildReportsDatabase(path: string): Promise<Record<string, number>> {
  const building = `${path}.building`;
  for (const p of [building, `${building}-wal`, `${building}-shm`]) rmSync(p, { force: true });
  await openDatabase({ path: building, busyTimeoutMs: 5000 }).close();
  const sqlite = new Database(building);
  // Loading only: a crash leaves a `.building` file that is never used, so durability is not needed.
  sqlite.pragma('journal_mode = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -1048576');
  sqlite.pragma('foreign_keys = OFF');
  const random = seededRandom(42);
  const domains = buildDomains();
  const { articleWords, consentOf } = insertRegistry(sqlite, domains, random);
  // Secondary indexes are dropped while loading and built again from their own SQL afterwards:
  // 1M random inserts into 20 indexes took minutes of page-cache churn, a sorted build takes seconds.
  const indexes = sqlite.prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in ('pages', 'matches', 'match_decisions', 'reports', 'report_events')`).all() as { name: string; sql: string }[];
  for (const index of indexes) sqlite.exec(`drop index ${index.name}`);
  const st = prepareStatements(sqlite);
  const pickDomain = zipfPicker(domains.length, DOMAIN_ZIPF, random);
  const pickArticle = zipfPicker(ARTICLE_COUNT, ARTICLE_ZIPF, random);
  const partnerHosts = [`www.${PARTNER_DOMAIN}`, PARTNER_DOMAIN, `m.${PARTNER_DOMAIN}`];
  // Partner pages are interleaved at about its share; the last ones fill up what is left.
  const partnerShare = PARTNER_MATCHES / TOTAL_REPORTS;
  let pageId = 0;
  let reportId = 0;
  let partnerLeft = PARTNER_MATCHES;

  const addPage = (partner: boolean, maxReports: number, position: number) => {
    const domain = partner ? null : domains[pickDomain()];
    const hosts = domain ? domain.hosts : partnerHosts;
    const host = random() < 0.6 ? hosts[0] : hosts[Math.floor(random() * hosts.length)];
    const rhost = reverseHost(host);
    const section = SECTIONS[Math.floor(random() * SECTIONS.length)];
    const firstMs = YEAR_START_MS + position * YEAR_MS + random() * 3_600_000;
    // Most copies stay up for a while; about a third are still there at the end of the year.
    const lastMs = random() < 0.35 ? YEAR_START_MS + YEAR_MS - random() * 7 * 86_400_000 : firstMs + random() * (YEAR_START_MS + YEAR_MS - firstMs) * random();
    const first = iso(firstMs);
    const last = iso(Math.max(firstMs, lastMs));
    const id = ++pageId;
    const url = `https://${host}/${section}/${first.slice(0, 4)}/${first.slice(5, 7)}/copied-story-${id}`;
    const textHash = hex64(random);
    const credited = random() < 0.75;
    const signals = JSON.stringify({ canonicalUrl: null, credits: credited ? [`${ARTICLE_CREDIT} / agencies`] : [], author: random() < 0.5 ? `Staff ${id % 13}` : null, siteName: host, links: [`https://${host}/`, `https://${host}/${section}/`], publishedAt: random() < 0.5 ? first : null });
    st.page.run(id, url, `Copied story ${id}`, textHash, first, last, last, rhost, signals);
    const licence = domain && domain.licensee ? consentOf.get(domain.rank)! : null;
    const want = Math.min(maxReports, 1 + Math.floor(random() * random() * 4));
    const used = new Set<number>();
    for (let k = 0; k < want; k++) {
      let articleKey = pickArticle() + 1;
      while (used.has(articleKey)) articleKey = (articleKey % ARTICLE_COUNT) + 1;
      used.add(articleKey);
      const r = random();
      const kind = r < 0.3 ? 'reproduction' : r < 0.98 || partner ? 'excerpt' : 'quotation';
      const coverage = kind === 'reproduction' ? 0.8 + random() * 0.2 : kind === 'excerpt' ? 0.1 + random() * 0.7 : random() * 0.1;
      const words = Math.max(1, Math.round(coverage * articleWords[articleKey]));
      let decision = 'unlicensed';
      let reasons = '[]';
      let consentId: number | null = null;
      let licenseeId: number | null = null;
      let status = pickWeighted(STATUS_MIX, random());
      let note = 'no consent covers the page';
      if (kind === 'quotation') {
        decision = 'allowed_quotation';
        status = 'dismissed';
        note = `the match is a quotation (${words} copied words)`;
      } else if (licence) {
        ({ consentId, licenseeId } = licence);
        if (random() < 0.35) {
          decision = 'licensed';
          status = random() < 0.9 ? 'licensed' : 'closed';
          note = `consent ${consentId} covers the page and every term is met`;
        } else {
          decision = 'licence_breach';
          reasons = random() < 0.6 ? '["credit_missing"]' : '["link_back_missing"]';
          note = `closest consent ${consentId} is broken: ${reasons.slice(2, -2)}`;
        }
      }
      const detail = `{"at":"${last}","explanation":[${JSON.stringify(note)}],"considered":[],"pending":[],"signals":[]}`;
      const matchId = ++reportId;
      const passages = JSON.stringify([{ pageStart: 0, pageEnd: words * 6, articleStart: 0, articleEnd: words * 6 }]);
      const flagged = status === 'confirmed' || status === 'notice_sent' || status === 'escalated' ? 1 : 0;
      st.match.run(matchId, id, articleKey, kind, coverage, Math.min(1, coverage * 0.8), words, Math.ceil(words * 0.6), passages, flagged, first, last);
      st.matchDecision.run(matchId, decision, reasons, consentId, detail, last);
      const assignee = status === 'new' || status === 'dismissed' ? null : `reviewer-${matchId % 7}`;
      st.report.run(matchId, id, articleKey, matchId, url, host, rhost, kind, coverage, words, decision, reasons, consentId, licenseeId, status, assignee, textHash, first, last, first, last);
      st.event.run(matchId, first, note, `{"decision":"${decision}","reasons":${reasons},"consentId":${consentId ?? 'null'}}`);
    }
    return want;
  };

  const load = sqlite.transaction((untilReports: number) => {
    while (reportId < untilReports) {
      const left = TOTAL_REPORTS - reportId;
      const partner = partnerLeft > 0 && (random() < partnerShare || left <= partnerLeft);
      const cap = partner ? partnerLeft : left - partnerLeft;
      const made = addPage(partner, Math.min(cap, untilReports - reportId), reportId / TOTAL_REPORTS);
      if (partner) partnerLeft -= made;
    }
  });
  while (reportId < TOTAL_REPORTS) load(Math.min(TOTAL_REPORTS, reportId + LOAD_BATCH));
  for (const index of indexes) sqlite.exec(index.sql);
  const violations = sqlite.pragma('foreign_key_check') as unknown[];
  if (violations.length > 0) throw new Error(`bench data breaks ${violations.length} foreign keys, e.g. ${JSON.stringify(violations[0])}`);
  const counts: Record<string, number> = {};
  for (const t of ['articles', 'pages', 'matches', 'reports', 'report_events', 'licensees', 'consents']) counts[t] = (sqlite.prepare(`select count(*) as n from ${t}`).get() as { n: number }).n;
  sqlite.pragma('journal_mode = WAL');
  sqlite.close();
  for (const p of [`${path}-wal`, `${path}-shm`]) rmSync(p, { force: true });
  renameSync(building, path);
  return counts;
}

/**
 * The cached 1M-report database (one file per fixture version in the OS temp dir), built in a
 * child process when missing or when `fresh`, so the caller's peak RSS stays its own.
 */
export function ensureReportsFixture(fresh: boolean): string {
  const path = join(tmpdir(), `copyhound-bench-reports-${FIXTURE_VERSION}.db`);
  if (existsSync(path) && !fresh) {
    console.log(`data: cached ${path} (--fresh to build it again)`);
    return path;
  }
  console.log(`data: building ${path} (a minute or two) ...`);
  const child = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--build', path], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`building the bench database failed (exit ${child.status})`);
  const built = JSON.parse(child.stdout) as { counts: Record<string, number>; seconds: number; peakRssMb: number };
  console.log(`data: generated in ${built.seconds.toFixed(1)} s (builder peak RSS ${built.peakRssMb.toFixed(0)} MB): ${JSON.stringify(built.counts)}`);
  return path;
}

/** A private copy of the fixture at `path`, written out before timing starts (no write-back under the measurements). */
export function copyReportsFixture(fixture: string, path: string): void {
  copyFileSync(fixture, path, constants.COPYFILE_FICLONE);
  const fd = openSync(path, 'r+');
  fsyncSync(fd);
  closeSync(fd);
}

// `node --import tsx reports-fixture.ts --build <path>`: what ensureReportsFixture runs in a child.
if (process.argv[2] === '--build' && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const started = performance.now();
  const counts = await buildReportsDatabase(process.argv[3]);
  process.stdout.write(`${JSON.stringify({ counts, seconds: (performance.now() - started) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}
