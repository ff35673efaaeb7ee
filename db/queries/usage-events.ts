import "server-only";
import { inArray, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { assistants, conversations, NO_ASSISTANT, usageDaily, usageEvents, users, type NewUsageEvent } from "@/db/schema";
import { insertJsonText, runText } from "@/db/statement-text";
import { sideWriteCtes, type UsageSideWrite } from "./usage-side-writes";
import { rowsOf } from "./usage-rows";


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
  const counters = {} as RollupCounters;
  for (const column of SUMMED) counters[column] = Number(event[column] ?? 0);
  // Assigned, not spread into a literal: that costs several µs per event on this Node.
  counters.requests = 1;
  counters.errorRequests = one(event.status === "error");
  counters.unpricedRequests = one(event.costNano === null || event.costNano === undefined);
  counters.estimatedRequests = one(event.estimated === true);
  counters.serverToolRequests = Object.values(event.serverToolRequests ?? {}).reduce((sum, n) => sum + (n ?? 0), 0);
  counters.costNano = event.costNano ?? 0;
  return counters;
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

/** Rows per statement (a bound on one statement's size). */
const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** A rollup row's key, in the primary key's order, and its counters (countersOf's, in its order). */
const ROLLUP_KEY = ["userId", "day", "provider", "model", "feature", "assistantId", "source"] as const;
const COUNTERS = Object.keys(countersOf({} as NewUsageEvent)) as (keyof RollupCounters)[];
const KEY_NAMES = ROLLUP_KEY.map((key) => usageDaily[key].name);
const COUNTER_NAMES = COUNTERS.map((key) => usageDaily[key].name);
/** A rollup row's columns as json_to_recordset reads them (request id, key, counters): names and SQL types, enums quoted. */
const ROLLUP_COLUMNS = [usageEvents.requestId, ...[...ROLLUP_KEY, ...COUNTERS].map((key) => usageDaily[key])]
  .map((column) => {
    const type = column.getSQLType();
    return `${column.name} ${/^[a-z_]+$/.test(type) && !["text", "uuid", "bigint", "integer", "boolean", "date"].includes(type) ? `"${type}"` : type}`;
  })
  .join(", ");

/**
 * Stores model calls' events and adds them to their daily rollups (each event's `day`, in its user's time zone): one
 * statement per 500 events — the events' multi-row insert, and the rollups of those it stored (a retried write of the
 * same event, or a tracked event reported again, is skipped: no conflict target, either unique index counts — and so is
 * its rollup), summed per key (a statement may touch a rollup row once). The side writes (./usage-side-writes.ts) ride in
 * the first statement. Returns the request ids this call stored.
 */
export async function insertUsageEvents(entries: { event: NewUsageEvent; day: string }[], executor: DbExecutor, sideWrites: UsageSideWrite[] = []): Promise<Set<string>> {
  const stored = new Set<string>();
  const requestId = usageEvents.requestId.name;
  for (const [index, part] of chunks(entries).entries()) {
    // As text with the rows as JSON: drizzle's builder would spend more CPU on these rows than the database does, and
    // a VALUES list takes a parameter per column per row (db/statement-text.ts).
    const { text, json } = insertJsonText(usageEvents, part.map((e) => e.event), "$1", `on conflict do nothing returning ${requestId}`);
    const rollups = part.map(({ event, day }) => {
      const key = { userId: event.userId, day, provider: event.provider, model: event.model, feature: event.feature, assistantId: event.assistantId ?? NO_ASSISTANT, source: event.source ?? "chat" };
      const counters = countersOf(event);
      const row: Record<string, unknown> = { [requestId]: event.requestId };
      ROLLUP_KEY.forEach((name, i) => (row[KEY_NAMES[i]!] = key[name]));
      COUNTERS.forEach((name, i) => (row[COUNTER_NAMES[i]!] = counters[name]));
      return row;
    });
    const params: unknown[] = [json, JSON.stringify(rollups)];
    const keys = KEY_NAMES.map((name) => `v.${name}`).join(", ");
    const sides = index === 0 ? sideWriteCtes(sideWrites, params).map((cte) => `${cte},\n`).join("") : "";
    const rows = await runText(
      executor,
      `with ${sides}ins as (${text}),
      v as (select * from json_to_recordset($2::json) as v (${ROLLUP_COLUMNS})),
      rollup as (
        insert into usage_daily (${[...KEY_NAMES, ...COUNTER_NAMES].join(", ")})
        select ${keys}, ${COUNTER_NAMES.map((name) => `sum(v.${name})`).join(", ")} from v join ins on ins.${requestId} = v.${requestId} group by ${keys}
        on conflict (${KEY_NAMES.join(", ")}) do update set ${COUNTER_NAMES.map((name) => `${name} = usage_daily.${name} + excluded.${name}`).join(", ")})
      select ${requestId} from ins`,
      params,
    );
    for (const row of rows) stored.add(String(row[requestId]));
  }
  return stored;
}

/** The time zones of these users (their days and months). */
export async function timeZonesOf({ userIds }: { userIds: string[] }, executor: DbExecutor): Promise<Map<string, string>> {
  const rows = await executor.select({ id: users.id, timeZone: users.timeZone }).from(users).where(inArray(users.id, userIds));
  return new Map(rows.map((r) => [r.id, r.timeZone ?? "UTC"]));
}
