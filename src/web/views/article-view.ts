import { formatCount, formatDay, formatPercent, formatUtc, humanize } from '../format.ts';
import { html, type Html } from '../html.ts';
import { renderPage, type PageContext } from '../layout.ts';
import { renderUrl } from './report-view.ts';

/** GET /articles (search the owned articles) and GET /articles/:id (one article and where it was found). */

export interface ArticleItem {
  id: string;
  url: string;
  title: string;
  publishedAt: string | null;
  section: string | null;
  tags: string[] | null;
  credit: string | null;
  archivedAt: string | null;
}

export interface ArticleSearchData {
  q: string;
  by: 'title' | 'id';
  /** The article whose id is exactly q, shown above the title results on the first page. */
  exact: ArticleItem | null;
  items: ArticleItem[];
  /** Query string of the next page (or of the next stretch of a title search), null at the end. */
  nextQuery: string | null;
  isFirstPage: boolean;
  /** A title search looked at its whole budget of titles without filling a page. */
  searchedStretch: number | null;
  error?: string;
}

const articleHref = (id: string) => `/articles/${encodeURIComponent(id)}`;

function renderRow(a: ArticleItem): Html {
  return html`<tr>
  <td><a href="${articleHref(a.id)}">${a.title}</a>${a.archivedAt ? html` <span class="badge closed">archived</span>` : ''}</td>
  <td><code>${a.id}</code></td>
  <td>${a.section ?? html`<span class="muted">—</span>`}${a.tags && a.tags.length > 0 ? html`<div class="muted small">${a.tags.join(', ')}</div>` : ''}</td>
  <td>${formatDay(a.publishedAt)}</td>
  <td>${a.credit ?? html`<span class="muted">—</span>`}</td>
</tr>`;
}

function renderTable(items: readonly ArticleItem[], label: string, empty: string): Html {
  return html`<table class="compact articles" aria-label="${label}">
  <thead><tr><th scope="col">Title</th><th scope="col">Article id</th><th scope="col">Section / tags</th><th scope="col">Published</th><th scope="col">Credit line</th></tr></thead>
  <tbody>${items.length === 0 ? html`<tr><td colspan="5" class="empty">${empty}</td></tr>` : items.map(renderRow)}</tbody>
</table>`;
}

export function renderArticleSearch(ctx: PageContext, d: ArticleSearchData): Html {
  const searching = d.q !== '';
  const heading = !searching ? 'Most recently registered' : d.by === 'id' ? html`Ids starting with “${d.q}”` : html`Titles containing “${d.q}”`;
  return renderPage(
    ctx,
    { title: 'Owned articles', bodyClass: 'articles', styles: ['/assets/report.css'] },
    html`<h1>Owned articles</h1>
<form method="get" action="/articles" class="filters" role="search" aria-label="Search owned articles">
  <div><label for="q">Search</label><input id="q" name="q" value="${d.q}" maxlength="500" size="40" placeholder="words of the title, or an article id"></div>
  <div><label for="by">In</label><select id="by" name="by"><option value="title"${d.by === 'title' ? html` selected` : ''}>titles (and exact id)</option><option value="id"${d.by === 'id' ? html` selected` : ''}>ids starting with</option></select></div>
  <div class="buttons"><button type="submit">Search</button> <a href="/articles">Clear</a></div>
</form>
<p class="hint">Titles are searched for the text anywhere in them (letters A–Z in any case), in alphabetical order; ids by their beginning, exactly as written. Sections and tags are shown but not searchable: the registry has no index for them.</p>
${d.error ? html`<p class="flash error" role="alert">${d.error}</p>` : ''}
${d.exact ? html`<h2>Article id “${d.exact.id}”</h2>${renderTable([d.exact], 'Article with this id', '')}` : ''}
<h2>${heading}</h2>
${renderTable(d.items, 'Owned articles', searching ? 'No article matches.' : 'No owned articles are registered yet.')}
${d.searchedStretch !== null ? html`<p class="hint">Looked through ${formatCount(d.searchedStretch)} more titles without filling this page; there are more titles to look through.</p>` : ''}
<nav class="pager" aria-label="Pages">
  ${d.isFirstPage ? '' : html`<a href="/articles${d.q ? `?${new URLSearchParams({ q: d.q, by: d.by }).toString()}` : ''}" rel="first">First page</a>`}
  ${d.nextQuery ? html`<a href="/articles${d.nextQuery}" rel="next">${d.searchedStretch !== null ? 'Continue searching' : 'Next page'}</a>` : html`<span class="muted">End of the list</span>`}
</nav>`,
  );
}

export interface ArticleDetail extends ArticleItem {
  canonicalUrl: string | null;
  author: string | null;
  language: string | null;
  createdAt: string;
  updatedAt: string;
  /** The start of the body (the whole of it is on the report pages). */
  opening: string;
  bodyChars: number;
}

export interface FoundItem {
  matchId: number;
  pageUrl: string;
  host: string;
  kind: string;
  coverage: number;
  copiedWords: number;
  lastSeenAt: string;
  decision: string | null;
  reasons: string[] | null;
  reportId: number | null;
  reportStatus: string | null;
}

export interface ArticleDetailData {
  article: ArticleDetail;
  found: FoundItem[];
  /** Pages found on, counted up to a cap: `capped` means "more than total". */
  foundCount: { total: number; capped: boolean };
  nextQuery: string | null;
  isFirstPage: boolean;
}

function renderFound(f: FoundItem): Html {
  return html`<tr>
  <td>${f.reportId !== null ? html`<a href="/reports/${f.reportId}">#${f.reportId}</a>` : html`<span class="muted">no report</span>`}</td>
  <td class="url"><span class="host">${f.host}</span><div class="muted small truncate" title="${f.pageUrl}">${f.pageUrl}</div></td>
  <td>${humanize(f.kind)}</td>
  <td class="num">${formatPercent(f.coverage)}<div class="muted small">${formatCount(f.copiedWords)} words</div></td>
  <td>${f.decision ? html`<span class="badge ${f.decision}">${humanize(f.decision)}</span>${f.reasons && f.reasons.length > 0 ? html`<div class="muted small">${f.reasons.map(humanize).join(', ')}</div>` : ''}` : html`<span class="muted">not decided</span>`}</td>
  <td>${f.reportStatus ? html`<span class="badge ${f.reportStatus}">${humanize(f.reportStatus)}</span>` : html`<span class="muted">—</span>`}</td>
  <td>${formatUtc(f.lastSeenAt)}</td>
</tr>`;
}

export function renderArticleDetail(ctx: PageContext, d: ArticleDetailData): Html {
  const a = d.article;
  const count = d.foundCount.capped ? `more than ${formatCount(d.foundCount.total)}` : formatCount(d.foundCount.total);
  return renderPage(
    ctx,
    { title: a.title, bodyClass: 'article', styles: ['/assets/report.css'] },
    html`<p class="muted small"><a href="/articles">← Owned articles</a></p>
<h1>${a.title}</h1>
<div class="grid">
<section class="card" aria-labelledby="meta-h">
  <h2 id="meta-h">The article</h2>
  <dl class="facts">
    <dt>Article id</dt><dd><code>${a.id}</code>${a.archivedAt ? html` <span class="badge closed">archived ${formatDay(a.archivedAt)}</span>` : ''}</dd>
    <dt>URL</dt><dd class="wrap">${renderUrl(a.url)}</dd>
    ${a.canonicalUrl ? html`<dt>Canonical URL</dt><dd class="wrap">${renderUrl(a.canonicalUrl)}</dd>` : ''}
    <dt>Published</dt><dd>${a.publishedAt ? formatUtc(a.publishedAt) : '—'}</dd>
    <dt>Author</dt><dd>${a.author ?? '—'}</dd>
    <dt>Credit line</dt><dd>${a.credit ?? '—'}</dd>
    <dt>Section</dt><dd>${a.section ?? '—'}</dd>
    <dt>Tags</dt><dd>${a.tags && a.tags.length > 0 ? a.tags.join(', ') : '—'}</dd>
    <dt>Language</dt><dd>${a.language ?? '—'}</dd>
    <dt>Registered</dt><dd>${formatUtc(a.createdAt)}; updated ${formatUtc(a.updatedAt)}</dd>
  </dl>
</section>
<section class="card" aria-labelledby="text-h">
  <h2 id="text-h">Text</h2>
  <p class="report-text">${a.opening}${a.bodyChars > a.opening.length ? html`<span class="muted"> … (${formatCount(a.bodyChars)} characters in all)</span>` : ''}</p>
</section>
</div>
<h2>Where it was found <span class="muted small">(${count} page${d.foundCount.total === 1 && !d.foundCount.capped ? '' : 's'})</span></h2>
<table class="compact found" aria-label="Pages the article was found on, newest first">
  <thead><tr><th scope="col">Report</th><th scope="col">Page</th><th scope="col">Kind</th><th scope="col" class="num">Coverage</th><th scope="col">Decision</th><th scope="col">Status</th><th scope="col">Last seen</th></tr></thead>
  <tbody>${d.found.length === 0 ? html`<tr><td colspan="7" class="empty">Not found on any page yet.</td></tr>` : d.found.map(renderFound)}</tbody>
</table>
<nav class="pager" aria-label="Pages">
  ${d.isFirstPage ? '' : html`<a href="${articleHref(a.id)}" rel="first">Newest</a>`}
  ${d.nextQuery ? html`<a href="${articleHref(a.id)}${d.nextQuery}" rel="next">Older</a>` : html`<span class="muted">End of the list</span>`}
</nav>`,
  );
}
