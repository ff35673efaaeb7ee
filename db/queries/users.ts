import "server-only";
import { and, count, eq, isNull, ne, sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { oauthAccounts, users, type User, type UserRole } from "@/db/schema";
import { isUniqueViolation } from "@/db/sql-state";
import { bumpedSessionVersion, revokeUserSessions } from "@/db/queries/sessions";
import { AppError } from "@/lib/errors";
import { isUuid } from "@/lib/validation/id";

// Serialises account creation so that exactly one account can ever be the first (and become admin).
const FIRST_USER_LOCK = 0x5b0a4d;

export async function createUser({
  email,
  name,
  passwordHash,
  image,
}: {
  email: string;
  name?: string | null;
  passwordHash?: string | null;
  image?: string | null;
}, executor?: DbExecutor): Promise<User> {
  const db = executor ?? (await getDb());
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${FIRST_USER_LOCK})`);
      const [{ existing } = { existing: 0 }] = await tx.select({ existing: count() }).from(users);
      const role: UserRole = existing === 0 ? "admin" : "user";
      const [user] = await tx
        .insert(users)
        .values({ email, name: name ?? null, passwordHash: passwordHash ?? null, image: image ?? null, role })
        .returning();
      return user!;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("email_taken", undefined, { details: { field: "email" } });
    throw error;
  }
}

export async function getUserByEmail({ email }: { email: string }, executor?: DbExecutor): Promise<User | undefined> {
  const db = executor ?? (await getDb());
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return user;
}

export async function getUserById({ id }: { id: string }, executor?: DbExecutor): Promise<User | undefined> {
  if (!isUuid(id)) return undefined;
  const db = executor ?? (await getDb());
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return user;
}

/**
 * Sets a new password hash and ends every session of the user (version bump and session rows revoked) in one
 * transaction. Returns false if the stored hash is no longer `expectedHash` (changed meanwhile): nothing is written.
 */
export async function setPasswordEndingSessions({
  id,
  expectedHash,
  passwordHash,
  now,
}: {
  id: string;
  expectedHash: string;
  passwordHash: string;
  now: Date;
}, executor?: DbExecutor): Promise<boolean> {
  const db = executor ?? (await getDb());
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(users)
      .set({ passwordHash, sessionVersion: bumpedSessionVersion(), updatedAt: now })
      .where(and(eq(users.id, id), eq(users.passwordHash, expectedHash)))
      .returning({ id: users.id });
    if (updated.length === 0) return false;
    await revokeUserSessions({ userId: id, now }, tx);
    return true;
  });
}

export async function recordSignIn({ id }: { id: string }, executor?: DbExecutor): Promise<void> {
  const db = executor ?? (await getDb());
  await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, id));
}

export async function getUserByOAuthAccount({
  provider,
  providerAccountId,
}: {
  provider: string;
  providerAccountId: string;
}, executor?: DbExecutor): Promise<User | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db
    .select({ user: users })
    .from(oauthAccounts)
    .innerJoin(users, eq(users.id, oauthAccounts.userId))
    .where(and(eq(oauthAccounts.provider, provider), eq(oauthAccounts.providerAccountId, providerAccountId)))
    .limit(1);
  return row?.user;
}

export async function linkOAuthAccount({
  userId,
  provider,
  providerAccountId,
}: {
  userId: string;
  provider: string;
  providerAccountId: string;
}, executor?: DbExecutor): Promise<void> {
  const db = executor ?? (await getDb());
  await db.insert(oauthAccounts).values({ userId, provider, providerAccountId }).onConflictDoNothing();
}

// ---------------------------------------------------------------------------------------------------------------
// Admin changes to a user. Each runs in the caller's transaction, next to its audit row.

// Serialises role and disable changes, so two admins acting at once cannot leave the deployment without an enabled admin.
const ADMIN_SET_LOCK = 0x5b0a4e;

/**
 * Takes the admin-set lock (held until the transaction ends) and reads the acting user's role and disabled time
 * under it: another admin may have just changed them. Undefined when the user no longer exists.
 */
export async function lockAdminSet(
  { actorId }: { actorId: string },
  executor: DbExecutor,
): Promise<Pick<User, "role" | "disabledAt"> | undefined> {
  await executor.execute(sql`select pg_advisory_xact_lock(${ADMIN_SET_LOCK})`);
  const [row] = await executor.select({ role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, actorId));
  return row;
}

/** A user row locked for update until the caller's transaction ends. */
export async function lockUser({ id }: { id: string }, executor: DbExecutor): Promise<User | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await executor.select().from(users).where(eq(users.id, id)).for("update");
  return row;
}

/** How many enabled admins there are besides `exceptId`. */
export async function countOtherEnabledAdmins({ exceptId }: { exceptId: string }, executor?: DbExecutor): Promise<number> {
  const db = executor ?? (await getDb());
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, "admin"), isNull(users.disabledAt), ne(users.id, exceptId)));
  return Number(row?.n ?? 0);
}

/** A new role ends the user's sessions (version bump): they sign in again under it. */
export async function setUserRole({ id, role }: { id: string; role: UserRole }, executor?: DbExecutor): Promise<void> {
  const db = executor ?? (await getDb());
  await db.update(users).set({ role, sessionVersion: bumpedSessionVersion(), updatedAt: new Date() }).where(eq(users.id, id));
}

/** Disabling ends every session of the user at its next request (version bump). */
export async function disableUser({ id }: { id: string }, executor?: DbExecutor): Promise<void> {
  const db = executor ?? (await getDb());
  const now = new Date();
  await db.update(users).set({ disabledAt: now, sessionVersion: bumpedSessionVersion(), updatedAt: now }).where(eq(users.id, id));
}

export async function enableUser({ id }: { id: string }, executor?: DbExecutor): Promise<void> {
  const db = executor ?? (await getDb());
  await db.update(users).set({ disabledAt: null, updatedAt: new Date() }).where(eq(users.id, id));
}
