import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { waitForStopSignal } from '../stop-signal.ts';
import { createCrawlScheduler } from '../../../crawlers/scheduler.ts';
import { startCrawlWorkers, type CrawlWorkers } from '../../../crawlers/crawl-workers.ts';
import { openApp } from '../../app.ts';
import { describeExposure, isLoopbackAddress } from '../../http/host-names.ts';
import { countActiveAdmins } from '../../../db/users.ts';
import { ConflictError, CopyhoundError } from '../../errors.ts';
import { startServer } from '../../http/server.ts';
import { buildConfig, createCliLogger, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { sweepCaptures } from './captures-command.ts';
import { expireConsents } from '../../consent-admin.ts';
import { SYSTEM_ACTOR } from '../../decide-store.ts';
import { signTreeHeadIfDue } from '../../custody-log.ts';
import type { App } from '../../app.ts';
import type { Logger } from '../../log.ts';
import { createAlertDispatcher } from '../../alerts-dispatch.ts';

// Hourly upkeep: consents are marked expired within this long of their valid-until (decisions
// never wait on it), the planner's statistics follow a growing report table, and the custody
// log gets its signed tree head when the last is a day old (the first at first start, with the
// installation's signing key).
const UPKEEP_INTERVAL_MS = 3_600_000;
// A server's log is its record of what happened: requests, crawls, upkeep.
const SERVE_LOG_LEVEL = 'info';

async function startUpkeep(app: App, logger: Logger): Promise<NodeJS.Timeout> {
  const run = async () => {
    try {
      const { expired } = await expireConsents({ db: app.database.db, config: app.config.rights }, SYSTEM_ACTOR);
      if (expired.length > 0) logger.info({ consents: expired }, 'consents past their valid-until marked expired');
      await app.database.refreshStatistics();
    } catch (error) {
      logger.error({ err: error }, 'hourly upkeep failed');
    }
    signTreeHeadIfDue({ db: app.database.db, config: app.config.evidence, logger }).catch((error: unknown) => logger.error({ err: error }, 'signing the custody log tree head failed'));
  };
  await run();
  const timer = setInterval(run, UPKEEP_INTERVAL_MS);
  timer.unref();
  return timer;
}

/** The crawl workers' machinery without workers: the scheduler lock and the queue it feeds. */
async function startQueueScheduling(app: App, running: { attachQueue(queue: CrawlWorkers['queue']): void }): Promise<{ start(): Promise<void>; stop(): Promise<void> }> {
  const workers = await startCrawlWorkers(app, { concurrency: 0 });
  running.attachQueue(workers.queue);
  return { start: async () => undefined, stop: async () => await workers.stop() };
}

export function createServeCommand(io: CliIo, globals: () => GlobalOptions): Command {
  return new Command('serve')
    .description(COMMAND_DESCRIPTIONS.serve)
    .option('--port <port>', 'port to listen on (0 = any free port)')
    .option('--host <address>', 'address to bind')
    .action(async (options: { port?: string; host?: string }) => {
      const config = buildConfig(
        io,
        globals(),
        { server: { ...(options.port !== undefined ? { port: options.port as unknown as number } : {}), ...(options.host ? { host: options.host } : {}) } },
        SERVE_LOG_LEVEL,
      );
      const logger = createCliLogger(io, config);
      const app = await openApp(config, logger, { checkpointInBackground: true });
      // Reachable from other machines with nobody able to sign in and manage access: refused.
      if (!isLoopbackAddress(config.server.host) && await countActiveAdmins(app.database.db) === 0) {
        await app.close();
        throw new CopyhoundError(
          'no_admin',
          `Refusing to listen on ${config.server.host}: no admin account exists yet. Create one first with ` +
            '`copyhound users add --role admin --email YOU@EXAMPLE` (it asks for a password), or bind HOST=127.0.0.1.',
        );
      }
      let running;
      try {
        running = await startServer(app);
      } catch (error) {
        await app.close();
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        throw new ConflictError(`port ${config.server.port} on ${config.server.host} is in use (another copyhound?): stop it, or pick another with --port N or PORT (0 = any free port)`, { port: config.server.port });
      }
      // Caught from the moment the server listens: a supervisor's SIGTERM that comes while the
      // rest starts (upkeep, alerts) still ends in a clean shutdown, never in a kill mid-write.
      const signalled = waitForStopSignal();
      logger.info({ url: running.url, dataDir: config.data.dir, db: config.db.path, schemaVersion: app.database.schemaVersion }, 'server listening');
      // The data folder first: whoever waits for the "listening on" line has both.
      writeLine(io.stdout, `data folder ${config.data.dir} (database ${config.db.path})`);
      writeLine(io.stdout, `Copyhound listening on ${running.url}`);
      const exposure = describeExposure(running.address, running.port, running.allowedHosts);
      if (exposure) {
        // Loud on purpose: in the structured log, and on stderr even when the log level hides warnings.
        logger.warn({ address: running.address, port: running.port, allowedHosts: [...running.allowedHosts] }, exposure);
        writeLine(io.stderr, `WARNING: ${exposure}`);
      }
      // Built after listening so /healthz answers at once; a large registry takes a while.
      // A failure is logged; the first check that needs the index builds it again.
      setImmediate(() => app.getOwnedIndex().catch((error: unknown) => logger.error({ err: error }, 'building the owned-article index failed')));
      // Files left by a crash (a WARC renamed into place whose row never committed): removed in
      // the background, once per start; `copyhound captures sweep` does the same on demand.
      const sweepAbort = new AbortController();
      const sweep = sweepCaptures(app, false, sweepAbort.signal).catch((error: unknown) => {
        if (sweepAbort.signal.aborted) logger.info('capture sweep stopped at shutdown');
        else logger.error({ err: error }, 'capture sweep failed');
      });
      // PostgreSQL: the scheduler queues runs for `copyhound worker` processes (this server fetches
      // nothing itself) and /healthz, /metrics show the queue. SQLite: the server crawls itself.
      const scheduler = app.database.dialect === 'pg' ? await startQueueScheduling(app, running) : createCrawlScheduler(app);
      await scheduler.start();
      const upkeep = await startUpkeep(app, logger);
      // Webhooks and e-mail digests for new reports; links point at COPYHOUND_PUBLIC_URL, else here.
      const alerts = await createAlertDispatcher({ db: app.database.db, config, logger, fallbackPublicUrl: running.url });
      alerts.start();
      const signal = await signalled;
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
      sweepAbort.abort();
      clearInterval(upkeep);
      await Promise.all([running.close(), scheduler.stop(), sweep, alerts.stop()]);
      await app.close();
      logger.info('shut down cleanly');
    });
}
