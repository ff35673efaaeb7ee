import type { BudgetMode } from "@/db/schema";
import type { Budgets } from "@/db/queries/settings";
import { currentPeriod, type PeriodKind } from "./periods";

export type LimitKind = "monthly_cost" | "daily_cost" | "monthly_tokens" | "daily_tokens";

/**
 * Whose limit it is: the user's own budget, an admin cap, the organisation default, the team's, the organisation's, or
 * the API token's own (a gateway call made with that token is under it as well as under the user's).
 */
export type LimitSource = "user" | "admin" | "default" | "team" | "org" | "token";

/**
 * One limit a user is under. Limits of `scope` user count the user's own ledger rows (their time zone's month and
 * day); team and org limits count a shared row (`scopeKey`) of everyone in it, per calendar month in UTC.
 */
export interface BudgetLimit {
  kind: LimitKind;
  source: LimitSource;
  /** nano-USD for cost limits, tokens for token limits. */
  limit: number;
  mode: BudgetMode;
  thresholds: number[];
  /** "monthly budget", "monthly cap set by an admin", "organisation default monthly budget", "team monthly budget"… */
  name: string;
  period: PeriodKind;
  /** Which ledger counts it (default "user"). */
  scope?: "user" | "team" | "org" | "token";
  /** The shared ledger row's key for team, org and token limits: `team:<id>`, `org` or `token:<id>`. */
  scopeKey?: string;
}

export const ORG_SCOPE = "org";
export const teamScope = (teamId: string) => `team:${teamId}`;
export const tokenScope = (apiTokenId: string) => `token:${apiTokenId}`;

/** A limit counted on a shared ledger row (team, organisation, API token) rather than the user's own rows. */
export const isSharedLimit = (limit: Pick<BudgetLimit, "scope">) => limit.scope === "team" || limit.scope === "org" || limit.scope === "token";

/**
 * An API token's own monthly budget: enforced on every call made with the token, counted on the token's shared row
 * (its calls, per calendar month in UTC, like team and organisation budgets), on top of the user's budgets.
 */
export function apiTokenLimit(token: { id: string; name: string; monthlyBudgetNano: number | null }): BudgetLimit | null {
  if (token.monthlyBudgetNano === null) return null;
  return {
    kind: "monthly_cost",
    source: "token",
    limit: token.monthlyBudgetNano,
    mode: "enforce",
    thresholds: [],
    name: `monthly budget of the API token “${token.name}”`,
    period: "month",
    scope: "token",
    scopeKey: tokenScope(token.id),
  };
}

export const isTokenLimit = (kind: LimitKind) => kind === "monthly_tokens" || kind === "daily_tokens";

const PERIOD: Record<LimitKind, PeriodKind> = { monthly_cost: "month", daily_cost: "day", monthly_tokens: "month", daily_tokens: "day" };

const NAMES: Record<"user" | "admin" | "default", Record<LimitKind, string>> = {
  user: { monthly_cost: "monthly budget", daily_cost: "daily budget", monthly_tokens: "monthly token budget", daily_tokens: "daily token budget" },
  admin: {
    monthly_cost: "monthly cap set by an admin",
    daily_cost: "daily cap set by an admin",
    monthly_tokens: "monthly token cap set by an admin",
    daily_tokens: "daily token cap set by an admin",
  },
  default: {
    monthly_cost: "organisation default monthly budget",
    daily_cost: "organisation default daily budget",
    monthly_tokens: "organisation default monthly token budget",
    daily_tokens: "organisation default daily token budget",
  },
};

/**
 * Every limit the user is under, in this order: their own budget, an admin cap, the organisation's default budget,
 * their team's monthly budget, the organisation's monthly cap. The tightest enforced one refuses a request.
 */
export function limitsOf(budgets: Budgets): BudgetLimit[] {
  const limits: BudgetLimit[] = [];
  const personal = [
    ["user", budgets.user],
    ["admin", budgets.admin],
    ["default", budgets.defaults],
  ] as const;
  for (const [source, budget] of personal) {
    if (!budget) continue;
    const values: Record<LimitKind, number | null> = {
      monthly_cost: budget.monthlyCostLimitNano,
      daily_cost: budget.dailyCostLimitNano,
      monthly_tokens: budget.monthlyTokenLimit,
      // A daily token limit is the organisation default's only.
      daily_tokens: source === "default" ? budget.dailyTokenLimit : null,
    };
    for (const kind of Object.keys(values) as LimitKind[]) {
      const limit = values[kind];
      if (limit === null) continue;
      limits.push({ kind, source, limit, mode: budget.mode, thresholds: budget.alertThresholds, name: NAMES[source][kind], period: PERIOD[kind] });
    }
  }
  // The shared monthly limits: the team's budget, then the organisation's cap.
  const shared = (scope: "team" | "org", row: { monthlyCostLimitNano: number; mode: BudgetLimit["mode"]; alertThresholds: number[] }, name: string, scopeKey: string): BudgetLimit => ({
    kind: "monthly_cost",
    source: scope,
    limit: row.monthlyCostLimitNano,
    mode: row.mode,
    thresholds: row.alertThresholds,
    name,
    period: "month",
    scope,
    scopeKey,
  });
  if (budgets.team) limits.push(shared("team", budgets.team, `team monthly budget (${budgets.team.name})`, teamScope(budgets.team.teamId)));
  if (budgets.org) limits.push(shared("org", budgets.org, "organisation monthly cap", ORG_SCOPE));
  return limits;
}

export interface Periods {
  month: { start: Date; end: Date };
  day: { start: Date; end: Date };
}

export function periodsAt(timeZone: string, now: Date = new Date()): Periods {
  const month = currentPeriod("month", timeZone, now);
  const day = currentPeriod("day", timeZone, now);
  return { month: { start: month.start, end: month.end }, day: { start: day.start, end: day.end } };
}

/** The shared (team, organisation) ledgers' period: the calendar month in UTC. */
export function scopePeriodAt(now: Date = new Date()): { start: Date; end: Date } {
  return { start: new Date(scopePeriodStartMs(now)), end: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)) };
}

/** When the shared ledgers' period `now` falls in starts (epoch ms): `scopePeriodAt(now).start`, without dates. */
export function scopePeriodStartMs(now: Date): number {
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
}
