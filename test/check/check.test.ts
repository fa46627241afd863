import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNewsPage, escapeHtml, OWN_REPORT, OWNED_NDJSON, paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { runCli, runCliInProcess } from '../helpers/run-cli.ts';
import { requestJson, startAppServer } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const owned = readOwnedFixtures();
const [nato, strike, glaciers] = owned;
const FLAGGED = new Set(['reproduction', 'excerpt']);

function writePages(dir: string) {
  const republished = buildNewsPage({
    site: 'Newstime News',
    headline: 'Jens Stoltenberg - NATO',
    paragraphsHtml: paragraphsOf(nato).map(escapeHtml),
    footer: '© 2016, Newstime News. All rights reserved – Newstime News content cannot be reproduced in any form without prior consent of the Publishers.',
  });
  // Another outlet's own report that quotes the same speaker: shared words, no reproduction.
  const quoting = buildNewsPage({
    site: 'Daily Ledger',
    headline: 'NATO chief criticises Moscow',
    paragraphsHtml: [
      'Speaking to journalists in Brussels on Friday, the head of the Western military alliance again took aim at Moscow over its campaign in Syria.',
      `“${'The intense Russian airstrikes, mainly targeting opposition groups in Syria, is undermining the efforts to find a political solution to the conflict'}”, Stoltenberg told reporters.`,
      'Diplomats in Geneva said the talks were already on the brink of collapse before the latest wave of bombing, and that the opposition delegation had threatened to walk out.',
      'Turkish officials, for their part, repeated their demand for a no-fly zone along the border, a proposal that has so far found little support among the allies.',
    ].map(escapeHtml),
  });
  // A teaser: the owned headline and lead sentence, linking back to the owner.
  const teaser = buildNewsPage({
    site: 'Harbour Watch',
    headline: 'Cycling plan presented',
    paragraphsHtml: [
      ...OWN_REPORT.map(escapeHtml),
      `<strong>Read more:</strong> <a href="${strike.url}">${escapeHtml(strike.title)}</a> – ${escapeHtml(paragraphsOf(strike)[0].split('. ')[0])}…`,
    ],
  });
  // A round-up: two owned articles' excerpts between the site's own paragraphs.
  const roundup = buildNewsPage({
    site: 'Weekly Digest',
    headline: 'The week in review',
    paragraphsHtml: [
      escapeHtml(OWN_REPORT[0]),
      ...paragraphsOf(strike).slice(1, 3).map(escapeHtml),
      escapeHtml(OWN_REPORT[1]),
      ...paragraphsOf(glaciers).slice(0, 2).map(escapeHtml),
      escapeHtml(OWN_REPORT[2]),
    ],
  });
  const files = {
    republished: join(dir, 'republished.html'),
    quoting: join(dir, 'quoting.html'),
    teaser: join(dir, 'teaser.html.gz'),
    roundup: join(dir, 'roundup.html'),
    text: join(dir, 'copy.txt'),
    unrelated: join(dir, 'unrelated.html'),
  };
  writeFileSync(files.unrelated, buildNewsPage({ site: 'Town Post', headline: 'Cycling plan presented', paragraphsHtml: OWN_REPORT.map(escapeHtml) }));
  writeFileSync(files.republished, republished);
  writeFileSync(files.quoting, quoting);
  writeFileSync(files.teaser, gzipSync(teaser));
  writeFileSync(files.roundup, roundup);
  writeFileSync(files.text, `${glaciers.title}\n\n${glaciers.body}\n`);
  return { files, html: { republished } };
}

describe('copyhound check', () => {
  const tempDir = useTempDir();

  async function setup() {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    const imported = await runCliInProcess(['--db', db, 'articles', 'import', OWNED_NDJSON.pathname]);
    expect(imported.stdout).toContain('inserted 3');
    return { dir, db, ...writePages(dir) };
  }

  it('finds the republished wire story as a reproduction with exact passages', async () => {
    const { db, files } = await setup();
    const result = await runCliInProcess(['--db', db, 'check', files.republished, '--json']);
    expect(result.code).toBe(0);
    const line = JSON.parse(result.stdout.trim());
    expect(line).toMatchObject({ input: files.republished, title: expect.stringContaining('Stoltenberg') });
    expect(line.matches).toHaveLength(1);
    const match = line.matches[0];
    expect(match).toMatchObject({ articleId: 'aa-nato-syria', kind: 'reproduction' });
    expect(match.coverage).toBeGreaterThan(0.95);
    expect(match.longestRun).toBeGreaterThan(50);
    expect(Object.keys(match).sort()).toEqual(['articleId', 'consentId', 'copiedWords', 'coverage', 'decision', 'explanation', 'kind', 'longestRun', 'pageShare', 'passages', 'reasons', 'rule']);
    // The rule that made the kind, with its figures.
    expect(match.rule).toEqual({ name: 'whole_article', why: expect.stringMatching(/^coverage \d+(\.\d)?% ≥ 90%/) });
    // No consent is registered: a full copy is unlicensed.
    expect(match).toMatchObject({ decision: 'unlicensed', reasons: [], consentId: null });
    expect(match.passages[0]).toEqual({ pageStart: expect.any(Number), pageEnd: expect.any(Number), articleStart: expect.any(Number), articleEnd: expect.any(Number), edits: expect.any(Array) });
  });

  it('shows what an edited copy changed: edits per passage, with offsets into both texts', async () => {
    const { db, dir } = await setup();
    const words = nato.body.split(' ');
    // Change the 30th word and drop the 60th: one passage, a change and a deletion inside it.
    const edited = [...words.slice(0, 29), 'CHANGED', ...words.slice(30, 59), ...words.slice(60)].join(' ');
    const file = join(dir, 'edited.txt');
    writeFileSync(file, `${nato.title}\n\n${edited}\n`);
    const result = await runCliInProcess(['--db', db, 'check', file, '--json']);
    const [match] = JSON.parse(result.stdout.trim()).matches;
    expect(match).toMatchObject({ articleId: 'aa-nato-syria', kind: 'reproduction' });
    const edits = match.passages.flatMap((p: { edits: unknown[] }) => p.edits);
    const page = `${nato.title}\n\n${edited}\n`;
    const change = edits.find((e: { op: string }) => e.op === 'change');
    expect(page.slice(change.pageStart, change.pageEnd)).toBe('CHANGED');
    expect(nato.body.slice(change.articleStart, change.articleEnd)).toBe(words[29].replace(/[.,;:]$/, ''));
    const deletion = edits.find((e: { op: string }) => e.op === 'delete');
    expect(deletion.pageStart).toBe(deletion.pageEnd);
    expect(nato.body.slice(deletion.articleStart, deletion.articleEnd)).toBe(words[59].replace(/[.,;:]$/, ''));
  });

  it('does not flag an independent report quoting the same speaker, nor a teaser', async () => {
    const { db, files } = await setup();
    const result = await runCliInProcess(['--db', db, 'check', files.quoting, files.teaser, '--json']);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.input)).toEqual([files.quoting, files.teaser]);
    for (const line of lines) {
      expect(line.error).toBeUndefined();
      expect(line.matches.filter((m: { kind: string }) => FLAGGED.has(m.kind))).toEqual([]);
    }
  });

  it('reports each owned article of a round-up, and reads plain-text files', async () => {
    const { db, files } = await setup();
    const result = await runCliInProcess(['--db', db, 'check', files.roundup, files.text, '--json']);
    const [roundup, text] = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const found = roundup.matches.map((m: { articleId: string; kind: string }) => `${m.articleId}:${m.kind}`).sort();
    expect(found).toEqual(['cw-rotterdam-strike:excerpt', 'cw-swiss-glaciers:excerpt']);
    expect(text.matches[0]).toMatchObject({ articleId: 'cw-swiss-glaciers', kind: 'reproduction' });
  });

  it('gives a failing input an error line and goes on with the rest (real bin)', async () => {
    const { db, files, dir } = await setup();
    const result = await runCli(['--db', db, 'check', join(dir, 'missing.html'), files.republished, 'notes.pdf', '--json']);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ input: join(dir, 'missing.html'), error: { message: expect.stringContaining('no such file') } });
    expect(lines[1].matches[0].articleId).toBe('aa-nato-syria');
    expect(lines[2].error.message).toContain('Unsupported input');
  });

  it('prints a readable summary without --json', async () => {
    const { db, files } = await setup();
    const result = await runCliInProcess(['--db', db, 'check', files.republished, files.unrelated]);
    expect(result.stdout).toMatch(/reproduction\s+aa-nato-syria\s+coverage \d+\.\d%/);
    expect(result.stdout).toMatch(/unrelated\.html\n  title: Cycling plan presented\n  no owned article found/);
  });
});

describe('POST /api/check', () => {
  const tempDir = useTempDir();
  let site: Server;
  let siteUrl: string;
  let pageHtml: string;

  beforeAll(async () => {
    pageHtml = buildNewsPage({ site: 'Mirror Site', headline: nato.title, paragraphsHtml: paragraphsOf(nato).map(escapeHtml) });
    site = createServer((req, res) => {
      if (req.url === '/copy') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(pageHtml);
      } else {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<h1>Not found</h1>');
      }
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => site.close(() => resolve())));

  async function start(allow: string[]) {
    const dir = tempDir();
    const running = await startAppServer(dir, { fetch: { allow } });
    const lines = owned.map((a) => ({ ...a }));
    expect((await requestJson(`${running.server.url}/api/articles`, { body: lines })).status).toBe(201);
    return running;
  }

  it('checks posted HTML and a fetched URL (captured as evidence)', async () => {
    const running = await start(['127.0.0.1']);
    try {
      const fromHtml = await requestJson(`${running.server.url}/api/check`, { body: { html: pageHtml, url: 'https://mirror.example/copy' } });
      expect(fromHtml.status).toBe(200);
      expect(fromHtml.body).toMatchObject({ url: 'https://mirror.example/copy', matches: [{ articleId: 'aa-nato-syria', kind: 'reproduction' }] });

      const fetched = await requestJson(`${running.server.url}/api/check`, { body: { url: `${siteUrl}/copy` } });
      expect(fetched.status).toBe(200);
      expect(fetched.body).toMatchObject({ url: `${siteUrl}/copy`, captureId: expect.any(Number), matches: [{ articleId: 'aa-nato-syria', kind: 'reproduction' }] });

      const missing = await requestJson(`${running.server.url}/api/check`, { body: { url: `${siteUrl}/gone` } });
      expect(missing).toMatchObject({ status: 502, body: { error: { details: { reason: 'bad_status', status: 404 } } } });
    } finally {
      await running.stop();
    }
  });

  it('refuses private addresses unless allowed, and bad bodies', async () => {
    const running = await start([]);
    try {
      const blocked = await requestJson(`${running.server.url}/api/check`, { body: { url: `${siteUrl}/copy` } });
      expect(blocked).toMatchObject({ status: 400, body: { error: { details: { reason: 'blocked_address' } } } });
      expect((await requestJson(`${running.server.url}/api/check`, { body: { file: '/etc/passwd' } })).status).toBe(400);
      expect((await requestJson(`${running.server.url}/api/check`, { body: { url: 'file:///etc/passwd' } })).status).toBe(400);
    } finally {
      await running.stop();
    }
  });

  it('sees articles another process imported while it runs', async () => {
    const dir = tempDir();
    const running = await startAppServer(dir);
    try {
      const before = await requestJson(`${running.server.url}/api/check`, { body: { html: pageHtml } });
      expect(before.body.matches).toEqual([]);
      const imported = await runCliInProcess(['--db', join(dir, 'copyhound.db'), 'articles', 'import', OWNED_NDJSON.pathname]);
      expect(imported.code).toBe(0);
      // The server looks for outside changes every couple of seconds.
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const after = await requestJson(`${running.server.url}/api/check`, { body: { html: pageHtml } });
      expect(after.body.matches[0]).toMatchObject({ articleId: 'aa-nato-syria', kind: 'reproduction' });
    } finally {
      await running.stop();
    }
  });
});
