import type { LicenseeRow } from '../../../db/licensees.ts';
import type { Consent } from '../../rights/types.ts';
import { formatCount, formatUtc } from '../format.ts';
import { html, type Html } from '../html.ts';
import { csrfField, renderPage, type PageContext } from '../layout.ts';
import { renderConsentTable } from './consent-views.ts';

/** The licensee list (with the add form for managers) and one licensee's page. */

export interface LicenseeListRow {
  licensee: LicenseeRow;
  /** Consents by status: pending, active, revoked, expired. */
  counts: Record<string, number>;
}

export interface LicenseeFormValues {
  name: string;
  contacts: string;
  notes: string;
  places: string;
}

export interface LicenseeListData {
  rows: LicenseeListRow[];
  /** Admins and rights managers add licensees and register consents. */
  canManage: boolean;
  values: LicenseeFormValues;
  error?: string;
}

const COUNTED = ['pending', 'active', 'revoked', 'expired'] as const;

function renderAddForm(ctx: PageContext, data: LicenseeListData): Html {
  const v = data.values;
  return html`<section class="card" aria-labelledby="add-h">
  <h2 id="add-h">Add a licensee</h2>
  ${data.error ? html`<p class="flash error" role="alert">${data.error}</p>` : ''}
  <form method="post" action="/licensees" class="stack">
    ${csrfField(ctx)}
    <label for="l-name">Name</label>
    <input id="l-name" name="name" required maxlength="200" value="${v.name}">
    <label for="l-places">Places it publishes on</label>
    <span class="hint small" id="l-places-hint">One per line: a domain (partner.example), *.partner.example, or a URL prefix.</span>
    <textarea id="l-places" name="places" rows="3" aria-describedby="l-places-hint">${v.places}</textarea>
    <label for="l-contacts">Contacts</label>
    <span class="hint small" id="l-contacts-hint">One per line: a name, an e-mail address, a phone number.</span>
    <textarea id="l-contacts" name="contacts" rows="3" aria-describedby="l-contacts-hint">${v.contacts}</textarea>
    <label for="l-notes">Notes</label>
    <textarea id="l-notes" name="notes" rows="3" maxlength="10000">${v.notes}</textarea>
    <button type="submit" class="primary">Add licensee</button>
  </form>
</section>`;
}

export function renderLicenseeList(ctx: PageContext, data: LicenseeListData): Html {
  return renderPage(
    ctx,
    { title: 'Licensees' },
    html`<h1>Licensees</h1>
${data.canManage ? html`<p><a href="/consents/new">Register a consent</a> or import one from ODRL.</p>` : ''}
<table class="compact" aria-label="Licensees">
  <thead><tr><th scope="col">Name</th><th scope="col">Places</th>${COUNTED.map((s) => html`<th scope="col" class="num">${s[0].toUpperCase()}${s.slice(1)}</th>`)}</tr></thead>
  <tbody>${data.rows.length === 0
    ? html`<tr><td colspan="${2 + COUNTED.length}" class="empty">No licensees yet.</td></tr>`
    : data.rows.map(
        (r) => html`<tr>
    <td><a href="/licensees/${r.licensee.id}">${r.licensee.name}</a></td>
    <td class="truncate" title="${r.licensee.places.join(' ')}">${r.licensee.places.length === 0 ? html`<span class="muted">—</span>` : r.licensee.places.join(', ')}</td>
    ${COUNTED.map((s) => html`<td class="num">${formatCount(r.counts[s] ?? 0)}</td>`)}
  </tr>`,
      )}</tbody>
</table>
${data.canManage ? renderAddForm(ctx, data) : ''}`,
  );
}

/** A licensee's record as facts (the licensee page and the portal). */
export function renderLicenseeFacts(l: LicenseeRow): Html {
  return html`<dl class="facts">
  <dt>Name</dt><dd>${l.name}</dd>
  <dt>Places</dt><dd>${l.places.length === 0 ? 'None registered' : html`<ul>${l.places.map((p) => html`<li><code>${p}</code></li>`)}</ul>`}</dd>
  <dt>Contacts</dt><dd>${l.contacts.length === 0 ? 'None' : html`<ul>${l.contacts.map((c) => html`<li>${c}</li>`)}</ul>`}</dd>
  <dt>Notes</dt><dd>${l.notes ? html`<div class="notes">${l.notes}</div>` : 'None'}</dd>
  <dt>Added</dt><dd>${formatUtc(l.createdAt)} by ${l.createdBy}</dd>
</dl>`;
}

export function renderLicenseePage(ctx: PageContext, data: { licensee: LicenseeRow; consents: Consent[]; canManage: boolean }): Html {
  const l = data.licensee;
  return renderPage(
    ctx,
    { title: l.name, styles: ['/assets/rights.css'] },
    html`<h1>${l.name}</h1>
<p><a href="/licensees">All licensees</a></p>
<section class="card" aria-labelledby="record-h"><h2 id="record-h">Record</h2>${renderLicenseeFacts(l)}</section>
<section class="card" aria-labelledby="consents-h">
  <h2 id="consents-h">Consents</h2>
  ${data.canManage ? html`<p><a href="/consents/new?licensee=${l.id}">Register a consent for ${l.name}</a></p>` : ''}
  ${renderConsentTable(data.consents, { label: `Consents of ${l.name}` })}
</section>`,
  );
}
