import "server-only";
import { listAdminUsers, type AdminUserSort } from "@/db/queries/usage-admin-users";
import { listUsageEvents, type EventCursor } from "@/db/queries/usage-event-pages";
import {
  assistantNames,
  breakdownDailyUsage,
  dailySeries,
  hourlySeries,
  sumDailyUsage,
  unpricedUsageByModel,
  unpricedUsageFields,
  userEmails,
  userTimeZones,
  type SeriesRow,
  type TotalsRow,
  type ZoneDays,
} from "@/db/queries/usage-reports";
import { NO_ASSISTANT } from "@/db/schema";
import { getBudgetOverview } from "@/lib/settings/budget";
import { USAGE_EVENT_COLUMNS, toUsageEventJson } from "@/lib/usage/event";
import { encodeCursor, type CursorPosition } from "@/lib/validation/cursor";
import type {
  ADMIN_BREAKDOWN_BY,
  ADMIN_GROUP_BY,
  AdminUserPage,
  BreakdownRow,
  RangeQuery,
  RecentPage,
  ResolvedRange,
  UnpricedField,
  UnpricedModel,
  UsageBreakdown,
  UsageSummary,
  UsageTimeseries,
  UsageTotals,
} from "./contract";
import { bucketOf, daysIn, hoursIn, resolveOrgRange } from "./range";

/**
 * What each dashboard endpoint returns (user and admin): each takes a subject — one user, or the whole organisation
 * — and a resolved range, and returns the wire shapes of lib/dashboard/contract.ts. Policy only: ranking, "other",
 * labels, averages. The SQL is in db/queries/usage-*.ts.
 */

/**
 * Whose usage: one user (over the range as resolved in their time zone), or the organisation — with `zones`, each user
 * over their own span of the range (orgRange); without, every user's rollups for the range's day strings.
 */
export type Subject = { userId: string } | { org: true; zones?: ZoneDays };
export type GroupBy = (typeof ADMIN_GROUP_BY)[number];
export type BreakdownBy = (typeof ADMIN_BREAKDOWN_BY)[number];

const scopeOf = (subject: Subject): string | null => ("userId" in subject ? subject.userId : null);
const zonesOf = (subject: Subject): ZoneDays | undefined => ("org" in subject ? subject.zones : undefined);

/**
 * An organisation-wide range: each user's span of it in their own time zone (the same days their dashboard shows for
 * it), and the range bounding them all (`perUserDays`; hours labelled in the viewer's zone).
 */
export async function orgRange(query: RangeQuery, viewerTimeZone: string, now: Date = new Date()): Promise<{ range: ResolvedRange; zones: ZoneDays }> {
  const { range, spans, otherwise } = resolveOrgRange(query, await userTimeZones(), viewerTimeZone, now);
  return { range, zones: { spans, otherwise } };
}

/** Series beyond this many keys are summed as "other". */
export const MAX_SERIES_KEYS = 8;
export const OTHER_KEY = "other";
export const TOTAL_KEY = "total";
export const NO_ASSISTANT_LABEL = "No assistant";
export const DELETED_ASSISTANT_LABEL = "Deleted assistant";

function usageTotals(row: TotalsRow): UsageTotals {
  const priced = row.requests - row.unpricedRequests;
  return { ...row, avgCostPerRequestNano: priced > 0 ? Math.round(row.costNano / priced) : 0 };
}

export async function getUsageSummary({ subject, range }: { subject: Subject; range: ResolvedRange }): Promise<UsageSummary> {
  const [totals, budgets] = await Promise.all([
    sumDailyUsage({ userId: scopeOf(subject), from: range.from, to: range.to, zones: zonesOf(subject) }),
    "userId" in subject ? getBudgetOverview(subject.userId, range.timeZone).then((o) => o.limits) : Promise.resolve([]),
  ]);
  return { range, totals: usageTotals(totals), budgets };
}

/**
 * Cost per bucket (hour for today, day otherwise) and key, zero-filled. Keys are ranked by their cost over the
 * range (then requests, then name); the first 8 are kept and the rest summed as "other". `groupBy=none` has the one
 * key "total"; `groupBy=user` keys are the users' emails.
 */
export async function getUsageTimeseries({ subject, range, groupBy }: { subject: Subject; range: ResolvedRange; groupBy: GroupBy }): Promise<UsageTimeseries> {
  const userId = scopeOf(subject);
  const zones = zonesOf(subject);
  const bucket = bucketOf(range);
  const slots = bucket === "hour" ? hoursIn(range) : daysIn(range);
  const rows: SeriesRow[] =
    bucket === "hour"
      ? await hourlySeries({ userId, startsAt: range.startsAt, endsAt: range.endsAt, zones, groupBy })
      : await dailySeries({ userId, from: range.from, to: range.to, zones, groupBy });

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
 * Totals per model, provider, feature, assistant, source or (organisation-wide) user, largest cost first. Labels:
 * assistant names ("No assistant" for none, "Deleted assistant" for one that no longer exists), user emails, the rest
 * as stored.
 */
export async function getUsageBreakdown({ subject, range, by }: { subject: Subject; range: ResolvedRange; by: BreakdownBy }): Promise<UsageBreakdown> {
  const rows = await breakdownDailyUsage({ userId: scopeOf(subject), from: range.from, to: range.to, zones: zonesOf(subject), by });
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
  const after: EventCursor | undefined = cursor ? { micros: cursor.micros.toString(), id: cursor.id } : undefined;
  const rows = await listUsageEvents({
    userId,
    startsAt: range.startsAt,
    endsAt: range.endsAt,
    order: "desc",
    limit: limit + 1,
    cursor: after,
    columns: USAGE_EVENT_COLUMNS,
  });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map((row) => toUsageEventJson(row.event)),
    nextCursor: rows.length > limit && last ? encodeCursor({ micros: BigInt(last.cursor.micros), id: last.cursor.id }) : null,
  };
}

/**
 * The admin's user list for a range — each user over their own span of it (`zones`, from orgRange), so a row shows
 * what that user's dashboard shows — with the organisation's totals (the sum of the rows over all users). `pctUsed` is the share of the user's tightest monthly cost limit spent in their current
 * budget month (as the budget ledger counts it), in percent with one decimal; null without a monthly cost limit.
 */
export async function getAdminUserPage({
  range,
  zones,
  q,
  sort,
  dir,
  page,
  pageSize,
  now = new Date(),
}: {
  range: ResolvedRange;
  zones?: ZoneDays;
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
      zones,
      now,
      q: q || undefined,
      sort,
      dir: dir ?? (sort === "email" ? "asc" : "desc"),
      limit: pageSize,
      offset: (page - 1) * pageSize,
    }),
    sumDailyUsage({ userId: null, from: range.from, to: range.to, zones }),
  ]);
  return {
    range,
    items: list.rows.map((row) => ({ ...row, lastActiveAt: row.lastActiveAt?.toISOString() ?? null })),
    total: list.total,
    page,
    pageSize,
    orgTotals: usageTotals(org),
  };
}

/** Models used without a price in the range, organisation-wide, most requests first (they need a price override). */
export async function getUnpricedModels({ range, zones }: { range: ResolvedRange; zones?: ZoneDays }): Promise<{ models: UnpricedModel[]; fields: UnpricedField[] }> {
  const [models, fields] = await Promise.all([
    unpricedUsageByModel({ from: range.from, to: range.to, zones }),
    unpricedUsageFields({ startsAt: range.startsAt, endsAt: range.endsAt, zones }),
  ]);
  return { models, fields };
}
