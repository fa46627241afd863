-- A report's history and its captures are evidence: rows are added, never changed or removed.
-- Enforced here, below the application, so no code path (or bug) can rewrite them.
CREATE TRIGGER `report_events_no_update` BEFORE UPDATE ON `report_events`
BEGIN SELECT RAISE(ABORT, 'report_events is append-only: a history row cannot be changed'); END;
--> statement-breakpoint
CREATE TRIGGER `report_events_no_delete` BEFORE DELETE ON `report_events`
BEGIN SELECT RAISE(ABORT, 'report_events is append-only: a history row cannot be deleted'); END;
--> statement-breakpoint
CREATE TRIGGER `report_captures_no_update` BEFORE UPDATE ON `report_captures`
BEGIN SELECT RAISE(ABORT, 'report_captures is append-only: a row cannot be changed'); END;
--> statement-breakpoint
CREATE TRIGGER `report_captures_no_delete` BEFORE DELETE ON `report_captures`
BEGIN SELECT RAISE(ABORT, 'report_captures is append-only: a row cannot be deleted'); END;
--> statement-breakpoint
CREATE TRIGGER `reports_no_delete` BEFORE DELETE ON `reports`
BEGIN SELECT RAISE(ABORT, 'reports are never deleted: close or dismiss a report instead'); END;
