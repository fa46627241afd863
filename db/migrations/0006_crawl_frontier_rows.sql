CREATE TABLE `crawl_frontier` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`url` text NOT NULL,
	`depth` integer NOT NULL,
	`done` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `crawl_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `crawl_frontier_run_url_idx` ON `crawl_frontier` (`run_id`,`url`);--> statement-breakpoint
CREATE INDEX `crawl_frontier_run_done_idx` ON `crawl_frontier` (`run_id`,`done`,`id`);