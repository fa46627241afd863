import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer } from '../helpers/start-app-server.ts';
import { parsePrometheusText, valueOf } from './prometheus-text.ts';

/**
 * One scrape over a database the size of a small deployment's first weeks: thousands of reports,
 * matches and captured bodies, and sources with long run histories whose work lists are large.
 * The database figures are read at scrape time, so a scrape must stay cheap.
 */

const REPORTS = 5_000;
const SOURCES = 20;
const RUNS_PER_SOURCE = 100;
// URLs in each stored run's work list: the rows a status count must not have to read.
const FRONTIER_URLS = 300;
const SCRAPES = 7;
// About 15 times what this takes here (6-7 ms): a shared 2-core CI machine must not fail it, a full table read of a big table would.
const MAX_MEDIAN_SCRAPE_MS = 100;
const STATUSES = ['new', 'confirmed', 'dismissed', 'notice_sent', 'closed'];
const AT = '2026-11-01T00:00:00.000Z';

let dir: string;
let started: Awaited<ReturnType<typeof startAppServer>>;

function seed(path: string): void {
  const sqlite = new Database(path);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.transaction(() => {
    sqlite.prepare(`insert into articles (key, id, url, title, body, body_source, content_hash, created_at, updated_at) values (1, 'a-1', 'https://owner.example/a-1', 'Owned', 'Body text.', 'text', 'h', ?, ?)`).run(AT, AT);
    const page = sqlite.prepare(`insert into pages (id, url, title, text_hash, first_seen_at, last_seen_at) values (?, ?, 'Copy', 'h', ?, ?)`);
    const match = sqlite.prepare(`insert into matches (id, page_id, article_key, kind, coverage, page_share, copied_words, longest_run, passages, flagged, first_seen_at, last_seen_at) values (?, ?, 1, 'excerpt', 0.5, 0.5, 100, 50, '[]', 0, ?, ?)`);
    const report = sqlite.prepare(
      `insert into reports (page_id, article_key, match_id, page_url, host, rhost, kind, coverage, copied_words, decision, reasons, status, text_hash, first_seen_at, last_seen_at, created_at, updated_at) values (?, 1, ?, ?, ?, ?, 'excerpt', 0.5, 100, 'unlicensed', '[]', ?, 'h', ?, ?, ?, ?)`,
    );
    const body = sqlite.prepare(`insert into capture_bodies (sha256, size, warc_path, warc_record_id, target_uri, warc_date, created_at) values (?, ?, 'w.warc.gz', 'urn:x', ?, ?, ?)`);
    for (let i = 1; i <= REPORTS; i++) {
      const host = `copier-${i % 97}.example`;
      const url = `https://${host}/story-${i}`;
      page.run(i, url, AT, AT);
      match.run(i, i, AT, AT);
      report.run(i, i, url, host, `example.copier-${i % 97}.`, STATUSES[i % STATUSES.length], AT, AT, AT, AT);
      body.run(i.toString(16).padStart(64, '0'), 1000 + i, url, AT, AT);
    }
    const source = sqlite.prepare(`insert into sources (name, type, url, limits, enabled, is_owner_feed, created_at, updated_at) values (?, 'feed', 'https://feeds.example/rss', '{}', 1, 0, ?, ?) returning id`);
    const run = sqlite.prepare(`insert into crawl_runs (source_id, status, started_at, finished_at, frontier, pages_fetched, pages_unchanged, pages_failed, matches_found, errors) values (?, ?, ?, ?, ?, ?, 0, ?, 0, ?)`);
    const frontier = JSON.stringify({ kind: 'list', urls: Array.from({ length: FRONTIER_URLS }, (_, k) => `https://news.example/section/${k}/a-long-story-slug-${k}.html`) });
    for (let s = 0; s < SOURCES; s++) {
      const { id } = source.get(`source-${s}`, AT, AT) as { id: number };
      for (let r = 0; r < RUNS_PER_SOURCE; r++) run.run(id, r % 10 === 0 ? 'failed' : 'completed', AT, AT, frontier, 50 + r, r % 3, JSON.stringify(r % 3 ? { timeout: r % 3 } : {}));
    }
  })();
  sqlite.close();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'copyhound-metrics-cost-'));
  started = await startAppServer(dir);
  seed(started.app.config.db.path);
}, 60_000);

afterAll(async () => {
  await started?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the cost of a scrape', () => {
  it(`stays under ${MAX_MEDIAN_SCRAPE_MS} ms (median of ${SCRAPES}) with ${REPORTS} reports and ${SOURCES * RUNS_PER_SOURCE} stored runs`, async () => {
    const times: number[] = [];
    let text = '';
    for (let i = 0; i < SCRAPES; i++) {
      const t0 = performance.now();
      const response = await fetch(`${started.server.url}/metrics`);
      text = await response.text();
      times.push(performance.now() - t0);
      expect(response.status).toBe(200);
    }
    const median = [...times].sort((a, b) => a - b)[Math.floor(SCRAPES / 2)];
    console.log(`metrics scrape: median ${median.toFixed(1)} ms, first ${times[0].toFixed(1)} ms, over ${REPORTS} reports, ${SOURCES * RUNS_PER_SOURCE} runs, ${REPORTS} capture bodies`);
    const samples = parsePrometheusText(text).samples;
    for (const status of STATUSES) expect(valueOf(samples, 'copyhound_reports', { status }), status).toBe(REPORTS / STATUSES.length);
    expect(valueOf(samples, 'copyhound_matches')).toBe(REPORTS);
    expect(valueOf(samples, 'copyhound_crawl_runs', { status: 'failed' })).toBe(SOURCES * (RUNS_PER_SOURCE / 10));
    expect(valueOf(samples, 'copyhound_source_last_run_pages_fetched', { source: 'source-0' })).toBe(50 + RUNS_PER_SOURCE - 1);
    expect(valueOf(samples, 'copyhound_capture_body_bytes')).toBe(1000 * REPORTS + (REPORTS * (REPORTS + 1)) / 2);
    expect(median).toBeLessThan(MAX_MEDIAN_SCRAPE_MS);
  });
});
