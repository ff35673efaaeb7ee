import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { budgetLedger, budgetReservations, conversations, messages, providerKeys, usageEvents } from "@/db/schema";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { saveProviderKey } from "@/lib/settings/provider-keys";
import { addKey, fakeLlmPerFile, newUser, parseSse, postChat, signIn, streamedText, userMessage } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());
/** Lets a test make the recorder's event write fail (a real query, made to throw first). */
const writes = vi.hoisted(() => ({ before: undefined as undefined | (() => void) }));
vi.mock("@/db/queries/usage-events", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/db/queries/usage-events")>();
  return { ...real, insertUsageEvents: (...args: Parameters<typeof real.insertUsageEvents>) => (writes.before?.(), real.insertUsageEvents(...args)) };
});

const { POST } = await import("@/app/api/chat/route");
const db = freshDatabasePerFile();
const llm = fakeLlmPerFile();
afterEach(() => {
  writes.before = undefined;
});

const chatEvents = async (userId: string) =>
  (await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, userId))).filter((e) => e.feature === "chat");

async function chatAs(model: string, text: string, extra: Record<string, unknown> = {}) {
  const call = await postChat(POST, { id: randomUUID(), model, message: userMessage(text), ...extra });
  await waitForBackgroundWork();
  return call;
}

describe("one usage event per call, priced exactly, for each provider", () => {
  it("Anthropic with cache reads and writes", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "anthropic");
    const call = await chatAs("anthropic:claude-sonnet-4-5", "Hi [[reply:Cached hello.]] [[usage:prompt=1300,cached=400,cacheWrite=100,completion=300]]");
    expect(call.status).toBe(200);
    expect(streamedText(call)).toBe("Cached hello.");
    const [event] = await chatEvents(user.id);
    // $3 input, $0.30 cache read, $3.75 cache write, $15 output per MTok:
    // 800×3,000 + 400×300 + 100×3,750 + 300×15,000 = 2,400,000 + 120,000 + 375,000 + 4,500,000
    expect(event).toMatchObject({ inputNoCacheTokens: 800, cacheReadTokens: 400, cacheWriteTokens: 100, outputTokens: 300, costNano: 7_395_000, costSource: "price_book" });
  });

  it("Gemini with thinking tokens billed as output", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "google");
    await chatAs("google:gemini-2.5-flash", "Think [[reply:Thought about it.]] [[usage:prompt=1000,completion=500,reasoning=200]]");
    const [event] = await chatEvents(user.id);
    // $0.30 input, $2.50 output per MTok: 1,000×300 + 500×2,500 = 300,000 + 1,250,000
    expect(event).toMatchObject({ inputNoCacheTokens: 1000, outputTokens: 500, reasoningTokens: 200, costNano: 1_550_000, status: "ok" });
  });

  it("OpenRouter: the provider's reported cost is stored as such", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openrouter");
    await chatAs("openrouter:openai/gpt-4o-mini", "Route [[reply:Routed.]] [[usage:prompt=100,completion=20]] [[cost:0.00012]]");
    const [event] = await chatEvents(user.id);
    expect(event).toMatchObject({ model: "openai/gpt-4o-mini", costNano: 120_000, costSource: "provider", priced: true });
  });

  it("an OpenAI-compatible endpoint's unknown model is stored unpriced, not free", async () => {
    const user = await newUser();
    signIn(user);
    await saveProviderKey(user.id, { provider: "openai-compatible", name: "Ollama", baseUrl: llm.current().baseUrls.compat } as Parameters<typeof saveProviderKey>[1]);
    const [endpoint] = await db.current().db.select().from(providerKeys).where(eq(providerKeys.userId, user.id));
    const call = await chatAs(`openai-compatible:${endpoint!.id}:llama3.2`, "Local [[reply:From the basement.]] [[usage:prompt=50,completion=5]]");
    expect(streamedText(call)).toBe("From the basement.");
    const [event] = await chatEvents(user.id);
    expect(event).toMatchObject({ provider: "openai-compatible", model: "llama3.2", costNano: null, priced: false, costSource: "unpriced", inputNoCacheTokens: 50, outputTokens: 5 });
  });
});

describe("nothing is lost", () => {
  it("a stopped answer records an aborted, estimated event for what was streamed", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    const controller = new AbortController();
    const id = randomUUID();
    const response = await POST(
      new Request("http://localhost/api/chat", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          id,
          model: "openai:gpt-4o-mini",
          message: userMessage("Talk slowly [[delay:40]] [[reply:one two three four five six seven eight nine ten eleven twelve]]"),
        }),
        signal: controller.signal,
      }),
    );
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while ((text.match(/"text-delta"/g) ?? []).length < 3) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    await waitForBackgroundWork();

    const [event] = await chatEvents(user.id);
    expect(event).toMatchObject({ status: "aborted", stopReason: "client", estimated: true, estimatedParts: ["input", "output"], priced: true });
    expect(event!.outputTokens).toBeGreaterThan(0);
    expect(event!.outputTokens).toBeLessThan(12);
    expect(event!.inputNoCacheTokens).toBeGreaterThan(0);
    expect(event!.costNano).toBeGreaterThan(0);
    // The partial answer is kept, marked as stopped.
    const stored = await db.current().db.select().from(messages).where(eq(messages.conversationId, id));
    const answer = stored.find((m) => m.role === "assistant");
    expect(answer?.metadata).toMatchObject({ status: "aborted", estimated: true });
    // Its reservation was given back.
    const open = await db.current().db.select().from(budgetReservations).where(and(eq(budgetReservations.userId, user.id)));
    expect(open.every((r) => r.closedAt !== null)).toBe(true);
  });

  it("an upstream disconnect mid-stream records an error event with the streamed part estimated", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    const call = await chatAs("openai:gpt-4o-mini", "Break [[cut-after:3]] [[reply:alpha beta gamma delta epsilon zeta]]");
    expect(call.status).toBe(200);
    expect(streamedText(call)).toBe("alpha beta gamma ");
    expect(call.chunks.some((c) => c.type === "error")).toBe(true);
    const [event] = await chatEvents(user.id);
    expect(event).toMatchObject({ status: "error", stopReason: null, estimated: true, estimatedParts: ["input", "output"] });
    expect(event!.outputTokens).toBeGreaterThan(0);
    expect(event!.errorMessage).toMatch(/^stream broke after \d+ tokens/);
  });

  it("retries a failed write and stores the event once", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    let attempts = 0;
    writes.before = () => {
      attempts++;
      if (attempts === 1) throw new Error("connection reset (simulated)");
    };
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    await chatAs("openai:gpt-4o-mini", "Once [[reply:Only once.]] [[usage:prompt=10,completion=3]]");
    warn.mockRestore();
    expect(attempts).toBeGreaterThanOrEqual(2);
    const events = await chatEvents(user.id);
    expect(events).toHaveLength(1);
    const all = await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, user.id));
    const [month] = await db.current().db.select().from(budgetLedger).where(and(eq(budgetLedger.userId, user.id), eq(budgetLedger.periodKind, "month")));
    // Spend counted once: the chat answer plus its title call.
    expect(month!.spentNano).toBe(all.reduce((sum, e) => sum + (e.costNano ?? 0), 0));
  });
});

describe("bad input and failures get a clear 4xx/5xx, never a 500", () => {
  it("refuses empty, oversized and malformed requests", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    const empty = await postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage("   ") });
    expect(empty.status).toBe(400);
    expect(empty.json!.error.message).toBe("Type a message first.");
    const huge = await postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage("x".repeat(32_001)) });
    expect(huge.status).toBe(413);
    expect(huge.json!.error.message).toMatch(/limited to 32,000 characters/);
    const badId = await postChat(POST, { id: "not-a-uuid", message: userMessage("hi") });
    expect(badId.status).toBe(400);
    const notJson = await POST(new Request("http://localhost/api/chat", { method: "POST", body: "{nope" }));
    expect(notJson.status).toBe(400);
    const unknownModel = await postChat(POST, { id: randomUUID(), model: "acme:brain-9000", message: userMessage("hi") });
    expect(unknownModel.status).toBe(400);
    expect(unknownModel.json!.error.code).toBe("unknown_model");
    const regenerateNothing = await postChat(POST, { id: randomUUID(), trigger: "regenerate-message" });
    expect(regenerateNothing.status).toBe(404);
  });

  it("a missing key is api_key_required, naming the provider, with no upstream call", async () => {
    const user = await newUser();
    signIn(user);
    const before = llm.current().requests.length;
    const call = await postChat(POST, { id: randomUUID(), model: "anthropic:claude-haiku-4-5", message: userMessage("hi") });
    expect(call.status).toBe(400);
    expect(call.json!.error).toMatchObject({ code: "api_key_required", details: { provider: "anthropic", settingsUrl: "/settings?tab=keys" } });
    expect(call.json!.error.message).toMatch(/Anthropic key/);
    expect(llm.current().requests.length).toBe(before);
  });

  it("someone else's conversation is not found: it cannot be continued or regenerated", async () => {
    const owner = await newUser();
    signIn(owner);
    await addKey(owner.id, "openai");
    const id = randomUUID();
    await postChat(POST, { id, model: "openai:gpt-4o-mini", message: userMessage("mine [[reply:ok]]") });
    await waitForBackgroundWork();
    const other = await newUser();
    signIn(other);
    await addKey(other.id, "openai");
    const cont = await postChat(POST, { id, model: "openai:gpt-4o-mini", message: userMessage("let me in") });
    expect(cont.status).toBe(404);
    const regen = await postChat(POST, { id, trigger: "regenerate-message" });
    expect(regen.status).toBe(404);
    const stored = await db.current().db.select().from(messages).where(eq(messages.conversationId, id));
    expect(stored).toHaveLength(2);
    const [conversation] = await db.current().db.select().from(conversations).where(eq(conversations.id, id));
    expect(conversation!.userId).toBe(owner.id);
  });

  it.each([
    [401, 502, "upstream_key_rejected", /Your OpenAI key was rejected \(401/],
    [429, 503, "upstream_rate_limited", /rate-limiting/],
    [500, 502, "upstream_failed", /failing right now/],
  ])("upstream %i → HTTP %i %s, recorded as an error that costs nothing", async (upstream, status, code, message) => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    const call = await chatAs("openai:gpt-4o-mini", `fail [[status:${upstream}]]`);
    expect(call.status).toBe(status);
    expect(call.json!.error.code).toBe(code);
    expect(call.json!.error.message).toMatch(message);
    const events = await chatEvents(user.id);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event).toMatchObject({ status: "error", costNano: 0, estimated: false, outputTokens: 0 });
  });
});

describe("conversation turns", () => {
  it("regenerates the last answer and edits the last user message", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    const id = randomUUID();
    const first = userMessage("first [[reply:Answer one.]]");
    await postChat(POST, { id, model: "openai:gpt-4o-mini", message: first });
    await waitForBackgroundWork();
    const regen = await postChat(POST, { id, trigger: "regenerate-message" });
    expect(regen.status).toBe(200);
    await waitForBackgroundWork();
    let stored = await db.current().db.select().from(messages).where(eq(messages.conversationId, id));
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant"]);

    const edit = await postChat(POST, { id, message: { ...first, parts: [{ type: "text", text: "edited [[reply:Answer two.]]" }] } });
    expect(streamedText(edit)).toBe("Answer two.");
    await waitForBackgroundWork();
    stored = await db.current().db.select().from(messages).where(eq(messages.conversationId, id));
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(JSON.stringify(stored[0]!.parts)).toContain("edited");
    expect(JSON.stringify(stored[1]!.parts)).toContain("Answer two.");
    // Three answers were generated and each was metered, even the ones replaced.
    expect(await chatEvents(user.id)).toHaveLength(3);
  });

  it("names a new conversation in the background and meters it as a title call", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    const id = randomUUID();
    await postChat(POST, { id, model: "openai:gpt-4o-mini", message: userMessage("Plan my trip to Lisbon") });
    await waitForBackgroundWork();
    const [conversation] = await db.current().db.select().from(conversations).where(eq(conversations.id, id));
    expect(conversation!.title).toBeTruthy();
    const all = await db.current().db.select().from(usageEvents).where(eq(usageEvents.conversationId, id));
    expect(all.map((e) => e.feature).sort()).toEqual(["chat", "title"]);
    expect(all.find((e) => e.feature === "title")).toMatchObject({ keySource: "user", status: "ok" });
  });
});

void parseSse;

describe("unpriced usage", () => {
  it("is priced once an admin adds an override, with rollups and the ledger following", async () => {
    const user = await newUser();
    signIn(user);
    await saveProviderKey(user.id, { provider: "openai-compatible", name: "Lab GPU", baseUrl: llm.current().baseUrls.compat } as Parameters<typeof saveProviderKey>[1]);
    const [endpoint] = await db.current().db.select().from(providerKeys).where(eq(providerKeys.userId, user.id));
    await chatAs(`openai-compatible:${endpoint!.id}:qwen-lab`, "[[reply:ok]] [[usage:prompt=1000,completion=2000]]");
    const { upsertPriceOverride } = await import("@/db/queries/prices");
    const { repriceUnpricedUsage } = await import("@/lib/pricing/reprice");
    // $0.10 in, $0.20 out per MTok: 1,000×100 + 2,000×200 = 500,000 nano-USD.
    await upsertPriceOverride({ provider: "openai-compatible", modelId: "qwen-lab", inputNanoPerMTok: 100_000_000, outputNanoPerMTok: 200_000_000, cacheReadNanoPerMTok: null, cacheWriteNanoPerMTok: null, note: null, updatedBy: null });
    const result = await repriceUnpricedUsage({ provider: "openai-compatible" });
    expect(result.repriced).toBeGreaterThanOrEqual(1);
    const events = (await chatEvents(user.id)).filter((e) => e.model === "qwen-lab");
    expect(events[0]).toMatchObject({ priced: true, costNano: 500_000, costSource: "price_book" });
    const { usageDaily } = await import("@/db/schema");
    const rollups = await db.current().db.select().from(usageDaily).where(and(eq(usageDaily.userId, user.id), eq(usageDaily.model, "qwen-lab")));
    const chatRollup = rollups.find((r) => r.feature === "chat")!;
    expect(chatRollup).toMatchObject({ costNano: 500_000, unpricedRequests: 0 });
    const [month] = await db.current().db.select().from(budgetLedger).where(and(eq(budgetLedger.userId, user.id), eq(budgetLedger.periodKind, "month")));
    const all = await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, user.id));
    expect(month!.spentNano).toBe(all.reduce((sum, e) => sum + (e.costNano ?? 0), 0));
  });
});
