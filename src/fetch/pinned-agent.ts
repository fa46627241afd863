import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { assertAddressAllowed, BlockedAddressError, normaliseHostName, parseIpLiteral, type AllowList } from './address-guard.ts';

/** Resolves a host name to every address it has. Injectable so tests never touch real DNS. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export class DnsLookupError extends Error {
  readonly code = 'ERR_COPYHOUND_DNS';
}

export const resolveWithSystem: HostResolver = async (hostname) => {
  const found = await dns.lookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => entry.address);
};

/**
 * The lookup given to net/tls.connect: resolves once, refuses the whole name if ANY address is
 * forbidden (a name mixing public and private addresses is an attack or a misconfiguration), and
 * hands exactly the checked addresses to the socket, so a second DNS answer cannot be swapped in.
 */
function createGuardedLookup(allow: AllowList, resolve: HostResolver): LookupFunction {
  return (hostname, options, callback) => {
    const host = normaliseHostName(hostname);
    resolve(host)
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        throw Object.assign(new DnsLookupError(`cannot resolve ${host}: ${message}`), { cause: error });
      })
      .then((addresses) => {
        if (addresses.length === 0) throw new DnsLookupError(`${host} has no addresses`);
        const checked: LookupAddress[] = addresses.map((address) => {
          assertAddressAllowed(address, allow, host);
          return { address, family: address.includes(':') ? 6 : 4 };
        });
        const wanted = options.family === 4 || options.family === 6 ? checked.filter((a) => a.family === options.family) : checked;
        if (wanted.length === 0) throw new DnsLookupError(`${host} has no IPv${options.family} address`);
        if (options.all) callback(null, wanted);
        else callback(null, wanted[0].address, wanted[0].family);
      })
      .catch((error: Error) => callback(error as NodeJS.ErrnoException, '', 0));
  };
}

export interface PinnedAgentOptions {
  allow: AllowList;
  resolve: HostResolver;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyIdleTimeoutMs: number;
  maxHeaderBytes: number;
}

export interface PinnedAgent {
  agent: Agent;
  /** Peer address of the connection used for an origin (`https://host:port`). */
  remoteAddressOf(origin: URL): string;
}

function originKey(protocol: string, hostname: string, port: string | number): string {
  const defaultPort = protocol === 'https:' ? '443' : '80';
  return `${protocol}//${normaliseHostName(hostname.replace(/^\[(.*)\]$/, '$1'))}:${String(port || defaultPort)}`;
}

/**
 * One undici Agent per page fetch. Its connector re-checks IP literals (defence in depth: the
 * URL check already did) and pins name lookups through the guard; it also records each
 * connection's peer address for the capture.
 */
export function createPinnedAgent(options: PinnedAgentOptions): PinnedAgent {
  const remoteAddresses = new Map<string, string>();
  const baseConnect = buildConnector({
    timeout: options.connectTimeoutMs,
    lookup: createGuardedLookup(options.allow, options.resolve),
  } as buildConnector.BuildOptions);
  const agent = new Agent({
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyIdleTimeoutMs,
    maxHeaderSize: options.maxHeaderBytes,
    // The agent lives for one page; no pipelining, no lingering sockets.
    connections: 4,
    pipelining: 1,
    connect(connectOptions, callback) {
      const literal = parseIpLiteral(connectOptions.hostname);
      if (literal) {
        try {
          assertAddressAllowed(literal.toString(), options.allow);
        } catch (error) {
          callback(error as BlockedAddressError, null);
          return;
        }
      }
      baseConnect(connectOptions, (error, socket) => {
        if (socket) {
          const key = originKey(connectOptions.protocol, connectOptions.hostname, connectOptions.port);
          remoteAddresses.set(key, socket.remoteAddress ?? '');
        }
        if (error) callback(error, null);
        else callback(null, socket!);
      });
    },
  });
  return {
    agent,
    remoteAddressOf(url) {
      return remoteAddresses.get(originKey(url.protocol, url.hostname, url.port)) ?? '';
    },
  };
}
