import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../src/extract/extract-article.ts';

const wrap = (inner: string) => `<html><body><div class="content">${inner}</div></body></html>`;

describe('text serialisation', () => {
  it('adds nothing at inline tags and separates blocks by a blank line', () => {
    const a = extractArticle(wrap('<p>Der <a href="/z">Zeiger</a>! steht auf <b>zw</b>ölf, und das ist ein langer Satz.</p><p>Zweiter Absatz mit <em>genug</em> Text, damit er zählt.</p>'));
    expect(a.text).toBe('Der Zeiger! steht auf zwölf, und das ist ein langer Satz.\n\nZweiter Absatz mit genug Text, damit er zählt.');
  });

  it('turns <br> into a newline and <br><br> into a paragraph break', () => {
    const a = extractArticle(wrap('<p>Erste Zeile des Gedichts, ziemlich lang.<br>Zweite Zeile des Gedichts, auch lang.<br><br>Neue Strophe, mit weiteren Worten.</p>'));
    expect(a.text).toBe('Erste Zeile des Gedichts, ziemlich lang.\nZweite Zeile des Gedichts, auch lang.\n\nNeue Strophe, mit weiteren Worten.');
  });

  it('folds whitespace and drops scripts, styles and hidden elements', () => {
    const a = extractArticle(wrap('<p>  Viel \n\t Platz,   hier im Text, der lang genug ist. </p><script>var x = "nope";</script><style>p{}</style><p hidden>verborgen</p><p style="display:none">auch verborgen</p>'));
    expect(a.text).toBe('Viel Platz, hier im Text, der lang genug ist.');
  });
});

describe('robustness', () => {
  it('never throws, whatever the input', () => {
    const inputs = ['', '<', '<<<>>><div', '<html><body><p>unclosed <b>bold <i>italic', '\u0000\u0001binary\uFFFF', '<svg><script>', '<table><tr><td>a<td>b</table></p></div>', `${'<div>'.repeat(5000)}deep${'</div>'.repeat(10)}`, '<script type="application/ld+json">{{{</script>'];
    for (const input of inputs) {
      const a = extractArticle(input, { url: 'not a url' });
      expect(typeof a.text).toBe('string');
      expect(a.rights.notices).toBeInstanceOf(Array);
    }
    expect(extractArticle(undefined as unknown as string).text).toBe('');
  });

  it('returns empty text for a page without any article', () => {
    const a = extractArticle('<html><head><title>Login</title></head><body><nav><a href="/">Home</a></nav><form><input name="u"><button>Log in</button></form></body></html>');
    expect(a.text).toBe('');
    expect(a.title).toBe('Login');
  });
});

describe('teaser rails', () => {
  it('leaves out lists of story cards even when their anchors hold no text', () => {
    const card = (n: number) =>
      `<li><a href="/story/${n}"></a><img src="/i/${n}.jpg"><div class="t">Story number ${n} about something else entirely</div><p>A teaser sentence for story ${n} that is long enough to look like prose in a list.</p></li>`;
    const html = `<html><body><main>
      <div class="body"><p>The real article starts here, with a first paragraph of news text that is long enough.</p>
      <p>A second paragraph continues the story, adding quotes, numbers, and more details for readers.</p></div>
      <ul class="timeline">${[1, 2, 3, 4].map(card).join('')}</ul></main></body></html>`;
    const a = extractArticle(html);
    expect(a.text).toContain('The real article starts here');
    expect(a.text).not.toContain('teaser sentence');
  });

  it('keeps an article list whose items are sentences', () => {
    const html = `<html><body><article><p>The council listed its reasons, which were discussed at length on Monday evening:</p>
      <ul><li>Costs rose by a third since the plan was first drawn up in 2019.</li><li>Two contractors withdrew from the tender, citing staff shortages.</li><li>The site needs a new access road before work can begin.</li></ul>
      <p>A final decision is expected next month, after a public consultation.</p></article></body></html>`;
    const a = extractArticle(html);
    expect(a.text).toContain('Two contractors withdrew from the tender, citing staff shortages.');
  });
});
