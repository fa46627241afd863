-- The custody log, its tiles, its signed heads and the rendered views are evidence: rows are
-- added, never changed or removed. Enforced below the application, as for report_events (0010).
CREATE TRIGGER `custody_entries_no_update` BEFORE UPDATE ON `custody_entries`
BEGIN SELECT RAISE(ABORT, 'custody_entries is append-only: a log entry cannot be changed'); END;
--> statement-breakpoint
CREATE TRIGGER `custody_entries_no_delete` BEFORE DELETE ON `custody_entries`
BEGIN SELECT RAISE(ABORT, 'custody_entries is append-only: a log entry cannot be deleted'); END;
--> statement-breakpoint
CREATE TRIGGER `custody_tiles_no_update` BEFORE UPDATE ON `custody_tiles`
BEGIN SELECT RAISE(ABORT, 'custody_tiles is append-only: a tile cannot be changed'); END;
--> statement-breakpoint
CREATE TRIGGER `custody_tiles_no_delete` BEFORE DELETE ON `custody_tiles`
BEGIN SELECT RAISE(ABORT, 'custody_tiles is append-only: a tile cannot be deleted'); END;
--> statement-breakpoint
CREATE TRIGGER `tree_heads_no_update` BEFORE UPDATE ON `tree_heads`
BEGIN SELECT RAISE(ABORT, 'tree_heads is append-only: a signed tree head cannot be changed'); END;
--> statement-breakpoint
CREATE TRIGGER `tree_heads_no_delete` BEFORE DELETE ON `tree_heads`
BEGIN SELECT RAISE(ABORT, 'tree_heads is append-only: a signed tree head cannot be deleted'); END;
--> statement-breakpoint
CREATE TRIGGER `capture_renders_no_update` BEFORE UPDATE ON `capture_renders`
BEGIN SELECT RAISE(ABORT, 'capture_renders is append-only: a rendered view cannot be changed'); END;
