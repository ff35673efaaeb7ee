import "server-only";
import { z } from "zod";
import { readSkillStats, readUsageStats } from "@/db/queries/usage-stats";
import { addDays, currentPeriod, localDay, startOfLocalDay } from "@/lib/budgets/periods";
import { nanoToUsdString } from "@/lib/money";
import type { ResolvedRange } from "@/lib/dashboard/contract";
import { NO_MODEL } from "./model";
import { toSkillUsageJson, type DashboardSkills } from "./skills";

/**
 * `GET /api/usage/stats?period=today|week|month`: the caller's usage in their time zone — `today` since local
 * midnight, `week` the last 7 days with today, `month` the calendar month so far — in total, by feature and by source
 * (most expensive first) and by skill. Costs are integer nano-USD and exact decimal USD strings; unpriced calls add
 * no cost.
 */

export const statsQuerySchema = z.object({
  period: z.enum(["today", "week", "month"], "period must be one of today, week, month").default("today"),
});
export type StatsPeriod = z.output<typeof statsQuerySchema>["period"];

export async function usageStats(user: { id: string; timeZone: string | null }, period: StatsPeriod, now: Date = new Date()) {
  const zone = user.timeZone ?? "UTC";
  const today = localDay(now, zone);
  const startDate = period === "today" ? today : period === "week" ? addDays(today, -6) : `${today.slice(0, 8)}01`;
  const [year, month, day] = startDate.split("-").map(Number) as [number, number, number];
  const startsAt = startOfLocalDay(year, month, day, zone);
  const endsAt = currentPeriod("day", zone, now).end;
  const stats = await readUsageStats({ userId: user.id, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), noModel: NO_MODEL });
  const group = <K extends string>(name: K) => (g: { key: string; calls: number; tokens: number; costNano: number }) =>
    ({ [name]: g.key, calls: g.calls, tokens: g.tokens, cost_usd: nanoToUsdString(g.costNano), cost_nano: g.costNano }) as Record<K, string> & { calls: number; tokens: number; cost_usd: string; cost_nano: number };
  return {
    period,
    time_zone: zone,
    start_date: startDate,
    total_calls: stats.calls,
    total_tokens: stats.tokens,
    total_cost_usd: nanoToUsdString(stats.costNano),
    total_cost_nano: stats.costNano,
    by_feature: stats.byFeature.map(group("feature")),
    by_source: stats.bySource.map(group("source")),
    by_skill: stats.bySkill.map(toSkillUsageJson),
  };
}

/** The dashboard's skills table (`/api/usage/skills`, `/api/admin/users/:id/usage/skills`): one user's skills in a range. */
export async function skillUsage({ userId, range }: { userId: string; range: ResolvedRange }): Promise<DashboardSkills> {
  const skills = await readSkillStats({ userId, startsAt: range.startsAt, endsAt: range.endsAt, noModel: NO_MODEL });
  return { range, skills: skills.map(toSkillUsageJson) };
}
