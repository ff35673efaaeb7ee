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
      { provider: "openai", method: "GET", path: "/models", authorization: `Bearer ${KEY}`, body: undefined },
    ]);
  });
});
