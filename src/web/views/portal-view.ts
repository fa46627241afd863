import type { LicenseeRow } from '../../../db/licensees.ts';
import type { Consent } from '../../rights/types.ts';
import { html, type Html } from '../html.ts';
import { renderPage, type PageContext } from '../layout.ts';
import { renderImportForm } from './consent-form-view.ts';
import { renderConsentTable } from './consent-views.ts';
import { renderLicenseeFacts } from './licensee-views.ts';

/** A licensee's own portal: its organisation's record, its consents, and the ways to register one. */
export function renderPortal(ctx: PageContext, data: { licensee: LicenseeRow; consents: Consent[] }): Html {
  const l = data.licensee;
  const pending = data.consents.filter((c) => c.status === 'pending').length;
  return renderPage(
    ctx,
    { title: 'My consents', scripts: ['/assets/consent-form.js'], styles: ['/assets/rights.css'] },
    html`<h1>${l.name}: consents</h1>
<p>Register the consents ${l.name} holds from the publisher. A consent you register waits for the publisher's approval before it counts${pending > 0 ? html`; <strong>${pending}</strong> ${pending === 1 ? 'is' : 'are'} waiting now` : ''}.</p>
<p><a href="/consents/new">Register a consent</a></p>
<section class="card" aria-labelledby="consents-h">
  <h2 id="consents-h">Your consents</h2>
  ${renderConsentTable(data.consents, { label: 'Your consents' })}
</section>
<div class="grid">
  <section class="card" aria-labelledby="org-h">
    <h2 id="org-h">Your organisation</h2>
    ${renderLicenseeFacts(l)}
    <p class="hint">To change your contacts or notes, send <code>PATCH /api/licensees/${l.id}</code> with <code>{"contacts": [...], "notes": "..."}</code> (see <a href="/api/docs">the API</a>); your name and places are set by the publisher.</p>
  </section>
  <section class="card">${renderImportForm(ctx, {})}</section>
</div>`,
  );
}
