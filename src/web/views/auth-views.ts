import { html, type Html } from '../html.ts';
import { csrfField, renderPage, type PageContext } from '../layout.ts';

export function renderLoginPage(options: { next: string; email?: string; error?: string }): Html {
  return renderPage(
    null,
    { title: 'Sign in', bodyClass: 'narrow' },
    html`<h1>Sign in to Copyhound</h1>
${options.error ? html`<p class="flash error" role="alert" id="login-error">${options.error}</p>` : ''}
<form method="post" action="/login" class="stack">
  <input type="hidden" name="next" value="${options.next}">
  <label for="email">E-mail address</label>
  <input id="email" name="email" type="email" autocomplete="username" required maxlength="320" value="${options.email ?? ''}" autofocus${options.error ? html` aria-describedby="login-error"` : ''}>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
  <button type="submit" class="primary">Sign in</button>
</form>`,
  );
}

export function renderAccountPage(ctx: PageContext, extra: Html = html``): Html {
  return renderPage(
    ctx,
    { title: 'Your account' },
    html`<h1>Your account</h1>
<p>Signed in as <strong>${ctx.actor.replace(/^user:/, '')}</strong> (${ctx.role.replace('_', ' ')}).</p>
${
  ctx.isUser
    ? html`<section aria-labelledby="pw-h">
  <h2 id="pw-h">Change your password</h2>
  <p class="hint">Changing it signs you out everywhere, this browser included; sign in again with the new one.</p>
  <form method="post" action="/account/password" class="stack">
    ${csrfField(ctx)}
    <label for="current">Current password</label>
    <input id="current" name="current" type="password" autocomplete="current-password" required maxlength="1024">
    <label for="next">New password</label>
    <input id="next" name="next" type="password" autocomplete="new-password" required minlength="12" maxlength="1024" aria-describedby="next-hint">
    <p class="hint" id="next-hint">At least 12 characters, and not an easily guessed one.</p>
    <button type="submit" class="primary">Change password</button>
  </form>
</section>
<section aria-labelledby="out-h">
  <h2 id="out-h">Sessions</h2>
  <form method="post" action="/logout-all">
    ${csrfField(ctx)}
    <button type="submit">Sign out everywhere</button>
    <span class="hint">Ends every session of yours, on every device.</span>
  </form>
</section>`
    : html`<p>You are using an API key: there is no password or session to manage.</p>`
}
${extra}`,
  );
}
