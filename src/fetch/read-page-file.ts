import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ValidationError } from '../errors.ts';
import { decodeHtmlBytes } from './charset.ts';

/** Named reasons a local page file is refused. */
export type PageFileRefusal = 'unreadable' | 'file_too_large' | 'decompressed_too_large' | 'invalid_gzip';

/** A local page file that cannot be read as a page; `reason` names why (CLI and --json show it). */
export class PageFileError extends ValidationError {
  readonly reason: PageFileRefusal;
  constructor(reason: PageFileRefusal, message: string, details: Record<string, unknown>) {
    super(message, { ...details, reason });
    this.reason = reason;
  }
}

// Local pages get the fetched pages' limit: the same extractor and matcher read them.
const LIMIT_NAME = 'the limit for a page (fetch.maxBodyBytes, COPYHOUND_FETCH_MAX_BODY_BYTES)';

/**
 * Reads the stream to its end, refusing as soon as it passes maxBytes: a gzip bomb is inflated
 * 16 KiB at a time and abandoned at the limit, so memory never goes much past the limit.
 */
async function collectCapped(stream: Readable, maxBytes: number, tooLarge: () => PageFileError): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge();
    parts.push(chunk);
  }
  return Buffer.concat(parts, total);
}

async function readBytes(path: string, gzip: boolean, maxBytes: number): Promise<Buffer> {
  const raw = createReadStream(path);
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on('error', (error) => stream.destroy(error));
  try {
    return await collectCapped(stream, maxBytes, () =>
      gzip
        ? new PageFileError('decompressed_too_large', `"${path}" decompresses to more than ${maxBytes} bytes, ${LIMIT_NAME}`, { path, maxBytes })
        : new PageFileError('file_too_large', `"${path}" is larger than ${maxBytes} bytes, ${LIMIT_NAME}`, { path, maxBytes }),
    );
  } catch (error) {
    if (error instanceof PageFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (gzip && typeof code === 'string' && code.startsWith('Z_')) {
      throw new PageFileError('invalid_gzip', `"${path}" is not valid gzip (${(error as Error).message})`, { path });
    }
    throw new PageFileError('unreadable', `Cannot read "${path}": ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { path });
  } finally {
    stream.destroy();
    raw.destroy();
  }
}

/**
 * Reads a local page file (.html, .htm, .xhtml, .txt, each optionally .gz) the way the fetcher
 * reads a response: at most maxBytes after decompression, then decoded by the browser's rules
 * (BOM, <meta> charset, autodetection). Plain-text files come back as `text`, the others as `html`.
 */
export async function readPageFile(path: string, maxBytes: number): Promise<{ html?: string; text?: string }> {
  let name = path.toLowerCase();
  const gzip = name.endsWith('.gz');
  if (gzip) name = name.slice(0, -3);
  const bytes = await readBytes(path, gzip, maxBytes);
  if (name.endsWith('.txt')) return { text: decodeHtmlBytes(bytes, 'text/plain').text };
  return { html: decodeHtmlBytes(bytes).text };
}
