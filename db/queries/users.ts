import "server-only";
import { and, asc, count, eq, ilike, or, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { oauthAccounts, users, type User, type UserRole } from "@/db/schema";
import { bumpedSessionVersion, revokeUserSessions } from "@/db/queries/sessions";
import { AppError } from "@/lib/errors";
import { isUuid } from "@/lib/validation/id";

/** Postgres unique_violation, whichever driver (or drizzle wrapper) reports it. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}

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
}): Promise<User> {
  const db = await getDb();
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

export async function getUserByEmail({ email }: { email: string }): Promise<User | undefined> {
  const db = await getDb();
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return user;
}

export async function getUserById({ id }: { id: string }): Promise<User | undefined> {
  if (!isUuid(id)) return undefined;
  const db = await getDb();
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
}): Promise<boolean> {
  const db = await getDb();
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

export async function recordSignIn({ id }: { id: string }): Promise<void> {
  const db = await getDb();
  await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, id));
}

export interface UserListRow {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
  disabledAt: Date | null;
  createdAt: Date;
  lastSignInAt: Date | null;
}

export async function listUsers({
  search,
  limit,
  offset,
}: {
  search?: string;
  limit: number;
  offset: number;
}): Promise<{ rows: UserListRow[]; total: number }> {
  const db = await getDb();
  const pattern = search ? `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const where = pattern ? or(ilike(users.email, pattern), ilike(users.name, pattern)) : undefined;
  const [rows, [totalRow]] = await Promise.all([
    db
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        disabledAt: users.disabledAt,
        createdAt: users.createdAt,
        lastSignInAt: users.lastSignInAt,
      })
      .from(users)
      .where(where)
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(limit)
      .offset(offset),
    db.select({ total: count() }).from(users).where(where),
  ]);
  return { rows, total: totalRow?.total ?? 0 };
}

export async function getUserByOAuthAccount({
  provider,
  providerAccountId,
}: {
  provider: string;
  providerAccountId: string;
}): Promise<User | undefined> {
  const db = await getDb();
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
}): Promise<void> {
  const db = await getDb();
  await db.insert(oauthAccounts).values({ userId, provider, providerAccountId }).onConflictDoNothing();
}
