-- SQLite compares text byte by byte (BINARY); PostgreSQL uses the database's collation, which is
-- often a language one (en_US.UTF-8) that ignores punctuation at first: the reversed-host ranges
-- ("com.example." up to "com.example/") and every ORDER BY and cursor over text would then differ.
-- COLLATE "C" on every text column gives the byte order of SQLite whatever the database's default
-- (and lets LIKE 'prefix%' use a plain index). New text columns need it too:
-- test/pg/migrations.pg.test.ts fails on a text column with another collation.
ALTER TABLE "alert_deliveries"
  ALTER COLUMN "event" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "status" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "next_attempt_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "last_attempt_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "last_error" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "delivered_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "alert_preferences"
  ALTER COLUMN "mode" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "last_digest_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "updated_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "alert_state"
  ALTER COLUMN "updated_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "alert_targets"
  ALTER COLUMN "name" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "url" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "secret" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_by" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "updated_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "api_keys"
  ALTER COLUMN "name" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "key_hash" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "prefix" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "role" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_by" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "expires_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "last_used_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "revoked_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "article_fingerprints"
  ALTER COLUMN "method" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "articles"
  ALTER COLUMN "id" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "url" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "title" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "body" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "body_source" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "published_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "author" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "language" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "section" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "credit" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "canonical_url" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "archived_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "content_hash" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "updated_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "capture_bodies"
  ALTER COLUMN "sha256" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "warc_path" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "warc_record_id" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "target_uri" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "warc_date" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "capture_renders"
  ALTER COLUMN "format" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "path" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "sha256" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "captures"
  ALTER COLUMN "requested_url" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "final_url" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "status_text" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "remote_address" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "started_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "ended_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "body_sha256" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "content_type" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "warc_path" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "warc_record_id" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "record_type" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "truncated" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "fetcher_version" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "warc_sha256" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "consents"
  ALTER COLUMN "uid" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "valid_from" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "valid_until" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "use" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "territory" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "contract_ref" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "status" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_by" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "updated_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "crawl_frontier"
  ALTER COLUMN "url" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "crawl_runs"
  ALTER COLUMN "status" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "started_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "finished_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "message" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "lease_owner" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "lease_until" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "crawl_urls"
  ALTER COLUMN "url" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "last_fetched_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "last_ok_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "etag" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "last_modified" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "text_hash" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "status" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "failure_reason" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "custody_entries"
  ALTER COLUMN "type" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "leaf" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "leaf_hash" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "custody_tiles"
  ALTER COLUMN "hash" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "licensees"
  ALTER COLUMN "name" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "notes" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_by" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "updated_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "match_decisions"
  ALTER COLUMN "decision" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "decided_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "matches"
  ALTER COLUMN "kind" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "first_seen_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "last_seen_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "owner_sites"
  ALTER COLUMN "place" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_by" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "pages"
  ALTER COLUMN "url" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "title" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "text_hash" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "first_seen_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "last_seen_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "matched_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "rhost" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "rechecks"
  ALTER COLUMN "url" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "checked_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "outcome" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "report_captures"
  ALTER COLUMN "role" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "report_events"
  ALTER COLUMN "at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "actor" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "kind" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "from_status" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "to_status" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "note" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "reports"
  ALTER COLUMN "page_url" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "host" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "rhost" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "kind" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "decision" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "status" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "assignee" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "notes" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "text_hash" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "first_seen_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "last_seen_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "updated_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "server_secrets"
  ALTER COLUMN "name" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "value" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "sessions"
  ALTER COLUMN "token_hash" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "last_seen_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "expires_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "sources"
  ALTER COLUMN "name" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "type" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "url" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "schedule" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "updated_at" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "tree_heads"
  ALTER COLUMN "root_hash" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "timestamp" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "signature" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "key_id" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "reason" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "timestamp_token" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "users"
  ALTER COLUMN "email" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "password_hash" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "role" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_by" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "created_at" SET DATA TYPE text COLLATE "C",
  ALTER COLUMN "updated_at" SET DATA TYPE text COLLATE "C";
