import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { conversations, messages, providerKeys, usageEvents } from "@/db/schema";
import { relayable, relayMessages } from "@/lib/chat/relay-turn";
import type { ResolvedModel } from "@/lib/providers/resolve-model";
import { saveProviderKey } from "@/lib/settings/provider-keys";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { addKey, fakeLlmPerFile, newUser, postChat, signIn, userMessage } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const { POST } = await import("@/app/api/chat/route");
const db = freshDatabasePerFile();
const llm = fakeLlmPerFile();

afterEach(() => vi.unstubAllEnvs());

/** What a turn leaves, with what differs from run to run (ids, times, latencies) taken out. */
async function turnOutcome(userId: string, model: string, texts: string[]) {
  const id = randomUUID();
  const streams = [];
  for (const text of texts) {
    const call = await postChat(POST, { id, model, message: userMessage(text) });
    expect(call.status, call.text).toBe(200);
    await waitForBackgroundWork();
    streams.push(
      call.chunks.map((chunk) => {
        const rest: Record<string, unknown> = { ...chunk };
        delete rest.messageId;
        const meta = rest.messageMetadata as Record<string, unknown> | undefined;
        return { ...rest, ...(meta ? { messageMetadata: { ...meta, createdAt: "(time)" } } : {}) } as { type: string; [key: string]: unknown };
      }),
    );
  }
  const stored = await db.current().db.select().from(messages).where(eq(messages.conversationId, id)).orderBy(asc(messages.seq));
  const events = await db.current().db.select().from(usageEvents).where(eq(usageEvents.conversationId, id)).orderBy(asc(usageEvents.createdAt));
  const [conversation] = await db.current().db.select().from(conversations).where(eq(conversations.id, id));
  return {
    streams,
    messages: stored.map((m) => ({ role: m.role, parts: m.parts, metadata: m.metadata ? { ...m.metadata, createdAt: "(time)" } : null })),
    events: events.map((e) => ({
      feature: e.feature,
      source: e.source,
      provider: e.provider,
      model: e.model,
      status: e.status,
      inputNoCacheTokens: e.inputNoCacheTokens,
      cacheReadTokens: e.cacheReadTokens,
      outputTokens: e.outputTokens,
      reasoningTokens: e.reasoningTokens,
      costNano: e.costNano,
      costSource: e.costSource,
      estimated: e.estimated,
      stopReason: e.stopReason,
    })),
    title: conversation?.title,
  };
}

async function bothWays(setup: (userId: string) => Promise<string>, texts: string[]) {
  const outcomes = [];
  for (const relay of ["on", "off"]) {
    vi.stubEnv("CHAT_RELAY", relay);
    const user = await newUser();
    signIn(user);
    const model = await setup(user.id);
    outcomes.push(await turnOutcome(user.id, model, texts));
  }
  return { relayed: outcomes[0]!, sdk: outcomes[1]! };
}

describe("the chat's fast path (lib/chat/relay-turn.ts)", () => {
  it("answers an OpenAI turn exactly as the AI SDK's pipeline does: the same stream, stored answer, usage and cost", async () => {
    const { relayed, sdk } = await bothWays(
      async (userId) => {
        await addKey(userId, "openai");
        return "openai:gpt-4o-mini";
      },
      ["Hello [[reply:Hi there, friend.]] [[usage:prompt=1000,completion=500,cached=200]]", "Again [[reply:Second answer here.]]"],
    );
    expect(relayed.streams[0]!.map((c) => c.type)).toEqual(["start", "start-step", "text-start", "text-delta", "text-delta", "text-delta", "text-end", "finish-step", "finish"]);
    expect(relayed).toEqual(sdk);
    // 800 × $0.15 + 200 × $0.075 + 500 × $0.60 per MTok = 435,000 nano-USD.
    expect(relayed.events.find((e) => e.feature === "chat")).toMatchObject({ costNano: 435_000, status: "ok", estimated: false });
    expect(relayed.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
  });

  it("shows an OpenAI-compatible server's reasoning as reasoning parts, as the SDK's provider does, and stores them", async () => {
    const { relayed, sdk } = await bothWays(
      async (userId) => {
        await saveProviderKey(userId, { provider: "openai-compatible", name: "Lab", baseUrl: llm.current().baseUrls.compat } as Parameters<typeof saveProviderKey>[1]);
        const [endpoint] = await db.current().db.select().from(providerKeys).where(eq(providerKeys.userId, userId));
        return `openai-compatible:${endpoint!.id}:qwen2.5:7b`;
      },
      ["Think first [[think:Let me see, two plus two.]] [[reply:Four.]] [[usage:prompt=40,completion=12,reasoning=7]]"],
    );
    const types = relayed.streams[0]!.map((c) => c.type);
    expect(types.slice(0, 4)).toEqual(["start", "start-step", "reasoning-start", "reasoning-delta"]);
    expect(types).toContain("reasoning-end");
    expect(relayed.messages[1]!.parts).toEqual([
      { type: "reasoning", id: "reasoning-0", text: "Let me see, two plus two.", state: "done" },
      { type: "text", text: "Four.", state: "done" },
    ]);
    // Each run has its own endpoint (its id is in the model's ref).
    const sameEndpoint = (o: typeof relayed) => JSON.parse(JSON.stringify(o).replace(/openai-compatible:[0-9a-f-]{36}:/g, "openai-compatible:(endpoint):")) as unknown;
    expect(sameEndpoint(relayed)).toEqual(sameEndpoint(sdk));
  });

  it("takes OpenRouter's reported cost, as the SDK path does", async () => {
    const { relayed, sdk } = await bothWays(
      async (userId) => {
        await addKey(userId, "openrouter");
        return "openrouter:openai/gpt-4o-mini";
      },
      ["Route [[reply:Routed.]] [[usage:prompt=100,completion=20]] [[cost:0.00012]]"],
    );
    expect(relayed.events.find((e) => e.feature === "chat")).toMatchObject({ costNano: 120_000, costSource: "provider" });
    expect(relayed).toEqual(sdk);
  });

  it.each([
    [401, 502, "upstream_key_rejected", /^Your OpenAI key was rejected \(401: /, 1],
    [429, 503, "upstream_rate_limited", /^OpenAI is rate-limiting requests \(429: /, 2],
  ])("answers an upstream %i with HTTP %i %s and the same message, after the same retries", async (upstream, status, code, message, attempts) => {
    for (const relay of ["on", "off"]) {
      vi.stubEnv("CHAT_RELAY", relay);
      const user = await newUser();
      signIn(user);
      const key = await addKey(user.id, "openai");
      const call = await postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage(`Hello [[status:${upstream}]]`) });
      expect(call.status, relay).toBe(status);
      expect(call.json!.error.code).toBe(code);
      expect(call.json!.error.message).toMatch(message);
      expect(call.text).not.toContain(key);
      await waitForBackgroundWork();
      const events = await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, user.id));
      // Retryable refusals are tried once more, 2 s later (the AI SDK's default wait), each attempt metered.
      expect(events.map((e) => [e.status, e.costNano]), relay).toEqual(Array.from({ length: attempts }, () => ["error", 0]));
    }
  });

  it("is taken only for a text-only turn without tools on an OpenAI-style API", () => {
    const openai = { provider: "openai", modelId: "gpt-4o-mini", keySource: "user", upstream: { baseUrl: "http://127.0.0.1:1/v1", apiKey: "sk-test-x" } } as ResolvedModel;
    const text = [{ parts: [{ type: "text", text: "hi" }] }];
    expect(relayable(openai, text, false)).toBe(true);
    expect(relayable(openai, text, true)).toBe(false);
    expect(relayable({ ...openai, provider: "anthropic" }, text, false)).toBe(false);
    expect(relayable({ ...openai, upstream: undefined }, text, false)).toBe(false);
    expect(relayable(openai, [{ parts: [{ type: "text", text: "hi" }, { type: "file", url: "data:," }] }], false)).toBe(false);
    expect(relayable(openai, [{ parts: [{ type: "reasoning", text: "…" }] }], false)).toBe(false);
    vi.stubEnv("CHAT_RELAY", "off");
    expect(relayable(openai, text, false)).toBe(false);
  });

  it("writes the prompt as the AI SDK's OpenAI providers do", () => {
    expect(
      relayMessages("Be brief.", [
        { role: "user", parts: [{ type: "text", text: "one" }] },
        { role: "assistant", parts: [{ type: "text", text: "a" }, { type: "text", text: "b" }] },
        { role: "user", parts: [{ type: "text", text: "two" }, { type: "text", text: "three" }] },
      ]),
    ).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "one" },
      { role: "assistant", content: "ab" },
      { role: "user", content: [{ type: "text", text: "two" }, { type: "text", text: "three" }] },
    ]);
  });
});
