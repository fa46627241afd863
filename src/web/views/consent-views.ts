import type { Consent } from '../../rights/types.ts';
import { formatUtc, humanize } from '../format.ts';
import { html, type Html } from '../html.ts';
import { csrfField, renderPage, type PageContext } from '../layout.ts';

/** A consent's terms in words, its status and its actions; the consent tables of licensee pages. */

const DUTY_WORDS: Record<string, string> = {
  credit: "show the article's own credit line (e.g. the agency's name)",
  link: 'link back to the original article',
  canonical: 'point the canonical link at the original article',
};

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Which articles, in one sentence. */
export function describeScope(c: Consent): string {
  const s = c.scope;
  if (s.all) return 'Every owned article.';
  const parts: string[] = [];
  parts.push(s.ids.length > 0 ? `The article${s.ids.length === 1 ? '' : 's'} with id ${list(s.ids)}` : 'Articles');
  if (s.sections.length > 0) parts.push(`in section${s.sections.length === 1 ? '' : 's'} ${list(s.sections)}`);
  if (s.tags.length > 0) parts.push(`tagged ${list(s.tags)}`);
  if (s.publishedFrom && s.publishedUntil) parts.push(`published from ${formatUtc(s.publishedFrom)} until before ${formatUtc(s.publishedUntil)}`);
  else if (s.publishedFrom) parts.push(`published from ${formatUtc(s.publishedFrom)} on`);
  else if (s.publishedUntil) parts.push(`published before ${formatUtc(s.publishedUntil)}`);
  return `${parts.join(', ')}.`;
}

export function describeValidity(c: Consent): string {
  if (c.validFrom && c.validUntil) return `From ${formatUtc(c.validFrom)} until before ${formatUtc(c.validUntil)}.`;
  if (c.validFrom) return `From ${formatUtc(c.validFrom)}, with no end date.`;
  if (c.validUntil) return `Until before ${formatUtc(c.validUntil)}, with no start date.`;
  return 'Open: no start and no end date.';
}

export function describeUse(c: Consent): string {
  if (c.use === 'full') return 'Full reproduction of the article.';
  const limits = [c.maxWords !== null ? `at most ${c.maxWords} words` : null, c.maxPercent !== null ? `at most ${c.maxPercent} % of the article` : null].filter((x) => x !== null);
  return limits.length > 0 ? `Excerpts only: ${limits.join(' and ')}.` : 'Excerpts only (no size limit given).';
}

function describeHoldBack(c: Consent): string {
  return c.holdBackHours === null ? 'None: a copy may appear at once.' : `A copy may appear only ${c.holdBackHours} hour${c.holdBackHours === 1 ? '' : 's'} after the article was published.`;
}

function describeDuties(c: Consent): string {
  return c.duties.length === 0 ? 'None.' : `The licensee must ${list(c.duties.map((d) => DUTY_WORDS[d] ?? humanize(d)))}.`;
}

export function statusBadge(status: string): Html {
  return html`<span class="badge ${status}">${humanize(status)}</span>`;
}

/** Consents of one licensee (or of all) as a table linking to each. */
export function renderConsentTable(consents: readonly Consent[], options: { showLicensee?: boolean; label: string }): Html {
  if (consents.length === 0) return html`<p class="muted">No consents yet.</p>`;
  return html`<table class="compact" aria-label="${options.label}">
  <thead><tr><th scope="col">Consent</th>${options.showLicensee ? html`<th scope="col">Licensee</th>` : ''}<th scope="col">Status</th><th scope="col">Use</th><th scope="col">Places</th><th scope="col">Valid</th><th scope="col">Contract</th></tr></thead>
  <tbody>${consents.map(
    (c) => html`<tr>
    <td><a href="/consents/${c.id}">#${c.id}</a></td>
    ${options.showLicensee ? html`<td>${c.licenseeName}</td>` : ''}
    <td>${statusBadge(c.status)}</td>
    <td>${c.use === 'full' ? 'full reproduction' : 'excerpts'}</td>
    <td class="truncate" title="${c.places.join(' ')}">${c.places.join(', ')}</td>
    <td>${c.validFrom ? formatUtc(c.validFrom) : 'open'} – ${c.validUntil ? formatUtc(c.validUntil) : 'open'}</td>
    <td>${c.contractRef ?? html`<span class="muted">—</span>`}</td>
  </tr>`,
  )}</tbody>
</table>`;
}

export interface ConsentPageData {
  consent: Consent;
  /** Approve and revoke (admins and rights managers). */
  canManage: boolean;
  /** The licensee's own page: staff see the licensee page, a licensee its portal. */
  licenseeHref: string;
}

function renderActions(ctx: PageContext, c: Consent): Html {
  const approvable = c.status === 'pending';
  const revocable = c.status === 'pending' || c.status === 'active' || c.status === 'expired';
  if (!approvable && !revocable) return html`<p class="muted">This consent is ${humanize(c.status)}: nothing more can be done with it. Register a new consent to grant rights again.</p>`;
  return html`<div class="actions">
  ${approvable
    ? html`<form method="post" action="/consents/${c.id}/approve" class="stack">
    ${csrfField(ctx)}
    <p class="hint">Approving makes the consent active at once; every stored match it covers is decided again, so reports on those pages may turn licensed.</p>
    <button type="submit" class="primary">Approve consent</button>
  </form>`
    : ''}
  ${revocable
    ? html`<form method="post" action="/consents/${c.id}/revoke" class="stack">
    ${csrfField(ctx)}
    <label for="revoke-note">Why it is revoked (optional, kept in report histories)</label>
    <input id="revoke-note" name="note" maxlength="2000">
    <p class="hint">Revoking cannot be undone; copies it covered are decided again and may become reports.</p>
    <button type="submit" class="danger">Revoke consent</button>
  </form>`
    : ''}
</div>`;
}

export function renderConsentPage(ctx: PageContext, data: ConsentPageData): Html {
  const c = data.consent;
  const changed = c.updatedAt !== c.createdAt;
  return renderPage(
    ctx,
    { title: `Consent #${c.id}` },
    html`<h1>Consent #${c.id} for ${c.licenseeName} ${statusBadge(c.status)}</h1>
<section aria-labelledby="terms-h" class="card">
  <h2 id="terms-h">Terms</h2>
  <dl class="facts">
    <dt>Licensee</dt><dd><a href="${data.licenseeHref}">${c.licenseeName}</a></dd>
    <dt>Status</dt><dd>${humanize(c.status)}${c.status === 'pending' ? ' — waiting for the publisher to approve it; it licenses nothing yet' : ''}</dd>
    <dt>Articles</dt><dd>${describeScope(c)}</dd>
    <dt>Places</dt><dd>${c.places.length === 0 ? 'None' : html`<ul>${c.places.map((p) => html`<li><code>${p}</code></li>`)}</ul>`}</dd>
    <dt>Valid</dt><dd>${describeValidity(c)} <span class="muted small">(UTC; the end is exclusive)</span></dd>
    <dt>Use</dt><dd>${describeUse(c)}</dd>
    <dt>Hold-back</dt><dd>${describeHoldBack(c)}</dd>
    <dt>Duties</dt><dd>${describeDuties(c)}</dd>
    <dt>Territory</dt><dd>${c.territory ?? 'Not limited'} <span class="muted small">(recorded, not checked: a reader's territory is not observable)</span></dd>
    <dt>Contract</dt><dd>${c.contractRef ?? 'No reference given'}</dd>
    <dt>Identifier</dt><dd><code>${c.uid}</code></dd>
  </dl>
  <p><a href="/api/consents/${c.id}/odrl" download="consent-${c.id}.jsonld">Download as ODRL 2.2 (JSON-LD)</a></p>
</section>
<section aria-labelledby="history-h" class="card">
  <h2 id="history-h">History</h2>
  <ul>
    <li>Registered by ${c.createdBy} on ${formatUtc(c.createdAt)}${c.status === 'pending' ? ' as pending' : ''}.</li>
    ${changed ? html`<li>Last changed on ${formatUtc(c.updatedAt)} (now ${humanize(c.status)}).</li>` : ''}
  </ul>
  <p class="hint">Each report this consent re-decided records it in the report's own history.</p>
</section>
${data.canManage ? html`<section aria-labelledby="actions-h" class="card"><h2 id="actions-h">Approve or revoke</h2>${renderActions(ctx, c)}</section>` : ''}`,
  );
}
