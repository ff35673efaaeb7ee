import "server-only";
import type { DbExecutor } from "@/db";
import { readScopeLedger } from "@/db/queries/ledger";
import { insertNotificationOnce } from "@/db/queries/notifications";
import { listEnabledAdminIds } from "@/db/queries/registration";
import { listTeamAdminIds } from "@/db/queries/teams";
import type { Notification } from "@/db/schema";
import { formatDate } from "@/lib/format";
import { formatUsdExact } from "@/lib/money";
import { isTokenLimit, scopePeriodAt, type BudgetLimit, type Periods } from "./limits";

/**
 * Crossing an alert threshold (50/80/100% by default) of any budget creates one in-app notification per threshold
 * per period: the dedupe key holds the limit, its period start and the threshold, and inserts that collide do nothing.
 * The user's own limits (their budget, an admin cap, the organisation default) notify the user; a team's monthly
 * budget notifies the team's admins and the organisation cap every admin, read from the shared ledger rows.
 * Returns the notifications this call actually created (not those that already existed), for the alert webhooks.
 */
export async function raiseBudgetAlerts(
  tx: DbExecutor,
  userId: string,
  limits: BudgetLimit[],
  periods: Periods,
  used: { month: { spentNano: number; tokensUsed: number }; day: { spentNano: number; tokensUsed?: number } },
  timeZone: string,
): Promise<Notification[]> {
  const created: Notification[] = [];
  const personal = limits.filter((l) => !l.scopeKey);
  const shared = limits.filter((l) => l.scopeKey);
  for (const limit of personal) {
    if (limit.limit <= 0) continue;
    const period = limit.period === "month" ? periods.month : periods.day;
    const row = limit.period === "month" ? used.month : used.day;
    const value = isTokenLimit(limit.kind) ? (row.tokensUsed ?? 0) : row.spentNano;
    const format = (v: number) => (isTokenLimit(limit.kind) ? `${v.toLocaleString("en-US")} tokens` : formatUsdExact(v));
    for (const threshold of limit.thresholds) {
      if (value * 100 < threshold * limit.limit) continue;
      const resets = formatDate(period.end.toISOString(), timeZone);
      const title = threshold >= 100 ? `Your ${limit.name} is used up` : `${threshold}% of your ${limit.name} used`;
      const body = `${format(value)} of ${format(limit.limit)} used this ${limit.period}; it resets ${resets}.${
        threshold >= 100 && limit.mode === "enforce" ? " New requests are refused until then." : ""
      }`;
      const inserted = await insertAlertOnce(
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
  if (shared.length > 0) created.push(...(await raiseSharedAlerts(tx, shared)));
  return created;
}

/**
 * Alerts this process knows are stored (an insert found them there, so they are committed): a crossed threshold is
 * not inserted again on every later write of the period.
 */
const KNOWN = Symbol.for("spendboard.storedAlerts");
const stored: Set<string> = ((globalThis as Record<symbol, Set<string> | undefined>)[KNOWN] ??= new Set());

async function insertAlertOnce(values: Parameters<typeof insertNotificationOnce>[0] & { dedupeKey: string }, tx: DbExecutor): Promise<Notification | undefined> {
  const key = `${values.userId}|${values.dedupeKey}`;
  if (stored.has(key)) return undefined;
  const inserted = await insertNotificationOnce(values, tx);
  if (!inserted) {
    if (stored.size >= 100_000) stored.clear();
    stored.add(key);
  }
  return inserted;
}

/** Team and organisation thresholds: one notification per recipient, threshold and month (UTC). */
async function raiseSharedAlerts(tx: DbExecutor, limits: BudgetLimit[]): Promise<Notification[]> {
  const period = scopePeriodAt();
  const rows = await readScopeLedger({ scopes: limits.map((l) => l.scopeKey!), period }, tx);
  const created: Notification[] = [];
  const resets = formatDate(period.end.toISOString(), "UTC");
  for (const limit of limits) {
    if (limit.limit <= 0) continue;
    const spent = rows.get(limit.scopeKey!)?.spentNano ?? 0;
    const crossed = limit.thresholds.filter((t) => spent * 100 >= t * limit.limit);
    if (crossed.length === 0) continue;
    const recipients =
      limit.scope === "org" ? await listEnabledAdminIds(tx) : await listTeamAdminIds({ teamId: limit.scopeKey!.slice("team:".length) }, tx);
    for (const threshold of crossed) {
      const title = threshold >= 100 ? `The ${limit.name} is used up` : `${threshold}% of the ${limit.name} used`;
      const body = `${formatUsdExact(spent)} of ${formatUsdExact(limit.limit)} spent this month (UTC); it resets ${resets}.${
        threshold >= 100 && limit.mode === "enforce" ? " New requests are refused until then." : ""
      }`;
      for (const recipient of recipients) {
        const inserted = await insertAlertOnce(
          {
            userId: recipient,
            kind: "budget_threshold",
            title,
            body,
            href: limit.scope === "org" ? "/admin/settings#organisation-cap" : "/team",
            dedupeKey: `budget:${limit.scopeKey}:${period.start.toISOString()}:${threshold}`,
          },
          tx,
        );
        if (inserted) created.push(inserted);
      }
    }
  }
  return created;
}
