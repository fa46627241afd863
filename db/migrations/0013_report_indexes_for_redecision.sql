DROP INDEX `reports_rhost_idx`;--> statement-breakpoint
DROP INDEX `reports_consent_idx`;--> statement-breakpoint
DROP INDEX `reports_status_seen_idx`;--> statement-breakpoint
CREATE INDEX `reports_rhost_seen_idx` ON `reports` (`rhost`,`last_seen_at`);--> statement-breakpoint
CREATE INDEX `reports_status_seen_idx` ON `reports` (`status`,`last_seen_at`) WHERE "reports"."status" <> 'licensed';