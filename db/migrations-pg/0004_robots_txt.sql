-- Text columns COLLATE "C" (SQLite's byte order), as migration 0002 made the others.
CREATE TABLE "robots_txt" (
	"origin" text COLLATE "C" PRIMARY KEY NOT NULL,
	"claimed_until" bigint NOT NULL,
	"status" text COLLATE "C",
	"http_status" integer,
	"body" text COLLATE "C",
	"note" text COLLATE "C",
	"fetched_at" bigint,
	"expires_at" bigint
);
