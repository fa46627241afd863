import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../src/extract/extract-article.ts';
import { holderFromNotice } from '../../src/extract/rights.ts';

const BODY = '<article><p>An article paragraph that is long enough to be found as the main text of the page.</p></article>';

describe('holderFromNotice', () => {
  it('reads the owner after the © mark and year', () => {
    expect(holderFromNotice('© 2016, Newstime News. All rights reserved')).toBe('Newstime News');
    expect(holderFromNotice('Copyright 2010-2024 Example Media Group. Alle Rechte vorbehalten.')).toBe('Example Media Group');
    expect(holderFromNotice('(c) 2022 Foo Bar Ltd | Privacy')).toBe('Foo Bar Ltd');
  });

  it('returns null when no owner is named', () => {
    expect(holderFromNotice('© 2016. All rights reserved')).toBeNull();
    expect(holderFromNotice('No notice here')).toBeNull();
  });
});

describe('rights statements', () => {
  it('collects © notices from the whole page, footers included', () => {
    const a = extractArticle(`<html><body>${BODY}<footer><p>© 2016, Newstime News. All rights reserved.</p></footer></body></html>`);
    expect(a.rights.notices).toEqual(['© 2016, Newstime News. All rights reserved.']);
    expect(a.rights.holder).toBe('Newstime News');
    expect(a.text).not.toContain('©');
  });

  it('reads meta copyright, rel=license and schema.org fields', () => {
    const ld = { '@type': 'NewsArticle', copyrightHolder: { '@type': 'Organization', name: 'Wire Agency' }, copyrightNotice: '© Wire Agency 2023', license: 'https://creativecommons.org/licenses/by-nd/4.0/' };
    const a = extractArticle(
      `<html><head><meta name="copyright" content="Example Verlag"><script type="application/ld+json">${JSON.stringify(ld)}</script></head><body>${BODY}</body></html>`,
    );
    expect(a.rights.holder).toBe('Wire Agency');
    expect(a.rights.license).toBe('https://creativecommons.org/licenses/by-nd/4.0/');
    expect(a.rights.notices).toEqual(['© Wire Agency 2023', 'Example Verlag']);
  });

  it('resolves a relative rel=license link and uses meta copyright as holder', () => {
    const a = extractArticle(`<html><head><link rel="license" href="/terms#reuse"><meta name="copyright" content="Example Verlag"></head><body>${BODY}</body></html>`, { url: 'https://example.de/a/b.html' });
    expect(a.rights.license).toBe('https://example.de/terms#reuse');
    expect(a.rights.holder).toBe('Example Verlag');
  });

  it('has empty rights when the page states none', () => {
    expect(extractArticle(`<html><body>${BODY}</body></html>`).rights).toEqual({ notices: [], license: null, holder: null });
  });
});
