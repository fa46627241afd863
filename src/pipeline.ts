import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { App } from './app.ts';
import { CopyhoundError, ValidationError } from './errors.ts';
import { extractArticle, type ExtractedArticle } from './extract/extract-article.ts';
import { assertOk, decodeHtmlBytes, fetchPage } from './fetch/index.ts';
import { matchText, type MatchResult } from './match/index.ts';

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
  coverage: number;
  pageShare: number;
  copiedWords: number;
  longestRun: number;
  passages: MatchResult['passages'];
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

async function readPageFile(path: string): Promise<{ html?: string; text?: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ValidationError(`Cannot read "${path}": ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let name = path.toLowerCase();
  if (name.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw new ValidationError(`"${path}" is not valid gzip`);
    }
    name = name.slice(0, -3);
  }
  if (name.endsWith('.txt')) return { text: decodeHtmlBytes(bytes, 'text/plain').text };
  return { html: decodeHtmlBytes(bytes).text };
}

/** Gets the page's bytes: fetched (and captured as evidence) for a URL, read for a file. */
export async function loadPage(app: App, source: PageSource, signal?: AbortSignal): Promise<LoadedPage> {
  if (source.kind === 'html') return { url: source.url ?? null, html: source.html };
  if (source.kind === 'file') return { url: source.url ?? null, ...(await readPageFile(source.path)) };
  const page = assertOk(await fetchPage(source.url, { config: app.config.fetch, captureStore: app.captureStore, logger: app.logger, signal }));
  const isPlain = page.contentType === 'text/plain';
  return { url: page.finalUrl, ...(isPlain ? { text: page.text } : { html: page.text }), capture: page.capture };
}

/** The page's article: extracted from HTML, or the whole text of a plain-text page. */
export function extractLoadedPage(app: App, page: LoadedPage): ExtractedArticle {
  if (page.html !== undefined) return extractArticle(page.html, { url: page.url ?? undefined, config: app.config.extract });
  const text = page.text ?? '';
  return {
    ...extractArticle('', {}),
    title: text.split('\n', 1)[0].trim().slice(0, 300),
    text,
  };
}

function presentMatch(m: MatchResult): CheckMatch {
  return {
    articleId: m.articleId,
    kind: m.kind,
    coverage: m.coverage,
    pageShare: m.pageShare,
    copiedWords: m.copiedWords,
    longestRun: m.longestRun,
    passages: m.passages,
  };
}

/** Matches extracted page text against the owned articles. */
export function matchArticleText(app: App, article: ExtractedArticle): CheckMatch[] {
  if (article.text.trim() === '') return [];
  const owned = app.getOwnedIndex();
  const matches = matchText(
    article.text,
    { index: owned.index, loadArticles: owned.loadArticles, config: app.config.match },
    { title: article.title, links: article.links.map((l) => l.href) },
  );
  return matches.map(presentMatch);
}

/** The whole path for one page: load (fetch + capture), extract, match. */
export async function checkPage(app: App, source: PageSource, signal?: AbortSignal): Promise<CheckResult> {
  const page = await loadPage(app, source, signal);
  const article = extractLoadedPage(app, page);
  return {
    url: page.url,
    title: article.title,
    matches: matchArticleText(app, article),
    ...(page.capture ? { captureId: page.capture.id } : {}),
  };
}

/** An error as one JSON-friendly object (the CLI's NDJSON lines, the API's envelope). */
export function describeError(error: unknown): { code: string; message: string; reason?: string } {
  if (error instanceof CopyhoundError) {
    const reason = (error as { reason?: string }).reason;
    return { code: error.code, message: error.message, ...(reason ? { reason } : {}) };
  }
  return { code: 'internal_error', message: (error as Error)?.message ?? String(error) };
}
