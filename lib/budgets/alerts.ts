import "server-only";
import type { DbExecutor } from "@/db";
import { insertNotificationOnce } from "@/db/queries/notifications";
import type { Notification } from "@/db/schema";
import { formatUsdExact } from "@/lib/money";
import type { BudgetLimit, Periods } from "./limits";

/**
 * Crossing an alert threshold (50/80/100% by default) of any budget creates one in-app notification per threshold
 * per period: the dedupe key holds the limit, its period start and the threshold, and inserts that collide do nothing.
 * Returns the notifications this call actually created (not those that already existed), for the alert webhooks.
 */
export async function raiseBudgetAlerts(
  tx: DbExecutor,
  userId: string,
  limits: BudgetLimit[],
  periods: Periods,
  used: { month: { spentNano: number; tokensUsed: number }; day: { spentNano: number } },
  timeZone: string,
): Promise<Notification[]> {
  const created: Notification[] = [];
  for (const limit of limits) {
    if (limit.limit <= 0) continue;
    const period = limit.period === "month" ? periods.month : periods.day;
    const value = limit.kind === "monthly_tokens" ? used.month.tokensUsed : limit.period === "month" ? used.month.spentNano : used.day.spentNano;
    const format = (v: number) => (limit.kind === "monthly_tokens" ? `${v.toLocaleString("en-US")} tokens` : formatUsdExact(v));
    const resets = new Intl.DateTimeFormat("en-US", { timeZone, dateStyle: "medium" }).format(period.end);
    for (const threshold of limit.thresholds) {
      if (value * 100 < threshold * limit.limit) continue;
      const title = threshold >= 100 ? `Your ${limit.name} is used up` : `${threshold}% of your ${limit.name} used`;
      const body = `${format(value)} of ${format(limit.limit)} used this ${limit.period}; it resets ${resets}.${
        threshold >= 100 && limit.mode === "enforce" ? " New requests are refused until then." : ""
      }`;
      const inserted = await insertNotificationOnce(
        {
          userId,
          kind: "budget_threshold",
          title,
          body,
          href: "/settings?tab=budget",
          dedupeKey: `budget:${limit.kind}:${limit.source}:${period.start.toISOString()}:${threshold}`,
        },
        tx,
      );
      if (inserted) created.push(inserted);
    }
  }
  return created;
}
