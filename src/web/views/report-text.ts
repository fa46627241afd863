import { escapeHtml, trustedHtml, type Html } from '../html.ts';

/**
 * The two texts of a report with the copied passages marked, numbered and linked across, and
 * the edits visible. Passages are numbered in page order (as the evidence comparison numbers
 * them); passage n is `<mark class="copied" data-passage="n" id="a-n">` in the article and
 * `id="p-n"` on the page, its number a link to the other column.
 *
 * Edits: the matcher stores each passage as a span in both texts; the two slices may differ (it
 * bridges a swapped or dropped word), and two consecutive passages leave a gap where the copier
 * changed a few words. Both are compared word by word: words only the article has are
 * `del.edit` in the article column, words only the page has `ins.edit` on the page.
 *
 * Every piece of text is escaped here (page text is hostile); the markup around it is ours.
 */

export interface PassageSpans {
  pageStart: number;
  pageEnd: number;
  articleStart: number;
  articleEnd: number;
}

interface Range {
  start: number;
  end: number;
}

interface Numbered extends Range {
  n: number;
}

// A text longer than this (≈ 30,000 words, far beyond any news story) is shown as windows of
// context around its passages, so one forum dump cannot make a multi-megabyte page.
export const MAX_FULL_TEXT_CHARS = 200_000;
// Context kept on each side of a passage when a long text is shown in windows: a paragraph or two.
const CONTEXT_CHARS = 600;
// A gap between two consecutive passages of up to this many words on both sides is shown as an
// edit (a copier rewording a phrase); a longer one is a different part of the text, not an edit.
const MAX_GAP_WORDS = 12;
// Word comparison is a table of n × m cells; past this a changed stretch is marked whole (a
// 3,000 × 3,000-word passage with a change in the middle would otherwise cost 9M cells).
const MAX_DIFF_CELLS = 250_000;

const WORD = /\S+/g;

interface Token extends Range {
  key: string;
}

function tokensOf(text: string, from: number, to: number): Token[] {
  const out: Token[] = [];
  const slice = text.slice(from, to);
  for (const m of slice.matchAll(WORD)) {
    // Curly and straight quotes and case are the same word to a reader (and to the matcher).
    const key = m[0].normalize('NFKC').toLowerCase().replace(/[‘’‚‛]/g, "'").replace(/[“”„‟]/g, '"');
    out.push({ start: from + m.index, end: from + m.index + m[0].length, key });
  }
  return out;
}

/** Which tokens of a and b are not in their longest common subsequence. */
function diffTokens(a: Token[], b: Token[]): { onlyA: Token[]; onlyB: Token[] } {
  let head = 0;
  while (head < a.length && head < b.length && a[head].key === b[head].key) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail].key === b[b.length - 1 - tail].key) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  if (midA.length === 0 || midB.length === 0 || midA.length * midB.length > MAX_DIFF_CELLS) return { onlyA: midA, onlyB: midB };
  const n = midA.length;
  const m = midB.length;
  // lcs[i][j]: common length of midA[i..] and midB[j..], in one flat array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = midA[i].key === midB[j].key ? lcs[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
    }
  }
  const onlyA: Token[] = [];
  const onlyB: Token[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (midA[i].key === midB[j].key) {
      i++;
      j++;
    } else if (lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) onlyA.push(midA[i++]);
    else onlyB.push(midB[j++]);
  }
  while (i < n) onlyA.push(midA[i++]);
  while (j < m) onlyB.push(midB[j++]);
  return { onlyA, onlyB };
}

/** Sorted, merged ranges; tokens next to each other (only space between) become one range. */
function mergeRanges(ranges: Range[], text: string): Range[] {
  const sorted = [...ranges].sort((x, y) => x.start - y.start);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && (r.start <= last.end || text.slice(last.end, r.start).trim() === '')) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

export interface ReportEdits {
  /** Article ranges the page does not have (shown as del.edit). */
  deleted: Range[];
  /** Page ranges the article does not have (shown as ins.edit). */
  inserted: Range[];
}

/** The edits inside passages and in short gaps between consecutive ones (passages in page order). */
export function findEdits(articleText: string, pageText: string, ordered: readonly PassageSpans[]): ReportEdits {
  const deleted: Range[] = [];
  const inserted: Range[] = [];
  const compare = (aFrom: number, aTo: number, pFrom: number, pTo: number) => {
    const { onlyA, onlyB } = diffTokens(tokensOf(articleText, aFrom, aTo), tokensOf(pageText, pFrom, pTo));
    deleted.push(...onlyA);
    inserted.push(...onlyB);
  };
  ordered.forEach((p, i) => {
    compare(p.articleStart, p.articleEnd, p.pageStart, p.pageEnd);
    const next = ordered[i + 1];
    // A gap is an edit only when the article goes on where the page does (same order in both).
    if (!next || next.articleStart < p.articleEnd || next.pageStart < p.pageEnd) return;
    const aGap = tokensOf(articleText, p.articleEnd, next.articleStart);
    const pGap = tokensOf(pageText, p.pageEnd, next.pageStart);
    if (aGap.length <= MAX_GAP_WORDS && pGap.length <= MAX_GAP_WORDS) compare(p.articleEnd, next.articleStart, p.pageEnd, next.pageStart);
  });
  return { deleted: mergeRanges(deleted, articleText), inserted: mergeRanges(inserted, pageText) };
}

/** The parts of a text shown: all of it, or windows of context around its passages. */
function windowsOf(length: number, spans: readonly Range[]): Range[] {
  if (length <= MAX_FULL_TEXT_CHARS) return [{ start: 0, end: length }];
  const around = spans.map((s) => ({ start: Math.max(0, s.start - CONTEXT_CHARS), end: Math.min(length, s.end + CONTEXT_CHARS) }));
  const sorted = around.sort((x, y) => x.start - y.start);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

export interface HighlightOptions {
  /** This column's id prefix and the other column's ('a' article, 'p' page). */
  own: 'a' | 'p';
  other: 'a' | 'p';
  /** How this column's edits are marked. */
  editTag: 'del' | 'ins';
  /** Words for the number link's label: "on the page" / "in the article". */
  otherName: string;
}

/** The text with passages marked and edits shown; long texts in windows, with what was left out said. */
export function renderHighlightedText(text: string, passages: readonly Numbered[], edits: readonly Range[], options: HighlightOptions): { html: Html; windowed: boolean } {
  const windows = windowsOf(text.length, passages);
  const cuts = new Set<number>();
  for (const r of [...passages, ...edits, ...windows]) cuts.add(r.start).add(r.end);
  const points = [...cuts].filter((c) => c >= 0 && c <= text.length).sort((x, y) => x - y);
  const startsAt = new Map<number, number[]>();
  const endsAt = new Map<number, number[]>();
  for (const p of passages) {
    startsAt.set(p.start, [...(startsAt.get(p.start) ?? []), p.n]);
    endsAt.set(p.end, [...(endsAt.get(p.end) ?? []), p.n]);
  }
  // One sweep: the passages covering a piece change only at the cut points.
  const active = new Set<number>();
  const out: string[] = [];
  let w = 0;
  let e = 0;
  let shownTo = 0;
  for (let k = 0; k + 1 < points.length; k++) {
    const from = points[k];
    const to = points[k + 1];
    for (const n of endsAt.get(from) ?? []) active.delete(n);
    const begun = startsAt.get(from) ?? [];
    for (const n of begun) active.add(n);
    while (w < windows.length && windows[w].end <= from) w++;
    if (w >= windows.length || windows[w].start > from) continue;
    if (from > shownTo) out.push(`<span class="skipped">[… ${from - shownTo} characters not shown …]</span>`);
    shownTo = to;
    while (e < edits.length && edits[e].end <= from) e++;
    let piece = escapeHtml(text.slice(from, to));
    if (e < edits.length && edits[e].start <= from) piece = `<${options.editTag} class="edit">${piece}</${options.editTag}>`;
    if (active.size > 0) {
      const covering = [...active].sort((x, y) => x - y);
      const numbers = begun
        .map((n, i) => `<a class="n" href="#${options.other}-${n}"${i > 0 ? ` id="${options.own}-${n}"` : ''} aria-label="Passage ${n}, ${options.otherName}">${n}</a>`)
        .join('');
      const id = begun.length > 0 ? ` id="${options.own}-${begun[0]}"` : '';
      const title = covering.length > 1 ? ` title="Passages ${covering.join(', ')}"` : '';
      piece = `<mark class="copied${covering.length > 1 ? ' overlap' : ''}" data-passage="${begun[0] ?? covering[0]}"${id}${title}>${numbers}${piece}</mark>`;
    }
    out.push(piece);
  }
  if (shownTo < text.length && windows.length > 0 && text.length > MAX_FULL_TEXT_CHARS) out.push(`<span class="skipped">[… ${text.length - shownTo} characters not shown …]</span>`);
  return { html: trustedHtml(out.join('')), windowed: text.length > MAX_FULL_TEXT_CHARS };
}
