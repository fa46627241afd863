/**
 * What the capture store is given. Mirrors src/fetch's CaptureInput (leaf modules do not import
 * each other; structural typing keeps the two in step, and tsc fails if they drift).
 */
export interface CaptureInput {
  requestedUrl: string;
  finalUrl: string;
  status: number;
  statusText: string;
  /** Response header lines in received order, repeats kept. */
  headerLines: [string, string][];
  requestHeaders: [string, string][];
  redirects: { url: string; status: number; location: string }[];
  remoteAddress: string;
  startedAt: string;
  endedAt: string;
  /** Bytes as received (content-encoded, transfer-decoded). */
  rawBody: Buffer;
  /** The Content-Type header as received ("" when absent). */
  contentType: string;
  fetcherVersion: string;
  /** Set when the response was cut short (WARC-Truncated): the body holds what arrived. */
  truncated?: 'length' | 'time' | 'disconnect' | 'unspecified';
  settings: Record<string, unknown>;
}
