import { NoticeInputError, type NoticeArticle, type NoticePassage, type NoticeReportInput } from './types.ts';

// The fetch stage keeps at most 10 MiB of a body by default; no extracted text is longer, and a
// text past this is a caller's mistake, not a page to render.
export const MAX_TEXT_CHARS = 10 * 1024 * 1024;
// The matcher merges runs into passages, so a real report has a handful to a few hundred; this
// only stops a corrupt row from turning into a page of millions of marks.
export const MAX_PASSAGES = 10_000;
// A page is captured on each visit and re-check; a few per month over years stays far below this.
export const MAX_CAPTURES = 1000;
// Decision reasons and explanation lines: a few each in practice.
export const MAX_DECISION_LINES = 200;
// Browsers and servers commonly refuse URLs past 8 KiB; a notice must quote a URL whole.
export const MAX_URL_CHARS = 8192;
// One notice goes to one provider and is read by a person on each side; more reports than this
// belong in several notices that can each be checked line by line.
export const MAX_REPORTS_PER_NOTICE = 500;
// Only these decisions assert an infringement: a notice for a licensed copy, an owner site or an
// allowed quotation would make the good-faith statement false.
export const NOTICE_DECISIONS: readonly string[] = ['unlicensed', 'licence_breach'];

const ONLY_HTTP = /^https?:\/\//i;

function fail(reportId: unknown, what: string): never {
  throw new NoticeInputError(`report ${String(reportId)}: ${what}`, { reportId });
}

function checkUrl(reportId: number, field: string, url: unknown): void {
  if (typeof url !== 'string' || url.trim() === '') fail(reportId, `${field} is missing`);
  if (url.length > MAX_URL_CHARS) fail(reportId, `${field} is ${url.length} characters, over the ${MAX_URL_CHARS} a notice can cite`);
}

function checkText(reportId: number, field: string, text: unknown): void {
  if (typeof text !== 'string') fail(reportId, `${field} is missing`);
  if (text.length > MAX_TEXT_CHARS) fail(reportId, `${field} is ${text.length} characters, over the ${MAX_TEXT_CHARS} limit`);
}

function checkList(reportId: number, field: string, list: unknown, max: number): void {
  if (!Array.isArray(list)) fail(reportId, `${field} must be a list`);
  if (list.length > max) fail(reportId, `${field} has ${list.length} entries, over the ${max} limit`);
}

function checkSpan(reportId: number, label: string, start: number, end: number, length: number, textName: string): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > length) {
    fail(reportId, `${label} span ${start}..${end} is not a non-empty range inside ${textName} (${length} characters)`);
  }
}

/** Throws NoticeInputError naming the report and field when the report cannot be used as given. */
export function validateReport(input: NoticeReportInput): void {
  const id = input?.reportId;
  if (!Number.isInteger(id)) fail(id, 'reportId must be a whole number');
  const article: NoticeArticle | undefined = input.article;
  if (!article || typeof article.title !== 'string' || typeof article.id !== 'string') fail(id, 'article (with its id and title) is missing');
  for (const field of ['publishedAt', 'credit'] as const) {
    if (article[field] !== null && typeof article[field] !== 'string') fail(id, `article.${field} must be text or null`);
  }
  checkUrl(id, 'article.url', article.url);
  checkText(id, 'article.text', article.text);
  if (!input.page) fail(id, 'page is missing');
  checkUrl(id, 'page.url', input.page.url);
  if (typeof input.page.host !== 'string' || input.page.host.trim() === '') fail(id, 'page.host is missing');
  if (typeof input.page.firstSeen !== 'string' || typeof input.page.lastSeen !== 'string') fail(id, 'page.firstSeen and page.lastSeen must be text');
  checkText(id, 'page.text', input.page.text);
  const f = input.figures;
  if (!f || typeof f.kind !== 'string') fail(id, 'figures (with their kind) are missing');
  if (!(f.coverage >= 0 && f.coverage <= 1)) fail(id, `figures.coverage must be between 0 and 1 (got ${f?.coverage})`);
  if (!Number.isInteger(f.copiedWords) || f.copiedWords < 0) fail(id, `figures.copiedWords must be a whole number ≥ 0 (got ${f.copiedWords})`);
  checkList(id, 'passages', input.passages, MAX_PASSAGES);
  input.passages.forEach((p: NoticePassage, i) => {
    if (!p) fail(id, `passage ${i} is empty`);
    checkSpan(id, `passage ${i} page`, p.pageStart, p.pageEnd, input.page.text.length, 'page.text');
    checkSpan(id, `passage ${i} article`, p.articleStart, p.articleEnd, article.text.length, 'article.text');
  });
  checkList(id, 'captures', input.captures, MAX_CAPTURES);
  input.captures.forEach((c, i) => {
    if (!c || !Number.isInteger(c.id) || typeof c.sha256 !== 'string' || typeof c.capturedAt !== 'string') {
      fail(id, `capture ${i} needs a whole-number id, a sha256 and a capturedAt text`);
    }
  });
  if (!input.decision || typeof input.decision.decision !== 'string') fail(id, 'decision is missing');
  checkList(id, 'decision.reasons', input.decision.reasons, MAX_DECISION_LINES);
  checkList(id, 'decision.explanation', input.decision.explanation, MAX_DECISION_LINES);
}

/** Throws unless `now` is a real instant. */
export function validateNow(now: Date): void {
  if (!(now instanceof Date) || !Number.isFinite(now.getTime())) throw new NoticeInputError('now must be a valid Date');
}

/** A URL a document may link to: http(s) only, so a hostile `javascript:` URL stays text. */
export const isLinkable = (url: string) => ONLY_HTTP.test(url) && !/[\s<>"']/.test(url);

/** Passages in page order (ties: article order); the order gives each its number from 1. */
export function sortPassagesInPageOrder(passages: readonly NoticePassage[]): NoticePassage[] {
  return [...passages].sort((a, b) => a.pageStart - b.pageStart || a.articleStart - b.articleStart);
}

/** One owned work of a notice and the reports that copy it. */
export interface NoticeWork {
  article: NoticeArticle;
  reports: NoticeReportInput[];
}

/**
 * Checks the reports of one notice and groups them by owned article, in first-seen order. One
 * notice goes to one hosting provider, so all reports must concern the same host, and each must
 * be decided as an infringement.
 */
export function groupNoticeReports(inputs: readonly NoticeReportInput[]): { host: string; works: NoticeWork[] } {
  if (!Array.isArray(inputs) || inputs.length === 0) throw new NoticeInputError('a notice needs at least one report');
  if (inputs.length > MAX_REPORTS_PER_NOTICE) {
    throw new NoticeInputError(`a notice can list at most ${MAX_REPORTS_PER_NOTICE} reports (got ${inputs.length}); split them into several notices`);
  }
  const host = inputs[0]?.page?.host?.trim().toLowerCase();
  const seen = new Set<number>();
  const works = new Map<string, NoticeWork>();
  for (const input of inputs) {
    validateReport(input);
    if (seen.has(input.reportId)) fail(input.reportId, 'is listed twice');
    seen.add(input.reportId);
    const reportHost = input.page.host.trim().toLowerCase();
    if (reportHost !== host) fail(input.reportId, `its page is on ${reportHost}, not ${host}: one notice goes to one host's provider`);
    if (!NOTICE_DECISIONS.includes(input.decision.decision)) {
      fail(input.reportId, `is decided '${input.decision.decision}'; a takedown notice is drafted only for ${NOTICE_DECISIONS.join(' or ')} reports`);
    }
    const work = works.get(input.article.id);
    if (work) work.reports.push(input);
    else works.set(input.article.id, { article: input.article, reports: [input] });
  }
  return { host: host!, works: [...works.values()] };
}
