import "server-only";
import { inArray, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { NO_ASSISTANT, usageDaily, usageEvents, users, type NewUsageEvent } from "@/db/schema";

type NewUsageDaily = typeof usageDaily.$inferInsert;

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

/** Rows per statement: an event has about 40 columns, PostgreSQL takes at most 65,535 parameters. */
const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Stores model calls' events and adds them to their daily rollups (each event's `day`, in its user's time zone): one
 * multi-row insert for the events, one upsert for the rollups (summed per key first: a statement may touch a rollup row
 * once). A request id is stored once, and so is a client's event id per user: a retried write of the same event, or
 * a tracked event reported again, is skipped (no conflict target: either unique index counts). Returns the request
 * ids this call stored.
 */
export async function insertUsageEvents(entries: { event: NewUsageEvent; day: string }[], executor: DbExecutor): Promise<Set<string>> {
  const stored = new Set<string>();
  for (const part of chunks(entries)) {
    const rows = await executor.insert(usageEvents).values(part.map((e) => e.event)).onConflictDoNothing().returning({ requestId: usageEvents.requestId });
    for (const row of rows) stored.add(row.requestId);
  }
  const rollups = new Map<string, { key: Omit<NewUsageDaily, keyof RollupCounters>; counters: RollupCounters }>();
  for (const { event, day } of entries) {
    if (!stored.has(event.requestId)) continue;
    const key = { userId: event.userId, day, provider: event.provider, model: event.model, feature: event.feature, assistantId: event.assistantId ?? NO_ASSISTANT, source: event.source ?? "chat" };
    const id = JSON.stringify(Object.values(key));
    const counters = countersOf(event);
    const known = rollups.get(id);
    if (!known) rollups.set(id, { key, counters });
    else for (const name of Object.keys(counters) as (keyof RollupCounters)[]) known.counters[name] += counters[name];
  }
  for (const part of chunks([...rollups.values()])) {
    await executor
      .insert(usageDaily)
      .values(part.map(({ key, counters }) => ({ ...key, ...counters })))
      .onConflictDoUpdate({
        target: [usageDaily.userId, usageDaily.day, usageDaily.provider, usageDaily.model, usageDaily.feature, usageDaily.assistantId, usageDaily.source],
        set: Object.fromEntries(
          (Object.keys(part[0]!.counters) as (keyof RollupCounters)[]).map((name) => [name, sql`${usageDaily[name]} + excluded.${sql.identifier(usageDaily[name].name)}`]),
        ),
      });
  }
  return stored;
}

/** The time zones of these users (their days and months). */
export async function timeZonesOf({ userIds }: { userIds: string[] }, executor: DbExecutor): Promise<Map<string, string>> {
  const rows = await executor.select({ id: users.id, timeZone: users.timeZone }).from(users).where(inArray(users.id, userIds));
  return new Map(rows.map((r) => [r.id, r.timeZone ?? "UTC"]));
}
