import { defineConfig } from 'drizzle-kit';

/**
 * PostgreSQL migrations, generated from db/schema-pg (the twin of db/schema): run
 * `npx drizzle-kit generate --config drizzle.pg.config.ts --name X`. Append-only, like db/migrations.
 *
 * drizzle-kit writes foreign keys as `REFERENCES "public"."t"`; remove the `"public".` from a new
 * migration before committing it, so the schema can live in any schema on the search_path (each
 * PostgreSQL test gets its own, and test/pg/schema-parity.test.ts fails on a "public" reference).
 * Text columns are COLLATE "C" (SQLite's byte order; migration 0002): a migration adding a text
 * column needs a custom one after it (`--custom`) setting that, or test/pg/migrations.pg.test.ts fails.
 */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema-pg',
  out: './db/migrations-pg',
});
