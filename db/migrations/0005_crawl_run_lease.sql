ALTER TABLE `crawl_runs` ADD `lease_owner` text;--> statement-breakpoint
ALTER TABLE `crawl_runs` ADD `lease_until` text;