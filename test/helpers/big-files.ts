import { createWriteStream, type WriteStream } from 'node:fs';
import { gzipSync } from 'node:zlib';

// Written in blocks of this size: the test process never holds more than one block.
const BLOCK_BYTES = 4 * 1024 * 1024;

async function write(out: WriteStream, data: Uint8Array | string): Promise<void> {
  if (!out.write(data)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

async function finish(out: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** A file of `prefix`, then `fillBytes` bytes of `fill` (no newline), then `suffix`; streamed, not held. */
export async function writeLongLineFile(path: string, prefix: string, fillBytes: number, suffix: string, fill = 'x'): Promise<void> {
  const out = createWriteStream(path);
  await write(out, prefix);
  const block = Buffer.alloc(BLOCK_BYTES, fill);
  for (let left = fillBytes; left > 0; left -= BLOCK_BYTES) await write(out, left >= BLOCK_BYTES ? block : block.subarray(0, left));
  await write(out, suffix);
  await finish(out);
}

/**
 * A gzip bomb: `prefix`, `fillBytes` of `fill` and `suffix` once decompressed, about a thousand
 * times smaller on disk. It is a chain of gzip members (RFC 1952 allows several; gunzip reads them
 * as one stream), so one compressed block is written again and again instead of compressing GBs.
 */
export async function writeGzipBomb(path: string, prefix: string, fillBytes: number, suffix: string, fill = 'A'): Promise<{ compressedBytes: number }> {
  if (fillBytes % BLOCK_BYTES !== 0) throw new Error(`fillBytes must be a multiple of ${BLOCK_BYTES}`);
  const out = createWriteStream(path);
  const block = gzipSync(Buffer.alloc(BLOCK_BYTES, fill), { level: 9 });
  const head = gzipSync(prefix);
  const tail = gzipSync(suffix);
  await write(out, head);
  for (let i = 0; i < fillBytes / BLOCK_BYTES; i++) await write(out, block);
  await write(out, tail);
  await finish(out);
  return { compressedBytes: head.length + tail.length + block.length * (fillBytes / BLOCK_BYTES) };
}
