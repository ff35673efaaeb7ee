import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { upsertBudget } from "@/db/queries/settings";
import { budgetLedger, budgetReservations, messages, usageEvents } from "@/db/schema";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { estimateTokens } from "@/lib/usage/tokens";
import { addKey, fakeLlmPerFile, newUser, pointProvidersAt, postChat, signIn, streamedText, userMessage } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const { POST } = await import("@/app/api/chat/route");
const db = freshDatabasePerFile();
const llm = fakeLlmPerFile();

const budget = (monthlyCostLimitNano: number) => ({
  monthlyCostLimitNano,
  dailyCostLimitNano: null,
  monthlyTokenLimit: null,
  mode: "enforce" as const,
  alertThresholds: [50, 80, 100],
});

const WORDS = ["budget", "answer", "stream", "token", "model", "price", "limit", "spend", "money", "cost"];
/** A reply of `words` common words (one token each): far more tokens than any cap in these tests. */
const longReply = (words: number) => Array.from({ length: words }, (_, i) => WORDS[i % WORDS.length]).join(" ");

/** A provider that ignores `max_tokens`, streams a long answer and reports 1,000 output tokens for it. */
const ignoringCap = (words = 400) => `go [[ignore-max-tokens]] [[reply:${longReply(words)}]] [[usage:prompt=10,completion=1000]]`;

/** About what a prompt of this text costs on gpt-4o-mini ($0.15 per MTok), framing included. */
const promptCost = (text: string) => (estimateTokens(text) + 15) * 150;

const eventsOf = async (userId: string) => db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, userId));
const monthRow = async (userId: string) =>
  (await db.current().db.select().from(budgetLedger).where(and(eq(budgetLedger.userId, userId), eq(budgetLedger.periodKind, "month"))))[0]!;

describe("a provider that ignores the output cap cannot overshoot a budget", () => {
  it("cuts the stream where the reservation ends, closes it cleanly and records what was received as stopped by the budget", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    // gpt-4o-mini: $0.15 in, $0.60 out per MTok. The budget covers the prompt and about 100 output tokens.
    const prompt = ignoringCap();
    const limit = promptCost(prompt) + 100 * 600;
    await upsertBudget({ userId: user.id, source: "user", values: budget(limit) });
    const id = randomUUID();
    const before = llm.current().requests.length;
    const call = await postChat(POST, { id, model: "openai:gpt-4o-mini", message: userMessage(prompt) });
    await waitForBackgroundWork();

    expect(call.status).toBe(200);
    const sent = llm.current().requests.slice(before).find((r) => r.path === "/chat/completions")!.body as { max_completion_tokens?: number; max_tokens?: number };
    const cap = sent.max_completion_tokens ?? sent.max_tokens ?? 0;
    expect(cap).toBeGreaterThan(50);
    expect(cap).toBeLessThan(150);

    // The browser's stream ends like any finished answer: no error, a finish chunk, text within the cap.
    expect(call.chunks.some((c) => c.type === "error")).toBe(false);
    expect(call.chunks.at(-1)?.type).toBe("finish");
    const text = streamedText(call);
    expect(text.length).toBeGreaterThan(0);
    expect(estimateTokens(text)).toBeLessThanOrEqual(cap);

    const chat = (await eventsOf(user.id)).filter((e) => e.feature === "chat");
    expect(chat).toHaveLength(1);
    expect(chat[0]).toMatchObject({ status: "aborted", stopReason: "budget", estimated: true, estimatedParts: ["input", "output"] });
    expect(chat[0]!.outputTokens).toBeGreaterThan(0);
    expect(chat[0]!.outputTokens).toBeLessThanOrEqual(cap);

    const ledger = await monthRow(user.id);
    const all = await eventsOf(user.id);
    expect(ledger.spentNano).toBe(all.reduce((sum, e) => sum + (e.costNano ?? 0), 0));
    expect(ledger.spentNano).toBeLessThanOrEqual(limit);
    expect(ledger.reservedNano).toBe(0);

    // The kept answer is marked as stopped.
    const stored = await db.current().db.select().from(messages).where(eq(messages.conversationId, id));
    expect(stored.find((m) => m.role === "assistant")?.metadata).toMatchObject({ status: "aborted", estimated: true });
  });

  it("30 parallel requests at a budget that fits a few answers: spend never exceeds the limit", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    vi.stubEnv("CHAT_MAX_OUTPUT_TOKENS", "100");
    // Each answer may cost its prompt plus 100 output tokens: the budget fits about four.
    const limit = 4 * (promptCost(ignoringCap()) + 100 * 600);
    await upsertBudget({ userId: user.id, source: "user", values: budget(limit) });
    const calls = await Promise.all(Array.from({ length: 30 }, () => postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage(ignoringCap()) })));
    await waitForBackgroundWork();
    vi.unstubAllEnvs();
    pointProvidersAt(llm.current());

    const ok = calls.filter((c) => c.status === 200).length;
    const refused = calls.filter((c) => c.status === 429).length;
    expect(ok + refused).toBe(30);
    expect(ok).toBeGreaterThanOrEqual(3);
    const all = await eventsOf(user.id);
    const spent = all.reduce((sum, e) => sum + (e.costNano ?? 0), 0);
    const ledger = await monthRow(user.id);
    console.info(`[output cap] 30 parallel requests, provider ignores max_tokens, budget ${limit} nano-USD: ${ok} answered, ${refused} refused, spent ${spent} nano-USD (${((spent / limit) * 100).toFixed(1)}%)`);
    expect(all.filter((e) => e.stopReason === "budget").length).toBeGreaterThanOrEqual(ok);
    expect(spent).toBeLessThanOrEqual(limit);
    expect(ledger.spentNano).toBe(spent);
    expect(ledger.reservedNano).toBe(0);
    const open = await db.current().db.select().from(budgetReservations).where(eq(budgetReservations.userId, user.id));
    expect(open.filter((r) => r.closedAt === null)).toHaveLength(0);
  });

  it("a provider that honours the cap is not cut: its own usage is recorded", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    await upsertBudget({ userId: user.id, source: "user", values: budget(promptCost(ignoringCap()) + 100 * 600) });
    // The same long answer, but the fake cuts it to max_tokens and reports the capped usage, as real providers do.
    const call = await postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage(`go [[reply:${longReply(400)}]]`) });
    await waitForBackgroundWork();
    expect(call.status).toBe(200);
    const chat = (await eventsOf(user.id)).filter((e) => e.feature === "chat");
    expect(chat[0]).toMatchObject({ status: "ok", stopReason: null, estimated: false, estimatedParts: null });
  });
});
