import { RenderError } from './render-error.ts';
import type { RenderInput, RenderResource, Viewport } from './types.ts';

/**
 * Base URL of a document we generated (a comparison page, a notice): `.invalid` is reserved
 * (RFC 2606) and never resolves, so even a request that escaped every guard would go nowhere.
 */
export const LOCAL_DOCUMENT_BASE_URL = 'https://copyhound.invalid/';

/** 16 MiB: above the fetcher's default body cap (10 MiB), so any default capture renders. */
export const MAX_HTML_BYTES = 16 * 1024 * 1024;
/** A captured page with more subresources than this is not a page a person looked at. */
export const MAX_RESOURCES = 2_000;
/** Every body crosses the DevTools pipe as base64 (a third more); 128 MiB keeps that in bounds. */
export const MAX_RESOURCE_BYTES = 128 * 1024 * 1024;
/** 1280 × 800: a common laptop screen, the width news sites design their desktop layout for. */
export const DEFAULT_VIEWPORT: Viewport = { width: 1280, height: 800 };
/** Below 200 px no layout is readable; above 4096 px (4K) screenshots only grow. */
export const MIN_VIEWPORT_PX = 200;
export const MAX_VIEWPORT_PX = 4096;
/** Ten minutes: a render that needs longer is stuck, and a caller must never wait unbounded. */
export const MAX_TIMEOUT_MS = 10 * 60 * 1000;
/** A Content-Type header longer than this is not one a server sent for a real resource. */
const MAX_CONTENT_TYPE_CHARS = 256;

const HTML_TYPES = ['text/html', 'application/xhtml+xml'];

/** The input after checks: normalised URLs, bytes, a viewport. */
export interface PreparedInput {
  html: Buffer;
  baseUrl: string;
  contentType: string;
  resources: Map<string, RenderResource>;
  viewport: Viewport;
}

export function prepareRenderInput(input: RenderInput): PreparedInput {
  const html = typeof input.html === 'string' ? Buffer.from(input.html, 'utf8') : input.html;
  if (!Buffer.isBuffer(html)) throw new RenderError('input_invalid', 'html must be a string or a Buffer');
  if (html.length > MAX_HTML_BYTES) {
    throw new RenderError('input_too_large', `HTML is ${html.length} bytes, above the ${MAX_HTML_BYTES}-byte cap for a render`);
  }
  const baseUrl = normaliseHttpUrl(input.baseUrl ?? LOCAL_DOCUMENT_BASE_URL, 'baseUrl');
  const defaultType = typeof input.html === 'string' ? 'text/html; charset=utf-8' : 'text/html';
  const contentType = checkContentType(input.contentType ?? defaultType, 'contentType');
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (!HTML_TYPES.includes(mediaType)) {
    throw new RenderError('input_invalid', `contentType must be ${HTML_TYPES.join(' or ')}, not ${JSON.stringify(mediaType)}`);
  }
  return {
    html,
    baseUrl,
    contentType,
    resources: prepareResources(input.resources),
    viewport: checkViewport(input.viewport ?? DEFAULT_VIEWPORT),
  };
}

export function checkTimeout(timeoutMs: number, name: string): number {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new RenderError('input_invalid', `${name} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, not ${timeoutMs}`);
  }
  return timeoutMs;
}

/** The URL as Chromium will report it for a request: parsed, serialised, no fragment. */
function normaliseHttpUrl(text: string, name: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RenderError('input_invalid', `${name} is not a URL: ${JSON.stringify(text.slice(0, 200))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RenderError('input_invalid', `${name} must be an http(s) URL, not ${url.protocol}`);
  }
  url.hash = '';
  return url.href;
}

function checkContentType(value: string, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CONTENT_TYPE_CHARS || /[\x00-\x1f\x7f]/.test(value)) {
    throw new RenderError('input_invalid', `${name} must be a header value of 1 to ${MAX_CONTENT_TYPE_CHARS} characters without control characters`);
  }
  return value;
}

function prepareResources(resources: Map<string, RenderResource> | undefined): Map<string, RenderResource> {
  const prepared = new Map<string, RenderResource>();
  if (resources === undefined) return prepared;
  if (resources.size > MAX_RESOURCES) {
    throw new RenderError('input_too_large', `${resources.size} resources, above the cap of ${MAX_RESOURCES} for a render`);
  }
  let totalBytes = 0;
  for (const [key, resource] of resources) {
    const url = normaliseHttpUrl(key, 'resource URL');
    if (!Buffer.isBuffer(resource?.body)) throw new RenderError('input_invalid', `resource ${url}: body must be a Buffer`);
    totalBytes += resource.body.length;
    if (totalBytes > MAX_RESOURCE_BYTES) {
      throw new RenderError('input_too_large', `resources add up to more than the ${MAX_RESOURCE_BYTES}-byte cap for a render`);
    }
    prepared.set(url, { contentType: checkContentType(resource.contentType, `resource ${url}: contentType`), body: resource.body });
  }
  return prepared;
}

function checkViewport(viewport: Viewport): Viewport {
  const fits = (n: number) => Number.isInteger(n) && n >= MIN_VIEWPORT_PX && n <= MAX_VIEWPORT_PX;
  if (!viewport || !fits(viewport.width) || !fits(viewport.height)) {
    throw new RenderError('input_invalid', `viewport width and height must be whole pixels from ${MIN_VIEWPORT_PX} to ${MAX_VIEWPORT_PX}`);
  }
  return { width: viewport.width, height: viewport.height };
}
