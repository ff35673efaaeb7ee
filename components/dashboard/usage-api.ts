import { fetchJson } from "@/lib/chat/client-fetch";
import type {
  ADMIN_BREAKDOWN_BY,
  ADMIN_GROUP_BY,
  ADMIN_USER_SORT,
  AdminUserPage,
  RecentPage,
  UnpricedField,
  UnpricedModel,
  UsageBreakdown,
  UsageSummary,
  UsageTimeseries,
} from "@/lib/dashboard/contract";
import { rangeKey, rangeParams, type RangeSelection } from "./range";

/**
 * The dashboard API as the browser calls it (lib/dashboard/contract.ts) and the TanStack Query keys of its data.
 * `apiBase` is "/api/usage" (me), "/api/admin/usage" (the organisation) or "/api/admin/users/<id>/usage" (one user).
 */

export type GroupBy = (typeof ADMIN_GROUP_BY)[number];
export type BreakdownBy = (typeof ADMIN_BREAKDOWN_BY)[number];
export type AdminUserSort = (typeof ADMIN_USER_SORT)[number];
export type SortDir = "asc" | "desc";

export const RECENT_PAGE_SIZE = 25;
export const ADMIN_USERS_PAGE_SIZE = 25;

export const usageKeys = {
  /** Everything one dashboard shows; invalidate this after a change that moves its numbers. */
  all: (apiBase: string) => ["usage", apiBase] as const,
  summary: (apiBase: string, range: RangeSelection) => ["usage", apiBase, "summary", rangeKey(range)] as const,
  timeseries: (apiBase: string, range: RangeSelection, groupBy: GroupBy) => ["usage", apiBase, "timeseries", rangeKey(range), groupBy] as const,
  breakdown: (apiBase: string, range: RangeSelection, by: BreakdownBy) => ["usage", apiBase, "breakdown", rangeKey(range), by] as const,
  recent: (apiBase: string, range: RangeSelection) => ["usage", apiBase, "recent", rangeKey(range)] as const,
  /** Whether there was any usage at all in the longest range the API allows (the "new user" question). */
  anyUsage: (apiBase: string) => ["usage", apiBase, "any"] as const,
  adminUsers: (range: RangeSelection, query: AdminUsersQuery) => ["admin-users", rangeKey(range), query] as const,
  unpriced: (range: RangeSelection) => ["admin-unpriced", rangeKey(range)] as const,
};

function withParams(url: string, range: RangeSelection, extra: Record<string, string | number | null | undefined> = {}): string {
  const params = rangeParams(range);
  for (const [name, value] of Object.entries(extra)) if (value !== null && value !== undefined && value !== "") params.set(name, String(value));
  return `${url}?${params}`;
}

export function getSummary(apiBase: string, range: RangeSelection, signal?: AbortSignal): Promise<UsageSummary> {
  return fetchJson<UsageSummary>(withParams(`${apiBase}/summary`, range), { signal });
}

export function getTimeseries(apiBase: string, range: RangeSelection, groupBy: GroupBy, signal?: AbortSignal): Promise<UsageTimeseries> {
  return fetchJson<UsageTimeseries>(withParams(`${apiBase}/timeseries`, range, { groupBy }), { signal });
}

export function getBreakdown(apiBase: string, range: RangeSelection, by: BreakdownBy, signal?: AbortSignal): Promise<UsageBreakdown> {
  return fetchJson<UsageBreakdown>(withParams(`${apiBase}/breakdown`, range, { by }), { signal });
}

export function getRecent(apiBase: string, range: RangeSelection, cursor: string | null, signal?: AbortSignal): Promise<RecentPage> {
  return fetchJson<RecentPage>(withParams(`${apiBase}/recent`, range, { cursor, limit: RECENT_PAGE_SIZE }), { signal });
}

/** The CSV of every usage event in the range (a plain link: the browser downloads the streamed file). */
export function exportUrl(apiBase: string, range: RangeSelection): string {
  return withParams(`${apiBase}/export`, range);
}

export interface AdminUsersQuery {
  q: string;
  sort: AdminUserSort;
  dir: SortDir;
  page: number;
}

export function getAdminUsers(range: RangeSelection, query: AdminUsersQuery, signal?: AbortSignal): Promise<AdminUserPage> {
  return fetchJson<AdminUserPage>(withParams("/api/admin/users", range, { ...query, pageSize: ADMIN_USERS_PAGE_SIZE }), { signal });
}

export function getUnpriced(range: RangeSelection, signal?: AbortSignal): Promise<{ models: UnpricedModel[]; fields: UnpricedField[] }> {
  return fetchJson<{ models: UnpricedModel[]; fields: UnpricedField[] }>(withParams("/api/admin/usage/unpriced", range), { signal });
}
