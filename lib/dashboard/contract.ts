import { z } from "zod";
import type { UsageEventJson } from "@/lib/usage/event";
import { dayRangeProblem, isoDay } from "@/lib/validation/dates";

/**
 * The wire contract of the cost dashboards (user and admin). Shared by the route handlers and the UI; no server-only
 * imports here. Money is integer nano-USD; format it only for display (lib/money.ts `formatUsd`).
 *
 * Days are always the subject user's days, in their time zone (settings; UTC until set) — the daily rollups are kept
 * in it. A user's dashboard, an admin's view of that user and that user's row in the admin's user list resolve the
 * same range the same way, so they show the same totals. Organisation-wide views count each user over *their own*
 * range ("Last 7 days" is each person's last 7 days) and sum those: `perUserDays` is set, `from`..`to` and
 * `startsAt`..`endsAt` bound every user's range, and `timeZone` is the viewer's (it only labels hours). Every endpoint
 * takes the range as:
 *   ?range=today|7d|30d|this_month|last_month|custom[&from=YYYY-MM-DD&to=YYYY-MM-DD]   (from/to inclusive; custom only)
 * Bad input → 400 validation_failed with the reason: malformed dates, dates outside 2000-01-01..2100-12-31, end before
 * start, more than 400 days, unknown range / groupBy / by values, page sizes out of bounds, cursors this API did not give
 * out, text with NUL or unpaired surrogates.
 *
 * User (always the signed-in user; any userId-like parameter is ignored):
 *   GET /api/usage/summary                         → UsageSummary
 *   GET /api/usage/timeseries?groupBy=provider|model|none → UsageTimeseries  (by hour for range=today, else by day)
 *   GET /api/usage/breakdown?by=model|provider|feature|assistant|source → UsageBreakdown
 *   GET /api/usage/recent?cursor=&limit=1..100      → RecentPage (newest first)
 *   GET /api/usage/export                          → text/csv, streamed: every usage event in the range
 *   (recent events and the CSV columns are both derived from the one definition in lib/usage/event.ts)
 * Admin (role checked on the server; 403 otherwise):
 *   GET /api/admin/users?range&q=&sort=&dir=&page=&pageSize=1..100 → AdminUserPage
 *   GET /api/admin/usage/summary | /timeseries?groupBy=user|provider|model|none | /breakdown?by=… → same shapes, organisation-wide
 *   GET /api/admin/usage/unpriced                  → { models: UnpricedModel[], fields: UnpricedField[] }
 *   GET /api/admin/users/:id/usage/summary | timeseries | breakdown | recent | export → one user's dashboard
 *   GET /api/admin/audit?cursor=&limit=            → AuditPage
 */

export const RANGE_PRESETS = ["today", "7d", "30d", "this_month", "last_month", "custom"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const MAX_RANGE_DAYS = 400;

const day = isoDay();

/** Custom days are checked by lib/validation/dates.ts: real dates from 2000-01-01 to 2100-12-31, at most 400 days. */
export const rangeQuerySchema = z
  .object({
    range: z.enum(RANGE_PRESETS, { error: `range must be one of ${RANGE_PRESETS.join(", ")}` }).default("30d"),
    from: day.optional(),
    to: day.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.range !== "custom") return;
    if (!q.from || !q.to) {
      ctx.addIssue({ code: "custom", message: "A custom range needs from and to (YYYY-MM-DD).", path: ["from"] });
      return;
    }
    const problem = dayRangeProblem(q.from, q.to, MAX_RANGE_DAYS);
    if (problem) ctx.addIssue({ code: "custom", message: problem.message, path: [problem.field] });
  });
export type RangeQuery = z.output<typeof rangeQuerySchema>;

export const GROUP_BY = ["none", "provider", "model"] as const;
export const ADMIN_GROUP_BY = ["none", "provider", "model", "user", "team"] as const;
export const BREAKDOWN_BY = ["model", "provider", "feature", "assistant", "source"] as const;
export const ADMIN_BREAKDOWN_BY = ["model", "provider", "feature", "assistant", "user", "source", "team"] as const;

/** The resolved range: inclusive local days, and the instants they span in `timeZone`. */
export interface ResolvedRange {
  preset: RangePreset;
  from: string;
  to: string;
  timeZone: string;
  startsAt: string;
  endsAt: string;
  /** Organisation-wide: each user counted over this range in their own time zone (the fields above bound them all). */
  perUserDays?: boolean;
}

/**
 * Token buckets, each token counted once: `inputTokens` is input WITHOUT the cached parts, so the whole prompt is
 * inputTokens + cacheReadTokens + cacheWriteTokens; `outputTokens` includes `reasoningTokens`.
 */
export interface TokenTotals {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

export interface UsageTotals extends TokenTotals {
  costNano: number;
  /** The part of cacheWriteTokens written to a 1-hour cache (priced at its own rate). */
  cacheWrite1hTokens: number;
  /** Server-side tool requests billed per request (web searches, web fetches, grounded prompts). */
  serverToolRequests: number;
  /** Their fees, nano-USD: a part of costNano. */
  toolCostNano: number;
  requests: number;
  errorRequests: number;
  unpricedRequests: number;
  estimatedRequests: number;
  /** costNano / priced requests, rounded; 0 without requests. */
  avgCostPerRequestNano: number;
}

export interface BudgetProgress {
  kind: "monthly_cost" | "daily_cost" | "monthly_tokens";
  label: string;
  /** nano-USD for cost limits, tokens for the token limit. */
  limit: number;
  /** Spent (nano-USD) or used (tokens) so far in the current period. */
  used: number;
  /** When the period ends and the budget resets. */
  resetsAt: string;
  /** Set by an admin: the user cannot raise it. */
  cap: boolean;
}

export interface UsageSummary {
  range: ResolvedRange;
  totals: UsageTotals;
  budgets: BudgetProgress[];
}

export interface UsageTimeseries {
  range: ResolvedRange;
  bucket: "hour" | "day";
  /** Series keys in the order to stack them (largest total first; the rest beyond 8 summed as "other"). */
  keys: string[];
  /** One point per bucket in the range, zero-filled: `t` is YYYY-MM-DD (day) or an ISO instant (hour). */
  points: { t: string; values: Record<string, number>; requests: number }[];
}

export interface BreakdownRow extends UsageTotals {
  key: string;
  label: string;
}

export interface UsageBreakdown {
  range: ResolvedRange;
  by: string;
  rows: BreakdownRow[];
}

/** A model call as /api/usage/recent lists it: every field of the usage event definition (lib/usage/event.ts). */
export type RecentEvent = UsageEventJson;

export interface RecentPage {
  items: RecentEvent[];
  nextCursor: string | null;
}

export const ADMIN_USER_SORT = ["spend", "budget", "pct", "requests", "last_active", "email"] as const;

export interface AdminUserRow {
  id: string;
  email: string;
  name: string | null;
  role: "admin" | "user";
  disabled: boolean;
  spendNano: number;
  /** The tightest monthly cost limit (user budget or admin cap), nano-USD; null without one. */
  budgetNano: number | null;
  /** Spend in the current budget month ÷ budgetNano, in percent with one decimal; null without a budget. */
  pctUsed: number | null;
  requests: number;
  topModel: string | null;
  lastActiveAt: string | null;
}

export interface AdminUserPage {
  range: ResolvedRange;
  items: AdminUserRow[];
  total: number;
  page: number;
  pageSize: number;
  orgTotals: UsageTotals;
}

export interface UnpricedModel {
  provider: string;
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

/** A bill line seen without a price: a usage field nobody prices, or a rate the price list lacks (`rate:…`). */
export interface UnpricedField {
  provider: string;
  model: string;
  field: string;
  requests: number;
}

export interface AuditEntry {
  id: string;
  createdAt: string;
  actorEmail: string;
  action: string;
  targetEmail: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}
