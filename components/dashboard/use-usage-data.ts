"use client";

import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { MAX_RANGE_DAYS } from "@/lib/dashboard/contract";
import { addDays, isoDateInZone } from "@/lib/format";
import type { RangeSelection } from "./range";
import {
  getAdminUsers,
  getBreakdown,
  getRecent,
  getSummary,
  getTimeseries,
  getUnpriced,
  usageKeys,
  type AdminUsersQuery,
  type BreakdownBy,
  type GroupBy,
} from "./usage-api";

/**
 * One TanStack Query per endpoint, keyed by the range. Every panel refetches when the tab regains focus (a chat in
 * another tab shows up here) and keeps showing the previous range's numbers, dimmed, while a new range loads.
 */

export function useSummary(apiBase: string, range: RangeSelection, enabled = true) {
  return useQuery({
    queryKey: usageKeys.summary(apiBase, range),
    queryFn: ({ signal }) => getSummary(apiBase, range, signal),
    enabled,
    refetchOnWindowFocus: true,
    placeholderData: keepPreviousData,
  });
}

export function useTimeseries(apiBase: string, range: RangeSelection, groupBy: GroupBy, enabled = true) {
  return useQuery({
    queryKey: usageKeys.timeseries(apiBase, range, groupBy),
    queryFn: ({ signal }) => getTimeseries(apiBase, range, groupBy, signal),
    enabled,
    refetchOnWindowFocus: true,
    placeholderData: keepPreviousData,
  });
}

export function useBreakdown(apiBase: string, range: RangeSelection, by: BreakdownBy, enabled = true) {
  return useQuery({
    queryKey: usageKeys.breakdown(apiBase, range, by),
    queryFn: ({ signal }) => getBreakdown(apiBase, range, by, signal),
    enabled,
    refetchOnWindowFocus: true,
    placeholderData: keepPreviousData,
  });
}

export function useRecent(apiBase: string, range: RangeSelection, enabled = true) {
  return useInfiniteQuery({
    queryKey: usageKeys.recent(apiBase, range),
    queryFn: ({ pageParam, signal }) => getRecent(apiBase, range, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
    refetchOnWindowFocus: true,
    placeholderData: keepPreviousData,
  });
}

/**
 * Whether the subject has any usage at all in the longest range the API serves (the last 400 days, in their time
 * zone). Asked only when the selected range is empty, to tell a new account (show the first steps) from a quiet range.
 */
export function useAnyUsage(apiBase: string, timeZone: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: usageKeys.anyUsage(apiBase),
    queryFn: async ({ signal }) => {
      const to = isoDateInZone(new Date(), timeZone);
      const summary = await getSummary(apiBase, { preset: "custom", from: addDays(to, -(MAX_RANGE_DAYS - 1)), to }, signal);
      return summary.totals.requests > 0;
    },
    enabled,
    refetchOnWindowFocus: true,
  });
}

export function useAdminUsers(range: RangeSelection, query: AdminUsersQuery, enabled = true) {
  return useQuery({
    queryKey: usageKeys.adminUsers(range, query),
    queryFn: ({ signal }) => getAdminUsers(range, query, signal),
    enabled,
    refetchOnWindowFocus: true,
    placeholderData: keepPreviousData,
  });
}

export function useUnpriced(range: RangeSelection, enabled = true) {
  return useQuery({
    queryKey: usageKeys.unpriced(range),
    queryFn: ({ signal }) => getUnpriced(range, signal),
    enabled,
    refetchOnWindowFocus: true,
    placeholderData: keepPreviousData,
  });
}
