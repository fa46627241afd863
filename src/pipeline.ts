import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import type { App } from './app.ts';
import { findMatchesOfPageForDecision } from '../db/match-decisions.ts';
import { touchPage, upsertMatches, upsertPage, findPageByUrl, readRegistryChangedAt } from '../db/matches.ts';
import type { PageSignalsRow } from '../db/schema/matches.ts';
import { decideMatches, decideUnstored, linkSighting, loadRightsSnapshot, pageRhostOf, pageSignalsOf, SYSTEM_ACTOR } from './decide-store.ts';
import type { DecisionOutcome } from './rights/decide.ts';
import type { Decision } from './rights/types.ts';
import type { Db } from '../db/open-db.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import { tryNormaliseUrl } from '../crawlers/url-normalise.ts';
import { saveArticles } from './articles/article-registry.ts';
import { CopyhoundError, ExtractionError, FetchError, ValidationError } from './errors.ts';
import { createEmptyArticle, type ExtractedArticle } from './extract/extract-article.ts';
import { assertOk, fetchPage, type FetchedPage } from './fetch/index.ts';
import { readPageFile } from './fetch/read-page-file.ts';
import { matchTextLoading, type MatchResult } from './match/index.ts';

/**
 * Where fetch, capture, extraction and matching meet. The CLI, the API and (later) the crawlers
 * all go through here, so a page is treated the same whichever way it arrives.
 */

/** A page to look at: a URL to fetch, a local file, or HTML (or plain text) given directly. */
export type PageSource =
  | { kind: 'url'; url: string }
  | { kind: 'file'; path: string; url?: string }
  | { kind: 'html'; html: string; url?: string };

export interface LoadedPage {
  /** The page's address as far as known: the final URL of a fetch, or the one the user gave. */
  url: string | null;
  /** HTML to extract from; absent for plain-text files, whose text is used as is. */
  html?: string;
  text?: string;
  capture?: { id: number; sha256: string };
}

export interface CheckMatch {
  articleId: string;
  kind: MatchResult['kind'];
  /** The rule that gave the kind, with its figures. */
  rule: MatchResult['rule'];
  coverage: number;
  pageShare: number;
  copiedWords: number;
  longestRun: number;
  passages: MatchResult['passages'];
  /** The rights decision (absent only when no owned article row could be read for it). */
  decision?: Decision;
  reasons?: string[];
  consentId?: number | null;
  explanation?: string[];
}

export interface CheckResult {
  url: string | null;
  title: string;
  matches: CheckMatch[];
  captureId?: number;
}

const HTML_EXTENSIONS = new Set(['.html', '.htm', '.xhtml']);

/** Classifies a command-line input: an http(s) URL, or a path to a local page file. */
export function parseInput(input: string, url?: string): PageSource {
  if (/^https?:\/\//i.test(input)) return { kind: 'url', url: input };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    throw new ValidationError(`Unsupported input "${input}": only http(s) URLs can be fetched`);
  }
  const lower = input.toLowerCase();
  const ext = lower.endsWith('.gz') ? extname(lower.slice(0, -3)) : extname(lower);
  if (!HTML_EXTENSIONS.has(ext) && ext !== '.txt') {
    throw new ValidationError(`Unsupported input "${input}": expected an http(s) URL or a .html, .html.gz or .txt file`);
  }
  return { kind: 'file', path: input, url };
}

/** Gets the page's bytes: fetched (and captured as evidence) for a URL, read for a file. */
export async function loadPage(app: App, source: PageSource, signal?: AbortSignal): Promise<LoadedPage> {
  if (source.kind === 'html') return { url: source.url ?? null, html: source.html };
  if (source.kind === 'file') return { url: source.url ?? null, ...(await readPageFile(source.path, app.config.fetch.maxBodyBytes)) };
  const page = assertOk(await fetchPage(source.url, { config: app.config.fetch, captureStore: app.captureStore, logger: app.logger, signal }));
  const isPlain = page.contentType === 'text/plain';
  return { url: page.finalUrl, ...(isPlain ? { text: page.text } : { html: page.text }), capture: page.capture };
}

/**
 * The page's article: extracted from HTML in a worker thread (with its time budget and size cap),
 * or the whole text of a plain-text page. Throws ExtractionError when extraction fails.
 */
export async function extractPageArticle(app: App, page: LoadedPage, signal?: AbortSignal): Promise<ExtractedArticle> {
  if (page.html !== undefined) return app.pagePool.extract(page.html, { url: page.url ?? undefined, signal });
  const text = page.text ?? '';
  return {
    ...createEmptyArticle(),
    title: text.split('\n', 1)[0].trim().slice(0, 300),
    text,
  };
}

function presentMatch(m: MatchResult, decisions?: ReadonlyMap<number, DecisionOutcome>): CheckMatch {
  const d = decisions?.get(m.articleKey);
  return {
    articleId: m.articleId,
    kind: m.kind,
    rule: m.rule,
    coverage: m.coverage,
    pageShare: m.pageShare,
    copiedWords: m.copiedWords,
    longestRun: m.longestRun,
    passages: m.passages,
    ...(d ? { decision: d.decision, reasons: d.reasons, consentId: d.consentId, explanation: d.explanation } : {}),
  };
}

/**
 * Page text from this many characters on is matched with its CPU work in a worker thread, since
 * matching time grows with the text (a 10 MB page holds the event loop for hundreds of ms). Below
 * it (a long article is ~50,000 characters) matching takes a few milliseconds and a round trip to
 * a worker would cost more than it saves.
 */
const LARGE_PAGE_MATCH_CHARS = 200_000;

/** The match engine's results for extracted page text (with the internal article keys). */
async function findMatches(app: App, article: ExtractedArticle, signal?: AbortSignal): Promise<MatchResult[]> {
  if (article.text.trim() === '') return [];
  const owned = await app.getOwnedIndex();
  if (article.text.length < LARGE_PAGE_MATCH_CHARS) {
    return await matchTextLoading(article.text, { index: owned.index, loadArticles: owned.loadArticles, config: app.config.match });
  }
  // Fingerprinting and verification are pure and run in a worker; only the index lookup, a few
  // milliseconds, needs the index on this thread.
  const fingerprints = await app.pagePool.fingerprint(article.text, app.config.match, signal);
  if (!fingerprints) return [];
  const keys = owned.index.findCandidates(fingerprints);
  if (keys.length === 0) return [];
  return app.pagePool.verify(article.text, await owned.loadArticles(keys), app.config.match, signal);
}

/** Matches extracted page text against the owned articles. */
export async function matchArticleText(app: App, article: ExtractedArticle): Promise<CheckMatch[]> {
  return (await findMatches(app, article)).map((m) => presentMatch(m));
}

/**
 * The whole path for one page: load (fetch + capture), extract, match. A fetched page's matches
 * are also stored (it has a URL and a capture to prove them); local files and HTML are not.
 */
export async function checkPage(app: App, source: PageSource, signal?: AbortSignal): Promise<CheckResult> {
  const page = await loadPage(app, source, signal);
  const article = await extractPageArticle(app, page, signal);
  const found = await findMatches(app, article, signal);
  const signals = pageSignalsOf(article);
  const decisions =
    source.kind === 'url' && page.capture
      ? (await storePage(app, { url: pageKeyOf(source.url), title: article.title, textHash: hashText(article.text), captureId: page.capture.id, matches: found, signals })).decisions
      : await decideUnstored(app.database.db, app.config.rights, { url: page.url ?? '', signals, seenAt: nowIso() }, found);
  return {
    url: page.url,
    title: article.title,
    matches: found.map((m) => presentMatch(m, decisions)),
    ...(page.capture ? { captureId: page.capture.id } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Storing path (crawlers, and fetched pages of `check`)

/** SHA-256 of the extracted text, whitespace-normalised: equal hashes mean nothing to match again. */
export function hashText(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/g, ' ').trim()).digest('hex');
}

/** The key a page is stored under: its normalised URL (the URL as given when it cannot be normalised). */
export function pageKeyOf(url: string): string {
  return tryNormaliseUrl(url) ?? url;
}

function nowIso(): string {
  return new Date().toISOString();
}

export interface StoredPage {
  pageId: number;
  newMatches: number;
  /** The rights decision of each match found, by article key. */
  decisions: Map<number, DecisionOutcome>;
}

/**
 * Upserts the page and its matches, decides each match against the consents and updates its
 * report, all in one transaction; returns the page id, the new pairs and the decisions.
 */
export async function storePage(
  app: App,
  page: { url: string; title: string; textHash: string; captureId: number | null; matches: readonly MatchResult[]; signals: PageSignalsRow },
  now: string = nowIso(),
  alsoInTransaction?: (db: Db, stored: StoredPage) => Promise<void> | void,
): Promise<StoredPage> {
  // Shared: pages are stored side by side by many workers (db/write-transaction.ts).
  return await writeTransaction(app.database.db, async (db) => {
    const pageId = await upsertPage(db, { url: page.url, title: page.title, textHash: page.textHash, captureId: page.captureId, rhost: pageRhostOf(page.url), signals: page.signals }, now);
    const newMatches = await upsertMatches(db, pageId, page.matches, page.captureId, now);
    const decisions = new Map<number, DecisionOutcome>();
    if (page.matches.length > 0) {
      const foundKeys = new Set(page.matches.map((m) => m.articleKey));
      const rows = (await findMatchesOfPageForDecision(db, pageId)).filter((r) => foundKeys.has(r.articleKey));
      const summary = await decideMatches(db, rows, await loadRightsSnapshot(db, app.config.rights), { actor: SYSTEM_ACTOR, why: 'the page was checked', now, cause: { captureId: page.captureId }, pageVisit: true });
      for (const row of rows) {
        const outcome = summary.outcomes.get(row.matchId);
        if (outcome) decisions.set(row.articleKey, outcome);
      }
    }
    const stored = { pageId, newMatches, decisions };
    await alsoInTransaction?.(db, stored);
    return stored;
  }, { shared: true });
}

/** Fetches one page for the pipeline; crawlers pass one that goes through robots and politeness. */
export type PageFetcher = (url: string, conditional: { etag?: string; lastModified?: string } | undefined, signal?: AbortSignal) => Promise<FetchedPage>;

export interface ProcessPageOptions {
  fetch?: PageFetcher;
  conditional?: { etag?: string; lastModified?: string };
  /** Text hash from the last visit; the stored page's hash is used when absent. */
  previousTextHash?: string | null;
  /** The publisher's own page: saved as an owned article instead of being matched. */
  ownerFeed?: boolean;
  /** A watch re-check: an unchanged page's capture joins its reports as the re-check's (recordRecheck), not as a sighting. */
  recheck?: boolean;
  signal?: AbortSignal;
  /**
   * Called with the outcome inside the transaction that stores the page (or in one of its own when
   * nothing is stored), so a crawler's own bookkeeping is never out of step with stored matches.
   */
  commit?: (db: Db, outcome: PageOutcome) => Promise<void> | void;
}

interface OutcomeBase {
  url: string;
  httpStatus?: number;
  captureId: number | null;
}

export type PageOutcome =
  | (OutcomeBase & { status: 'failed'; reason: string; message: string; retryAfterMs?: number })
  | (OutcomeBase & { status: 'not_modified' })
  | (OutcomeBase & {
      status: 'unchanged' | 'matched' | 'no_match' | 'owned';
      title: string;
      textHash: string;
      etag: string | null;
      lastModified: string | null;
      html: string | null;
      matches: CheckMatch[];
      newMatches: number;
    });

function defaultFetcher(app: App): PageFetcher {
  return (url, conditional, signal) =>
    fetchPage(url, { config: app.config.fetch, captureStore: app.captureStore, logger: app.logger, signal, ...(conditional ? { conditional } : {}) });
}

/** An owned article from the owner's own page; optional fields the registry refuses are dropped. */
async function saveOwnedPage(app: App, url: string, article: ExtractedArticle): Promise<boolean> {
  const base = { id: url, url, title: article.title || url, body: article.text };
  const full = { ...base, publishedAt: article.publishedAt ?? undefined, author: article.author ?? undefined, language: article.language ?? undefined };
  for (const value of [full, base]) {
    const result = await saveArticles(app.registry, [{ ref: 0, value }]);
    if (result.rejected === 0) return true;
  }
  return false;
}

/**
 * One page through the whole storing path: fetch (conditional) → capture → extract → if the text
 * changed, match → page and matches upserted in one transaction. Fetch failures and non-2xx
 * answers are outcomes (with their reason), not exceptions, so a crawl can count them.
 */
export async function processPage(app: App, url: string, options: ProcessPageOptions = {}): Promise<PageOutcome> {
  const outcome = await runPagePath(app, url, options);
  // Stored outcomes were committed with the page; the others get a transaction of their own.
  const committedWithPage = !options.ownerFeed && (outcome.status === 'matched' || outcome.status === 'no_match');
  const commit = options.commit;
  if (commit && !committedWithPage) await writeTransaction(app.database.db, async (db) => await commit(db, outcome), { shared: true });
  return outcome;
}

/**
 * A page seen again unchanged: its matches are decided again at the new sighting, since a
 * consent may have expired (or begun) meanwhile, and this visit's capture joins its reports'
 * evidence (every sighting is proof the copy was still there). Pages without matches cost one
 * indexed read.
 */
async function touchAndRedecide(app: App, pageId: number, captureId: number | null): Promise<void> {
  const now = nowIso();
  await writeTransaction(app.database.db, async (tx) => {
    await touchPage(tx, pageId, now);
    const rows = (await findMatchesOfPageForDecision(tx, pageId)).map((row) => (captureId !== null ? { ...row, captureId } : row));
    if (rows.length > 0) await decideMatches(tx, rows, await loadRightsSnapshot(tx, app.config.rights), { actor: SYSTEM_ACTOR, why: 'the page was seen again unchanged', now, pageVisit: captureId !== null });
  }, { shared: true });
}

/** True when the page was matched after the owned articles last changed (nothing new to find in it). */
async function isMatchedSinceRegistryChange(app: App, matchedAt: string | null | undefined): Promise<boolean> {
  if (matchedAt == null) return false;
  const registryChangedAt = await readRegistryChangedAt(app.database.db);
  return registryChangedAt === null || registryChangedAt <= matchedAt;
}

async function runPagePath(app: App, url: string, options: ProcessPageOptions): Promise<PageOutcome> {
  const key = pageKeyOf(url);
  const known = options.ownerFeed ? undefined : await findPageByUrl(app.database.db, key);
  const matchedSinceRegistry = await isMatchedSinceRegistryChange(app, known?.matchedAt);
  // A 304 carries no text to match: ask conditionally only when the stored page was matched against
  // the owned articles as they are now. Otherwise fetch it whole, so new articles are found in it.
  const conditional = options.ownerFeed || matchedSinceRegistry ? options.conditional : undefined;
  let fetched: FetchedPage;
  try {
    fetched = await (options.fetch ?? defaultFetcher(app))(url, conditional, options.signal);
  } catch (error) {
    if (!(error instanceof FetchError)) throw error;
    return {
      status: 'failed',
      url: key,
      reason: error.reason,
      message: error.message,
      captureId: null,
      ...(error.status !== undefined ? { httpStatus: error.status } : {}),
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    };
  }
  const captureId = fetched.capture?.id ?? null;
  if (fetched.notModified) {
    // A 304 is a sighting too (the server vouches the page is as it was): evidence for its reports.
    if (known && captureId !== null && !options.recheck) await writeTransaction(app.database.db, async (tx) => await linkSighting(tx, known.id, captureId, nowIso()), { shared: true });
    return { status: 'not_modified', url: key, httpStatus: 304, captureId };
  }
  if (fetched.status < 200 || fetched.status > 299) {
    return { status: 'failed', url: key, reason: 'bad_status', message: `HTTP ${fetched.status}`, httpStatus: fetched.status, captureId };
  }
  const isPlain = fetched.contentType === 'text/plain';
  const loaded: LoadedPage = { url: fetched.finalUrl, ...(isPlain ? { text: fetched.text } : { html: fetched.text }) };
  let article: ExtractedArticle;
  try {
    article = await extractPageArticle(app, loaded, options.signal);
  } catch (error) {
    if (!(error instanceof ExtractionError)) throw error;
    return { status: 'failed', url: key, reason: error.reason, message: error.message, httpStatus: fetched.status, captureId };
  }
  const textHash = hashText(article.text);
  const common = {
    url: key,
    httpStatus: fetched.status,
    captureId,
    title: article.title,
    textHash,
    etag: fetched.headers.etag ?? null,
    lastModified: fetched.headers['last-modified'] ?? null,
    html: loaded.html ?? null,
  };
  if (options.ownerFeed) {
    if (article.text.trim() === '') return { ...common, status: 'no_match', matches: [], newMatches: 0 };
    if (!await saveOwnedPage(app, key, article)) {
      return { status: 'failed', url: key, reason: 'extract_failed', message: 'the page could not be saved as an owned article', httpStatus: fetched.status, captureId };
    }
    return { ...common, status: 'owned', matches: [], newMatches: 0 };
  }
  const previous = options.previousTextHash ?? known?.textHash;
  // Same text, and no owned article added or changed since it was matched: nothing new to find.
  if (previous === textHash && known && known.textHash === textHash && matchedSinceRegistry) {
    await touchAndRedecide(app, known.id, options.recheck ? null : captureId);
    return { ...common, status: 'unchanged', matches: [], newMatches: 0 };
  }
  let found: MatchResult[];
  try {
    found = await findMatches(app, article, options.signal);
  } catch (error) {
    if (!(error instanceof ExtractionError)) throw error;
    return { status: 'failed', url: key, reason: error.reason, message: error.message, httpStatus: fetched.status, captureId };
  }
  const status = found.length > 0 ? 'matched' : 'no_match';
  const outcome = { ...common, status, matches: [], newMatches: 0 } as PageOutcome & { newMatches: number; matches: CheckMatch[] };
  await storePage(app, { url: key, title: article.title, textHash, captureId, matches: found, signals: pageSignalsOf(article) }, nowIso(), async (db, stored) => {
    outcome.newMatches = stored.newMatches;
    outcome.matches = found.map((m) => presentMatch(m, stored.decisions));
    await options.commit?.(db, outcome);
  });
  return outcome;
}

/** An error as one JSON-friendly object (the CLI's NDJSON lines, the API's envelope). */
export function describeError(error: unknown): { code: string; message: string; reason?: string } {
  if (error instanceof CopyhoundError) {
    const reason = (error as { reason?: string }).reason;
    return { code: error.code, message: error.message, ...(reason ? { reason } : {}) };
  }
  return { code: 'internal_error', message: (error as Error)?.message ?? String(error) };
}
