import ipaddr from 'ipaddr.js';
import { ValidationError } from '../errors.ts';

/** The names a browser on this machine uses for a loopback-bound server. */
export const LOOPBACK_HOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];
/** In COPYHOUND_ALLOWED_HOSTS, this entry turns the Host check off (an explicit choice). */
export const ANY_HOST = '*';

/** A parsed Host header (or host entry): lowercased name without port, IPv6 in brackets. */
export interface HostAndPort {
  name: string;
  port: string;
}

/**
 * Splits "name[:port]" as sent in a Host header. IPv6 literals keep their brackets so they compare
 * equal however they were written; a trailing dot (the absolute DNS form) is dropped.
 */
export function parseHostHeader(value: string): HostAndPort | undefined {
  const text = value.trim().toLowerCase();
  if (text === '') return undefined;
  let name: string;
  let port = '';
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return undefined;
    name = text.slice(0, end + 1);
    const rest = text.slice(end + 1);
    if (rest !== '' && !/^:\d*$/.test(rest)) return undefined;
    port = rest.slice(1);
  } else {
    const colons = text.split(':').length - 1;
    if (colons > 1) {
      // A bare IPv6 address (config entries may be written that way): bracket it.
      if (!ipaddr.IPv6.isValid(text)) return undefined;
      return { name: `[${ipaddr.IPv6.parse(text).toString()}]`, port: '' };
    }
    [name, port = ''] = text.split(':');
    if (!/^\d*$/.test(port)) return undefined;
  }
  if (name.startsWith('[')) {
    const inner = name.slice(1, -1);
    if (!ipaddr.IPv6.isValid(inner)) return undefined;
    name = `[${ipaddr.IPv6.parse(inner).toString()}]`;
  }
  name = name.replace(/\.$/, '');
  if (name === '' || /[\s/@?#]/.test(name)) return undefined;
  return { name, port };
}

function parseIp(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return undefined;
  const ip = ipaddr.parse(bare);
  return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}

/** 0.0.0.0 and ::: listen on every interface. */
export function isWildcardAddress(address: string): boolean {
  return parseIp(address)?.range() === 'unspecified';
}

/** True only for addresses no other machine can reach (127.0.0.0/8, ::1, "localhost"). */
export function isLoopbackAddress(address: string): boolean {
  if (address.trim().toLowerCase() === 'localhost') return true;
  return parseIp(address)?.range() === 'loopback';
}

/**
 * The host names the API answers to: the configured list, or by default the loopback names plus
 * the bound address when it is a specific one (a wildcard bind has no name of its own).
 */
export function resolveAllowedHosts(server: { host: string; allowedHosts: readonly string[] }): Set<string> {
  const entries = server.allowedHosts.length > 0 ? server.allowedHosts : [...LOOPBACK_HOST_NAMES, ...(isWildcardAddress(server.host) ? [] : [server.host])];
  const names = new Set<string>();
  for (const entry of entries) {
    if (entry.trim() === ANY_HOST) names.add(ANY_HOST);
    else {
      const parsed = parseHostHeader(entry);
      if (!parsed) throw new ValidationError(`COPYHOUND_ALLOWED_HOSTS entry ${JSON.stringify(entry)} is not a host name or IP address`, { entry });
      names.add(parsed.name);
    }
  }
  return names;
}

/**
 * The loud start-up warning for a bind other machines can reach, or undefined on loopback. Every
 * request must now sign in or carry an API key, but plain http sends passwords and session
 * cookies in clear text: such a bind belongs behind a TLS proxy.
 */
export function describeExposure(boundAddress: string, port: number, allowedHosts: ReadonlySet<string>): string | undefined {
  if (isLoopbackAddress(boundAddress)) return undefined;
  const where = boundAddress.includes(':') ? `[${boundAddress}]:${port}` : `${boundAddress}:${port}`;
  const names = allowedHosts.has(ANY_HOST) ? 'any Host name (COPYHOUND_ALLOWED_HOSTS=*)' : `only the Host names ${[...allowedHosts].join(', ')}`;
  return (
    `The API listens on ${where}, reachable from other machines, over plain http: passwords, keys and ` +
    `session cookies cross the network unencrypted. Put a TLS reverse proxy in front (and set ` +
    `COPYHOUND_TRUST_PROXY=true so cookies are Secure). It answers ${names}.`
  );
}
