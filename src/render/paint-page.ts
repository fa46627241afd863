import type { BrowserContext, Page } from 'playwright-core';
import { RenderError } from './render-error.ts';
import type { PreparedInput } from './render-input.ts';
import type { RequestGate } from './request-gate.ts';
import type { RenderResult } from './types.ts';

/**
 * 16,384 px is Chromium's largest texture side: taller captures are stitched from tiles and cost
 * time and memory with the height (1280 × 16,384 RGBA is ~84 MB decoded, ~2.5 s here). A longer
 * page is cut there and the warning says so; the PDF goes on past it.
 */
export const MAX_SCREENSHOT_HEIGHT_PX = 16_384;
/** 50 A4 pages is three times a 16,384 px screenshot; beyond that the PDF only grows. */
export const MAX_PDF_PAGES = 50;

/**
 * Loads the page in a fresh page of `context` and takes the screenshot and the PDF.
 * `remainingMs` gives what is left of the render's deadline, for each step's own timeout.
 */
export async function paintPage(
  context: BrowserContext,
  input: PreparedInput,
  gate: RequestGate,
  remainingMs: () => number,
): Promise<RenderResult> {
  const page = await context.newPage();
  // The PDF shows what a visitor saw: print stylesheets often hide or restyle the article.
  await page.emulateMedia({ media: 'screen' });
  await page.goto(input.baseUrl, { waitUntil: 'load', timeout: remainingMs() });
  if (!gate.mainDocumentServed()) throw new RenderError('render_failed', `the page at ${input.baseUrl} was not loaded`);

  const cuts: string[] = [];
  const pageHeight = await measureContentHeight(context, page);
  const shotHeight = Math.min(pageHeight, MAX_SCREENSHOT_HEIGHT_PX);
  if (pageHeight > shotHeight) {
    cuts.push(`screenshot cut at ${shotHeight} px of the page's ${pageHeight} px (the PDF goes on)`);
  }
  const png = await page.screenshot({
    type: 'png',
    fullPage: true,
    // Viewport wide: a visitor sees that width; content overflowing sideways is in the PDF.
    clip: { x: 0, y: 0, width: input.viewport.width, height: shotHeight },
    animations: 'disabled',
    caret: 'hide',
    timeout: remainingMs(),
  });
  const pdf = await page.pdf({ format: 'A4', printBackground: true, pageRanges: `1-${MAX_PDF_PAGES}` });
  if (countPdfPages(pdf) >= MAX_PDF_PAGES) cuts.push(`PDF stops at ${MAX_PDF_PAGES} pages; the page goes on`);
  // Read last: a request (a meta refresh) can come in while the screenshot and PDF are taken.
  return { png, pdf, warnings: [...gate.warnings(), ...cuts] };
}

/** The laid-out page height from DevTools, no script in the page (JavaScript is off for it). */
async function measureContentHeight(context: BrowserContext, page: Page): Promise<number> {
  const session = await context.newCDPSession(page);
  try {
    const metrics = await session.send('Page.getLayoutMetrics');
    return Math.max(1, Math.ceil(metrics.cssContentSize.height));
  } finally {
    await session.detach().catch(() => {});
  }
}

/** Chromium (Skia) writes one uncompressed `/Type /Page` dictionary per page. */
function countPdfPages(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
}
