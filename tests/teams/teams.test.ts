import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { getBudgets } from "@/db/queries/settings";
import { getMembership, listMemberSpend, listTeams } from "@/db/queries/teams";
import { users } from "@/db/schema";
import type { ActionState } from "@/lib/http/action";
import { newUser, recordSpend, session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const teamActions = await import("@/app/(app)/admin/teams/actions");
const userTeamActions = await import("@/app/(app)/admin/users/[id]/team-actions");
const { default: TeamPage } = await import("@/app/(app)/team/page");
const db = freshDatabasePerFile();

type Action = (state: ActionState, data: FormData) => Promise<ActionState>;
const run = (action: Action, values: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.append(k, v);
  return action({}, data);
};

async function newAdmin() {
  const admin = await newUser("admin");
  await db.current().db.update(users).set({ role: "admin" }).where(eq(users.id, admin.id));
  return admin;
}

async function makeTeam(name: string) {
  const state = await run(teamActions.createTeamAction, { name });
  expect(state.ok, JSON.stringify(state)).toBe(true);
  return (await listTeams()).find((t) => t.name === name)!;
}

describe("teams", () => {
  it("an admin creates teams, puts users in one team each, names team admins and sets a team budget", async () => {
    signIn(await newAdmin());
    const suffix = randomUUID().slice(0, 6);
    const red = await makeTeam(`Red ${suffix}`);
    const blue = await makeTeam(`Blue ${suffix}`);
    expect((await run(teamActions.createTeamAction, { name: `red ${suffix}` })).fieldErrors?.name).toBeDefined();
    const member = await newUser("member");
    expect(await run(userTeamActions.setUserTeamAction, { userId: member.id, teamId: red.id })).toMatchObject({ ok: true });
    expect(await run(userTeamActions.setUserTeamAction, { userId: member.id, teamId: blue.id, teamAdmin: "on" })).toMatchObject({ ok: true });
    expect(await getMembership({ userId: member.id })).toMatchObject({ teamId: blue.id, isAdmin: true });
    expect(await run(userTeamActions.setUserTeamAction, { userId: member.id, teamId: randomUUID() })).toMatchObject({ fieldErrors: { teamId: expect.any(Array) } });

    expect(await run(teamActions.saveTeamBudgetAction, { teamId: blue.id, monthlyUsd: "25", mode: "enforce" })).toMatchObject({ ok: true });
    for (const monthlyUsd of ["-1", "999999999", "abc"]) {
      expect((await run(teamActions.saveTeamBudgetAction, { teamId: blue.id, monthlyUsd, mode: "enforce" })).fieldErrors?.monthlyUsd, monthlyUsd).toBeDefined();
    }
    expect((await getBudgets({ userId: member.id })).team).toMatchObject({ teamId: blue.id, monthlyCostLimitNano: 25_000_000_000 });

    // Not an admin: refused on the server.
    signIn(member);
    expect((await run(teamActions.createTeamAction, { name: `Green ${suffix}` })).error).toBeTruthy();
    expect((await run(userTeamActions.setUserTeamAction, { userId: member.id, teamId: red.id })).error).toBeTruthy();
    expect(await getMembership({ userId: member.id })).toMatchObject({ teamId: blue.id });
    session.current = null;
  });

  it("a team admin sees their own team's members and spend on /team; anyone else gets a 404", async () => {
    const admin = await newAdmin();
    signIn(admin);
    const suffix = randomUUID().slice(0, 6);
    const mine = await makeTeam(`Mine ${suffix}`);
    const other = await makeTeam(`Other ${suffix}`);
    const lead = await newUser("lead");
    const mate = await newUser("mate");
    const stranger = await newUser("stranger");
    await run(userTeamActions.setUserTeamAction, { userId: lead.id, teamId: mine.id, teamAdmin: "on" });
    await run(userTeamActions.setUserTeamAction, { userId: mate.id, teamId: mine.id });
    await run(userTeamActions.setUserTeamAction, { userId: stranger.id, teamId: other.id });
    await recordSpend(mate.id, 1_230_000_000);
    await recordSpend(stranger.id, 9_000_000_000);

    const spend = await listMemberSpend({ teamId: mine.id, since: new Date(Date.now() - 86_400_000) });
    expect(spend.map((m) => [m.email, m.costNano])).toEqual([
      [mate.email, 1_230_000_000],
      [lead.email, 0],
    ]);

    signIn(lead);
    const html = renderToStaticMarkup(await TeamPage());
    expect(html).toContain(mate.email);
    expect(html).toContain("$1.23");
    expect(html).not.toContain(stranger.email);

    // The CSV export carries the team (its name now) in its column.
    const { exportUsageCsv } = await import("@/lib/dashboard/csv-export");
    const day = new Date().toISOString().slice(0, 10);
    const range = { from: day, to: day, timeZone: "UTC", startsAt: new Date(Date.now() - 86_400_000).toISOString(), endsAt: new Date(Date.now() + 60_000).toISOString() };
    const csv = await exportUsageCsv({ userId: mate.id, range: range as never }).text();
    const [header, line] = csv.trim().split("\r\n");
    const teamColumn = header!.split(",").indexOf("team");
    expect(teamColumn).toBeGreaterThan(0);
    expect(line!.split(",")[teamColumn]).toBe(`Mine ${suffix}`);

    // The organisation's breakdown groups by team (by name; users in no team under "No team").
    const { breakdownDailyUsage, hourlySeries } = await import("@/db/queries/usage-reports");
    const shift = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    const byTeam = new Map((await breakdownDailyUsage({ userId: null, from: shift(-1), to: shift(1), by: "team" })).map((r) => [r.key, r.costNano]));
    expect(byTeam.get(`Mine ${suffix}`)).toBe(1_230_000_000);
    expect(byTeam.get(`Other ${suffix}`)).toBe(9_000_000_000);
    const hours = await hourlySeries({ userId: null, startsAt: range.startsAt, endsAt: range.endsAt, groupBy: "team" });
    expect(hours.filter((h) => h.key === `Mine ${suffix}`).reduce((sum, h) => sum + h.costNano, 0)).toBe(1_230_000_000);
    for (const who of [mate, stranger]) {
      signIn(who);
      await expect(TeamPage()).rejects.toThrow(/NEXT_HTTP_ERROR_FALLBACK;404|NEXT_NOT_FOUND/);
    }
    session.current = null;
  });
});
