import "server-only";
import { changingMetering } from "@/db/metering-changes";
import { and, asc, count, eq, sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { teamMembers, teams, usageEvents, users, type BudgetMode, type Team } from "@/db/schema";

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
  return changingMetering(async () => {
    const db = executor ?? (await getDb());
    const [row] = await db.update(teams).set({ ...values, updatedAt: new Date() }).where(eq(teams.id, id)).returning();
    return row;
  });
}

export async function deleteTeam({ id }: { id: string }, executor?: DbExecutor): Promise<Team | undefined> {
  return changingMetering(async () => {
    const db = executor ?? (await getDb());
    const [row] = await db.delete(teams).where(eq(teams.id, id)).returning();
    return row;
  });
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
  return changingMetering(async () => {
    const db = executor ?? (await getDb());
    if (teamId === null) {
      await db.delete(teamMembers).where(eq(teamMembers.userId, userId));
      return;
    }
    await db
      .insert(teamMembers)
      .values({ userId, teamId, isAdmin })
      .onConflictDoUpdate({ target: teamMembers.userId, set: { teamId, isAdmin, addedAt: sql`case when ${teamMembers.teamId} = ${teamId}::uuid then ${teamMembers.addedAt} else now() end` } });
  });
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

export interface MemberSpend {
  userId: string;
  email: string;
  name: string | null;
  isAdmin: boolean;
  costNano: number;
  requests: number;
  lastActiveAt: Date | null;
}

/** Each member's spend and requests since `since` (the team dashboard), largest spend first. */
export async function listMemberSpend({ teamId, since }: { teamId: string; since: Date }, executor?: DbExecutor): Promise<MemberSpend[]> {
  const db = executor ?? (await getDb());
  const result = (await db.execute(sql`
    select u.id as user_id, u.email, u.name, m.is_admin,
      coalesce(sum(e.cost_nano), 0) as cost, count(e.id) as requests, max(e.created_at) as last_active
    from ${teamMembers} m
    join ${users} u on u.id = m.user_id
    left join ${usageEvents} e on e.user_id = m.user_id and e.created_at >= ${since.toISOString()}::timestamptz
    where m.team_id = ${teamId}
    group by u.id, u.email, u.name, m.is_admin
    order by cost desc, u.email`)) as unknown as {
    rows: { user_id: string; email: string; name: string | null; is_admin: boolean; cost: string | number; requests: string | number; last_active: string | Date | null }[];
  };
  return result.rows.map((r) => ({
    userId: r.user_id,
    email: r.email,
    name: r.name,
    isAdmin: r.is_admin,
    costNano: Number(r.cost),
    requests: Number(r.requests),
    lastActiveAt: r.last_active === null ? null : new Date(r.last_active),
  }));
}

/** Spend per team since `since` (members as they are now), plus the spend of users in no team under `null`. */
export async function spendByTeam({ since }: { since: Date }, executor?: DbExecutor): Promise<{ teamId: string | null; costNano: number; requests: number }[]> {
  const db = executor ?? (await getDb());
  const result = (await db.execute(sql`
    select m.team_id, coalesce(sum(e.cost_nano), 0) as cost, count(*) as requests
    from ${usageEvents} e left join ${teamMembers} m on m.user_id = e.user_id
    where e.created_at >= ${since.toISOString()}::timestamptz
    group by m.team_id`)) as unknown as { rows: { team_id: string | null; cost: string | number; requests: string | number }[] };
  return result.rows.map((r) => ({ teamId: r.team_id, costNano: Number(r.cost), requests: Number(r.requests) }));
}
