import { html, type Html } from './html.ts';

/** Who is looking, as the pages need it: the role decides the navigation, the token every form. */
export interface PageContext {
  role: 'admin' | 'rights_manager' | 'legal' | 'licensee';
  /** `user:EMAIL` or `key:ID:NAME`: shown in the header. */
  actor: string;
  /** Signed in with a password (a session): can change it and sign out. */
  isUser: boolean;
  csrfToken: string;
  /** The request path: marks the current navigation entry. */
  path: string;
  /** One message from the previous action (set before a redirect). */
  flash?: { kind: 'ok' | 'error'; text: string };
}

interface NavEntry {
  href: string;
  label: string;
  roles: readonly PageContext['role'][];
}

const STAFF = ['admin', 'rights_manager', 'legal'] as const;
const MANAGERS = ['admin', 'rights_manager'] as const;

const NAV: readonly NavEntry[] = [
  { href: '/', label: 'Dashboard', roles: STAFF },
  { href: '/reports', label: 'Review queue', roles: STAFF },
  { href: '/articles', label: 'Owned articles', roles: STAFF },
  { href: '/licensees', label: 'Licensees', roles: STAFF },
  { href: '/sources', label: 'Sources', roles: MANAGERS },
  { href: '/settings', label: 'Settings', roles: ['admin'] },
  { href: '/portal', label: 'My consents', roles: ['licensee'] },
  { href: '/api/docs', label: 'API', roles: [...STAFF, 'licensee'] },
];

function isCurrent(entry: NavEntry, path: string): boolean {
  return entry.href === '/' ? path === '/' : path === entry.href || path.startsWith(`${entry.href}/`);
}

/** The hidden CSRF field every state-changing form carries. */
export function csrfField(ctx: Pick<PageContext, 'csrfToken'>): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}">`;
}

function renderNav(ctx: PageContext): Html {
  const entries = NAV.filter((e) => e.roles.includes(ctx.role));
  return html`<nav aria-label="Main"><ul>${entries.map(
    (e) => html`<li><a href="${e.href}"${isCurrent(e, ctx.path) ? html` aria-current="page"` : ''}>${e.label}</a></li>`,
  )}</ul></nav>`;
}

function renderUser(ctx: PageContext): Html {
  const who = ctx.actor.replace(/^user:/, '');
  return html`<div class="user">
    <a href="/account" title="Account and password">${who}</a> <span class="role">${ctx.role.replace('_', ' ')}</span>
    ${ctx.isUser ? html`<form method="post" action="/logout" class="inline">${csrfField(ctx)}<button type="submit" class="link">Sign out</button></form>` : ''}
  </div>`;
}

export interface PageOptions {
  title: string;
  /** Extra scripts (served under /assets) this page needs, e.g. the chart library. */
  scripts?: string[];
  /** Extra stylesheets (served under /assets) this page needs. */
  styles?: string[];
  /** Body class, for page-specific styles and keyboard handling. */
  bodyClass?: string;
}

/** A whole page: head, header with navigation, the flash message, then the page's own content. */
export function renderPage(ctx: PageContext | null, options: PageOptions, content: Html): Html {
  const scripts = ['/assets/app.js', ...(options.scripts ?? [])];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Copyhound</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/app.css">
${(options.styles ?? []).map((href) => html`<link rel="stylesheet" href="${href}">`)}
${scripts.map((src) => html`<script src="${src}" defer></script>`)}
</head>
<body class="${options.bodyClass ?? ''}">
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/">Copyhound</a>
  ${ctx ? renderNav(ctx) : ''}
  ${ctx ? renderUser(ctx) : ''}
</header>
<main id="main" tabindex="-1">
${ctx?.flash ? html`<p class="flash ${ctx.flash.kind}" role="${ctx.flash.kind === 'error' ? 'alert' : 'status'}">${ctx.flash.text}</p>` : ''}
${content}
</main>
</body>
</html>`;
}

/** An error as a page: what went wrong in the server's words, and a way on. */
export function renderErrorPage(ctx: PageContext | null, status: number, message: string): Html {
  const titles: Record<number, string> = { 400: 'That did not work', 401: 'Please sign in', 403: 'Not allowed', 404: 'Not found', 409: 'Not possible now', 429: 'Too many attempts' };
  const title = titles[status] ?? 'Something went wrong';
  return renderPage(
    ctx,
    { title },
    html`<h1>${title}</h1>
<p class="error-message">${message}</p>
<p>${status === 401 ? html`<a href="/login">Sign in</a>` : html`<a href="/">Back to the start page</a>`}</p>`,
  );
}
