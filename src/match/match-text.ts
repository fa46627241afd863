import type { Config } from '../../config/index.ts';
import { fingerprintDocumentRaw, fingerprintTokensRaw } from '../fingerprint/passages.ts';
import { queryKgrams, winnowTokens } from '../fingerprint/winnow.ts';
import { tokenize, type Tokens } from '../text/tokenize.ts';
import { alignTokens, type Alignment, type WordEdit } from './align.ts';
import type { CandidateIndex, PageFingerprints } from './candidate-index.ts';
import { classifyMatch, type KindRule, type MatchKind } from './classify.ts';
import { countLeadWords, markQuotedWords } from './text-signals.ts';

export type { PageFingerprints } from './candidate-index.ts';

export interface OwnedText {
  key: number;
  id: string;
  title: string;
  body: string;
}

/** A change a copier made inside a passage; char offsets (end exclusive, empty for the side without words). */
export interface PassageEdit {
  op: WordEdit['op'];
  pageStart: number;
  pageEnd: number;
  articleStart: number;
  articleEnd: number;
}

export interface CopiedPassage {
  /** Char offsets into the page text given to matchText (end exclusive). */
  pageStart: number;
  pageEnd: number;
  /** Char offsets into the article body. */
  articleStart: number;
  articleEnd: number;
  /** Words inserted, deleted or changed between the copied runs of the passage. */
  edits: PassageEdit[];
}

export interface MatchResult {
  articleKey: number;
  articleId: string;
  kind: MatchKind;
  /** The rule that gave the kind, with its figures. */
  rule: KindRule;
  /** Share of the article's body words found on the page. */
  coverage: number;
  /** Share of the page text's words that come from the article. */
  pageShare: number;
  copiedWords: number;
  /** Longest verbatim run (words). */
  longestRun: number;
  passages: CopiedPassage[];
}

export interface MatchDeps {
  index: CandidateIndex;
  loadArticles: (keys: number[]) => OwnedText[];
  config: Config['match'];
}

/**
 * Words of the article's lead as a teaser shows it: its opening sentences, but never all of it
 * (a brief of two sentences has a one-sentence lead; a one-sentence brief has none).
 */
function countTeaserLead(body: string, tokens: Tokens, sentences: number): number {
  for (let s = sentences; s >= 1; s--) {
    const words = countLeadWords(body, tokens, s);
    if (words < tokens.count) return words;
  }
  return 0;
}

/** Char span of words [from, to); an empty span sits right after word from - 1. */
function charSpan(t: Tokens, from: number, to: number): [number, number] {
  if (to > from) return [t.start[from], t.end[to - 1]];
  const at = from > 0 ? t.end[from - 1] : t.start[0];
  return [at, at];
}

/** Verifies one candidate article against the page; null when too little is shared. */
export function verifyArticle(
  pageTokens: Tokens,
  quoted: () => Uint8Array,
  article: OwnedText,
  config: Config['match'],
): MatchResult | null {
  const articleTokens = tokenize(article.body);
  if (articleTokens.count === 0) return null;
  const al: Alignment = alignTokens(pageTokens, articleTokens, config);
  if (al.copiedWords === 0) return null;
  const coverage = al.copiedWords / articleTokens.count;
  let quotedWords = 0;
  const q = quoted();
  for (let i = 0; i < pageTokens.count; i++) if (al.pageCovered[i] && q[i]) quotedWords++;
  const leadWords = countTeaserLead(article.body, articleTokens, config.leadSentences);
  let lastCovered = -1;
  for (let j = articleTokens.count - 1; j >= 0 && lastCovered < 0; j--) if (al.articleCovered[j]) lastCovered = j;
  let longestPassage = 0;
  for (const p of al.passages) longestPassage = Math.max(longestPassage, p.copiedWords);
  const decided = classifyMatch(
    {
      coverage,
      copiedWords: al.copiedWords,
      longestPassage,
      quotedShare: al.pageWords > 0 ? quotedWords / al.pageWords : 0,
      leadOnly: lastCovered < leadWords,
    },
    config,
  );
  if (decided === null) return null;
  return {
    articleKey: article.key,
    articleId: article.id,
    kind: decided.kind,
    rule: decided.rule,
    coverage,
    pageShare: al.pageWords / Math.max(1, pageTokens.count),
    copiedWords: al.copiedWords,
    longestRun: al.longestRun,
    passages: al.passages.map((p) => ({
      pageStart: pageTokens.start[p.pageFrom],
      pageEnd: pageTokens.end[p.pageTo - 1],
      articleStart: articleTokens.start[p.articleFrom],
      articleEnd: articleTokens.end[p.articleTo - 1],
      edits: p.edits.map((e) => {
        const [pageStart, pageEnd] = charSpan(pageTokens, e.pageFrom, e.pageTo);
        const [articleStart, articleEnd] = charSpan(articleTokens, e.articleFrom, e.articleTo);
        return { op: e.op, pageStart, pageEnd, articleStart, articleEnd };
      }),
    })),
  };
}

// Pages up to this many words look up every k-gram (any article-kept k-gram on the page is
// found, even in runs shorter than the winnowing guarantee); longer ones (a 10 MB page has ~1.7M
// words, and lookups run on the main thread) look up their own winnowed k-grams, ~2/9 of them,
// which still finds every shared run of winnowWindow + winnowWords - 1 words.
const FULL_QUERY_MAX_WORDS = 20_000;

/** Fingerprints a page's text (pure: may run in a worker thread); null for a text without words. */
export function fingerprintPageText(pageText: string, config: Config['match']): PageFingerprints | null {
  return fingerprintPageTokens(tokenize(pageText), config);
}

/** `passages` false: only the document simhash (for an index that searches documents only). */
export function fingerprintPageTokens(tokens: Tokens, config: Config['match'], passages = true): PageFingerprints | null {
  if (tokens.count === 0) return null;
  if (!passages) {
    const doc = fingerprintDocumentRaw(tokens);
    return { hi: Uint32Array.of(doc.docHi), lo: Uint32Array.of(doc.docLo), count: 1, kgrams: pageKgrams(tokens, config) };
  }
  const fp = fingerprintTokensRaw(tokens, config);
  const hi = new Uint32Array(fp.count + 1);
  const lo = new Uint32Array(fp.count + 1);
  hi[0] = fp.docHi;
  lo[0] = fp.docLo;
  hi.set(fp.hi.subarray(0, fp.count), 1);
  lo.set(fp.lo.subarray(0, fp.count), 1);
  return { hi, lo, count: fp.count + 1, kgrams: pageKgrams(tokens, config) };
}

function pageKgrams(tokens: Tokens, config: Config['match']): Uint32Array {
  return tokens.count <= FULL_QUERY_MAX_WORDS ? queryKgrams(tokens, config) : winnowTokens(tokens, config);
}

/** Verifies candidate articles word by word against the page (pure: may run in a worker thread). */
export function verifyCandidates(pageText: string, articles: readonly OwnedText[], config: Config['match']): MatchResult[] {
  return verifyPageTokens(pageText, tokenize(pageText), articles, config);
}

function verifyPageTokens(pageText: string, tokens: Tokens, articles: readonly OwnedText[], config: Config['match']): MatchResult[] {
  let quoted: Uint8Array | null = null;
  const getQuoted = () => (quoted ??= markQuotedWords(pageText, tokens));
  const results: MatchResult[] = [];
  for (const article of articles) {
    const r = verifyArticle(tokens, getQuoted, article, config);
    if (r) results.push(r);
  }
  return results.sort((a, b) => b.coverage - a.coverage || a.articleKey - b.articleKey);
}

/**
 * Which owned articles the page text reproduces, how much of each and where. Candidates come
 * from the candidate index; each is then verified word by word. Sorted by coverage, highest
 * first; [] when nothing matches. `page.title`/`links` are accepted for future signals.
 */
export function matchText(
  pageText: string,
  deps: MatchDeps,
  _page?: { title?: string; links?: string[] },
): MatchResult[] {
  const found = findPageCandidates(pageText, deps);
  return found ? verifyPageTokens(pageText, found.tokens, deps.loadArticles(found.keys), deps.config) : [];
}

/** matchText for owned texts that load asynchronously (from the database). */
export async function matchTextLoading(
  pageText: string,
  deps: Omit<MatchDeps, 'loadArticles'> & { loadArticles: (keys: number[]) => Promise<readonly OwnedText[]> },
): Promise<MatchResult[]> {
  const found = findPageCandidates(pageText, deps);
  return found ? verifyPageTokens(pageText, found.tokens, await deps.loadArticles(found.keys), deps.config) : [];
}

/** The page's tokens and the keys of the owned articles it may copy; null when there are none. */
function findPageCandidates(pageText: string, deps: Pick<MatchDeps, 'index' | 'config'>): { tokens: Tokens; keys: number[] } | null {
  const tokens = tokenize(pageText);
  const fp = fingerprintPageTokens(tokens, deps.config, deps.index.simhashPassages);
  if (!fp) return null;
  const keys = deps.index.findCandidates(fp);
  return keys.length === 0 ? null : { tokens, keys };
}
