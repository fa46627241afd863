CREATE TABLE `report_captures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer NOT NULL,
	`capture_id` integer NOT NULL,
	`role` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`capture_id`) REFERENCES `captures`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `report_captures_report_capture_idx` ON `report_captures` (`report_id`,`capture_id`);--> statement-breakpoint
CREATE TABLE `report_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`kind` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`note` text,
	`detail` text,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `report_events_report_idx` ON `report_events` (`report_id`,`id`);--> statement-breakpoint
CREATE TABLE `reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`page_id` integer NOT NULL,
	`article_key` integer NOT NULL,
	`match_id` integer,
	`page_url` text NOT NULL,
	`host` text NOT NULL,
	`rhost` text NOT NULL,
	`kind` text NOT NULL,
	`coverage` real NOT NULL,
	`copied_words` integer NOT NULL,
	`decision` text NOT NULL,
	`reasons` text NOT NULL,
	`consent_id` integer,
	`licensee_id` integer,
	`status` text NOT NULL,
	`assignee` text,
	`notes` text,
	`text_hash` text NOT NULL,
	`first_seen_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `pages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`article_key`) REFERENCES `articles`(`key`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`match_id`) REFERENCES `matches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`consent_id`) REFERENCES `consents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`licensee_id`) REFERENCES `licensees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reports_page_article_idx` ON `reports` (`page_id`,`article_key`);--> statement-breakpoint
CREATE INDEX `reports_status_seen_idx` ON `reports` (`status`,`last_seen_at`);--> statement-breakpoint
CREATE INDEX `reports_decision_seen_idx` ON `reports` (`decision`,`last_seen_at`);--> statement-breakpoint
CREATE INDEX `reports_rhost_idx` ON `reports` (`rhost`,`status`,`decision`,`coverage`);--> statement-breakpoint
CREATE INDEX `reports_article_idx` ON `reports` (`article_key`);--> statement-breakpoint
CREATE INDEX `reports_licensee_idx` ON `reports` (`licensee_id`);--> statement-breakpoint
CREATE INDEX `reports_consent_idx` ON `reports` (`consent_id`);--> statement-breakpoint
CREATE INDEX `reports_match_idx` ON `reports` (`match_id`);--> statement-breakpoint
CREATE INDEX `reports_seen_idx` ON `reports` (`last_seen_at`);--> statement-breakpoint
CREATE INDEX `reports_first_seen_idx` ON `reports` (`first_seen_at`);--> statement-breakpoint
CREATE INDEX `reports_coverage_idx` ON `reports` (`coverage`);--> statement-breakpoint
CREATE TABLE `consents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uid` text NOT NULL,
	`licensee_id` integer NOT NULL,
	`scope` text NOT NULL,
	`places` text NOT NULL,
	`valid_from` text,
	`valid_until` text,
	`use` text NOT NULL,
	`max_words` integer,
	`max_percent` real,
	`hold_back_hours` real,
	`duties` text NOT NULL,
	`territory` text,
	`contract_ref` text,
	`status` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`licensee_id`) REFERENCES `licensees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `consents_uid_unique` ON `consents` (`uid`);--> statement-breakpoint
CREATE INDEX `consents_licensee_idx` ON `consents` (`licensee_id`);--> statement-breakpoint
CREATE TABLE `licensees` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`contacts` text NOT NULL,
	`notes` text,
	`places` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `licensees_name_unique` ON `licensees` (`name`);--> statement-breakpoint
CREATE TABLE `owner_sites` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`place` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `owner_sites_place_unique` ON `owner_sites` (`place`);--> statement-breakpoint
ALTER TABLE `articles` ADD `canonical_url` text;--> statement-breakpoint
ALTER TABLE `articles` ADD `archived_at` text;--> statement-breakpoint
ALTER TABLE `matches` ADD `decision` text;--> statement-breakpoint
ALTER TABLE `matches` ADD `reasons` text;--> statement-breakpoint
ALTER TABLE `matches` ADD `consent_id` integer;--> statement-breakpoint
ALTER TABLE `matches` ADD `decision_detail` text;--> statement-breakpoint
ALTER TABLE `matches` ADD `decided_at` text;--> statement-breakpoint
CREATE INDEX `matches_consent_idx` ON `matches` (`consent_id`);--> statement-breakpoint
ALTER TABLE `pages` ADD `rhost` text;--> statement-breakpoint
ALTER TABLE `pages` ADD `signals` text;--> statement-breakpoint
CREATE INDEX `pages_rhost_idx` ON `pages` (`rhost`);