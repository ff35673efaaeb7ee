import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AdminApiSpend } from "@/components/admin/api-spend";
import { users, type UsageSource } from "@/db/schema";
import { currentPeriod } from "@/lib/budgets/periods";
import { formatUsdExact } from "@/lib/money";
import { recordUsage, type UsageRecord } from "@/lib/usage/recorder";
import { newUser } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/**
 * The admin user page's API spend: this month in the user's time zone, gateway and track only, against a direct SQL
 * sum — chat calls, the last minute of the user's previous month and other users' calls left out.
 */

const db = freshDatabasePerFile();

function event(userId: string, source: UsageSource, costNano: number, at: Date): UsageRecord {
  return {
    requestId: `${randomUUID()}:0`,
    userId,
    provider: "openai",
    model: "gpt-4o-mini",
    feature: "api",
    source,
    keySource: "user",
    usage: { inputNoCache: 10, cacheRead: 0, cacheWrite: 0, output: 5, reasoning: 0 },
    costNano,
    costSource: "price_book",
    estimated: false,
    status: "ok",
    latencyMs: 50,
    ttftMs: null,
    startedAt: new Date(at.getTime() - 50),
    finishedAt: at,
  };
}

describe("the admin's view of a user's API spend", () => {
  it("sums gateway and track calls of this month in the user's time zone, as SQL does", async () => {
    await newUser("admin");
    const user = await newUser("api-spender");
    const timeZone = "Pacific/Auckland";
    await db.current().db.update(users).set({ timeZone }).where(eq(users.id, user.id));
    const other = await newUser("other");
    const now = new Date();
    const monthStart = currentPeriod("month", timeZone, now).start;
    await recordUsage([
      event(user.id, "gateway", 1_000_000, now),
      event(user.id, "gateway", 2_500, now),
      event(user.id, "track", 300_000, now),
      event(user.id, "chat", 5_000_000, now),
      event(user.id, "track", 7_000_000, new Date(monthStart.getTime() - 60_000)),
      event(other.id, "gateway", 9_000_000, now),
    ]);

    const [direct] = (
      (await db.current().db.execute(sql`
        select coalesce(sum(cost_nano), 0) as cost, count(*) as calls,
               coalesce(sum(cost_nano) filter (where source = 'gateway'), 0) as gateway
        from usage_events where user_id = ${user.id}::uuid and source in ('gateway', 'track') and created_at >= ${monthStart.toISOString()}::timestamptz`)) as unknown as {
        rows: { cost: string; calls: string; gateway: string }[];
      }
    ).rows;
    expect(Number(direct!.cost)).toBe(1_302_500);

    const html = renderToStaticMarkup(await AdminApiSpend({ user: { id: user.id, timeZone } }));
    const total = /data-testid="admin-api-spend-total"[^>]*>([^<]+)</.exec(html)?.[1];
    expect(total).toBe(formatUsdExact(Number(direct!.cost)));
    expect(html).toContain(`${Number(direct!.calls)} calls`);
    expect(html).toContain(formatUsdExact(Number(direct!.gateway)));
    expect(html).toContain(timeZone);
  });
});
