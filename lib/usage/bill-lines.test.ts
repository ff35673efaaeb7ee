import { describe, expect, it } from "vitest";
import { billLinesOf } from "./bill-lines";
import { smallAnswerSettings, thinkingFloor } from "./thinking";

describe("billLinesOf — what each provider's raw usage says beyond the SDK's buckets", () => {
  it("OpenRouter BYOK: fee + upstream cost; a non-BYOK answer's upstream cost (= cost) is not added", () => {
    const byok = { cost: 0.0000125, is_byok: true, cost_details: { upstream_inference_cost: 0.00025 } };
    expect(billLinesOf({ provider: "openrouter", modelId: "openai/gpt-4o-mini", raw: byok }).providerCost).toEqual({ totalNano: 262_500, feeNano: 12_500, upstreamNano: 250_000 });
    const plain = { cost: 0.00012, is_byok: false, cost_details: { upstream_inference_cost: 0.00012 } };
    expect(billLinesOf({ provider: "openrouter", modelId: "openai/gpt-4o-mini", raw: plain }).providerCost).toEqual({ totalNano: 120_000, feeNano: 120_000, upstreamNano: null });
    expect(billLinesOf({ provider: "openrouter", modelId: "x", raw: { prompt_tokens: 3 } }).providerCost).toBeNull();
    const missing = { cost: 0.0000125, is_byok: true, cost_details: { upstream_inference_cost: null } };
    expect(billLinesOf({ provider: "openrouter", modelId: "x", raw: missing }).providerCost).toEqual({ totalNano: 12_500, feeNano: 12_500, upstreamNano: null, upstreamMissing: true });
  });

  it("Anthropic: 1-hour cache writes, web searches and fetches; a new server tool is flagged", () => {
    const raw = {
      input_tokens: 10,
      cache_creation_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
      output_tokens: 5,
      server_tool_use: { web_search_requests: 2, web_fetch_requests: 1, code_execution_requests: 1 },
      service_tier: "standard",
    };
    expect(billLinesOf({ provider: "anthropic", modelId: "claude-sonnet-4-5", raw })).toMatchObject({
      cacheWrite1h: 200,
      serverTools: { web_search: 2, web_fetch: 1 },
      unpricedFields: ["server_tool_use.code_execution_requests"],
    });
  });

  it("OpenAI: audio tokens both ways; web search calls counted from the answer", () => {
    const raw = { prompt_tokens: 100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 80 }, completion_tokens_details: { audio_tokens: 15, reasoning_tokens: 0 } };
    expect(billLinesOf({ provider: "openai", modelId: "gpt-4o-audio-preview", raw, providerToolCalls: { web_search: 2 } })).toMatchObject({
      audioInput: 80,
      audioOutput: 15,
      serverTools: { web_search: 2 },
      unpricedFields: [],
    });
  });

  it("Gemini: audio by modality (cached audio left to the cache and flagged), one grounded prompt on 2.5, a fee per query on 3", () => {
    const raw = {
      promptTokenCount: 1_000,
      promptTokensDetails: [
        { modality: "TEXT", tokenCount: 600 },
        { modality: "AUDIO", tokenCount: 400 },
      ],
      cacheTokensDetails: [{ modality: "AUDIO", tokenCount: 100 }],
      cachedContentTokenCount: 100,
      candidatesTokenCount: 10,
    };
    const grounded = { google: { groundingMetadata: { webSearchQueries: ["a", "b"] } } };
    expect(billLinesOf({ provider: "google", modelId: "gemini-2.5-flash", raw, providerMetadata: grounded })).toMatchObject({
      audioInput: 300,
      serverTools: { grounded_prompt: 1 },
      unpricedFields: ["cacheTokensDetails.AUDIO"],
    });
    expect(billLinesOf({ provider: "google", modelId: "gemini-3-pro-preview", raw: {}, providerMetadata: grounded }).serverTools).toEqual({ web_search: 2 });
  });
});

describe("thinking under a small cap", () => {
  it.each([
    ["google", "gemini-2.5-flash", { maxOutputTokens: 24, providerOptions: { google: { thinkingConfig: { thinkingBudget: 0 } } } }],
    ["google", "gemini-2.5-pro", { maxOutputTokens: 152, providerOptions: { google: { thinkingConfig: { thinkingBudget: 128 } } } }],
    ["google", "gemini-3-pro-preview", { maxOutputTokens: 24, providerOptions: { google: { thinkingConfig: { thinkingLevel: "low" } } } }],
    ["openai", "gpt-5-mini", { maxOutputTokens: 24, providerOptions: { openai: { reasoningEffort: "minimal" } } }],
    ["openai", "o4-mini", { maxOutputTokens: 24, providerOptions: { openai: { reasoningEffort: "low" } } }],
    ["openai", "gpt-4o-mini", { maxOutputTokens: 24 }],
    ["anthropic", "claude-sonnet-4-5", { maxOutputTokens: 24 }],
  ] as const)("%s %s: a 24-token answer", (provider, modelId, expected) => {
    expect(smallAnswerSettings(provider, modelId, 24)).toEqual(expected);
  });

  it("the least thinking a call must do", () => {
    expect(thinkingFloor("google", "gemini-2.5-pro", undefined)).toBe(128);
    expect(thinkingFloor("google", "gemini-2.5-flash", undefined)).toBe(0);
    expect(thinkingFloor("google", "gemini-2.5-flash", { google: { thinkingConfig: { thinkingBudget: 512 } } })).toBe(512);
    expect(thinkingFloor("anthropic", "claude-sonnet-4-5", { anthropic: { thinking: { type: "enabled", budgetTokens: 2048 } } })).toBe(2048);
    expect(thinkingFloor("anthropic", "claude-sonnet-4-5", undefined)).toBe(0);
  });
});
