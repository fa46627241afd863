/** Public API of the render leaf: captured or generated HTML to PNG and PDF, offline, in chromium. */
export { renderHtml, type RenderHtmlOptions } from './render-page.ts';
export { createRenderer, MAX_CONCURRENT_RENDERS } from './renderer.ts';
export { RenderError, type RenderErrorReason } from './render-error.ts';
export { buildLaunchArgs, startBlockingProxy, type BlockingProxy } from './browser-launch.ts';
export { MAX_SCREENSHOT_HEIGHT_PX, MAX_PDF_PAGES } from './paint-page.ts';
export { MAX_LISTED_URLS } from './request-gate.ts';
export {
  LOCAL_DOCUMENT_BASE_URL,
  MAX_HTML_BYTES,
  MAX_RESOURCES,
  MAX_RESOURCE_BYTES,
  DEFAULT_VIEWPORT,
  MAX_TIMEOUT_MS,
} from './render-input.ts';
export type { RenderInput, RenderResult, RenderResource, Renderer, RendererConfig, Viewport } from './types.ts';
