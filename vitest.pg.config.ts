import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The PostgreSQL suite (`npm run test:pg`): the tests that need a server (*.pg.test.ts), and every
 * test that touches the database, run again with PostgreSQL in place of SQLite
 * (COPYHOUND_TEST_DIALECT=pg: test/helpers/test-database.ts maps each SQLite file a test uses to
 * its own schema). COPYHOUND_TEST_DATABASE_URL must name the server (test/helpers/pg-test-db.ts).
 * Left out: folders whose tests never open a database, and the tests of SQLite's own machinery
 * (files, WAL, backups of the file), listed with the reason in SQLITE_ONLY.
 */
const NO_DATABASE = ['build', 'extract', 'fetch', 'fixtures-tests', 'foundation', 'openapi', 'time', 'eval', 'hostile', 'render'];

export const SQLITE_ONLY = [
  // The file, its write-ahead log and its checkpoints.
  'test/concurrency/wal-checkpointer.test.ts',
  // `copyhound backup` copies the SQLite file; on PostgreSQL the server's own tools back it up.
  'test/backup/**',
  // SQLite's busy answer (SQLITE_BUSY under BEGIN IMMEDIATE/EXCLUSIVE) as a 503.
  'test/http/storage-busy.test.ts',
  // Where the SQLite file goes (data folder, --db, COPYHOUND_DB) and that reading never creates it.
  'test/cli/data-location.test.ts',
  // Seeds 5,000 reports through better-sqlite3's statements to time a scrape.
  'test/metrics/scrape-cost.test.ts',
  // The crawl inside `serve`: on PostgreSQL serve leaves crawling to workers (test/workers).
  'test/crawl/scheduler.test.ts',
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...NO_DATABASE.map((dir) => `test/${dir}/**`), ...SQLITE_ONLY],
    env: { COPYHOUND_TEST_DIALECT: 'pg' },
    globalSetup: ['test/helpers/pg-suite-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Transformed modules kept on disk (node_modules/.experimental-vitest-cache, keyed by each
    // file's content): the second and third run of .ci/run, and reruns, skip esbuild for every file.
    experimental: { fsModuleCache: true },
    // Two test files at a time, not vitest's default of one on a 2-core machine (cores - 1): much
    // of a PostgreSQL test's time is spent waiting on the server, a child process or a socket.
    // Measured on test/reports, alerts, auth and notices: 482 s with one worker, 320 s with two.
    maxWorkers: 2,
  },
});
