import { randomUUID } from "node:crypto";
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, streamText } from "ai";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { upsertBudget } from "@/db/queries/settings";
import { conversations, usageDaily, usageEvents } from "@/db/schema";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { meteredCall } from "@/lib/usage/metered-call";
import { meteredModel } from "@/lib/usage/model-middleware";
import { addKey, fakeLlmPerFile, newUser, postChat, signIn, streamedText, userMessage } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/*
 * Every line of a provider's bill, through the fake upstream in each wire format. Published prices used below
 * (USD; 1 USD = 1e9 nano-USD, so $P per MTok is P × 1,000 nano-USD per token):
 *   claude-sonnet-4-5   input 3.00 · cache read 0.30 · 5-minute write 3.75 · 1-hour write 6.00 · output 15.00 per MTok;
 *                       web search $10 per 1,000 (10,000,000 nano-USD each); web fetch free
 *   gpt-4o-mini         input 0.15 · output 0.60 per MTok; web search $10 per 1,000 calls
 *   gpt-4o-audio-preview  input 2.50 · output 10.00 per MTok; no audio rate in the price data
 *   gemini-2.5-flash    input 0.30 · audio input 1.00 · output 2.50 per MTok; grounded prompt $35 per 1,000
 *   OpenRouter          what it reports: `usage.cost`, plus `cost_details.upstream_inference_cost` when `is_byok`
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const { POST } = await import("@/app/api/chat/route");
const db = freshDatabasePerFile();
const llm = fakeLlmPerFile();

const eventsOf = async (userId: string, feature = "chat") =>
  (await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, userId))).filter((e) => e.feature === feature);

async function chatAs(model: string, text: string, id: string = randomUUID()) {
  const call = await postChat(POST, { id, model, message: userMessage(text) });
  await waitForBackgroundWork();
  return call;
}

describe("OpenRouter BYOK", () => {
  it("stores OpenRouter's fee plus the upstream cost, streaming (chat) and not (title), and keeps both parts visible", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openrouter");
    const before = llm.current().requests.length;
    const call = await chatAs("openrouter:openai/gpt-4o-mini", "Route [[reply:Routed.]] [[usage:prompt=100,completion=20]] [[cost:0.0000125]] [[byok:0.00025]]");
    expect(streamedText(call)).toBe("Routed.");
    // Fee $0.0000125 = 12,500 nano-USD; the user's provider key was charged $0.00025 = 250,000 nano-USD.
    for (const feature of ["chat", "title"]) {
      const [event] = await eventsOf(user.id, feature);
      expect(event, feature).toMatchObject({ costNano: 262_500, upstreamCostNano: 250_000, costSource: "provider", priced: true });
      expect(event!.rawUsage).toMatchObject({ cost: 0.0000125, is_byok: true, cost_details: { upstream_inference_cost: 0.00025 } });
    }
    // Usage accounting is asked for explicitly, on every OpenRouter request (streaming and not).
    const sent = llm.current().requests.slice(before).filter((r) => r.provider === "openrouter" && r.path === "/chat/completions");
    expect(sent.map((r) => (r.body as { stream?: boolean }).stream === true).sort()).toEqual([false, true]);
    for (const request of sent) expect((request.body as { usage?: unknown }).usage).toEqual({ include: true });
  });

  it("a BYOK answer while OpenRouter waives its fee costs what the provider charged, not $0", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openrouter");
    await chatAs("openrouter:anthropic/claude-sonnet-4.5", "Free fee [[reply:Waived.]] [[cost:0]] [[byok:0.0042]]");
    const [event] = await eventsOf(user.id);
    expect(event).toMatchObject({ costNano: 4_200_000, upstreamCostNano: 4_200_000, costSource: "provider" });
  });

  it("a BYOK answer without the provider's charge: the fee plus the tokens at the price book's rates, marked estimated", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openrouter");
    await chatAs("openrouter:openai/gpt-4o-mini", "Unknown upstream [[reply:Routed.]] [[usage:prompt=100,completion=20]] [[cost:0.0000125]] [[byok:none]]");
    const [event] = await eventsOf(user.id);
    // openai/gpt-4o-mini on OpenRouter: $0.15 in, $0.60 out per MTok → 100 × 150 + 20 × 600 = 27,000; fee 12,500.
    expect(event).toMatchObject({ costNano: 39_500, upstreamCostNano: 27_000, costSource: "provider", estimated: true, estimatedParts: ["rate:byok_upstream"] });
  });

  it("a non-BYOK answer also carries upstream_inference_cost (equal to cost): it is not added twice", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openrouter");
    await chatAs("openrouter:openai/gpt-4o-mini", "Plain [[reply:Routed.]] [[cost:0.00012]]");
    const [event] = await eventsOf(user.id);
    expect(event!.rawUsage).toMatchObject({ is_byok: false, cost_details: { upstream_inference_cost: 0.00012 } });
    expect(event).toMatchObject({ costNano: 120_000, upstreamCostNano: null, costSource: "provider" });
  });

  it("other providers are not sent OpenRouter's usage option", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    const before = llm.current().requests.length;
    await chatAs("openai:gpt-4o-mini", "Hello [[reply:Hi.]]");
    const sent = llm.current().requests.slice(before).filter((r) => r.path === "/chat/completions");
    expect(sent.length).toBeGreaterThan(0);
    for (const request of sent) expect(request.body).not.toHaveProperty("usage");
  });
});

describe("Anthropic: 1-hour cache writes and server tools", () => {
  it("prices mixed 5-minute/1-hour writes at their own rates and web searches per request; keeps them apart", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "anthropic");
    await chatAs(
      "anthropic:claude-sonnet-4-5",
      "Search [[reply:Found it.]] [[usage:prompt=5000,cached=1000,cacheWrite=3000,cacheWrite1h=2000,completion=500,webSearch=2,webFetch=1]]",
    );
    const [event] = await eventsOf(user.id);
    // 1,000 × 3,000 (input) + 1,000 × 300 (cache read) + 1,000 × 3,750 (5-minute write) + 2,000 × 6,000 (1-hour write)
    // + 500 × 15,000 (output) + 2 × 10,000,000 (web searches) + 1 × 0 (web fetch)
    expect(event).toMatchObject({
      inputNoCacheTokens: 1_000,
      cacheReadTokens: 1_000,
      cacheWriteTokens: 3_000,
      cacheWrite1hTokens: 2_000,
      outputTokens: 500,
      serverToolRequests: { web_search: 2, web_fetch: 1 },
      toolCostNano: 20_000_000,
      costNano: 3_000_000 + 300_000 + 3_750_000 + 12_000_000 + 7_500_000 + 20_000_000,
      estimated: false,
      unpricedUsageFields: null,
    });
    const [daily] = (await db.current().db.select().from(usageDaily).where(eq(usageDaily.userId, user.id))).filter((d) => d.feature === "chat");
    expect(daily).toMatchObject({ cacheWriteTokens: 3_000, cacheWrite1hTokens: 2_000, serverToolRequests: 3, toolCostNano: 20_000_000, costNano: event!.costNano });
  });

  it("a broken stream keeps the 1-hour writes Anthropic reported at its start, at their own rate", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "anthropic");
    await chatAs("anthropic:claude-sonnet-4-5", "Break [[reply:One two three four five six.]] [[cut-after:2]] [[usage:prompt=1300,cached=400,cacheWrite=100,cacheWrite1h=60]]");
    const [event] = await eventsOf(user.id);
    expect(event).toMatchObject({ status: "error", estimatedParts: ["output"], inputNoCacheTokens: 800, cacheReadTokens: 400, cacheWriteTokens: 100, cacheWrite1hTokens: 60 });
    // 800 × 3,000 + 400 × 300 + 40 × 3,750 (5-minute) + 60 × 6,000 (1-hour) + the streamed output × 15,000
    expect(event!.costNano).toBe(2_400_000 + 120_000 + 150_000 + 360_000 + event!.outputTokens * 15_000);
  });

  it("a usage field nobody prices yet is kept in the raw usage and flagged on the event", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "anthropic");
    await chatAs("anthropic:claude-sonnet-4-5", "New line [[reply:Ran code.]] [[usage:prompt=100,completion=10]] [[raw-usage:server_tool_use.code_execution_requests=1]]");
    const [event] = await eventsOf(user.id);
    expect(event).toMatchObject({ unpricedUsageFields: ["server_tool_use.code_execution_requests"], costNano: 100 * 3_000 + 10 * 15_000 });
    expect(event!.rawUsage).toMatchObject({ server_tool_use: { code_execution_requests: 1 } });
  });
});

describe("OpenAI: audio tokens and web search", () => {
  it("audio tokens without a published rate in the data are stored and the event marked estimated with the reason", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    await chatAs("openai:gpt-4o-audio-preview", "Listen [[reply:Heard you.]] [[usage:prompt=1000,audioIn=800,completion=200,audioOut=150]]");
    const [event] = await eventsOf(user.id);
    expect(event).toMatchObject({
      inputNoCacheTokens: 1_000,
      audioInputTokens: 800,
      outputTokens: 200,
      audioOutputTokens: 150,
      costNano: 1_000 * 2_500 + 200 * 10_000,
      estimated: true,
      estimatedParts: ["rate:audio_input", "rate:audio_output"],
    });
  });

  it.each([false, true])("Responses web search calls are counted and priced per call (streaming: %s)", async (stream) => {
    const user = await newUser();
    const target = { model: createOpenAI({ baseURL: llm.current().baseUrls.openai, apiKey: "sk-test-responses" })("gpt-4o-mini"), provider: "openai" as const, modelId: "gpt-4o-mini", keySource: "user" as const };
    const call = meteredCall(target, { userId: user.id, feature: "test", source: "chat", requestId: `ws-${randomUUID()}`, overrides: [], enforceBudget: false });
    const model = meteredModel(call);
    const prompt = "Look it up [[reply:Searched.]] [[usage:prompt=1000,completion=100,webSearch=2]]";
    if (stream) {
      const result = streamText({ model, prompt, maxOutputTokens: 200 });
      expect(await result.text).toBe("Searched.");
    } else {
      expect((await generateText({ model, prompt, maxOutputTokens: 200 })).text).toBe("Searched.");
    }
    await call.record();
    const [event] = await eventsOf(user.id, "test");
    // 1,000 × 150 + 100 × 600 + 2 × 10,000,000
    expect(event).toMatchObject({ serverToolRequests: { web_search: 2 }, toolCostNano: 20_000_000, costNano: 150_000 + 60_000 + 20_000_000 });
  });
});

describe("Gemini: audio input and grounding", () => {
  it("prices audio input at the audio rate and a grounded prompt per request", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "google");
    await chatAs("google:gemini-2.5-flash", "Ground [[reply:Grounded.]] [[usage:prompt=1000,audioIn=400,completion=100,webSearch=2]]");
    const [event] = await eventsOf(user.id);
    // 600 × 300 (text) + 400 × 1,000 (audio) + 100 × 2,500 (output) + 1 × 35,000,000 (grounded prompt)
    expect(event).toMatchObject({
      inputNoCacheTokens: 1_000,
      audioInputTokens: 400,
      serverToolRequests: { grounded_prompt: 1 },
      toolCostNano: 35_000_000,
      costNano: 180_000 + 400_000 + 250_000 + 35_000_000,
      estimated: false,
    });
  });
});

describe("thinking models under a small output cap", () => {
  const googleCalls = (since: number) => llm.current().requests.slice(since).filter((r) => r.provider === "google" && r.path.includes(":"));
  const titleOf = async (id: string) => (await db.current().db.select().from(conversations).where(eq(conversations.id, id)))[0]?.title;

  it("a Gemini 2.5 Flash title turns thinking off, so the 24-token cap holds the title (the chat itself still thinks)", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "google");
    const id = randomUUID();
    const before = llm.current().requests.length;
    await chatAs("google:gemini-2.5-flash", "Plan a trip [[thinks:200]] [[reply:Lisbon trip plan]]", id);
    const title = googleCalls(before).find((r) => (r.body as { generationConfig?: { maxOutputTokens?: number } }).generationConfig?.maxOutputTokens === 24);
    expect((title?.body as { generationConfig: unknown }).generationConfig).toMatchObject({ maxOutputTokens: 24, thinkingConfig: { thinkingBudget: 0 } });
    expect(await titleOf(id)).toBe("Lisbon trip plan");
    const [titleEvent] = await eventsOf(user.id, "title");
    expect(titleEvent).toMatchObject({ reasoningTokens: 0, status: "ok" });
    const [chatEvent] = await eventsOf(user.id);
    expect(chatEvent).toMatchObject({ reasoningTokens: 200 });
  });

  it("a Gemini 2.5 Pro title (thinking cannot be turned off) asks for the least budget, 128, and room for the title on top", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "google");
    const id = randomUUID();
    const before = llm.current().requests.length;
    await chatAs("google:gemini-2.5-pro", "Plan a trip [[thinks:500]] [[reply:Lisbon trip plan]]", id);
    const title = googleCalls(before).find((r) => (r.body as { generationConfig?: { thinkingConfig?: unknown } }).generationConfig?.thinkingConfig !== undefined);
    expect((title?.body as { generationConfig: unknown }).generationConfig).toMatchObject({ maxOutputTokens: 24 + 128, thinkingConfig: { thinkingBudget: 128 } });
    expect(await titleOf(id)).toBe("Lisbon trip plan");
    expect((await eventsOf(user.id, "title"))[0]).toMatchObject({ reasoningTokens: 128 });
  });

  it("when a budget leaves a thinking model no room past its least thinking, the call is refused with the budget message, not made", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "google");
    // Gemini 2.5 Pro: $1.25 in, $10 out per MTok. The budget covers the prompt and about 50 output tokens: fewer than
    // the 128 it must think, so any answer would be empty.
    await upsertBudget({
      userId: user.id,
      source: "user",
      values: { monthlyCostLimitNano: 60_000 + 50 * 10_000, dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce", alertThresholds: [50, 80, 100] },
    });
    const before = llm.current().requests.length;
    const call = await chatAs("google:gemini-2.5-pro", "Think hard [[thinks:500]] [[reply:Too late.]]");
    expect(call.status).toBe(429);
    expect(call.json!.error.code).toBe("budget_exceeded");
    expect(call.json!.error.message).toMatch(/^Monthly budget reached/);
    expect(googleCalls(before)).toHaveLength(0);
  });
});
