/**
 * Class/id and tag vocabularies for boilerplate and content. Generic words used across CMSs and
 * languages (en/de/fr/es/pl), never names of particular sites.
 */

/** Never part of readable text. */
export const JUNK_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'iframe', 'object', 'embed', 'canvas', 'button', 'input',
  'select', 'textarea', 'option', 'link', 'meta', 'head', 'map', 'audio', 'video', 'dialog', 'math', 'title',
]);

/** Semantic page furniture, removed wholesale. */
export const FURNITURE_TAGS = new Set(['nav', 'aside', 'footer', 'menu']);

export const FURNITURE_ROLES = new Set([
  'navigation', 'banner', 'contentinfo', 'complementary', 'search', 'dialog', 'alertdialog', 'menu', 'menubar',
  'toolbar', 'tablist',
]);

/** Class/id words of page furniture: comments, sharing, consent, related lists, ads, navigation. */
export const BOILERPLATE_HINT = new RegExp(
  '(?:^|[^a-z])(?:' +
    [
      'comments?', 'comment-?(?:list|form|section|area)', 'kommentare?', 'commentaires?', 'comentarios?', 'komentarze?',
      'disqus', 'respond', 'replies',
      'share', 'sharing', 'shariff', 'social', 'socials', 'sociallinks', 'share-?buttons?', 'addthis', 'sharethis',
      'related', 'verwandte?', 'recommend\\w*', 'empfehlung\\w*', 'more-?(?:articles|stories|news)',
      'weitere-?artikel', 'also-?read', 'see-?also',
      'cookies?', 'cookie-?\\w+', 'consent', 'gdpr', 'cmp', 'newsletter', 'subscribe', 'subscription', 'signup', 'paywall-?promo',
      'breadcrumbs?', 'sidebar', 'side-?bar', 'sidenav', 'footer', 'navbar', 'nav', 'navigation', 'menu', 'topbar', 'masthead',
      'advert\\w*', 'ads?', 'adsense', 'adslot', 'ad-?slot', 'ad-?container', 'anzeige', 'werbung', 'publicidad', 'reklama',
      'sponsor\\w*', 'promo\\w*', 'outbrain', 'taboola', 'plista', 'ligatus',
      'pagination', 'pager', 'popup', 'modal', 'overlay', 'lightbox',
      'tags?', 'tag-?cloud', 'tag-?list', 'keywords', 'schlagworte', 'skip-?link', 'skiplinks?',
      'print', 'toolbar', 'author-?box', 'author-?bio', 'about-?author', 'sr-only', 'visually-?hidden', 'screen-reader-text',
      'ratings?', 'post-?ratings', 'star-?rating', 'votes?', 'voting', 'feedback', 'disclaimer', 'disclosure', 'affiliate-?\\w*',
      'donat\\w*', 'support-?us', 'membership', 'login', 'register',
      'toc', 'toc_container', 'toc-?container', 'table-?of-?contents', 'inhaltsverzeichnis', 'ez-toc-?\\w*',
      'byline', 'bylines',
      'captions?', 'wp-caption-text', 'image-?credits?', 'photo-?credits?', 'img-?copyright', 'image-?copyright', 'bildunterschrift', 'bildnachweis',
      'most-?(?:read|popular|viewed)', 'trending', 'popular', 'meistgelesen',
    ].join('|') +
    ')(?:$|[^a-z])',
  'i',
);

/** Class/id words that mark the article body; they protect an element from the furniture rules. */
export const ARTICLE_BODY_HINT =
  /article-?body|articlebody|article-?text|article-?content|entry-?content|post-?(?:body|content|text)|story-?(?:body|content|text)|main-?content|content-?body|artikel-?text|text-?body|single-?content|rich-?text|richtext|field-?body|news-?text|itemprop/i;

/** Readability-style weights for candidate containers. */
export const POSITIVE_HINT =
  /article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story|artikel|beitrag|inhalt|texto|contenu|tresc|nota|noticia/i;
export const NEGATIVE_HINT =
  /hidden|banner|combx|comment|contact|foot|footnote|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|tool|widget|teaser|widget|nav|menu|login|header|caption|author/i;

/** Class tokens that describe a state or taxonomy of the element, not its role ("has-sidebar", "tag-share"). */
const MODIFIER_TOKEN = /^(?:has|no|is|with|without|tag|tags|category|format|type|status|term|postid|page-template|single|show|hide|template|parent|ancestor)[-_]/i;

/** Whether one of the element's class/id tokens names it as page furniture. */
export function hasBoilerplateHint(classes: string | undefined, id: string | undefined): boolean {
  if (id && BOILERPLATE_HINT.test(id) && !ARTICLE_BODY_HINT.test(id)) return true;
  if (!classes) return false;
  if (ARTICLE_BODY_HINT.test(classes)) return false;
  for (const raw of classes.split(/\s+/)) {
    // BEM modifiers ("Section--Ads", "Main--Skyscraper") describe a variant, not the element's role.
    const bem = raw.indexOf('--');
    const token = bem > 0 ? raw.slice(0, bem) : raw;
    if (token && !MODIFIER_TOKEN.test(token) && BOILERPLATE_HINT.test(token)) return true;
  }
  return false;
}
