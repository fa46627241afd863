import { eq } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { serverSecrets } from './schema/auth.ts';
import { writeTransaction } from './write-transaction.ts';

/** A named server secret, made by `make` the first time it is asked for and kept from then on. */
export async function getOrCreateServerSecret(db: Db, name: string, make: () => string, now: string): Promise<string> {
  const found = db.select().from(serverSecrets).where(eq(serverSecrets.name, name)).get();
  if (found) return found.value;
  return writeTransaction(db, (tx) => {
    // Another process may have made it between the read and the lock.
    const raced = tx.select().from(serverSecrets).where(eq(serverSecrets.name, name)).get();
    if (raced) return raced.value;
    return tx.insert(serverSecrets).values({ name, value: make(), createdAt: now }).returning().get().value;
  });
}
