import { createHash, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { WARCParser, WARCRecord, WARCSerializer, type WARCRecordOpts } from 'warcio';
import type { CaptureInput } from './types.ts';

/** WARC 1.1: fractional-second dates, the current revisit profile. */
const WARC_VERSION = 'WARC/1.1' as const;
/** Hop-by-hop framing we undid while reading; leaving it would make the stored block unparseable. */
const FRAMING_HEADERS = new Set(['transfer-encoding']);

export function newRecordId(): string {
  return `<urn:uuid:${randomUUID()}>`;
}

function requestLine(url: string): string {
  const parsed = new URL(url);
  return `GET ${parsed.pathname}${parsed.search} HTTP/1.1`;
}

function statusLine(input: CaptureInput): string {
  return `HTTP/1.1 ${input.status}${input.statusText ? ` ${input.statusText}` : ''}`;
}

function storedResponseHeaders(input: CaptureInput): [string, string][] {
  return input.headerLines.filter(([name]) => !FRAMING_HEADERS.has(name.toLowerCase()));
}

const gzipAsync = promisify(gzip);

/**
 * Each record is its own gzip member, so files concatenate into valid .warc.gz files. warcio
 * writes the record; Node's zlib compresses it on the thread pool (warcio's own gzip runs
 * through web streams on the main thread, which bounded crawl throughput).
 */
async function gzipRecord(record: WARCRecord): Promise<Uint8Array> {
  return gzipAsync(await WARCSerializer.serialize(record, { gzip: false }));
}

const EMPTY = new Uint8Array(0);

/**
 * Sets WARC-Block-Digest and WARC-Payload-Digest exactly as warcio would (block = HTTP header
 * block + payload), but with Node's native SHA-256: warcio then skips its own hashing, which
 * instantiates a WebAssembly hasher per digest and dominated the cost of small records.
 */
export function setRecordDigests(record: WARCRecord, payload: Uint8Array = EMPTY): WARCRecord {
  if (record.warcType === 'warcinfo') return record;
  const block = createHash('sha256');
  if (record.httpHeaders) block.update(`${record.httpHeaders.toString()}\r\n`);
  block.update(payload);
  const headers = record.warcHeaders.headers;
  if (record.warcType !== 'revisit' && !headers.get('WARC-Payload-Digest')) {
    headers.set('WARC-Payload-Digest', `sha256:${createHash('sha256').update(payload).digest('hex')}`);
  }
  headers.set('WARC-Block-Digest', `sha256:${block.digest('hex')}`);
  return record;
}

async function serialize(options: WARCRecordOpts, payload?: Uint8Array): Promise<Uint8Array> {
  const record = WARCRecord.create({ warcVersion: WARC_VERSION, ...options }, payload ? [payload] : undefined);
  return gzipRecord(setRecordDigests(record, payload));
}

export interface CaptureRecordsPlan {
  responseRecordId: string;
  /** When set, the body is already stored: write a revisit record referring to it. */
  revisitOf?: { targetUri: string; warcDate: string; sha256: string };
  warcDate: string;
}

/**
 * The WARC records of one capture, in order: warcinfo, request, response (or revisit), and a
 * metadata record with what WARC headers cannot hold (redirect chain, timings, settings).
 */
export async function buildCaptureRecords(input: CaptureInput, plan: CaptureRecordsPlan, filename: string): Promise<Uint8Array[]> {
  const date = plan.warcDate;
  const url = input.finalUrl;
  const warcinfo = WARCRecord.createWARCInfo(
    { filename, warcVersion: WARC_VERSION },
    { software: input.fetcherVersion, format: 'WARC File Format 1.1', conformsTo: 'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/' },
  );
  const records: Uint8Array[] = [await gzipRecord(warcinfo)];
  const responseHeaders = [
    ['WARC-Record-ID', plan.responseRecordId],
    ['WARC-IP-Address', input.remoteAddress],
    ['WARC-Truncated', input.truncated ?? ''],
  ].filter(([, value]) => value !== '') as [string, string][];
  if (plan.revisitOf) {
    responseHeaders.push(['WARC-Payload-Digest', `sha256:${plan.revisitOf.sha256}`]);
    records.push(
      await serialize({
        type: 'revisit',
        url,
        date,
        warcHeaders: responseHeaders,
        httpHeaders: storedResponseHeaders(input),
        statusline: statusLine(input),
        refersToUrl: plan.revisitOf.targetUri,
        refersToDate: plan.revisitOf.warcDate,
      }),
    );
  } else {
    records.push(
      await serialize(
        { type: 'response', url, date, warcHeaders: responseHeaders, httpHeaders: storedResponseHeaders(input), statusline: statusLine(input) },
        input.rawBody,
      ),
    );
  }
  records.push(
    await serialize({
      type: 'request',
      url,
      date,
      warcHeaders: [['WARC-Concurrent-To', plan.responseRecordId]],
      httpHeaders: input.requestHeaders,
      statusline: requestLine(url),
    }),
  );
  const metadata = {
    requestedUrl: input.requestedUrl,
    finalUrl: input.finalUrl,
    redirects: input.redirects,
    remoteAddress: input.remoteAddress,
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    truncated: input.truncated ?? null,
    fetcherVersion: input.fetcherVersion,
    settings: input.settings,
  };
  records.push(
    await serialize(
      {
        type: 'metadata',
        url,
        date,
        warcHeaders: [['WARC-Concurrent-To', plan.responseRecordId], ['Content-Type', 'application/json']],
      },
      new TextEncoder().encode(JSON.stringify(metadata)),
    ),
  );
  return records;
}

/** A warcinfo record opening an exported file. */
export async function buildExportInfoRecord(filename: string, software: string, captureIds: number[]): Promise<Uint8Array> {
  const record = WARCRecord.createWARCInfo(
    { filename, warcVersion: WARC_VERSION },
    { software, format: 'WARC File Format 1.1', description: `Copyhound captures ${captureIds.join(', ')}` },
  );
  return gzipRecord(record);
}

/** The raw HTTP payload (bytes as received) of one response record in a WARC file's bytes. */
export async function readResponsePayload(warc: Uint8Array, recordId: string): Promise<Uint8Array | undefined> {
  const parser = new WARCParser([warc]);
  for await (const record of parser) {
    if (record.warcType === 'response' && record.warcHeader('WARC-Record-ID') === recordId) {
      return record.readFully(false);
    }
  }
  return undefined;
}
