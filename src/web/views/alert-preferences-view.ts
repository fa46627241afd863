import { humanize } from '../format.ts';
import { html, type Html } from '../html.ts';
import { csrfField, type PageContext } from '../layout.ts';

export interface AlertPreferencesData {
  mode: string;
  decisions: readonly string[];
  minCoverage: number;
  modes: readonly string[];
  allDecisions: readonly string[];
  /** Whether the server can send e-mail at all (COPYHOUND_SMTP_URL set). */
  emailConfigured: boolean;
}

const MODE_WORDS: Record<string, string> = {
  immediately: 'as soon as new reports arrive',
  daily: 'once a day, a digest of the day’s new reports',
  off: 'never',
};

/** The account page's e-mail alert section: when, which decisions, from which coverage. */
export function renderAlertPreferences(ctx: PageContext, data: AlertPreferencesData): Html {
  return html`<section aria-labelledby="alerts-h">
  <h2 id="alerts-h">E-mail alerts</h2>
  ${data.emailConfigured ? '' : html`<p class="hint">The server has no mail server configured (COPYHOUND_SMTP_URL), so no e-mail is sent until an administrator sets one; your choice is kept.</p>`}
  <form method="post" action="/account/alerts" class="stack">
    ${csrfField(ctx)}
    <fieldset>
      <legend>Send me new reports</legend>
      ${data.modes.map(
        (m) => html`<div><input type="radio" id="mode-${m}" name="mode" value="${m}"${m === data.mode ? html` checked` : ''}> <label for="mode-${m}">${MODE_WORDS[m] ?? humanize(m)}</label></div>`,
      )}
    </fieldset>
    <fieldset>
      <legend>Only reports with these decisions</legend>
      ${data.allDecisions.map(
        (d) => html`<div><input type="checkbox" id="dec-${d}" name="decisions" value="${d}"${data.decisions.includes(d) ? html` checked` : ''}> <label for="dec-${d}">${humanize(d)}</label></div>`,
      )}
    </fieldset>
    <label for="min-coverage">Only reports copying at least this share of the article (%)</label>
    <input id="min-coverage" name="minCoveragePercent" type="number" min="0" max="100" step="1" value="${Math.round(data.minCoverage * 100)}">
    <button type="submit" class="primary">Save alert settings</button>
  </form>
</section>`;
}
