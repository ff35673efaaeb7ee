import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseScript } from "./script";
import { startFakeLlm, type FakeLlm } from "./server";

/** The fake upstream's bill lines on the wire, in each provider's own format (see script.ts for the directives). */

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());

const KEY = "sk-test-fake-bill-lines";

function post(path: string, body: object, headers: Record<string, string> = {}) {
  return fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}`, "x-api-key": KEY, "x-goog-api-key": KEY, "anthropic-version": "2023-06-01", ...headers },
    body: JSON.stringify(body),
  });
}

/** The JSON payloads of an SSE body. */
async function events(response: Response): Promise<Record<string, unknown>[]> {
  return (await response.text())
    .split("\n\n")
    .map((block) => block.split("\n").find((line) => line.startsWith("data: "))?.slice(6))
    .filter((data): data is string => Boolean(data) && data !== "[DONE]")
    .map((data) => JSON.parse(data) as Record<string, unknown>);
}

describe("bill-line directives", () => {
  it("reads byok, thinks, raw-usage and the new usage keys", () => {
    const script = parseScript("[[byok:0.0025]] [[thinks:200]] [[raw-usage:server_tool_use.code_execution_requests=1,x=2]] [[usage:cacheWrite1h=5,audioIn=3,audioOut=2,webSearch=1,webFetch=4]]");
    expect(script).toMatchObject({
      byokUpstreamCost: 0.0025,
      thinks: 200,
      rawUsage: { "server_tool_use.code_execution_requests": 1, x: 2 },
      usage: { cacheWrite1h: 5, audioIn: 3, audioOut: 2, webSearch: 1, webFetch: 4 },
    });
  });
});

describe("on the wire", () => {
  it("OpenRouter BYOK: is_byok, cost = the fee, upstream_inference_cost = the provider's charge (streaming and not)", async () => {
    const body = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "[[cost:0.00001]] [[byok:0.0025]]" }] };
    const plain = await (await post("/openrouter/v1/chat/completions", body)).json();
    expect(plain.usage).toMatchObject({ cost: 0.00001, is_byok: true, cost_details: { upstream_inference_cost: 0.0025 } });
    const streamed = (await events(await post("/openrouter/v1/chat/completions", { ...body, stream: true }))).at(-1);
    expect(streamed?.usage).toMatchObject({ cost: 0.00001, is_byok: true, cost_details: { upstream_inference_cost: 0.0025 } });
    const notByok = await (await post("/openrouter/v1/chat/completions", { ...body, messages: [{ role: "user", content: "[[cost:0.00001]]" }] })).json();
    expect(notByok.usage).toMatchObject({ is_byok: false, cost_details: { upstream_inference_cost: 0.00001 } });
  });

  it("Anthropic: 5-minute and 1-hour writes apart, server tool use in message_delta, extra raw usage", async () => {
    const content = "[[usage:prompt=1000,cacheWrite=300,cacheWrite1h=200,completion=10,webSearch=2,webFetch=1]] [[raw-usage:server_tool_use.code_execution_requests=1]]";
    const body = { model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content }] };
    const message = await (await post("/anthropic/v1/messages", body)).json();
    expect(message.usage).toMatchObject({
      cache_creation_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
      server_tool_use: { web_search_requests: 2, web_fetch_requests: 1, code_execution_requests: 1 },
    });
    const stream = await events(await post("/anthropic/v1/messages", { ...body, stream: true }));
    expect(stream.find((e) => e.type === "message_start")).toMatchObject({ message: { usage: { cache_creation: { ephemeral_1h_input_tokens: 200 } } } });
    expect(stream.find((e) => e.type === "message_delta")).toMatchObject({ usage: { server_tool_use: { web_search_requests: 2, web_fetch_requests: 1, code_execution_requests: 1 } } });
  });

  it("OpenAI: audio tokens in chat usage; web_search_call items ahead of the Responses message", async () => {
    const chat = await (await post("/openai/v1/chat/completions", { model: "gpt-4o-audio-preview", messages: [{ role: "user", content: "[[usage:prompt=100,audioIn=80,completion=20,audioOut=15]]" }] })).json();
    expect(chat.usage).toMatchObject({ prompt_tokens_details: { audio_tokens: 80 }, completion_tokens_details: { audio_tokens: 15 } });
    const input = [{ role: "user", content: "[[reply:Found.]] [[usage:webSearch=2]]" }];
    const response = await (await post("/openai/v1/responses", { model: "gpt-4o-mini", input })).json();
    expect(response.output.map((o: { type: string }) => o.type)).toEqual(["web_search_call", "web_search_call", "message"]);
    const stream = await events(await post("/openai/v1/responses", { model: "gpt-4o-mini", input, stream: true }));
    const added = stream.filter((e) => e.type === "response.output_item.added").map((e) => (e.item as { type: string }).type);
    expect(added).toEqual(["web_search_call", "web_search_call", "message"]);
  });

  it("Gemini: AUDIO modality counts, grounding queries, and thoughts within the thinking budget eating the output cap", async () => {
    const contents = (text: string) => [{ role: "user", parts: [{ text }] }];
    const grounded = await (
      await post("/google/v1beta/models/gemini-2.5-flash:generateContent", { contents: contents("[[usage:prompt=100,audioIn=40,completion=10,audioOut=5,webSearch=2]]") })
    ).json();
    expect(grounded.usageMetadata).toMatchObject({
      promptTokensDetails: [
        { modality: "TEXT", tokenCount: 60 },
        { modality: "AUDIO", tokenCount: 40 },
      ],
      candidatesTokensDetails: [
        { modality: "TEXT", tokenCount: 5 },
        { modality: "AUDIO", tokenCount: 5 },
      ],
    });
    expect(grounded.candidates[0].groundingMetadata.webSearchQueries).toHaveLength(2);

    const thinking = (generationConfig: object) =>
      post("/google/v1beta/models/gemini-2.5-flash:generateContent", { contents: contents("[[thinks:200]] [[reply:Lisbon trip plan]]"), generationConfig }).then((r) => r.json());
    const eaten = await thinking({ maxOutputTokens: 24 });
    expect(eaten.usageMetadata).toMatchObject({ thoughtsTokenCount: 24 });
    expect(eaten.candidates[0].content.parts[0].text).toBe("");
    const off = await thinking({ maxOutputTokens: 24, thinkingConfig: { thinkingBudget: 0 } });
    expect(off.usageMetadata.thoughtsTokenCount).toBeUndefined();
    expect(off.candidates[0].content.parts[0].text).toBe("Lisbon trip plan");
  });
});
