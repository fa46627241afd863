import ipaddr from 'ipaddr.js';
import { fetchSettings } from '../../config/fetch.ts';

/**
 * SSRF guard: decides which URLs and addresses a fetch may reach. Strangers choose the URLs we
 * fetch, so only public unicast addresses are reachable unless the operator allow-lists more.
 */

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Schemes we speak; anything else (file:, ftp:, gopher:, data:) could reach local resources. */
const ALLOWED_SCHEMES = new Set(['http:', 'https:']);

/**
 * Ports the WHATWG Fetch standard forbids ("bad ports"): talking HTTP to mail, IRC or similar
 * services lets a URL chosen by a stranger smuggle commands to them.
 */
const BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109,
  110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530,
  531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045,
  4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** Names that resolve to loopback by definition (RFC 6761) whatever the resolver says. */
const LOOPBACK_NAME = /(^|\.)localhost$/;

export interface AllowList {
  cidrs: [Address, number][];
  hosts: Set<string>;
  /**
   * No contact URL is configured: the crawler cannot say who runs it, so it may reach only
   * allow-listed addresses (tests, the demo, an intranet), never the public web.
   */
  anonymous?: boolean;
}

export class BlockedAddressError extends Error {
  readonly code = 'ERR_COPYHOUND_BLOCKED_ADDRESS';
}

/** The crawler has no contact URL configured, and the address is not an allow-listed one. */
export class AnonymousCrawlerError extends Error {
  readonly code = 'ERR_COPYHOUND_CONTACT_URL_UNSET';
}

/** What an operator who means to fetch a private address must do: said in every such refusal. */
const ALLOW_HINT = `add it to ${fetchSettings.allow.env} to fetch it (intranet, tests)`;

/** Parses the `allow` setting: CIDRs, single IPs (v4 or v6) or host names. */
export function parseAllowList(entries: readonly string[]): AllowList {
  const list: AllowList = { cidrs: [], hosts: new Set() };
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    const bare = entry.replace(/^\[(.*)\]$/, '$1');
    if (ipaddr.isValidCIDR(bare)) list.cidrs.push(ipaddr.parseCIDR(bare));
    else if (ipaddr.isValid(bare)) {
      const ip = ipaddr.parse(bare);
      list.cidrs.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else list.hosts.add(normaliseHostName(entry));
  }
  return list;
}

export function normaliseHostName(host: string): string {
  return host.toLowerCase().replace(/\.+$/, '');
}

/** The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4, Teredo client), if any. */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = ip.range();
  const bytes = ip.toByteArray();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') {
    return new ipaddr.IPv4(bytes.slice(12, 16));
  }
  if (range === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6));
  // Teredo obfuscates the client address by inverting its bits.
  if (range === 'teredo') return new ipaddr.IPv4(bytes.slice(12, 16).map((b) => b ^ 0xff));
  return undefined;
}

/** Why an address is off limits, or undefined when it is public unicast. */
export function forbiddenRange(address: Address): string | undefined {
  if (address.kind() === 'ipv4') {
    const range = address.range();
    return range === 'unicast' ? undefined : range;
  }
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  const embedded = embeddedIPv4(v6);
  if (embedded) {
    const inner = forbiddenRange(embedded);
    return inner === undefined ? undefined : `${range} of ${inner}`;
  }
  if (range !== 'unicast') return range;
  // ::/8 is IANA-reserved and holds the deprecated IPv4-compatible form (::127.0.0.1).
  if (v6.parts[0] === 0 && v6.parts[1] < 0x100) return 'reserved';
  return undefined;
}

function isInAllowList(address: Address, allow: AllowList): boolean {
  const candidates: Address[] = [address];
  if (address.kind() === 'ipv6') {
    const embedded = embeddedIPv4(address as ipaddr.IPv6);
    if (embedded) candidates.push(embedded);
  }
  return candidates.some((candidate) =>
    allow.cidrs.some(([net, bits]) => net.kind() === candidate.kind() && candidate.match(net, bits)),
  );
}

/** Parses an IP literal (with or without brackets); undefined when `host` is a name. */
export function parseIpLiteral(host: string): Address | undefined {
  const bare = host.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  return ipaddr.isValid(bare) && (ipaddr.IPv4.isValidFourPartDecimal(bare) || bare.includes(':'))
    ? ipaddr.parse(bare)
    : undefined;
}

/** Throws BlockedAddressError unless the address is public or allow-listed. */
export function assertAddressAllowed(ip: string, allow: AllowList, host?: string): void {
  const address = parseIpLiteral(ip);
  if (!address) throw new BlockedAddressError(`${ip} is not an IP address`);
  if (host !== undefined && allow.hosts.has(normaliseHostName(host))) return;
  const range = forbiddenRange(address);
  if (isInAllowList(address, allow)) return;
  const via = host !== undefined && parseIpLiteral(host) === undefined ? ` (${host} resolves to it)` : '';
  if (range !== undefined) throw new BlockedAddressError(`${address.toString()} is a ${range} address${via}; refusing to connect; ${ALLOW_HINT}`);
  if (allow.anonymous) {
    throw new AnonymousCrawlerError(
      `${address.toString()}${via} is on the public web and ${fetchSettings.contactUrl.env} is not set: set it to a page saying who runs this crawler and how to reach them (sent in the User-Agent) before crawling; without it only ${fetchSettings.allow.env} addresses are fetched`,
    );
  }
}

/**
 * Checks a URL before any connection: scheme, credentials, port, and the host when it is an IP
 * literal. The WHATWG URL parser has already turned `127.1`, `2130706433`, `0x7f000001` and
 * `0177.0.0.1` into `127.0.0.1`, so every spelling is checked in its canonical form.
 */
export function assertUrlAllowed(url: URL, allow: AllowList): void {
  if (!ALLOWED_SCHEMES.has(url.protocol)) throw new BlockedAddressError(`scheme ${url.protocol} is not fetched`);
  // Credentials in a URL chosen by a stranger would be sent to whoever it points at; we never need them.
  if (url.username !== '' || url.password !== '') throw new BlockedAddressError('URLs with credentials are not fetched');
  if (url.port !== '' && BAD_PORTS.has(Number(url.port))) throw new BlockedAddressError(`port ${url.port} is not fetched`);
  const host = normaliseHostName(url.hostname);
  if (host === '') throw new BlockedAddressError('URL has no host');
  if (allow.hosts.has(host)) return;
  const literal = parseIpLiteral(host);
  if (literal) {
    assertAddressAllowed(literal.toString(), allow);
    return;
  }
  if (LOOPBACK_NAME.test(host)) throw new BlockedAddressError(`${host} is a loopback name; ${ALLOW_HINT}`);
}
