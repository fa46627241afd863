import { formatCount, formatPercent, formatUtc, humanize } from '../format.ts';
import { html, jsonIsland, type Html } from '../html.ts';
import { renderPage, type PageContext } from '../layout.ts';

export interface DashboardData {
  /** One entry per UTC day of the window, oldest first (days without any are 0). */
  days: { day: string; matches: number; reports: number }[];
  openByStatusAndDecision: { status: string; decision: string; count: number }[];
  topHosts: { host: string; count: number }[];
  compliance: { licenseeId: number; name: string; copies: number; breaches: number }[];
  sources: {
    sourceId: number;
    name: string;
    type: string;
    enabled: boolean;
    lastRun: { status: string; startedAt: string; finishedAt: string | null; pagesFetched: number; pagesFailed: number; errors: Record<string, number> } | null;
  }[];
  computedAt: string;
}

function renderTrend(data: DashboardData): Html {
  const total = (k: 'matches' | 'reports') => data.days.reduce((s, d) => s + d[k], 0);
  return html`<section aria-labelledby="trend-h" class="card wide">
  <h2 id="trend-h">New matches and reports, last ${data.days.length} days</h2>
  <p class="hint">${formatCount(total('matches'))} matches and ${formatCount(total('reports'))} reports first seen in this window (UTC days).</p>
  <div id="trend-chart" class="chart" role="img" aria-label="Line chart of new matches and new reports per day; the same figures are in the table below"></div>
  ${jsonIsland('trend-data', data.days)}
  <details>
    <summary>Figures per day</summary>
    <table class="compact">
      <thead><tr><th scope="col">Day</th><th scope="col" class="num">New matches</th><th scope="col" class="num">New reports</th></tr></thead>
      <tbody>${data.days.map((d) => html`<tr><td>${d.day}</td><td class="num">${d.matches}</td><td class="num">${d.reports}</td></tr>`)}</tbody>
    </table>
  </details>
</section>`;
}

function renderOpen(data: DashboardData): Html {
  const statuses = [...new Set(data.openByStatusAndDecision.map((r) => r.status))];
  const decisions = [...new Set(data.openByStatusAndDecision.map((r) => r.decision))];
  const cell = (s: string, d: string) => data.openByStatusAndDecision.find((r) => r.status === s && r.decision === d)?.count ?? 0;
  const link = (s: string, d: string, n: number) => (n === 0 ? html`0` : html`<a href="/reports?status=${s}&amp;decision=${d}">${formatCount(n)}</a>`);
  return html`<section aria-labelledby="open-h" class="card">
  <h2 id="open-h">Open reports</h2>
  ${
    statuses.length === 0
      ? html`<p>No open reports.</p>`
      : html`<table class="compact">
    <thead><tr><th scope="col">Status</th>${decisions.map((d) => html`<th scope="col" class="num">${humanize(d)}</th>`)}</tr></thead>
    <tbody>${statuses.map((s) => html`<tr><th scope="row">${humanize(s)}</th>${decisions.map((d) => html`<td class="num">${link(s, d, cell(s, d))}</td>`)}</tr>`)}</tbody>
  </table>`
  }
</section>`;
}

function renderHosts(data: DashboardData): Html {
  return html`<section aria-labelledby="hosts-h" class="card">
  <h2 id="hosts-h">Top copying domains</h2>
  ${
    data.topHosts.length === 0
      ? html`<p>None yet.</p>`
      : html`<table class="compact"><thead><tr><th scope="col">Domain</th><th scope="col" class="num">Open reports</th></tr></thead>
    <tbody>${data.topHosts.map((h) => html`<tr><td><a href="/reports?domain=${h.host}">${h.host}</a></td><td class="num">${formatCount(h.count)}</td></tr>`)}</tbody></table>`
  }
</section>`;
}

function renderCompliance(data: DashboardData): Html {
  return html`<section aria-labelledby="comp-h" class="card">
  <h2 id="comp-h">Licensee compliance</h2>
  <p class="hint">Share of each licensee's copies that break a term of its consent (missing credit, link, hold-back...).</p>
  ${
    data.compliance.length === 0
      ? html`<p>No licensed copies found yet.</p>`
      : html`<table class="compact"><thead><tr><th scope="col">Licensee</th><th scope="col" class="num">Copies</th><th scope="col" class="num">Breaking a term</th></tr></thead>
    <tbody>${data.compliance.map(
      (c) => html`<tr><td><a href="/licensees/${c.licenseeId}">${c.name}</a></td><td class="num">${formatCount(c.copies)}</td><td class="num${c.breaches > 0 ? ' bad' : ''}">${formatCount(c.breaches)} (${formatPercent(c.copies === 0 ? 0 : c.breaches / c.copies)})</td></tr>`,
    )}</tbody></table>`
  }
</section>`;
}

function renderErrors(errors: Record<string, number>): Html {
  const entries = Object.entries(errors).filter(([, n]) => n > 0);
  return entries.length === 0 ? html`none` : html`${entries.map(([reason, n], i) => html`${i > 0 ? ', ' : ''}${humanize(reason)}: ${n}`)}`;
}

function renderCrawlHealth(data: DashboardData, ctx: PageContext): Html {
  const canManage = ctx.role === 'admin' || ctx.role === 'rights_manager';
  return html`<section aria-labelledby="crawl-h" class="card wide">
  <h2 id="crawl-h">Crawl health</h2>
  ${
    data.sources.length === 0
      ? html`<p>No sources yet.${canManage ? html` <a href="/sources">Add one</a>.` : ''}</p>`
      : html`<table class="compact"><thead><tr><th scope="col">Source</th><th scope="col">Last run</th><th scope="col">Status</th><th scope="col" class="num">Pages</th><th scope="col" class="num">Failed</th><th scope="col">Errors by reason</th></tr></thead>
    <tbody>${data.sources.map(
      (s) => html`<tr>
      <td>${canManage ? html`<a href="/sources/${s.sourceId}">${s.name}</a>` : s.name} <span class="muted">${s.type}${s.enabled ? '' : ', disabled'}</span></td>
      <td>${s.lastRun ? formatUtc(s.lastRun.startedAt) : 'never'}</td>
      <td>${s.lastRun ? html`<span class="badge ${s.lastRun.status}">${humanize(s.lastRun.status)}</span>` : '—'}</td>
      <td class="num">${s.lastRun?.pagesFetched ?? '—'}</td>
      <td class="num${(s.lastRun?.pagesFailed ?? 0) > 0 ? ' bad' : ''}">${s.lastRun?.pagesFailed ?? '—'}</td>
      <td>${s.lastRun ? renderErrors(s.lastRun.errors) : '—'}</td></tr>`,
    )}</tbody></table>`
  }
</section>`;
}

export function renderDashboard(ctx: PageContext, data: DashboardData): Html {
  return renderPage(
    ctx,
    { title: 'Dashboard', scripts: ['/assets/uplot/uPlot.iife.min.js', '/assets/dashboard.js'], styles: ['/assets/uplot/uPlot.min.css'], bodyClass: 'dashboard' },
    html`<h1>Dashboard</h1>
<p class="muted">Figures as of ${formatUtc(data.computedAt)}.</p>
<div class="grid">
${renderTrend(data)}
${renderOpen(data)}
${renderHosts(data)}
${renderCompliance(data)}
${renderCrawlHealth(data, ctx)}
</div>`,
  );
}
