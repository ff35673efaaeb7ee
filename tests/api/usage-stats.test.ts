import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { users } from "@/db/schema";
import { clearApiTokenCache } from "@/lib/api-tokens/authenticate";
import { startOfLocalDay, localDay } from "@/lib/budgets/periods";
import { recordSpend, session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";
import { extraToken, getWith, postJson, userWithToken } from "./track-support";

/**
 * GET /api/usage/stats against a real database: totals, by feature, source and skill for today, the last 7 days and
 * this month in the user's time zone, each checked against a direct SQL sum over usage_events with the period's
 * bounds computed by PostgreSQL itself; exact decimal cost strings; who may read.
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const { POST: track } = await import("@/app/api/track/route");
const { GET: stats } = await import("@/app/api/usage/stats/route");

const db = freshDatabasePerFile();
const ZONE = "America/Los_Angeles";

interface Group {
  calls: number;
  tokens: number;
  cost_usd: string;
  cost_nano: number;
  feature?: string;
  source?: string;
}
interface Stats {
  period: string;
  start_date: string;
  total_calls: number;
  total_tokens: number;
  total_cost_usd: string;
  total_cost_nano: number;
  by_feature: Group[];
  by_source: Group[];
  by_skill: { skill_id: string; uses: number; measured_uses: number; total_cost_nano: number; total_cost_usd: string; avg_cost_per_use_nano: number | null; predominant_model: string | null }[];
}

async function read(period: string | null, token?: string): Promise<{ status: number; body: Stats & { error?: { code: string } }; headers: Headers }> {
  const response = await stats(getWith(`/api/usage/stats${period ? `?period=${period}` : ""}`, token));
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** The same sums straight from usage_events, the period's start computed by PostgreSQL in the user's zone. */
async function directSums(userId: string, period: "today" | "week" | "month") {
  const local = sql`(now() at time zone ${ZONE})`;
  const startDay = period === "today" ? sql`${local}::date` : period === "week" ? sql`(${local}::date - 6)` : sql`date_trunc('month', ${local})::date`;
  const result = (await db.current().db.execute(sql`
    select count(*) as calls,
           coalesce(sum(input_no_cache_tokens + cache_read_tokens + cache_write_tokens + output_tokens), 0) as tokens,
           coalesce(sum(cost_nano), 0) as cost
    from usage_events
    where user_id = ${userId}::uuid and created_at >= (${startDay}::timestamp at time zone ${ZONE})`)) as unknown as { rows: Record<string, string | number>[] };
  const row = result.rows[0]!;
  return { calls: Number(row.calls), tokens: Number(row.tokens), cost: Number(row.cost) };
}

beforeEach(() => {
  clearApiTokenCache();
  session.current = null;
});

describe("GET /api/usage/stats", () => {
  it("sums today, the last 7 days and this month in the user's time zone exactly as a direct SQL sum does", async () => {
    const { user, token } = await userWithToken(["track", "read"]);
    await db.current().db.update(users).set({ timeZone: ZONE }).where(eq(users.id, user.id));
    const now = new Date();
    const today = localDay(now, ZONE);
    const [y, m, d] = today.split("-").map(Number) as [number, number, number];
    const startOfToday = startOfLocalDay(y, m, d, ZONE);
    const at = (msBeforeToday: number) => new Date(startOfToday.getTime() - msBeforeToday).toISOString();
    const hour = 3_600_000;
    const events = [
      { event_id: "t1", skill_id: "summarise", feature: "docs", model_name: "gpt-4o-mini", input_tokens: 1_000, output_tokens: 100, cost_usd: "0.1", ts: new Date(now.getTime() - 1_000).toISOString() },
      { event_id: "t2", skill_id: "summarise", feature: "docs", model_name: "gpt-4o-mini", input_tokens: 2_000, output_tokens: 200, cost_usd: "0.2", ts: new Date(now.getTime() - 2_000).toISOString() },
      { event_id: "t3", skill_id: "summarise", tool_name: "Read", ts: new Date(now.getTime() - 3_000).toISOString() },
      { event_id: "t4", skill_id: "triage", feature: "ops", model_name: "anthropic:claude-sonnet-4-5", input_tokens: 10, output_tokens: 1, cost_usd: "0.000000001", ts: new Date(now.getTime() - 4_000).toISOString() },
      // Last night in Los Angeles (maybe already today in UTC): in the week, not today.
      { event_id: "y1", skill_id: "summarise", feature: "docs", model_name: "claude-sonnet-4-5", input_tokens: 500, output_tokens: 50, cost_usd: "1.5", ts: at(hour) },
      // Five days ago: in the week; in the month only if the month started before it.
      { event_id: "w1", feature: "ops", model_name: "gpt-4o-mini", input_tokens: 100, output_tokens: 10, cost_usd: "0.05", ts: at(5 * 24 * hour) },
      // Twenty days ago: in neither the week nor (before the 21st) the month.
      { event_id: "m1", feature: "batch", model_name: "gpt-4o-mini", input_tokens: 100, output_tokens: 10, cost_usd: "0.07", ts: at(20 * 24 * hour) },
    ];
    const tracked = await track(postJson("/api/track", { events }, token));
    expect((await tracked.json()).accepted).toBe(events.length);
    // Chat usage of the same user counts too, under source chat.
    await recordSpend(user.id, 123_456_789);

    for (const period of ["today", "week", "month"] as const) {
      const { status, body } = await read(period, token);
      expect(status, period).toBe(200);
      const direct = await directSums(user.id, period);
      expect(body.total_calls, period).toBe(direct.calls);
      expect(body.total_tokens, period).toBe(direct.tokens);
      expect(body.total_cost_nano, period).toBe(direct.cost);
      expect(body.by_feature.reduce((n, g) => n + g.cost_nano, 0), period).toBe(direct.cost);
      expect(body.by_source.reduce((n, g) => n + g.calls, 0), period).toBe(direct.calls);
    }

    const today_ = (await read("today", token)).body;
    expect(today_).toMatchObject({ period: "today", start_date: today, total_calls: 5, total_cost_nano: 423_456_790, total_cost_usd: "0.42345679" });
    // By feature, most expensive first; cost_usd exact.
    expect(today_.by_feature.map((g) => [g.feature, g.calls, g.cost_usd])).toEqual([
      ["docs", 2, "0.3"],
      ["chat", 1, "0.123456789"],
      ["ops", 1, "0.000000001"],
      ["api", 1, "0"],
    ]);
    expect(today_.by_source.map((g) => [g.source, g.calls, g.cost_nano])).toEqual([
      ["track", 4, 300_000_001],
      ["chat", 1, 123_456_789],
    ]);
    // A use without token counts is a use, not a measured one; the average is over measured uses.
    expect(today_.by_skill).toEqual([
      { skill_id: "summarise", uses: 3, measured_uses: 2, total_cost_nano: 300_000_000, total_cost_usd: "0.3", avg_cost_per_use_nano: 150_000_000, predominant_model: "gpt-4o-mini" },
      { skill_id: "triage", uses: 1, measured_uses: 1, total_cost_nano: 1, total_cost_usd: "0.000000001", avg_cost_per_use_nano: 1, predominant_model: "claude-sonnet-4-5" },
    ]);

    const week = (await read("week", token)).body;
    const summarise = week.by_skill.find((s) => s.skill_id === "summarise")!;
    expect(summarise).toMatchObject({ uses: 4, measured_uses: 3, total_cost_nano: 1_800_000_000, avg_cost_per_use_nano: 600_000_000, predominant_model: "gpt-4o-mini" });
    expect(week.by_feature[0]).toMatchObject({ feature: "docs", cost_usd: "1.8" });
    expect(week.by_feature.some((g) => g.feature === "batch")).toBe(false);
    expect(week.start_date < today).toBe(true);
    expect((await read("month", token)).body.start_date).toBe(`${today.slice(0, 8)}01`);
  });

  it("answers a signed-in session and a read token; 403 to a token without read, 401 with WWW-Authenticate to nobody", async () => {
    const { user, token: trackOnly } = await userWithToken(["track"]);
    const reader = await extraToken(user, ["read"]);
    expect((await read("today", reader)).status).toBe(200);
    const refused = await read("today", trackOnly);
    expect(refused.status).toBe(403);
    expect(refused.body.error!.code).toBe("insufficient_scope");
    const nobody = await read("today");
    expect(nobody.status).toBe(401);
    expect(nobody.headers.get("www-authenticate")).toBe('Bearer realm="spendboard"');
    signIn(user);
    const signedIn = await read(null);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ period: "today", total_calls: 0, total_cost_usd: "0", by_feature: [], by_skill: [] });
  });

  it("refuses an unknown period with 400 naming the choices", async () => {
    const { token } = await userWithToken(["read"]);
    const bad = await read("year", token);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/today, week, month/);
  });
});
