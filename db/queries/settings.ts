import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { budgets, userSettings, users, type Budget } from "@/db/schema";

export async function getUserSettings(
  { userId }: { userId: string },
  executor?: DbExecutor,
): Promise<{ userId: string; defaultModel: string | null; updatedAt: Date | null }> {
  const db = executor ?? (await getDb());
  const [row] = await db.select().from(userSettings).where(eq(userSettings.userId, userId)).limit(1);
  return row ?? { userId, defaultModel: null, updatedAt: null };
}

export async function setDefaultModel({ userId, defaultModel }: { userId: string; defaultModel: string | null }, executor?: DbExecutor): Promise<void> {
  const db = executor ?? (await getDb());
  await db
    .insert(userSettings)
    .values({ userId, defaultModel })
    .onConflictDoUpdate({ target: userSettings.userId, set: { defaultModel, updatedAt: new Date() } });
}

export async function setTimeZone({ userId, timeZone }: { userId: string; timeZone: string }, executor?: DbExecutor): Promise<void> {
  const db = executor ?? (await getDb());
  await db.update(users).set({ timeZone, updatedAt: new Date() }).where(eq(users.id, userId));
}

/** A user's own budget and the admin cap over it. */
export async function getBudgets({ userId }: { userId: string }, executor?: DbExecutor): Promise<{ user?: Budget; admin?: Budget }> {
  const db = executor ?? (await getDb());
  const rows = await db.select().from(budgets).where(eq(budgets.userId, userId));
  return { user: rows.find((r) => r.source === "user"), admin: rows.find((r) => r.source === "admin") };
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
  const db = executor ?? (await getDb());
  const [row] = await db
    .insert(budgets)
    .values({ userId, source, ...newRowDefaults, ...values })
    .onConflictDoUpdate({ target: [budgets.userId, budgets.source], set: { ...values, updatedAt: new Date() } })
    .returning();
  return row!;
}

/** Removes a budget row; returns it, or undefined when there was none. */
export async function deleteBudget({ userId, source }: { userId: string; source: Budget["source"] }, executor?: DbExecutor): Promise<Budget | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db
    .delete(budgets)
    .where(and(eq(budgets.userId, userId), eq(budgets.source, source)))
    .returning();
  return row;
}
