import "server-only";
import { inArray, sql, type SQL } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { assistants, NO_ASSISTANT, users } from "@/db/schema";
import type { UnpricedField, UnpricedModel, UsageTotals } from "@/lib/dashboard/contract";
import { isUuid } from "@/lib/validation/id";
import { eventsWhere, num, rowsOf, type Row } from "./usage-rows";

/**
 * The cost dashboards' sums. Day ranges read the daily rollups (`usage_daily`, by its primary key `(user_id, day, …)`
 * for one user, by `usage_daily_day_idx` organisation-wide); only the hourly "today" series and the unpriced bill
 * lines read `usage_events`, always by an indexed `created_at` range (`usage_events_user_created_idx` for one user,
 * `usage_events_created_idx` organisation-wide). The event pages (recent requests, CSV export) are in
 * usage-event-pages.ts, the admin's user list in usage-admin-users.ts.
 *
 * `userId: null` means every user. Days are "YYYY-MM-DD" strings (inclusive); instants are ISO strings, `startsAt`
 * inclusive and `endsAt` exclusive. Organisation-wide, `zones` (when given) counts each user over their own span: the
 * days or instants the range means in their stored time zone (lib/dashboard/range.ts resolveOrgRange); `from`..`to`
 * and `startsAt`..`endsAt` then bound all spans (they keep the indexes in use).
 */

export type DailyKey = "none" | "provider" | "model" | "feature" | "assistant" | "source" | "user" | "team";
export type EventKey = "none" | "provider" | "model" | "user" | "team";

/** The key of usage in no team (`team` grouping). */
export const NO_TEAM_KEY = "No team";

// The team a row's user is in now, by name (a team's spend is its current members').
const teamOf = (table: "usage_daily" | "usage_events") =>
  sql.raw(`coalesce((select t.name from team_members tm join teams t on t.id = tm.team_id where tm.user_id = ${table}.user_id), '${NO_TEAM_KEY}')`);

/** Days (inclusive) and the instants they span in one time zone. */
export interface DaySpan {
  from: string;
  to: string;
  startsAt: string;
  endsAt: string;
}

/** Users' stored time zones (null: not set) grouped by the span a range means in them; any other zone: `otherwise`. */
export interface ZoneDays {
  spans: { timeZones: (string | null)[]; range: DaySpan }[];
  otherwise: DaySpan;
}

/** Every time zone stored on a user (null for users without one), to resolve an organisation-wide range. */
export async function userTimeZones(executor?: DbExecutor): Promise<(string | null)[]> {
  const rows = await rowsOf(sql`select distinct time_zone from users`, executor);
  return rows.map((row) => (row.time_zone === null ? null : String(row.time_zone)));
}

/** The condition `inSpan` applied to each row with the span of its user's time zone (`table.user_id`). */
function perUserSpan(table: "usage_daily" | "usage_events", zones: ZoneDays, inSpan: (span: DaySpan) => SQL): SQL {
  const zone = sql.raw(`coalesce((select u.time_zone from users u where u.id = ${table}.user_id), '')`);
  const whens = zones.spans.map(
    ({ timeZones, range }) => sql`when ${zone} in (${sql.join(timeZones.map((z) => sql`${z ?? ""}`), sql`, `)}) then ${inSpan(range)}`,
  );
  return sql`(case ${sql.join(whens, sql` `)} else ${inSpan(zones.otherwise)} end)`;
}

const daysIn = (span: Pick<DaySpan, "from" | "to">) => sql`day >= ${span.from} and day <= ${span.to}`;
const instantsIn = (span: Pick<DaySpan, "startsAt" | "endsAt">) =>
  sql`created_at >= ${span.startsAt}::timestamptz and created_at < ${span.endsAt}::timestamptz`;

/** The rollup rows of one user's days, or of every user's (each over their own span when `zones` is given). */
export function dailyWhere({ userId, from, to, zones }: { userId: string | null; from: string; to: string; zones?: ZoneDays }): SQL {
  const days = daysIn({ from, to });
  if (userId) return sql`user_id = ${userId}::uuid and ${days}`;
  return zones ? sql`${days} and ${perUserSpan("usage_daily", zones, daysIn)}` : days;
}

/** The events of one user's instants, or of every user's (each over their own span when `zones` is given). */
function spanEventsWhere(args: { userId: string | null; startsAt: string; endsAt: string; zones?: ZoneDays }): SQL {
  const where = eventsWhere(args);
  return !args.userId && args.zones ? sql`${where} and ${perUserSpan("usage_events", args.zones, instantsIn)}` : where;
}

/** Summed usage: the wire totals without the average (lib/dashboard/reports.ts adds it). */
export type TotalsRow = Omit<UsageTotals, "avgCostPerRequestNano">;

export interface SeriesRow {
  /** A day ("YYYY-MM-DD") or an hour's index from the range's start. */
  bucket: string | number;
  key: string;
  costNano: number;
  requests: number;
}

// Whitelisted group keys: never built from request input. Grouped as stored (no casts, cheaper to hash); the drivers
// hand enums and uuids back as strings.
const DAILY_KEY_SQL: Record<DailyKey, SQL> = {
  none: sql.raw(`'total'`),
  provider: sql.raw(`provider`),
  model: sql.raw(`model`),
  feature: sql.raw(`feature`),
  assistant: sql.raw(`assistant_id`),
  source: sql.raw(`source`),
  user: sql.raw(`user_id`),
  team: teamOf("usage_daily"),
};
// The events have the same columns; only these are charted by hour.
const EVENT_KEY_SQL: Record<EventKey, SQL> = {
  none: DAILY_KEY_SQL.none,
  provider: DAILY_KEY_SQL.provider,
  model: DAILY_KEY_SQL.model,
  user: DAILY_KEY_SQL.user,
  team: teamOf("usage_events"),
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

/** Totals over local days from the rollups. */
export async function sumDailyUsage(args: { userId: string | null; from: string; to: string; zones?: ZoneDays }, executor?: DbExecutor): Promise<TotalsRow> {
  const [row] = await rowsOf(sql`select ${DAILY_TOTALS} from usage_daily where ${dailyWhere(args)}`, executor);
  return totalsOf(row);
}

/** Totals per key over local days from the rollups, largest cost first. */
export async function breakdownDailyUsage(args: { userId: string | null; from: string; to: string; zones?: ZoneDays; by: Exclude<DailyKey, "none"> }, executor?: DbExecutor): Promise<(TotalsRow & { key: string })[]> {
  const rows = await rowsOf(sql`
    select ${DAILY_KEY_SQL[args.by]} as key, ${DAILY_TOTALS}
    from usage_daily
    where ${dailyWhere(args)}
    group by 1
    order by 2 desc, 3 desc, 1`, executor);
  return rows.map((row) => ({ key: String(row.key), ...totalsOf(row) }));
}

/** Cost and requests per local day and key, from the rollups (days without usage are absent). */
export async function dailySeries(args: { userId: string | null; from: string; to: string; zones?: ZoneDays; groupBy: DailyKey }, executor?: DbExecutor): Promise<SeriesRow[]> {
  const rows = await rowsOf(sql`
    select day as bucket, ${DAILY_KEY_SQL[args.groupBy]} as key,
           coalesce(sum(cost_nano), 0) as cost_nano, coalesce(sum(requests), 0) as requests
    from usage_daily
    where ${dailyWhere(args)}
    group by 1, 2`, executor);
  return rows.map((row) => ({ bucket: String(row.bucket), key: String(row.key), costNano: num(row.cost_nano), requests: num(row.requests) }));
}

/** Cost and requests per hour (counted from `startsAt`) and key, from the events of an instant range. */
export async function hourlySeries(args: { userId: string | null; startsAt: string; endsAt: string; zones?: ZoneDays; groupBy: EventKey }, executor?: DbExecutor): Promise<SeriesRow[]> {
  const rows = await rowsOf(sql`
    select floor(extract(epoch from (created_at - ${args.startsAt}::timestamptz)) / 3600)::int as bucket,
           ${EVENT_KEY_SQL[args.groupBy]} as key,
           coalesce(sum(cost_nano), 0) as cost_nano, count(*) as requests
    from usage_events
    where ${spanEventsWhere(args)}
    group by 1, 2`, executor);
  return rows.map((row) => ({ bucket: num(row.bucket), key: String(row.key), costNano: num(row.cost_nano), requests: num(row.requests) }));
}

/**
 * Unpriced usage per provider and model over local days, from the rollups (most requests first). Tokens are the
 * unpriced requests' share of a rollup row (all of it unless a price arrived within that day).
 */
export async function unpricedUsageByModel(args: { from: string; to: string; zones?: ZoneDays }, executor?: DbExecutor): Promise<UnpricedModel[]> {
  const rows = await rowsOf(sql`
    select provider::text as provider, model,
           sum(unpriced_requests) as requests,
           sum((input_no_cache_tokens + cache_read_tokens + cache_write_tokens) * unpriced_requests / requests) as input_tokens,
           sum(output_tokens * unpriced_requests / requests) as output_tokens
    from usage_daily
    where ${dailyWhere({ userId: null, ...args })} and unpriced_requests > 0
    group by 1, 2
    order by 3 desc, 1, 2`, executor);
  return rows.map((row) => ({
    provider: String(row.provider),
    model: String(row.model),
    requests: num(row.requests),
    inputTokens: num(row.input_tokens),
    outputTokens: num(row.output_tokens),
  }));
}

/**
 * Bill lines seen without a price, per provider, model and field, over a range of instants: usage fields the
 * provider reported that are not priced (`usage_events.unpriced_usage_fields`) and rates the price list lacks
 * (`rate:…` in `estimated_parts`: audio billed as text, a tool without a fee). Most requests first.
 */
export async function unpricedUsageFields(args: { startsAt: string; endsAt: string; zones?: ZoneDays }, executor?: DbExecutor): Promise<UnpricedField[]> {
  const where = spanEventsWhere({ userId: null, ...args });
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
    order by 4 desc, 1, 2, 3`, executor);
  return rows.map((row) => ({ provider: String(row.provider), model: String(row.model), field: String(row.field), requests: num(row.requests) }));
}

/** Names of assistants by id (any user's; deleted ones are simply absent). The nil UUID is never looked up. */
export async function assistantNames({ ids }: { ids: string[] }, executor?: DbExecutor): Promise<Map<string, string>> {
  const wanted = ids.filter((id) => id !== NO_ASSISTANT && isUuid(id));
  if (wanted.length === 0) return new Map();
  const db = executor ?? (await getDb());
  const rows = await db.select({ id: assistants.id, name: assistants.name }).from(assistants).where(inArray(assistants.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Emails of users by id. */
export async function userEmails({ ids }: { ids: string[] }, executor?: DbExecutor): Promise<Map<string, string>> {
  const wanted = ids.filter((id) => isUuid(id));
  if (wanted.length === 0) return new Map();
  const db = executor ?? (await getDb());
  const rows = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, wanted));
  return new Map(rows.map((r) => [r.id, r.email]));
}
