import { randomUUID } from "node:crypto";
import Anthropic from "@anthropic-ai/sdk";
import { and, eq } from "drizzle-orm";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { upsertBudget } from "@/db/queries/settings";
import { budgetLedger, usageEvents } from "@/db/schema";
import { createApiToken } from "@/lib/api-tokens/tokens";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { addKey, fakeLlmPerFile, newUser } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/**
 * The gateway driven by the official OpenAI and Anthropic SDKs (their `fetch` hands each request to our route
 * handlers; the fake upstream speaks each provider's wire format on 127.0.0.1): answers pass through, every upstream
 * call is one usage event with source `gateway`, priced exactly, and budgets refuse with a 429 the SDKs do not retry.
 */

const db = freshDatabasePerFile();
const llm = fakeLlmPerFile();

const routes: Record<string, Record<string, (request: Request) => Promise<Response>>> = {
  "/api/v1/chat/completions": await import("@/app/api/v1/chat/completions/route"),
  "/api/v1/models": await import("@/app/api/v1/models/route"),
  "/api/v1/embeddings": await import("@/app/api/v1/embeddings/route"),
  "/api/anthropic/v1/messages": await import("@/app/api/anthropic/v1/messages/route"),
};

/** The app as the SDKs see it, and how many requests reached it. */
function app() {
  const seen: string[] = [];
  const appFetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const { pathname } = new URL(request.url);
    seen.push(`${request.method} ${pathname}`);
    const handler = routes[pathname]?.[request.method];
    return handler ? handler(request) : new Response("not found", { status: 404 });
  };
  return { seen, fetch: appFetch as typeof fetch };
}

async function gatewayUser(options: { budgetUsd?: number; provider?: "openai" | "anthropic" } = {}) {
  const user = await newUser("gateway");
  await addKey(user.id, options.provider ?? "openai");
  if (options.budgetUsd !== undefined) {
    await upsertBudget({
      userId: user.id,
      source: "user",
      values: { monthlyCostLimitNano: Math.round(options.budgetUsd * 1e9), dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce", alertThresholds: [50, 80, 100] },
    });
  }
  const { token } = await createApiToken(user, { name: "sdk test", scopes: ["gateway"], expiresOn: null, defaultFeature: "scripts", monthlyUsd: null });
  return { user, token };
}

const eventsOf = async (userId: string) => {
  await waitForBackgroundWork();
  return db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, userId));
};
const upstreamPosts = () => llm.current().requests.filter((r) => r.method === "POST").length;

describe("the OpenAI-compatible gateway through the official openai client", () => {
  it("answers a chat completion and meters it exactly (gpt-4o-mini: $0.15 in, $0.60 out per million)", async () => {
    const { user, token } = await gatewayUser();
    const { fetch } = app();
    const client = new OpenAI({ apiKey: token, baseURL: "http://app.test/api/v1", fetch, defaultHeaders: { "x-spendboard-skill": "summarise" } });
    const answer = await client.chat.completions.create({ model: "openai:gpt-4o-mini", messages: [{ role: "user", content: "Hi [[reply:Hello from upstream.]] [[usage:prompt=1200,completion=300,cached=200]]" }] });
    expect(answer.choices[0]!.message.content).toBe("Hello from upstream.");
    expect(answer.usage).toMatchObject({ prompt_tokens: 1200, completion_tokens: 300 });
    const [event] = await eventsOf(user.id);
    // 1,000 × 150 + 200 × 75 + 300 × 600 = 345,000 nano-USD
    expect(event).toMatchObject({ source: "gateway", feature: "scripts", provider: "openai", model: "gpt-4o-mini", inputNoCacheTokens: 1000, cacheReadTokens: 200, outputTokens: 300, costNano: 345_000, status: "ok", estimated: false });
  });

  it("streams byte for byte; the usage chunk it asked for reaches the client only when the client asked for it", async () => {
    const { user, token } = await gatewayUser();
    const client = new OpenAI({ apiKey: token, baseURL: "http://app.test/api/v1", fetch: app().fetch, defaultHeaders: { "x-spendboard-feature": "agent" } });
    let text = "";
    let sawUsage = false;
    for await (const chunk of await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Go [[reply:one two three]] [[usage:prompt=50,completion=3]]" }] })) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) sawUsage = true;
    }
    expect(text).toBe("one two three");
    expect(sawUsage).toBe(false);
    const withUsage = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Again [[reply:four five]] [[usage:prompt=40,completion=2]]" }] });
    let usage: unknown;
    for await (const chunk of withUsage) if (chunk.usage) usage = chunk.usage;
    expect(usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 2 });
    const events = await eventsOf(user.id);
    expect(events.map((e) => [e.feature, e.inputNoCacheTokens, e.outputTokens, e.costNano]).sort()).toEqual([
      ["agent", 40, 2, 40 * 150 + 2 * 600],
      ["agent", 50, 3, 50 * 150 + 3 * 600],
    ]);
    expect(events.every((e) => e.source === "gateway" && e.ttftMs !== null)).toBe(true);
  });

  it("keeps what was streamed when the client hangs up mid-stream: one aborted event, its output estimated from the text", async () => {
    const { user, token } = await gatewayUser();
    const client = new OpenAI({ apiKey: token, baseURL: "http://app.test/api/v1", fetch: app().fetch, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: `Long ${randomUUID()} [[reply:${"word ".repeat(60)}]] [[delay:10]] [[usage:prompt=700,completion=60]]` }],
    });
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (++chunks === 6) {
        stream.controller.abort();
        break;
      }
    }
    const events = await eventsOf(user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: "aborted", stopReason: "client", estimated: true, estimatedParts: ["input", "output"] });
    // The provider's usage never came: the output is counted from the text streamed before the hang-up (at least what
    // the client read), the input from the prompt.
    expect(events[0]!.outputTokens).toBeGreaterThanOrEqual(text.trim().split(/\s+/).length);
    expect(events[0]!.outputTokens).toBeLessThan(60);
    expect(events[0]!.inputNoCacheTokens).toBeGreaterThan(0);
    expect(events[0]!.ttftMs).not.toBeNull();
  });

  it("refuses what the budget cannot hold with a 429 in OpenAI's format that the SDK does not retry", async () => {
    const { user, token } = await gatewayUser({ budgetUsd: 0.000001 });
    const { fetch, seen } = app();
    const client = new OpenAI({ apiKey: token, baseURL: "http://app.test/api/v1", fetch, maxRetries: 3 });
    const before = upstreamPosts();
    const error = await client.chat.completions.create({ model: "openai:gpt-4o-mini", messages: [{ role: "user", content: "Too much ".repeat(50) }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe("budget_exceeded");
    expect((error as Error).message).toMatch(/Monthly budget reached/);
    expect(seen).toHaveLength(1);
    expect(upstreamPosts()).toBe(before);
    expect(await eventsOf(user.id)).toHaveLength(0);
  });

  it("clamps the output to what the budget leaves and settles to the real cost", async () => {
    // $0.0001 = 100,000 nano: ~10 input tokens cost 1,500, leaving room for 164 output tokens at $0.60/M.
    const { user, token } = await gatewayUser({ budgetUsd: 0.0001 });
    const client = new OpenAI({ apiKey: token, baseURL: "http://app.test/api/v1", fetch: app().fetch });
    const answer = await client.chat.completions.create({ model: "openai:gpt-4o-mini", max_tokens: 5000, messages: [{ role: "user", content: "Write [[reply:short]]" }] });
    expect(answer.choices[0]!.message.content).toBe("short");
    const sent = llm.current().requests.at(-1)!.body as { max_tokens?: number };
    expect(sent.max_tokens).toBeGreaterThan(0);
    expect(sent.max_tokens).toBeLessThan(200);
    const [event] = await eventsOf(user.id);
    const [month] = await db.current().db.select().from(budgetLedger).where(and(eq(budgetLedger.userId, user.id), eq(budgetLedger.periodKind, "month")));
    expect(month).toMatchObject({ spentNano: event!.costNano, reservedNano: 0 });
  });

  it("answers a missing, wrong or revoked token with 401 and WWW-Authenticate; an unknown model with 404", async () => {
    const { token } = await gatewayUser();
    const { POST } = routes["/api/v1/chat/completions"]!;
    const body = JSON.stringify({ model: "openai:gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    const call = (headers: Record<string, string>) => POST!(new Request("http://app.test/api/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json", ...headers }, body }));
    const missing = await call({});
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await missing.json()).toMatchObject({ error: { type: "authentication_error", code: "invalid_token" } });
    expect((await call({ authorization: `Bearer sb_${"x".repeat(43)}` })).status).toBe(401);
    const unknown = await POST!(new Request("http://app.test/api/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ model: "no-such-model-anywhere", messages: [{ role: "user", content: "hi" }] }) }));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toMatch(/GET \/api\/v1\/models/);
  });

  it("passes an upstream error through with its status and records one error event", async () => {
    const { user, token } = await gatewayUser();
    const client = new OpenAI({ apiKey: token, baseURL: "http://app.test/api/v1", fetch: app().fetch, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: "openai:gpt-4o-mini", messages: [{ role: "user", content: "Fail [[status:500]]" }] }).catch((e: unknown) => e);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
    const events = await eventsOf(user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: "error", costNano: 0, source: "gateway" });
  });

  it("embeds through the gateway, the provider's prompt tokens priced (text-embedding-3-small: $0.02 per million)", async () => {
    const { user, token } = await gatewayUser();
    const client = new OpenAI({ apiKey: token, baseURL: "http://app.test/api/v1", fetch: app().fetch, defaultHeaders: { "x-spendboard-feature": "search-index" } });
    const result = await client.embeddings.create({ model: "openai:text-embedding-3-small", input: ["first document [[usage:prompt=5000]]", "second"] });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]!.embedding.length).toBeGreaterThan(0);
    const [event] = await eventsOf(user.id);
    expect(event).toMatchObject({ source: "gateway", feature: "search-index", model: "text-embedding-3-small", inputNoCacheTokens: 5000, outputTokens: 0, costNano: 5000 * 20, status: "ok" });
  });

  it("lists the models the token's user can call, as model refs", async () => {
    const { token } = await gatewayUser();
    const client = new OpenAI({ apiKey: token, baseURL: "http://app.test/api/v1", fetch: app().fetch });
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain("openai:gpt-4o-mini");
    expect(ids.every((id) => id.startsWith("openai:"))).toBe(true);
  });
});

describe("Anthropic and Gemini models through the OpenAI-compatible endpoint (translated)", () => {
  it("answers, streams and calls tools in OpenAI's format, each upstream call metered at Anthropic's price", async () => {
    const { user, token } = await gatewayUser({ provider: "anthropic" });
    const client = new OpenAI({ apiKey: token, baseURL: "http://app.test/api/v1", fetch: app().fetch });
    const answer = await client.chat.completions.create({
      model: "anthropic:claude-sonnet-4-5",
      messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi [[reply:Translated hello.]] [[usage:prompt=1000,completion=10]]" }],
    });
    expect(answer.choices[0]!.message.content).toBe("Translated hello.");
    expect(answer.usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 10 });
    let streamed = "";
    let usage: unknown;
    for await (const chunk of await client.chat.completions.create({ model: "claude-sonnet-4-5", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Go [[reply:streamed through]] [[usage:prompt=300,completion=2]]" }] })) {
      streamed += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(streamed).toBe("streamed through");
    expect(usage).toMatchObject({ prompt_tokens: 300, completion_tokens: 2 });
    const withTools = await client.chat.completions.create({
      model: "anthropic:claude-sonnet-4-5",
      messages: [{ role: "user", content: "Weather? [[tool:get_weather:{\"city\":\"Lisbon\"}]]" }],
      tools: [{ type: "function", function: { name: "get_weather", description: "Weather in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } }],
    });
    expect(withTools.choices[0]!.finish_reason).toBe("tool_calls");
    expect(withTools.choices[0]!.message.tool_calls?.[0]).toMatchObject({ type: "function", function: { name: "get_weather", arguments: JSON.stringify({ city: "Lisbon" }) } });
    const events = (await eventsOf(user.id)).sort((a, b) => b.inputNoCacheTokens - a.inputNoCacheTokens);
    expect(events).toHaveLength(3);
    expect(events.slice(0, 2).map((e) => [e.provider, e.inputNoCacheTokens, e.outputTokens, e.costNano, e.source])).toEqual([
      ["anthropic", 1000, 10, 1000 * 3000 + 10 * 15000, "gateway"],
      ["anthropic", 300, 2, 300 * 3000 + 2 * 15000, "gateway"],
    ]);
  });

  it("refuses a translated call the budget cannot hold with a 429 before any byte is streamed", async () => {
    const { user, token } = await gatewayUser({ provider: "anthropic", budgetUsd: 0.000001 });
    const client = new OpenAI({ apiKey: token, baseURL: "http://app.test/api/v1", fetch: app().fetch, maxRetries: 2 });
    const error = await client.chat.completions.create({ model: "anthropic:claude-sonnet-4-5", stream: true, messages: [{ role: "user", content: "Long ".repeat(100) }] }).catch((e: unknown) => e);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect(await eventsOf(user.id)).toHaveLength(0);
  });
});

describe("the Anthropic-compatible gateway through the official Anthropic client", () => {
  it("answers a message, streamed and not, each call one event priced exactly (claude-sonnet-4-5: $3 in, $15 out)", async () => {
    const { user, token } = await gatewayUser({ provider: "anthropic" });
    const client = new Anthropic({ apiKey: token, baseURL: "http://app.test/api/anthropic", fetch: app().fetch });
    const message = await client.messages.create({ model: "claude-sonnet-4-5", max_tokens: 200, messages: [{ role: "user", content: "Hi [[reply:Hello, Claude here.]] [[usage:prompt=1000,completion=20]]" }] });
    expect(message.content[0]).toMatchObject({ type: "text", text: "Hello, Claude here." });
    let streamed = "";
    const stream = client.messages.stream({ model: "anthropic:claude-sonnet-4-5", max_tokens: 200, messages: [{ role: "user", content: "Again [[reply:streamed words]] [[usage:prompt=500,completion=2]]" }] });
    for await (const event of stream) if (event.type === "content_block_delta" && event.delta.type === "text_delta") streamed += event.delta.text;
    expect(streamed).toBe("streamed words");
    const events = (await eventsOf(user.id)).sort((a, b) => b.inputNoCacheTokens - a.inputNoCacheTokens);
    expect(events.map((e) => [e.provider, e.model, e.inputNoCacheTokens, e.outputTokens, e.costNano, e.source])).toEqual([
      ["anthropic", "claude-sonnet-4-5", 1000, 20, 1000 * 3000 + 20 * 15000, "gateway"],
      ["anthropic", "claude-sonnet-4-5", 500, 2, 500 * 3000 + 2 * 15000, "gateway"],
    ]);
  });

  it("keeps the usage Anthropic reported when the client hangs up mid-stream: one aborted event", async () => {
    const { user, token } = await gatewayUser({ provider: "anthropic" });
    const client = new Anthropic({ apiKey: token, baseURL: "http://app.test/api/anthropic", fetch: app().fetch });
    const stream = client.messages.stream({ model: "claude-sonnet-4-5", max_tokens: 500, messages: [{ role: "user", content: `Long ${randomUUID()} [[reply:${"word ".repeat(60)}]] [[delay:10]] [[usage:prompt=800,completion=60]]` }] });
    let deltas = 0;
    for await (const event of stream) {
      if (event.type === "content_block_delta" && ++deltas === 3) {
        stream.abort();
        break;
      }
    }
    const events = await eventsOf(user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: "aborted", stopReason: "client", inputNoCacheTokens: 800, estimated: true, estimatedParts: ["output"] });
    expect(events[0]!.outputTokens).toBeGreaterThan(0);
  });
});
