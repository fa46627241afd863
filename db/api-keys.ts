import { firstRow, returnedRow } from './dialect.ts';
import { and, asc, count, eq, gt } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { placeholders, prepared } from './prepared.ts';
import { apiKeys, type ApiKeyRow } from './schema/auth.ts';

/** API keys, found by the SHA-256 of the key; revoked keys stay as the record of who acted. */

export type { ApiKeyRow };

export async function insertApiKey(db: Db, row: Omit<ApiKeyRow, 'id'>): Promise<ApiKeyRow> {
  return returnedRow(await db.insert(apiKeys).values(row).returning());
}

export async function findApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRow | undefined> {
  return (await prepared(db, 'findApiKeyByHash', (c) => c.select().from(apiKeys).where(eq(apiKeys.keyHash, placeholders('keyHash').keyHash))).get({ keyHash }));
}

export async function findApiKeyById(db: Db, id: number): Promise<ApiKeyRow | undefined> {
  return firstRow(await db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1));
}

/** Keys in id order, of one licensee when `licenseeId`; `afterId` and `limit` give one keyset page. */
export async function listApiKeys(db: Db, q: { licenseeId?: number; afterId?: number; limit?: number } = {}): Promise<ApiKeyRow[]> {
  const where = and(q.licenseeId !== undefined ? eq(apiKeys.licenseeId, q.licenseeId) : undefined, q.afterId !== undefined ? gt(apiKeys.id, q.afterId) : undefined);
  const query = db.select().from(apiKeys).where(where).orderBy(asc(apiKeys.id));
  return await (q.limit !== undefined ? query.limit(q.limit) : query);
}

export async function countApiKeys(db: Db, q: { licenseeId?: number } = {}): Promise<number> {
  return firstRow(await db.select({ n: count() }).from(apiKeys).where(q.licenseeId !== undefined ? eq(apiKeys.licenseeId, q.licenseeId) : undefined).limit(1))?.n ?? 0;
}

export async function setApiKeyRevoked(db: Db, id: number, revokedAt: string): Promise<void> {
  await db.update(apiKeys).set({ revokedAt }).where(eq(apiKeys.id, id));
}

export async function setApiKeyLastUsed(db: Db, id: number, lastUsedAt: string): Promise<void> {
  (await prepared(db, 'setApiKeyLastUsed', (c) => c.update(apiKeys).set(placeholders('lastUsedAt')).where(eq(apiKeys.id, placeholders('id').id))).run({ id, lastUsedAt }));
}
