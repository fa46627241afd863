import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../src/extract/extract-article.ts';
import { parseHtmlDocument, MAX_DOM_DEPTH } from '../../src/extract/parse-html.ts';
import { buildNewsPage, escapeHtml, OWNED_NDJSON, paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { runCli, runCliInProcess } from '../helpers/run-cli.ts';
import { requestJson, startAppServer } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const [nato] = readOwnedFixtures();
const copy = buildNewsPage({ site: 'Newstime News', headline: 'NATO chief', paragraphsHtml: paragraphsOf(nato).map(escapeHtml) });
const bodyOf = (html: string) => /<body>([\s\S]*)<\/body>/.exec(html)![1];

/** The copied article inside `depth` levels of the given wrapper, closed or left open. */
function wrapped(depth: number, open: string, close: string | null): string {
  return `<!doctype html><html><head><title>NATO chief</title></head><body>${open.repeat(depth)}${bodyOf(copy)}${close === null ? '' : close.repeat(depth)}</body></html>`;
}

function maxDepthOf(html: string): number {
  let max = 0;
  const stack: { node: { children?: unknown[] }; depth: number }[] = [{ node: parseHtmlDocument(html) as never, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    max = Math.max(max, depth);
    for (const child of node.children ?? []) stack.push({ node: child as never, depth: depth + 1 });
  }
  return max;
}

describe('deeply nested markup (browsers render it; it must not hide a copy)', () => {
  const tempDir = useTempDir();

  it.each([4_000, 10_000, 100_000])('finds the copy inside %i nested <div>s, through the real CLI', async (depth) => {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    expect((await runCliInProcess(['--db', db, 'articles', 'import', OWNED_NDJSON.pathname])).code).toBe(0);
    const page = join(dir, 'deep.html');
    writeFileSync(page, wrapped(depth, '<div>', '</div>'));
    const result = await runCli(['--db', db, 'check', page, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const line = JSON.parse(result.stdout);
    expect(line.matches.map((m: { articleId: string; kind: string }) => `${m.articleId} ${m.kind}`)).toEqual([`${nato.id} reproduction`]);
  });

  it.each([
    ['<div>', '</div>'],
    ['<div>', null],
    ['<b>', null],
    ['<span><div>', null],
    ['<table><tr><td>', null],
    ['<blockquote>', '</blockquote>'],
    ['<ul><li>', null],
    ['<article>', null],
  ] as const)('keeps the article text and bounds the tree for 20,000 × %s (closed: %s)', (open, close) => {
    const html = wrapped(20_000, open, close);
    expect(maxDepthOf(html)).toBeLessThanOrEqual(MAX_DOM_DEPTH + 1); // + the text node under the deepest element
    const text = extractArticle(html).text;
    for (const paragraph of extractArticle(wrapped(0, '', '')).text.split('\n\n')) expect(text).toContain(paragraph);
  });

  it('leaves pages within the depth limit exactly as the parser reads them', () => {
    expect(extractArticle(wrapped(200, '<div>', '</div>'))).toEqual(extractArticle(wrapped(0, '', '')));
  });

  it('a page over the size cap or the time budget fails with its reason; it is never "no article"', async () => {
    const dir = tempDir();
    const db = join(dir, 'copyhound.db');
    expect((await runCliInProcess(['--db', db, 'articles', 'import', OWNED_NDJSON.pathname])).code).toBe(0);
    const page = join(dir, 'copy.html');
    writeFileSync(page, copy);
    const tooLarge = await runCliInProcess(['--db', db, 'check', page, '--json'], { env: { COPYHOUND_EXTRACT_MAX_HTML_BYTES: '2048' } });
    expect(tooLarge.code).toBe(1);
    expect(JSON.parse(tooLarge.stdout).error).toMatchObject({ code: 'extract_too_large', reason: 'extract_too_large' });

    // 3 MB of unclosed table cells take seconds to parse; a 100 ms budget ends the worker.
    const slow = join(dir, 'slow.html');
    writeFileSync(slow, wrapped(200_000, '<table><tr><td>', null));
    const timedOut = await runCliInProcess(['--db', db, 'check', slow, '--json'], { env: { COPYHOUND_EXTRACT_TIMEOUT_MS: '100' } });
    expect(timedOut.code).toBe(1);
    expect(JSON.parse(timedOut.stdout).error).toMatchObject({ code: 'extract_timeout', reason: 'extract_timeout' });

    const { server, stop } = await startAppServer(dir, { extract: { timeoutMs: 100 } });
    try {
      // The budget counts from when a worker starts the page: a cold worker's start-up is not in it.
      expect((await requestJson(`${server.url}/api/check`, { body: { html: copy } })).status).toBe(200);
      const answer = await requestJson(`${server.url}/api/check`, { body: { html: wrapped(200_000, '<table><tr><td>', null) } });
      expect(answer.status).toBe(422);
      expect(answer.body.error).toMatchObject({ code: 'extract_timeout', details: { reason: 'extract_timeout' } });
      const ok = await requestJson(`${server.url}/api/check`, { body: { html: copy } });
      expect(ok.status).toBe(200);
      expect(ok.body.matches[0]).toMatchObject({ articleId: nato.id, kind: 'reproduction' });
    } finally {
      await stop();
    }
  });
});
