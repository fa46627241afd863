import type http from 'node:http';
import zlib from 'node:zlib';
import { startServer, type TestServer } from './helpers.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** What the bomb would inflate to if nobody stopped reading: 10 GB of zeros (~10 MB gzipped). */
const BOMB_INFLATED_BYTES = 10 * GiB;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/** Writes `total` bytes lazily, respecting backpressure: the server never holds the body either. */
function streamBytes(res: http.ServerResponse, total: number): void {
  let sent = 0;
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  const pump = () => {
    while (!closed && sent < total) {
      sent += CHUNK.length;
      if (!res.write(CHUNK)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!closed) res.end();
  };
  pump();
}

/**
 * A 10 GB-of-zeros gzip stream (~10 MB compressed) built from one precomputed block: deflating
 * 1 MiB of zeros with a full flush yields a self-contained run of non-final blocks (~1 KiB), and
 * such runs concatenate into one valid deflate stream. Costs the server no compression at all.
 */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
const ZEROS_MIB_DEFLATED = zlib.deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
const BLOCKS_PER_WRITE = 64;
const BOMB_WRITE = Buffer.concat(Array.from({ length: BLOCKS_PER_WRITE }, () => ZEROS_MIB_DEFLATED));

function streamGzipBomb(res: http.ServerResponse): void {
  const writes = Math.ceil(BOMB_INFLATED_BYTES / MiB / BLOCKS_PER_WRITE);
  res.write(GZIP_HEADER);
  let done = 0;
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  const pump = () => {
    while (!closed && done < writes) {
      done++;
      if (!res.write(BOMB_WRITE)) {
        res.once('drain', pump);
        return;
      }
    }
    // Never reached in practice: the client stops long before 10 GB (no trailer needed).
    if (!closed) res.end();
  };
  pump();
}

function gzipTimes(bytes: Buffer, times: number): Buffer {
  let out = bytes;
  for (let i = 0; i < times; i++) out = zlib.gzipSync(out);
  return out;
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const PAGE = '<!doctype html><title>t</title><p>hello</p>';

/** Every hostile behaviour the fetcher must survive, one path each. */
export function hostileHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = req.url ?? '/';
  const hops = /^\/hops\/(\d+)$/.exec(path);
  if (hops) {
    const left = Number(hops[1]);
    if (left > 0) res.writeHead(302, { location: `/hops/${left - 1}` }).end();
    else res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    return;
  }
  switch (path) {
    case '/loop':
      res.writeHead(301, { location: '/loop' }).end();
      return;
    case '/gib':
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(GiB) });
      streamBytes(res, GiB);
      return;
    case '/gib-chunked':
      res.writeHead(200, { 'content-type': 'text/html' });
      streamBytes(res, GiB);
      return;
    case '/bomb':
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      streamGzipBomb(res);
      return;
    case '/stacked':
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip, gzip, gzip' }).end(gzipTimes(Buffer.from(PAGE), 3));
      return;
    case '/two-layers':
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip, br' }).end(zlib.brotliCompressSync(zlib.gzipSync(PAGE)));
      return;
    case '/drip': {
      res.writeHead(200, { 'content-type': 'text/html' });
      const timer = setInterval(() => res.write('x'), 2000);
      res.write('<');
      res.on('close', () => clearInterval(timer));
      return;
    }
    case '/header-drip': {
      // Raw bytes on the socket: a status line, then one header byte every 2 s, never finishing.
      const socket = res.socket!;
      socket.write('HTTP/1.1 200 OK\r\nX-Slow: ');
      const timer = setInterval(() => socket.write('x'), 2000);
      socket.on('close', () => clearInterval(timer));
      return;
    }
    case '/silent':
      // Accepts the request and never answers.
      return;
    case '/liar':
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '100000' });
      res.write(PAGE);
      setTimeout(() => res.socket?.destroy(), 50);
      return;
    case '/bad-charset':
      res.writeHead(200, { 'content-type': 'text/html; charset=klingon-8' }).end(Buffer.from('<p>caf\xe9</p>', 'latin1'));
      return;
    case '/image.png':
      res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      return;
    case '/download/article.html':
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(PNG);
      return;
    case '/untyped.html':
      res.writeHead(200, {}).end(PNG);
      return;
    case '/headers':
      for (let i = 0; i < 1024; i++) res.setHeader(`x-junk-${i}`, 'j'.repeat(1000));
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    default:
      res.writeHead(404, { 'content-type': 'text/html' }).end('<p>nope</p>');
  }
}

export function startHostileServer(): Promise<TestServer> {
  return startServer(hostileHandler);
}

/** Path → the failure reason fetchPage must end with. */
export const HOSTILE_CASES: [path: string, reason: string][] = [
  ['/loop', 'too_many_redirects'],
  ['/hops/6', 'too_many_redirects'],
  ['/gib', 'too_large'],
  ['/gib-chunked', 'too_large'],
  ['/bomb', 'too_large'],
  ['/stacked', 'unsupported_type'],
  ['/drip', 'timeout'],
  ['/header-drip', 'timeout'],
  ['/silent', 'timeout'],
  ['/liar', 'connection'],
  ['/image.png', 'unsupported_type'],
  ['/download/article.html', 'unsupported_type'],
  ['/untyped.html', 'unsupported_type'],
  ['/headers', 'too_large'],
];
