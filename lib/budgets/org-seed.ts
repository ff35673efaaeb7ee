import { parseUsdToNano } from "@/lib/money";
import type { OrgSettingsValues } from "@/db/queries/org-settings";

/**
 * The organisation's starting default budget, from the environment, read once when the settings row is created
 * (after that /admin/settings wins): MONTHLY_COST_BUDGET and DAILY_COST_BUDGET (USD decimals, e.g. `20` or `2.50`),
 * DAILY_TOKEN_BUDGET (an integer) and BUDGET_ENFORCEMENT (`enforce` | `warn`, default enforce). A value we cannot
 * read is ignored with a warning (no limit) rather than guessed.
 */
export function orgSeedFromEnv(env: Record<string, string | undefined> = process.env): OrgSettingsValues {
  const usd = (name: string): number | null => {
    const raw = env[name]?.trim();
    if (!raw) return null;
    const nano = parseUsdToNano(raw);
    if (nano === null || nano <= 0) {
      console.warn(`[config] ${name}=${raw} is not an amount in USD above 0 (like 20 or 2.50): ignored.`);
      return null;
    }
    return nano;
  };
  const tokens = (name: string): number | null => {
    const raw = env[name]?.trim().replace(/[_,]/g, "");
    if (!raw) return null;
    if (!/^\d{1,13}$/.test(raw) || Number(raw) < 1) {
      console.warn(`[config] ${name}=${env[name]} is not a whole number of tokens: ignored.`);
      return null;
    }
    return Number(raw);
  };
  const enforcement = env.BUDGET_ENFORCEMENT?.trim().toLowerCase();
  if (enforcement && enforcement !== "enforce" && enforcement !== "warn") {
    console.warn(`[config] BUDGET_ENFORCEMENT=${enforcement} is not enforce or warn: enforcing.`);
  }
  return {
    defaultMonthlyCostLimitNano: usd("MONTHLY_COST_BUDGET"),
    defaultDailyCostLimitNano: usd("DAILY_COST_BUDGET"),
    defaultDailyTokenLimit: tokens("DAILY_TOKEN_BUDGET"),
    defaultMode: enforcement === "warn" ? "warn" : "enforce",
  };
}
