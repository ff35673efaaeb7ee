import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { users } from "@/db/schema";
import type { ActionState } from "@/lib/http/action";
import { getOrgSettings } from "@/lib/budgets/org-policy";
import { newUser, session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const actions = await import("@/app/(app)/admin/settings/budget-actions");
const db = freshDatabasePerFile();

type Action = (state: ActionState, data: FormData) => Promise<ActionState>;
const run = (action: Action, values: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.append(k, v);
  return action({}, data);
};

async function newAdmin() {
  const admin = await newUser("admin");
  await db.current().db.update(users).set({ role: "admin" }).where(eq(users.id, admin.id));
  return admin;
}

describe("admin settings: default budget and organisation cap", () => {
  it("an admin sets both; the values are stored exactly and every user is under them", async () => {
    signIn(await newAdmin());
    const saved = await run(actions.saveDefaultBudgetAction, { monthlyUsd: "20", dailyUsd: "2.5", monthlyTokens: "5,000,000", dailyTokens: "", mode: "warn", alertThresholds: "80, 50" });
    expect(saved).toMatchObject({ ok: true, message: expect.stringContaining("monthly $20.00, daily $2.50") });
    const cap = await run(actions.saveOrgCapAction, { monthlyUsd: "500", mode: "enforce", alertThresholds: "50, 90, 100" });
    expect(cap).toMatchObject({ ok: true });
    const row = await getOrgSettings();
    expect(row).toMatchObject({
      defaultMonthlyCostLimitNano: 20_000_000_000,
      defaultDailyCostLimitNano: 2_500_000_000,
      defaultMonthlyTokenLimit: 5_000_000,
      defaultDailyTokenLimit: null,
      defaultMode: "warn",
      defaultAlertThresholds: [50, 80],
      orgMonthlyCostLimitNano: 500_000_000_000,
      orgAlertThresholds: [50, 90, 100],
    });
    expect(await run(actions.saveOrgCapAction, { monthlyUsd: "500", mode: "enforce", alertThresholds: "50, 90, 100" })).toMatchObject({ message: "Nothing changed." });
  });

  it("refuses limits below zero, absurdly large or not numbers, and changes nothing", async () => {
    signIn(await newAdmin());
    const before = await getOrgSettings();
    for (const monthlyUsd of ["-5", "0", "100000001", "lots", "1e9"]) {
      const state = await run(actions.saveOrgCapAction, { monthlyUsd, mode: "enforce", alertThresholds: "50" });
      expect(state.fieldErrors?.monthlyUsd, monthlyUsd).toBeDefined();
    }
    const tokens = await run(actions.saveDefaultBudgetAction, { dailyTokens: "-1", mode: "enforce", alertThresholds: "50" });
    expect(tokens.fieldErrors?.dailyTokens).toBeDefined();
    const mode = await run(actions.saveDefaultBudgetAction, { mode: "sometimes", alertThresholds: "50" });
    expect(mode.fieldErrors?.mode).toBeDefined();
    expect(await getOrgSettings()).toEqual(before);
  });

  it("a user who is not an admin is refused on the server", async () => {
    const user = await newUser("member");
    signIn(user);
    const before = await getOrgSettings();
    const state = await run(actions.saveOrgCapAction, { monthlyUsd: "1", mode: "enforce", alertThresholds: "50" });
    expect(state.error).toBeTruthy();
    expect(state.ok).toBeUndefined();
    session.current = null;
    expect((await run(actions.saveDefaultBudgetAction, { monthlyUsd: "1", mode: "enforce", alertThresholds: "50" })).error).toBeTruthy();
    expect(await getOrgSettings()).toEqual(before);
  });
});
