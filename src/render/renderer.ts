import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium, startBlockingProxy, type BlockingProxy } from './browser-launch.ts';
import { paintPage } from './paint-page.ts';
import { firstLineOf, RenderError } from './render-error.ts';
import { checkTimeout, prepareRenderInput, type PreparedInput } from './render-input.ts';
import { createRequestGate } from './request-gate.ts';
import { createRenderSlots } from './render-slots.ts';
import type { RenderInput, Renderer, RendererConfig, RenderResult } from './types.ts';

/** Two at a time: each render keeps a renderer process busy, and the machines have two cores. */
export const MAX_CONCURRENT_RENDERS = 2;

/**
 * One browser for many renders (starting chromium costs ~0.6 s; a render in a running browser
 * ~1 s): started on the first render, a fresh context per render, started again if it died.
 */
export function createRenderer(config: RendererConfig): Renderer {
  const chromiumPath = config.chromiumPath;
  const defaultTimeoutMs = checkTimeout(config.timeoutMs, 'timeoutMs');
  const slots = createRenderSlots(MAX_CONCURRENT_RENDERS);
  let closed = false;
  let proxy: Promise<BlockingProxy> | undefined;
  let browser: Promise<Browser> | undefined;

  // The launch gets the renderer's own timeout, not what is left of the render that started it:
  // a render that gives up early leaves a browser for the next one.
  function startBrowser(): Promise<Browser> {
    if (closed) return Promise.reject(new RenderError('renderer_closed', 'the renderer was closed during the render'));
    if (browser !== undefined) return browser;
    if (proxy === undefined) {
      const listening = startBlockingProxy();
      proxy = listening;
      listening.catch(() => { if (proxy === listening) proxy = undefined; });
    }
    const starting = proxy.then((p) => launchChromium(chromiumPath, p.port, defaultTimeoutMs));
    browser = starting;
    starting.then(
      (started) => started.on('disconnected', () => { if (browser === starting) browser = undefined; }),
      () => { if (browser === starting) browser = undefined; },
    );
    return starting;
  }

  async function renderWithin(input: PreparedInput, signal: AbortSignal, deadline: number): Promise<RenderResult> {
    const remainingMs = () => Math.max(1, Math.ceil(deadline - performance.now()));
    const release = await slots.acquire(signal);
    let context: BrowserContext | undefined;
    const closeContext = () => { void context?.close().catch(() => {}); };
    signal.addEventListener('abort', closeContext, { once: true });
    try {
      const started = await startBrowser();
      signal.throwIfAborted();
      context = await started.newContext({
        javaScriptEnabled: false,
        // Network emulation off-line: a request not answered by the routing fails in the page.
        offline: true,
        serviceWorkers: 'block',
        acceptDownloads: false,
        viewport: input.viewport,
        deviceScaleFactor: 1,
        locale: 'en-US',
        timezoneId: 'UTC',
        colorScheme: 'light',
        reducedMotion: 'reduce',
      });
      if (signal.aborted) throw signal.reason;
      const gate = createRequestGate(input);
      await context.route('**/*', (route) => gate.handle(route));
      return await paintPage(context, input, gate, remainingMs);
    } finally {
      signal.removeEventListener('abort', closeContext);
      await context?.close().catch(() => {});
      release();
    }
  }

  async function render(input: RenderInput): Promise<RenderResult> {
    if (closed) throw new RenderError('renderer_closed', 'the renderer was closed');
    const prepared = prepareRenderInput(input);
    const timeoutMs = checkTimeout(input.timeoutMs ?? defaultTimeoutMs, 'timeoutMs');
    const deadline = performance.now() + timeoutMs;
    const controller = new AbortController();
    const expired = new Promise<never>((_, reject) => {
      const timer = setTimeout(() => {
        const error = new RenderError('render_timeout', `the render did not finish within ${timeoutMs} ms`);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
      controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    });
    expired.catch(() => {});
    const work = renderWithin(prepared, controller.signal, deadline);
    work.catch(() => {});
    try {
      // The deadline wins even over a step that ignores it (a launch, a context that hangs).
      return await Promise.race([work, expired]);
    } catch (error) {
      throw classify(error, controller.signal, timeoutMs, () => closed);
    } finally {
      controller.abort();
    }
  }

  async function close(): Promise<void> {
    closed = true;
    const running = browser;
    browser = undefined;
    // A browser that failed to start or already died has nothing left to close.
    if (running !== undefined) await running.then((b) => b.close()).catch(() => {});
    if (proxy !== undefined) await proxy.then((p) => p.close(), () => {});
  }

  return { render, close };
}

function classify(error: unknown, signal: AbortSignal, timeoutMs: number, isClosed: () => boolean): RenderError {
  if (error instanceof RenderError) return error;
  if (signal.aborted && signal.reason instanceof RenderError) return signal.reason;
  if (isClosed()) return new RenderError('renderer_closed', 'the renderer was closed during the render', { cause: error });
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new RenderError('render_timeout', `the render did not finish within ${timeoutMs} ms: ${firstLineOf(error)}`, { cause: error });
  }
  return new RenderError('render_failed', `the render failed: ${firstLineOf(error)}`, { cause: error });
}
