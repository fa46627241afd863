/**
 * Types shared by the crawler building blocks. The real page fetcher (src/fetch) is injected as a
 * `FetchText` so these modules stay leaves: the lead adapts `fetchPage` to this shape when wiring.
 */

export interface FetchTextInit {
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface FetchTextResponse {
  /** Final HTTP status after redirects (the fetcher follows them). */
  status: number;
  /** Response headers, names lower-cased. */
  headers: Record<string, string>;
  /** Body decoded as text (for gzip sitemaps use `body` when the fetcher provides raw bytes). */
  text: string;
  /** Raw body bytes, when the fetcher has them; sitemap parsing needs them for `.xml.gz`. */
  body?: Uint8Array;
  /** URL after redirects. */
  finalUrl: string;
}

/**
 * Fetches one URL. Resolves for any HTTP status (4xx/5xx included); rejects only when no HTTP
 * answer was had (network, DNS, timeout, too many redirects), ideally with a FetchError.
 */
export type FetchText = (url: string, init?: FetchTextInit) => Promise<FetchTextResponse>;
