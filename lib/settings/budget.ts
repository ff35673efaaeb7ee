import "server-only";
import type { BudgetProgress } from "@/lib/dashboard/contract";
import { getBudgets, setTimeZone, upsertBudget } from "@/db/queries/settings";
import type { Budget, BudgetMode } from "@/db/schema";
import { currentLedger } from "@/lib/budgets/ledger";
import { currentPeriod } from "@/lib/budgets/periods";
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

function limitsOf(budget: Budget | undefined, cap: boolean, timeZone: string, used: { month: { costNano: number; tokens: number }; day: { costNano: number } }): BudgetLimitView[] {
  if (!budget) return [];
  const month = currentPeriod("month", timeZone);
  const day = currentPeriod("day", timeZone);
  const who = cap ? " (admin cap)" : "";
  const views: BudgetLimitView[] = [];
  if (budget.monthlyCostLimitNano !== null) {
    views.push({ kind: "monthly_cost", label: `Monthly budget${who}`, limit: budget.monthlyCostLimitNano, used: used.month.costNano, resetsAt: month.end.toISOString(), cap });
  }
  if (budget.dailyCostLimitNano !== null) {
    views.push({ kind: "daily_cost", label: `Daily budget${who}`, limit: budget.dailyCostLimitNano, used: used.day.costNano, resetsAt: day.end.toISOString(), cap });
  }
  if (budget.monthlyTokenLimit !== null) {
    views.push({ kind: "monthly_tokens", label: `Monthly tokens${who}`, limit: budget.monthlyTokenLimit, used: used.month.tokens, resetsAt: month.end.toISOString(), cap });
  }
  return views;
}

export async function getBudgetOverview(userId: string, timeZone: string | null): Promise<BudgetOverview> {
  const zone = timeZone ?? "UTC";
  const { user, admin } = await getBudgets({ userId });
  const ledger = await currentLedger(userId, zone);
  const used = {
    month: { costNano: ledger.month.spentNano, tokens: ledger.month.tokensUsed },
    day: { costNano: ledger.day.spentNano, tokens: ledger.day.tokensUsed },
  };
  return {
    timeZone: zone,
    mode: user?.mode ?? "enforce",
    alertThresholds: user?.alertThresholds ?? DEFAULT_THRESHOLDS,
    values: {
      monthlyCostLimitNano: user?.monthlyCostLimitNano ?? null,
      dailyCostLimitNano: user?.dailyCostLimitNano ?? null,
      monthlyTokenLimit: user?.monthlyTokenLimit ?? null,
    },
    limits: [...limitsOf(user, false, zone, used), ...limitsOf(admin, true, zone, used)],
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
