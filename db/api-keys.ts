import { asc, eq } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { placeholders, prepared } from './prepared.ts';
import { apiKeys, type ApiKeyRow } from './schema/auth.ts';

/** API keys, found by the SHA-256 of the key; revoked keys stay as the record of who acted. */

export type { ApiKeyRow };

export function insertApiKey(db: Db, row: Omit<ApiKeyRow, 'id'>): ApiKeyRow {
  return db.insert(apiKeys).values(row).returning().get();
}

export function findApiKeyByHash(db: Db, keyHash: string): ApiKeyRow | undefined {
  return prepared(db, 'findApiKeyByHash', (c) => c.select().from(apiKeys).where(eq(apiKeys.keyHash, placeholders('keyHash').keyHash)).prepare()).get({ keyHash });
}

export function findApiKeyById(db: Db, id: number): ApiKeyRow | undefined {
  return db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
}

export function listApiKeys(db: Db, q: { licenseeId?: number } = {}): ApiKeyRow[] {
  const query = db.select().from(apiKeys);
  return (q.licenseeId !== undefined ? query.where(eq(apiKeys.licenseeId, q.licenseeId)) : query).orderBy(asc(apiKeys.id)).all();
}

export function setApiKeyRevoked(db: Db, id: number, revokedAt: string): void {
  db.update(apiKeys).set({ revokedAt }).where(eq(apiKeys.id, id)).run();
}

export function setApiKeyLastUsed(db: Db, id: number, lastUsedAt: string): void {
  prepared(db, 'setApiKeyLastUsed', (c) => c.update(apiKeys).set(placeholders('lastUsedAt')).where(eq(apiKeys.id, placeholders('id').id)).prepare()).run({ id, lastUsedAt });
}
