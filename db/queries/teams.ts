import "server-only";
import { and, asc, count, eq, sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { teamMembers, teams, users, type BudgetMode, type Team } from "@/db/schema";

export interface TeamWithCounts extends Team {
  members: number;
  admins: number;
}

export async function listTeams(executor?: DbExecutor): Promise<TeamWithCounts[]> {
  const db = executor ?? (await getDb());
  const rows = await db
    .select({
      team: teams,
      members: count(teamMembers.userId),
      admins: sql<number>`count(*) filter (where ${teamMembers.isAdmin})`,
    })
    .from(teams)
    .leftJoin(teamMembers, eq(teamMembers.teamId, teams.id))
    .groupBy(teams.id)
    .orderBy(asc(teams.name));
  return rows.map((r) => ({ ...r.team, members: Number(r.members), admins: Number(r.admins) }));
}

export async function getTeam({ id }: { id: string }, executor?: DbExecutor): Promise<Team | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db.select().from(teams).where(eq(teams.id, id));
  return row;
}

/** Creates a team; undefined when the name (case-insensitively) is taken. */
export async function createTeam({ name }: { name: string }, executor?: DbExecutor): Promise<Team | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db.insert(teams).values({ name }).onConflictDoNothing().returning();
  return row;
}

export async function updateTeam(
  { id, values }: { id: string; values: Partial<{ name: string; monthlyCostLimitNano: number | null; mode: BudgetMode }> },
  executor?: DbExecutor,
): Promise<Team | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db.update(teams).set({ ...values, updatedAt: new Date() }).where(eq(teams.id, id)).returning();
  return row;
}

export async function deleteTeam({ id }: { id: string }, executor?: DbExecutor): Promise<Team | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db.delete(teams).where(eq(teams.id, id)).returning();
  return row;
}

export interface Membership {
  teamId: string;
  teamName: string;
  isAdmin: boolean;
}

export async function getMembership({ userId }: { userId: string }, executor?: DbExecutor): Promise<Membership | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db
    .select({ teamId: teams.id, teamName: teams.name, isAdmin: teamMembers.isAdmin })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(eq(teamMembers.userId, userId));
  return row;
}

/** Puts a user in a team (out of any other: one team each), or out of every team with `teamId` null. */
export async function setMembership(
  { userId, teamId, isAdmin }: { userId: string; teamId: string | null; isAdmin: boolean },
  executor?: DbExecutor,
): Promise<void> {
  const db = executor ?? (await getDb());
  if (teamId === null) {
    await db.delete(teamMembers).where(eq(teamMembers.userId, userId));
    return;
  }
  await db
    .insert(teamMembers)
    .values({ userId, teamId, isAdmin })
    .onConflictDoUpdate({ target: teamMembers.userId, set: { teamId, isAdmin, addedAt: sql`case when ${teamMembers.teamId} = ${teamId}::uuid then ${teamMembers.addedAt} else now() end` } });
}

/** The team's admins who may be notified (enabled, active accounts). */
export async function listTeamAdminIds({ teamId }: { teamId: string }, executor?: DbExecutor): Promise<string[]> {
  const db = executor ?? (await getDb());
  const rows = await db
    .select({ id: users.id })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.isAdmin, true), sql`${users.disabledAt} is null`, eq(users.status, "active")));
  return rows.map((r) => r.id);
}

export interface TeamMemberRow {
  userId: string;
  email: string;
  name: string | null;
  isAdmin: boolean;
}

export async function listTeamMembers({ teamId }: { teamId: string }, executor?: DbExecutor): Promise<TeamMemberRow[]> {
  const db = executor ?? (await getDb());
  return db
    .select({ userId: users.id, email: users.email, name: users.name, isAdmin: teamMembers.isAdmin })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(eq(teamMembers.teamId, teamId))
    .orderBy(asc(users.email));
}
