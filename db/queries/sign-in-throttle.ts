import "server-only";
import { eq, inArray, sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { signInThrottle, type SignInThrottleRow } from "@/db/schema";

/**
 * Failed sign-ins per throttle key (`account:<email>`, `ip:<address>`), in the database so every server process sees
 * the same counts. The policy (how many are free, how long a lock lasts) is in lib/auth/sign-in-throttle.ts; times
 * come from the app's clock.
 */

const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;

export async function getThrottleRows({ keys }: { keys: string[] }, executor?: DbExecutor): Promise<SignInThrottleRow[]> {
  if (keys.length === 0) return [];
  const db = executor ?? (await getDb());
  return db.select().from(signInThrottle).where(inArray(signInThrottle.key, keys));
}

/**
 * Counts one failure for a key, atomically (parallel failures each count). A count whose last failure is older than
 * `resetBefore` starts again at 1, without its old lock. Returns the new count.
 */
export async function recordThrottleFailure({
  key,
  now,
  resetBefore,
}: {
  key: string;
  now: Date;
  resetBefore: Date;
}, executor?: DbExecutor): Promise<number> {
  const db = executor ?? (await getDb());
  const stale = sql`${signInThrottle.lastFailureAt} < ${at(resetBefore)}`;
  const [row] = await db
    .insert(signInThrottle)
    .values({ key, failures: 1, lastFailureAt: now, lockedUntil: null })
    .onConflictDoUpdate({
      target: signInThrottle.key,
      set: {
        failures: sql`case when ${stale} then 1 else ${signInThrottle.failures} + 1 end`,
        lockedUntil: sql`case when ${stale} then null else ${signInThrottle.lockedUntil} end`,
        lastFailureAt: now,
      },
    })
    .returning({ failures: signInThrottle.failures });
  return row!.failures;
}

/** Locks a key until `until` (never shortens a longer lock set meanwhile by a parallel failure). */
export async function lockThrottleKey({ key, until }: { key: string; until: Date }, executor?: DbExecutor): Promise<void> {
  const db = executor ?? (await getDb());
  await db
    .update(signInThrottle)
    .set({ lockedUntil: sql`greatest(coalesce(${signInThrottle.lockedUntil}, ${at(until)}), ${at(until)})` })
    .where(eq(signInThrottle.key, key));
}

export async function clearThrottleKey({ key }: { key: string }, executor?: DbExecutor): Promise<void> {
  const db = executor ?? (await getDb());
  await db.delete(signInThrottle).where(eq(signInThrottle.key, key));
}
