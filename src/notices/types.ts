import { ValidationError } from '../errors.ts';

/**
 * What the notice drafts and the comparison page are made from: one report as the caller read it
 * from the database. Nothing here reads the database; the caller assembles this object.
 *
 * Offsets: passages use the match engine's own shape (src/match CopiedPassage, also what a
 * `matches.passages` row holds), so a stored match is passed straight through. Every offset is a
 * UTF-16 index (JavaScript string index, end exclusive): pageStart/pageEnd into `page.text`,
 * articleStart/articleEnd into `article.text`. The copied text of a passage is therefore
 * `page.text.slice(pageStart, pageEnd)` (what the copy shows) and its source
 * `article.text.slice(articleStart, articleEnd)`; the two may differ slightly, since the matcher
 * bridges a swapped or dropped word.
 */
export interface NoticePassage {
  pageStart: number;
  pageEnd: number;
  articleStart: number;
  articleEnd: number;
}

/** The owned (copied) article. */
export interface NoticeArticle {
  /** The publisher's own article id. */
  id: string;
  title: string;
  url: string;
  /** As stored (ISO 8601); null when the registry has none. */
  publishedAt: string | null;
  /** Credit line (byline / agency credit); null when the registry has none. */
  credit: string | null;
  /** The article body as stored (articles.body): the text articleStart/articleEnd index. */
  text: string;
}

/** The page that copies it. */
export interface NoticePage {
  url: string;
  host: string;
  /** ISO 8601 UTC, as the report stores them. */
  firstSeen: string;
  lastSeen: string;
  /** The page's extracted text, as matched: the text pageStart/pageEnd index. Hostile input. */
  text: string;
}

export interface NoticeFigures {
  /** The match kind: 'reproduction' | 'excerpt' | 'quotation'. */
  kind: string;
  /** Share of the article's words found on the page, 0..1. */
  coverage: number;
  copiedWords: number;
}

export interface NoticeDecision {
  /** The rights decision (db DECISION_VALUES): 'unlicensed', 'licence_breach', 'licensed', ... */
  decision: string;
  reasons: string[];
  /** The decision's step-by-step explanation lines. */
  explanation: string[];
}

/** One capture of the page kept as evidence. */
export interface NoticeCapture {
  id: number;
  /** SHA-256 (hex) of the body as received (captures.body_sha256). */
  sha256: string;
  /** When the capture was made, ISO 8601 UTC. */
  capturedAt: string;
}

export interface NoticeReportInput {
  reportId: number;
  article: NoticeArticle;
  page: NoticePage;
  figures: NoticeFigures;
  /** Copied passages; any order (they are numbered in page order). */
  passages: NoticePassage[];
  decision: NoticeDecision;
  captures: NoticeCapture[];
}

/**
 * Who sends the notices. Mirrors config/notices.ts noticeSettings (leaves take their config as
 * values; the test checks the two stay assignable). Empty strings mean "not configured": the
 * draft then says "[FILL IN: …]" where the value belongs.
 */
export interface NoticeSettings {
  rightsHolder: string;
  agentName: string;
  postalAddress: string;
  email: string;
  phone: string;
  /** The electronic signature, e.g. "/s/ Jane Doe". */
  signature: string;
  /** Who the notice is addressed to; empty: the hosting provider's designated agent. */
  recipient: string;
  /** Notices are drafted in English only. */
  language: 'en';
}

/** A report that cannot be turned into a notice or comparison as given (bad offsets, too large...). */
export class NoticeInputError extends ValidationError {}
