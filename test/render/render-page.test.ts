import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRenderer,
  MAX_HTML_BYTES,
  MAX_SCREENSHOT_HEIGHT_PX,
  RenderError,
  renderHtml,
  type Renderer,
  type RenderResource,
} from '../../src/render/index.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { decodePng } from './decode-png.ts';

const CHROMIUM_PATH = '/usr/bin/chromium';
const WHITE = [255, 255, 255];
const RED = [255, 0, 0];
const GREEN = [0, 128, 0];
const BLUE = [0, 0, 255];

let renderer: Renderer;
beforeAll(() => {
  renderer = createRenderer({ chromiumPath: CHROMIUM_PATH, timeoutMs: 20_000 });
});
afterAll(async () => {
  await renderer?.close();
});

const svgSquare = (colour: string): RenderResource => ({
  contentType: 'image/svg+xml',
  body: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect width="100" height="100" fill="${colour}"/></svg>`),
});

async function rejectionOf(promise: Promise<unknown>): Promise<RenderError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(RenderError);
  return error as RenderError;
}

describe('resources answer the page, by exact URL', () => {
  // A relative stylesheet (resolved against baseUrl), an image on another host and an iframe.
  const article = `<!doctype html><html><head><link rel="stylesheet" href="../css/site.css"></head>
    <body style="margin:0">
      <img src="https://cdn.example/photo.svg" style="position:absolute;left:0;top:0;width:100px;height:100px">
      <iframe src="https://embed.example/frame.html" style="position:absolute;left:0;top:300px;width:200px;height:100px;border:0"></iframe>
    </body></html>`;
  const resources = new Map<string, RenderResource>([
    ['https://news.example/css/site.css', { contentType: 'text/css', body: Buffer.from('body { background: rgb(0, 128, 0) }') }],
    // A fragment in a key is ignored: requests never carry one.
    ['https://cdn.example/photo.svg#main', svgSquare('#ff0000')],
    ['https://embed.example/frame.html', { contentType: 'text/html', body: Buffer.from('<body style="margin:0;background:#0000ff">') }],
  ]);
  const baseUrl = 'https://news.example/2024/story.html';

  it('an answered stylesheet, image and frame change the pixels; unanswered they are named as refused', async () => {
    const [withResources, without] = await Promise.all([
      renderer.render({ html: article, baseUrl, resources }),
      renderer.render({ html: article, baseUrl }),
    ]);
    const shown = decodePng(withResources.png);
    expect(shown.pixel(50, 50)).toEqual(RED);
    expect(shown.pixel(400, 150)).toEqual(GREEN);
    expect(shown.pixel(100, 350)).toEqual(BLUE);
    expect(withResources.warnings).toEqual([]);

    const bare = decodePng(without.png);
    expect(bare.pixel(400, 150)).toEqual(WHITE);
    expect(bare.pixel(100, 350)).not.toEqual(BLUE);
    expect(without.warnings[0]).toBe('refused 3 requests for content not among the supplied resources (not shown)');
    expect(without.warnings.slice(1).sort()).toEqual([
      'refused: https://cdn.example/photo.svg',
      'refused: https://embed.example/frame.html',
      'refused: https://news.example/css/site.css',
    ]);
  });
});

describe('JavaScript is off', () => {
  it('scripts, event handlers and javascript: URLs leave the page as captured', async () => {
    const scripted = `<body style="margin:0;background:#ffffff">
      <script>document.body.style.background = '#ff0000'; document.write('<p id=w>written</p>');</script>
      <img src="missing.png" onerror="document.body.style.background = '#ff0000'" style="display:none">
      <iframe src="javascript:parent.document.body.style.background='#ff0000'" style="display:none"></iframe>
      <p>captured text</p></body>`;
    // The same check must see red when the page itself is red, or it proves nothing.
    const styledRed = '<body style="margin:0"><style>body { background: #ff0000 }</style><p>captured text</p></body>';
    const [afterScripts, control] = await Promise.all([renderer.render({ html: scripted }), renderer.render({ html: styledRed })]);
    expect(decodePng(afterScripts.png).pixel(600, 400)).toEqual(WHITE);
    expect(decodePng(control.png).pixel(600, 400)).toEqual(RED);
  });
});

describe('a document we generated', () => {
  it('renders without a base URL (as https://copyhound.invalid/), UTF-8 text and all', async () => {
    const result = await renderer.render({
      html: '<!doctype html><title>Vergleich</title><body style="margin:0"><div style="width:100px;height:100px;background:#0000ff"></div><p>Ähnlichkeit 92 % – “Zitat” 日本</p><img src="logo.png">',
    });
    expect(decodePng(result.png).pixel(50, 50)).toEqual(BLUE);
    expect(result.pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(result.warnings).toEqual([
      'refused 1 request for content not among the supplied resources (not shown)',
      'refused: https://copyhound.invalid/logo.png',
    ]);
  });

  it('a page taller than the cap is cut there, with a warning', async () => {
    const tall = `<body style="margin:0"><div style="height:${MAX_SCREENSHOT_HEIGHT_PX + 4000}px;background:#0000ff"></div>`;
    const result = await renderer.render({ html: tall, viewport: { width: 200, height: 300 } });
    const png = decodePng(result.png);
    expect([png.width, png.height]).toEqual([200, MAX_SCREENSHOT_HEIGHT_PX]);
    expect(png.pixel(100, MAX_SCREENSHOT_HEIGHT_PX - 1)).toEqual(BLUE);
    expect(result.warnings).toEqual([`screenshot cut at ${MAX_SCREENSHOT_HEIGHT_PX} px of the page's ${MAX_SCREENSHOT_HEIGHT_PX + 4000} px (the PDF goes on)`]);
  });
});

describe('errors name their reason', () => {
  const tempDir = useTempDir();

  it('render_timeout when the deadline passes, and the renderer still works afterwards', async () => {
    // Thousands of laid-out table cells: never done in 50 ms on any machine.
    const heavy = `<table>${'<tr>' + '<td>cell</td>'.repeat(50) + '</tr>'}`.repeat(2000);
    const started = performance.now();
    const error = await rejectionOf(renderer.render({ html: heavy, timeoutMs: 50 }));
    expect(error.reason).toBe('render_timeout');
    expect(error.message).toBe('the render did not finish within 50 ms');
    expect(performance.now() - started).toBeLessThan(2_000);
    const after = await renderer.render({ html: '<p>after the timeout</p>' });
    expect(after.warnings).toEqual([]);
  });

  it('browser_missing names the path, the package and the setting', async () => {
    const error = await rejectionOf(renderHtml({ chromiumPath: '/nonexistent/chromium', timeoutMs: 5_000, html: '<p>x</p>' }));
    expect(error.reason).toBe('browser_missing');
    expect(error.message).toBe(
      "Chromium not found at /nonexistent/chromium; install Debian's chromium package (apt-get install chromium) or set COPYHOUND_CHROMIUM_PATH",
    );
    const notExecutable = join(tempDir(), 'chromium');
    writeFileSync(notExecutable, '#!/bin/sh\n');
    chmodSync(notExecutable, 0o644);
    expect((await rejectionOf(renderHtml({ chromiumPath: notExecutable, timeoutMs: 5_000, html: 'x' }))).reason).toBe('browser_missing');
  });

  it('browser_launch_failed when the executable is not a browser', async () => {
    const error = await rejectionOf(renderHtml({ chromiumPath: '/bin/true', timeoutMs: 10_000, html: '<p>x</p>' }));
    expect(error.reason).toBe('browser_launch_failed');
    expect(error.message).toMatch(/^Chromium at \/bin\/true did not start: /);
  });

  it('input_too_large and input_invalid for input over the caps or malformed', async () => {
    const big = Buffer.alloc(MAX_HTML_BYTES + 1, 0x20);
    expect((await rejectionOf(renderer.render({ html: big }))).reason).toBe('input_too_large');
    const fileUrl = await rejectionOf(renderer.render({ html: 'x', baseUrl: 'file:///etc/passwd' }));
    expect([fileUrl.reason, fileUrl.message]).toEqual(['input_invalid', 'baseUrl must be an http(s) URL, not file:']);
    const badResource = new Map([['ftp://example.com/a.png', svgSquare('red')]]);
    expect((await rejectionOf(renderer.render({ html: 'x', resources: badResource }))).reason).toBe('input_invalid');
    expect((await rejectionOf(renderer.render({ html: 'x', contentType: 'application/pdf' }))).reason).toBe('input_invalid');
    expect((await rejectionOf(renderer.render({ html: 'x', viewport: { width: 10, height: 10 } }))).reason).toBe('input_invalid');
  });

  it('renderer_closed after close()', async () => {
    const closing = createRenderer({ chromiumPath: CHROMIUM_PATH, timeoutMs: 5_000 });
    await closing.close();
    expect((await rejectionOf(closing.render({ html: 'x' }))).reason).toBe('renderer_closed');
  });
});
