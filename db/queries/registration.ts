import "server-only";
import { and, asc, count, eq, isNull, sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { registrationPolicy, users, type RegistrationPolicyRow, type User, type UserRole, type UserStatus } from "@/db/schema";
import { isUuid } from "@/lib/validation/id";

export type PolicyValues = Pick<RegistrationPolicyRow, "mode" | "allowedDomains" | "approvalRequired">;

/** The policy row; created from `seed` (the environment's starting policy) when there is none yet. */
export async function getOrSeedRegistrationPolicy(seed: () => PolicyValues, executor?: DbExecutor): Promise<RegistrationPolicyRow> {
  const db = executor ?? (await getDb());
  const [row] = await db.select().from(registrationPolicy).where(eq(registrationPolicy.id, 1));
  if (row) return row;
  const [created] = await db.insert(registrationPolicy).values({ id: 1, ...seed() }).onConflictDoNothing().returning();
  if (created) return created;
  // Another request seeded it meanwhile: theirs stands.
  const [theirs] = await db.select().from(registrationPolicy).where(eq(registrationPolicy.id, 1));
  return theirs!;
}

export async function saveRegistrationPolicy(
  { values, updatedBy }: { values: PolicyValues; updatedBy: string },
  executor?: DbExecutor,
): Promise<RegistrationPolicyRow> {
  const db = executor ?? (await getDb());
  const now = new Date();
  const [row] = await db
    .insert(registrationPolicy)
    .values({ id: 1, ...values, updatedBy, updatedAt: now })
    .onConflictDoUpdate({ target: registrationPolicy.id, set: { ...values, updatedBy, updatedAt: now } })
    .returning();
  return row!;
}

// The same advisory lock key as createUser's (db/queries/users.ts): registrations are serialised with account
// creation, so "is this the first account?" cannot change between the policy decision and the insert.
const FIRST_USER_LOCK = 0x5b0a4d;

/** Takes the account-creation lock until the transaction ends and says how many accounts exist under it. */
export async function lockAccountCreation(executor: DbExecutor): Promise<{ existingUsers: number }> {
  await executor.execute(sql`select pg_advisory_xact_lock(${FIRST_USER_LOCK})`);
  const [row] = await executor.select({ n: count() }).from(users);
  return { existingUsers: Number(row?.n ?? 0) };
}

export async function countUsers(executor?: DbExecutor): Promise<number> {
  const db = executor ?? (await getDb());
  const [row] = await db.select({ n: count() }).from(users);
  return Number(row?.n ?? 0);
}

/** Sets a just-created account's role and status (from its invitation and the policy). */
export async function setAdmission(
  { id, role, status }: { id: string; role: UserRole; status: UserStatus },
  executor?: DbExecutor,
): Promise<User> {
  const db = executor ?? (await getDb());
  const [row] = await db.update(users).set({ role, status, updatedAt: new Date() }).where(eq(users.id, id)).returning();
  return row!;
}

/** Who to tell that an account waits for approval. */
export async function listEnabledAdminIds(executor?: DbExecutor): Promise<string[]> {
  const db = executor ?? (await getDb());
  const rows = await db.select({ id: users.id }).from(users).where(and(eq(users.role, "admin"), isNull(users.disabledAt), eq(users.status, "active")));
  return rows.map((r) => r.id);
}

export type PendingUser = Pick<User, "id" | "email" | "name" | "createdAt" | "status">;

/** Accounts waiting for an admin (pending first, then rejected ones, oldest first). */
export async function listUsersAwaitingReview(executor?: DbExecutor): Promise<PendingUser[]> {
  const db = executor ?? (await getDb());
  return db
    .select({ id: users.id, email: users.email, name: users.name, createdAt: users.createdAt, status: users.status })
    .from(users)
    .where(sql`${users.status} <> 'active'`)
    .orderBy(sql`${users.status} = 'rejected'`, asc(users.createdAt))
    .limit(500);
}

/**
 * Moves an account from `from` to `to` (approve: pending/rejected → active; reject: pending → rejected). Returns the
 * user as it was, or undefined when it does not exist or is not in `from` (nothing is written then).
 */
export async function reviewUser(
  { id, from, to, now }: { id: string; from: UserStatus[]; to: UserStatus; now: Date },
  executor?: DbExecutor,
): Promise<User | undefined> {
  if (!isUuid(id)) return undefined;
  const db = executor ?? (await getDb());
  const [before] = await db.select().from(users).where(eq(users.id, id)).for("update");
  if (!before || !from.includes(before.status)) return undefined;
  await db
    .update(users)
    .set({ status: to, approvedAt: to === "active" ? now : before.approvedAt, updatedAt: now })
    .where(and(eq(users.id, id), eq(users.status, before.status)));
  return before;
}
