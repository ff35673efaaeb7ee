import "server-only";
import { z } from "zod";
import type { DbExecutor } from "@/db";
import { getOrSeedOrgSettings, saveOrgSettings } from "@/db/queries/org-settings";
import type { OrgSettingsRow } from "@/db/schema";
import { formatUsdExact } from "@/lib/money";
import { optionalUsdLimit, thresholdsField } from "@/lib/settings/schemas";
import { text } from "@/lib/validation/text";
import { orgSeedFromEnv } from "./org-seed";

/** The most any organisation-level limit may be: $100M (a larger figure is a typo, refused with 400). */
export const MAX_ORG_LIMIT_USD = 100_000_000;
const MAX_TOKENS = 1_000_000_000_000;

/** An optional organisation-level USD limit (lib/settings/schemas.ts optionalUsdLimit): at most $100M. */
export const optionalOrgUsdLimit = (label: string) => optionalUsdLimit(label, MAX_ORG_LIMIT_USD);

const optionalTokens = (label: string) =>
  text()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return null;
      const clean = value.replace(/[_,\s]/g, "");
      if (!/^\d{1,13}$/.test(clean) || Number(clean) < 1 || Number(clean) > MAX_TOKENS) {
        ctx.addIssue({ code: "custom", message: `Enter the ${label} as a whole number of tokens from 1 to 1,000,000,000,000, like 2000000.` });
        return z.NEVER;
      }
      return Number(clean);
    });

const mode = z.enum(["enforce", "warn"], { error: "Choose whether the limit blocks requests or only warns." });

export const defaultBudgetFormSchema = z.object({
  monthlyUsd: optionalOrgUsdLimit("default monthly budget"),
  dailyUsd: optionalOrgUsdLimit("default daily budget"),
  monthlyTokens: optionalTokens("default monthly token budget"),
  dailyTokens: optionalTokens("default daily token budget"),
  mode,
  alertThresholds: thresholdsField,
});

export const orgCapFormSchema = z.object({
  monthlyUsd: optionalOrgUsdLimit("organisation monthly cap"),
  mode,
  alertThresholds: thresholdsField,
});

export function getOrgSettings(executor?: DbExecutor): Promise<OrgSettingsRow> {
  return getOrSeedOrgSettings(() => orgSeedFromEnv(), executor);
}

export async function saveDefaultBudget(values: z.output<typeof defaultBudgetFormSchema>, updatedBy: string, executor?: DbExecutor) {
  return saveOrgSettings(
    {
      values: {
        defaultMonthlyCostLimitNano: values.monthlyUsd,
        defaultDailyCostLimitNano: values.dailyUsd,
        defaultMonthlyTokenLimit: values.monthlyTokens,
        defaultDailyTokenLimit: values.dailyTokens,
        defaultMode: values.mode,
        defaultAlertThresholds: values.alertThresholds,
      },
      updatedBy,
    },
    executor,
  );
}

export async function saveOrgCap(values: z.output<typeof orgCapFormSchema>, updatedBy: string, executor?: DbExecutor) {
  return saveOrgSettings(
    { values: { orgMonthlyCostLimitNano: values.monthlyUsd, orgMode: values.mode, orgAlertThresholds: values.alertThresholds }, updatedBy },
    executor,
  );
}

const usd = (v: number | null) => (v === null ? "none" : formatUsdExact(v));
const tokens = (v: number | null) => (v === null ? "none" : `${v.toLocaleString("en-US")} tokens`);

/** One line for messages and the audit log. */
export function describeDefaults(row: OrgSettingsRow): string {
  return `monthly ${usd(row.defaultMonthlyCostLimitNano)}, daily ${usd(row.defaultDailyCostLimitNano)}, monthly ${tokens(row.defaultMonthlyTokenLimit)}, daily ${tokens(row.defaultDailyTokenLimit)}, ${row.defaultMode}, alerts at ${row.defaultAlertThresholds.join("/")}%`;
}

export function describeOrgCap(row: OrgSettingsRow): string {
  return `${usd(row.orgMonthlyCostLimitNano)} per month (UTC), ${row.orgMode}, alerts at ${row.orgAlertThresholds.join("/")}%`;
}
