import "server-only";
import { and, eq, gt, isNull, sql, type SQL } from "drizzle-orm";
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

/** What a session token claims: its user, its session row and the user's session version when it was issued. */
export interface SessionClaimed {
  userId: string;
  sessionId: string;
  sessionVersion: number;
}

/**
 * The condition on `users` under which a token's claim holds: that user, at that session version, with the session row
 * existing for them, neither revoked nor expired. Null when the claim cannot hold (not ids at all).
 */
export function sessionHolds({ userId, sessionId, sessionVersion }: SessionClaimed, now: Date): SQL | null {
  if (!isUuid(userId) || !isUuid(sessionId) || !Number.isSafeInteger(sessionVersion)) return null;
  return and(
    eq(users.id, userId),
    eq(users.sessionVersion, sessionVersion),
    sql`exists (select 1 from ${userSessions} where ${and(eq(userSessions.id, sessionId), eq(userSessions.userId, userId), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, now))})`,
  )!;
}

/** The user of a session token, in one query: the user row, if the claim holds (sessionHolds). */
export async function getUserForSession({ now, ...claim }: SessionClaimed & { now: Date }, executor?: DbExecutor): Promise<User | undefined> {
  const holds = sessionHolds(claim, now);
  if (!holds) return undefined;
  const db = executor ?? (await getDb());
  const [row] = await db.select().from(users).where(holds).limit(1);
  return row;
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
