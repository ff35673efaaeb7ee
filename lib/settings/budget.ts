import "server-only";
import type { BudgetProgress } from "@/lib/dashboard/contract";
import { getBudgets, setTimeZone, upsertBudget } from "@/db/queries/settings";
import type { BudgetMode } from "@/db/schema";
import { currentLedger } from "@/lib/budgets/ledger";
import { readScopeLedger } from "@/db/queries/ledger";
import { isTokenLimit, limitsOf, scopePeriodAt, type LimitKind, type LimitSource } from "@/lib/budgets/limits";
import type { BudgetInput } from "./schemas";

export const DEFAULT_THRESHOLDS = [50, 80, 100];

/**
 * One limit and how much of it is used this period (the dashboards show the same shape). `kind` is the dashboards'
 * display kind (a daily token limit shows as tokens); `limitKind` the real one.
 */
export interface BudgetLimitView extends BudgetProgress {
  limitKind: LimitKind;
  source: LimitSource;
  /** "organisation default monthly budget", "team monthly budget (Research)"… as the refusal names it. */
  name: string;
  mode: BudgetMode;
  /** Held by running requests (cost limits). */
  reserved: number;
  /** The enforced limit with the least left of its kind (cost or tokens): the one that refuses first. */
  applies: boolean;
}

export interface BudgetOverview {
  timeZone: string;
  mode: BudgetMode;
  alertThresholds: number[];
  values: { monthlyCostLimitNano: number | null; dailyCostLimitNano: number | null; monthlyTokenLimit: number | null };
  limits: BudgetLimitView[];
}

const VIEW_LABELS: Record<LimitKind, string> = {
  monthly_cost: "Monthly budget",
  daily_cost: "Daily budget",
  monthly_tokens: "Monthly tokens",
  daily_tokens: "Daily tokens",
};

const SOURCE_LABELS: Record<LimitSource, string> = {
  user: "",
  admin: " (admin cap)",
  default: " (organisation default)",
  team: " (team)",
  org: " (organisation cap, everyone together)",
  token: " (API token)",
};

export async function getBudgetOverview(userId: string, timeZone: string | null): Promise<BudgetOverview> {
  const zone = timeZone ?? "UTC";
  const budgets = await getBudgets({ userId });
  const { user } = budgets;
  const all = limitsOf(budgets);
  const scopes = all.filter((l) => l.scopeKey).map((l) => l.scopeKey!);
  const scopePeriod = scopePeriodAt();
  const [ledger, shared] = await Promise.all([currentLedger(userId, zone), readScopeLedger({ scopes, period: scopePeriod })]);
  const limits = all.map((limit): BudgetLimitView => {
    const tokens = isTokenLimit(limit.kind);
    const sharedRow = limit.scopeKey ? (shared.get(limit.scopeKey) ?? { spentNano: 0, reservedNano: 0 }) : null;
    const row = limit.period === "month" ? ledger.month : ledger.day;
    const used = sharedRow ? sharedRow.spentNano : tokens ? row.tokensUsed : row.spentNano;
    const reserved = sharedRow ? sharedRow.reservedNano : tokens ? 0 : row.reservedNano;
    return {
      kind: tokens ? "monthly_tokens" : limit.kind === "daily_cost" ? "daily_cost" : "monthly_cost",
      limitKind: limit.kind,
      source: limit.source,
      name: limit.name,
      mode: limit.mode,
      label: limit.source === "team" ? `Team monthly budget${limit.name.slice("team monthly budget".length)}` : `${VIEW_LABELS[limit.kind]}${SOURCE_LABELS[limit.source]}`,
      limit: limit.limit,
      used,
      reserved,
      resetsAt: (sharedRow ? scopePeriod.end : ledger.periods[limit.period].end).toISOString(),
      cap: limit.source !== "user",
      applies: false,
    };
  });
  for (const tokens of [false, true]) {
    const candidates = limits.filter((l) => l.mode === "enforce" && isTokenLimit(l.limitKind) === tokens);
    const tightest = candidates.reduce<BudgetLimitView | null>((best, l) => (!best || l.limit - l.used - l.reserved < best.limit - best.used - best.reserved ? l : best), null);
    if (tightest) tightest.applies = true;
  }
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
