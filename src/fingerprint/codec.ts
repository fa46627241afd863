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
