import { createHash, randomBytes } from 'node:crypto';
import { request } from 'undici';

/**
 * RFC 3161 time-stamping of a tree head: a TimeStampReq for SHA-256 of the signed message is
 * posted to the configured authority, and its TimeStampResp kept as is (DER). The request is one
 * fixed structure and the answer is only read as far as its status, so they are encoded here by
 * hand (a general ASN.1 library would be ~10 packages for two structures); the token itself is
 * checked with standard tools (`openssl ts -verify`), as a court expert would.
 */

// Answers are a few KB (a token with the authority's certificate chain); bounded all the same.
const MAX_RESPONSE_BYTES = 256 * 1024;

// DER of AlgorithmIdentifier { id-sha256 (2.16.840.1.101.3.4.2.1), NULL }.
const SHA256_ALGORITHM = Buffer.from('300d06096086480165030402010500', 'hex');

const PKI_STATUS = ['granted', 'grantedWithMods', 'rejection', 'waiting', 'revocationWarning', 'revocationNotification'];

export class TimestampError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimestampError';
  }
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

/** TimeStampReq { version 1, messageImprint (SHA-256), nonce, certReq TRUE } in DER. */
export function encodeTimestampRequest(message: Uint8Array, nonce = randomBytes(8)): Buffer {
  const digest = createHash('sha256').update(message).digest();
  // A positive INTEGER: the high bit clear (a leading 1 would make it negative in DER).
  const positiveNonce = Buffer.from(nonce);
  positiveNonce[0] = (positiveNonce[0] & 0x7f) | 0x01;
  const imprint = der(0x30, Buffer.concat([SHA256_ALGORITHM, der(0x04, digest)]));
  return der(0x30, Buffer.concat([der(0x02, Buffer.from([1])), imprint, der(0x02, positiveNonce), der(0x01, Buffer.from([0xff]))]));
}

/** Reads one DER header at `at`: its tag, where its content starts and its length. */
function readHeader(buf: Buffer, at: number): { tag: number; start: number; length: number } {
  if (at + 2 > buf.length) throw new TimestampError('time-stamp response is cut short');
  const tag = buf[at];
  let length = buf[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > buf.length) throw new TimestampError('time-stamp response has a malformed length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[start + i];
    start += count;
  }
  if (start + length > buf.length) throw new TimestampError('time-stamp response is cut short');
  return { tag, start, length };
}

/** The PKIStatus of a TimeStampResp (SEQUENCE { SEQUENCE { INTEGER status, ... }, token }). */
export function readTimestampStatus(response: Buffer): { status: number; hasToken: boolean } {
  const outer = readHeader(response, 0);
  if (outer.tag !== 0x30) throw new TimestampError('time-stamp response is not a DER SEQUENCE');
  const info = readHeader(response, outer.start);
  if (info.tag !== 0x30) throw new TimestampError('time-stamp response has no PKIStatusInfo');
  const status = readHeader(response, info.start);
  if (status.tag !== 0x02 || status.length < 1 || status.length > 4) throw new TimestampError('time-stamp response has no status');
  let value = 0;
  for (let i = 0; i < status.length; i++) value = value * 256 + response[status.start + i];
  return { status: value, hasToken: info.start + info.length < outer.start + outer.length };
}

/** Posts the request; returns the authority's TimeStampResp (DER) when it granted a token. */
export async function requestTimestampToken(url: string, message: Uint8Array, timeoutMs: number): Promise<Buffer> {
  const body = encodeTimestampRequest(message);
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
    body,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      response.body.destroy();
      throw new TimestampError(`time-stamping authority ${url} sent more than ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  if (response.statusCode !== 200) throw new TimestampError(`time-stamping authority ${url} answered HTTP ${response.statusCode}`);
  const reply = Buffer.concat(chunks);
  const { status, hasToken } = readTimestampStatus(reply);
  if (status > 1 || !hasToken) throw new TimestampError(`time-stamping authority ${url} did not grant a token (status ${PKI_STATUS[status] ?? status})`);
  return reply;
}
