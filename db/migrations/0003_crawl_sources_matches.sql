CREATE TABLE `crawl_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_id` integer NOT NULL,
	`status` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`frontier` text,
	`pages_fetched` integer NOT NULL,
	`pages_unchanged` integer NOT NULL,
	`pages_failed` integer NOT NULL,
	`matches_found` integer NOT NULL,
	`errors` text NOT NULL,
	`message` text,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `crawl_runs_source_idx` ON `crawl_runs` (`source_id`,`id`);--> statement-breakpoint
CREATE TABLE `crawl_urls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_id` integer NOT NULL,
	`url` text NOT NULL,
	`last_run_id` integer,
	`last_fetched_at` text,
	`last_ok_at` text,
	`etag` text,
	`last_modified` text,
	`text_hash` text,
	`status` text NOT NULL,
	`failure_reason` text,
	`attempts` integer NOT NULL,
	`capture_id` integer,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`capture_id`) REFERENCES `captures`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `crawl_urls_source_url_idx` ON `crawl_urls` (`source_id`,`url`);--> statement-breakpoint
CREATE INDEX `crawl_urls_run_idx` ON `crawl_urls` (`last_run_id`);--> statement-breakpoint
CREATE TABLE `matches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`page_id` integer NOT NULL,
	`article_key` integer NOT NULL,
	`kind` text NOT NULL,
	`coverage` real NOT NULL,
	`page_share` real NOT NULL,
	`copied_words` integer NOT NULL,
	`longest_run` integer NOT NULL,
	`passages` text NOT NULL,
	`capture_id` integer,
	`flagged` integer NOT NULL,
	`first_seen_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `pages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`article_key`) REFERENCES `articles`(`key`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`capture_id`) REFERENCES `captures`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `matches_page_article_idx` ON `matches` (`page_id`,`article_key`);--> statement-breakpoint
CREATE INDEX `matches_last_seen_idx` ON `matches` (`last_seen_at`);--> statement-breakpoint
CREATE INDEX `matches_article_idx` ON `matches` (`article_key`);--> statement-breakpoint
CREATE TABLE `pages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`url` text NOT NULL,
	`title` text NOT NULL,
	`text_hash` text NOT NULL,
	`capture_id` integer,
	`first_seen_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	FOREIGN KEY (`capture_id`) REFERENCES `captures`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pages_url_unique` ON `pages` (`url`);--> statement-breakpoint
CREATE TABLE `rechecks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`match_id` integer,
	`url` text NOT NULL,
	`checked_at` text NOT NULL,
	`outcome` text NOT NULL,
	`http_status` integer,
	`capture_id` integer,
	FOREIGN KEY (`match_id`) REFERENCES `matches`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`capture_id`) REFERENCES `captures`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rechecks_match_idx` ON `rechecks` (`match_id`);--> statement-breakpoint
CREATE INDEX `rechecks_url_idx` ON `rechecks` (`url`);--> statement-breakpoint
CREATE TABLE `sources` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`url` text,
	`urls` text,
	`schedule` text,
	`limits` text NOT NULL,
	`enabled` integer NOT NULL,
	`is_owner_feed` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sources_name_unique` ON `sources` (`name`);--> statement-breakpoint
CREATE INDEX `sources_enabled_idx` ON `sources` (`enabled`);