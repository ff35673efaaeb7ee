import { releaseIdleLeases } from "@/lib/budgets/leases";
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { upsertBudget } from "@/db/queries/settings";
import { budgetLedger, budgetReservations, notifications, usageEvents } from "@/db/schema";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { addKey, fakeLlmPerFile, newUser, pointProvidersAt, postChat, recordSpend, signIn, userMessage } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const { POST } = await import("@/app/api/chat/route");
const db = freshDatabasePerFile();
const llm = fakeLlmPerFile();

const budget = (values: Partial<Parameters<typeof upsertBudget>[0]["values"]>) => ({
  monthlyCostLimitNano: null,
  dailyCostLimitNano: null,
  monthlyTokenLimit: null,
  mode: "enforce" as const,
  alertThresholds: [50, 80, 100],
  ...values,
});

const monthRow = async (userId: string) =>
  (await db.current().db.select().from(budgetLedger).where(and(eq(budgetLedger.userId, userId), eq(budgetLedger.periodKind, "month"))))[0]!;

describe("budgets that hold", () => {
  it("refuses a request over the monthly budget with 429, naming it, and makes no upstream call", async () => {
    // The reset date depends on today: freeze the clock (Date only; timers stay real for the stream).
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-11-20T15:30:00Z") });
    onTestFinished(() => void vi.useRealTimers());
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    await upsertBudget({ userId: user.id, source: "user", values: budget({ monthlyCostLimitNano: 20_000_000_000 }) });
    await recordSpend(user.id, 20_000_000_000);
    const before = llm.current().requests.length;
    const call = await postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage("one more?") });
    expect(call.status).toBe(429);
    expect(call.json!.error.code).toBe("budget_exceeded");
    expect(call.json!.error.message).toMatch(/^Monthly budget reached: \$20\.00 of \$20\.00 used\. It resets Dec 1, 2026, 12:00 AM \(UTC\)\./);
    expect(call.json!.error.details).toMatchObject({ budget: "monthly budget", limitNano: 20_000_000_000, spentNano: 20_000_000_000, settingsUrl: "/settings?tab=budget" });
    expect(llm.current().requests.length).toBe(before);
    await waitForBackgroundWork();
    const events = await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, user.id));
    expect(events).toHaveLength(1); // only the seeded spend: nothing charged
  });

  it("an admin cap the user did not set blocks too, and says it is the admin's", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    await upsertBudget({ userId: user.id, source: "user", values: budget({ monthlyCostLimitNano: 100_000_000_000 }) });
    await upsertBudget({ userId: user.id, source: "admin", values: budget({ dailyCostLimitNano: 1_000_000_000 }) });
    await recordSpend(user.id, 1_000_000_000);
    const call = await postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage("hello") });
    expect(call.status).toBe(429);
    expect(call.json!.error.message).toMatch(/^Daily cap set by an admin reached/);
  });

  it("in warn mode the request goes through and the 100% alert is raised once", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    await upsertBudget({ userId: user.id, source: "user", values: budget({ monthlyCostLimitNano: 1_000_000, mode: "warn" }) });
    await recordSpend(user.id, 1_000_000);
    const first = await postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage("[[reply:ok]]") });
    expect(first.status).toBe(200);
    await waitForBackgroundWork();
    await postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage("[[reply:ok]]") });
    await waitForBackgroundWork();
    const alerts = await db.current().db.select().from(notifications).where(eq(notifications.userId, user.id));
    expect(alerts.map((a) => a.title).sort()).toEqual([
      "50% of your monthly budget used",
      "80% of your monthly budget used",
      "Your monthly budget is used up",
    ]);
  });

  it("clamps the answer's maximum length to what the budget has left", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    // gpt-4o-mini output is $0.60/MTok = 600 nano-USD per token: 60,000 nano-USD leaves room for < 100 output tokens.
    await upsertBudget({ userId: user.id, source: "user", values: budget({ monthlyCostLimitNano: 60_000 }) });
    await postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage("[[reply:short]]") });
    await waitForBackgroundWork();
    const sent = llm.current().requests.filter((r) => r.path === "/chat/completions").at(-1)!.body as { max_tokens?: number; max_completion_tokens?: number };
    const cap = sent.max_completion_tokens ?? sent.max_tokens;
    expect(cap).toBeGreaterThan(0);
    expect(cap).toBeLessThan(100);
  });

  it("50 parallel requests against a budget that fits 10 never overshoot it", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    vi.stubEnv("CHAT_MAX_OUTPUT_TOKENS", "1000");
    // Each answer reports 10 input and 1,000 output tokens (the most it may produce): 10×150 + 1,000×600 = 601,500 nano-USD.
    const perRequest = 601_500;
    const limit = 10 * perRequest;
    await upsertBudget({ userId: user.id, source: "user", values: budget({ monthlyCostLimitNano: limit }) });
    const calls = await Promise.all(
      Array.from({ length: 50 }, () =>
        postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage("go [[reply:Done.]] [[usage:prompt=10,completion=1000]]") }),
      ),
    );
    await waitForBackgroundWork();
    vi.unstubAllEnvs();
    pointProvidersAt(llm.current());

    const statuses = calls.map((c) => c.status);
    const ok = statuses.filter((s) => s === 200).length;
    const refused = statuses.filter((s) => s === 429).length;
    expect(ok + refused).toBe(50);
    const events = (await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, user.id))).filter((e) => e.feature === "chat");
    const spent = events.reduce((sum, e) => sum + (e.costNano ?? 0), 0);
    const ledger = await monthRow(user.id);
    console.info(`[budget] 50 parallel requests, budget ${limit} nano-USD: ${ok} answered, ${refused} refused, spent ${spent} nano-USD (${((spent / limit) * 100).toFixed(1)}% of the budget)`);
    expect(ok).toBeGreaterThanOrEqual(9);
    expect(spent).toBeLessThanOrEqual(limit);
    expect(ledger.spentNano).toBeLessThanOrEqual(limit);
    // Titles are budgeted too; everything recorded is in the ledger, and nothing is still held.
    const all = await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, user.id));
    expect(ledger.spentNano).toBe(all.reduce((sum, e) => sum + (e.costNano ?? 0), 0));
    expect(ledger.reservedNano).toBe(0);
    // A budget lease may still be open (given back after a second without calls), holding nothing.
    const open = async () => (await db.current().db.select().from(budgetReservations).where(eq(budgetReservations.userId, user.id))).filter((r) => r.closedAt === null);
    expect((await open()).map((r) => r.amountNano + r.tokens)).toEqual((await open()).map(() => 0));
    await releaseIdleLeases();
    expect(await open()).toHaveLength(0);
  });

  it("without an enforced budget nothing is reserved, but the ledger still counts the spend", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    await postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage("[[reply:ok]] [[usage:prompt=10,completion=10]]") });
    await waitForBackgroundWork();
    const held = await db.current().db.select().from(budgetReservations).where(eq(budgetReservations.userId, user.id));
    expect(held).toHaveLength(0);
    const all = await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, user.id));
    expect((await monthRow(user.id)).spentNano).toBe(all.reduce((sum, e) => sum + (e.costNano ?? 0), 0));
  });

  it("releases the reservation of a request that died once it expires", async () => {
    const user = await newUser();
    const { reserveBudget } = await import("@/lib/budgets/ledger");
    await upsertBudget({ userId: user.id, source: "user", values: budget({ monthlyCostLimitNano: 1_000_000 }) });
    const held = await reserveBudget(user.id, { inputTokens: 10, inputCostNano: 1_500, outputNanoPerMTok: 600_000_000, maxOutputTokens: 1000 });
    expect(held!.amountNano).toBe(601_500);
    // A second request only gets what is left: 398,500 nano-USD minus its input → 661 output tokens.
    const second = await reserveBudget(user.id, { inputTokens: 10, inputCostNano: 1_500, outputNanoPerMTok: 600_000_000, maxOutputTokens: 1000 });
    expect(second!.maxOutputTokens).toBe(661);
    await expect(reserveBudget(user.id, { inputTokens: 10, inputCostNano: 1_500, outputNanoPerMTok: 600_000_000, maxOutputTokens: 1000 })).rejects.toMatchObject({ code: "budget_exceeded" });
    // An hour later both are expired and released.
    const later = new Date(Date.now() + 60 * 60_000);
    const third = await reserveBudget(user.id, { inputTokens: 10, inputCostNano: 1_500, outputNanoPerMTok: 600_000_000, maxOutputTokens: 1000 }, { now: later });
    expect(third!.maxOutputTokens).toBe(1000);
  });
});
