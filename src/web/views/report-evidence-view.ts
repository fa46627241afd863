import { formatUtc, humanize } from '../format.ts';
import { html, type Html } from '../html.ts';
import { csrfField, type PageContext } from '../layout.ts';

/** The report page's evidence lists: captures (with the screenshot), re-checks and history. */

export interface CaptureItem {
  captureId: number;
  role: string;
  startedAt: string;
  finalUrl: string;
  status: number;
  remoteAddress: string;
  bodySha256: string;
  warcSha256: string | null;
  truncated: string | null;
  hasScreenshot: boolean;
}

export interface RecheckItem {
  checkedAt: string;
  outcome: string;
  httpStatus: number | null;
  captureId: number | null;
}

export interface HistoryItem {
  at: string;
  actor: string;
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
}

const OUTCOME_WORDS: Record<string, string> = { still_present: 'still present', changed: 'changed', removed: 'removed' };
// Badge classes of app.css that read right for each outcome (removed is the good news).
const OUTCOME_BADGE: Record<string, string> = { still_present: 'unlicensed', changed: 'pending', removed: 'removed' };

function moreNote(shown: number, total: number, what: string): Html | string {
  return total > shown ? html`<p class="hint">Showing the newest ${shown} of ${total} ${what}; the evidence package holds every one.</p>` : '';
}

export function renderCaptures(ctx: PageContext, reportId: number, captures: readonly CaptureItem[], total: number): Html {
  if (captures.length === 0) return html`<p class="muted">No capture of the page is stored for this report.</p>`;
  const shot = captures.find((c) => c.hasScreenshot);
  return html`${moreNote(captures.length, total, 'captures')}
<table class="compact captures" aria-label="Captures of the page">
  <thead><tr><th scope="col">Capture</th><th scope="col">Time</th><th scope="col">Why</th><th scope="col">IP address</th><th scope="col" class="num">HTTP status</th><th scope="col">SHA-256</th><th scope="col">Screenshot</th></tr></thead>
  <tbody>${captures.map(
    (c) => html`<tr>
    <td>#${c.captureId}</td>
    <td>${formatUtc(c.startedAt)}</td>
    <td>${humanize(c.role)}${c.truncated ? html`<div class="muted small">cut short (${c.truncated})</div>` : ''}</td>
    <td><code>${c.remoteAddress}</code></td>
    <td class="num">${c.status}</td>
    <td class="hash"><span class="muted small">body</span> <code>${c.bodySha256}</code>${c.warcSha256 ? html`<br><span class="muted small">WARC</span> <code>${c.warcSha256}</code>` : ''}</td>
    <td>${c.hasScreenshot ? html`<a href="/captures/${c.captureId}/screenshot">PNG</a>` : html`<span class="muted">not rendered</span>`}</td>
  </tr>`,
  )}</tbody>
</table>
${
  shot
    ? html`<figure class="screenshot"><img class="screenshot" src="/captures/${shot.captureId}/screenshot" alt="The page as captured at ${formatUtc(shot.startedAt)}, rendered offline with JavaScript off" loading="lazy"><figcaption class="muted small">Capture #${shot.captureId}, ${formatUtc(shot.startedAt)}, rendered offline from the stored copy (no network, JavaScript off).</figcaption></figure>`
    : html`<p class="hint">No screenshot has been rendered for these captures yet. The <a href="/api/reports/${reportId}/evidence">evidence package</a> renders each capture (PNG and PDF) when it is exported; the screenshots then show here.</p>
<form method="post" action="/captures/${captures[0].captureId}/render" class="inline">${csrfField(ctx)}<input type="hidden" name="back" value="/reports/${reportId}"><button type="submit">Render capture #${captures[0].captureId} now</button> <span class="muted small">offline, from the stored copy; takes a few seconds</span></form>`
}`;
}

export function renderRechecks(rechecks: readonly RecheckItem[], cut: boolean, watched: boolean): Html {
  if (rechecks.length === 0) {
    return html`<p class="muted">${watched ? 'The page is watched; it has not been re-checked yet.' : 'No re-checks: the page is re-checked once the report is confirmed (the match is then watched).'}</p>`;
  }
  return html`${cut ? html`<p class="hint">Showing the newest ${rechecks.length} re-checks.</p>` : ''}
<ol class="timeline" reversed>${rechecks.map(
    (r) => html`<li><time datetime="${r.checkedAt}">${formatUtc(r.checkedAt)}</time> <span class="badge ${OUTCOME_BADGE[r.outcome] ?? ''}">${OUTCOME_WORDS[r.outcome] ?? humanize(r.outcome)}</span>${r.httpStatus !== null ? html` <span class="muted small">HTTP ${r.httpStatus}</span>` : ''}${r.captureId !== null ? html` <span class="muted small">capture #${r.captureId}</span>` : ''}</li>`,
  )}</ol>`;
}

function describeEvent(e: HistoryItem): Html {
  if (e.kind === 'status' || e.kind === 'decision' || e.kind === 'reopened') {
    return e.fromStatus !== e.toStatus
      ? html`${humanize(e.kind)}: <span class="badge ${e.fromStatus ?? ''}">${humanize(e.fromStatus ?? '—')}</span> → <span class="badge ${e.toStatus ?? ''}">${humanize(e.toStatus ?? '—')}</span>`
      : html`${humanize(e.kind)}`;
  }
  if (e.kind === 'created') return html`created as <span class="badge ${e.toStatus ?? ''}">${humanize(e.toStatus ?? '')}</span>`;
  return html`${humanize(e.kind)}`;
}

export function renderHistory(events: readonly HistoryItem[], total: number): Html {
  if (events.length === 0) return html`<p class="muted">No history.</p>`;
  return html`${moreNote(events.length, total, 'events')}
<table class="compact history" aria-label="History, newest first">
  <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Note</th></tr></thead>
  <tbody>${events.map((e) => html`<tr><td>${formatUtc(e.at)}</td><td>${e.actor.replace(/^user:/, '')}</td><td>${describeEvent(e)}</td><td class="note">${e.note ?? ''}</td></tr>`)}</tbody>
</table>`;
}
