import { createHash } from 'node:crypto';
import { request } from 'undici';
import { FetchError, type FetchFailureReason } from '../errors.ts';
import { parseHttpDate } from '../time/parse-date.ts';
import { assertUrlAllowed, BlockedAddressError, parseAllowList, type AllowList } from './address-guard.ts';
import { decodeHtmlBytes, parseContentType } from './charset.ts';
import { BodyLimitError, ContentEncodingError, decodeBuffer, decodeContent, parseContentEncodings } from './content-decoding.ts';
import { DeadlineError, toFetchError } from './error-mapping.ts';
import { createPinnedAgent, resolveWithSystem, type PinnedAgent } from './pinned-agent.ts';
import type { CaptureInput, FetchedPage, FetchPageOptions, RedirectHop } from './types.ts';

/** Recorded in every capture; bump when fetch behaviour changes what a capture would contain. */
export const FETCHER_VERSION = 'copyhound-fetch/0.1.0';

/** Types we extract articles from; anything else is not an article page (unless acceptTypes says). */
export const PAGE_TYPES: readonly string[] = ['text/html', 'application/xhtml+xml', 'text/plain'];
const ANY_TYPE = '*/*';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** The MIME Sniffing standard looks at this many leading bytes to tell text from binary. */
const SNIFF_BYTES = 1445;

type FetchConfig = FetchPageOptions['config'];
type ResponseData = Awaited<ReturnType<typeof request>>;

export function buildUserAgent(config: FetchConfig): string {
  // Without a contact URL only allow-listed (test, intranet) addresses are fetched at all.
  return config.contactUrl === '' ? config.userAgent : `${config.userAgent} (+${config.contactUrl})`;
}

function buildRequestHeaders(url: URL, options: FetchPageOptions, acceptTypes: readonly string[]): [string, string][] {
  const accept = acceptTypes.includes(ANY_TYPE) ? ANY_TYPE : `${acceptTypes.join(',')};q=0.9,*/*;q=0.1`;
  const headers: [string, string][] = [
    ['host', url.host],
    ['user-agent', options.userAgent ?? buildUserAgent(options.config)],
    ['accept', accept],
    ['accept-encoding', 'gzip, deflate, br'],
  ];
  if (options.conditional?.etag) headers.push(['if-none-match', options.conditional.etag]);
  if (options.conditional?.lastModified) headers.push(['if-modified-since', options.conditional.lastModified]);
  return headers;
}

/** Types whose bytes are text and get decoded into `text` (XML and JSON flavours included). */
function isTextType(essence: string): boolean {
  return (
    PAGE_TYPES.includes(essence) ||
    essence.startsWith('text/') ||
    /^application\/([\w.+-]+\+)?(xml|json)$/.test(essence)
  );
}

function flattenHeaders(raw: ResponseData['headers']): { headers: Record<string, string>; headerLines: [string, string][] } {
  const headers: Record<string, string> = {};
  const headerLines: [string, string][] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) headerLines.push([name, v]);
    headers[name] = values.join(', ');
  }
  return { headers, headerLines };
}

/** Retry-After as milliseconds (delta-seconds or HTTP-date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = parseHttpDate(trimmed);
  return date.ok ? Math.max(0, date.date.dateTime.toMillis() - now) : undefined;
}

/** Throws FetchError('bad_status') unless the page answered 2xx (or 304 to a conditional fetch). */
export function assertOk(page: FetchedPage): FetchedPage {
  if ((page.status >= 200 && page.status < 300) || page.notModified) return page;
  throw new FetchError('bad_status', page.finalUrl, `${page.finalUrl} answered HTTP ${page.status}`, {
    status: page.status,
    retryAfterMs: parseRetryAfter(page.headers['retry-after']),
  });
}

/** Binary data bytes per the MIME Sniffing standard; text never contains them (BOM'd UTF-16 excepted). */
function looksBinary(bytes: Buffer): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))) return false;
  const end = Math.min(bytes.length, SNIFF_BYTES);
  for (let i = 0; i < end; i++) {
    const b = bytes[i];
    if (b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f)) return true;
  }
  return false;
}

/** Drops a body we will not read; its abort error has nowhere useful to go. */
function discardBody(response: ResponseData): void {
  response.body.on('error', () => {});
  response.body.destroy();
}

function parseLocation(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    throw new BlockedAddressError(`redirect to an unparseable location ${JSON.stringify(location)}`);
  }
}

/**
 * Reads the body under the limits. Compressed bodies are decoded twice: once streaming, only to
 * count (a bomb is stopped after maxBytes of output while its few compressed KiB are all we hold),
 * then, once the raw body is complete and known to fit, for real.
 */
async function readBody(
  response: ResponseData,
  encodings: string[],
  maxBytes: number,
  rawChunks: Buffer[],
): Promise<{ rawBody: Buffer; body: Buffer }> {
  let rawSize = 0;
  async function* countRaw(): AsyncGenerator<Buffer> {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      rawSize += chunk.length;
      // The raw cap also bounds identity bodies and compressed streams that never finish a block.
      if (rawSize > maxBytes) throw new BodyLimitError(`body passed ${maxBytes} bytes on the wire`);
      rawChunks.push(chunk);
      yield chunk;
    }
  }
  if (encodings.length === 0) {
    for await (const _ of countRaw());
    const rawBody = Buffer.concat(rawChunks, rawSize);
    return { rawBody, body: rawBody };
  }
  let decodedSize = 0;
  for await (const chunk of decodeContent(countRaw(), encodings)) {
    decodedSize += chunk.length;
    if (decodedSize > maxBytes) throw new BodyLimitError(`decoded body passed ${maxBytes} bytes`);
  }
  const rawBody = Buffer.concat(rawChunks, rawSize);
  return { rawBody, body: await decodeBuffer(rawBody, encodings, maxBytes) };
}

interface FetchContext {
  url: string;
  config: FetchConfig;
  options: FetchPageOptions;
  allow: AllowList;
  pinned: PinnedAgent;
  signal: AbortSignal;
  acceptTypes: readonly string[];
  /** Updated at every hop so errors name the URL that failed. */
  current: { url: string };
  /** The final response once its headers arrived: what a truncated capture is made of. */
  final?: {
    url: URL;
    status: number;
    statusText: string;
    headerLines: [string, string][];
    requestHeaders: [string, string][];
    redirects: RedirectHop[];
    rawChunks: Buffer[];
  };
}

async function runFetch(ctx: FetchContext): Promise<FetchedPage> {
  const { config, signal } = ctx;
  const startedAt = new Date().toISOString();
  const redirects: RedirectHop[] = [];
  let url: URL;
  try {
    url = new URL(ctx.url);
  } catch {
    throw new BlockedAddressError(`${JSON.stringify(ctx.url)} is not a URL`);
  }
  for (;;) {
    ctx.current.url = url.href;
    assertUrlAllowed(url, ctx.allow);
    const requestHeaders = buildRequestHeaders(url, ctx.options, ctx.acceptTypes);
    const response = await request(url, {
      method: 'GET',
      dispatcher: ctx.pinned.agent,
      headers: Object.fromEntries(requestHeaders.filter(([name]) => name !== 'host')),
      signal,
      headersTimeout: config.headersTimeoutMs,
      bodyTimeout: config.bodyIdleTimeoutMs,
    });
    const { headers, headerLines } = flattenHeaders(response.headers);
    const status = response.statusCode;
    if (REDIRECT_STATUSES.has(status) && headers.location !== undefined) {
      discardBody(response);
      if (redirects.length >= config.maxRedirects) {
        throw new FetchError('too_many_redirects', ctx.url, `more than ${config.maxRedirects} redirects (last at ${url.href})`, { status });
      }
      const next = parseLocation(headers.location, url);
      redirects.push({ url: url.href, status, location: headers.location });
      ctx.options.logger?.debug({ from: url.href, to: next.href, status }, 'fetch redirect');
      url = next;
      continue;
    }
    const media = parseContentType(headers['content-type']);
    const ok = status >= 200 && status < 300;
    const acceptsAny = ctx.acceptTypes.includes(ANY_TYPE);
    if (ok && media !== undefined && !acceptsAny && !ctx.acceptTypes.includes(media.essence)) {
      discardBody(response);
      throw new FetchError('unsupported_type', url.href, `${url.href} is ${media.essence}, not a page`, { status });
    }
    const declaredLength = Number(headers['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > config.maxBodyBytes) {
      discardBody(response);
      throw new BodyLimitError(`Content-Length ${declaredLength} is above ${config.maxBodyBytes} bytes`);
    }
    let encodings: string[];
    try {
      encodings = parseContentEncodings(headers['content-encoding'], config.maxContentEncodings);
    } catch (error) {
      discardBody(response);
      throw error;
    }
    const rawChunks: Buffer[] = [];
    ctx.final = { url, status, statusText: response.statusText ?? '', headerLines, requestHeaders, redirects, rawChunks };
    const { rawBody, body } = await readBody(response, encodings, config.maxBodyBytes, rawChunks);
    // A declared text type is decoded as declared (UTF-16 without BOM has NUL bytes); an
    // undeclared body is text only if it looks like text.
    const textual = media === undefined ? !looksBinary(body) : isTextType(media.essence);
    if (ok && media === undefined && !textual && !acceptsAny) {
      throw new ContentEncodingError(`${url.href} has no usable Content-Type and its body is binary`);
    }
    const decoded = textual ? decodeHtmlBytes(body, headers['content-type']) : { text: '', charset: '' };
    return {
      requestedUrl: ctx.url,
      finalUrl: url.href,
      status,
      statusText: response.statusText ?? '',
      headers,
      headerLines,
      requestHeaders,
      redirects,
      remoteAddress: ctx.pinned.remoteAddressOf(url),
      startedAt,
      endedAt: new Date().toISOString(),
      rawBody,
      body,
      contentType: media?.essence ?? '',
      charset: decoded.charset,
      text: decoded.text,
      notModified: status === 304,
      sha256: createHash('sha256').update(rawBody).digest('hex'),
    };
  }
}

/** Rejects as soon as the signal aborts, so no stuck socket or resolver can hang the caller. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The settings recorded with a capture (what limits and identity the fetch ran with). */
function describeSettings(options: FetchPageOptions, acceptTypes: readonly string[]): Record<string, unknown> {
  return { ...options.config, userAgentHeader: options.userAgent ?? buildUserAgent(options.config), acceptTypes };
}

/** WARC-Truncated value for failures that cut a response short; other failures have no body. */
const TRUNCATION: Partial<Record<FetchFailureReason, CaptureInput['truncated']>> = {
  too_large: 'length',
  timeout: 'time',
  connection: 'disconnect',
};

const failureCaptures = new WeakMap<FetchError, { id: number; sha256: string }>();

/** The capture stored for a fetch that failed part-way through a response body, if any. */
export function captureOfFailure(error: unknown): { id: number; sha256: string } | undefined {
  return error instanceof FetchError ? failureCaptures.get(error) : undefined;
}

/**
 * A response that was cut short (too large, too slow, connection lost) is still evidence of what
 * the server sent: keep the bytes received so far, marked truncated. Best effort: a store
 * failure here is logged, never allowed to mask the fetch failure.
 */
async function saveTruncatedCapture(ctx: FetchContext, failure: FetchError, startedAt: string, acceptTypes: readonly string[]): Promise<void> {
  const final = ctx.final!;
  try {
    const capture = await ctx.options.captureStore!.save({
      requestedUrl: ctx.url,
      finalUrl: final.url.href,
      status: final.status,
      statusText: final.statusText,
      headerLines: final.headerLines,
      requestHeaders: final.requestHeaders,
      redirects: final.redirects,
      remoteAddress: ctx.pinned.remoteAddressOf(final.url),
      startedAt,
      endedAt: new Date().toISOString(),
      rawBody: Buffer.concat(final.rawChunks),
      contentType: final.headerLines.find(([name]) => name === 'content-type')?.[1] ?? '',
      fetcherVersion: FETCHER_VERSION,
      settings: describeSettings(ctx.options, acceptTypes),
      truncated: TRUNCATION[failure.reason],
    });
    failureCaptures.set(failure, capture);
  } catch (error) {
    ctx.options.logger?.warn({ url: ctx.url, err: (error as Error).message }, 'could not store truncated capture');
  }
}

/**
 * Fetches one page under every limit in `config.fetch`. Resolves with the final response whatever
 * its status (404/410 prove removal; 304 sets notModified); every fetch failure rejects with a
 * FetchError. With a captureStore, the response is stored as evidence before this resolves; a
 * failure of the store itself propagates unchanged (it is not a fetch failure).
 */
export async function fetchPage(url: string, options: FetchPageOptions): Promise<FetchedPage> {
  const { config } = options;
  // One controller for deadline and caller abort (AbortSignal.any leaks listeners on Node 20
  // when a crawler passes the same long-lived shutdown signal to every fetch).
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DeadlineError(`page did not finish within ${config.totalTimeoutMs} ms`)),
    config.totalTimeoutMs,
  );
  const onCallerAbort = () => controller.abort(options.signal?.reason ?? new Error('aborted'));
  if (options.signal?.aborted) onCallerAbort();
  else options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const signal = controller.signal;
  const allow = { ...parseAllowList(config.allow), anonymous: config.contactUrl === '' };
  const pinned = createPinnedAgent({
    allow,
    resolve: options.resolve ?? resolveWithSystem,
    connectTimeoutMs: config.connectTimeoutMs,
    headersTimeoutMs: config.headersTimeoutMs,
    bodyIdleTimeoutMs: config.bodyIdleTimeoutMs,
    maxHeaderBytes: config.maxHeaderBytes,
  });
  const acceptTypes = (options.acceptTypes ?? PAGE_TYPES).map((type) => type.trim().toLowerCase());
  const ctx: FetchContext = { url, config, options, allow, pinned, signal, acceptTypes, current: { url } };
  const startedAt = new Date().toISOString();
  let page: FetchedPage;
  try {
    page = await raceAbort(runFetch(ctx), signal);
  } catch (error) {
    const failure = toFetchError(error, ctx.current.url, signal);
    if (options.captureStore && ctx.final && TRUNCATION[failure.reason]) {
      await saveTruncatedCapture(ctx, failure, startedAt, acceptTypes);
    }
    options.logger?.debug({ url, at: ctx.current.url, reason: failure.reason, err: failure.message }, 'fetch failed');
    throw failure;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
    // Destroy (not close): sockets of an aborted body must not linger.
    pinned.agent.destroy().catch(() => {});
  }
  options.logger?.debug({ url, finalUrl: page.finalUrl, status: page.status, bytes: page.rawBody.length }, 'fetched');
  if (options.captureStore) {
    page.capture = await options.captureStore.save({
      requestedUrl: page.requestedUrl,
      finalUrl: page.finalUrl,
      status: page.status,
      statusText: page.statusText,
      headerLines: page.headerLines,
      requestHeaders: page.requestHeaders,
      redirects: page.redirects,
      remoteAddress: page.remoteAddress,
      startedAt: page.startedAt,
      endedAt: page.endedAt,
      rawBody: page.rawBody,
      contentType: page.headers['content-type'] ?? '',
      fetcherVersion: FETCHER_VERSION,
      settings: describeSettings(options, acceptTypes),
    });
  }
  return page;
}
