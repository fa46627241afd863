import { firstRow, returnedRow } from './dialect.ts';
import { eq } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { serverSecrets } from './schema/auth.ts';
import { writeTransaction } from './write-transaction.ts';

/** A named server secret, made by `make` the first time it is asked for and kept from then on. */
export async function getOrCreateServerSecret(db: Db, name: string, make: () => string, now: string): Promise<string> {
  const found = firstRow(await db.select().from(serverSecrets).where(eq(serverSecrets.name, name)).limit(1));
  if (found) return found.value;
  return writeTransaction(db, async (tx) => {
    // Another process may have made it between the read and the lock.
    const raced = firstRow(await tx.select().from(serverSecrets).where(eq(serverSecrets.name, name)).limit(1));
    if (raced) return raced.value;
    return returnedRow(await tx.insert(serverSecrets).values({ name, value: make(), createdAt: now }).returning()).value;
  });
}
