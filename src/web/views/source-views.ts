import type { CrawlRunSummary } from '../../../db/crawl-run-summaries.ts';
import type { SourceHealth, SourceRow } from '../../../db/sources.ts';
import { formatCount, formatUtc, humanize } from '../format.ts';
import { html, type Html } from '../html.ts';
import { csrfField, renderPage, type PageContext } from '../layout.ts';

/** The Sources list with its add form, and one source: settings, edit form, run now, last runs. */

export interface SourceFormValues {
  name: string;
  type: string;
  url: string;
  urls: string;
  schedule: string;
  maxPages: string;
  maxDepth: string;
  revisitAfterHours: string;
  enabled: boolean;
  isOwnerFeed: boolean;
}

interface LastRun {
  status: string;
  startedAt: string;
  finishedAt: string | null;
  pagesFetched: number;
  pagesFailed: number;
  errors: Record<string, number>;
}

export interface SourceListData {
  rows: { source: SourceRow; lastRun: LastRun | null }[];
  types: readonly string[];
  values: SourceFormValues;
  error?: string;
}

export interface SourcePageData {
  source: SourceRow;
  health: SourceHealth;
  runs: CrawlRunSummary[];
  values: SourceFormValues;
  error?: string;
}

// Badge classes of app.css for run statuses ("completed" reads as finished).
const RUN_BADGE: Record<string, string> = { completed: 'finished', running: 'running', failed: 'failed' };

function runBadge(status: string): Html {
  return html`<span class="badge ${RUN_BADGE[status] ?? ''}">${humanize(status)}</span>`;
}

function renderErrors(errors: Record<string, number>): Html {
  const entries = Object.entries(errors).filter(([, n]) => n > 0);
  if (entries.length === 0) return html`<span class="muted">none</span>`;
  return html`<ul class="reasons">${entries.sort((a, b) => b[1] - a[1]).map(([reason, n]) => html`<li>${humanize(reason)}: ${formatCount(n)}</li>`)}</ul>`;
}

function whereOf(s: SourceRow): string {
  if (s.url) return s.url;
  if (s.urls) return `${formatCount(s.urls.length)} URL${s.urls.length === 1 ? '' : 's'}`;
  return s.type === 'watch' ? 'every flagged match' : '—';
}

function field(id: string, label: string, value: string, hint?: string, extra?: Html): Html {
  return html`<label for="s-${id}">${label}</label>
${hint ? html`<span class="hint small" id="s-${id}-hint">${hint}</span>` : ''}
<input id="s-${id}" name="${id}" value="${value}" maxlength="2000"${hint ? html` aria-describedby="s-${id}-hint"` : ''}${extra ?? ''}>`;
}

function check(id: string, label: string, on: boolean): Html {
  return html`<span><input type="checkbox" id="s-${id}" name="${id}"${on ? html` checked` : ''}> <label for="s-${id}">${label}</label></span>`;
}

/** The fields both forms share: where to read, when, how much. */
function renderSettingsFields(v: SourceFormValues): Html {
  return html`${field('url', 'URL', v.url, 'Feed, sitemap or site start page; for a URL list: a list file fetched at each run')}
<label for="s-urls">URLs</label>
<span class="hint small" id="s-urls-hint">One per line: for a URL list or watch source (instead of a list file).</span>
<textarea id="s-urls" name="urls" rows="4" aria-describedby="s-urls-hint">${v.urls}</textarea>
${field('schedule', 'Schedule (cron)', v.schedule, 'node-cron, 5 or 6 fields, e.g. "0 */6 * * *" for every six hours; empty: only when run by hand')}
<fieldset>
  <legend>Limits (empty: the crawl settings apply)</legend>
  ${field('maxPages', 'Pages per run at most', v.maxPages, undefined, html` inputmode="numeric"`)}
  ${field('maxDepth', 'Link depth (site crawls)', v.maxDepth, undefined, html` inputmode="numeric"`)}
  ${field('revisitAfterHours', 'Refetch a page after (hours)', v.revisitAfterHours, 'A page fetched fine more recently is skipped', html` inputmode="decimal"`)}
</fieldset>
${check('enabled', 'Enabled (runs on its schedule)', v.enabled)}`;
}

function renderAddForm(ctx: PageContext, data: SourceListData): Html {
  const v = data.values;
  return html`<section class="card" aria-labelledby="add-h">
  <h2 id="add-h">Add a source</h2>
  ${data.error ? html`<p class="flash error" role="alert">${data.error}</p>` : ''}
  <form method="post" action="/sources" class="stack">
    ${csrfField(ctx)}
    ${field('name', 'Name', v.name, 'Letters, digits, ".", "_" and "-"; empty: TYPE-HOST')}
    <label for="s-type">Type</label>
    <select id="s-type" name="type">${data.types.map((t) => html`<option value="${t}"${t === v.type ? html` selected` : ''}>${t}</option>`)}</select>
    ${renderSettingsFields(v)}
    ${check('isOwnerFeed', "The publisher's own feed or sitemap (its pages become owned articles)", v.isOwnerFeed)}
    <button type="submit" class="primary">Add source</button>
  </form>
</section>`;
}

export function renderSourceList(ctx: PageContext, data: SourceListData): Html {
  return renderPage(
    ctx,
    { title: 'Sources' },
    html`<h1>Sources</h1>
<table class="compact" aria-label="Sources">
  <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Reads</th><th scope="col">Schedule</th><th scope="col">Enabled</th><th scope="col">Last run</th><th scope="col" class="num">Pages</th><th scope="col">Errors by reason</th></tr></thead>
  <tbody>${data.rows.length === 0
    ? html`<tr><td colspan="8" class="empty">No sources yet.</td></tr>`
    : data.rows.map(
        ({ source: s, lastRun: r }) => html`<tr>
    <td><a href="/sources/${s.id}">${s.name}</a></td>
    <td>${s.type}${s.isOwnerFeed ? html` <span class="muted small">(owner)</span>` : ''}</td>
    <td class="truncate" title="${whereOf(s)}">${whereOf(s)}</td>
    <td>${s.schedule ? html`<code>${s.schedule}</code>` : html`<span class="muted">by hand</span>`}</td>
    <td>${s.enabled ? 'yes' : 'no'}</td>
    <td>${r ? html`${runBadge(r.status)} <span class="small">${formatUtc(r.finishedAt ?? r.startedAt)}</span>` : html`<span class="muted">never run</span>`}</td>
    <td class="num">${r ? formatCount(r.pagesFetched) : '—'}</td>
    <td>${r ? renderErrors(r.errors) : '—'}</td>
  </tr>`,
      )}</tbody>
</table>
${renderAddForm(ctx, data)}`,
  );
}

function renderRuns(runs: CrawlRunSummary[]): Html {
  if (runs.length === 0) return html`<p class="muted">No run yet.</p>`;
  return html`<table class="compact" aria-label="Last runs">
  <thead><tr><th scope="col">Run</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Finished</th><th scope="col" class="num">Fetched</th><th scope="col" class="num">Unchanged</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Matches</th><th scope="col">Errors by reason</th></tr></thead>
  <tbody>${runs.map(
    (r) => html`<tr>
    <td>#${r.id}</td><td>${runBadge(r.status)}${r.message ? html`<div class="muted small">${r.message}</div>` : ''}</td>
    <td>${formatUtc(r.startedAt)}</td><td>${formatUtc(r.finishedAt)}</td>
    <td class="num">${formatCount(r.pagesFetched)}</td><td class="num">${formatCount(r.pagesUnchanged)}</td><td class="num">${formatCount(r.pagesFailed)}</td><td class="num">${formatCount(r.matchesFound)}</td>
    <td>${renderErrors(r.errors)}</td>
  </tr>`,
  )}</tbody>
</table>`;
}

export function renderSourcePage(ctx: PageContext, data: SourcePageData): Html {
  const s = data.source;
  const running = data.runs[0]?.status === 'running';
  return renderPage(
    ctx,
    { title: `Source ${s.name}` },
    html`<h1>Source ${s.name}</h1>
<p><a href="/sources">All sources</a></p>
<div class="grid">
<section class="card" aria-labelledby="settings-h">
  <h2 id="settings-h">Settings</h2>
  <dl class="facts">
    <dt>Type</dt><dd>${s.type}${s.isOwnerFeed ? " (the publisher's own: its pages become owned articles)" : ''}</dd>
    <dt>Reads</dt><dd>${whereOf(s)}</dd>
    <dt>Schedule</dt><dd>${s.schedule ? html`<code>${s.schedule}</code> (UTC)` : 'Only when run by hand'}</dd>
    <dt>Enabled</dt><dd>${s.enabled ? 'Yes' : 'No: the schedule does not run it'}</dd>
    <dt>Pages known</dt><dd>${formatCount(data.health.pages)}</dd>
    <dt>Matches found</dt><dd>${formatCount(data.health.matchesFound)}</dd>
    <dt>Failing pages now</dt><dd>${renderErrors(data.health.errorsByReason)}</dd>
    <dt>Changed</dt><dd>${formatUtc(s.updatedAt)}</dd>
  </dl>
  <form method="post" action="/sources/${s.id}/run" class="stack">
    ${csrfField(ctx)}
    <p class="hint">${running ? 'A run is in progress (or was interrupted and will resume); another cannot start until it ends.' : 'Starts one run now, in the background; its outcome appears under Last runs.'}</p>
    <button type="submit" class="primary">Run now</button>
  </form>
</section>
<section class="card" aria-labelledby="edit-h">
  <h2 id="edit-h">Change settings</h2>
  ${data.error ? html`<p class="flash error" role="alert">${data.error}</p>` : ''}
  <form method="post" action="/sources/${s.id}" class="stack">
    ${csrfField(ctx)}
    ${field('name', 'Name', data.values.name)}
    ${renderSettingsFields(data.values)}
    <p class="hint">The type stays ${s.type}; what this source has crawled (pages, validators, runs) is kept.</p>
    <button type="submit">Save changes</button>
  </form>
</section>
</div>
<section class="card wide" aria-labelledby="runs-h">
  <h2 id="runs-h">Last runs</h2>
  ${renderRuns(data.runs)}
</section>`,
  );
}
