import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLaunchArgs, createRenderer, startBlockingProxy, type Renderer } from '../../src/render/index.ts';
import { decodePng, PNG_SIGNATURE } from './decode-png.ts';
import { startRawListener, startSentinelHttp, type CountingListener } from './listeners.ts';

const CHROMIUM_PATH = '/usr/bin/chromium';

let sentinel: CountingListener;
let raw: CountingListener;
let renderer: Renderer;

beforeAll(async () => {
  sentinel = await startSentinelHttp();
  raw = await startRawListener();
  renderer = createRenderer({ chromiumPath: CHROMIUM_PATH, timeoutMs: 20_000 });
});

afterAll(async () => {
  await renderer?.close();
  await sentinel?.close();
  await raw?.close();
});

/**
 * A page that reaches for the outside in every way HTML and CSS offer (script ones included,
 * though JavaScript is off). `s` is the sentinel's host:port, `r` the raw listener's.
 */
function hostilePage(s: string, r: string): string {
  const sentinelPort = s.split(':')[1];
  return `<!doctype html>
<html><head>
<base href="http://${s}/base/">
<meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=http://${s}/meta-refresh">
<link rel="dns-prefetch" href="http://${s}/dns-prefetch">
<link rel="preconnect" href="http://${r}/">
<link rel="preconnect" href="https://example.com/">
<link rel="prefetch" href="http://${s}/prefetch">
<link rel="preload" as="image" href="http://${s}/preload.png">
<link rel="preload" as="font" crossorigin href="http://${s}/preload.woff2">
<link rel="modulepreload" href="http://${s}/modulepreload.js">
<link rel="prerender" href="http://${s}/prerender">
<link rel="icon" href="http://${s}/favicon.ico">
<link rel="apple-touch-icon" href="http://${s}/touch-icon.png">
<link rel="manifest" href="http://${s}/manifest.json">
<link rel="stylesheet" href="http://${s}/style.css">
<link rel="stylesheet" href="https://${r}/tls-style.css">
<link rel="stylesheet" href="//${s}/protocol-relative.css">
<style>
  @import url("http://${s}/import.css");
  @font-face { font-family: Leak; src: url("http://${s}/font.woff2") format("woff2"); }
  body { font-family: Leak, sans-serif; background-image: url("http://${s}/background.png"); }
  .set { background-image: image-set(url("http://${s}/image-set.png") 1x); height: 10px; }
  #proof { position: absolute; left: 0; top: 0; width: 100px; height: 100px; background: #0000ff; }
</style>
<script src="http://${s}/script.js"></script>
<script type="module" src="http://${s}/module.js"></script>
<script>fetch("http://${s}/fetch"); new Image().src = "http://${s}/js-image";</script>
<script type="speculationrules">{"prerender":[{"source":"list","urls":["http://${s}/speculation"]}]}</script>
</head><body>
<div id="proof"></div>
<img src="relative.png">
<img src="http://${s}/img.png" srcset="http://${s}/img-2x.png 2x, http://${r}/img-3x.png 3x">
<img src="http://localhost:${sentinelPort}/localhost.png">
<img src="http://sentinel.test:${sentinelPort}/named.png">
<picture><source srcset="http://${s}/picture.webp" type="image/webp"><img src="http://${s}/picture.png"></picture>
<input type="image" src="http://${s}/input-image.png" alt="">
<div class="set"></div>
<iframe src="http://${s}/frame.html"></iframe>
<iframe src="http://${r}/raw-frame.html"></iframe>
<iframe srcdoc="<img src='http://${s}/srcdoc.png'>"></iframe>
<iframe src="data:text/html,<img src='http://${s}/data-frame.png'>"></iframe>
<video poster="http://${s}/poster.png" src="http://${s}/video.mp4" preload="auto"><track src="http://${s}/captions.vtt" default></video>
<audio src="http://${s}/audio.mp3" preload="auto"></audio>
<object data="http://${s}/object.swf"></object>
<embed src="http://${s}/embed.swf">
<form action="http://${s}/form"><input name="q" autofocus autocomplete="email"><button formaction="http://${s}/button">go</button></form>
<a href="http://${s}/link" ping="http://${s}/ping">a link</a>
<svg width="20" height="20"><image href="http://${s}/svg-image.png" width="20" height="20"/><use href="http://${s}/sprite.svg#icon"/></svg>
<p>The captured article.</p>
</body></html>`;
}

describe('rendering never reaches the network', () => {
  it('a page that points at a sentinel in every way makes no connection to it, and still renders', async () => {
    const s = `127.0.0.1:${sentinel.port}`;
    const r = `127.0.0.1:${raw.port}`;
    const started = performance.now();
    // Loaded as if from the sentinel itself: every relative URL and the page's own host are there.
    const result = await renderer.render({ html: hostilePage(s, r), baseUrl: `http://${s}/article.html` });
    const renderMs = performance.now() - started;

    expect(sentinel.connections(), `sentinel saw: ${sentinel.requests().join(', ')}`).toBe(0);
    expect(raw.connections()).toBe(0);

    expect(result.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const png = decodePng(result.png);
    expect(png.width).toBe(1280);
    expect(png.height).toBeGreaterThanOrEqual(800);
    expect(png.pixel(50, 50)).toEqual([0, 0, 255]); // the page's own inline styles did render
    expect(result.pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(result.pdf.subarray(-32).toString('latin1')).toContain('%%EOF');

    const [summary, ...listed] = result.warnings;
    expect(summary).toMatch(/^refused \d+ requests for content not among the supplied resources/);
    expect(Number(summary.match(/^refused (\d+)/)?.[1])).toBeGreaterThanOrEqual(10);
    expect(listed).toContain(`refused: http://${s}/base/relative.png`);
    expect(listed).toContain(`refused: http://${s}/img.png`);
    expect(listed.filter((line) => line.startsWith('refused: http')).length).toBe(10);
    expect(listed).toContainEqual(expect.stringMatching(/^refused: … and \d+ more URLs$/));
    console.info(`[render] hostile page rendered offline in ${Math.round(renderMs)} ms (browser start included)`);
  });

  it('the launch switches alone, with no request routing at all, send everything to the blocking proxy', async () => {
    const s = `127.0.0.1:${sentinel.port}`;
    const r = `127.0.0.1:${raw.port}`;
    const proxy = await startBlockingProxy();
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: buildLaunchArgs(proxy.port) });
    try {
      const page = await browser.newPage({ javaScriptEnabled: false });
      for (const url of [`http://${s}/direct`, `http://localhost:${sentinel.port}/`, `https://${r}/`, `http://sentinel.test:${sentinel.port}/`]) {
        await page.goto(url, { timeout: 10_000 }).catch(() => {});
      }
      await page.setContent(hostilePage(s, r), { waitUntil: 'load', timeout: 10_000 }).catch(() => {});
    } finally {
      await browser.close();
      await proxy.close();
    }
    expect(sentinel.connections(), `sentinel saw: ${sentinel.requests().join(', ')}`).toBe(0);
    expect(raw.connections()).toBe(0);
    // The attempts were made, and ended at the proxy: without it they would have reached the sentinel.
    expect(proxy.connectionCount()).toBeGreaterThanOrEqual(4);
  });
});
