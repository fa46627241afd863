import { z } from 'zod';
import { defineSetting, envAllowList, envHttpUrl, envInt } from './define.ts';

/** Settings of the fetch stage; see config/index.ts for how sections are loaded. */
export const fetchSettings = {
  // Product token only; the contact URL is appended so site operators can reach us.
  userAgent: defineSetting('COPYHOUND_FETCH_USER_AGENT', z.string().min(1).regex(/^[\x21-\x7e][\x20-\x7e]*$/, 'printable ASCII only'), 'CopyhoundBot/0.1', 'User-Agent product token; sent as "<token> (+<contactUrl>)". Its name should be COPYHOUND_CRAWL_USER_AGENT_TOKEN, so site owners\' robots.txt rules for that token match what they see in their logs.'),
  // No default: a placeholder would send site owners to a page that is not ours. Unset, only
  // COPYHOUND_FETCH_ALLOW addresses (tests, the demo, an intranet) are fetched.
  contactUrl: defineSetting('COPYHOUND_FETCH_CONTACT_URL', z.union([z.literal(''), envHttpUrl]), '', 'Page that explains the crawler and how to contact its operator (sent in the User-Agent). Required to crawl the public web; unset, only COPYHOUND_FETCH_ALLOW addresses are fetched.'),
  // 10 s: a healthy server on another continent connects in well under a second.
  connectTimeoutMs: defineSetting('COPYHOUND_FETCH_CONNECT_TIMEOUT_MS', envInt(100, 120_000), 10_000, 'Longest wait for a TCP/TLS connection (ms).'),
  // 15 s: news CMSes under load can be slow to start answering, but not slower than this.
  headersTimeoutMs: defineSetting('COPYHOUND_FETCH_HEADERS_TIMEOUT_MS', envInt(100, 120_000), 15_000, 'Longest wait for the response headers once connected (ms).'),
  // 15 s without a single byte means the server stalled; the total deadline still bounds a drip.
  bodyIdleTimeoutMs: defineSetting('COPYHOUND_FETCH_BODY_IDLE_TIMEOUT_MS', envInt(100, 120_000), 15_000, 'Longest silence between two body chunks (ms).'),
  // 30 s for the whole page (DNS, every redirect, body): a slow drip cannot hold a worker longer.
  totalTimeoutMs: defineSetting('COPYHOUND_FETCH_TOTAL_TIMEOUT_MS', envInt(100, 600_000), 30_000, 'Deadline for one page including redirects and the body (ms).'),
  // 10 MiB decoded: far above any article page, far below what would hurt memory with 20 in flight.
  maxBodyBytes: defineSetting('COPYHOUND_FETCH_MAX_BODY_BYTES', envInt(1024, 1024 ** 3), 10 * 1024 * 1024, 'Largest body accepted, counted after content-decoding (bytes); larger aborts.'),
  // 5 like most crawlers: real sites need 1-3 hops (http→https→www→canonical).
  maxRedirects: defineSetting('COPYHOUND_FETCH_MAX_REDIRECTS', envInt(0, 20), 5, 'Most redirects followed for one page.'),
  // 2 covers real stacks (e.g. gzip over br by a proxy); more is only seen in decompression attacks.
  maxContentEncodings: defineSetting('COPYHOUND_FETCH_MAX_CONTENT_ENCODINGS', envInt(0, 5), 2, 'Most stacked Content-Encoding layers decoded.'),
  // 64 KiB: four times Node's default, room for cookie-heavy sites; 1 MB of headers is an attack.
  maxHeaderBytes: defineSetting('COPYHOUND_FETCH_MAX_HEADER_BYTES', envInt(1024, 1024 * 1024), 64 * 1024, 'Largest response header block (bytes).'),
  allow: defineSetting('COPYHOUND_FETCH_ALLOW', envAllowList, [] as string[], 'Comma-separated CIDRs, IPs or host names that may be fetched although private/loopback (intranet, tests); each entry is checked, a bad one stops the start. Empty: only public addresses.'),
};
