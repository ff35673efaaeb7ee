import "server-only";
import type { ADMIN_USER_SORT } from "@/lib/dashboard/contract";
import { inArray, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { assistants, NO_ASSISTANT, users } from "@/db/schema";
import { isUuid } from "@/lib/validation/id";

/**
 * All SQL of the cost dashboards. Day ranges read the daily rollups (`usage_daily`, by its primary key
 * `(user_id, day, …)` for one user, by `usage_daily_day_idx` organisation-wide); only the hourly "today" series, the
 * recent requests and the CSV export read `usage_events`, always by an indexed `created_at` range
 * (`usage_events_user_created_idx` for one user, `usage_events_created_idx` organisation-wide).
 *
 * `userId: null` means every user. Days are "YYYY-MM-DD" strings (inclusive); instants are ISO strings, `startsAt`
 * inclusive and `endsAt` exclusive. bigint sums come back as strings (or bigints): everything is converted with
 * Number() — nano-USD sums stay far below 2^53.
 */

export type DailyKey = "none" | "provider" | "model" | "feature" | "assistant" | "user";
export type EventKey = "none" | "provider" | "model" | "user";

export interface TotalsRow {
  costNano: number;
  requests: number;
  errorRequests: number;
  unpricedRequests: number;
  estimatedRequests: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** The part of cacheWriteTokens written for one hour. */
  cacheWrite1hTokens: number;
  /** Server-side tool requests (web searches, fetches, grounded prompts) and their fees (part of costNano). */
  serverToolRequests: number;
  toolCostNano: number;
}

export interface SeriesRow {
  /** A day ("YYYY-MM-DD") or an hour's index from the range's start. */
  bucket: string | number;
  key: string;
  costNano: number;
  requests: number;
}

export interface EventRow
  extends Omit<TotalsRow, "requests" | "errorRequests" | "unpricedRequests" | "estimatedRequests" | "costNano" | "cacheWrite1hTokens" | "serverToolRequests" | "toolCostNano"> {
  id: string;
  requestId: string;
  createdAt: Date;
  /** created_at in microseconds since the epoch (exact), for keyset cursors. */
  micros: string;
  provider: string;
  model: string;
  feature: string;
  assistantId: string | null;
  conversationId: string | null;
  keySource: string;
  status: "ok" | "aborted" | "error";
  priced: boolean;
  estimated: boolean;
  costSource: string;
  costNano: number | null;
  /** The event's bill lines beyond the token buckets (see usage_events). */
  billLines: {
    cacheWrite1hTokens: number;
    audioInputTokens: number;
    audioOutputTokens: number;
    serverToolRequests: Record<string, number> | null;
    toolCostNano: number;
    upstreamCostNano: number | null;
    estimatedParts: string[] | null;
    unpricedUsageFields: string[] | null;
  };
  latencyMs: number;
  ttftMs: number | null;
}

/** A position in (created_at, id) order: created_at in microseconds since the epoch, and the event id. */
export interface EventCursor {
  micros: string;
  id: string;
}

type Row = Record<string, unknown>;

async function rowsOf(statement: SQL): Promise<Row[]> {
  const db = await getDb();
  const result = (await db.execute(statement)) as unknown as { rows: Row[] };
  return result.rows;
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const date = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const bool = (value: unknown): boolean => value === true || value === "t" || value === "true";

// Whitelisted group keys: never built from request input. Grouped as stored (no casts, cheaper to hash); the drivers
// hand enums and uuids back as strings.
const DAILY_KEY_SQL: Record<DailyKey, SQL> = {
  none: sql.raw(`'total'`),
  provider: sql.raw(`provider`),
  model: sql.raw(`model`),
  feature: sql.raw(`feature`),
  assistant: sql.raw(`assistant_id`),
  user: sql.raw(`user_id`),
};
const EVENT_KEY_SQL: Record<EventKey, SQL> = {
  none: sql.raw(`'total'`),
  provider: sql.raw(`provider`),
  model: sql.raw(`model`),
  user: sql.raw(`user_id`),
};

const DAILY_TOTALS = sql.raw(`
  coalesce(sum(cost_nano), 0) as cost_nano,
  coalesce(sum(requests), 0) as requests,
  coalesce(sum(error_requests), 0) as error_requests,
  coalesce(sum(unpriced_requests), 0) as unpriced_requests,
  coalesce(sum(estimated_requests), 0) as estimated_requests,
  coalesce(sum(input_no_cache_tokens), 0) as input_tokens,
  coalesce(sum(cache_read_tokens), 0) as cache_read_tokens,
  coalesce(sum(cache_write_tokens), 0) as cache_write_tokens,
  coalesce(sum(output_tokens), 0) as output_tokens,
  coalesce(sum(reasoning_tokens), 0) as reasoning_tokens,
  coalesce(sum(cache_write_1h_tokens), 0) as cache_write_1h_tokens,
  coalesce(sum(server_tool_requests), 0) as server_tool_requests,
  coalesce(sum(tool_cost_nano), 0) as tool_cost_nano`);

function totalsOf(row: Row | undefined): TotalsRow {
  return {
    costNano: num(row?.cost_nano),
    requests: num(row?.requests),
    errorRequests: num(row?.error_requests),
    unpricedRequests: num(row?.unpriced_requests),
    estimatedRequests: num(row?.estimated_requests),
    inputTokens: num(row?.input_tokens),
    cacheReadTokens: num(row?.cache_read_tokens),
    cacheWriteTokens: num(row?.cache_write_tokens),
    outputTokens: num(row?.output_tokens),
    reasoningTokens: num(row?.reasoning_tokens),
    cacheWrite1hTokens: num(row?.cache_write_1h_tokens),
    serverToolRequests: num(row?.server_tool_requests),
    toolCostNano: num(row?.tool_cost_nano),
  };
}

function dailyWhere({ userId, from, to }: { userId: string | null; from: string; to: string }): SQL {
  const days = sql`day >= ${from} and day <= ${to}`;
  return userId ? sql`user_id = ${userId}::uuid and ${days}` : days;
}

function eventsWhere({ userId, startsAt, endsAt }: { userId: string | null; startsAt: string; endsAt: string }): SQL {
  const instants = sql`created_at >= ${startsAt}::timestamptz and created_at < ${endsAt}::timestamptz`;
  return userId ? sql`user_id = ${userId}::uuid and ${instants}` : instants;
}

/** Totals over local days from the rollups. */
export async function sumDailyUsage(args: { userId: string | null; from: string; to: string }): Promise<TotalsRow> {
  const [row] = await rowsOf(sql`select ${DAILY_TOTALS} from usage_daily where ${dailyWhere(args)}`);
  return totalsOf(row);
}

/** Totals per key over local days from the rollups, largest cost first. */
export async function breakdownDailyUsage(args: { userId: string | null; from: string; to: string; by: Exclude<DailyKey, "none"> }): Promise<(TotalsRow & { key: string })[]> {
  const rows = await rowsOf(sql`
    select ${DAILY_KEY_SQL[args.by]} as key, ${DAILY_TOTALS}
    from usage_daily
    where ${dailyWhere(args)}
    group by 1
    order by 2 desc, 3 desc, 1`);
  return rows.map((row) => ({ key: String(row.key), ...totalsOf(row) }));
}

/** Cost and requests per local day and key, from the rollups (days without usage are absent). */
export async function dailySeries(args: { userId: string | null; from: string; to: string; groupBy: DailyKey }): Promise<SeriesRow[]> {
  const rows = await rowsOf(sql`
    select day as bucket, ${DAILY_KEY_SQL[args.groupBy]} as key,
           coalesce(sum(cost_nano), 0) as cost_nano, coalesce(sum(requests), 0) as requests
    from usage_daily
    where ${dailyWhere(args)}
    group by 1, 2`);
  return rows.map((row) => ({ bucket: String(row.bucket), key: String(row.key), costNano: num(row.cost_nano), requests: num(row.requests) }));
}

/** Cost and requests per hour (counted from `startsAt`) and key, from the events of an instant range. */
export async function hourlySeries(args: { userId: string | null; startsAt: string; endsAt: string; groupBy: EventKey }): Promise<SeriesRow[]> {
  const rows = await rowsOf(sql`
    select floor(extract(epoch from (created_at - ${args.startsAt}::timestamptz)) / 3600)::int as bucket,
           ${EVENT_KEY_SQL[args.groupBy]} as key,
           coalesce(sum(cost_nano), 0) as cost_nano, count(*) as requests
    from usage_events
    where ${eventsWhere(args)}
    group by 1, 2`);
  return rows.map((row) => ({ bucket: num(row.bucket), key: String(row.key), costNano: num(row.cost_nano), requests: num(row.requests) }));
}

const EVENT_COLUMNS = sql.raw(`
  id::text as id, request_id, created_at, (extract(epoch from created_at) * 1000000)::bigint::text as micros,
  provider::text as provider, model, feature, assistant_id::text as assistant_id, conversation_id::text as conversation_id,
  key_source::text as key_source, status::text as status, priced, estimated, cost_source::text as cost_source, cost_nano,
  input_no_cache_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, latency_ms, ttft_ms,
  cache_write_1h_tokens, audio_input_tokens, audio_output_tokens, server_tool_requests, tool_cost_nano, upstream_cost_nano,
  estimated_parts, unpriced_usage_fields`);

const cursorInstant = (cursor: EventCursor) => sql`(timestamptz 'epoch' + ${cursor.micros}::bigint * interval '1 microsecond')`;

function eventOf(row: Row): EventRow {
  return {
    id: String(row.id),
    requestId: String(row.request_id),
    createdAt: date(row.created_at),
    micros: String(row.micros),
    provider: String(row.provider),
    model: String(row.model),
    feature: String(row.feature),
    assistantId: row.assistant_id === null ? null : String(row.assistant_id),
    conversationId: row.conversation_id === null ? null : String(row.conversation_id),
    keySource: String(row.key_source),
    status: String(row.status) as EventRow["status"],
    priced: bool(row.priced),
    estimated: bool(row.estimated),
    costSource: String(row.cost_source),
    costNano: numOrNull(row.cost_nano),
    inputTokens: num(row.input_no_cache_tokens),
    cacheReadTokens: num(row.cache_read_tokens),
    cacheWriteTokens: num(row.cache_write_tokens),
    outputTokens: num(row.output_tokens),
    reasoningTokens: num(row.reasoning_tokens),
    latencyMs: num(row.latency_ms),
    ttftMs: numOrNull(row.ttft_ms),
    billLines: {
      cacheWrite1hTokens: num(row.cache_write_1h_tokens),
      audioInputTokens: num(row.audio_input_tokens),
      audioOutputTokens: num(row.audio_output_tokens),
      serverToolRequests: (row.server_tool_requests as Record<string, number> | null) ?? null,
      toolCostNano: num(row.tool_cost_nano),
      upstreamCostNano: numOrNull(row.upstream_cost_nano),
      estimatedParts: (row.estimated_parts as string[] | null) ?? null,
      unpricedUsageFields: (row.unpriced_usage_fields as string[] | null) ?? null,
    },
  };
}

/**
 * One user's events in an instant range, a page at a time by a (created_at, id) keyset: newest first (`desc`, the
 * page after `cursor` is older) or oldest first (`asc`, for the export). The cursor also bounds created_at, so every
 * page is an index range scan that starts where the last one ended.
 */
export async function listUsageEvents(args: {
  userId: string;
  startsAt: string;
  endsAt: string;
  order: "asc" | "desc";
  limit: number;
  cursor?: EventCursor;
}): Promise<EventRow[]> {
  const { cursor } = args;
  const after = !cursor
    ? sql``
    : args.order === "desc"
      ? sql`and created_at <= ${cursorInstant(cursor)} and (created_at, id) < (${cursorInstant(cursor)}, ${cursor.id}::uuid)`
      : sql`and created_at >= ${cursorInstant(cursor)} and (created_at, id) > (${cursorInstant(cursor)}, ${cursor.id}::uuid)`;
  const direction = sql.raw(args.order === "desc" ? "desc" : "asc");
  const rows = await rowsOf(sql`
    select ${EVENT_COLUMNS}
    from usage_events
    where ${eventsWhere(args)} ${after}
    order by created_at ${direction}, id ${direction}
    limit ${args.limit}`);
  return rows.map(eventOf);
}

export type AdminUserSort = (typeof ADMIN_USER_SORT)[number];

export interface AdminUserListRow {
  id: string;
  email: string;
  name: string | null;
  role: "admin" | "user";
  disabled: boolean;
  spendNano: number;
  budgetNano: number | null;
  monthSpentNano: number;
  pctUsed: number | null;
  requests: number;
  topModel: string | null;
  lastActiveAt: Date | null;
}

const ADMIN_SORT_SQL: Record<AdminUserSort, SQL> = {
  spend: sql.raw("spend"),
  budget: sql.raw("budget"),
  pct: sql.raw("pct"),
  requests: sql.raw("requests"),
  last_active: sql.raw("last_active"),
  email: sql.raw("email"),
};

function userSearch(q: string | undefined): SQL {
  if (!q) return sql`true`;
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql`(u.email ilike ${pattern} or u.name ilike ${pattern})`;
}

/**
 * The admin's user list: each user's spend, requests and top model (by cost) over local days from the rollups; the
 * tightest monthly cost limit of their own budget and the admin cap; the share of it spent in their current budget
 * month (the budget ledger, as enforcement sees it); their last usage event (an index lookup per user).
 * Searchable by email or name, sorted by a whitelisted key (nulls last, then email), one page.
 */
export async function listAdminUsers(args: {
  from: string;
  to: string;
  now: Date;
  q?: string;
  sort: AdminUserSort;
  dir: "asc" | "desc";
  limit: number;
  offset: number;
}): Promise<{ rows: AdminUserListRow[]; total: number }> {
  const now = args.now.toISOString();
  const direction = sql.raw(args.dir === "asc" ? "asc" : "desc");
  const [rows, counted] = await Promise.all([
    rowsOf(sql`
      with per_model as (
        select user_id, model, sum(cost_nano) as cost, sum(requests) as requests
        from usage_daily
        where day >= ${args.from} and day <= ${args.to}
        group by user_id, model
      ), per_user as (
        select user_id, sum(cost) as spend, sum(requests) as requests,
               (array_agg(model order by cost desc, requests desc, model))[1] as top_model
        from per_model
        group by user_id
      ), caps as (
        select user_id, min(monthly_cost_limit_nano) as budget
        from budgets
        where monthly_cost_limit_nano is not null
        group by user_id
      ), listed as (
        select u.id, u.email, u.name, u.role, u.disabled_at,
               coalesce(p.spend, 0) as spend, coalesce(p.requests, 0) as requests, p.top_model,
               c.budget, coalesce(m.spent_nano, 0) as month_spent,
               case when c.budget is null then null
                    when c.budget = 0 then 100
                    else round(coalesce(m.spent_nano, 0)::numeric * 100 / c.budget, 1) end as pct,
               (select max(e.created_at) from usage_events e where e.user_id = u.id) as last_active
        from users u
        left join per_user p on p.user_id = u.id
        left join caps c on c.user_id = u.id
        left join lateral (
          select l.spent_nano from budget_ledger l
          where c.budget is not null and l.user_id = u.id and l.period_kind = 'month'
            and l.period_start <= ${now}::timestamptz and l.period_end > ${now}::timestamptz
          order by l.period_start desc
          limit 1
        ) m on true
        where ${userSearch(args.q)}
      )
      select id::text as id, email, name, role::text as role, disabled_at, spend, requests, top_model, budget, month_spent, pct,
             last_active
      from listed
      order by ${ADMIN_SORT_SQL[args.sort]} ${direction} nulls last, email asc, id asc
      limit ${args.limit} offset ${args.offset}`),
    rowsOf(sql`select count(*) as total from users u where ${userSearch(args.q)}`),
  ]);
  return {
    total: num(counted[0]?.total),
    rows: rows.map((row) => ({
      id: String(row.id),
      email: String(row.email),
      name: row.name === null ? null : String(row.name),
      role: String(row.role) as "admin" | "user",
      disabled: row.disabled_at !== null,
      spendNano: num(row.spend),
      budgetNano: numOrNull(row.budget),
      monthSpentNano: num(row.month_spent),
      pctUsed: numOrNull(row.pct),
      requests: num(row.requests),
      topModel: row.top_model === null ? null : String(row.top_model),
      lastActiveAt: row.last_active === null ? null : date(row.last_active),
    })),
  };
}

export interface UnpricedRow {
  provider: string;
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * Unpriced usage per provider and model over local days, from the rollups (most requests first). Tokens are the
 * unpriced requests' share of a rollup row (all of it unless a price arrived within that day).
 */
export async function unpricedUsageByModel(args: { from: string; to: string }): Promise<UnpricedRow[]> {
  const rows = await rowsOf(sql`
    select provider::text as provider, model,
           sum(unpriced_requests) as requests,
           sum((input_no_cache_tokens + cache_read_tokens + cache_write_tokens) * unpriced_requests / requests) as input_tokens,
           sum(output_tokens * unpriced_requests / requests) as output_tokens
    from usage_daily
    where day >= ${args.from} and day <= ${args.to} and unpriced_requests > 0
    group by 1, 2
    order by 3 desc, 1, 2`);
  return rows.map((row) => ({
    provider: String(row.provider),
    model: String(row.model),
    requests: num(row.requests),
    inputTokens: num(row.input_tokens),
    outputTokens: num(row.output_tokens),
  }));
}

export interface UnpricedFieldRow {
  provider: string;
  model: string;
  /** A usage field nobody prices (a dotted path into the raw usage) or a rate the price list lacks (`rate:…`). */
  field: string;
  requests: number;
}

/**
 * Bill lines seen without a price, per provider, model and field, over a range of instants: usage fields the
 * provider reported that are not priced (`usage_events.unpriced_usage_fields`) and rates the price list lacks
 * (`rate:…` in `estimated_parts`: audio billed as text, a tool without a fee). Most requests first.
 */
export async function unpricedUsageFields(args: { startsAt: string; endsAt: string }): Promise<UnpricedFieldRow[]> {
  const where = eventsWhere({ userId: null, ...args });
  const rows = await rowsOf(sql`
    select provider, model, field, count(*) as requests
    from (
      select provider::text as provider, model, unnest(unpriced_usage_fields) as field
      from usage_events where unpriced_usage_fields is not null and ${where}
      union all
      select provider::text as provider, model, unnest(estimated_parts) as field
      from usage_events where estimated_parts is not null and ${where}
    ) lines
    where field not in ('input', 'output')
    group by 1, 2, 3
    order by 4 desc, 1, 2, 3`);
  return rows.map((row) => ({ provider: String(row.provider), model: String(row.model), field: String(row.field), requests: num(row.requests) }));
}

/** Names of assistants by id (any user's; deleted ones are simply absent). The nil UUID is never looked up. */
export async function assistantNames({ ids }: { ids: string[] }): Promise<Map<string, string>> {
  const wanted = ids.filter((id) => id !== NO_ASSISTANT && isUuid(id));
  if (wanted.length === 0) return new Map();
  const db = await getDb();
  const rows = await db.select({ id: assistants.id, name: assistants.name }).from(assistants).where(inArray(assistants.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Emails of users by id. */
export async function userEmails({ ids }: { ids: string[] }): Promise<Map<string, string>> {
  const wanted = ids.filter((id) => isUuid(id));
  if (wanted.length === 0) return new Map();
  const db = await getDb();
  const rows = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, wanted));
  return new Map(rows.map((r) => [r.id, r.email]));
}
