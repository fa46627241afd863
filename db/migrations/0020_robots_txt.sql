CREATE TABLE `robots_txt` (
	`origin` text PRIMARY KEY NOT NULL,
	`claimed_until` integer NOT NULL,
	`status` text,
	`http_status` integer,
	`body` text,
	`note` text,
	`fetched_at` integer,
	`expires_at` integer
);
