import "server-only";
import type { BudgetProgress } from "@/lib/dashboard/contract";
import { getBudgets, setTimeZone, upsertBudget } from "@/db/queries/settings";
import type { BudgetMode } from "@/db/schema";
import { currentLedger } from "@/lib/budgets/ledger";
import { limitsOf, type BudgetLimit } from "@/lib/budgets/limits";
import type { BudgetInput } from "./schemas";

export const DEFAULT_THRESHOLDS = [50, 80, 100];

/** One limit and how much of it is used this period (the dashboards show the same shape). */
export type BudgetLimitView = BudgetProgress;

export interface BudgetOverview {
  timeZone: string;
  mode: BudgetMode;
  alertThresholds: number[];
  values: { monthlyCostLimitNano: number | null; dailyCostLimitNano: number | null; monthlyTokenLimit: number | null };
  limits: BudgetLimitView[];
}

const VIEW_LABELS: Record<BudgetLimit["kind"], string> = {
  monthly_cost: "Monthly budget",
  daily_cost: "Daily budget",
  monthly_tokens: "Monthly tokens",
};

export async function getBudgetOverview(userId: string, timeZone: string | null): Promise<BudgetOverview> {
  const zone = timeZone ?? "UTC";
  const budgets = await getBudgets({ userId });
  const { user } = budgets;
  const ledger = await currentLedger(userId, zone);
  const limits = limitsOf(budgets).map((limit): BudgetLimitView => {
    const row = limit.period === "month" ? ledger.month : ledger.day;
    const cap = limit.source === "admin";
    return {
      kind: limit.kind,
      label: `${VIEW_LABELS[limit.kind]}${cap ? " (admin cap)" : ""}`,
      limit: limit.limit,
      used: limit.kind === "monthly_tokens" ? row.tokensUsed : row.spentNano,
      resetsAt: ledger.periods[limit.period].end.toISOString(),
      cap,
    };
  });
  return {
    timeZone: zone,
    mode: user?.mode ?? "enforce",
    alertThresholds: user?.alertThresholds ?? DEFAULT_THRESHOLDS,
    values: {
      monthlyCostLimitNano: user?.monthlyCostLimitNano ?? null,
      dailyCostLimitNano: user?.dailyCostLimitNano ?? null,
      monthlyTokenLimit: user?.monthlyTokenLimit ?? null,
    },
    limits,
  };
}

/** Saves the user's own budget and time zone. An admin cap is a separate row the user cannot touch. */
export async function saveUserBudget(userId: string, data: BudgetInput): Promise<void> {
  await upsertBudget({
    userId,
    source: "user",
    values: {
      monthlyCostLimitNano: data.monthlyUsd,
      dailyCostLimitNano: data.dailyUsd,
      monthlyTokenLimit: data.monthlyTokens,
      mode: data.mode,
      alertThresholds: data.alertThresholds,
    },
  });
  await setTimeZone({ userId, timeZone: data.timeZone });
}
