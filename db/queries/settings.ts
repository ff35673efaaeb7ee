import "server-only";
import { changingMetering } from "@/db/metering-changes";
import { and, eq } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { budgets, teamMembers, teams, userSettings, users, type Budget, type BudgetMode } from "@/db/schema";
import { orgSeedFromEnv } from "@/lib/budgets/org-seed";
import { getOrSeedOrgSettings } from "./org-settings";

export async function getUserSettings(
  { userId }: { userId: string },
  executor?: DbExecutor,
): Promise<{ userId: string; defaultModel: string | null; updatedAt: Date | null }> {
  const db = executor ?? (await getDb());
  const [row] = await db.select().from(userSettings).where(eq(userSettings.userId, userId)).limit(1);
  return row ?? { userId, defaultModel: null, updatedAt: null };
}

export async function setDefaultModel({ userId, defaultModel }: { userId: string; defaultModel: string | null }, executor?: DbExecutor): Promise<void> {
  return changingMetering(async () => {
    const db = executor ?? (await getDb());
    await db
      .insert(userSettings)
      .values({ userId, defaultModel })
      .onConflictDoUpdate({ target: userSettings.userId, set: { defaultModel, updatedAt: new Date() } });
  });
}

export async function setTimeZone({ userId, timeZone }: { userId: string; timeZone: string }, executor?: DbExecutor): Promise<void> {
  return changingMetering(async () => {
    const db = executor ?? (await getDb());
    await db.update(users).set({ timeZone, updatedAt: new Date() }).where(eq(users.id, userId));
  });
}

/** The organisation's default budget: every user is under it beside their own budget and an admin cap. */
export interface DefaultBudget {
  monthlyCostLimitNano: number | null;
  dailyCostLimitNano: number | null;
  monthlyTokenLimit: number | null;
  dailyTokenLimit: number | null;
  mode: BudgetMode;
  alertThresholds: number[];
}

/** The monthly budget of the user's team (its members' spend together). */
export interface TeamBudget {
  teamId: string;
  name: string;
  monthlyCostLimitNano: number;
  mode: BudgetMode;
  alertThresholds: number[];
}

/** The organisation-wide monthly cap (everyone's spend together, calendar month in UTC). */
export interface OrgCap {
  monthlyCostLimitNano: number;
  mode: BudgetMode;
  alertThresholds: number[];
}

/** Every budget a user is under; lib/budgets/limits.ts limitsOf turns them into limits. */
export interface Budgets {
  user?: Budget;
  admin?: Budget;
  defaults?: DefaultBudget;
  team?: TeamBudget;
  org?: OrgCap;
}

/**
 * A user's own budget, the admin cap over it, the organisation's default budget, their team's monthly budget and the
 * organisation cap (each left out when it sets no limit). The organisation settings row is seeded from the
 * environment on its first read.
 */
export async function getBudgets({ userId }: { userId: string }, executor?: DbExecutor): Promise<Budgets> {
  const db = executor ?? (await getDb());
  const reads = [
    () => db.select().from(budgets).where(eq(budgets.userId, userId)),
    () =>
      db
        .select({ teamId: teams.id, name: teams.name, monthlyCostLimitNano: teams.monthlyCostLimitNano, mode: teams.mode, alertThresholds: teams.alertThresholds })
        .from(teamMembers)
        .innerJoin(teams, eq(teams.id, teamMembers.teamId))
        .where(eq(teamMembers.userId, userId))
        .limit(1),
    () => getOrSeedOrgSettings(() => orgSeedFromEnv(), db),
  ] as const;
  // In parallel on the pool; one after another inside a caller's transaction (one connection runs one query at a time).
  const [rows, [team], org] = executor
    ? [await reads[0](), await reads[1](), await reads[2]()]
    : await Promise.all([reads[0](), reads[1](), reads[2]()]);
  const result: Budgets = { user: rows.find((r) => r.source === "user"), admin: rows.find((r) => r.source === "admin") };
  const defaults: DefaultBudget = {
    monthlyCostLimitNano: org.defaultMonthlyCostLimitNano,
    dailyCostLimitNano: org.defaultDailyCostLimitNano,
    monthlyTokenLimit: org.defaultMonthlyTokenLimit,
    dailyTokenLimit: org.defaultDailyTokenLimit,
    mode: org.defaultMode,
    alertThresholds: org.defaultAlertThresholds,
  };
  if ([defaults.monthlyCostLimitNano, defaults.dailyCostLimitNano, defaults.monthlyTokenLimit, defaults.dailyTokenLimit].some((v) => v !== null)) {
    result.defaults = defaults;
  }
  if (team && team.monthlyCostLimitNano !== null) result.team = { ...team, monthlyCostLimitNano: team.monthlyCostLimitNano };
  if (org.orgMonthlyCostLimitNano !== null) {
    result.org = { monthlyCostLimitNano: org.orgMonthlyCostLimitNano, mode: org.orgMode, alertThresholds: org.orgAlertThresholds };
  }
  return result;
}

export type BudgetValues = Pick<
  Budget,
  "monthlyCostLimitNano" | "dailyCostLimitNano" | "monthlyTokenLimit" | "mode" | "alertThresholds"
>;

/**
 * Creates or changes a budget row. Fields left out of `values` keep their stored value; `newRowDefaults` fills them
 * only when the row is created (an admin cap sets its alert thresholds once, and never overwrites them).
 */
export async function upsertBudget(
  {
    userId,
    source,
    values,
    newRowDefaults,
  }: {
    userId: string;
    source: Budget["source"];
    values: Partial<BudgetValues>;
    newRowDefaults?: Partial<BudgetValues>;
  },
  executor?: DbExecutor,
): Promise<Budget> {
  return changingMetering(async () => {
    const db = executor ?? (await getDb());
    const [row] = await db
      .insert(budgets)
      .values({ userId, source, ...newRowDefaults, ...values })
      .onConflictDoUpdate({ target: [budgets.userId, budgets.source], set: { ...values, updatedAt: new Date() } })
      .returning();
    return row!;
  });
}

/** Removes a budget row; returns it, or undefined when there was none. */
export async function deleteBudget({ userId, source }: { userId: string; source: Budget["source"] }, executor?: DbExecutor): Promise<Budget | undefined> {
  return changingMetering(async () => {
    const db = executor ?? (await getDb());
    const [row] = await db
      .delete(budgets)
      .where(and(eq(budgets.userId, userId), eq(budgets.source, source)))
      .returning();
    return row;
  });
}
