import type { KeyView, UserView } from '../../accounts.ts';
import type { AlertDeliveryView, AlertTargetView } from '../../alert-admin.ts';
import { formatUtc, humanize } from '../format.ts';
import { html, type Html } from '../html.ts';
import { csrfField, renderPage, type PageContext } from '../layout.ts';
import { renderAlertSections } from './settings-alerts-view.ts';

/** Settings for admins: users, API keys, owner sites, alert targets and their delivery log. */

export interface SettingsData {
  users: UserView[];
  keys: KeyView[];
  roles: readonly string[];
  licensees: string[];
  ownerSites: { place: string; source: 'config' | 'database' | 'owner_source'; createdBy?: string; createdAt?: string }[];
  targets: { target: AlertTargetView; last: AlertDeliveryView | null }[];
  deliveries: AlertDeliveryView[];
  decisions: readonly string[];
  defaultDecisions: readonly string[];
  /** The signed-in admin's id: the list does not offer to disable oneself. */
  selfId: number | null;
}

export function roleSelect(id: string, roles: readonly string[]): Html {
  return html`<label for="${id}">Role</label>
<select id="${id}" name="role">${roles.map((r) => html`<option value="${r}">${humanize(r)}</option>`)}</select>`;
}

export function licenseeSelect(id: string, licensees: string[]): Html {
  return html`<label for="${id}">Licensee (for the licensee role only)</label>
<select id="${id}" name="licensee"><option value="">none</option>${licensees.map((n) => html`<option>${n}</option>`)}</select>`;
}

function renderUsers(ctx: PageContext, data: SettingsData): Html {
  return html`<section class="card wide" aria-labelledby="users-h" id="users">
  <h2 id="users-h">Users</h2>
  <table class="compact" aria-label="Users">
    <thead><tr><th scope="col">E-mail</th><th scope="col">Role</th><th scope="col">Licensee</th><th scope="col">State</th><th scope="col">Added</th><th scope="col">Action</th></tr></thead>
    <tbody>${data.users.map(
      (u) => html`<tr>
      <td>${u.email}</td><td>${humanize(u.role)}</td><td>${u.licensee ?? html`<span class="muted">—</span>`}</td>
      <td>${u.disabled ? html`<span class="badge revoked">disabled</span>` : html`<span class="badge active">enabled</span>`}</td>
      <td>${formatUtc(u.createdAt)} <span class="muted small">by ${u.createdBy}</span></td>
      <td>${u.id === data.selfId
        ? html`<span class="muted small">you</span>`
        : html`<form method="post" action="/settings/users/${u.id}/${u.disabled ? 'enable' : 'disable'}" class="inline">${csrfField(ctx)}<button type="submit"${u.disabled ? '' : html` class="danger"`}>${u.disabled ? 'Enable' : 'Disable'}<span class="visually-hidden"> ${u.email}</span></button></form>`}</td>
    </tr>`,
    )}</tbody>
  </table>
  <form method="post" action="/settings/users" class="stack" aria-labelledby="add-user-h">
    ${csrfField(ctx)}
    <h3 id="add-user-h">Add a user</h3>
    <label for="u-email">E-mail</label>
    <input id="u-email" name="email" type="email" required maxlength="254" autocomplete="off">
    ${roleSelect('u-role', data.roles)}
    ${licenseeSelect('u-licensee', data.licensees)}
    <label for="u-password">Password</label>
    <span class="hint small" id="u-password-hint">Checked by the same rules as a password the user sets; tell it to them over a separate channel.</span>
    <input id="u-password" name="password" type="password" required maxlength="1024" autocomplete="new-password" aria-describedby="u-password-hint">
    <button type="submit" class="primary">Add user</button>
  </form>
</section>`;
}

function renderKeys(ctx: PageContext, data: SettingsData): Html {
  return html`<section class="card wide" aria-labelledby="keys-h" id="keys">
  <h2 id="keys-h">API keys</h2>
  ${data.keys.length === 0
    ? html`<p class="muted">No API keys yet.</p>`
    : html`<table class="compact" aria-label="API keys">
    <thead><tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Role</th><th scope="col">Licensee</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead>
    <tbody>${data.keys.map(
      (k) => html`<tr>
      <td>${k.name}</td><td><code>${k.prefix}</code></td><td>${humanize(k.role)}</td><td>${k.licensee ?? html`<span class="muted">—</span>`}</td>
      <td>${formatUtc(k.createdAt)} <span class="muted small">by ${k.createdBy}</span></td><td>${k.expiresAt ? formatUtc(k.expiresAt) : 'never'}</td><td>${formatUtc(k.lastUsedAt)}</td>
      <td>${k.revokedAt
        ? html`<span class="badge revoked">revoked</span> <span class="small">${formatUtc(k.revokedAt)}</span>`
        : html`<form method="post" action="/settings/keys/${k.id}/revoke" class="inline">${csrfField(ctx)}<button type="submit" class="danger">Revoke<span class="visually-hidden"> key ${k.name}</span></button></form>`}</td>
    </tr>`,
    )}</tbody>
  </table>`}
  <form method="post" action="/settings/keys" class="stack" aria-labelledby="add-key-h">
    ${csrfField(ctx)}
    <h3 id="add-key-h">Create an API key</h3>
    <label for="k-name">Name (what the key is for)</label>
    <input id="k-name" name="name" required maxlength="200">
    ${roleSelect('k-role', data.roles)}
    ${licenseeSelect('k-licensee', data.licensees)}
    <label for="k-expires">Expires (UTC, optional)</label>
    <input id="k-expires" name="expires" maxlength="64" placeholder="2027-01-01">
    <p class="hint">The key is shown once, on the next page; only its hash is stored.</p>
    <button type="submit" class="primary">Create key</button>
  </form>
</section>`;
}

const SITE_ORIGINS: Record<string, string> = { config: 'configuration (COPYHOUND_OWNER_SITES)', owner_source: "an owner feed's host", database: 'added here or by the CLI' };

function renderOwnerSites(ctx: PageContext, data: SettingsData): Html {
  return html`<section class="card" aria-labelledby="sites-h" id="owner-sites">
  <h2 id="sites-h">Owner sites</h2>
  <p class="hint">Pages on the publisher's own sites are never reports.</p>
  ${data.ownerSites.length === 0
    ? html`<p class="muted">None yet.</p>`
    : html`<table class="compact" aria-label="Owner sites">
    <thead><tr><th scope="col">Place</th><th scope="col">From</th><th scope="col">Action</th></tr></thead>
    <tbody>${data.ownerSites.map(
      (s) => html`<tr><td><code>${s.place}</code></td><td>${SITE_ORIGINS[s.source]}${s.createdBy ? html` <span class="muted small">by ${s.createdBy}</span>` : ''}</td>
      <td>${s.source === 'database'
        ? html`<form method="post" action="/settings/owner-sites/remove" class="inline">${csrfField(ctx)}<input type="hidden" name="place" value="${s.place}"><button type="submit" class="danger">Remove<span class="visually-hidden"> ${s.place}</span></button></form>`
        : html`<span class="muted small">set elsewhere</span>`}</td></tr>`,
    )}</tbody>
  </table>`}
  <form method="post" action="/settings/owner-sites" class="stack">
    ${csrfField(ctx)}
    <label for="o-place">Add a place</label>
    <span class="hint small" id="o-place-hint">A host (example.com), *.example.com, or a URL prefix (https://example.com/news/).</span>
    <input id="o-place" name="place" required maxlength="2000" aria-describedby="o-place-hint">
    <button type="submit">Add owner site</button>
  </form>
</section>`;
}

export function renderSettings(ctx: PageContext, data: SettingsData): Html {
  return renderPage(
    ctx,
    { title: 'Settings', styles: ['/assets/settings.css'] },
    html`<h1>Settings</h1>
<nav aria-label="Sections" class="small"><a href="#users">Users</a> · <a href="#keys">API keys</a> · <a href="#owner-sites">Owner sites</a> · <a href="#alerts">Alert targets</a> · <a href="#deliveries">Delivery log</a></nav>
<div class="grid">
${renderUsers(ctx, data)}
${renderKeys(ctx, data)}
${renderOwnerSites(ctx, data)}
${renderAlertSections(ctx, data)}
</div>`,
  );
}

/** A secret shown once, as the answer to the form that made it (never stored in clear, never in a cookie). */
export function renderSecretOnce(ctx: PageContext, what: { title: string; intro: string; label: string; secret: string; note: string }): Html {
  return renderPage(
    ctx,
    { title: what.title, styles: ['/assets/settings.css'] },
    html`<h1>${what.title}</h1>
<p>${what.intro}</p>
<p class="flash ok" role="status">Copy it now: it is shown this once and cannot be shown again.</p>
<label for="secret">${what.label}</label>
<input id="secret" class="secret" readonly value="${what.secret}" size="70">
<p class="hint">${what.note}</p>
<p><a href="/settings">Back to Settings</a></p>`,
  );
}
