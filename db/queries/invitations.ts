import "server-only";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { invitations, teams, users, type Invitation, type UserRole } from "@/db/schema";
import { isUuid } from "@/lib/validation/id";

export async function insertInvitation(
  values: { tokenHash: string; email: string | null; role: UserRole; teamId?: string | null; expiresAt: Date; createdBy: string },
  executor?: DbExecutor,
): Promise<Invitation> {
  const db = executor ?? (await getDb());
  const [row] = await db.insert(invitations).values(values).returning();
  return row!;
}

export type InvitationListRow = Invitation & { usedByEmail: string | null; teamName: string | null };

/** Newest first, with the email of the account each used invitation created. */
export async function listInvitations({ limit = 200 }: { limit?: number } = {}, executor?: DbExecutor): Promise<InvitationListRow[]> {
  const db = executor ?? (await getDb());
  const rows = await db
    .select({ invitation: invitations, usedByEmail: users.email, teamName: teams.name })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.usedBy))
    .leftJoin(teams, eq(teams.id, invitations.teamId))
    .orderBy(desc(invitations.createdAt), desc(invitations.id))
    .limit(limit);
  return rows.map((r) => ({ ...r.invitation, usedByEmail: r.usedByEmail, teamName: r.teamName }));
}

/** The invitation with this token hash, locked for update until the caller's transaction ends. */
export async function lockInvitationByHash({ tokenHash }: { tokenHash: string }, executor: DbExecutor): Promise<Invitation | undefined> {
  const [row] = await executor.select().from(invitations).where(eq(invitations.tokenHash, tokenHash)).for("update");
  return row;
}

export async function getInvitationByHash({ tokenHash }: { tokenHash: string }, executor?: DbExecutor): Promise<Invitation | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db.select().from(invitations).where(eq(invitations.tokenHash, tokenHash));
  return row;
}

/**
 * Marks the invitation used by `userId` — only while it is still unused, unrevoked and unexpired, in one statement.
 * Returns false when it no longer is (nothing is written): the caller's registration must not go ahead.
 */
export async function markInvitationUsed(
  { id, userId, now }: { id: string; userId: string; now: Date },
  executor?: DbExecutor,
): Promise<boolean> {
  const db = executor ?? (await getDb());
  const updated = await db
    .update(invitations)
    .set({ usedAt: now, usedBy: userId })
    .where(and(eq(invitations.id, id), isNull(invitations.usedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)))
    .returning({ id: invitations.id });
  return updated.length === 1;
}

/** Revokes an unused, unrevoked invitation; returns it (as revoked), or undefined when there was nothing to revoke. */
export async function revokeInvitation(
  { id, revokedBy, now }: { id: string; revokedBy: string; now: Date },
  executor?: DbExecutor,
): Promise<Invitation | undefined> {
  if (!isUuid(id)) return undefined;
  const db = executor ?? (await getDb());
  const [row] = await db
    .update(invitations)
    .set({ revokedAt: now, revokedBy })
    .where(and(eq(invitations.id, id), isNull(invitations.usedAt), isNull(invitations.revokedAt)))
    .returning();
  return row;
}

export async function getInvitationById({ id }: { id: string }, executor?: DbExecutor): Promise<Invitation | undefined> {
  if (!isUuid(id)) return undefined;
  const db = executor ?? (await getDb());
  const [row] = await db.select().from(invitations).where(eq(invitations.id, id));
  return row;
}
