import "server-only";
import { getDb, type DbExecutor } from "@/db";

/**
 * Runs `work` in one transaction, so that several queries (and e.g. their audit row) commit together or not at all:
 * a new transaction on the process database, or a savepoint inside `executor` when the caller already holds one.
 * Policy code in lib/ and app/ composes queries through this instead of touching the database client.
 */
export async function inTransaction<T>(work: (tx: DbExecutor) => Promise<T>, executor?: DbExecutor): Promise<T> {
  const db = executor ?? (await getDb());
  return db.transaction(work);
}
