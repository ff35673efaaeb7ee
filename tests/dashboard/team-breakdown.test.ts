import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { createTeam, setMembership } from "@/db/queries/teams";
import { users } from "@/db/schema";
import type { UsageBreakdown, UsageTimeseries } from "@/lib/dashboard/contract";
import { recordUsage, type UsageRecord } from "@/lib/usage/recorder";
import { newUser, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/** The admin dashboards group by team as well as by user: the team breakdown and series add up to each team's events. */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const orgBreakdown = await import("@/app/api/admin/usage/breakdown/route");
const orgTimeseries = await import("@/app/api/admin/usage/timeseries/route");
const db = freshDatabasePerFile();

function event(userId: string, costNano: number, at: Date): UsageRecord {
  return {
    requestId: `${randomUUID()}:0`,
    userId,
    provider: "openai",
    model: "gpt-4o-mini",
    feature: "chat",
    keySource: "user",
    usage: { inputNoCache: 100, cacheRead: 0, cacheWrite: 0, output: 10, reasoning: 0 },
    costNano,
    costSource: "price_book",
    estimated: false,
    status: "ok",
    latencyMs: 50,
    startedAt: new Date(at.getTime() - 50),
    finishedAt: at,
  };
}

describe("admin dashboards by team", () => {
  it("breaks spend down by team (members' current team; 'No team' for the rest) and charts it by team", async () => {
    const admin = await newUser("team-admin");
    await db.current().db.update(users).set({ role: "admin" }).where(eq(users.id, admin.id));
    const suffix = randomUUID().slice(0, 6);
    const red = (await createTeam({ name: `Red ${suffix}` }))!;
    const blue = (await createTeam({ name: `Blue ${suffix}` }))!;
    const [a, b, c] = [await newUser("team-a"), await newUser("team-b"), await newUser("team-c")];
    await setMembership({ userId: a.id, teamId: red.id, isAdmin: false });
    await setMembership({ userId: b.id, teamId: blue.id, isAdmin: false });
    const at = new Date(Date.now() - 60_000);
    await recordUsage([event(a.id, 1_000_000, at), event(a.id, 250_000, at)]);
    await recordUsage([event(b.id, 700_000, at)]);
    await recordUsage([event(c.id, 40_000, at)]);

    signIn(admin);
    const breakdown = (await (await orgBreakdown.GET(new Request("http://localhost/api/admin/usage/breakdown?range=7d&by=team"))).json()) as UsageBreakdown;
    const byTeam = Object.fromEntries(breakdown.rows.map((row) => [row.label, row.costNano]));
    expect(byTeam[red.name]).toBe(1_250_000);
    expect(byTeam[blue.name]).toBe(700_000);
    expect(byTeam["No team"]).toBeGreaterThanOrEqual(40_000);

    const series = (await (await orgTimeseries.GET(new Request("http://localhost/api/admin/usage/timeseries?range=7d&groupBy=team"))).json()) as UsageTimeseries;
    expect(series.keys).toEqual(expect.arrayContaining([red.name, blue.name]));
    const total = (key: string) => series.points.reduce((sum, p) => sum + (p.values[key] ?? 0), 0);
    expect(total(red.name)).toBe(1_250_000);
    expect(total(blue.name)).toBe(700_000);
  });
});
