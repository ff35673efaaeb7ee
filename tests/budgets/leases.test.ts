import type { LanguageModel } from "ai";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getBudgets, upsertBudget } from "@/db/queries/settings";
import { budgetLedger, budgetReservations, scopeLedger, usageEvents } from "@/db/schema";
import { createApiToken } from "@/lib/api-tokens/tokens";
import { apiTokenLimit, scopePeriodAt, tokenScope } from "@/lib/budgets/limits";
import { reserveBudget } from "@/lib/budgets/ledger";
import { leaseTuning, releaseCall, releaseIdleLeases, reserveCall } from "@/lib/budgets/leases";
import type { ResolvedModel } from "@/lib/providers/resolve-model";
import { meteredCall, type CallerContext, type MeteredCall, type Step } from "@/lib/usage/metered-call";
import { newUser } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const db = freshDatabasePerFile();

// gpt-4o-mini: $0.15/M input, $0.60/M output. A step of 100 prompt tokens and at most 1,000 output tokens holds
// 100×150 + 1,000×600 = 615,000 nano-USD; an answer of 10 tokens costs 100×150 + 10×600 = 21,000.
const HOLD = 615_000;
const COST = 21_000;
const target = { model: {} as LanguageModel, provider: "openai", modelId: "gpt-4o-mini", keySource: "user" } satisfies ResolvedModel;

async function userWithBudget(monthlyCostLimitNano: number) {
  const user = await newUser("lease");
  await upsertBudget({ userId: user.id, source: "user", values: { monthlyCostLimitNano, dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce", alertThresholds: [] } });
  return user;
}

async function start(userId: string, maxOutputTokens = 1_000, known: Pick<CallerContext, "budgets" | "timeZone"> = {}): Promise<{ call: MeteredCall; step: Step }> {
  const call = meteredCall(target, { userId, feature: "test", source: "gateway", overrides: [], ...known });
  const step = await call.startStep({ promptTokens: 100, maxOutputTokens });
  return { call, step };
}

/** Ends the step as the provider reported it and stores it (the usage queue's group commit). */
async function finish({ call, step }: { call: MeteredCall; step: Step }, outputTokens = 10): Promise<void> {
  call.beginStep();
  call.endStep(call.recordOf(step, { status: "ok", usage: { inputTokens: { total: 100 }, outputTokens: { total: outputTokens } }, partialText: "", ttftMs: 1 }));
  await call.record();
}

async function month(userId: string) {
  const [row] = await db.current().db.select().from(budgetLedger).where(and(eq(budgetLedger.userId, userId), eq(budgetLedger.periodKind, "month")));
  return row!;
}

const openRows = async (userId: string) => (await db.current().db.select().from(budgetReservations).where(eq(budgetReservations.userId, userId))).filter((r) => r.closedAt === null);
const spentOnEvents = async (userId: string) => (await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, userId))).reduce((sum, e) => sum + (e.costNano ?? 0), 0);

afterEach(async () => {
  await releaseIdleLeases();
  leaseTuning.idleMs = 1000;
});

describe("budget leases", () => {
  it("hold a slice for many calls in one row; each call settles against it; the rest is given back when idle", async () => {
    const user = await userWithBudget(100_000_000_000);
    const a = await start(user.id);
    const b = await start(user.id);
    // One row for both calls: the first call's hold plus 32 more like it.
    expect(a.step.reservation?.leaseId).toBeDefined();
    expect(b.step.reservation?.leaseId).toBe(a.step.reservation?.leaseId);
    expect(await openRows(user.id)).toHaveLength(1);
    expect((await month(user.id)).reservedNano).toBe(33 * HOLD);
    expect(a.step.maxOutputTokens).toBe(1_000);

    await Promise.all([finish(a), finish(b)]);
    const settled = await month(user.id);
    expect(settled.spentNano).toBe(2 * COST);
    expect(settled.spentNano).toBe(await spentOnEvents(user.id));
    expect(settled.reservedNano).toBe(31 * HOLD);
    const [row] = await openRows(user.id);
    expect(row!.amountNano).toBe(31 * HOLD);

    leaseTuning.idleMs = 20;
    const c = await start(user.id);
    await finish(c);
    await vi.waitFor(async () => expect(await openRows(user.id)).toHaveLength(0), { timeout: 2000, interval: 20 });
    expect(await month(user.id)).toMatchObject({ spentNano: 3 * COST, reservedNano: 0, tokensReserved: 0 });
  });

  it("near a limit hold only the call at hand, clamped exactly as a reservation of its own", async () => {
    // 1.5 calls' worth: the first holds its own 615,000; the second gets what is left, 307,500 - 15,000 of input
    // → 487 output tokens; the third is refused with the ledger's figures.
    const user = await userWithBudget(HOLD + HOLD / 2);
    const first = await start(user.id);
    expect((await month(user.id)).reservedNano).toBe(HOLD);
    const second = await start(user.id);
    expect(second.step.maxOutputTokens).toBe(487);
    expect((await month(user.id)).reservedNano).toBe(HOLD + 15_000 + 487 * 600);
    await expect(start(user.id)).rejects.toMatchObject({ code: "budget_exceeded", details: { heldNano: HOLD + 15_000 + 487 * 600, spentNano: 0 } });
    await Promise.all([finish(first), finish(second)]);
    expect(await month(user.id)).toMatchObject({ spentNano: 2 * COST, reservedNano: 0 });
  });

  it("give back their unused part before a refusal, so the refusal names only what running calls hold", async () => {
    // 40 calls' worth: the first call's lease holds it and 2 more (a sixteenth of the 39 left).
    const user = await userWithBudget(40 * HOLD);
    const first = await start(user.id);
    expect((await month(user.id)).reservedNano).toBe(3 * HOLD);
    // Another server process holds all that is left.
    const other = await reserveBudget(user.id, { inputTokens: 100, inputCostNano: 15_000, outputNanoPerMTok: 600_000_000, maxOutputTokens: 1_000_000 });
    expect(other!.amountNano).toBe(37 * HOLD);
    // A call needing more than the lease's 2 free holds: refused, and the lease keeps only the first call's hold.
    const big = { inputTokens: 100, inputCostNano: 15_000, outputNanoPerMTok: 600_000_000, maxOutputTokens: 4_000, minOutputTokens: 4_000 };
    await expect(reserveCall(user.id, big)).rejects.toMatchObject({ code: "budget_exceeded", details: { heldNano: HOLD + 37 * HOLD } });
    expect((await month(user.id)).reservedNano).toBe(38 * HOLD);
    await finish(first);
    await releaseCall(other!);
    expect(await month(user.id)).toMatchObject({ spentNano: COST, reservedNano: 0 });
  });

  it("50 parallel calls against a budget of 40 calls' worth never overshoot it", async () => {
    const user = await userWithBudget(40 * HOLD);
    // The budgets and time zone known up front (as the gateway's cached context has them): all 50 reach the lease at once.
    const known = { budgets: await getBudgets({ userId: user.id }), timeZone: "UTC" };
    // Each answer uses its whole output cap: it costs exactly what it holds.
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () =>
        start(user.id, 1_000, known).then(
          (started) => finish(started, 1_000).then(() => "answered" as const),
          (error: { code?: string }) => (error.code === "budget_exceeded" ? ("refused" as const) : Promise.reject(error)),
        ),
      ),
    );
    const answered = outcomes.filter((o) => o === "answered").length;
    const spent = await spentOnEvents(user.id);
    console.info(`[leases] 50 parallel calls, budget of 40 calls' worth: ${answered} answered, spent ${spent} of ${40 * HOLD} nano-USD`);
    expect(answered + outcomes.filter((o) => o === "refused").length).toBe(50);
    expect(spent).toBe(answered * HOLD);
    expect(spent).toBeLessThanOrEqual(40 * HOLD);
    // Refusals come only when what is left (after what running calls hold) cannot take a whole call.
    expect(answered).toBe(40);
    expect((await month(user.id)).spentNano).toBe(spent);
    // The calls shared a few lease rows (one grows at a time), rather than each reserving on its own.
    const rows = await db.current().db.select().from(budgetReservations).where(eq(budgetReservations.userId, user.id));
    expect(rows.length).toBeLessThan(10);
    await releaseIdleLeases();
    expect(await month(user.id)).toMatchObject({ reservedNano: 0 });
    expect(await openRows(user.id)).toHaveLength(0);
  });

  it("start again when the budget changes: the old lease gives back its unused part, the new one obeys the new limit", async () => {
    const user = await userWithBudget(100_000_000_000);
    const first = await start(user.id);
    expect((await month(user.id)).reservedNano).toBe(33 * HOLD);
    await upsertBudget({ userId: user.id, source: "user", values: { monthlyCostLimitNano: 3 * HOLD } });
    const second = await start(user.id);
    expect(second.step.reservation?.leaseId).not.toBe(first.step.reservation?.leaseId);
    // The old lease holds only its running call; the new one only its own (2 calls' worth left: no slice).
    expect((await month(user.id)).reservedNano).toBe(2 * HOLD);
    const third = await start(user.id);
    await expect(start(user.id)).rejects.toMatchObject({ code: "budget_exceeded" });
    await Promise.all([finish(first), finish(second), finish(third)]);
    await releaseIdleLeases();
    expect(await month(user.id)).toMatchObject({ spentNano: 3 * COST, reservedNano: 0 });
  });

  it("a call that never reached the provider goes back to the lease", async () => {
    const user = await userWithBudget(100_000_000_000);
    const { call, step } = await start(user.id);
    await call.cancelStep(step);
    const again = await start(user.id);
    expect(again.step.reservation?.leaseId).toBe(step.reservation?.leaseId);
    expect((await month(user.id)).reservedNano).toBe(33 * HOLD);
    await finish(again);
    await releaseIdleLeases();
    expect(await month(user.id)).toMatchObject({ spentNano: COST, reservedNano: 0 });
  });

  it("a reservation made ahead for a step that never started is given back when the call records", async () => {
    const user = await userWithBudget(100_000_000_000);
    const call = meteredCall(target, { userId: user.id, feature: "test", source: "chat", overrides: [] });
    await call.reserveAhead({ promptTokens: 100, maxOutputTokens: 1_000 });
    expect((await month(user.id)).reservedNano).toBe(33 * HOLD);
    leaseTuning.idleMs = 20;
    await call.record();
    await vi.waitFor(async () => expect(await openRows(user.id)).toHaveLength(0), { timeout: 2000, interval: 20 });
    expect(await month(user.id)).toMatchObject({ spentNano: 0, reservedNano: 0 });
  });

  it("hold on a shared row too (an API token's own budget): held there, settled there, given back there", async () => {
    const user = await userWithBudget(100_000_000_000);
    const { view } = await createApiToken(user, { name: "lease", scopes: ["gateway"], expiresOn: null, defaultFeature: null, monthlyUsd: 100_000_000_000 });
    const limit = apiTokenLimit({ id: view.id, name: "lease", monthlyBudgetNano: 100_000_000_000 })!;
    const tokenRow = async () => {
      const [row] = await db.current().db.select().from(scopeLedger).where(and(eq(scopeLedger.scope, tokenScope(view.id)), eq(scopeLedger.periodStart, scopePeriodAt().start)));
      return row!;
    };
    const startWithToken = async () => {
      const call = meteredCall(target, { userId: user.id, feature: "test", source: "gateway", overrides: [], apiTokenId: view.id, extraLimits: [limit] });
      return { call, step: await call.startStep({ promptTokens: 100, maxOutputTokens: 1_000 }) };
    };
    const a = await startWithToken();
    const b = await startWithToken();
    expect(b.step.reservation?.leaseId).toBe(a.step.reservation?.leaseId);
    expect((await tokenRow()).reservedNano).toBe(33 * HOLD);
    expect((await month(user.id)).reservedNano).toBe(33 * HOLD);
    await Promise.all([finish(a), finish(b)]);
    expect(await tokenRow()).toMatchObject({ spentNano: 2 * COST, reservedNano: 31 * HOLD });
    await releaseIdleLeases();
    expect(await tokenRow()).toMatchObject({ spentNano: 2 * COST, reservedNano: 0 });
    expect(await month(user.id)).toMatchObject({ spentNano: 2 * COST, reservedNano: 0 });
  });
});
