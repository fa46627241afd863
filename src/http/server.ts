import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Express } from 'express';
import type { App } from '../app.ts';
import { createArticlesRouter } from './api-articles.ts';
import { createCheckRouter } from './api-check.ts';
import { createErrorHandler, handleNotFound } from './http-errors.ts';
import { resolveAllowedHosts } from './host-names.ts';
import { createMatchesRouter } from './api-matches.ts';
import { createSourcesRouter } from './api-sources.ts';
import { createConsentsRouter, createLicenseesRouter, createOwnerSitesRouter } from './api-rights.ts';
import { createReportsRouter } from './api-reports.ts';
import { createHostGuard, JSON_MEDIA_TYPES, refuseCrossSiteWrites, refuseMalformedUrl, verifyUtf8Body } from './request-guards.ts';

export function createHttpApp(app: App, allowedHosts: ReadonlySet<string> = resolveAllowedHosts(app.config.server)): Express {
  const http = express();
  http.disable('x-powered-by');
  http.set('query parser', 'simple');
  // Refusals first, in this order: a foreign Host is not answered at all; a URL that cannot be
  // decoded is not routed; a cross-site write is refused before its body is read.
  http.use(createHostGuard(allowedHosts));
  http.use(refuseMalformedUrl);
  http.use(refuseCrossSiteWrites);
  http.use(express.json({ type: [...JSON_MEDIA_TYPES], limit: app.config.server.bodyLimitBytes, strict: false, verify: verifyUtf8Body }));

  http.get('/healthz', (_req, res) => {
    const reachable = app.database.ping();
    res.status(reachable ? 200 : 503).json({
      status: reachable ? 'ok' : 'unavailable',
      db: { reachable, schemaVersion: app.database.schemaVersion },
    });
  });
  http.use('/api/articles', createArticlesRouter(app.registry));
  http.use('/api/check', createCheckRouter(app));
  http.use('/api/matches', createMatchesRouter(app));
  http.use('/api/sources', createSourcesRouter(app));
  http.use('/api/owner-sites', createOwnerSitesRouter(app));
  http.use('/api/licensees', createLicenseesRouter(app));
  http.use('/api/consents', createConsentsRouter(app));
  http.use('/api/reports', createReportsRouter(app));

  http.use(handleNotFound);
  http.use(createErrorHandler(app.logger));
  return http;
}

export interface RunningServer {
  url: string;
  port: number;
  /** The address actually bound (an IP, also when HOST was a name). */
  address: string;
  /** The Host names the server answers to (resolved COPYHOUND_ALLOWED_HOSTS). */
  allowedHosts: ReadonlySet<string>;
  server: Server;
  /** Stops accepting connections, lets in-flight requests finish (up to the grace period), then resolves. */
  close(): Promise<void>;
}

export async function startServer(app: App): Promise<RunningServer> {
  const allowedHosts = resolveAllowedHosts(app.config.server);
  const http = createHttpApp(app, allowedHosts);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = http.listen(app.config.server.port, app.config.server.host, (error?: Error) => (error ? reject(error) : resolve(s)));
    s.once('error', reject);
  });
  const { port, address } = server.address() as AddressInfo;
  const host = app.config.server.host.includes(':') ? `[${app.config.server.host}]` : app.config.server.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    address,
    allowedHosts,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), app.config.server.shutdownGraceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        // Keep-alive connections with no request in flight would otherwise hold close() open.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
