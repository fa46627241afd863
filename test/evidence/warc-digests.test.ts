import { describe, expect, it } from 'vitest';
import { WARCRecord, WARCSerializer } from 'warcio';
import { setRecordDigests } from '../../src/evidence/warc-records.ts';

/** The WARC header lines of a serialised (uncompressed) record. */
async function warcHeadersOf(record: WARCRecord): Promise<Map<string, string>> {
  const bytes = await WARCSerializer.serialize(record, { gzip: false });
  const head = new TextDecoder().decode(bytes).split('\r\n\r\n')[0];
  return new Map(head.split('\r\n').slice(1).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
}

const payload = new TextEncoder().encode('<html><body><p>Copied wire story — “quoted” text</p></body></html>');
const httpHeaders = [['Content-Type', 'text/html; charset=utf-8'], ['ETag', '"abc"']] as [string, string][];

function makeRecords(): [string, () => WARCRecord, Uint8Array | undefined][] {
  const date = '2026-11-27T10:00:00.123Z';
  return [
    ['response', () => WARCRecord.create({ type: 'response', url: 'https://copy.example/a', date, warcVersion: 'WARC/1.1', httpHeaders, statusline: 'HTTP/1.1 200 OK' }, [payload]), payload],
    ['request', () => WARCRecord.create({ type: 'request', url: 'https://copy.example/a', date, warcVersion: 'WARC/1.1', httpHeaders: [['User-Agent', 'CopyhoundBot/0.1']], statusline: 'GET /a HTTP/1.1' }), undefined],
    ['metadata', () => WARCRecord.create({ type: 'metadata', url: 'https://copy.example/a', date, warcVersion: 'WARC/1.1', warcHeaders: [['Content-Type', 'application/json']] }, [new TextEncoder().encode('{"a":1}')]), new TextEncoder().encode('{"a":1}')],
    ['revisit', () => WARCRecord.create({ type: 'revisit', url: 'https://copy.example/b', date, warcVersion: 'WARC/1.1', httpHeaders, statusline: 'HTTP/1.1 200 OK', warcHeaders: [['WARC-Payload-Digest', 'sha256:00ff']], refersToUrl: 'https://copy.example/a', refersToDate: date }), undefined],
  ];
}

describe('setRecordDigests', () => {
  it('gives the digests warcio itself computes, for every record type we write', async () => {
    for (const [type, make, body] of makeRecords()) {
      const byWarcio = await warcHeadersOf(make());
      const ours = await warcHeadersOf(setRecordDigests(make(), body));
      expect(ours.get('WARC-Block-Digest'), type).toBe(byWarcio.get('WARC-Block-Digest'));
      expect(ours.get('WARC-Payload-Digest'), type).toBe(byWarcio.get('WARC-Payload-Digest'));
      expect(ours.get('Content-Length'), type).toBe(byWarcio.get('Content-Length'));
      expect(byWarcio.get('WARC-Block-Digest'), type).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });
});
