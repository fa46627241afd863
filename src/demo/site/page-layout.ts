/**
 * HTML as news outlets serve it: cookie banner, masthead and navigation, the story with headline,
 * byline and date, share tools, a newsletter box, related links and a footer, so the extractor
 * has real boilerplate to strip. Each outlet lives under its own path prefix on the one loopback
 * host (places ignore the port, so path prefixes are how the demo tells its "sites" apart).
 */

export interface Outlet {
  /** Path prefix without slashes, e.g. "marmara-daily". */
  slug: string;
  name: string;
  tagline: string;
}

export function outletRoot(outlet: Outlet): string {
  return `/${outlet.slug}/`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function masthead(outlet: Outlet): string {
  const root = outletRoot(outlet);
  return `<div class="cookie-consent" role="dialog">We and our partners use cookies to personalise content and measure audiences. <a href="${root}about">Learn more</a> <button type="button">Accept</button> <button type="button">Reject</button></div>
<header class="masthead">
  <a class="brand" href="${root}">${escapeHtml(outlet.name)}</a>
  <p class="tagline">${escapeHtml(outlet.tagline)}</p>
  <nav class="primary"><ul><li><a href="${root}">Home</a></li><li><a href="${root}">World</a></li><li><a href="${root}">Business</a></li><li><a href="${root}about">About us</a></li></ul></nav>
</header>`;
}

function siteFooter(outlet: Outlet, year: number): string {
  const root = outletRoot(outlet);
  return `<footer class="site-footer">
  <p>© ${year} ${escapeHtml(outlet.name)}. All rights reserved.</p>
  <ul class="legal"><li><a href="${root}about">About us</a></li><li><a href="${root}about">Contact</a></li><li><a href="${root}about">Privacy</a></li></ul>
</footer>`;
}

export interface ArticlePage {
  outlet: Outlet;
  /** The page's own path (its canonical link). */
  path: string;
  headline: string;
  author: string;
  publishedAt: string;
  /** A photo caption shown above the story, as some sites print one. */
  caption?: string;
  /** The story's paragraphs as plain text (escaped here). */
  paragraphs: string[];
  /** A closing line in italics inside the story, e.g. "Source: Demo Wire". */
  sourceLine?: string;
  /** The site's own notice at the end of the story (a republisher's "© … All rights reserved"). */
  notice?: string;
  related: { path: string; title: string }[];
}

/** A full article page of an outlet. */
export function buildArticlePage(page: ArticlePage): string {
  const { outlet } = page;
  const related = page.related.map((r) => `<li><a href="${r.path}">${escapeHtml(r.title)}</a></li>`).join('\n      ');
  const body = [
    ...page.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(page.sourceLine ? [`<p><em>${escapeHtml(page.sourceLine)}</em></p>`] : []),
    ...(page.notice ? [`<p class="copyright-notice">${escapeHtml(page.notice)}</p>`] : []),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(page.headline)} – ${escapeHtml(outlet.name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="author" content="${escapeHtml(page.author)}">
<meta property="og:site_name" content="${escapeHtml(outlet.name)}">
<meta property="og:type" content="article">
<meta property="og:title" content="${escapeHtml(page.headline)}">
<meta property="article:published_time" content="${page.publishedAt}">
<link rel="canonical" href="${page.path}">
</head>
<body>
${masthead(outlet)}
<main id="content">
  <article class="story">
    <h1 class="headline">${escapeHtml(page.headline)}</h1>
    <p class="byline">By <span class="author">${escapeHtml(page.author)}</span> · <time datetime="${page.publishedAt}">${page.publishedAt.slice(0, 10)}</time></p>
    ${page.caption ? `<figure class="lead-photo"><figcaption>${escapeHtml(page.caption)}</figcaption></figure>` : ''}
    <div class="story-body">
      ${body.join('\n      ')}
    </div>
    <div class="share-tools"><a href="${outletRoot(outlet)}about">Share</a> <a href="${outletRoot(outlet)}about">Print</a> <a href="mailto:?subject=story">Email</a></div>
  </article>
  <aside class="newsletter"><h2>Get the morning briefing</h2><p>Sign up for our free newsletter and never miss a story.</p><form><input type="email" placeholder="Your email" aria-label="Your email"><button>Subscribe</button></form></aside>
  <aside class="more-from"><h2>More from ${escapeHtml(outlet.name)}</h2>
    <ul>
      ${related}
    </ul>
  </aside>
</main>
${siteFooter(outlet, Number(page.publishedAt.slice(0, 4)))}
</body>
</html>`;
}

/** An outlet's front page: teasers in its own words, linking to its stories. */
export function buildFrontPage(outlet: Outlet, stories: { path: string; title: string; teaser: string }[], year: number): string {
  const items = stories.map((s) => `<li class="teaser"><h2><a href="${s.path}">${escapeHtml(s.title)}</a></h2><p>${escapeHtml(s.teaser)}</p></li>`).join('\n    ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(outlet.name)} – ${escapeHtml(outlet.tagline)}</title>
<meta property="og:site_name" content="${escapeHtml(outlet.name)}"></head>
<body>
${masthead(outlet)}
<main><h1>Latest</h1>
  <ul class="river">
    ${items}
  </ul>
</main>
${siteFooter(outlet, year)}
</body></html>`;
}

export function buildAboutPage(outlet: Outlet, year: number): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>About ${escapeHtml(outlet.name)}</title></head>
<body>
${masthead(outlet)}
<main><h1>About ${escapeHtml(outlet.name)}</h1>
<p>${escapeHtml(outlet.name)} is a sample outlet of the Copyhound demo: it exists only on this machine.</p></main>
${siteFooter(outlet, year)}
</body></html>`;
}

/** The sample web's own start page: what each outlet is, for a person who opens it in a browser. */
export function buildIndexPage(entries: { outlet: Outlet; role: string }[]): string {
  const items = entries.map((e) => `<li><a href="${outletRoot(e.outlet)}">${escapeHtml(e.outlet.name)}</a> — ${escapeHtml(e.role)}</li>`).join('\n  ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Copyhound demo: the sample web</title></head>
<body>
<h1>The sample web of the Copyhound demo</h1>
<p>Outlets on this machine that republish the demo publisher's stories. Copyhound crawled them through <a href="/sitemap.xml">/sitemap.xml</a>.</p>
<ul>
  ${items}
</ul>
</body></html>`;
}
