import "server-only";
import { eq } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { budgets, userSettings, users, type Budget } from "@/db/schema";

export async function getUserSettings({ userId }: { userId: string }) {
  const db = await getDb();
  const [row] = await db.select().from(userSettings).where(eq(userSettings.userId, userId)).limit(1);
  return row ?? { userId, defaultModel: null, updatedAt: null };
}

export async function setDefaultModel({ userId, defaultModel }: { userId: string; defaultModel: string | null }) {
  const db = await getDb();
  await db
    .insert(userSettings)
    .values({ userId, defaultModel })
    .onConflictDoUpdate({ target: userSettings.userId, set: { defaultModel, updatedAt: new Date() } });
}

export async function setTimeZone({ userId, timeZone }: { userId: string; timeZone: string }) {
  const db = await getDb();
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

export async function upsertBudget({
  userId,
  source,
  values,
}: {
  userId: string;
  source: Budget["source"];
  values: BudgetValues;
}): Promise<Budget> {
  const db = await getDb();
  const [row] = await db
    .insert(budgets)
    .values({ userId, source, ...values })
    .onConflictDoUpdate({ target: [budgets.userId, budgets.source], set: { ...values, updatedAt: new Date() } })
    .returning();
  return row!;
}
