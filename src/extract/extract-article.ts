import * as cheerio from 'cheerio';

export interface ExtractedLink {
  href: string;
  text: string;
}

export interface RightsStatement {
  /** Copyright notices found in the page text (e.g. "© 2016 Newstime News. All rights reserved."). */
  notices: string[];
  /** schema.org / meta licence URL or text. */
  license: string | null;
  /** schema.org copyrightHolder or meta copyright owner. */
  holder: string | null;
}

/** What a page says about its main article. Empty `text` means "no article found" — a result. */
export interface ExtractedArticle {
  title: string;
  /** Main text, paragraphs separated by a blank line. */
  text: string;
  canonicalUrl: string | null;
  author: string | null;
  publishedAt: string | null;
  modifiedAt: string | null;
  language: string | null;
  siteName: string | null;
  /** Credit and dateline lines, e.g. "BRUSSELS (AA) –", "Source: Reuters". */
  credits: string[];
  /** Outbound links in the main content, absolute when the page URL is known. */
  links: ExtractedLink[];
  rights: RightsStatement;
}

export interface ExtractOptions {
  /** The page's URL, to resolve relative links. */
  url?: string;
}

const BLOCK_TAGS = new Set(['p', 'div', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'tr', 'section', 'article', 'br']);

/**
 * PLACEHOLDER until the main-content extractor lands: the page's visible text, block by block.
 * Keeps the interface the rest of Copyhound codes against.
 */
export function extractArticle(html: string, _options: ExtractOptions = {}): ExtractedArticle {
  const $ = cheerio.load(html);
  $('script, style, noscript, template, svg').remove();
  const blocks: string[] = [];
  let current = '';
  const walk = (nodes: any[]) => {
    for (const node of nodes) {
      if (node.type === 'text') current += node.data;
      else if (node.type === 'tag') {
        const block = BLOCK_TAGS.has(node.name);
        if (block && current.trim()) (blocks.push(current.replace(/\s+/g, ' ').trim()), (current = ''));
        walk(node.children ?? []);
        if (block && current.trim()) (blocks.push(current.replace(/\s+/g, ' ').trim()), (current = ''));
      }
    }
  };
  walk($('body').get());
  if (current.trim()) blocks.push(current.replace(/\s+/g, ' ').trim());
  return {
    title: $('title').first().text().trim(),
    text: blocks.join('\n\n'),
    canonicalUrl: $('link[rel="canonical"]').attr('href') ?? null,
    author: null,
    publishedAt: null,
    modifiedAt: null,
    language: $('html').attr('lang') ?? null,
    siteName: null,
    credits: [],
    links: [],
    rights: { notices: [], license: null, holder: null },
  };
}
