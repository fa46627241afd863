/** Public API of the fetch module: safe page fetching under limits, with an SSRF guard. */
export { fetchPage, assertOk, captureOfFailure, buildUserAgent, parseRetryAfter, FETCHER_VERSION, PAGE_TYPES } from './fetch-page.ts';
export { decodeHtmlBytes, parseContentType, type MediaType } from './charset.ts';
export { parseAllowList, assertUrlAllowed, assertAddressAllowed, forbiddenRange, type AllowList } from './address-guard.ts';
export { resolveWithSystem, type HostResolver } from './pinned-agent.ts';
export type { FetchedPage, FetchPageOptions, CaptureInput, CaptureStore, RedirectHop } from './types.ts';
