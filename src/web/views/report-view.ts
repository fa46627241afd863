import { formatCount, formatPercent, formatUtc, humanize } from '../format.ts';
import { html, type Html } from '../html.ts';
import { csrfField, renderPage, type PageContext } from '../layout.ts';
import { renderCaptures, renderHistory, renderRechecks, type CaptureItem, type HistoryItem, type RecheckItem } from './report-evidence-view.ts';
import type { DecisionSentences } from './report-reasons.ts';
import { findEdits, renderHighlightedText, type PassageSpans } from './report-text.ts';

/** GET /reports/:id: the owned article and the copying page side by side, and the case around them. */

export interface ReportViewData {
  id: number;
  status: string;
  decision: string;
  reasons: string[];
  assignee: string | null;
  licensee: string | null;
  pageUrl: string;
  host: string;
  firstSeen: string;
  lastSeen: string;
  figures: { kind: string; coverage: number; copiedWords: number; longestRun: number | null; pageShare: number | null };
  article: { id: string; title: string; url: string; credit: string | null; publishedAt: string | null; text: string | null };
  page: { title: string | null; text: string | null; problem: string | null; captureId: number | null };
  /** Passages that fit both texts, in any order (numbered here in page order). */
  passages: PassageSpans[];
  droppedPassages: number;
  sentences: DecisionSentences;
  decidedAt: string | null;
  /** Statuses this report can move to that this role may set. */
  actionStatuses: readonly string[];
  mayDraftNotice: boolean;
  noticeRefusal: string | null;
  captures: CaptureItem[];
  captureCount: number;
  rechecks: RecheckItem[];
  rechecksCut: boolean;
  watched: boolean;
  history: HistoryItem[];
  historyCount: number;
}

const ONLY_HTTP = /^https?:\/\/[^\s<>"']+$/i;

/** A URL from a page or a registry: a link only when it is plain http(s), else shown as text. */
export function renderUrl(url: string): Html {
  return ONLY_HTTP.test(url) ? html`<a href="${url}" rel="noreferrer noopener nofollow" class="url">${url}</a>` : html`<code>${url}</code>`;
}

function renderFacts(d: ReportViewData): Html {
  const f = d.figures;
  return html`<div class="grid">
<section class="card" aria-labelledby="facts-h">
  <h2 id="facts-h">The copy</h2>
  <dl class="facts">
    <dt>Page</dt><dd class="wrap">${renderUrl(d.pageUrl)}</dd>
    <dt>Host</dt><dd>${d.host}</dd>
    <dt>Owned article</dt><dd><a href="/articles/${encodeURIComponent(d.article.id)}">${d.article.title}</a> <span class="muted small">(${d.article.id})</span></dd>
    <dt>Licensee</dt><dd>${d.licensee ?? html`<span class="muted">none</span>`}</dd>
    <dt>Seen</dt><dd>${formatUtc(d.firstSeen)} to ${formatUtc(d.lastSeen)}</dd>
    <dt>Assignee</dt><dd>${d.assignee ?? html`<span class="muted">nobody</span>`}</dd>
  </dl>
</section>
<section class="card" aria-labelledby="figures-h">
  <h2 id="figures-h">Figures</h2>
  <dl class="facts">
    <dt>Kind</dt><dd>${humanize(f.kind)}</dd>
    <dt>Coverage</dt><dd>${formatPercent(f.coverage)} of the article</dd>
    <dt>Copied words</dt><dd>${formatCount(f.copiedWords)}</dd>
    <dt>Longest run</dt><dd>${f.longestRun !== null ? `${formatCount(f.longestRun)} words` : '—'}</dd>
    <dt>Page share</dt><dd>${f.pageShare !== null ? html`${formatPercent(f.pageShare)} of the page's text` : '—'}</dd>
    <dt>Passages</dt><dd>${d.passages.length}</dd>
  </dl>
</section>
</div>`;
}

function renderDecision(d: ReportViewData): Html {
  const s = d.sentences;
  return html`<section class="card decision" aria-labelledby="decision-h">
  <h2 id="decision-h">Decision: <span class="badge ${d.decision}">${humanize(d.decision)}</span></h2>
  <p class="headline">${s.headline}</p>
  ${s.reasons.length > 0 ? html`<ul class="reasons">${s.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : ''}
  ${s.others.length > 0 ? html`<h3>Other consents</h3><ul class="reasons others">${s.others.map((r) => html`<li>${r}</li>`)}</ul>` : ''}
  ${d.decidedAt ? html`<p class="muted small">Decided ${formatUtc(d.decidedAt)}.</p>` : ''}
</section>`;
}

function renderActions(ctx: PageContext, d: ReportViewData): Html {
  const statusForm =
    d.actionStatuses.length === 0
      ? html`<p class="muted">Your role cannot move this report from <strong>${humanize(d.status)}</strong>.</p>`
      : html`<form method="post" action="/reports/${d.id}/status" class="stack">
    ${csrfField(ctx)}
    <label for="status">New status</label>
    <select id="status" name="status">${d.actionStatuses.map((s) => html`<option value="${s}">${humanize(s)}</option>`)}</select>
    <label for="status-note">Note (why; required)</label>
    <textarea id="status-note" name="note" required maxlength="10000" rows="2"></textarea>
    <button type="submit" class="primary">Change status</button>
  </form>`;
  return html`<section class="card actions-card" aria-labelledby="actions-h">
  <h2 id="actions-h">Actions</h2>
  <div class="grid">
  <div>
  <h3>Status: <span class="badge ${d.status}">${humanize(d.status)}</span></h3>
  ${statusForm}
  </div>
  <div>
  <h3>Add a note</h3>
  <form method="post" action="/reports/${d.id}/notes" class="stack">
    ${csrfField(ctx)}
    <label for="note">Note</label>
    <textarea id="note" name="note" required maxlength="10000" rows="2"></textarea>
    <button type="submit">Add note</button>
  </form>
  </div>
  <div>
  <h3>Downloads</h3>
  <ul class="downloads">
    <li><a href="/api/reports/${d.id}/evidence" download>Evidence package</a> <span class="muted small">(zip: captures as WARC, screenshots, comparison, signed custody proofs; takes a few seconds)</span></li>
    <li>${d.mayDraftNotice ? html`<a href="/reports/${d.id}/notice" download>DMCA notice draft</a> <span class="muted small">(plain text)</span>` : html`<span class="muted">No notice: ${d.noticeRefusal}</span>`}</li>
  </ul>
  </div>
  </div>
</section>`;
}

function renderTexts(d: ReportViewData): Html {
  const ordered = [...d.passages].sort((a, b) => a.pageStart - b.pageStart || a.articleStart - b.articleStart);
  const articleText = d.article.text;
  const pageText = d.page.text;
  const edits = articleText !== null && pageText !== null ? findEdits(articleText, pageText, ordered) : { deleted: [], inserted: [] };
  const articleSpans = ordered.map((p, i) => ({ start: p.articleStart, end: p.articleEnd, n: i + 1 }));
  const pageSpans = ordered.map((p, i) => ({ start: p.pageStart, end: p.pageEnd, n: i + 1 }));
  const article = articleText !== null ? renderHighlightedText(articleText, pageText !== null ? articleSpans : [], edits.deleted, { own: 'a', other: 'p', editTag: 'del', otherName: 'on the page' }) : null;
  const page = pageText !== null ? renderHighlightedText(pageText, pageSpans, edits.inserted, { own: 'p', other: 'a', editTag: 'ins', otherName: 'in the article' }) : null;
  const windowNote = article?.windowed || page?.windowed ? html`<p class="hint">A text is long: only the passages with some context around them are shown; the evidence package holds the whole text.</p>` : '';
  return html`<section aria-labelledby="texts-h">
  <h2 id="texts-h">Side by side</h2>
  <p class="hint">Copied passages are highlighted and numbered in both texts; each number leads to the same passage in the other column.${edits.deleted.length + edits.inserted.length > 0 ? html` Words the copy <del class="edit">left out or changed</del> and words it <ins class="edit">added</ins> are marked.` : ''}</p>
  ${d.droppedPassages > 0 ? html`<p class="flash error">${d.droppedPassages} passage(s) do not fit the texts as stored and are not shown.</p>` : ''}
  ${windowNote}
  <div class="side-by-side">
    <div class="column">
      <h3>Owned article</h3>
      ${article ? html`<div class="text report-text">${article.html}</div>` : html`<p class="muted">The owned article is not stored.</p>`}
    </div>
    <div class="column">
      <h3>Copying page${d.page.captureId !== null ? html` <span class="muted small">(capture #${d.page.captureId})</span>` : ''}</h3>
      ${page ? html`<div class="text report-text">${page.html}</div>` : html`<p class="flash error">${d.page.problem ?? 'The page text is not available.'}</p><p class="hint">The <a href="/api/reports/${d.id}/evidence">evidence package</a> holds every stored capture of the page.</p>`}
    </div>
  </div>
</section>`;
}

export function renderReportPage(ctx: PageContext, d: ReportViewData): Html {
  return renderPage(
    ctx,
    { title: `Report #${d.id}`, bodyClass: 'report', styles: ['/assets/report.css'] },
    html`<p class="muted small"><a href="/reports">← Review queue</a></p>
<h1>Report #${d.id}: <span class="truncate-inline">${d.host}</span> copies “${d.article.title}”</h1>
<p><span class="badge ${d.status}">${humanize(d.status)}</span> <span class="badge ${d.decision}">${humanize(d.decision)}</span></p>
${renderDecision(d)}
${renderFacts(d)}
${renderActions(ctx, d)}
${renderTexts(d)}
<section aria-labelledby="captures-h"><h2 id="captures-h">Captures</h2>${renderCaptures(ctx, d.id, d.captures, d.captureCount)}</section>
<section aria-labelledby="rechecks-h"><h2 id="rechecks-h">Re-checks</h2>${renderRechecks(d.rechecks, d.rechecksCut, d.watched)}</section>
<section aria-labelledby="history-h"><h2 id="history-h">History</h2>${renderHistory(d.history, d.historyCount)}</section>`,
  );
}
