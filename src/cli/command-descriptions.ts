// What each top-level command is for, in the order `copyhound --help` lists them. Its own module so
// that the help and the lazy command index (main.ts) read the descriptions without loading the
// commands themselves, and each command module takes its description from here (one text, no drift).
export const COMMAND_DESCRIPTIONS = {
  init: 'Create the data folder and the database (or apply pending migrations to an existing one)',
  articles: 'Manage the registry of owned articles (the articles you protect)',
  check: 'Check pages (URLs or local .html/.html.gz/.txt files) for reproductions of owned articles',
  extract: "Extract a page's article text and metadata (URLs or local .html/.html.gz files)",
  sources: 'Manage crawl sources (feeds, sitemaps, URL lists, sites, watched URLs)',
  crawl: 'Run sources now (all enabled sources when none is named); an interrupted run resumes next time',
  matches: 'Stored matches found by crawls and checks',
  captures: 'The evidence store: WARC captures and their rows',
  'owner-sites': "The publisher's own sites: pages there are never reports",
  licensees: 'Organisations that may republish under consent, and the sites they publish on',
  consents: 'Consents (licences) given to licensees: register, change, approve, revoke, import and export as ODRL',
  reports: 'Infringement reports: list, review, change status, export',
  users: 'People who sign in: add, list, disable, enable, reset a password',
  keys: 'API keys for programs: create (shown once), list, revoke',
  log: 'The custody log: a Merkle tree (RFC 6962) over every capture, decision, rendered view and report event',
  evidence: 'Evidence packages: captures, renders, passages, decision, history and a DMCA notice, provable offline',
  serve: 'Start the HTTP API and the crawl scheduler',
  worker: 'Run crawl jobs from the shared PostgreSQL queue (any number of workers, on any machines)',
  demo: 'Start the app on a fresh demo database with a sample web of copies, crawl it once, and print the logins',
  config: 'Show every setting: its environment variable, default and current value',
  backup: 'Take a consistent snapshot of the database and the capture files its rows name into DIR (new or empty), with a manifest of SHA-256 hashes; safe while the server runs',
  restore: 'Check a backup against its manifest (every hash), restore it, then run the integrity check and the custody log verification on the result',
  migrate: 'Copy a whole installation from its SQLite file into an empty PostgreSQL database (--from FILE --to postgres://…), keys kept, then verify row counts, contents and the custody log root',
} as const;

export type CommandName = keyof typeof COMMAND_DESCRIPTIONS;
