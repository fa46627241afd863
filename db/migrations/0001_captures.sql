CREATE TABLE `capture_bodies` (
	`sha256` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`warc_path` text NOT NULL,
	`warc_record_id` text NOT NULL,
	`target_uri` text NOT NULL,
	`warc_date` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `captures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`requested_url` text NOT NULL,
	`final_url` text NOT NULL,
	`status` integer NOT NULL,
	`status_text` text NOT NULL,
	`headers` text NOT NULL,
	`request_headers` text NOT NULL,
	`redirects` text NOT NULL,
	`remote_address` text NOT NULL,
	`started_at` text NOT NULL,
	`ended_at` text NOT NULL,
	`body_sha256` text NOT NULL,
	`body_size` integer NOT NULL,
	`content_type` text NOT NULL,
	`warc_path` text NOT NULL,
	`warc_record_id` text NOT NULL,
	`record_type` text NOT NULL,
	`fetcher_version` text NOT NULL,
	`settings` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`body_sha256`) REFERENCES `capture_bodies`(`sha256`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `captures_final_url_idx` ON `captures` (`final_url`);--> statement-breakpoint
CREATE INDEX `captures_requested_url_idx` ON `captures` (`requested_url`);--> statement-breakpoint
CREATE INDEX `captures_body_sha256_idx` ON `captures` (`body_sha256`);