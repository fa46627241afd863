DROP INDEX `reports_decision_seen_idx`;--> statement-breakpoint
CREATE INDEX `reports_list_idx` ON `reports` (`status`,`decision`,`rhost`,`coverage`,`last_seen_at`);