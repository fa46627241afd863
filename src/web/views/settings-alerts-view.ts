import { formatPercent, formatUtc, humanize } from '../format.ts';
import { html, type Html } from '../html.ts';
import { csrfField, type PageContext } from '../layout.ts';
import type { SettingsData } from './settings-view.ts';

/** The Settings sections for webhook alert targets and their delivery log. */

// Badge classes of app.css for delivery statuses (delivered reads as done, in green).
const DELIVERY_BADGE: Record<string, string> = { delivered: 'active', pending: 'pending', failed: 'failed' };

function deliveryBadge(status: string): Html {
  return html`<span class="badge ${DELIVERY_BADGE[status] ?? ''}">${humanize(status)}</span>`;
}

function renderTargets(ctx: PageContext, data: SettingsData): Html {
  return html`<section class="card" aria-labelledby="alerts-h" id="alerts">
  <h2 id="alerts-h">Alert targets (webhooks)</h2>
  ${data.targets.length === 0
    ? html`<p class="muted">No webhook targets yet.</p>`
    : html`<table class="compact" aria-label="Alert targets">
    <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Sends</th><th scope="col">Last delivery</th><th scope="col">Action</th></tr></thead>
    <tbody>${data.targets.map(
      ({ target: t, last }) => html`<tr>
      <td>${t.name}${t.enabled ? '' : html` <span class="badge revoked">disabled</span>`}<div class="muted small">secret ${t.secretHint}</div></td>
      <td class="truncate" title="${t.url}">${t.url}</td>
      <td>${t.decisions.map(humanize).join(', ')}${t.minCoverage > 0 ? html`<div class="muted small">coverage ≥ ${formatPercent(t.minCoverage)}</div>` : ''}</td>
      <td>${last ? html`${deliveryBadge(last.status)} <span class="small">${formatUtc(last.lastAttemptAt ?? last.createdAt)}</span>${last.lastStatusCode !== null ? html`<div class="muted small">HTTP ${last.lastStatusCode}</div>` : ''}` : html`<span class="muted">none yet</span>`}</td>
      <td><form method="post" action="/settings/alert-targets/${t.id}/delete" class="inline">${csrfField(ctx)}<button type="submit" class="danger">Delete<span class="visually-hidden"> ${t.name}</span></button></form></td>
    </tr>`,
    )}</tbody>
  </table>`}
  <form method="post" action="/settings/alert-targets" class="stack" aria-labelledby="add-target-h">
    ${csrfField(ctx)}
    <h3 id="add-target-h">Add a webhook</h3>
    <label for="t-name">Name (optional)</label>
    <input id="t-name" name="name" maxlength="100">
    <label for="t-url">URL</label>
    <input id="t-url" name="url" type="url" required maxlength="2000" placeholder="https://hooks.example/copyhound">
    <fieldset>
      <legend>New reports with these decisions</legend>
      ${data.decisions.map((d) => html`<span><input type="checkbox" id="t-d-${d}" name="decisions" value="${d}"${data.defaultDecisions.includes(d) ? html` checked` : ''}> <label for="t-d-${d}">${humanize(d)}</label></span>`)}
    </fieldset>
    <label for="t-min">Minimum coverage (0 to 1; 0.4 = 40 % of the article copied)</label>
    <input id="t-min" name="minCoverage" inputmode="decimal" value="0" maxlength="10">
    <p class="hint">The signing secret is shown once, on the next page.</p>
    <button type="submit" class="primary">Add webhook</button>
  </form>
</section>`;
}

function renderDeliveries(data: SettingsData): Html {
  return html`<section class="card wide" aria-labelledby="deliveries-h" id="deliveries">
  <h2 id="deliveries-h">Recent deliveries</h2>
  ${data.deliveries.length === 0
    ? html`<p class="muted">No deliveries yet.</p>`
    : html`<table class="compact" aria-label="Recent deliveries">
    <thead><tr><th scope="col">Delivery</th><th scope="col">Target</th><th scope="col">Status</th><th scope="col" class="num">Reports</th><th scope="col" class="num">Attempts</th><th scope="col">Last attempt</th><th scope="col">Answer</th><th scope="col">Next attempt</th></tr></thead>
    <tbody>${data.deliveries.map(
      (d) => html`<tr>
      <td>#${d.id}</td><td>${d.targetName}</td><td>${deliveryBadge(d.status)}</td><td class="num">${d.reportIds.length}</td><td class="num">${d.attempts}</td>
      <td>${formatUtc(d.lastAttemptAt)}</td>
      <td>${d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : ''}${d.lastError ? html`<div class="muted small truncate" title="${d.lastError}">${d.lastError}</div>` : ''}</td>
      <td>${d.status === 'pending' ? formatUtc(d.nextAttemptAt) : html`<span class="muted">—</span>`}</td>
    </tr>`,
    )}</tbody>
  </table>`}
  <p class="hint">The newest deliveries; the whole log is at <code>GET /api/alerts/deliveries</code>.</p>
</section>`;
}

export function renderAlertSections(ctx: PageContext, data: SettingsData): Html {
  return html`${renderTargets(ctx, data)}${renderDeliveries(data)}`;
}
