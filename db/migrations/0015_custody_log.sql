CREATE TABLE `capture_renders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`capture_id` integer NOT NULL,
	`format` text NOT NULL,
	`path` text NOT NULL,
	`sha256` text NOT NULL,
	`bytes` integer NOT NULL,
	`warnings` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `capture_renders_capture_idx` ON `capture_renders` (`capture_id`);--> statement-breakpoint
CREATE TABLE `custody_entries` (
	`id` integer PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`ref_id` integer NOT NULL,
	`at` text NOT NULL,
	`leaf` text NOT NULL,
	`leaf_hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `custody_entries_ref_idx` ON `custody_entries` (`type`,`ref_id`) WHERE "custody_entries"."type" <> 'decision';--> statement-breakpoint
CREATE TABLE `custody_tiles` (
	`id` integer PRIMARY KEY NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tree_heads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`size` integer NOT NULL,
	`root_hash` text NOT NULL,
	`timestamp` text NOT NULL,
	`signature` text NOT NULL,
	`key_id` text NOT NULL,
	`reason` text NOT NULL,
	`timestamp_token` text
);
--> statement-breakpoint
ALTER TABLE `captures` ADD `warc_sha256` text;--> statement-breakpoint
ALTER TABLE `match_decisions` ADD `custody_index` integer;