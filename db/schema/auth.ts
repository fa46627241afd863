import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { licensees } from './rights.ts';

/**
 * Who may use the service: people (users with sessions) and programs (API keys). Secrets are
 * never stored: passwords as argon2id hashes, session ids and keys as SHA-256 of the random
 * value (high-entropy tokens need no slow hash, and a lookup by hash is one index probe).
 */

export const ROLE_VALUES = ['admin', 'rights_manager', 'legal', 'licensee'] as const;

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Lower-cased. */
    email: text('email').notNull().unique(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ROLE_VALUES }).notNull(),
    /** The organisation a `licensee` user acts for (null for every other role). */
    licenseeId: integer('licensee_id').references(() => licensees.id),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('users_licensee_idx').on(t.licenseeId)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenHash: text('token_hash').notNull().unique(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
    /** Last request: the idle expiry counts from here. */
    lastSeenAt: text('last_seen_at').notNull(),
    /** Absolute expiry, whatever the activity. */
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    /** The key's first characters, shown in lists so a person can tell keys apart. */
    prefix: text('prefix').notNull(),
    role: text('role', { enum: ROLE_VALUES }).notNull(),
    licenseeId: integer('licensee_id').references(() => licensees.id),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at'),
    lastUsedAt: text('last_used_at'),
    revokedAt: text('revoked_at'),
  },
  (t) => [index('api_keys_licensee_idx').on(t.licenseeId)],
);

/** Server secrets made at first start (the CSRF tokens' HMAC key). */
export const serverSecrets = sqliteTable('server_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: text('created_at').notNull(),
});

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type Role = (typeof ROLE_VALUES)[number];
