import type { CaptureInput } from '../../src/evidence/index.ts';

/** A minimal capture as fetchPage would hand it to the store: a 200 HTML page with `body`. */
export function captureInput(url: string, body: string): CaptureInput {
  const now = new Date().toISOString();
  return {
    requestedUrl: url,
    finalUrl: url,
    status: 200,
    statusText: 'OK',
    headerLines: [['content-type', 'text/html; charset=utf-8']],
    requestHeaders: [['user-agent', 'CopyhoundBot/test']],
    redirects: [],
    remoteAddress: '127.0.0.1',
    startedAt: now,
    endedAt: now,
    rawBody: Buffer.from(`<!doctype html><title>${url}</title><p>${body}</p>`),
    contentType: 'text/html; charset=utf-8',
    fetcherVersion: 'test',
    settings: {},
  };
}
