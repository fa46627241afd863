import { ValidationError } from '../errors.ts';
import { type PassageFingerprint, type TextFingerprints } from './fingerprint.ts';

// Layout (little endian): u8 version, u8 reserved, u16 reserved, u32 passage count, u64 doc,
// then per passage u64 hash, u32 start, u32 end.
const HEADER_BYTES = 16;
const PASSAGE_BYTES = 16;

export function encodeFingerprints(fp: TextFingerprints): Buffer {
  const buf = Buffer.alloc(HEADER_BYTES + PASSAGE_BYTES * fp.passages.length);
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
  return buf;
}

/** Throws ValidationError on a truncated blob; the version is returned as stored (callers compare it). */
export function decodeFingerprints(bytes: Uint8Array): TextFingerprints {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < HEADER_BYTES) throw new ValidationError('fingerprint blob too short', { bytes: buf.length });
  const version = buf.readUInt8(0);
  const count = buf.readUInt32LE(4);
  if (buf.length !== HEADER_BYTES + count * PASSAGE_BYTES) {
    throw new ValidationError('fingerprint blob has the wrong length', { bytes: buf.length, passages: count });
  }
  const passages: PassageFingerprint[] = [];
  let o = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    passages.push({ hash: buf.readBigUInt64LE(o), start: buf.readUInt32LE(o + 8), end: buf.readUInt32LE(o + 12) });
    o += PASSAGE_BYTES;
  }
  return { version, doc: buf.readBigUInt64LE(8), passages };
}

/** Hashes of a blob as 32-bit halves, document first (bulk index loads: no bigint per passage). */
export interface PackedHashes {
  version: number;
  count: number;
  hi: Uint32Array;
  lo: Uint32Array;
}

export function decodeFingerprintHashes(bytes: Uint8Array): PackedHashes {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < HEADER_BYTES) throw new ValidationError('fingerprint blob too short', { bytes: buf.length });
  const passages = buf.readUInt32LE(4);
  if (buf.length !== HEADER_BYTES + passages * PASSAGE_BYTES) {
    throw new ValidationError('fingerprint blob has the wrong length', { bytes: buf.length, passages });
  }
  const count = passages + 1;
  const hi = new Uint32Array(count);
  const lo = new Uint32Array(count);
  lo[0] = buf.readUInt32LE(8);
  hi[0] = buf.readUInt32LE(12);
  for (let i = 0, o = HEADER_BYTES; i < passages; i++, o += PASSAGE_BYTES) {
    lo[i + 1] = buf.readUInt32LE(o);
    hi[i + 1] = buf.readUInt32LE(o + 4);
  }
  return { version: buf.readUInt8(0), count, hi, lo };
}
