import { pipeline, Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/** The decoded (or raw) body grew past the limit. */
export class BodyLimitError extends Error {
  readonly code = 'ERR_COPYHOUND_TOO_LARGE';
}

/** A Content-Encoding we will not decode (unknown, or too many layers), or a corrupt body. */
export class ContentEncodingError extends Error {
  readonly code = 'ERR_COPYHOUND_ENCODING';
}

const DECODABLE = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

/** Content-Encoding layers in the order they were applied ("identity" dropped). */
export function parseContentEncodings(header: string | undefined, maxLayers: number): string[] {
  const layers = (header ?? '')
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '' && token !== 'identity');
  if (layers.length > maxLayers) {
    throw new ContentEncodingError(`${layers.length} stacked content encodings (${layers.join(', ')}); at most ${maxLayers} are decoded`);
  }
  const unknown = layers.find((layer) => !DECODABLE.has(layer));
  if (unknown !== undefined) throw new ContentEncodingError(`content encoding "${unknown}" is not supported`);
  return layers;
}

// Sync flush at the end tolerates truncated streams the way browsers do.
const ZLIB_OPTIONS = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_OPTIONS = { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };

/** RFC 9110 says deflate is zlib-wrapped, but many servers send raw deflate; the header tells. */
function isZlibWrapped(head: Buffer): boolean {
  return head.length >= 2 && (head[0] & 0x0f) === 8 && ((head[0] << 8) | head[1]) % 31 === 0;
}

function createDecoder(encoding: string, head: Buffer): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress {
  if (encoding === 'br') return zlib.createBrotliDecompress(BROTLI_OPTIONS);
  if (encoding === 'deflate') return isZlibWrapped(head) ? zlib.createInflate(ZLIB_OPTIONS) : zlib.createInflateRaw(ZLIB_OPTIONS);
  return zlib.createGunzip(ZLIB_OPTIONS);
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotliDecompress = promisify(zlib.brotliDecompress);

/**
 * Decodes a whole body off the main thread (zlib's thread pool). Every layer, including
 * intermediate ones, is capped at maxBytes so a layer of padding cannot balloon in memory.
 */
export async function decodeBuffer(raw: Buffer, encodings: readonly string[], maxBytes: number, options: { strict?: boolean } = {}): Promise<Buffer> {
  let data = raw;
  // Responses cut short are read as far as they go, as browsers do; `strict` (a local file, whose
  // end is its end) refuses a cut-off stream instead.
  const zlibOptions = options.strict ? {} : ZLIB_OPTIONS;
  const brotliOptions = options.strict ? {} : BROTLI_OPTIONS;
  for (const encoding of [...encodings].reverse()) {
    if (data.length === 0) return data;
    const limit = { maxOutputLength: maxBytes + 1 };
    try {
      if (encoding === 'br') data = await brotliDecompress(data, { ...brotliOptions, ...limit });
      else if (encoding === 'deflate') data = await (isZlibWrapped(data) ? inflate : inflateRaw)(data, { ...zlibOptions, ...limit });
      else data = await gunzip(data, { ...zlibOptions, ...limit });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyLimitError(`a ${encoding} layer decodes to more than ${maxBytes} bytes`);
      throw Object.assign(new ContentEncodingError(`corrupt ${encoding} body: ${(error as Error).message}`), { cause: error });
    }
    if (data.length > maxBytes) throw new BodyLimitError(`a ${encoding} layer decodes to more than ${maxBytes} bytes`);
  }
  return data;
}

/** Errors raised upstream of a decoder (network, limits, abort) pass through a layer unchanged. */
const upstreamErrors = new WeakSet<object>();

async function* prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await rest.next();
    } catch (error) {
      if (typeof error === 'object' && error !== null) upstreamErrors.add(error);
      throw error;
    }
    if (next.done) return;
    yield next.value;
  }
}

/**
 * Undoes one layer, pulling output on demand: a decompression bomb yields 16 KiB at a time and
 * stops as soon as the consumer does, so it never inflates more than the limit in memory.
 */
async function* decodeLayer(source: AsyncIterable<Buffer>, encoding: string): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const decoder = createDecoder(encoding, first.value);
  const input = Readable.from(prepend(first.value, iterator), { objectMode: false });
  pipeline(input, decoder, () => {});
  try {
    for await (const chunk of decoder) yield chunk as Buffer;
  } catch (error) {
    if (error instanceof Error && !upstreamErrors.has(error) && !(error instanceof BodyLimitError)) {
      throw Object.assign(new ContentEncodingError(`corrupt ${encoding} body: ${error.message}`), { cause: error });
    }
    throw error;
  } finally {
    decoder.destroy();
    input.destroy();
  }
}

/** Decodes the layers in reverse order of application. */
export function decodeContent(source: AsyncIterable<Buffer>, encodings: readonly string[]): AsyncIterable<Buffer> {
  let stream = source;
  for (const encoding of [...encodings].reverse()) stream = decodeLayer(stream, encoding);
  return stream;
}
