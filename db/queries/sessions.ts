import "server-only";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { userSessions, users, type User } from "@/db/schema";
import { isUuid } from "@/lib/validation/id";

/**
 * Sign-in sessions. Every session token (JWT) names its row here (`sid`) and the user's session version at sign-in
 * (`sv`); a token counts only while its row is neither revoked nor expired and the version still matches. Times come
 * from the app's clock (not the database's), like everywhere else.
 */

/** `session_version + 1`, for the update that disables a user, changes their role or password: ends all their sessions. */
export function bumpedSessionVersion() {
  return sql`${users.sessionVersion} + 1`;
}

/** A new session row for a user; null when the user does not exist. */
export async function createSession({
  userId,
  now,
  expiresAt,
}: {
  userId: string;
  now: Date;
  expiresAt: Date;
}, executor?: DbExecutor): Promise<{ id: string; sessionVersion: number } | null> {
  if (!isUuid(userId)) return null;
  const db = executor ?? (await getDb());
  return db.transaction(async (tx) => {
    const [user] = await tx.select({ sessionVersion: users.sessionVersion }).from(users).where(eq(users.id, userId));
    if (!user) return null;
    const [row] = await tx.insert(userSessions).values({ userId, createdAt: now, expiresAt }).returning({ id: userSessions.id });
    return { id: row!.id, sessionVersion: user.sessionVersion };
  });
}

/**
 * The user of a session token, in one query: the user row, if the session row exists for that user, is neither revoked
 * nor expired, and was issued at the user's current session version.
 */
export async function getUserForSession({
  userId,
  sessionId,
  sessionVersion,
  now,
}: {
  userId: string;
  sessionId: string;
  sessionVersion: number;
  now: Date;
}, executor?: DbExecutor): Promise<User | undefined> {
  if (!isUuid(userId) || !isUuid(sessionId) || !Number.isSafeInteger(sessionVersion)) return undefined;
  const db = executor ?? (await getDb());
  const [row] = await db
    .select({ user: users })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(
      and(
        eq(userSessions.id, sessionId),
        eq(userSessions.userId, userId),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, now),
        eq(users.sessionVersion, sessionVersion),
      ),
    )
    .limit(1);
  return row?.user;
}

/** Ends one session (sign-out). Revoking twice keeps the first time. */
export async function revokeSession({ id, now }: { id: string; now: Date }, executor?: DbExecutor): Promise<void> {
  if (!isUuid(id)) return;
  const db = executor ?? (await getDb());
  await db
    .update(userSessions)
    .set({ revokedAt: now })
    .where(and(eq(userSessions.id, id), isNull(userSessions.revokedAt)));
}

/** Ends every open session of a user (in the caller's transaction when given one). */
export async function revokeUserSessions(
  { userId, now }: { userId: string; now: Date },
  executor?: DbExecutor,
): Promise<void> {
  const db = executor ?? (await getDb());
  await db
    .update(userSessions)
    .set({ revokedAt: now })
    .where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt)));
}
