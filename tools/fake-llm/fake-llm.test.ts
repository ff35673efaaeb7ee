import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeTokenCount, parseScript } from "./script";
import { startFakeLlm, type FakeLlm } from "./server";

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());

const KEY = "sk-test-fake-openai-0001";

function chat(body: object, key = KEY) {
  return fetch(`${fake.url}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
}

/** Reads an SSE body into its `data:` payloads, the way OpenAI clients do. */
async function readSse(response: Response): Promise<string[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.startsWith("data: "))
    .map((block) => block.slice("data: ".length));
}

describe("script directives", () => {
  it("reads reply, status, delay, cut-after and usage", () => {
    expect(parseScript("hi [[reply:Hello there]] [[delay:5]] [[cut-after:2]] [[status:503]]")).toEqual({
      reply: "Hello there",
      delayMs: 5,
      cutAfter: 2,
      status: 503,
    });
    expect(parseScript("[[usage:prompt=1000, completion=500,cached=200,reasoning=50]]").usage).toEqual({
      prompt: 1000,
      completion: 500,
      cached: 200,
      reasoning: 50,
    });
    expect(parseScript("What is 2+2?").reply).toBe("This is the fake upstream answering: What is 2+2?.");
  });
});

describe("OpenAI chat completions", () => {
  it("answers without streaming, with usage", async () => {
    const response = await chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hi [[reply:Hi!]]" }] });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.object).toBe("chat.completion");
    expect(body.model).toBe("gpt-4o-mini");
    expect(body.choices[0].message).toMatchObject({ role: "assistant", content: "Hi!" });
    expect(body.choices[0].finish_reason).toBe("stop");
    const prompt = fakeTokenCount("Say hi [[reply:Hi!]]");
    expect(body.usage).toMatchObject({ prompt_tokens: prompt, completion_tokens: 1, total_tokens: prompt + 1 });
  });

  it("streams chunks, then a usage chunk and [DONE] when include_usage is asked", async () => {
    const response = await chat({
      model: "gpt-4o-mini",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "[[reply:One two three]] [[usage:prompt=1000,completion=500,cached=200,reasoning=50]]" }],
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const events = await readSse(response);
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");
    expect(text).toBe("One two three");
    expect(chunks.at(-2).choices[0].finish_reason).toBe("stop");
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 1000,
        completion_tokens: 500,
        total_tokens: 1500,
        prompt_tokens_details: { cached_tokens: 200 },
        completion_tokens_details: { reasoning_tokens: 50 },
      },
    });
  });

  it("sends no usage chunk unless asked", async () => {
    const events = await readSse(
      await chat({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "[[reply:a b]]" }] }),
    );
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.map((c) => c.choices.length)).not.toContain(0);
  });

  it("drops the connection mid-stream when told to", async () => {
    const response = await chat({
      model: "gpt-4o-mini",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "[[reply:one two three four five]] [[cut-after:2]]" }],
    });
    const error = await response.text().then(
      (text) => ({ text }),
      (e: unknown) => ({ error: e }),
    );
    if ("text" in error) {
      // Whatever arrived before the cut: never the usage chunk or [DONE].
      expect(error.text).toContain('"content":"one "');
      expect(error.text).not.toContain("[DONE]");
      expect(error.text).not.toContain('"usage":{');
    } else {
      expect(error.error).toBeInstanceOf(Error);
    }
  });

  it("refuses a missing or rejected key with OpenAI's 401 body", async () => {
    const rejected = await chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }, "sk-test-invalid-key-9999");
    expect(rejected.status).toBe(401);
    const body = await rejected.json();
    expect(body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_api_key" });
    expect(body.error.message).toContain("9999");
    expect(body.error.message).not.toContain("sk-test-invalid-key-9999");

    const missing = await fetch(`${fake.url}/openai/v1/models`);
    expect(missing.status).toBe(401);
  });

  it("answers scripted upstream errors in OpenAI's error shape", async () => {
    const response = await chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "[[status:429]]" }] });
    expect(response.status).toBe(429);
    expect((await response.json()).error.code).toBe("rate_limit_exceeded");
  });

  it("refuses malformed requests with 400", async () => {
    expect((await chat({ model: "gpt-4o-mini", messages: [] })).status).toBe(400);
    const notJson = await fetch(`${fake.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: "{nope",
    });
    expect(notJson.status).toBe(400);
  });

  it("lists models and records every request", async () => {
    const before = fake.requests.length;
    const response = await fetch(`${fake.url}/openai/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
    const body = await response.json();
    expect(body.object).toBe("list");
    expect(body.data.map((m: { id: string }) => m.id)).toContain("gpt-4o-mini");
    expect(fake.requests.slice(before)).toEqual([
      { provider: "openai", method: "GET", path: "/models", authorization: `Bearer ${KEY}`, apiKey: KEY, model: undefined, body: undefined },
    ]);
  });
});

/** Reads an SSE body into its events: the `event:` name (if any) and the parsed `data:` payload. */
async function readEvents(response: Response): Promise<{ event?: string; data: Record<string, unknown> }[]> {
  const text = await response.text();
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.includes("data: "))
    .map((block) => {
      const lines = block.split(/\r?\n/);
      const event = lines.find((l) => l.startsWith("event: "))?.slice("event: ".length);
      const data = JSON.parse(lines.find((l) => l.startsWith("data: "))!.slice("data: ".length)) as Record<string, unknown>;
      return { event, data };
    });
}

function post(url: string, body: unknown, headers: Record<string, string>) {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

describe("routing", () => {
  it("answers /health and names every provider's base URL", async () => {
    expect((await fetch(`${fake.url}/health`)).status).toBe(200);
    expect(fake.baseUrls).toEqual({
      openai: `${fake.url}/openai/v1`,
      anthropic: `${fake.url}/anthropic/v1`,
      google: `${fake.url}/google/v1beta`,
      openrouter: `${fake.url}/openrouter/v1`,
      compat: `${fake.url}/compat/v1`,
    });
  });

  it("answers unknown routes and wrong version segments with 404 in the provider's shape", async () => {
    const openai = await fetch(`${fake.url}/openai/v1/moderations`, { method: "POST", headers: { authorization: `Bearer ${KEY}` } });
    expect(openai.status).toBe(404);
    expect((await openai.json()).error.message).toContain("/moderations");

    const anthropic = await fetch(`${fake.url}/anthropic/v2/messages`, { headers: { "x-api-key": KEY } });
    expect(anthropic.status).toBe(404);
    expect(await anthropic.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });

    const google = await fetch(`${fake.url}/google/v1beta/tunedModels`, { headers: { "x-goog-api-key": KEY } });
    expect(google.status).toBe(404);
    expect((await google.json()).error).toMatchObject({ code: 404, status: "NOT_FOUND" });

    expect((await fetch(`${fake.url}/mistral/v1/models`)).status).toBe(404);
  });

  it("embeds: one vector per input, usage as OpenAI reports it, base64 on request", async () => {
    const post = (body: unknown) =>
      fetch(`${fake.url}/openai/v1/embeddings`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    const floats = await (await post({ model: "text-embedding-3-small", input: ["abcd", "abcdefgh"], dimensions: 4 })).json();
    expect(floats).toMatchObject({ object: "list", model: "text-embedding-3-small", usage: { prompt_tokens: 3, total_tokens: 3 } });
    expect(floats.data.map((d: { index: number; embedding: number[] }) => [d.index, d.embedding.length])).toEqual([[0, 4], [1, 4]]);
    const encoded = await (await post({ model: "text-embedding-3-small", input: "x", encoding_format: "base64" })).json();
    expect(typeof encoded.data[0].embedding).toBe("string");
    expect((await post({ model: "text-embedding-3-small" })).status).toBe(400);
  });

  it("answers a body that is not JSON with 400 in the provider's shape", async () => {
    const response = await fetch(`${fake.url}/anthropic/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01" },
      body: "{nope",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });
});

describe("OpenAI Responses API", () => {
  const responses = (body: object) => post(`${fake.url}/openai/v1/responses`, body, { authorization: `Bearer ${KEY}` });

  it("answers a response object with output_text and usage", async () => {
    const response = await responses({ model: "gpt-4.1", input: "Hello [[reply:Hi there]] [[usage:prompt=10,completion=5,cached=4,reasoning=2]]" });
    const body = await response.json();
    expect(body).toMatchObject({ object: "response", status: "completed", model: "gpt-4.1", error: null, incomplete_details: null });
    expect(body.output).toEqual([
      expect.objectContaining({ type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Hi there", annotations: [], logprobs: [] }] }),
    ]);
    expect(body.usage).toEqual({
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 4 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 2 },
      total_tokens: 15,
    });
  });

  it("streams the real event sequence, each event named and numbered", async () => {
    const events = await readEvents(
      await responses({ model: "gpt-4.1", stream: true, input: [{ role: "user", content: [{ type: "input_text", text: "[[reply:a b]]" }] }] }),
    );
    expect(events.map((e) => e.event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.every((e, i) => e.data.type === e.event && e.data.sequence_number === i)).toBe(true);
    expect(events.filter((e) => e.event === "response.output_text.delta").map((e) => e.data.delta)).toEqual(["a ", "b"]);
    expect((events.at(-1)!.data.response as { usage: { total_tokens: number } }).usage.total_tokens).toBeGreaterThan(0);
  });

  it("refuses a request without input", async () => {
    expect((await responses({ model: "gpt-4.1" })).status).toBe(400);
  });
});

describe("Anthropic Messages", () => {
  const headers = { "x-api-key": KEY, "anthropic-version": "2023-06-01" };
  const messages = (body: object, h: Record<string, string> = headers) => post(`${fake.url}/anthropic/v1/messages`, body, h);

  it("answers a message whose input_tokens leave the cache out", async () => {
    const response = await messages({
      model: "claude-sonnet-4-5",
      max_tokens: 1000,
      messages: [{ role: "user", content: "[[reply:Hello]] [[usage:prompt=1300,cached=400,cacheWrite=100,completion=300]]" }],
    });
    const body = await response.json();
    expect(body).toMatchObject({ type: "message", role: "assistant", content: [{ type: "text", text: "Hello" }], stop_reason: "end_turn" });
    expect(body.usage).toMatchObject({ input_tokens: 800, cache_creation_input_tokens: 100, cache_read_input_tokens: 400, output_tokens: 300 });
    expect(fake.requests.at(-1)).toMatchObject({ provider: "anthropic", path: "/messages", apiKey: KEY, model: "claude-sonnet-4-5" });
  });

  it("streams message_start … message_stop with usage at both ends", async () => {
    const events = await readEvents(
      await messages({ model: "claude-haiku-4-5", max_tokens: 100, stream: true, messages: [{ role: "user", content: [{ type: "text", text: "[[reply:x y]] [[usage:prompt=50,cached=20,completion=9]]" }] }] }),
    );
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect((events[0]!.data.message as { usage: object }).usage).toMatchObject({ input_tokens: 30, cache_read_input_tokens: 20, cache_creation_input_tokens: 0 });
    expect(events[3]!.data.delta).toEqual({ type: "text_delta", text: "x " });
    expect(events[6]!.data).toMatchObject({ delta: { stop_reason: "end_turn" }, usage: { output_tokens: 9 } });
  });

  it("refuses keys, missing max_tokens and a missing anthropic-version in Anthropic's error shape", async () => {
    const body = { model: "claude-sonnet-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };
    const rejected = await messages(body, { ...headers, "x-api-key": "sk-test-invalid-0003" });
    expect(rejected.status).toBe(401);
    expect(await rejected.json()).toMatchObject({ type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } });
    expect((await messages(body, { "anthropic-version": "2023-06-01" })).status).toBe(401);

    const noVersion = await messages(body, { "x-api-key": KEY });
    expect(noVersion.status).toBe(400);
    expect((await noVersion.json()).error.message).toContain("anthropic-version");

    const noMax = await messages({ ...body, max_tokens: undefined });
    expect(noMax.status).toBe(400);
    expect((await noMax.json()).error).toMatchObject({ type: "invalid_request_error", message: "max_tokens: Field required" });
  });

  it("answers scripted errors with Anthropic's error types", async () => {
    const types: Record<number, string> = { 429: "rate_limit_error", 529: "overloaded_error", 500: "api_error" };
    for (const [status, type] of Object.entries(types)) {
      const response = await messages({ model: "claude-sonnet-4-5", max_tokens: 10, messages: [{ role: "user", content: `[[status:${status}]]` }] });
      expect(response.status).toBe(Number(status));
      expect(await response.json()).toMatchObject({ type: "error", error: { type } });
    }
  });

  it("lists models in Anthropic's paginated shape", async () => {
    const body = await (await fetch(`${fake.url}/anthropic/v1/models?limit=2`, { headers })).json();
    expect(body.data).toHaveLength(2);
    expect(body.data[0]).toEqual({ type: "model", id: "claude-haiku-4-5-20251001", display_name: "Claude Haiku 4.5", created_at: "2025-10-15T00:00:00Z" });
    expect(body).toMatchObject({ has_more: true, first_id: body.data[0].id, last_id: body.data[1].id });
    const next = await (await fetch(`${fake.url}/anthropic/v1/models?limit=1000&after_id=${body.last_id}`, { headers })).json();
    expect(next.has_more).toBe(false);
    expect(next.data.map((m: { id: string }) => m.id)).not.toContain(body.data[0].id);
  });
});

describe("Google Gemini", () => {
  let base = "";
  beforeAll(() => {
    base = fake.baseUrls.google;
  });
  const contents = (text: string) => ({ contents: [{ role: "user", parts: [{ text }] }] });

  it("answers generateContent with usageMetadata, thoughts apart from candidates", async () => {
    const response = await post(`${base}/models/gemini-2.5-flash:generateContent`, contents("[[reply:Hi]] [[usage:prompt=100,cached=40,completion=30,reasoning=10]]"), {
      "x-goog-api-key": KEY,
    });
    const body = await response.json();
    expect(body.candidates[0]).toMatchObject({ content: { parts: [{ text: "Hi" }], role: "model" }, finishReason: "STOP" });
    expect(body.usageMetadata).toMatchObject({ promptTokenCount: 100, cachedContentTokenCount: 40, candidatesTokenCount: 20, thoughtsTokenCount: 10, totalTokenCount: 130 });
    expect(body.modelVersion).toBe("gemini-2.5-flash");
    expect(fake.requests.at(-1)).toMatchObject({ path: "/models/gemini-2.5-flash:generateContent", model: "gemini-2.5-flash", apiKey: KEY });
  });

  it("streams alt=sse chunks separated by CRLF, the last with finishReason and the full usage", async () => {
    const response = await post(`${base}/models/gemini-2.5-pro:streamGenerateContent?alt=sse&key=${KEY}`, contents("[[reply:a b c]]"), {});
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const text = await response.clone().text();
    expect(text).toContain("\r\n\r\n");
    const events = await readEvents(response);
    expect(events).toHaveLength(4);
    expect(events.map((e) => (e.data.candidates as { content: { parts: { text: string }[] } }[])[0]!.content.parts[0]!.text).join("")).toBe("a b c");
    expect((events.at(-1)!.data.candidates as { finishReason?: string }[])[0]!.finishReason).toBe("STOP");
    expect(events.at(-1)!.data.usageMetadata).toMatchObject({ candidatesTokenCount: 2 });
  });

  it("streams a JSON array without alt=sse", async () => {
    const response = await post(`${base}/models/gemini-2.5-flash:streamGenerateContent`, contents("[[reply:a b]]"), { "x-goog-api-key": KEY });
    const chunks = (await response.json()) as { candidates: { content: { parts: { text: string }[] } }[] }[];
    expect(chunks.map((c) => c.candidates[0]!.content.parts[0]!.text).join("")).toBe("a b");
  });

  it("refuses a bad key with 400 API_KEY_INVALID and a missing key with 403, in Google's error shape", async () => {
    const bad = await post(`${base}/models/gemini-2.5-flash:generateContent`, contents("hi"), { "x-goog-api-key": "sk-test-invalid-0004" });
    expect(bad.status).toBe(400);
    const badBody = await bad.json();
    expect(badBody.error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT", details: [expect.objectContaining({ reason: "API_KEY_INVALID" }), expect.anything()] });
    const missing = await post(`${base}/models/gemini-2.5-flash:generateContent`, contents("hi"), {});
    expect(missing.status).toBe(403);
    expect((await missing.json()).error.status).toBe("PERMISSION_DENIED");
  });

  it("answers scripted errors with Google's status names", async () => {
    const names: Record<number, string> = { 429: "RESOURCE_EXHAUSTED", 503: "UNAVAILABLE", 500: "INTERNAL" };
    for (const [status, name] of Object.entries(names)) {
      const response = await post(`${base}/models/gemini-2.5-flash:generateContent`, contents(`[[status:${status}]]`), { "x-goog-api-key": KEY });
      expect(response.status).toBe(Number(status));
      expect((await response.json()).error).toMatchObject({ code: Number(status), status: name });
    }
  });

  it("lists models as models/… with their generation methods", async () => {
    const body = await (await fetch(`${base}/models?pageSize=1000`, { headers: { "x-goog-api-key": KEY } })).json();
    const flash = body.models.find((m: { name: string }) => m.name === "models/gemini-2.5-flash");
    expect(flash).toMatchObject({ displayName: "Gemini 2.5 Flash", inputTokenLimit: 1_048_576, outputTokenLimit: 65_536 });
    expect(flash.supportedGenerationMethods).toContain("generateContent");
    expect(body.models.some((m: { supportedGenerationMethods: string[] }) => !m.supportedGenerationMethods.includes("generateContent"))).toBe(true);
  });
});

describe("OpenRouter", () => {
  let base = "";
  beforeAll(() => {
    base = fake.baseUrls.openrouter;
  });
  const auth = { authorization: `Bearer ${KEY}` };

  it("reports cost and token details in the usage, and always ends a stream with it", async () => {
    const response = await post(
      `${base}/chat/completions`,
      { model: "openai/gpt-4o-mini", stream: true, messages: [{ role: "user", content: "[[reply:a b]] [[usage:prompt=100,completion=20,cached=30,reasoning=5]] [[cost:0.00012]]" }] },
      auth,
    );
    const text = await response.text();
    expect(text.startsWith(": OPENROUTER PROCESSING")).toBe(true);
    const chunks = text
      .split("\n\n")
      .filter((b) => b.startsWith("data: ") && b !== "data: [DONE]")
      .map((b) => JSON.parse(b.slice(6)));
    expect(chunks[0]).toMatchObject({ object: "chat.completion.chunk", provider: "OpenAI", model: "openai/gpt-4o-mini" });
    expect(chunks[0].id).toMatch(/^gen-/);
    expect(chunks.at(-1).usage).toMatchObject({
      prompt_tokens: 100,
      completion_tokens: 20,
      cost: 0.00012,
      prompt_tokens_details: { cached_tokens: 30 },
      completion_tokens_details: { reasoning_tokens: 5 },
    });
  });

  it("computes the cost at the fake rate when none is scripted", async () => {
    const response = await post(`${base}/chat/completions`, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "[[usage:prompt=2000,completion=1000]]" }] }, auth);
    expect((await response.json()).usage.cost).toBeCloseTo(2000 * 0.00000015 + 1000 * 0.0000006, 12);
  });

  it("serves /key for the key check and /models without a key, and refuses bad keys in its own shape", async () => {
    const key = await (await fetch(`${base}/key`, { headers: auth })).json();
    expect(key.data).toMatchObject({ usage: 0, limit: null, is_free_tier: false });
    expect(key.data.label).not.toBe(KEY);

    const models = await fetch(`${base}/models`);
    expect(models.status).toBe(200);
    const listed = (await models.json()).data.find((m: { id: string }) => m.id === "openai/gpt-4o-mini");
    expect(listed).toMatchObject({ name: "OpenAI: GPT-4o-mini", context_length: 128_000, pricing: { prompt: "0.00000015", completion: "0.0000006" } });

    const rejected = await fetch(`${base}/key`, { headers: { authorization: "Bearer sk-test-invalid-0005" } });
    expect(rejected.status).toBe(401);
    expect(await rejected.json()).toEqual({ error: { code: 401, message: "User not found." } });
    expect((await fetch(`${base}/key`)).status).toBe(401);
  });
});

describe("OpenAI-compatible (Ollama-like)", () => {
  it("takes no key at all, lists local models and reports plain usage", async () => {
    const models = await (await fetch(`${fake.url}/compat/v1/models`)).json();
    expect(models.data.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining(["llama3.2:latest", "qwen2.5:7b"]));
    const response = await post(`${fake.url}/compat/v1/chat/completions`, { model: "qwen2.5:7b", messages: [{ role: "user", content: "[[reply:ok]] [[usage:prompt=7,completion=1]]" }] }, {});
    const body = await response.json();
    expect(body.choices[0].message.content).toBe("ok");
    expect(body.usage).toEqual({ prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 });
    expect(fake.requests.at(-1)).toMatchObject({ provider: "compat", apiKey: undefined, authorization: undefined });
  });
});
