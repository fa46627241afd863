-- Text columns COLLATE "C" (SQLite's byte order), as migration 0002 made the others.
CREATE TABLE "capture_files" (
	"path" text COLLATE "C" PRIMARY KEY NOT NULL,
	"sha256" text COLLATE "C" NOT NULL,
	"size" bigint NOT NULL,
	"bytes" "bytea" NOT NULL,
	"created_at" text COLLATE "C" NOT NULL
);
