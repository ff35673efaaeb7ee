import { randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { saveOrgSettings } from "@/db/queries/org-settings";
import { getBudgets, upsertBudget } from "@/db/queries/settings";
import { createTeam, setMembership, updateTeam } from "@/db/queries/teams";
import { budgetReservations, notifications, scopeHolds, scopeLedger, users } from "@/db/schema";
import { closeReservation } from "@/db/queries/ledger";
import { limitsOf, scopePeriodAt } from "@/lib/budgets/limits";
import { orgSeedFromEnv } from "@/lib/budgets/org-seed";
import { newUser, recordSpend } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const db = freshDatabasePerFile();
const { reserveBudget } = await import("@/lib/budgets/ledger");

// 100,000 nano-USD of input and at most 1,000 output tokens at $0.60/M: 700,000 nano-USD, all or nothing.
const call = { inputTokens: 100, inputCostNano: 100_000, outputNanoPerMTok: 600_000_000, maxOutputTokens: 1_000, minOutputTokens: 1_000 };
const COST = 700_000;

const clearOrg = async () => {
  await saveOrgSettings({
    values: {
      orgMonthlyCostLimitNano: null,
      defaultMonthlyCostLimitNano: null,
      defaultDailyCostLimitNano: null,
      defaultMonthlyTokenLimit: null,
      defaultDailyTokenLimit: null,
      defaultMode: "enforce",
      orgMode: "enforce",
    },
    updatedBy: null,
  });
};

async function orgRow() {
  const [row] = await db
    .current()
    .db.select()
    .from(scopeLedger)
    .where(and(eq(scopeLedger.scope, "org"), eq(scopeLedger.periodStart, scopePeriodAt().start)));
  return row;
}

describe("organisation defaults", () => {
  it("are seeded from the environment: USD decimals, integers, enforce or warn; bad values are ignored", () => {
    expect(orgSeedFromEnv({ MONTHLY_COST_BUDGET: "20", DAILY_COST_BUDGET: "2.50", DAILY_TOKEN_BUDGET: "1_000_000", BUDGET_ENFORCEMENT: "warn" })).toEqual({
      defaultMonthlyCostLimitNano: 20_000_000_000,
      defaultDailyCostLimitNano: 2_500_000_000,
      defaultDailyTokenLimit: 1_000_000,
      defaultMode: "warn",
    });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(orgSeedFromEnv({ MONTHLY_COST_BUDGET: "-3", DAILY_TOKEN_BUDGET: "lots", BUDGET_ENFORCEMENT: "maybe" })).toEqual({
      defaultMonthlyCostLimitNano: null,
      defaultDailyCostLimitNano: null,
      defaultDailyTokenLimit: null,
      defaultMode: "enforce",
    });
    expect(warn).toHaveBeenCalledTimes(3);
    warn.mockRestore();
  });

  it("the tightest of own budget, admin cap, organisation default, team budget and organisation cap refuses, and is named", async () => {
    onTestFinished(clearOrg);
    const user = await newUser("org");
    const team = (await createTeam({ name: `Research ${randomUUID().slice(0, 6)}` }))!;
    await updateTeam({ id: team.id, values: { monthlyCostLimitNano: 50_000_000 } });
    await setMembership({ userId: user.id, teamId: team.id, isAdmin: false });
    await upsertBudget({ userId: user.id, source: "user", values: { monthlyCostLimitNano: 10_000_000 } });
    await upsertBudget({ userId: user.id, source: "admin", values: { monthlyCostLimitNano: 5_000_000 } });
    await saveOrgSettings({ values: { defaultMonthlyCostLimitNano: 1_000_000, orgMonthlyCostLimitNano: 1_000_000_000 }, updatedBy: null });

    const limits = limitsOf(await getBudgets({ userId: user.id }));
    expect(limits.map((l) => [l.source, l.name, l.limit])).toEqual([
      ["user", "monthly budget", 10_000_000],
      ["admin", "monthly cap set by an admin", 5_000_000],
      ["default", "organisation default monthly budget", 1_000_000],
      ["team", `team monthly budget (${team.name})`, 50_000_000],
      ["org", "organisation monthly cap", 1_000_000_000],
    ]);
    // 700,000 fits under the $0.001 default once; the second is refused by the default, not by the looser ones.
    const first = await reserveBudget(user.id, call);
    onTestFinished(() => closeReservation({ id: first!.id, now: new Date() }));
    expect(first).toMatchObject({ amountNano: COST });
    await expect(reserveBudget(user.id, call)).rejects.toMatchObject({
      code: "budget_exceeded",
      message: expect.stringMatching(/^Organisation default monthly budget reached/),
      details: { source: "default", budget: "organisation default monthly budget" },
    });
    // Raise the default above the team budget: now the team budget is the tightest.
    await saveOrgSettings({ values: { defaultMonthlyCostLimitNano: 100_000_000 }, updatedBy: null });
    await upsertBudget({ userId: user.id, source: "admin", values: { monthlyCostLimitNano: null } });
    await upsertBudget({ userId: user.id, source: "user", values: { monthlyCostLimitNano: null } });
    await updateTeam({ id: team.id, values: { monthlyCostLimitNano: 1_000_000 } });
    await expect(reserveBudget(user.id, call)).rejects.toMatchObject({
      code: "budget_exceeded",
      message: expect.stringContaining(`Team monthly budget (${team.name}) reached`),
      details: { source: "team", scope: "team" },
    });
    // A teammate shares the team's row: the team's hold counts against them too.
    const mate = await newUser("org");
    await setMembership({ userId: mate.id, teamId: team.id, isAdmin: false });
    await expect(reserveBudget(mate.id, call)).rejects.toMatchObject({ details: { source: "team" } });
  });

  it("a default daily token budget refuses too (the day row counts tokens)", async () => {
    onTestFinished(clearOrg);
    const user = await newUser("org");
    await saveOrgSettings({ values: { defaultDailyTokenLimit: 1_500 }, updatedBy: null });
    expect(await reserveBudget(user.id, { ...call, minOutputTokens: 1 })).toMatchObject({ tokens: 1_100 });
    await expect(reserveBudget(user.id, { ...call, minOutputTokens: 1 })).resolves.toMatchObject({ maxOutputTokens: 300 });
    await expect(reserveBudget(user.id, call)).rejects.toMatchObject({ message: expect.stringMatching(/^Organisation default daily token budget reached/) });
  });
});

describe("the organisation cap", () => {
  it("100 parallel reservations from 20 users against a cap that fits 10 never pass it, and give everything back", async () => {
    onTestFinished(clearOrg);
    const people = await Promise.all(Array.from({ length: 20 }, () => newUser("org")));
    // Whatever earlier tests spent this month counts: the cap leaves room for exactly 10 more.
    await reserveBudget(people[0]!.id, call).then((r) => (r ? closeReservation({ id: r.id, now: new Date() }) : undefined)).catch(() => undefined);
    await saveOrgSettings({ values: { orgMonthlyCostLimitNano: 1_000_000_000_000 }, updatedBy: null });
    const warm = await reserveBudget(people[0]!.id, call);
    await closeReservation({ id: warm!.id, now: new Date() });
    const before = (await orgRow())!;
    expect(before.reservedNano).toBe(0);
    const cap = before.spentNano + 10 * COST + COST - 1;
    await saveOrgSettings({ values: { orgMonthlyCostLimitNano: cap }, updatedBy: null });

    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => reserveBudget(people[i % 20]!.id, call)));
    const held = results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<{ id: string; amountNano: number }>).value);
    const refused = results.filter((r) => r.status === "rejected");
    expect(held).toHaveLength(10);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "budget_exceeded", details: { source: "org", scope: "org" } });
    const row = (await orgRow())!;
    expect(row.reservedNano).toBe(10 * COST);
    expect(row.spentNano + row.reservedNano).toBeLessThanOrEqual(cap);
    const refusal = (refused[0] as PromiseRejectedResult).reason as Error;
    expect(refusal.message).toMatch(/^Organisation monthly cap reached: .* held by 10 running requests/);

    // Settle them all in parallel: the holds go back exactly once.
    await Promise.all(held.map((h) => closeReservation({ id: h.id, now: new Date() })));
    await Promise.all(held.map((h) => closeReservation({ id: h.id, now: new Date() })));
    expect((await orgRow())!.reservedNano).toBe(0);
    expect(await db.current().db.select().from(scopeHolds)).toHaveLength(0);
  });

  it("50 parallel requests from 10 users, each reserving then settling its real cost, never take the organisation past its cap", async () => {
    onTestFinished(clearOrg);
    const { recordUsage } = await import("@/lib/usage/recorder");
    const people = await Promise.all(Array.from({ length: 10 }, () => newUser("org")));
    await saveOrgSettings({ values: { orgMonthlyCostLimitNano: 1_000_000_000_000 }, updatedBy: null });
    await reserveBudget(people[0]!.id, call).then((r) => closeReservation({ id: r!.id, now: new Date() }));
    const base = (await orgRow())!;
    // Room for 8 requests held at their most; each then costs only 500,000 of its 700,000.
    const cap = base.spentNano + base.reservedNano + 8 * COST;
    await saveOrgSettings({ values: { orgMonthlyCostLimitNano: cap }, updatedBy: null });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, async (_, i) => {
        const user = people[i % 10]!;
        const reservation = await reserveBudget(user.id, call);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
        const now = new Date();
        await recordUsage([
          {
            requestId: `org-race-${randomUUID()}`,
            userId: user.id,
            provider: "openai",
            model: "gpt-4o-mini",
            feature: "chat",
            keySource: "system",
            usage: { inputNoCache: 100, cacheRead: 0, cacheWrite: 0, output: 666, reasoning: 0 },
            costNano: 500_000,
            costSource: "price_book",
            estimated: false,
            status: "ok",
            latencyMs: 5,
            startedAt: now,
            finishedAt: now,
            reservationId: reservation!.id,
          },
        ]);
      }),
    );
    const answered = outcomes.filter((o) => o.status === "fulfilled").length;
    for (const o of outcomes) if (o.status === "rejected") expect(o.reason).toMatchObject({ code: "budget_exceeded", details: { source: "org" } });
    const row = (await orgRow())!;
    console.info(`[org cap] 50 parallel requests from 10 users, cap leaves ${8 * COST} nano-USD: ${answered} answered, ${row.spentNano - base.spentNano} nano-USD spent`);
    expect(answered).toBeGreaterThanOrEqual(8);
    expect(row.reservedNano).toBe(base.reservedNano);
    expect(row.spentNano).toBe(base.spentNano + answered * 500_000);
    expect(row.spentNano).toBeLessThanOrEqual(cap);
  });

  it("counts everyone's recorded spend, and refuses once it is reached; admins are alerted at the thresholds", async () => {
    onTestFinished(clearOrg);
    const a = await newUser("org");
    const b = await newUser("org");
    const admin = await newUser("org-admin");
    await db.current().db.update(users).set({ role: "admin" }).where(eq(users.id, admin.id));
    const start = (await orgRow())?.spentNano ?? 0;
    await recordSpend(a.id, 3_000_000);
    await recordSpend(b.id, 2_000_000);
    // The row exists (an earlier test made it) or is seeded from the stored events: either way both are counted.
    await saveOrgSettings({ values: { orgMonthlyCostLimitNano: start + 5_000_000 + COST - 1 }, updatedBy: null });
    await expect(reserveBudget(a.id, call)).rejects.toMatchObject({ details: { source: "org" } });
    expect((await orgRow())!.spentNano).toBe(start + 5_000_000);
    await recordSpend(b.id, 1);
    const alerts = await db
      .current()
      .db.select()
      .from(notifications)
      .where(and(eq(notifications.userId, admin.id), eq(notifications.kind, "budget_threshold")));
    expect(alerts.map((n) => n.title).sort()).toEqual(["50% of the organisation monthly cap used", "80% of the organisation monthly cap used"]);
    expect(alerts[0]!.href).toBe("/admin/settings#organisation-cap");
  });

  it("gives back the hold of another user's dead request once it expires", async () => {
    onTestFinished(clearOrg);
    const dead = await newUser("org");
    const alive = await newUser("org");
    await saveOrgSettings({ values: { orgMonthlyCostLimitNano: 1_000_000_000_000 }, updatedBy: null });
    await reserveBudget(alive.id, call).then((r) => closeReservation({ id: r!.id, now: new Date() }));
    const base = (await orgRow())!;
    await saveOrgSettings({ values: { orgMonthlyCostLimitNano: base.spentNano + COST }, updatedBy: null });
    const held = await reserveBudget(dead.id, call);
    expect(held).not.toBeNull();
    await expect(reserveBudget(alive.id, call)).rejects.toMatchObject({ details: { source: "org" } });
    // An hour later the dead request's org hold is given back, though its user never came back.
    const later = new Date(Date.now() + 60 * 60_000);
    const next = await reserveBudget(alive.id, call, { now: later });
    expect(next).toMatchObject({ amountNano: COST });
    const [open] = await db.current().db.select().from(budgetReservations).where(and(eq(budgetReservations.id, held!.id), isNull(budgetReservations.closedAt)));
    expect(open).toBeDefined(); // the user's part is closed by the user's own next reservation
    await closeReservation({ id: held!.id, now: new Date() });
    await closeReservation({ id: next!.id, now: new Date() });
    expect((await orgRow())!.reservedNano).toBe(0);
  });
});
