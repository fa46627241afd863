import { createRenderer } from './renderer.ts';
import type { RenderInput, RendererConfig, RenderResult } from './types.ts';

export type RenderHtmlOptions = RenderInput & RendererConfig;

/**
 * Renders one page in a browser of its own, started and stopped for it (~0.6 s more than a
 * render in a running renderer; use createRenderer for more than one page). `timeoutMs` covers
 * the whole render, the browser's start included.
 */
export async function renderHtml(options: RenderHtmlOptions): Promise<RenderResult> {
  const { chromiumPath, timeoutMs, ...input } = options;
  const renderer = createRenderer({ chromiumPath, timeoutMs });
  let result: RenderResult;
  try {
    result = await renderer.render(input);
  } catch (error) {
    // Not awaited: after a timeout the browser may still be starting, and closing it waits for
    // that; the caller gets the error now, the browser is stopped as soon as it is up.
    void renderer.close();
    throw error;
  }
  await renderer.close();
  return result;
}
