import { randomUUID } from "node:crypto";
import { anthropic as anthropicTools, createAnthropic } from "@ai-sdk/anthropic";
import { generateText } from "ai";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { upsertBudget } from "@/db/queries/settings";
import { budgetReservations } from "@/db/schema";
import { meteredCall } from "@/lib/usage/metered-call";
import { meteredModel } from "@/lib/usage/model-middleware";
import { fakeLlmPerFile, newUser } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/**
 * What a call may cost beyond tokens is held before it runs: the per-request fees of the server tools it declares and
 * the 1-hour cache-write rate of a prompt it asks to cache for an hour. A tight budget refuses such a call up front
 * (no upstream request) instead of letting the fees pass it.
 */

const db = freshDatabasePerFile();
const llm = fakeLlmPerFile();

async function userWithBudget(usd: number) {
  const user = await newUser("extras");
  await upsertBudget({
    userId: user.id,
    source: "user",
    values: { monthlyCostLimitNano: Math.round(usd * 1e9), dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce", alertThresholds: [50, 80, 100] },
  });
  return user;
}

function claude(userId: string) {
  const model = createAnthropic({ baseURL: llm.current().baseUrls.anthropic, apiKey: "sk-test-anthropic-extras" })("claude-sonnet-4-5");
  return meteredCall({ model, provider: "anthropic", modelId: "claude-sonnet-4-5", keySource: "user" }, { userId, feature: "test", source: "gateway", requestId: randomUUID(), overrides: [] });
}

const upstreamCalls = () => llm.current().requests.filter((r) => r.method === "POST").length;

describe("reservations include per-request tool fees and the 1-hour cache-write rate", () => {
  it("refuses a web-search call whose most searches do not fit, before any upstream request; holds the fees when they fit", async () => {
    // $0.025: the prompt and 100 output tokens fit (~$0.0016), three searches at $0.01 each do not.
    const user = await userWithBudget(0.025);
    const before = upstreamCalls();
    const refused = claude(user.id);
    await expect(
      generateText({ model: meteredModel(refused), prompt: "Search for it [[reply:Found.]]", maxOutputTokens: 100, tools: { web_search: anthropicTools.tools.webSearch_20250305({ maxUses: 3 }) }, maxRetries: 0 }),
    ).rejects.toMatchObject({ code: "budget_exceeded" });
    expect(upstreamCalls()).toBe(before);

    const allowed = claude(user.id);
    const result = await generateText({
      model: meteredModel(allowed),
      prompt: "Search once [[reply:Found.]] [[usage:prompt=20,completion=3,webSearch=1]]",
      maxOutputTokens: 100,
      tools: { web_search: anthropicTools.tools.webSearch_20250305({ maxUses: 1 }) },
      maxRetries: 0,
    });
    expect(result.text).toBe("Found.");
    // The call's hold (taken from the user's budget lease, or a reservation of its own) and the row holding it.
    const record = allowed.records[0]!;
    const [held] = await db.current().db.select().from(budgetReservations).where(eq(budgetReservations.id, record.leaseHold?.leaseId ?? record.reservationId!));
    expect(record.leaseHold?.amountNano ?? held!.amountNano).toBeGreaterThanOrEqual(10_000_000);
    expect(held!.amountNano).toBeGreaterThanOrEqual(10_000_000);
    await allowed.record();
  });

  it("holds a prompt cached for an hour at 2× the input rate, and refuses it where only the plain input fits", async () => {
    // 2,000 words ≈ 2,000 tokens: $0.006 plain input, $0.012 written to the cache for an hour ($3 → $6 per million).
    const prompt = `${"word ".repeat(2_000)}[[reply:Cached.]]`;
    const user = await userWithBudget(0.01);
    const cachedFor = (ttl: "5m" | "1h") => ({ anthropic: { cacheControl: { type: "ephemeral", ttl } } });
    const before = upstreamCalls();
    await expect(
      generateText({ model: meteredModel(claude(user.id)), messages: [{ role: "user", content: prompt, providerOptions: cachedFor("1h") }], maxOutputTokens: 50, maxRetries: 0 }),
    ).rejects.toMatchObject({ code: "budget_exceeded" });
    expect(upstreamCalls()).toBe(before);
    // The same prompt cached for five minutes ($3.75 per million) fits.
    const fits = claude(user.id);
    const result = await generateText({ model: meteredModel(fits), messages: [{ role: "user", content: prompt, providerOptions: cachedFor("5m") }], maxOutputTokens: 50, maxRetries: 0 });
    expect(result.text).toBe("Cached.");
    await fits.record();
  });
});
