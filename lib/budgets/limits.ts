import type { Budget, BudgetMode } from "@/db/schema";
import { currentPeriod, type PeriodKind } from "./periods";

export type LimitKind = "monthly_cost" | "daily_cost" | "monthly_tokens";

/** One limit a user is under: their own budget's, or an admin cap's. */
export interface BudgetLimit {
  kind: LimitKind;
  source: "user" | "admin";
  /** nano-USD for cost limits, tokens for the token limit. */
  limit: number;
  mode: BudgetMode;
  thresholds: number[];
  /** "monthly budget", "daily budget", "monthly token budget", "admin monthly cap"… */
  name: string;
  period: PeriodKind;
}

const NAMES: Record<LimitKind, { user: string; admin: string; period: PeriodKind }> = {
  monthly_cost: { user: "monthly budget", admin: "monthly cap set by an admin", period: "month" },
  daily_cost: { user: "daily budget", admin: "daily cap set by an admin", period: "day" },
  monthly_tokens: { user: "monthly token budget", admin: "monthly token cap set by an admin", period: "month" },
};

/** The limits in the user's own budget and in an admin cap, in that order. */
export function limitsOf(budgets: { user?: Budget; admin?: Budget }): BudgetLimit[] {
  const limits: BudgetLimit[] = [];
  for (const source of ["user", "admin"] as const) {
    const budget = budgets[source];
    if (!budget) continue;
    const values: Record<LimitKind, number | null> = {
      monthly_cost: budget.monthlyCostLimitNano,
      daily_cost: budget.dailyCostLimitNano,
      monthly_tokens: budget.monthlyTokenLimit,
    };
    for (const kind of Object.keys(values) as LimitKind[]) {
      const limit = values[kind];
      if (limit === null) continue;
      limits.push({
        kind,
        source,
        limit,
        mode: budget.mode,
        thresholds: budget.alertThresholds,
        name: NAMES[kind][source],
        period: NAMES[kind].period,
      });
    }
  }
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
