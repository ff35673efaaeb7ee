import "server-only";
import { inArray, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { assistants, conversations, NO_ASSISTANT, usageDaily, usageEvents, users, type NewUsageEvent } from "@/db/schema";
import { insertText, runText } from "@/db/statement-text";
import { rowsOf } from "./usage-rows";

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

/**
 * The events with their conversation and assistant left out where those rows are gone (deleted while the call ran:
 * the events' references would fail the insert, and the usage must be stored all the same, as a delete afterwards
 * would have left it). One query; the recorder asks only after an insert failed on a foreign key.
 */
export async function withoutDanglingReferences(events: NewUsageEvent[], executor: DbExecutor): Promise<NewUsageEvent[]> {
  const conversationIds = [...new Set(events.flatMap((e) => (e.conversationId ? [e.conversationId] : [])))];
  const assistantIds = [...new Set(events.flatMap((e) => (e.assistantId ? [e.assistantId] : [])))];
  if (conversationIds.length === 0 && assistantIds.length === 0) return events;
  const found = await rowsOf(
    sql`select id::text as id from ${conversations} where id = any(${`{${conversationIds.join(",")}}`}::uuid[])
        union all select id::text from ${assistants} where id = any(${`{${assistantIds.join(",")}}`}::uuid[])`,
    executor,
  );
  const existing = new Set(found.map((row) => String(row.id)));
  return events.map((e) => ({
    ...e,
    conversationId: e.conversationId && existing.has(e.conversationId) ? e.conversationId : null,
    assistantId: e.assistantId && existing.has(e.assistantId) ? e.assistantId : null,
  }));
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
    // As text: drizzle's builder would spend more CPU on these rows than the database does (db/statement-text.ts).
    const { text, params } = insertText(usageEvents, part.map((e) => e.event), `on conflict do nothing returning ${usageEvents.requestId.name}`);
    for (const row of await runText(executor, text, params)) stored.add(String(row[usageEvents.requestId.name]));
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
  const target = [usageDaily.userId, usageDaily.day, usageDaily.provider, usageDaily.model, usageDaily.feature, usageDaily.assistantId, usageDaily.source].map((c) => c.name);
  for (const part of chunks([...rollups.values()])) {
    const added = (Object.keys(part[0]!.counters) as (keyof RollupCounters)[]).map((name) => usageDaily[name].name);
    const onConflict = `on conflict (${target.join(", ")}) do update set ${added.map((c) => `${c} = usage_daily.${c} + excluded.${c}`).join(", ")}`;
    const { text, params } = insertText(usageDaily, part.map(({ key, counters }) => ({ ...key, ...counters })), onConflict);
    await runText(executor, text, params);
  }
  return stored;
}

/** The time zones of these users (their days and months). */
export async function timeZonesOf({ userIds }: { userIds: string[] }, executor: DbExecutor): Promise<Map<string, string>> {
  const rows = await executor.select({ id: users.id, timeZone: users.timeZone }).from(users).where(inArray(users.id, userIds));
  return new Map(rows.map((r) => [r.id, r.timeZone ?? "UTC"]));
}
