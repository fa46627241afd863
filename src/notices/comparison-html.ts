import { escapeHtml, formatPercent } from './notice-text.ts';
import type { NoticeReportInput } from './types.ts';
import { isLinkable, sortPassagesInPageOrder, validateReport } from './validate-input.ts';

/**
 * A self-contained side-by-side comparison of a report: the owned article on the left, the
 * copying page on the right, each copied passage highlighted and numbered, number n linking
 * #a-n (article) and #p-n (page) both ways. It is evidence that is read on screen and printed
 * to PDF by headless chromium, so:
 * - nothing external: inline styles only, no scripts, no images or fonts, and a CSP meta tag that
 *   forbids them anyway should something slip through; the only links out are the article's and
 *   the page's own URLs (http(s) only), as plain links;
 * - every text is HTML-escaped (the page's text, URL and the article's fields are hostile input);
 * - the two columns are one table row with a fixed layout, which chromium splits across printed
 *   pages (a repeated header row names the columns on each page); marks keep their colour in
 *   print (print-color-adjust);
 * - the highlighting is one sweep over the passage boundaries (sorted once), so a 50,000-word
 *   page with thousands of passages renders in linear time in the text plus n log n in passages.
 * Passages may overlap within one text (the matcher can map two page passages onto nearby
 * article words): the text is then cut at every boundary and each piece is one <mark> whose
 * data-p lists every passage covering it, so passage n is exactly its pieces in order.
 */

interface Span {
  start: number;
  end: number;
  n: number;
}

const STYLE = `
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px; color: #111; background: #fff; font: 10pt/1.45 Georgia, "Times New Roman", serif; }
h1 { font: bold 14pt/1.2 Arial, Helvetica, sans-serif; margin: 0 0 8px; }
h2 { font: bold 11pt/1.2 Arial, Helvetica, sans-serif; margin: 12px 0 4px; }
table.facts { border-collapse: collapse; margin-bottom: 8px; width: 100%; table-layout: fixed; }
table.facts th { text-align: left; width: 11em; padding: 2px 8px 2px 0; vertical-align: top; font: bold 9pt Arial, Helvetica, sans-serif; }
table.facts td { padding: 2px 0; vertical-align: top; overflow-wrap: anywhere; }
ul { margin: 0; padding-left: 1.2em; }
code { font: 8.5pt "Courier New", monospace; overflow-wrap: anywhere; }
p.hint { font: 9pt Arial, Helvetica, sans-serif; color: #444; margin: 4px 0 8px; }
table.cols { width: 100%; table-layout: fixed; border-collapse: collapse; }
table.cols thead { display: table-header-group; }
table.cols th { width: 50%; text-align: left; padding: 4px 8px; background: #eee; border: 1px solid #999; font: bold 10pt Arial, Helvetica, sans-serif; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
table.cols td { width: 50%; vertical-align: top; padding: 6px 8px; border: 1px solid #999; white-space: pre-wrap; overflow-wrap: anywhere; }
table.cols tr { break-inside: auto; }
mark { background: #ffe27a; color: inherit; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
mark.alt { background: #ffc2a3; }
mark.overlap { background: #f4a0ff; }
a.num { display: inline-block; margin: 0 2px; padding: 0 3px; border-radius: 3px; background: #222; color: #fff; text-decoration: none; font: bold 7.5pt/1.4 Arial, Helvetica, sans-serif; vertical-align: 1px; white-space: nowrap; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print { body { padding: 0; } }
`;

// Belt and braces: even if escaping failed somewhere, the browser would load and run nothing.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/** The comparison page of one report (a complete HTML document). */
export function renderComparisonHtml(input: NoticeReportInput): string {
  validateReport(input);
  const ordered = sortPassagesInPageOrder(input.passages);
  const articleSpans = ordered.map((p, i) => ({ start: p.articleStart, end: p.articleEnd, n: i + 1 }));
  const pageSpans = ordered.map((p, i) => ({ start: p.pageStart, end: p.pageEnd, n: i + 1 }));
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    `<title>Copyhound report ${input.reportId}: comparison</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    renderHeader(input, ordered.length),
    '<table class="cols"><thead><tr><th>Owned article</th><th>Copying page</th></tr></thead><tbody><tr>',
    `<td class="text" id="article-text">${highlightText(input.article.text, articleSpans, 'a', 'p')}</td>`,
    `<td class="text" id="page-text">${highlightText(input.page.text, pageSpans, 'p', 'a')}</td>`,
    '</tr></tbody></table>',
    '</body></html>',
    '',
  ].join('\n');
}

/**
 * The text with each span marked and numbered: `<a class="num" id="{own}-n" href="#{other}-n">`
 * before passage n, its text in <mark data-p="n"> pieces.
 */
export function highlightText(text: string, spans: readonly Span[], own: string, other: string): string {
  // Boundaries in order; at one position ends come before starts, so touching spans do not overlap.
  const events: { at: number; start: boolean; n: number }[] = [];
  for (const s of spans) events.push({ at: s.start, start: true, n: s.n }, { at: s.end, start: false, n: s.n });
  events.sort((x, y) => x.at - y.at || Number(x.start) - Number(y.start) || x.n - y.n);
  const out: string[] = [];
  const active = new Set<number>();
  let at = 0;
  const emit = (to: number) => {
    if (to <= at) return;
    const piece = escapeHtml(text.slice(at, to));
    at = to;
    if (active.size === 0) out.push(piece);
    else if (active.size === 1) {
      const [n] = active;
      out.push(`<mark class="${n % 2 === 0 ? 'alt' : 'one'}" data-p="${n}">${piece}</mark>`);
    } else out.push(`<mark class="overlap" data-p="${[...active].sort((a, b) => a - b).join(' ')}">${piece}</mark>`);
  };
  for (const e of events) {
    emit(e.at);
    if (!e.start) active.delete(e.n);
    else {
      out.push(`<a class="num" id="${own}-${e.n}" href="#${other}-${e.n}">${e.n}</a>`);
      active.add(e.n);
    }
  }
  emit(text.length);
  return out.join('');
}

function renderLink(url: string): string {
  const text = escapeHtml(url);
  return isLinkable(url) ? `<a href="${text}" rel="noreferrer noopener">${text}</a>` : `<code>${text}</code>`;
}

const renderRow = (label: string, html: string) => `<tr><th>${escapeHtml(label)}</th><td>${html}</td></tr>`;
const renderList = (items: readonly string[]) => (items.length === 0 ? 'none' : `<ul>${items.map((i) => `<li>${escapeHtml(String(i))}</li>`).join('')}</ul>`);

function renderHeader(r: NoticeReportInput, passages: number): string {
  const a = r.article;
  const p = r.page;
  const captures = [...r.captures].sort((x, y) => (x.capturedAt < y.capturedAt ? -1 : x.capturedAt > y.capturedAt ? 1 : x.id - y.id));
  return [
    `<h1>Copyhound report ${r.reportId}: owned article and copying page side by side</h1>`,
    '<table class="facts">',
    renderRow('Owned article', `${escapeHtml(a.title)}<br>${renderLink(a.url)}`),
    renderRow('Article id', escapeHtml(a.id)),
    renderRow('Published', escapeHtml(a.publishedAt ?? 'not recorded')),
    renderRow('Credit line', escapeHtml(a.credit ?? 'not recorded')),
    renderRow('Copying page', renderLink(p.url)),
    renderRow('Host', escapeHtml(p.host)),
    renderRow('Seen', `${escapeHtml(p.firstSeen)} to ${escapeHtml(p.lastSeen)} (UTC)`),
    renderRow('Kind', escapeHtml(r.figures.kind)),
    renderRow('Coverage', `${formatPercent(r.figures.coverage)} of the article (${r.figures.copiedWords} copied words, ${passages} passage${passages === 1 ? '' : 's'})`),
    renderRow('Decision', `${escapeHtml(r.decision.decision)}${r.decision.reasons.length ? ` (${escapeHtml(r.decision.reasons.join(', '))})` : ''}`),
    renderRow('Explanation', renderList(r.decision.explanation)),
    renderRow(
      'Captures',
      captures.length === 0
        ? 'none recorded'
        : `<ul>${captures.map((c) => `<li>capture ${escapeHtml(String(c.id))} at ${escapeHtml(c.capturedAt)}: SHA-256 <code>${escapeHtml(c.sha256)}</code></li>`).join('')}</ul>`,
    ),
    '</table>',
    '<p class="hint">Copied passages are highlighted and numbered in both texts; each number links to the same passage in the other column.</p>',
  ].join('\n');
}
