import { html, type Html } from '../html.ts';
import { csrfField, renderPage, type PageContext } from '../layout.ts';

/** The consent registration form and the ODRL import form (one page, two ways in). */

/** What the user typed, kept to show the form again after a refusal. */
export interface ConsentFormValues {
  licensee: string;
  uid: string;
  places: string;
  articleScope: 'all' | 'ids';
  articleIds: string;
  sections: string;
  tags: string;
  publishedFrom: string;
  publishedUntil: string;
  validFrom: string;
  validUntil: string;
  use: 'full' | 'excerpt';
  maxWords: string;
  maxPercent: string;
  holdBackHours: string;
  duties: string[];
  territory: string;
  contractRef: string;
  status: 'active' | 'pending';
}

export interface ConsentFormData {
  values: ConsentFormValues;
  /** Licensee names to choose from (staff); null when the licensee is fixed (a licensee user). */
  licensees: string[] | null;
  error?: string;
  importText?: string;
  importError?: string;
}

// The pasted ODRL document: the form body's bound (src/http/guard.ts) less the other fields.
export const MAX_ODRL_CHARS = 400_000;

function text(id: keyof ConsentFormValues, label: string, value: string, hint?: string, extra?: Html): Html {
  return html`<label for="c-${id}">${label}</label>
${hint ? html`<span class="hint small" id="c-${id}-hint">${hint}</span>` : ''}
<input id="c-${id}" name="${id}" value="${value}" maxlength="2000"${hint ? html` aria-describedby="c-${id}-hint"` : ''}${extra ?? ''}>`;
}

function area(id: keyof ConsentFormValues, label: string, value: string, hint: string, rows = 3): Html {
  return html`<label for="c-${id}">${label}</label>
<span class="hint small" id="c-${id}-hint">${hint}</span>
<textarea id="c-${id}" name="${id}" rows="${rows}" aria-describedby="c-${id}-hint">${value}</textarea>`;
}

function radio(name: string, value: string, current: string, label: string): Html {
  return html`<span><input type="radio" id="c-${name}-${value}" name="${name}" value="${value}"${value === current ? html` checked` : ''}> <label for="c-${name}-${value}">${label}</label></span>`;
}

function renderLicenseeField(data: ConsentFormData): Html {
  const v = data.values;
  if (data.licensees === null) {
    return html`<p>Licensee: <strong>${v.licensee}</strong> <span class="hint">(your organisation; the publisher approves the consent before it counts)</span></p>
<input type="hidden" name="licensee" value="${v.licensee}">`;
  }
  if (data.licensees.length === 0) return html`<p class="flash error">Add a licensee first (<a href="/licensees">Licensees</a>).</p>`;
  return html`<label for="c-licensee">Licensee</label>
<select id="c-licensee" name="licensee" required>${data.licensees.map((n) => html`<option${n === v.licensee ? html` selected` : ''}>${n}</option>`)}</select>`;
}

const DATE_HINT = 'UTC, e.g. 2026-03-01 or 2026-03-01 14:00; empty: open';

export function renderConsentForm(ctx: PageContext, data: ConsentFormData): Html {
  const v = data.values;
  const isLicensee = data.licensees === null;
  return html`<form method="post" action="/consents" class="stack consent-form" aria-labelledby="new-h">
  ${csrfField(ctx)}
  <h2 id="new-h">Register a consent</h2>
  ${data.error ? html`<p class="flash error" role="alert">${data.error}</p>` : ''}
  ${renderLicenseeField(data)}
  ${area('places', 'Places the licensee may publish on', v.places, 'One per line: a domain (example.com), all its subdomains (*.example.com) or a URL prefix (https://example.com/partner/).')}
  <fieldset>
    <legend>Articles covered</legend>
    ${radio('articleScope', 'all', v.articleScope, 'every article (narrowed by the fields below, if given)')}
    ${radio('articleScope', 'ids', v.articleScope, 'only the article ids listed')}
    ${area('articleIds', 'Article ids', v.articleIds, 'One per line; used when "only the article ids listed" is chosen.')}
    ${area('sections', 'Sections', v.sections, 'One per line; empty: any section.', 2)}
    ${area('tags', 'Tags', v.tags, 'One per line; empty: any tag.', 2)}
    ${text('publishedFrom', 'Published from', v.publishedFrom, DATE_HINT)}
    ${text('publishedUntil', 'Published before', v.publishedUntil, DATE_HINT)}
  </fieldset>
  <fieldset>
    <legend>Validity</legend>
    ${text('validFrom', 'Valid from', v.validFrom, DATE_HINT)}
    ${text('validUntil', 'Valid until (exclusive)', v.validUntil, DATE_HINT)}
  </fieldset>
  <fieldset>
    <legend>Use</legend>
    ${radio('use', 'full', v.use, 'full reproduction')}
    ${radio('use', 'excerpt', v.use, 'excerpts only, within these limits')}
    ${text('maxWords', 'At most this many words', v.maxWords, 'Excerpts only; empty: no word limit', html` inputmode="numeric"`)}
    ${text('maxPercent', 'At most this share of the article (%)', v.maxPercent, 'Excerpts only; empty: no share limit', html` inputmode="decimal"`)}
  </fieldset>
  ${text('holdBackHours', 'Hold-back (hours after publication)', v.holdBackHours, 'Empty: a copy may appear at once', html` inputmode="decimal"`)}
  <fieldset>
    <legend>Duties of the licensee</legend>
    ${[
      ['credit', "the article's credit line"],
      ['link', 'link back to the original'],
      ['canonical', 'canonical link to the original'],
    ].map(([value, label]) => html`<span><input type="checkbox" id="c-duty-${value}" name="duties" value="${value}"${v.duties.includes(value) ? html` checked` : ''}> <label for="c-duty-${value}">${label}</label></span>`)}
  </fieldset>
  ${text('territory', 'Territory', v.territory, 'Recorded for the contract; not checked')}
  ${text('contractRef', 'Contract reference', v.contractRef)}
  ${text('uid', 'Identifier (optional)', v.uid, 'A stable id from your contract system; empty: one is made')}
  ${isLicensee
    ? html`<input type="hidden" name="status" value="pending">`
    : html`<fieldset><legend>Status</legend>${radio('status', 'active', v.status, 'active at once')} ${radio('status', 'pending', v.status, 'pending (approve later)')}</fieldset>`}
  <button type="submit" class="primary">Register consent</button>
</form>`;
}

export function renderImportForm(ctx: PageContext, data: { importText?: string; importError?: string }): Html {
  return html`<form method="post" action="/consents/import" class="stack odrl-import" aria-labelledby="import-h">
  ${csrfField(ctx)}
  <h2 id="import-h">Import from ODRL</h2>
  <p class="hint">An ODRL 2.2 / RightsML JSON-LD document: one Agreement, a list of them, or {"@context", "@graph"}. Every Agreement is imported, or none.</p>
  ${data.importError ? html`<p class="flash error" role="alert">${data.importError}</p>` : ''}
  <label for="odrl-file">Read a file into the box below (optional)</label>
  <input type="file" id="odrl-file" accept=".json,.jsonld,application/json,application/ld+json" data-fills="odrl-text">
  <label for="odrl-text">ODRL document (paste it here)</label>
  <textarea id="odrl-text" name="document" rows="12" required maxlength="${MAX_ODRL_CHARS}" spellcheck="false">${data.importText ?? ''}</textarea>
  <button type="submit">Import</button>
</form>`;
}

export function renderNewConsentPage(ctx: PageContext, data: ConsentFormData): Html {
  return renderPage(
    ctx,
    { title: 'Register a consent', scripts: ['/assets/consent-form.js'], styles: ['/assets/rights.css'] },
    html`<h1>Register a consent</h1>
<div class="grid">
  <section class="card">${renderConsentForm(ctx, data)}</section>
  <section class="card">${renderImportForm(ctx, data)}</section>
</div>`,
  );
}
