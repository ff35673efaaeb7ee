import "server-only";
import { z } from "zod";
import { getUserById } from "@/db/queries/users";
import {
  assistantNames,
  breakdownDailyUsage,
  dailySeries,
  hourlySeries,
  listAdminUsers,
  listUsageEvents,
  sumDailyUsage,
  unpricedUsageByModel,
  unpricedUsageFields,
  userEmails,
  type AdminUserSort,
  type EventCursor,
  type EventRow,
  type SeriesRow,
  type TotalsRow,
} from "@/db/queries/usage";
import { NO_ASSISTANT } from "@/db/schema";
import { AppError, validationError } from "@/lib/errors";
import { logFailure } from "@/lib/log";
import { getBudgetOverview } from "@/lib/settings/budget";
import { cursorParam, encodeCursor, type CursorPosition } from "@/lib/validation/cursor";
import { parseId } from "@/lib/validation/id";
import { queryParams } from "@/lib/validation/query";
import { text } from "@/lib/validation/text";
import {
  ADMIN_USER_SORT,
  rangeQuerySchema,
  type AdminUserPage,
  type BreakdownRow,
  type RangeQuery,
  type RecentEvent,
  type RecentPage,
  type ResolvedRange,
  type UnpricedField,
  type UnpricedModel,
  type UsageBreakdown,
  type UsageSummary,
  type UsageTimeseries,
  type UsageTotals,
} from "./contract";
import { bucketOf, daysIn, effectiveTimeZone, hoursIn } from "./range";

/**
 * The cost dashboards' domain functions (user and admin). Each takes a subject — one user, or the whole
 * organisation — and a resolved range, and returns the wire shapes of lib/dashboard/contract.ts. All SQL is in
 * db/queries/usage.ts.
 */

export type Subject = { userId: string } | { org: true };

const scopeOf = (subject: Subject): string | null => ("userId" in subject ? subject.userId : null);

/** Series beyond this many keys are summed as "other". */
export const MAX_SERIES_KEYS = 8;
export const OTHER_KEY = "other";
export const TOTAL_KEY = "total";
export const NO_ASSISTANT_LABEL = "No assistant";
export const DELETED_ASSISTANT_LABEL = "Deleted assistant";
/** Events per database round trip of the CSV export. */
export const EXPORT_PAGE_SIZE = 1000;

// ---------------------------------------------------------------------------------------------------------------
// Request parameters (shared by the user routes and the admin routes)

const enumOf = <T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.enum(values, { error: `${name} must be one of ${values.join(", ")}` });

const intParam = (name: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`)
    .default(fallback);

export const recentParams = {
  limit: intParam("limit", 1, 100, 50),
  cursor: cursorParam.optional(),
};

export const adminUserParams = {
  q: text().trim().max(200, "q is at most 200 characters").optional(),
  sort: enumOf("sort", ADMIN_USER_SORT).default("spend"),
  dir: enumOf("dir", ["asc", "desc"] as const).optional(),
  page: intParam("page", 1, 100_000, 1),
  pageSize: intParam("pageSize", 1, 100, 25),
};

export const groupByParam = <T extends readonly [string, ...string[]]>(values: T) => ({ groupBy: enumOf("groupBy", values).default(values[0]) });
export const breakdownByParam = <T extends readonly [string, ...string[]]>(values: T) => ({ by: enumOf("by", values).default(values[0]) });

/**
 * Parses a dashboard request's query string: the range parameters and `extra`; anything else (a `userId`, say) is
 * ignored. An empty parameter (`?cursor=`) means "not given". Bad input throws a 400 naming the parameter.
 */
export function parseDashboardQuery<T extends z.ZodRawShape>(request: Request, extra: T): RangeQuery & z.output<z.ZodObject<T>> {
  const params = queryParams(request);
  const range = rangeQuerySchema.safeParse(params);
  if (!range.success) throw validationError(range.error);
  const rest = z.object(extra).safeParse(params);
  if (!rest.success) throw validationError(rest.error);
  return { ...range.data, ...(rest.data as z.output<z.ZodObject<T>>) };
}

/** The user an admin asks about (`/api/admin/users/:id/…`), with their time zone; 404 for an unknown id. */
export async function requireSubjectUser(id: unknown): Promise<{ userId: string; timeZone: string }> {
  const userId = parseId(id);
  const user = userId ? await getUserById({ id: userId }) : undefined;
  if (!user) throw new AppError("not_found", "That user does not exist.");
  return { userId: user.id, timeZone: effectiveTimeZone(user.timeZone) };
}

// ---------------------------------------------------------------------------------------------------------------
// Summary, timeseries, breakdown

function usageTotals(row: TotalsRow): UsageTotals {
  const priced = row.requests - row.unpricedRequests;
  return { ...row, avgCostPerRequestNano: priced > 0 ? Math.round(row.costNano / priced) : 0 };
}

export async function getUsageSummary({ subject, range }: { subject: Subject; range: ResolvedRange }): Promise<UsageSummary> {
  const [totals, budgets] = await Promise.all([
    sumDailyUsage({ userId: scopeOf(subject), from: range.from, to: range.to }),
    "userId" in subject ? getBudgetOverview(subject.userId, range.timeZone).then((o) => o.limits) : Promise.resolve([]),
  ]);
  return { range, totals: usageTotals(totals), budgets };
}

/**
 * Cost per bucket (hour for today, day otherwise) and key, zero-filled. Keys are ranked by their cost over the
 * range (then requests, then name); the first 8 are kept and the rest summed as "other". `groupBy=none` has the one
 * key "total"; `groupBy=user` keys are the users' emails.
 */
export async function getUsageTimeseries({
  subject,
  range,
  groupBy,
}: {
  subject: Subject;
  range: ResolvedRange;
  groupBy: "none" | "provider" | "model" | "user";
}): Promise<UsageTimeseries> {
  const userId = scopeOf(subject);
  const bucket = bucketOf(range);
  const slots = bucket === "hour" ? hoursIn(range) : daysIn(range);
  const rows: SeriesRow[] =
    bucket === "hour"
      ? await hourlySeries({ userId, startsAt: range.startsAt, endsAt: range.endsAt, groupBy })
      : await dailySeries({ userId, from: range.from, to: range.to, groupBy });

  const ranking = new Map<string, { costNano: number; requests: number }>();
  for (const row of rows) {
    const total = ranking.get(row.key) ?? { costNano: 0, requests: 0 };
    total.costNano += row.costNano;
    total.requests += row.requests;
    ranking.set(row.key, total);
  }
  const ranked = [...ranking.entries()]
    .sort(([a, x], [b, y]) => y.costNano - x.costNano || y.requests - x.requests || (a < b ? -1 : a > b ? 1 : 0))
    .map(([key]) => key);
  const kept = groupBy === "none" ? [TOTAL_KEY] : ranked.slice(0, MAX_SERIES_KEYS);
  const hasOther = groupBy !== "none" && ranked.length > MAX_SERIES_KEYS;

  let display = new Map(kept.map((key) => [key, key]));
  if (groupBy === "user") {
    const emails = await userEmails({ ids: kept });
    display = new Map(kept.map((key) => [key, emails.get(key) ?? key]));
  }
  const keys = [...kept.map((key) => display.get(key)!), ...(hasOther ? [OTHER_KEY] : [])];

  const index = new Map(slots.map((slot, i) => [slot, i]));
  const points = slots.map((t) => ({ t, values: Object.fromEntries(keys.map((key) => [key, 0])) as Record<string, number>, requests: 0 }));
  for (const row of rows) {
    const point = points[typeof row.bucket === "number" ? row.bucket : (index.get(row.bucket) ?? -1)];
    if (!point) continue;
    const key = display.get(row.key) ?? OTHER_KEY;
    point.values[key] = (point.values[key] ?? 0) + row.costNano;
    point.requests += row.requests;
  }
  return { range, bucket, keys, points };
}

/**
 * Totals per model, provider, feature, assistant or (organisation-wide) user, largest cost first. Labels: assistant
 * names ("No assistant" for none, "Deleted assistant" for one that no longer exists), user emails, the rest as stored.
 */
export async function getUsageBreakdown({
  subject,
  range,
  by,
}: {
  subject: Subject;
  range: ResolvedRange;
  by: "model" | "provider" | "feature" | "assistant" | "user";
}): Promise<UsageBreakdown> {
  const rows = await breakdownDailyUsage({ userId: scopeOf(subject), from: range.from, to: range.to, by });
  const keys = rows.map((r) => r.key);
  let labelOf = (key: string) => key;
  if (by === "assistant") {
    const names = await assistantNames({ ids: keys });
    labelOf = (key) => (key === NO_ASSISTANT ? NO_ASSISTANT_LABEL : (names.get(key) ?? DELETED_ASSISTANT_LABEL));
  } else if (by === "user") {
    const emails = await userEmails({ ids: keys });
    labelOf = (key) => emails.get(key) ?? key;
  }
  const out: BreakdownRow[] = rows.map(({ key, ...totals }) => ({ key, label: labelOf(key), ...usageTotals(totals) }));
  return { range, by, rows: out };
}

// ---------------------------------------------------------------------------------------------------------------
// Recent requests and the CSV export (one user's events)

const cursorOf = (row: EventRow): string => encodeCursor({ micros: BigInt(row.micros), id: row.id });
const eventCursor = (cursor: CursorPosition | undefined): EventCursor | undefined =>
  cursor ? { micros: cursor.micros.toString(), id: cursor.id } : undefined;

function recentEvent(row: EventRow): RecentEvent {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    provider: row.provider,
    model: row.model,
    feature: row.feature,
    costNano: row.costNano,
    priced: row.priced,
    estimated: row.estimated,
    costSource: row.costSource,
    status: row.status,
    latencyMs: row.latencyMs,
    ttftMs: row.ttftMs,
    conversationId: row.conversationId,
    inputTokens: row.inputTokens,
    cacheReadTokens: row.cacheReadTokens,
    cacheWriteTokens: row.cacheWriteTokens,
    outputTokens: row.outputTokens,
    reasoningTokens: row.reasoningTokens,
  };
}

/** One user's model calls in the range, newest first, a page at a time (`nextCursor` is null on the last page). */
export async function getRecentUsage({
  userId,
  range,
  limit,
  cursor,
}: {
  userId: string;
  range: ResolvedRange;
  limit: number;
  cursor?: CursorPosition;
}): Promise<RecentPage> {
  const rows = await listUsageEvents({ userId, startsAt: range.startsAt, endsAt: range.endsAt, order: "desc", limit: limit + 1, cursor: eventCursor(cursor) });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(recentEvent), nextCursor: rows.length > limit && last ? cursorOf(last) : null };
}

export const CSV_COLUMNS = [
  "created_at",
  "id",
  "request_id",
  "provider",
  "model",
  "feature",
  "assistant_id",
  "conversation_id",
  "key_source",
  "status",
  "priced",
  "estimated",
  "cost_source",
  "input_no_cache_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "output_tokens",
  "reasoning_tokens",
  "cost_usd",
  "cost_nano",
  "latency_ms",
  "ttft_ms",
  "cache_write_1h_tokens",
  "audio_input_tokens",
  "audio_output_tokens",
  "server_tool_requests",
  "tool_cost_nano",
  "upstream_cost_nano",
  "estimated_parts",
  "unpriced_usage_fields",
] as const;

/** nano-USD as a decimal USD string with all 9 decimals: 435000 → "0.000435000". */
export function nanoToUsdFixed(nano: number): string {
  const sign = nano < 0 ? "-" : "";
  const abs = BigInt(Math.abs(nano));
  return `${sign}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, "0")}`;
}

/** One CSV field: quoted when it must be; text a spreadsheet would run as a formula is defused with a leading '. */
function csvField(value: string | number | boolean | null, text = false): string {
  if (value === null) return "";
  let s = String(value);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(row: EventRow): string {
  return [
    csvField(row.createdAt.toISOString()),
    csvField(row.id),
    csvField(row.requestId, true),
    csvField(row.provider, true),
    csvField(row.model, true),
    csvField(row.feature, true),
    csvField(row.assistantId),
    csvField(row.conversationId),
    csvField(row.keySource),
    csvField(row.status),
    csvField(row.priced),
    csvField(row.estimated),
    csvField(row.costSource),
    csvField(row.inputTokens),
    csvField(row.cacheReadTokens),
    csvField(row.cacheWriteTokens),
    csvField(row.outputTokens),
    csvField(row.reasoningTokens),
    csvField(row.costNano === null ? null : nanoToUsdFixed(row.costNano)),
    csvField(row.costNano),
    csvField(row.latencyMs),
    csvField(row.ttftMs),
    csvField(row.billLines.cacheWrite1hTokens),
    csvField(row.billLines.audioInputTokens),
    csvField(row.billLines.audioOutputTokens),
    // "web_search=2 web_fetch=1": one cell a spreadsheet keeps as text.
    csvField(row.billLines.serverToolRequests ? Object.entries(row.billLines.serverToolRequests).map(([tool, n]) => `${tool}=${n}`).join(" ") : null, true),
    csvField(row.billLines.toolCostNano),
    csvField(row.billLines.upstreamCostNano),
    csvField(row.billLines.estimatedParts?.join(" ") ?? null, true),
    csvField(row.billLines.unpricedUsageFields?.join(" ") ?? null, true),
  ].join(",");
}

export function exportFilename(range: Pick<ResolvedRange, "from" | "to">): string {
  return `spendboard-usage-${range.from}-${range.to}.csv`;
}

/**
 * Every usage event of one user in the range as CSV (a header row, then oldest first), streamed: each pull reads the
 * next page of events after a (created_at, id) keyset cursor, so the range is never held in memory.
 */
export function exportUsageCsv({ userId, range, pageSize = EXPORT_PAGE_SIZE }: { userId: string; range: ResolvedRange; pageSize?: number }): Response {
  const encoder = new TextEncoder();
  let cursor: EventCursor | undefined;
  let headerSent = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(",")}\r\n`));
        return;
      }
      try {
        const rows = await listUsageEvents({ userId, startsAt: range.startsAt, endsAt: range.endsAt, order: "asc", limit: pageSize, cursor });
        if (rows.length > 0) {
          controller.enqueue(encoder.encode(rows.map((row) => `${csvLine(row)}\r\n`).join("")));
          const last = rows.at(-1)!;
          cursor = { micros: last.micros, id: last.id };
        }
        if (rows.length < pageSize) controller.close();
      } catch (error) {
        logFailure("usage", `CSV export for user ${userId}`, error);
        controller.error(error);
      }
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${exportFilename(range)}"`,
      "cache-control": "no-store",
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Admin: the user list and unpriced models

/**
 * The admin's user list for a range (days in the admin's time zone; each user's own days in the rollups), with the
 * organisation's totals. `pctUsed` is the share of the user's tightest monthly cost limit spent in their current
 * budget month (as the budget ledger counts it), in percent with one decimal; null without a monthly cost limit.
 */
export async function getAdminUserPage({
  range,
  q,
  sort,
  dir,
  page,
  pageSize,
  now = new Date(),
}: {
  range: ResolvedRange;
  q?: string;
  sort: AdminUserSort;
  dir?: "asc" | "desc";
  page: number;
  pageSize: number;
  now?: Date;
}): Promise<AdminUserPage> {
  const [list, org] = await Promise.all([
    listAdminUsers({
      from: range.from,
      to: range.to,
      now,
      q: q || undefined,
      sort,
      dir: dir ?? (sort === "email" ? "asc" : "desc"),
      limit: pageSize,
      offset: (page - 1) * pageSize,
    }),
    sumDailyUsage({ userId: null, from: range.from, to: range.to }),
  ]);
  return {
    range,
    items: list.rows.map((row) => ({
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      disabled: row.disabled,
      spendNano: row.spendNano,
      budgetNano: row.budgetNano,
      pctUsed: row.pctUsed,
      requests: row.requests,
      topModel: row.topModel,
      lastActiveAt: row.lastActiveAt?.toISOString() ?? null,
    })),
    total: list.total,
    page,
    pageSize,
    orgTotals: usageTotals(org),
  };
}

/** Models used without a price in the range, organisation-wide, most requests first (they need a price override). */
export async function getUnpricedModels({ range }: { range: ResolvedRange }): Promise<{ models: UnpricedModel[]; fields: UnpricedField[] }> {
  const [models, fields] = await Promise.all([
    unpricedUsageByModel({ from: range.from, to: range.to }),
    unpricedUsageFields({ startsAt: range.startsAt, endsAt: range.endsAt }),
  ]);
  return { models, fields };
}
