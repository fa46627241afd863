CREATE TABLE `match_decisions` (
	`match_id` integer PRIMARY KEY NOT NULL,
	`decision` text NOT NULL,
	`reasons` text NOT NULL,
	`consent_id` integer,
	`detail` text NOT NULL,
	`decided_at` text NOT NULL,
	FOREIGN KEY (`match_id`) REFERENCES `matches`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `match_decisions_consent_idx` ON `match_decisions` (`consent_id`);--> statement-breakpoint
-- Decisions made under 0009 move to their own table before the columns go.
INSERT INTO `match_decisions` (`match_id`, `decision`, `reasons`, `consent_id`, `detail`, `decided_at`)
  SELECT `id`, `decision`, coalesce(`reasons`, '[]'), `consent_id`, coalesce(`decision_detail`, '{}'), coalesce(`decided_at`, `last_seen_at`) FROM `matches` WHERE `decision` IS NOT NULL;--> statement-breakpoint
DROP INDEX `matches_consent_idx`;--> statement-breakpoint
ALTER TABLE `matches` DROP COLUMN `decision`;--> statement-breakpoint
ALTER TABLE `matches` DROP COLUMN `reasons`;--> statement-breakpoint
ALTER TABLE `matches` DROP COLUMN `consent_id`;--> statement-breakpoint
ALTER TABLE `matches` DROP COLUMN `decision_detail`;--> statement-breakpoint
ALTER TABLE `matches` DROP COLUMN `decided_at`;