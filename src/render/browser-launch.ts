import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { describeMissingBrowser, firstLineOf, RenderError } from './render-error.ts';

/**
 * The browser-level half of "nothing leaves the machine". Request routing (request-gate.ts)
 * answers or refuses every request the page makes; these switches make sure that anything the
 * routing never sees still goes nowhere. Measured on Debian's chromium 156 with Playwright's own
 * switches in place: the browser still opened connections to update.googleapis.com,
 * accounts.google.com and content-autofill.googleapis.com (a form on the page), and preconnected
 * to the page's own host before the navigation was intercepted. With these switches all of them
 * end at the blocking proxy. Only switches present in that binary are listed.
 *
 * Not here: a second --disable-features. Chromium keeps only the last one of a switch, so ours
 * would silently replace Playwright's list (which turns off several calls home).
 */
export function buildLaunchArgs(blockingProxyPort: number): string[] {
  return [
    // Every http(s)/ws connection the network stack makes, page or browser, goes to the blocking
    // proxy, which hangs up: there is no fallback to a direct connection for an explicit proxy.
    `--proxy-server=http://127.0.0.1:${blockingProxyPort}`,
    // Chromium sends loopback directly by default; "<-loopback>" removes that exception, so our
    // own services on 127.0.0.1 cannot be reached from a captured page either.
    '--proxy-bypass-list=<-loopback>',
    // No name resolves: no DNS query leaves for dns-prefetch, preconnect or anything else (a
    // query alone tells the site's DNS server that someone looked). The proxy is an IP literal.
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    // QUIC is UDP and never goes through an HTTP proxy.
    '--disable-quic',
    // WebRTC's UDP does not use the proxy either (it needs JavaScript, which is off; belt and braces).
    '--webrtc-ip-handling-policy=disable_non_proxied_udp',
    // <a ping> beacons, and Chrome's own reliability reports.
    '--no-pings',
    '--disable-domain-reliability',
    // Playwright sets these too; they are repeated so the guarantee does not rest on its defaults.
    '--disable-background-networking',
    '--disable-component-update',
    '--deny-permission-prompts',
    '--disable-notifications',
    '--disable-speech-api',
  ];
}

/**
 * A loopback listener that accepts and drops every connection: the proxy Chromium is pointed at.
 * It is ours (not a "closed" port someone else could open later) and counts what reached it.
 */
export interface BlockingProxy {
  port: number;
  connectionCount(): number;
  close(): Promise<void>;
}

export async function startBlockingProxy(): Promise<BlockingProxy> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    socket.on('error', () => {});
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Chromium keeps the process alive while it runs; the listener alone should not.
  server.unref();
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('blocking proxy has no TCP address');
  return {
    port: address.port,
    connectionCount: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Starts headless chromium behind the blocking proxy. */
export async function launchChromium(chromiumPath: string, blockingProxyPort: number, timeoutMs: number): Promise<Browser> {
  try {
    await access(chromiumPath, constants.X_OK);
  } catch (error) {
    throw new RenderError('browser_missing', describeMissingBrowser(chromiumPath), { cause: error });
  }
  try {
    return await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: buildLaunchArgs(blockingProxyPort),
      timeout: timeoutMs,
      // The service decides how it shuts down; Playwright still kills the browser when Node exits.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (error) {
    throw new RenderError('browser_launch_failed', `Chromium at ${chromiumPath} did not start: ${firstLineOf(error)}`, { cause: error });
  }
}
