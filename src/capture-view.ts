import { hash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { insertCaptureRender, listRendersOfCapture, type CaptureRenderRow } from '../db/capture-renders.ts';
import type { CaptureRow } from '../db/schema/captures.ts';
import type { App } from './app.ts';
import { decodeHtmlBytes } from './fetch/charset.ts';
import { decodeContent } from './fetch/content-decoding.ts';
import type { Renderer } from './render/index.ts';

/**
 * What a capture shows: its body decoded as a browser would read it, the text the extractor
 * takes from it, and its rendered view (PNG and PDF, made offline once and then kept, hashed and
 * logged like the capture itself).
 */

// Rendered views live beside the WARC files, by day, in the capture file store (folder or database).
const RENDER_FOLDER = 'renders';

/** Response header values of a stored capture, lower-cased names. */
function headerValues(capture: CaptureRow, name: string): string[] {
  return capture.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

/** The Content-Type header as received (its charset included), else the stored media type. */
function contentTypeHeader(capture: CaptureRow): string {
  return headerValues(capture, 'content-type')[0] ?? capture.contentType;
}

/** The body as the page sent it, with its content encodings (gzip, br...) undone. */
export async function readDecodedBody(app: App, capture: CaptureRow): Promise<Buffer> {
  const raw = await app.captureStore.readBody(capture.id);
  const encodings = headerValues(capture, 'content-encoding')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '' && v !== 'identity');
  if (encodings.length === 0) return raw;
  const chunks: Buffer[] = [];
  for await (const chunk of decodeContent((async function* () { yield raw; })(), encodings)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The extracted text of a capture, from its decoded body (the whole text of a plain-text page); '' when it has none. */
export async function extractCaptureText(app: App, capture: CaptureRow, body: Buffer): Promise<string> {
  if (capture.status < 200 || capture.status >= 300) return '';
  const { text } = decodeHtmlBytes(body, contentTypeHeader(capture));
  if (capture.contentType === 'text/plain') return text;
  if (!/html|xml/i.test(capture.contentType)) return '';
  return (await app.pagePool.extract(text, { url: capture.finalUrl })).text;
}

/**
 * The capture's rendered views, made now when it has none: the stored HTML loaded as from its
 * URL in chromium with JavaScript off and every request refused (the renderer answers nothing but
 * the page itself), so the view shows what was captured and nothing fetched later.
 */
export async function ensureCaptureRenders(app: App, capture: CaptureRow, body: Buffer, renderer: Renderer, now = new Date().toISOString()): Promise<CaptureRenderRow[]> {
  const captureId = capture.id;
  const existing = await listRendersOfCapture(app.database.db, captureId);
  if (existing.some((r) => r.format === 'png') && existing.some((r) => r.format === 'pdf')) return existing;
  const rendered = await renderer.render({ html: body, baseUrl: capture.finalUrl, contentType: contentTypeHeader(capture) });
  const day = now.slice(0, 10).split('-');
  const stored: CaptureRenderRow[] = [];
  for (const format of ['png', 'pdf'] as const) {
    const bytes = rendered[format];
    const path = join(RENDER_FOLDER, ...day, `capture-${captureId}-${randomUUID()}.${format}`);
    await app.captureFiles.write(path, [bytes]);
    stored.push(
      await insertCaptureRender(app.database.db, {
        captureId,
        format,
        path,
        sha256: hash('sha256', bytes, 'hex'),
        bytes: bytes.length,
        warnings: rendered.warnings,
        createdAt: now,
      }),
    );
  }
  return stored;
}
