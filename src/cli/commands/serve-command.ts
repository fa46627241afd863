import { Command } from 'commander';
import { createCrawlScheduler } from '../../../crawlers/scheduler.ts';
import { openApp } from '../../app.ts';
import { describeExposure, isLoopbackAddress } from '../../http/host-names.ts';
import { countActiveAdmins } from '../../../db/users.ts';
import { CopyhoundError } from '../../errors.ts';
import { startServer } from '../../http/server.ts';
import { createLogger } from '../../log.ts';
import { buildConfig, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
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

function startUpkeep(app: App, logger: Logger): NodeJS.Timeout {
  const run = () => {
    try {
      const { expired } = expireConsents({ db: app.database.db, config: app.config.rights }, SYSTEM_ACTOR);
      if (expired.length > 0) logger.info({ consents: expired }, 'consents past their valid-until marked expired');
      app.database.refreshStatistics();
    } catch (error) {
      logger.error({ err: error }, 'hourly upkeep failed');
    }
    signTreeHeadIfDue({ db: app.database.db, config: app.config.evidence, logger }).catch((error: unknown) => logger.error({ err: error }, 'signing the custody log tree head failed'));
  };
  run();
  const timer = setInterval(run, UPKEEP_INTERVAL_MS);
  timer.unref();
  return timer;
}

export function createServeCommand(io: CliIo, globals: () => GlobalOptions): Command {
  return new Command('serve')
    .description('Start the HTTP API and the crawl scheduler')
    .option('--port <port>', 'port to listen on (0 = any free port)')
    .option('--host <address>', 'address to bind')
    .action(async (options: { port?: string; host?: string }) => {
      const config = buildConfig(io, globals(), {
        server: { ...(options.port !== undefined ? { port: options.port as unknown as number } : {}), ...(options.host ? { host: options.host } : {}) },
      });
      const logger = createLogger(config);
      const app = openApp(config, logger, { checkpointInBackground: true });
      // Reachable from other machines with nobody able to sign in and manage access: refused.
      if (!isLoopbackAddress(config.server.host) && countActiveAdmins(app.database.db) === 0) {
        app.close();
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
        app.close();
        throw error;
      }
      logger.info({ url: running.url, db: config.db.path, schemaVersion: app.database.schemaVersion }, 'server listening');
      writeLine(io.stdout, `Copyhound listening on ${running.url}`);
      const exposure = describeExposure(running.address, running.port, running.allowedHosts);
      if (exposure) {
        // Loud on purpose: in the structured log, and on stderr even when the log level hides warnings.
        logger.warn({ address: running.address, port: running.port, allowedHosts: [...running.allowedHosts] }, exposure);
        writeLine(io.stderr, `WARNING: ${exposure}`);
      }
      // Built after listening so /healthz answers at once; a large registry takes a while.
      setImmediate(() => app.getOwnedIndex());
      // Files left by a crash (a WARC renamed into place whose row never committed): removed in
      // the background, once per start; `copyhound captures sweep` does the same on demand.
      const sweepAbort = new AbortController();
      const sweep = sweepCaptures(app, false, sweepAbort.signal).catch((error: unknown) => {
        if (sweepAbort.signal.aborted) logger.info('capture sweep stopped at shutdown');
        else logger.error({ err: error }, 'capture sweep failed');
      });
      const scheduler = createCrawlScheduler(app);
      scheduler.start();
      const upkeep = startUpkeep(app, logger);
      // Webhooks and e-mail digests for new reports; links point at COPYHOUND_PUBLIC_URL, else here.
      const alerts = createAlertDispatcher({ db: app.database.db, config, logger, fallbackPublicUrl: running.url });
      alerts.start();
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          logger.info({ signal }, 'shutting down: finishing in-flight requests');
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          sweepAbort.abort();
          clearInterval(upkeep);
          void Promise.all([running.close(), scheduler.stop(), sweep, alerts.stop()]).then(() => {
            app.close();
            logger.info('shut down cleanly');
            resolve();
          });
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
    });
}
