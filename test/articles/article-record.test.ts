import { describe, expect, it } from 'vitest';
import { normaliseBody, parseArticleRecord } from '../../src/articles/article-record.ts';

const valid = { id: 'aa-1', url: 'https://wire.example/aa-1', title: 'NATO chief', body: 'First paragraph.\n\nSecond.' };

describe('parseArticleRecord', () => {
  it('accepts a minimal record and hashes its content', () => {
    const parsed = parseArticleRecord(valid);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.record.bodySource).toBe('text');
    expect(parsed.record.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(parseArticleRecord({ ...valid }).ok && (parseArticleRecord({ ...valid }) as any).record.contentHash).toBe(parsed.record.contentHash);
  });

  it('changes the hash when any field changes', () => {
    const a = parseArticleRecord(valid) as any;
    const b = parseArticleRecord({ ...valid, credit: 'Anadolu Agency' }) as any;
    expect(a.record.contentHash).not.toBe(b.record.contentHash);
  });

  it('reports every bad field at once, by name', () => {
    const parsed = parseArticleRecord({ id: '', url: 'ftp://x', title: 3, publishedAt: 'yesterday', lang: 'en' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const fields = parsed.problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['id', 'url', 'title', 'publishedAt', 'lang']));
    expect(parsed.problems.find((p) => p.field === 'lang')?.message).toMatch(/unknown field/);
  });

  it('says a missing field is required', () => {
    const parsed = parseArticleRecord({ id: 'x', title: 't', body: 'b' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems).toContainEqual({ field: 'url', message: 'url is required' });
  });

  it('needs a body or html', () => {
    const parsed = parseArticleRecord({ id: 'x', url: 'https://a.example/', title: 't', body: '  ' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0].message).toMatch(/body .* or html/);
  });

  it('extracts the text of an html article', () => {
    const paragraphs = [
      'BRUSSELS (AA) – Russia’s ongoing airstrikes in Syria are undermining the peace talks in Geneva, NATO Secretary-General Jens Stoltenberg said Friday.',
      'The NATO chief said the alliance strongly supports all efforts to find negotiated peaceful and political solution to the conflict in Syria.',
      'He further described it as a challenge for NATO because “it is also a violation of NATO airspace”, speaking ahead of a meeting of EU defense ministers.',
    ];
    const html = `<html><body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article>${paragraphs.map((p) => `<p>${p}</p>`).join('')}</article><footer>© 2016 Example News</footer></body></html>`;
    const parsed = parseArticleRecord({ id: 'x', url: 'https://a.example/', title: 't', html });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.record.bodySource).toBe('html');
      expect(parsed.record.body).toContain(`${paragraphs[0]}\n\n${paragraphs[1]}`);
      expect(parsed.record.body).not.toContain('World');
    }
  });

  it('stores dates as UTC ISO strings, zone-less ones taken as UTC', () => {
    expect((parseArticleRecord({ ...valid, publishedAt: '2016-02-12T10:30:00+01:00' }) as any).record.publishedAt).toBe('2016-02-12T09:30:00.000Z');
    expect((parseArticleRecord({ ...valid, publishedAt: '2016-02-12T10:30:00' }) as any).record.publishedAt).toBe('2016-02-12T10:30:00.000Z');
    expect((parseArticleRecord({ ...valid, publishedAt: '2016-02-12' }) as any).record.publishedAt).toBe('2016-02-12T00:00:00.000Z');
    expect(parseArticleRecord({ ...valid, publishedAt: '2016-02-31T99:00' }).ok).toBe(false);
  });

  it('refuses things that are not objects', () => {
    for (const value of [null, 5, 'x', [valid]]) expect(parseArticleRecord(value).ok).toBe(false);
  });
});

describe('normaliseBody', () => {
  it('separates paragraphs by exactly one blank line and tidies spaces', () => {
    expect(normaliseBody('  A  b\r\n\r\n\r\n\tC\nd  \n \n\nE')).toBe('A b\n\nC\nd\n\nE');
  });
});
