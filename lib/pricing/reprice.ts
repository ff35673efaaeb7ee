import "server-only";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { budgetLedger, NO_ASSISTANT, usageDaily, usageEvents, users, type ProviderKind } from "@/db/schema";
import { localDay } from "@/lib/budgets/periods";
import { loadPriceOverrides } from "./overrides";
import { costOf } from "./price-book";

const BATCH = 500;

/**
 * Prices past usage that had no price (an unknown model) now that the price book knows it — typically right after an
 * admin adds an override. Each event, its daily rollup and the budget ledger rows of its periods are updated in one
 * transaction per batch. Events that already have a price keep it: history is not rewritten by later price changes.
 */
export async function repriceUnpricedUsage(filter: { provider?: ProviderKind } = {}): Promise<{ repriced: number; stillUnpriced: number }> {
  const db = await getDb();
  const overrides = await loadPriceOverrides();
  let repriced = 0;
  let stillUnpriced = 0;
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const where = and(eq(usageEvents.priced, false), gt(usageEvents.id, after), filter.provider ? eq(usageEvents.provider, filter.provider) : undefined);
    const batch = await db
      .select({ event: usageEvents, timeZone: users.timeZone })
      .from(usageEvents)
      .innerJoin(users, eq(users.id, usageEvents.userId))
      .where(where)
      .orderBy(asc(usageEvents.id))
      .limit(BATCH);
    if (batch.length === 0) break;
    after = batch.at(-1)!.event.id;
    await db.transaction(async (tx) => {
      for (const { event, timeZone } of batch) {
        const cost = costOf(
          event.provider,
          event.model,
          {
            inputNoCache: event.inputNoCacheTokens,
            cacheRead: event.cacheReadTokens,
            cacheWrite: event.cacheWriteTokens,
            output: event.outputTokens,
            reasoning: event.reasoningTokens,
            cacheWrite1h: event.cacheWrite1hTokens,
            audioInput: event.audioInputTokens,
            audioOutput: event.audioOutputTokens,
            ...(event.serverToolRequests ? { serverTools: event.serverToolRequests } : {}),
          },
          { overrides, at: event.createdAt },
        );
        if (!cost.priced) {
          stillUnpriced++;
          continue;
        }
        const updated = await tx
          .update(usageEvents)
          .set({ costNano: cost.costNanoUsd, priced: true, costSource: "price_book", toolCostNano: cost.toolCostNano })
          .where(and(eq(usageEvents.id, event.id), eq(usageEvents.priced, false)))
          .returning({ id: usageEvents.id });
        if (updated.length === 0) continue;
        repriced++;
        await tx
          .update(usageDaily)
          .set({
            costNano: sql`${usageDaily.costNano} + ${cost.costNanoUsd}`,
            toolCostNano: sql`${usageDaily.toolCostNano} + ${cost.toolCostNano}`,
            unpricedRequests: sql`greatest(0, ${usageDaily.unpricedRequests} - 1)`,
          })
          .where(
            and(
              eq(usageDaily.userId, event.userId),
              eq(usageDaily.day, localDay(event.createdAt, timeZone ?? "UTC")),
              eq(usageDaily.provider, event.provider),
              eq(usageDaily.model, event.model),
              eq(usageDaily.feature, event.feature),
              eq(usageDaily.assistantId, event.assistantId ?? NO_ASSISTANT),
            ),
          );
        await tx
          .update(budgetLedger)
          .set({ spentNano: sql`${budgetLedger.spentNano} + ${cost.costNanoUsd}`, updatedAt: new Date() })
          .where(
            and(
              eq(budgetLedger.userId, event.userId),
              sql`${budgetLedger.periodStart} <= ${event.createdAt.toISOString()}::timestamptz`,
              sql`${budgetLedger.periodEnd} > ${event.createdAt.toISOString()}::timestamptz`,
            ),
          );
      }
    });
  }
  return { repriced, stillUnpriced };
}
