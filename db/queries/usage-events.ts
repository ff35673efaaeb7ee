import "server-only";
import { inArray, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { NO_ASSISTANT, usageDaily, usageEvents, users, type NewUsageEvent } from "@/db/schema";

/** Counters a daily rollup adds up from its events, by the name they share in both tables. */
const SUMMED = [
  "inputNoCacheTokens",
  "cacheReadTokens",
  "cacheWriteTokens",
  "outputTokens",
  "reasoningTokens",
  "cacheWrite1hTokens",
  "audioInputTokens",
  "audioOutputTokens",
  "toolCostNano",
] as const;

/** Every counter of a rollup row: the event's own amounts plus the per-request flags. */
type RollupCounters = { [K in (typeof SUMMED)[number] | "requests" | "errorRequests" | "unpricedRequests" | "estimatedRequests" | "serverToolRequests" | "costNano"]: number };

function countersOf(event: NewUsageEvent): RollupCounters {
  const one = (flag: boolean) => (flag ? 1 : 0);
  const summed = Object.fromEntries(SUMMED.map((column) => [column, Number(event[column] ?? 0)])) as Pick<RollupCounters, (typeof SUMMED)[number]>;
  return {
    ...summed,
    requests: 1,
    errorRequests: one(event.status === "error"),
    unpricedRequests: one(event.costNano === null || event.costNano === undefined),
    estimatedRequests: one(event.estimated === true),
    serverToolRequests: Object.values(event.serverToolRequests ?? {}).reduce((sum, n) => sum + (n ?? 0), 0),
    costNano: event.costNano ?? 0,
  };
}

/**
 * Stores one model call's event and adds it to its daily rollup (the user's `day`). A request id is stored once, and so
 * is a client's event id per user: a retried write of the same event, or a tracked event reported again, does nothing
 * and returns false (no conflict target: either unique index counts).
 */
export async function insertUsageEvent(event: NewUsageEvent, day: string, executor: DbExecutor): Promise<boolean> {
  const inserted = await executor.insert(usageEvents).values(event).onConflictDoNothing().returning({ id: usageEvents.id });
  if (inserted.length === 0) return false;
  const counters = countersOf(event);
  await executor
    .insert(usageDaily)
    .values({
      userId: event.userId,
      day,
      provider: event.provider,
      model: event.model,
      feature: event.feature,
      assistantId: event.assistantId ?? NO_ASSISTANT,
      source: event.source ?? "chat",
      ...counters,
    })
    .onConflictDoUpdate({
      target: [usageDaily.userId, usageDaily.day, usageDaily.provider, usageDaily.model, usageDaily.feature, usageDaily.assistantId, usageDaily.source],
      set: Object.fromEntries(
        (Object.keys(counters) as (keyof RollupCounters)[]).map((key) => [key, sql`${usageDaily[key]} + excluded.${sql.identifier(usageDaily[key].name)}`]),
      ),
    });
  return true;
}

/** The time zones of these users (their days and months). */
export async function timeZonesOf({ userIds }: { userIds: string[] }, executor: DbExecutor): Promise<Map<string, string>> {
  const rows = await executor.select({ id: users.id, timeZone: users.timeZone }).from(users).where(inArray(users.id, userIds));
  return new Map(rows.map((r) => [r.id, r.timeZone ?? "UTC"]));
}
