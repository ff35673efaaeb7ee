import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { upsertBudget } from "@/db/queries/settings";
import { reserveBudget } from "@/lib/budgets/ledger";
import { addKey, fakeLlmPerFile, newUser, postChat, recordSpend, signIn, userMessage } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const { POST } = await import("@/app/api/chat/route");
freshDatabasePerFile();
const llm = fakeLlmPerFile();

beforeEach(() => {
  // The reset date in every message depends on today: freeze the clock (Date only; timers stay real for the streams).
  vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-11-20T15:30:00Z") });
  onTestFinished(() => void vi.useRealTimers());
});

const budget = (values: { monthlyCostLimitNano?: number; monthlyTokenLimit?: number }) => ({
  monthlyCostLimitNano: null,
  dailyCostLimitNano: null,
  monthlyTokenLimit: null,
  mode: "enforce" as const,
  alertThresholds: [50, 80, 100],
  ...values,
});

/** Holds `amountNano` of the budget the way a running request does (a price with free output holds exactly its input). */
const hold = (userId: string, amountNano: number) => reserveBudget(userId, { inputTokens: 10, inputCostNano: amountNano, outputNanoPerMTok: 0, maxOutputTokens: 100 });

async function refusedChat() {
  const before = llm.current().requests.length;
  const call = await postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage("one more? [[reply:ok]]") });
  expect(call.status).toBe(429);
  expect(call.json!.error.code).toBe("budget_exceeded");
  expect(llm.current().requests.length).toBe(before); // refused before any upstream call
  return call.json!.error;
}

describe("budget refusals tell the truth under concurrency", () => {
  it("says how much running requests hold, how many there are and what little is left, to the nano-dollar", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    await upsertBudget({ userId: user.id, source: "user", values: budget({ monthlyCostLimitNano: 30_000_000 }) });
    // Three requests still running hold $0.029999 of the $0.03; nothing is spent yet; $0.000001 is not enough.
    await hold(user.id, 10_000_000);
    await hold(user.id, 10_000_000);
    await hold(user.id, 9_999_000);
    const error = await refusedChat();
    expect(error.message).toBe(
      "Monthly budget reached: $0.029999 of $0.03 is held by 3 running requests; $0.00 spent. The $0.000001 left does not cover this request. " +
        "Running requests give back what they do not use when they finish. It resets Dec 1, 2026, 12:00 AM (UTC).",
    );
    expect(error.details).toMatchObject({ budget: "monthly budget", limitNano: 30_000_000, spentNano: 0, heldNano: 29_999_000, leftNano: 1_000, runningRequests: 3 });
  });

  it("counts spend and holds together, and one running request in the singular", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    await upsertBudget({ userId: user.id, source: "user", values: budget({ monthlyCostLimitNano: 30_000_000 }) });
    await recordSpend(user.id, 10_000_000);
    await hold(user.id, 20_000_000);
    const error = await refusedChat();
    expect(error.message).toMatch(/^Monthly budget reached: \$0\.02 of \$0\.03 is held by 1 running request; \$0\.01 spent\. Running requests give back/);
    expect(error.details).toMatchObject({ spentNano: 10_000_000, heldNano: 20_000_000, leftNano: 0, runningRequests: 1 });
  });

  it("never rounds an odd limit or remainder to a misleading figure", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    await upsertBudget({ userId: user.id, source: "user", values: budget({ monthlyCostLimitNano: 26_574_000 }) });
    await recordSpend(user.id, 26_573_500);
    const error = await refusedChat();
    // Not "$0.03 of $0.03 used": the limit is $0.026574 and $0.0000005 is left (too little for the prompt).
    expect(error.message).toBe(
      "Monthly budget reached: $0.0265735 of $0.026574 used. The $0.0000005 left does not cover this request. It resets Dec 1, 2026, 12:00 AM (UTC).",
    );
    expect(error.details).toMatchObject({ heldNano: 0, leftNano: 500, runningRequests: 0 });
  });

  it("token budgets say the same in tokens", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    await upsertBudget({ userId: user.id, source: "user", values: budget({ monthlyTokenLimit: 1_000 }) });
    await recordSpend(user.id, 0); // 20 tokens used
    // Two running requests hold the rest: 10 + 485 tokens, then 10 + the 475 that were left.
    const holdTokens = () => reserveBudget(user.id, { inputTokens: 10, inputCostNano: null, outputNanoPerMTok: null, maxOutputTokens: 485 });
    await holdTokens();
    await holdTokens();
    const error = await refusedChat();
    expect(error.message).toBe(
      "Monthly token budget reached: 980 tokens of 1,000 tokens are held by 2 running requests; 20 tokens used. " +
        "Running requests give back what they do not use when they finish. It resets Dec 1, 2026, 12:00 AM (UTC).",
    );
    expect(error.details).toMatchObject({ limitTokens: 1_000, usedTokens: 20, heldTokens: 980, heldNano: null, runningRequests: 2 });
  });
});
