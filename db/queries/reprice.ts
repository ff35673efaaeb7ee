import "server-only";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { budgetLedger, NO_ASSISTANT, usageDaily, usageEvents, users, type ProviderKind, type UsageEvent } from "@/db/schema";

/** Repricing past usage that had no price (lib/pricing/reprice.ts decides the prices). */

/** Unpriced usage events with their user's time zone, by id after `afterId`, one page of at most `limit`. */
export async function listUnpricedEvents(
  { afterId, provider, limit }: { afterId: string; provider?: ProviderKind; limit: number },
  executor?: DbExecutor,
): Promise<{ event: UsageEvent; timeZone: string | null }[]> {
  const db = executor ?? (await getDb());
  return db
    .select({ event: usageEvents, timeZone: users.timeZone })
    .from(usageEvents)
    .innerJoin(users, eq(users.id, usageEvents.userId))
    .where(and(eq(usageEvents.priced, false), gt(usageEvents.id, afterId), provider ? eq(usageEvents.provider, provider) : undefined))
    .orderBy(asc(usageEvents.id))
    .limit(limit);
}

/**
 * Gives an unpriced event its price, and adds that cost to its daily rollup (the row of `day`, the user's local day
 * of the event) and to the budget ledger rows of the periods it fell in. False, and nothing written, when the event
 * was priced meanwhile. Run it in a transaction: the three updates belong together.
 */
export async function applyEventPrice(
  { event, costNano, toolCostNano, day }: { event: UsageEvent; costNano: number; toolCostNano: number; day: string },
  executor?: DbExecutor,
): Promise<boolean> {
  const db = executor ?? (await getDb());
  const updated = await db
    .update(usageEvents)
    .set({ costNano, priced: true, costSource: "price_book", toolCostNano })
    .where(and(eq(usageEvents.id, event.id), eq(usageEvents.priced, false)))
    .returning({ id: usageEvents.id });
  if (updated.length === 0) return false;
  await db
    .update(usageDaily)
    .set({
      costNano: sql`${usageDaily.costNano} + ${costNano}`,
      toolCostNano: sql`${usageDaily.toolCostNano} + ${toolCostNano}`,
      unpricedRequests: sql`greatest(0, ${usageDaily.unpricedRequests} - 1)`,
    })
    .where(
      and(
        eq(usageDaily.userId, event.userId),
        eq(usageDaily.day, day),
        eq(usageDaily.provider, event.provider),
        eq(usageDaily.model, event.model),
        eq(usageDaily.feature, event.feature),
        eq(usageDaily.assistantId, event.assistantId ?? NO_ASSISTANT),
        eq(usageDaily.source, event.source),
      ),
    );
  await db
    .update(budgetLedger)
    .set({ spentNano: sql`${budgetLedger.spentNano} + ${costNano}`, updatedAt: new Date() })
    .where(
      and(
        eq(budgetLedger.userId, event.userId),
        sql`${budgetLedger.periodStart} <= ${event.createdAt.toISOString()}::timestamptz`,
        sql`${budgetLedger.periodEnd} > ${event.createdAt.toISOString()}::timestamptz`,
      ),
    );
  return true;
}
