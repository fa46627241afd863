import { formatPercent, formatUtc, humanize } from '../format.ts';
import { html, type Html } from '../html.ts';
import { csrfField, renderPage, type PageContext } from '../layout.ts';

export interface QueueRow {
  id: number;
  status: string;
  decision: string;
  reasons: string[];
  kind: string;
  coverage: number;
  copiedWords: number;
  pageUrl: string;
  host: string;
  articleId: string;
  licensee: string | null;
  lastSeen: string;
}

export interface QueueData {
  rows: QueueRow[];
  /** The filter values as the user typed them (empty = not set). */
  filters: Record<string, string>;
  sort: string;
  /** The query string of the next page, or null on the last. */
  nextQuery: string | null;
  /** The current query string without cursor (the first page of this view). */
  firstQuery: string;
  isFirstPage: boolean;
  statuses: readonly string[];
  decisions: readonly string[];
  kinds: readonly string[];
  sorts: readonly { value: string; label: string }[];
  /** Statuses this role may move reports to (the bulk and keyboard actions). */
  actionStatuses: readonly string[];
  error?: string;
}

function select(name: string, label: string, values: readonly string[], current: string): Html {
  return html`<label for="f-${name}">${label}</label>
<select id="f-${name}" name="${name}"><option value="">any</option>${values.map((v) => html`<option value="${v}"${v === current ? html` selected` : ''}>${humanize(v)}</option>`)}</select>`;
}

function renderFilters(data: QueueData): Html {
  const f = data.filters;
  return html`<form method="get" action="/reports" class="filters" role="search" aria-label="Filter reports">
  <div>${select('status', 'Status', data.statuses, f.status ?? '')}</div>
  <div>${select('decision', 'Decision', data.decisions, f.decision ?? '')}</div>
  <div>${select('kind', 'Kind', data.kinds, f.kind ?? '')}</div>
  <div><label for="f-domain">Domain</label><input id="f-domain" name="domain" value="${f.domain ?? ''}" maxlength="253" placeholder="example.com"></div>
  <div><label for="f-article">Article id</label><input id="f-article" name="article" value="${f.article ?? ''}" maxlength="200"></div>
  <div><label for="f-licensee">Licensee</label><input id="f-licensee" name="licensee" value="${f.licensee ?? ''}" maxlength="200"></div>
  <div><label for="f-since">Seen since</label><input id="f-since" name="since" type="date" value="${f.since ?? ''}"></div>
  <div><label for="f-until">Seen until</label><input id="f-until" name="until" type="date" value="${f.until ?? ''}"></div>
  <div><label for="f-minCoverage">Min. coverage</label><input id="f-minCoverage" name="minCoverage" inputmode="decimal" value="${f.minCoverage ?? ''}" placeholder="0.4" size="5"></div>
  <div><label for="f-sort">Sort</label><select id="f-sort" name="sort">${data.sorts.map((s) => html`<option value="${s.value}"${s.value === data.sort ? html` selected` : ''}>${s.label}</option>`)}</select></div>
  <div class="buttons"><button type="submit">Apply</button> <a href="/reports">Clear</a></div>
</form>`;
}

function renderRow(row: QueueRow, index: number): Html {
  return html`<tr data-id="${row.id}" data-href="/reports/${row.id}" data-index="${index}">
  <td><input type="checkbox" name="ids" value="${row.id}" form="bulk" aria-label="Select report ${row.id}"></td>
  <td><a href="/reports/${row.id}" class="open">#${row.id}</a></td>
  <td><span class="badge ${row.status}">${humanize(row.status)}</span></td>
  <td><span class="badge ${row.decision}">${humanize(row.decision)}</span>${row.reasons.length > 0 ? html`<div class="muted small">${row.reasons.map(humanize).join(', ')}</div>` : ''}</td>
  <td>${humanize(row.kind)}</td>
  <td class="num">${formatPercent(row.coverage)}<div class="muted small">${row.copiedWords} words</div></td>
  <td class="url"><span class="host">${row.host}</span><div class="muted small truncate" title="${row.pageUrl}">${row.pageUrl}</div></td>
  <td>${row.articleId}</td>
  <td>${row.licensee ?? html`<span class="muted">—</span>`}</td>
  <td>${formatUtc(row.lastSeen)}</td>
</tr>`;
}

function renderBulk(ctx: PageContext, data: QueueData): Html {
  const hidden = Object.entries(data.filters).filter(([, v]) => v !== '');
  return html`<form method="post" action="/reports/bulk" id="bulk" class="bulk">
  ${csrfField(ctx)}
  ${hidden.map(([k, v]) => html`<input type="hidden" name="filter_${k}" value="${v}">`)}
  <input type="hidden" name="sort" value="${data.sort}">
  <fieldset>
    <legend>Change status</legend>
    <label for="bulk-status">New status</label>
    <select id="bulk-status" name="status">${data.actionStatuses.map((s) => html`<option value="${s}">${humanize(s)}</option>`)}</select>
    <label for="bulk-note">Note (why)</label>
    <input id="bulk-note" name="note" required maxlength="10000" placeholder="e.g. verbatim copy, no licence">
    <span class="scope">
      <input type="radio" id="scope-selected" name="scope" value="selected" checked><label for="scope-selected">selected reports</label>
      <input type="radio" id="scope-filtered" name="scope" value="filtered"><label for="scope-filtered">every report matching the filters</label>
    </span>
    <button type="submit">Apply</button>
  </fieldset>
</form>`;
}

const SHORTCUTS: readonly [string, string][] = [
  ['j / ↓', 'next report'],
  ['k / ↑', 'previous report'],
  ['o / Enter', 'open the report'],
  ['x', 'select or unselect the report'],
  ['c', 'confirm the report (asks for a note)'],
  ['d', 'dismiss the report (asks for a note)'],
  ['n / p', 'next / first page'],
  ['/', 'go to the filters'],
  ['?', 'show or hide this help'],
];

export function renderShortcutHelp(): Html {
  return html`<dialog id="help" aria-labelledby="help-h">
  <h2 id="help-h">Keyboard shortcuts</h2>
  <dl class="keys">${SHORTCUTS.map(([k, what]) => html`<dt><kbd>${k}</kbd></dt><dd>${what}</dd>`)}</dl>
  <form method="dialog"><button>Close</button></form>
</dialog>`;
}

function renderNoteDialog(ctx: PageContext): Html {
  return html`<dialog id="quick-action" aria-labelledby="qa-h">
  <form method="post" action="/reports/bulk" id="quick-form">
    ${csrfField(ctx)}
    <input type="hidden" name="scope" value="selected">
    <input type="hidden" name="ids" id="qa-id">
    <input type="hidden" name="status" id="qa-status">
    <input type="hidden" name="back" id="qa-back">
    <h2 id="qa-h">Change status</h2>
    <label for="qa-note">Note (why)</label>
    <input id="qa-note" name="note" required maxlength="10000">
    <p><button type="submit" class="primary">Save</button> <button type="button" id="qa-cancel">Cancel</button></p>
  </form>
</dialog>`;
}

export function renderQueue(ctx: PageContext, data: QueueData): Html {
  return renderPage(
    ctx,
    { title: 'Review queue', bodyClass: 'queue' },
    html`<h1>Review queue</h1>
<p class="hint">Press <kbd>?</kbd> for keyboard shortcuts.</p>
${renderFilters(data)}
${data.error ? html`<p class="flash error" role="alert">${data.error}</p>` : ''}
${renderBulk(ctx, data)}
<table class="reports" aria-label="Reports">
  <thead><tr>
    <th scope="col"><input type="checkbox" id="select-all" aria-label="Select every report on this page"></th>
    <th scope="col">Report</th><th scope="col">Status</th><th scope="col">Decision</th><th scope="col">Kind</th>
    <th scope="col" class="num">Coverage</th><th scope="col">Page</th><th scope="col">Article</th><th scope="col">Licensee</th><th scope="col">Last seen</th>
  </tr></thead>
  <tbody>${data.rows.length === 0 ? html`<tr><td colspan="10" class="empty">No reports match these filters.</td></tr>` : data.rows.map(renderRow)}</tbody>
</table>
<nav class="pager" aria-label="Pages">
  ${data.isFirstPage ? '' : html`<a href="/reports${data.firstQuery}" id="first-page" rel="first">First page</a>`}
  ${data.nextQuery ? html`<a href="/reports${data.nextQuery}" id="next-page" rel="next">Next page</a>` : html`<span class="muted">End of the list</span>`}
</nav>
${renderShortcutHelp()}
${renderNoteDialog(ctx)}`,
  );
}
