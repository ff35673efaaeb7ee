import "server-only";
import { eq, sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { usageEvents } from "@/db/schema";

/** What a conversation's recorded calls cost, summed per answer (message id) and feature. */
export interface ConversationCostRow {
  /** The answer the calls made (null for calls that made none, e.g. the title). */
  messageId: string | null;
  feature: string;
  costNano: number;
  tokens: number;
  /** Calls without a known price (their cost is not in `costNano`). */
  unpricedCalls: number;
}

/**
 * A conversation's usage events summed per message id and feature. Events stay when their answer is replaced
 * (Regenerate, an edited message), so this includes answers no longer shown.
 */
export async function conversationCostRows({ conversationId }: { conversationId: string }, executor?: DbExecutor): Promise<ConversationCostRow[]> {
  const db = executor ?? (await getDb());
  const rows = await db
    .select({
      messageId: usageEvents.messageId,
      feature: usageEvents.feature,
      costNano: sql<string>`coalesce(sum(${usageEvents.costNano}), 0)`,
      tokens: sql<string>`coalesce(sum(${usageEvents.inputNoCacheTokens} + ${usageEvents.cacheReadTokens} + ${usageEvents.cacheWriteTokens} + ${usageEvents.outputTokens}), 0)`,
      unpricedCalls: sql<string>`count(*) filter (where ${usageEvents.priced} = false)`,
    })
    .from(usageEvents)
    .where(eq(usageEvents.conversationId, conversationId))
    .groupBy(usageEvents.messageId, usageEvents.feature);
  return rows.map((r) => ({
    messageId: r.messageId,
    feature: r.feature,
    costNano: Number(r.costNano),
    tokens: Number(r.tokens),
    unpricedCalls: Number(r.unpricedCalls),
  }));
}
