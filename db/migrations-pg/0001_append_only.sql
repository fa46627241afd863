-- The twin of SQLite migrations 0010 and 0016: report history, report captures, the custody log,
-- its tiles, its signed heads and rendered views are evidence, so rows are added, never changed or
-- removed (reports are never deleted). Enforced below the application, with the same trigger names
-- and messages. TRUNCATE skips row triggers in PostgreSQL (SQLite has none), so it is refused too
-- wherever DELETE is.
CREATE FUNCTION "copyhound_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "report_events_no_update" BEFORE UPDATE ON "report_events" FOR EACH ROW EXECUTE FUNCTION "copyhound_refuse_change"('report_events is append-only: a history row cannot be changed');
--> statement-breakpoint
CREATE TRIGGER "report_events_no_delete" BEFORE DELETE ON "report_events" FOR EACH ROW EXECUTE FUNCTION "copyhound_refuse_change"('report_events is append-only: a history row cannot be deleted');
--> statement-breakpoint
CREATE TRIGGER "report_events_no_truncate" BEFORE TRUNCATE ON "report_events" FOR EACH STATEMENT EXECUTE FUNCTION "copyhound_refuse_change"('report_events is append-only: a history row cannot be deleted');
--> statement-breakpoint
CREATE TRIGGER "report_captures_no_update" BEFORE UPDATE ON "report_captures" FOR EACH ROW EXECUTE FUNCTION "copyhound_refuse_change"('report_captures is append-only: a row cannot be changed');
--> statement-breakpoint
CREATE TRIGGER "report_captures_no_delete" BEFORE DELETE ON "report_captures" FOR EACH ROW EXECUTE FUNCTION "copyhound_refuse_change"('report_captures is append-only: a row cannot be deleted');
--> statement-breakpoint
CREATE TRIGGER "report_captures_no_truncate" BEFORE TRUNCATE ON "report_captures" FOR EACH STATEMENT EXECUTE FUNCTION "copyhound_refuse_change"('report_captures is append-only: a row cannot be deleted');
--> statement-breakpoint
CREATE TRIGGER "reports_no_delete" BEFORE DELETE ON "reports" FOR EACH ROW EXECUTE FUNCTION "copyhound_refuse_change"('reports are never deleted: close or dismiss a report instead');
--> statement-breakpoint
CREATE TRIGGER "reports_no_truncate" BEFORE TRUNCATE ON "reports" FOR EACH STATEMENT EXECUTE FUNCTION "copyhound_refuse_change"('reports are never deleted: close or dismiss a report instead');
--> statement-breakpoint
CREATE TRIGGER "custody_entries_no_update" BEFORE UPDATE ON "custody_entries" FOR EACH ROW EXECUTE FUNCTION "copyhound_refuse_change"('custody_entries is append-only: a log entry cannot be changed');
--> statement-breakpoint
CREATE TRIGGER "custody_entries_no_delete" BEFORE DELETE ON "custody_entries" FOR EACH ROW EXECUTE FUNCTION "copyhound_refuse_change"('custody_entries is append-only: a log entry cannot be deleted');
--> statement-breakpoint
CREATE TRIGGER "custody_entries_no_truncate" BEFORE TRUNCATE ON "custody_entries" FOR EACH STATEMENT EXECUTE FUNCTION "copyhound_refuse_change"('custody_entries is append-only: a log entry cannot be deleted');
--> statement-breakpoint
CREATE TRIGGER "custody_tiles_no_update" BEFORE UPDATE ON "custody_tiles" FOR EACH ROW EXECUTE FUNCTION "copyhound_refuse_change"('custody_tiles is append-only: a tile cannot be changed');
--> statement-breakpoint
CREATE TRIGGER "custody_tiles_no_delete" BEFORE DELETE ON "custody_tiles" FOR EACH ROW EXECUTE FUNCTION "copyhound_refuse_change"('custody_tiles is append-only: a tile cannot be deleted');
--> statement-breakpoint
CREATE TRIGGER "custody_tiles_no_truncate" BEFORE TRUNCATE ON "custody_tiles" FOR EACH STATEMENT EXECUTE FUNCTION "copyhound_refuse_change"('custody_tiles is append-only: a tile cannot be deleted');
--> statement-breakpoint
CREATE TRIGGER "tree_heads_no_update" BEFORE UPDATE ON "tree_heads" FOR EACH ROW EXECUTE FUNCTION "copyhound_refuse_change"('tree_heads is append-only: a signed tree head cannot be changed');
--> statement-breakpoint
CREATE TRIGGER "tree_heads_no_delete" BEFORE DELETE ON "tree_heads" FOR EACH ROW EXECUTE FUNCTION "copyhound_refuse_change"('tree_heads is append-only: a signed tree head cannot be deleted');
--> statement-breakpoint
CREATE TRIGGER "tree_heads_no_truncate" BEFORE TRUNCATE ON "tree_heads" FOR EACH STATEMENT EXECUTE FUNCTION "copyhound_refuse_change"('tree_heads is append-only: a signed tree head cannot be deleted');
--> statement-breakpoint
CREATE TRIGGER "capture_renders_no_update" BEFORE UPDATE ON "capture_renders" FOR EACH ROW EXECUTE FUNCTION "copyhound_refuse_change"('capture_renders is append-only: a rendered view cannot be changed');
