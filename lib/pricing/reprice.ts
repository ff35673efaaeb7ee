import "server-only";
import { applyEventPrice, listUnpricedEvents } from "@/db/queries/reprice";
import { inTransaction } from "@/db/queries/transaction";
import type { ProviderKind } from "@/db/schema";
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
  const overrides = await loadPriceOverrides();
  let repriced = 0;
  let stillUnpriced = 0;
  let afterId = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const batch = await listUnpricedEvents({ afterId, provider: filter.provider, limit: BATCH });
    if (batch.length === 0) break;
    afterId = batch.at(-1)!.event.id;
    await inTransaction(async (tx) => {
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
        const day = localDay(event.createdAt, timeZone ?? "UTC");
        if (await applyEventPrice({ event, costNano: cost.costNanoUsd, toolCostNano: cost.toolCostNano, day }, tx)) repriced++;
      }
    });
  }
  return { repriced, stillUnpriced };
}
