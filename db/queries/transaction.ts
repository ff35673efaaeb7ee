import "server-only";
import { asyncCommit, getDb, type DbExecutor } from "@/db";
import { AppError } from "@/lib/errors";

/**
 * Runs `work` in one transaction, so that several queries (and e.g. their audit row) commit together or not at all:
 * a new transaction on the process database, or a savepoint inside `executor` when the caller already holds one.
 * Policy code in lib/ and app/ composes queries through this instead of touching the database client.
 */
export async function inTransaction<T>(work: (tx: DbExecutor) => Promise<T>, executor?: DbExecutor): Promise<T> {
  const db = executor ?? (await getDb());
  return db.transaction(work);
}

export interface RetryOptions {
  /** Tries in all (default 2). */
  attempts?: number;
  /** Wait before try n+1: `delayMs × n` (default 50). */
  delayMs?: number;
  /** Runs after a failed try, before the next (e.g. give back what a commit that was not confirmed may have kept). */
  onFailure?: () => Promise<void>;
}

/**
 * Runs `work` in its own async-commit transaction, and again when the database fails (e.g. it dropped the
 * connection). An AppError is the answer (a refusal, a conflict) and is thrown at once; when the last try fails too,
 * `database_unavailable` (503).
 */
export async function inTransactionRetried<T>(work: (tx: DbExecutor) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  return retried(
    () =>
      inTransaction(async (tx) => {
        await asyncCommit(tx);
        return work(tx);
      }),
    options,
  );
}

/**
 * Runs `work` (e.g. one statement, which is its own transaction), and again when the database fails. An AppError is
 * the answer and is thrown at once; when the last try fails too, `database_unavailable` (503).
 */
export async function retried<T>(work: () => Promise<T>, { attempts = 2, delayMs = 50, onFailure }: RetryOptions = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      await onFailure?.().catch(() => undefined);
      if (attempt >= attempts) throw new AppError("database_unavailable", undefined, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, delayMs * attempt));
    }
  }
}
