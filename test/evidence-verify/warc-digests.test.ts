import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WARCRecord, WARCSerializer } from 'warcio';
import { checkWarcDigests, parseWarc } from '../../src/evidence-verify/verify-package.mjs';
import { COPIED_TEXT, captureWarcs } from './package-builder.ts';

const RESPONSE_ID = '<urn:uuid:00000000-0000-4000-8000-000000000007>';

/** The capture with one byte changed at the first `needle`, gzipped again as one member. */
function changeByte(warcGz: Buffer, needle: string): Buffer {
  const plain = gunzipSync(warcGz);
  const at = plain.indexOf(needle);
  if (at < 0) throw new Error(`${needle} is not in the WARC`);
  plain[at] ^= 0x01;
  return gzipSync(plain);
}

async function warcioRecord(digest: { algo: 'sha-1' | 'sha-256'; prefix: string; base32: boolean }): Promise<Uint8Array> {
  const record = WARCRecord.create(
    {
      type: 'response',
      url: 'https://copy.example/other',
      date: '2026-11-30T09:15:00.000Z',
      warcVersion: 'WARC/1.1',
      httpHeaders: [['Content-Type', 'text/plain']],
      statusline: 'HTTP/1.1 200 OK',
    },
    [new TextEncoder().encode(COPIED_TEXT)],
  );
  return WARCSerializer.serialize(record, { gzip: true, digest });
}

describe('parseWarc', () => {
  it('reads the records our capture store writes, gzipped per record or plain', async () => {
    const { original } = await captureWarcs();
    for (const bytes of [original, gunzipSync(original)]) {
      const records = parseWarc(bytes);
      expect(records.map((record) => record.headers['warc-type'])).toEqual(['warcinfo', 'response', 'request', 'metadata']);
      expect(records[1].headers['warc-record-id']).toBe(RESPONSE_ID);
      expect(records[1].version).toBe('WARC/1.1');
      expect(records[1].block.toString('utf8')).toMatch(/^HTTP\/1\.1 200 OK\r\ncontent-type: text\/html; charset=utf-8\r\n/);
      expect(records[1].block.toString('utf8')).toContain(COPIED_TEXT);
    }
  });

  it('refuses hostile input with a message naming the record and offset', () => {
    const record = (headers: string, block = '') => `WARC/1.1\r\n${headers}\r\n\r\n${block}\r\n\r\n`;
    expect(() => parseWarc(Buffer.from('this is not a WARC file'))).toThrow(/record 0 \(byte 0\)/);
    expect(() => parseWarc(Buffer.from(`${record('WARC-Type: resource\r\nContent-Length: 2', 'ab')}WARC/1.1\r\nContent-Length: 5000\r\n\r\nshort`))).toThrow(
      /record 1 \(byte \d+\): Content-Length 5000 runs past the end/,
    );
    expect(() => parseWarc(Buffer.from(record('Content-Length: -1')))).toThrow(/Content-Length "-1" is not a byte count/);
    expect(() => parseWarc(Buffer.from(record('Content-Length: 1', 'ab')))).toThrow(/not followed by the blank line/);
    expect(() => parseWarc(Buffer.from(`WARC/1.1\r\nX-Long: ${'a'.repeat(70_000)}\r\n\r\n`))).toThrow(/no end of WARC headers within 65536 bytes/);
    expect(() => parseWarc(Buffer.from(''))).toThrow(/no WARC records/);
    const many = Buffer.from(record('WARC-Type: resource\r\nContent-Length: 0').repeat(100_001));
    expect(() => parseWarc(many)).toThrow(/more than 100000 records/);
  });

  it('refuses broken gzip', async () => {
    const { original } = await captureWarcs();
    const corrupt = Buffer.from(original);
    corrupt[corrupt.length - 6] ^= 0xff; // inside the last member's CRC
    expect(() => parseWarc(corrupt)).toThrow(/not valid gzip/);
    expect(() => parseWarc(original.subarray(0, original.length - 10))).toThrow(/not valid gzip/);
  });
});

describe('checkWarcDigests', () => {
  it('finds every digest of our captures correct, including a revisit (no payload to check)', async () => {
    const { original, revisit } = await captureWarcs();
    expect(checkWarcDigests(original)).toEqual({ records: 4, digests: 6, problems: [] });
    expect(checkWarcDigests(gunzipSync(original))).toEqual({ records: 4, digests: 6, problems: [] });
    expect(checkWarcDigests(revisit)).toEqual({ records: 4, digests: 5, problems: [] });
  });

  it('checks digests warcio writes in sha1 and sha256, hex and base32', async () => {
    const variants = [
      { algo: 'sha-1', prefix: 'sha1:', base32: true, pattern: /^sha1:[A-Z2-7]{32}$/ },
      { algo: 'sha-256', prefix: 'sha256:', base32: true, pattern: /^sha256:[A-Z2-7]{52}====$/ },
      { algo: 'sha-1', prefix: 'sha1:', base32: false, pattern: /^sha1:[0-9a-f]{40}$/ },
      { algo: 'sha-256', prefix: 'sha-256:', base32: false, pattern: /^sha-256:[0-9a-f]{64}$/ },
    ] as const;
    for (const { pattern, ...digest } of variants) {
      const bytes = await warcioRecord(digest);
      const [record] = parseWarc(bytes);
      expect(record.headers['warc-block-digest'], digest.algo).toMatch(pattern);
      expect(checkWarcDigests(bytes), `${digest.algo} base32 ${digest.base32}`).toEqual({ records: 1, digests: 2, problems: [] });
      const tampered = changeByte(Buffer.from(bytes), 'council');
      const { problems } = checkWarcDigests(tampered);
      expect(problems, digest.algo).toHaveLength(2);
      expect(problems[0]).toMatch(new RegExp(`^record 0 \\(response ".+"\\): WARC-Block-Digest is ${digest.prefix}\\S+, the block hashes to ${digest.prefix}\\S+$`));
      const [, said, found] = /is (\S+), the block hashes to (\S+)$/.exec(problems[0]) ?? [];
      expect(found, 'rendered like the header').toMatch(pattern);
      expect(said).not.toBe(found);
    }
  });

  it('names the record, the header and both digests when one payload byte changed', async () => {
    const { original } = await captureWarcs();
    const { records, problems } = checkWarcDigests(changeByte(original, 'council'));
    expect(records).toBe(4);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(new RegExp(`^record 1 \\(response "${RESPONSE_ID}"\\): WARC-Block-Digest is sha256:[0-9a-f]{64}, the block hashes to sha256:[0-9a-f]{64}$`));
    expect(problems[1]).toMatch(new RegExp(`^record 1 \\(response "${RESPONSE_ID}"\\): WARC-Payload-Digest is sha256:[0-9a-f]{64}, the payload hashes to sha256:[0-9a-f]{64}$`));
  });

  it('a changed HTTP header breaks the block digest only', async () => {
    const { original } = await captureWarcs();
    const { problems } = checkWarcDigests(changeByte(original, 'etag: "v1"'));
    expect(problems).toEqual([expect.stringMatching(/^record 1 \(response ".+"\): WARC-Block-Digest is sha256:/)]);
  });

  it('reports digests it cannot check and digests that are missing', () => {
    const block = 'hello';
    const warc = (headers: string) => Buffer.from(`WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:x>\r\n${headers}Content-Length: ${block.length}\r\n\r\n${block}\r\n\r\n`);
    expect(checkWarcDigests(warc('WARC-Block-Digest: md5:5d41402abc4b2a76b9719d911017c592\r\nWARC-Payload-Digest: sha1:!!!\r\n')).problems).toEqual([
      'record 0 (resource "<urn:x>"): WARC-Block-Digest uses "md5", which this verifier cannot check (sha256 and sha1 only)',
      'record 0 (resource "<urn:x>"): WARC-Payload-Digest value "!!!" is neither hex nor base32 for sha1',
    ]);
    expect(checkWarcDigests(warc('')).problems).toEqual([
      'record 0 (resource "<urn:x>"): has no WARC-Block-Digest',
      'record 0 (resource "<urn:x>"): has no WARC-Payload-Digest',
    ]);
  });

  it('never throws on garbage; it reports an unreadable file', () => {
    for (const input of [Buffer.from('garbage'), Buffer.from([0x1f, 0x8b, 0, 1, 2]), Buffer.alloc(0), gzipSync(Buffer.from('WARC/1.1\r\n'))]) {
      const result = checkWarcDigests(input);
      expect(result.records).toBe(0);
      expect(result.problems).toEqual([expect.stringMatching(/^not a readable WARC file: /)]);
    }
  });
});
