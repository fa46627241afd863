import { ValidationError } from '../errors.ts';
import { type PassageFingerprint, type TextFingerprints } from './fingerprint.ts';

// Layout (little endian): u8 version, u8 reserved, u16 reserved, u32 passage count, u64 doc,
// then per passage u64 hash, u32 start, u32 end; from version 2 on, u32 winnow count and the
// winnowed k-gram hashes as u32 each.
const HEADER_BYTES = 16;
const PASSAGE_BYTES = 16;
const WINNOW_COUNT_BYTES = 4;
const FIRST_WINNOW_VERSION = 2;

export function encodeFingerprints(fp: TextFingerprints): Buffer {
  const tail = fp.version >= FIRST_WINNOW_VERSION ? WINNOW_COUNT_BYTES + 4 * fp.winnow.length : 0;
  const buf = Buffer.alloc(HEADER_BYTES + PASSAGE_BYTES * fp.passages.length + tail);
  buf.writeUInt8(fp.version, 0);
  buf.writeUInt32LE(fp.passages.length, 4);
  buf.writeBigUInt64LE(BigInt.asUintN(64, fp.doc), 8);
  let o = HEADER_BYTES;
  for (const p of fp.passages) {
    buf.writeBigUInt64LE(BigInt.asUintN(64, p.hash), o);
    buf.writeUInt32LE(p.start, o + 8);
    buf.writeUInt32LE(p.end, o + 12);
    o += PASSAGE_BYTES;
  }
  if (tail > 0) {
    buf.writeUInt32LE(fp.winnow.length, o);
    o += WINNOW_COUNT_BYTES;
    for (let i = 0; i < fp.winnow.length; i++, o += 4) buf.writeUInt32LE(fp.winnow[i], o);
  }
  return buf;
}

/** Where the parts of a blob lie; throws ValidationError when its length does not add up. */
function readLayout(buf: Buffer): { version: number; passages: number; winnowAt: number; winnow: number } {
  if (buf.length < HEADER_BYTES) throw new ValidationError('fingerprint blob too short', { bytes: buf.length });
  const version = buf.readUInt8(0);
  const passages = buf.readUInt32LE(4);
  const winnowAt = HEADER_BYTES + passages * PASSAGE_BYTES + (version >= FIRST_WINNOW_VERSION ? WINNOW_COUNT_BYTES : 0);
  const winnow = version >= FIRST_WINNOW_VERSION && buf.length >= winnowAt ? buf.readUInt32LE(winnowAt - WINNOW_COUNT_BYTES) : 0;
  if (buf.length !== winnowAt + 4 * winnow) {
    throw new ValidationError('fingerprint blob has the wrong length', { bytes: buf.length, passages, winnow });
  }
  return { version, passages, winnowAt, winnow };
}

function readWinnow(buf: Buffer, at: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = buf.readUInt32LE(at + 4 * i);
  return out;
}

/** Throws ValidationError on a truncated blob; the version is returned as stored (callers compare it). */
export function decodeFingerprints(bytes: Uint8Array): TextFingerprints {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const layout = readLayout(buf);
  const passages: PassageFingerprint[] = [];
  let o = HEADER_BYTES;
  for (let i = 0; i < layout.passages; i++) {
    passages.push({ hash: buf.readBigUInt64LE(o), start: buf.readUInt32LE(o + 8), end: buf.readUInt32LE(o + 12) });
    o += PASSAGE_BYTES;
  }
  return { version: layout.version, doc: buf.readBigUInt64LE(8), passages, winnow: readWinnow(buf, layout.winnowAt, layout.winnow) };
}

/** Hashes of a blob as 32-bit halves, document first (bulk index loads: no bigint per passage). */
export interface PackedHashes {
  version: number;
  count: number;
  hi: Uint32Array;
  lo: Uint32Array;
  winnow: Uint32Array;
}

export function decodeFingerprintHashes(bytes: Uint8Array): PackedHashes {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const layout = readLayout(buf);
  const count = layout.passages + 1;
  const hi = new Uint32Array(count);
  const lo = new Uint32Array(count);
  lo[0] = buf.readUInt32LE(8);
  hi[0] = buf.readUInt32LE(12);
  for (let i = 0, o = HEADER_BYTES; i < layout.passages; i++, o += PASSAGE_BYTES) {
    lo[i + 1] = buf.readUInt32LE(o);
    hi[i + 1] = buf.readUInt32LE(o + 4);
  }
  return { version: layout.version, count, hi, lo, winnow: readWinnow(buf, layout.winnowAt, layout.winnow) };
}
