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
