import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Express } from 'express';
import type { App } from '../app.ts';
import { createArticlesRouter } from './api-articles.ts';
import { createCheckRouter } from './api-check.ts';
import { createErrorHandler, createNotFoundHandler } from './http-errors.ts';
import { createErrorPageRenderer, createWebPages } from './pages/index.ts';
import { resolveAllowedHosts } from './host-names.ts';
import { createMatchesRouter } from './api-matches.ts';
import { createSourcesRouter } from './api-sources.ts';
import { createConsentsRouter, createLicenseesRouter, createOwnerSitesRouter } from './api-rights.ts';
import { createReportsRouter } from './api-reports.ts';
import { createHostGuard, refuseCrossSiteWrites, refuseMalformedUrl } from './request-guards.ts';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { getOrCreateServerSecret } from '../../db/server-secrets.ts';
import { findConsentById } from '../../db/consents.ts';
import { findLicenseeById } from '../../db/licensees.ts';
import { ownerOfKey } from '../accounts.ts';
import { newServerSecret } from '../auth/tokens.ts';
import { createSignIn } from '../sign-in.ts';
import { createAccessLog } from './access-log.ts';
import { createAuthRouter } from './api-auth.ts';
import { createKeysRouter, createUsersRouter } from './api-accounts.ts';
import { createAuthenticator } from './authenticate.ts';
import { createGuard, guardedRouter, type Guard } from './guard.ts';
import { createAlertsRouter } from './api-alerts.ts';
import { createOpenApiRouter } from './api-openapi.ts';
import { createServerMetrics, type RoutePattern, type ServerMetrics } from '../metrics/server-metrics.ts';
import { createQueueMetrics, type QueueCounts } from '../metrics/queue-metrics.ts';
import { createSourceRunner, type SourceRunQueue } from '../../crawlers/sources-service.ts';

export interface HttpApp extends Express {
  /** The access guard: its `registered` list is every API route with its policy row. */
  copyhoundGuard: Guard;
  /** This server's /metrics: other parts (the job queue) add their MetricsSource to it. */
  copyhoundMetrics: ServerMetrics;
  /** Makes /healthz and /metrics report the crawl job queue (PostgreSQL installations), and "run now" queue runs on it. */
  copyhoundAttachQueue(queue: AttachedQueue): void;
}

/** The crawl job queue as the server uses it: its counts, and queueing a source's run. */
export type AttachedQueue = QueueCounts & SourceRunQueue;

// Routes outside the policy table, named so HTTP metrics label them by pattern too.
const UNGUARDED_ROUTES: readonly RoutePattern[] = [
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/assets/*' },
];

export async function createHttpApp(app: App, allowedHosts: ReadonlySet<string> = resolveAllowedHosts(app.config.server)): Promise<HttpApp> {
  const http = express() as HttpApp;
  const db = app.database.db;
  http.disable('x-powered-by');
  http.set('query parser', 'simple');
  // One proxy hop in front, when configured: the client address (login throttle) and https.
  http.set('trust proxy', app.config.auth.trustProxy ? 1 : false);
  http.use(createAccessLog(app.logger));
  // Labelled by route pattern: the guard's registered routes (read at the first request).
  const metrics = createServerMetrics({ db, routes: () => [...guard.registered, ...UNGUARDED_ROUTES] });
  http.copyhoundMetrics = metrics;
  http.use(metrics.recordRequests);
  // Referrer-Policy same-origin, not helmet's no-referrer: under no-referrer a browser sends
  // `Origin: null` with every form POST (Fetch spec, "serializing a request origin"), and the
  // cross-site write guard below could not tell the web app's own forms from a foreign page's.
  http.use(helmet({ referrerPolicy: { policy: 'same-origin' } }));
  // Refusals first, in this order: a foreign Host is not answered at all; a URL that cannot be
  // decoded is not routed; a cross-site write is refused before its body is read.
  http.use(createHostGuard(allowedHosts));
  http.use(refuseMalformedUrl);
  http.use(refuseCrossSiteWrites);
  http.use(cookieParser());
  const signIn = createSignIn({ db, config: app.config.auth });
  http.use(createAuthenticator(signIn));
  // Bodies are parsed per route, after the guard (src/http/guard.ts), with the route's size limit.
  const guard = createGuard({
    largeBodyBytes: app.config.server.bodyLimitBytes,
    csrfSecret: await getOrCreateServerSecret(db, 'csrf', newServerSecret, new Date().toISOString()),
    owners: {
      licensee: async (id) => (await findLicenseeById(db, id) ? id : undefined),
      consent: async (id) => (await findConsentById(db, id))?.licenseeId,
      key: async (id) => await ownerOfKey(db, id),
    },
  });
  http.copyhoundGuard = guard;

  let queue: AttachedQueue | undefined;
  // One runner for the API and the web page: with a queue attached, "run now" queues the run.
  const runner = createSourceRunner(app, { queue: () => queue });
  http.copyhoundAttachQueue = (attached) => {
    queue = attached;
    metrics.addSource(createQueueMetrics(attached));
  };
  http.get('/healthz', async (_req, res) => {
    const reachable = await app.database.ping();
    const jobs = queue ? await readQueueHealth(queue) : undefined;
    const ok = reachable && (jobs === undefined || jobs.reachable);
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'unavailable',
      ...(jobs ? { queue: jobs } : {}),
      db: { reachable, dialect: app.database.dialect, schemaVersion: app.database.schemaVersion },
    });
  });
  // Prometheus scrapes with an admin key (Authorization: Bearer); the policy table says who may.
  http.use('/metrics', guardedRouter(guard, '/metrics').get('/', metrics.answerScrape));
  http.use('/api/auth', createAuthRouter(signIn, guard));
  http.use('/api/users', createUsersRouter(app, guard));
  http.use('/api/keys', createKeysRouter(app, guard));
  http.use('/api/articles', createArticlesRouter(app.registry, guard));
  http.use('/api/check', createCheckRouter(app, guard));
  http.use('/api/matches', createMatchesRouter(app, guard));
  http.use('/api/sources', createSourcesRouter(app, guard, runner));
  http.use('/api/owner-sites', createOwnerSitesRouter(app, guard));
  http.use('/api/licensees', createLicenseesRouter(app, guard));
  http.use('/api/consents', createConsentsRouter(app, guard));
  http.use('/api/reports', createReportsRouter(app, guard));
  http.use('/api/alerts', createAlertsRouter(app, guard));
  // Mounted last among the API: it describes the routes registered above (guard.registered).
  http.use('/api', createOpenApiRouter(app, guard));

  // The web app (src/http/pages): the same guard and policy table, HTML instead of JSON.
  http.use(createWebPages(app, guard, signIn, runner));

  const renderErrorPage = createErrorPageRenderer(guard);
  http.use(createNotFoundHandler(renderErrorPage));
  http.use(createErrorHandler(app.logger, renderErrorPage));
  return http;
}

/** The queue as /healthz shows it: reachable, and jobs waiting, running and failed (all kinds). */
async function readQueueHealth(queue: QueueCounts): Promise<{ reachable: boolean; queued?: number; active?: number; failed?: number }> {
  try {
    const counts = Object.values(await queue.countJobs());
    const sum = (key: 'queued' | 'active' | 'failed') => counts.reduce((n, c) => n + c[key], 0);
    return { reachable: true, queued: sum('queued'), active: sum('active'), failed: sum('failed') };
  } catch {
    return { reachable: false };
  }
}

export interface RunningServer {
  url: string;
  port: number;
  /** The address actually bound (an IP, also when HOST was a name). */
  address: string;
  /** The Host names the server answers to (resolved COPYHOUND_ALLOWED_HOSTS). */
  allowedHosts: ReadonlySet<string>;
  server: Server;
  /** Makes /healthz and /metrics report the crawl job queue. */
  attachQueue(queue: AttachedQueue): void;
  /** Stops accepting connections, lets in-flight requests finish (up to the grace period), then resolves. */
  close(): Promise<void>;
}

export async function startServer(app: App): Promise<RunningServer> {
  const allowedHosts = resolveAllowedHosts(app.config.server);
  const http = await createHttpApp(app, allowedHosts);
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
    attachQueue: (queue) => http.copyhoundAttachQueue(queue),
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
