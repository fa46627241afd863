import { z } from 'zod';
import { defineSetting, envInt, envList } from './define.ts';

export const dbSettings = {
  // The CLI puts the file inside COPYHOUND_DATA_DIR when neither this nor --db is given, so one
  // folder holds everything; this default is that file for the default data folder.
  path: defineSetting('COPYHOUND_DB', z.string().min(1), './data/copyhound.db', 'SQLite database file (default: copyhound.db in COPYHOUND_DATA_DIR). Only `init`, `serve`, `demo` and commands that write create it.'),
  // Empty: the SQLite file above. A URL moves the whole installation to that PostgreSQL server.
  url: defineSetting(
    'COPYHOUND_DATABASE_URL',
    z.union([z.literal(''), z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (or empty for the SQLite file)')]),
    '',
    'PostgreSQL connection URL (postgres://user:password@host:5432/db, `?options=-c search_path=NAME` for a schema). Empty: the SQLite file. See README, "PostgreSQL and many workers".',
  ),
  // Ten connections per process: a worker's fetches wait on the network, not on the database,
  // and PostgreSQL's default max_connections (100) then admits about ten processes.
  poolSize: defineSetting('COPYHOUND_DB_POOL_SIZE', envInt(1, 500), 10, 'PostgreSQL only: connections each process keeps open at most.'),
  // 5 s rides out a crawler's write burst without making an interactive request hang noticeably.
  busyTimeoutMs: defineSetting('COPYHOUND_DB_BUSY_TIMEOUT_MS', envInt(0, 600_000), 5000, 'How long a writer waits for a lock before failing (ms).'),
  // A consent change over a licensee with 10,000 copies dirties ~90 MB of pages in one
  // transaction; with SQLite's 2 MB default they spill and are read back up to eight times each.
  // Memory is taken only as pages are used.
  cacheMb: defineSetting('COPYHOUND_DB_CACHE_MB', envInt(2, 65_536), 128, "SQLite page cache of the application's connection (MB); it grows only as pages are used."),
  // Off by default, a trade measured with bench:reports and bench:crawl: reading through a map
  // saves a system call per page (~25 µs on a small VM), so a consent change over 10,000 copies
  // (~30,000 pages read) took 1.4–2.2 s instead of 2.1–2.5 s (medians, two runs each); but the
  // report list's p99 rose (6–9 → 12 ms, cold page faults) and a crawl's RSS counts the mapped
  // file (bench:crawl 387 → 408 MB, past its 400 MB budget).
  mmapMb: defineSetting('COPYHOUND_DB_MMAP_MB', envInt(0, 65_536), 0, 'How much of the database file SQLite reads through a memory map (MB); 0 reads with system calls. Speeds large consent changes; see README.'),
};

export const serverSettings = {
  port: defineSetting('PORT', envInt(0, 65535), 3000, 'HTTP port for `copyhound serve` (0 picks a free port).'),
  // Loopback by default: the API has no authentication yet, so exposing it is an explicit choice.
  host: defineSetting('HOST', z.string().min(1), '127.0.0.1', 'Address the HTTP server binds to.'),
  // Batches of a few thousand articles fit comfortably; larger imports belong to the CLI, which streams.
  bodyLimitBytes: defineSetting('COPYHOUND_BODY_LIMIT_BYTES', envInt(1024, 1024 ** 3), 10 * 1024 * 1024, 'Largest accepted request body (bytes); larger ones get 413.'),
  // DNS rebinding: a hostile page whose name resolves to this machine reaches the API with its own
  // name in Host. Only names listed here are served. Empty means the loopback names (localhost,
  // 127.0.0.1, [::1]) plus HOST when it is a specific address; "*" turns the check off.
  allowedHosts: defineSetting(
    'COPYHOUND_ALLOWED_HOSTS',
    envList,
    [] as string[],
    'Host names the API answers to, comma-separated (port ignored); others get 421. Empty: localhost, 127.0.0.1, [::1] and HOST; "*": any.',
  ),
  // Long enough for a `check` that fetches a slow page, short enough that shutdown is not held hostage.
  shutdownGraceMs: defineSetting('COPYHOUND_SHUTDOWN_GRACE_MS', envInt(0, 600_000), 30_000, 'On SIGTERM/SIGINT, how long in-flight requests may take to finish (ms).'),
};

export const logSettings = {
  level: defineSetting(
    'LOG_LEVEL',
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    'info',
    'Log level of the log on stderr (CLI commands default to warn, `serve` to info).',
  ),
  // auto: pretty for a person at a terminal, JSON lines for a program or a file.
  format: defineSetting('LOG_FORMAT', z.enum(['auto', 'json', 'pretty']), 'auto', 'Log format on stderr: json (one object per line), pretty (for people), auto (pretty when stderr is a terminal).'),
};

export const dataSettings = {
  dir: defineSetting('COPYHOUND_DATA_DIR', z.string().min(1), './data', 'Folder for the SQLite database and, with the folder capture store (COPYHOUND_CAPTURE_STORE), the capture files (WARC files, renders); made absolute at start. Capture paths are stored relative to it.'),
  // auto: the database on PostgreSQL, where workers on several machines share no folder; the
  // folder on SQLite, whose one machine has it and whose backups copy it.
  captureStore: defineSetting(
    'COPYHOUND_CAPTURE_STORE',
    z.enum(['auto', 'database', 'folder']),
    'auto',
    'Where capture files (WARC files, rendered views) are kept: `database` (PostgreSQL table capture_files; every worker and API process reads them), `folder` (the data folder), `auto` (database on PostgreSQL, folder on SQLite). SQLite has only `folder`.',
  ),
};
