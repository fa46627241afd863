import { open } from 'node:fs/promises';
import { ValidationError } from '../errors.ts';
import { decodeHtmlBytes } from './charset.ts';
import { BodyLimitError, decodeBuffer } from './content-decoding.ts';

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

/** The file's bytes, refused without reading them when it is larger than maxBytes. */
async function readCapped(path: string, maxBytes: number): Promise<Buffer> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PageFileError('unreadable', `Cannot read "${path}": ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { path });
  }
  try {
    const { size } = await file.stat();
    if (size > maxBytes) throw new PageFileError('file_too_large', `"${path}" is larger than ${maxBytes} bytes, ${LIMIT_NAME}`, { path, maxBytes });
    return await file.readFile();
  } catch (error) {
    if (error instanceof PageFileError) throw error;
    throw new PageFileError('unreadable', `Cannot read "${path}": ${(error as Error).message}`, { path });
  } finally {
    await file.close();
  }
}

/**
 * Reads a local page file (.html, .htm, .xhtml, .txt, each optionally .gz) the way the fetcher
 * reads a response: at most maxBytes after decompression — gunzipped by the fetcher's own capped
 * decoder, so a gzip bomb stops at the limit — then decoded by the browser's rules (BOM, <meta>
 * charset, autodetection). Plain-text files come back as `text`, the others as `html`.
 */
export async function readPageFile(path: string, maxBytes: number): Promise<{ html?: string; text?: string }> {
  let name = path.toLowerCase();
  const gzip = name.endsWith('.gz');
  if (gzip) name = name.slice(0, -3);
  let bytes = await readCapped(path, maxBytes);
  if (gzip) {
    try {
      bytes = await decodeBuffer(bytes, ['gzip'], maxBytes, { strict: true });
    } catch (error) {
      if (error instanceof BodyLimitError) throw new PageFileError('decompressed_too_large', `"${path}" decompresses to more than ${maxBytes} bytes, ${LIMIT_NAME}`, { path, maxBytes });
      throw new PageFileError('invalid_gzip', `"${path}" is not valid gzip (${(error as Error).message})`, { path });
    }
  }
  if (name.endsWith('.txt')) return { text: decodeHtmlBytes(bytes, 'text/plain').text };
  return { html: decodeHtmlBytes(bytes).text };
}
