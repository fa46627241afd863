CREATE TABLE `article_fingerprints` (
	`article_key` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`passages` blob NOT NULL,
	FOREIGN KEY (`article_key`) REFERENCES `articles`(`key`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `articles` (
	`key` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`url` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`body_source` text NOT NULL,
	`published_at` text,
	`author` text,
	`language` text,
	`section` text,
	`tags` text,
	`credit` text,
	`content_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `articles_id_unique` ON `articles` (`id`);--> statement-breakpoint
CREATE INDEX `articles_title_idx` ON `articles` (`title`);