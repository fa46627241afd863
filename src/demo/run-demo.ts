import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config, ConfigOverrides } from '../../config/index.ts';
import { createCrawlFetchers } from '../../crawlers/fetch-adapter.ts';
import { runSource, type RunSummary } from '../../crawlers/run-source.ts';
import { createCrawlScheduler, type CrawlScheduler } from '../../crawlers/scheduler.ts';
import { openApp, type App } from '../app.ts';
import { ConflictError, CopyhoundError, ValidationError } from '../errors.ts';
import { startServer, type RunningServer } from '../http/server.ts';
import { createLogger } from '../log.ts';
import { readDemoOutcome, type CaseOutcome } from './demo-outcome.ts';
import { formatDemoPrintout } from './demo-printout.ts';
import { seedDemo, type DemoSeed } from './seed-demo.ts';
import { DEMO_PUBLISHER } from './site/owned-stories.ts';
import { startSampleSite, type SampleSite } from './site/sample-site.ts';

/**
 * `copyhound demo`: a fresh database, the sample web on loopback, the demo's seed, one crawl of
 * the sample web through the product's own crawler and pipeline, then the server, as `serve`
 * runs it. Everything started here is closed by close(), also when a step fails half-way.
 */

// The sample web is ours and on this machine: no reason to wait the polite 1 s between its pages.
const SAMPLE_WEB_HOST_DELAY_MS = 0;
// One page at a time, so the reports are created (and numbered) in the sitemap's order.
const DEMO_CRAWL_CONCURRENCY = 1;
const DATABASE_FILE = 'copyhound.db';

export interface DemoOptions {
  /** Port for the server; the configuration's (PORT, default 3000) when absent. */
  port?: number;
  /** Folder for the database and captures; must be missing or empty. A new temp folder when absent. */
  dataDir?: string;
  /** Builds the configuration with the demo's overrides on top (the CLI adds the environment). */
  loadConfig: (overrides: ConfigOverrides) => Config;
  /** Where the printout goes, line by line. */
  print: (line: string) => void;
  /** The demo's clock: every date of the sample web and the seed is relative to it. */
  now?: Date;
}

export interface RunningDemo {
  url: string;
  dataDir: string;
  site: SampleSite;
  seed: DemoSeed;
  crawl: RunSummary;
  outcome: CaseOutcome[];
  app: App;
  close(): Promise<void>;
}

/** The data folder: the given one (created; refused when it holds anything) or a new temp folder. */
function prepareDataDir(dataDir: string | undefined): { dir: string; temporary: boolean } {
  if (dataDir === undefined) return { dir: mkdtempSync(join(tmpdir(), 'copyhound-demo-')), temporary: true };
  const dir = resolve(dataDir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new ValidationError(`--data ${dataDir}: the folder is not empty; the demo starts from a fresh database (give a new or empty folder)`, { field: 'data' });
  }
  mkdirSync(dir, { recursive: true });
  return { dir, temporary: false };
}

function demoOverrides(options: DemoOptions, dataDir: string, site: SampleSite): ConfigOverrides {
  return {
    db: { path: join(dataDir, DATABASE_FILE) },
    data: { dir: join(dataDir, 'data') },
    // Loopback only, whatever HOST says: the printout carries every password.
    server: { host: '127.0.0.1', ...(options.port !== undefined ? { port: options.port } : {}) },
    // The fetch guard refuses loopback; exactly the sample web's address is let through.
    fetch: { allow: [site.address] },
    crawl: { minHostDelayMs: SAMPLE_WEB_HOST_DELAY_MS, globalConcurrency: DEMO_CRAWL_CONCURRENCY },
    rights: { publisherName: DEMO_PUBLISHER },
  };
}

/** The server as `serve` starts it; a port in use is named with what to do about it. */
async function startDemoServer(app: App): Promise<RunningServer> {
  try {
    return await startServer(app);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new ConflictError(`Port ${app.config.server.port} is in use: pick another with --port N (0 = any free port)`, { field: 'port', port: app.config.server.port });
  }
}

/** Starts the whole demo and prints what to look at; resolves once the server answers. */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const startedAt = performance.now();
  const now = options.now ?? new Date();
  const data = prepareDataDir(options.dataDir);
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    // Last started, first stopped: the server before the app it serves, the app before its folder.
    for (const close of closers.splice(0).reverse()) await close();
  };
  if (data.temporary) closers.push(() => rmSync(data.dir, { recursive: true, force: true }));
  try {
    const site = await startSampleSite({ now });
    closers.push(() => site.close());
    const config = options.loadConfig(demoOverrides(options, data.dir, site));
    const app = await openApp(config, createLogger(config), { checkpointInBackground: true });
    closers.push(() => app.close());
    const seed = await seedDemo(app, site, now);
    const crawl = await runSource(app, seed.source, { fetchers: createCrawlFetchers(app) });
    if (crawl.status !== 'completed') throw new CopyhoundError('demo_crawl_failed', `The demo's crawl of the sample web ${crawl.status}${crawl.message ? `: ${crawl.message}` : ''}`, { source: crawl.name, errors: crawl.errors });
    const outcome = await readDemoOutcome(app, site.cases);
    const server = await startDemoServer(app);
    closers.push(() => server.close());
    // As under `serve`: sources someone adds with a schedule during the demo do run.
    const scheduler: CrawlScheduler = createCrawlScheduler(app);
    await scheduler.start();
    closers.push(() => scheduler.stop());
    const ready = { url: server.url, dataDir: data.dir, temporary: data.temporary, site, seed, crawl, outcome, seconds: (performance.now() - startedAt) / 1000 };
    for (const line of formatDemoPrintout(ready)) options.print(line);
    let closing: Promise<void> | undefined;
    return { url: server.url, dataDir: data.dir, site, seed, crawl, outcome, app, close: () => (closing ??= closeAll()) };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * Runs the demo until SIGINT or SIGTERM, then closes everything; resolves when it has. A signal
 * during start-up stops the demo as soon as it is up, so its temp folder is still removed.
 */
export async function runDemoUntilSignal(options: DemoOptions): Promise<void> {
  let signalled!: () => void;
  const stopRequested = new Promise<void>((resolve) => (signalled = resolve));
  // Once: a second Ctrl-C while closing ends the process at once, as under `serve`.
  const onSignal = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    signalled();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const demo = await startDemo(options);
    await stopRequested;
    options.print('Stopping the demo…');
    await demo.close();
    options.print('Demo stopped.');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
