import type { Logger } from '../log.ts';
import type { Config } from '../../config/index.ts';
import type { HostResolver } from './pinned-agent.ts';

export interface RedirectHop {
  url: string;
  status: number;
  location: string;
}

/** Everything a capture store needs to keep one fetch as evidence. */
export interface CaptureInput {
  requestedUrl: string;
  finalUrl: string;
  status: number;
  statusText: string;
  /** Response headers in received order, repeated names kept as separate lines. */
  headerLines: [string, string][];
  /** Request headers we sent for the final URL (the WARC request record). */
  requestHeaders: [string, string][];
  redirects: RedirectHop[];
  remoteAddress: string;
  startedAt: string;
  endedAt: string;
  /** Bytes as received (content-encoded, transfer-decoded). */
  rawBody: Buffer;
  contentType: string;
  fetcherVersion: string;
  /** Set when the response was cut short (WARC-Truncated): the body holds what arrived. */
  truncated?: 'length' | 'time' | 'disconnect' | 'unspecified';
  /** The fetch settings in force, so a capture documents how it was made. */
  settings: Record<string, unknown>;
}

/** What fetchPage needs from a capture store (src/evidence's store satisfies it). */
export interface CaptureStore {
  save(input: CaptureInput): Promise<{ id: number; sha256: string }>;
}

export interface FetchedPage {
  requestedUrl: string;
  finalUrl: string;
  status: number;
  statusText: string;
  /** Response headers, lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  headerLines: [string, string][];
  requestHeaders: [string, string][];
  redirects: RedirectHop[];
  remoteAddress: string;
  startedAt: string;
  endedAt: string;
  /** Bytes as received on the wire (content-encoded). */
  rawBody: Buffer;
  /** After content-decoding. */
  body: Buffer;
  /** Essence of the Content-Type ("text/html"), "" when absent or unparseable. */
  contentType: string;
  /** WHATWG encoding name used for `text` ("" when the body is not text). */
  charset: string;
  /** Decoded text ("" for a non-text body of an error status). */
  text: string;
  notModified: boolean;
  /** Sha256 (hex) of rawBody. */
  sha256: string;
  capture?: { id: number; sha256: string };
}

export interface FetchPageOptions {
  config: Config['fetch'];
  signal?: AbortSignal;
  conditional?: { etag?: string; lastModified?: string };
  captureStore?: CaptureStore;
  logger?: Logger;
  /**
   * Media types (essences) accepted for a 2xx answer; '*' + '/*' accepts anything. Default
   * PAGE_TYPES (HTML, XHTML, plain text). Crawlers pass feed/sitemap/robots types here.
   */
  acceptTypes?: readonly string[];
  /** Full User-Agent header, replacing "<config.userAgent> (+<config.contactUrl>)". */
  userAgent?: string;
  /** DNS resolution; tests inject one so no real name is ever resolved. Default: system resolver. */
  resolve?: HostResolver;
}
