import { calcPrice } from "@pydantic/genai-prices";
import { describe, expect, it } from "vitest";
import { costOf, lookupPrice, normaliseModelId, priceLevelFor, usdPerMTokToNano, type PriceOverride, type ProviderId, type TokenUsage } from "./price-book";

/*
 * The price list these tests are written against: the data bundled with @pydantic/genai-prices 0.1.8, in USD per
 * million tokens (printed from the package, not from memory). 1 USD = 1e9 nano-USD, so a token at $P/MTok costs
 * P × 1000 nano-USD: $0.15/MTok → 150 nano-USD per token.
 *
 *   model (provider)                                input    output   cache read  cache write
 *   gpt-4o-mini (openai)                            0.15     0.60     0.075       —
 *   gpt-4o (openai)                                 2.50     10.00    1.25        —
 *   gpt-4o-2024-05-13 (openai)                      5.00     15.00    —           —
 *   gpt-4.1 (openai)                                2.00     8.00     0.50        —
 *   o3 (openai), since 2025-06-10                   2.00     8.00     0.50        —
 *   o3 (openai), before 2025-06-10                  10.00    40.00    0.50        —
 *   o4-mini (openai)                                1.10     4.40     0.275       —
 *   o1-preview (openai)                             15.00    60.00    7.50        —
 *   claude-sonnet-4-5 (anthropic), prompt ≤ 200k    3.00     15.00    0.30        3.75
 *   claude-sonnet-4-5 (anthropic), prompt > 200k    6.00     22.50    0.60        7.50
 *   claude-haiku-4-5 (anthropic)                    1.00     5.00     0.10        1.25
 *   gemini-2.5-flash (google)                       0.30     2.50     0.03        —
 *   gemini-2.5-pro (google), prompt ≤ 200k          1.25     10.00    0.125       —
 *   gemini-2.5-pro (google), prompt > 200k          2.50     15.00    0.25        —
 *   openai/gpt-4o-mini (openrouter)                 0.15     0.60     0.075       —
 *   openai/gpt-4o (openrouter)                      2.50     10.00    —           —
 *   anthropic/claude-sonnet-4.5 (openrouter)        3.00     15.00    0.30        3.75    (> 200k: 6 / 22.5 / 0.6 / 7.5)
 *   google/gemini-2.5-flash (openrouter)            0.30     2.50     0.075       0.3833
 *   perplexity/sonar-deep-research (openrouter)     2.00     8.00     —           —       reasoning 3.00
 *   meta-llama/llama-3.3-70b-instruct:free (openrouter)  {} (free)
 *
 * Thinking/reasoning tokens are output tokens and cost the output price, except where a separate reasoning price is
 * listed. Long-context tiers switch on the WHOLE prompt (uncached + cache read + cache write) being > 200,000 tokens,
 * and then apply to every token of the call.
 */

const usage = (u: Partial<TokenUsage>): TokenUsage => ({ inputNoCache: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, ...u });

function cost(provider: ProviderId, modelId: string, u: Partial<TokenUsage>, overrides?: PriceOverride[], at?: Date): number {
  const result = costOf(provider, modelId, usage(u), { overrides, at });
  if (!result.priced) throw new Error(`${provider}:${modelId} is not priced`);
  return result.costNanoUsd;
}

const $ = usdPerMTokToNano;

describe("the bundled price list", () => {
  it.each<[ProviderId, string, { input: number; output: number; cacheRead?: number; cacheWrite?: number }]>([
    ["openai", "gpt-4o-mini", { input: 150_000_000, output: 600_000_000, cacheRead: 75_000_000 }],
    ["openai", "gpt-4o", { input: 2_500_000_000, output: 10_000_000_000, cacheRead: 1_250_000_000 }],
    ["openai", "gpt-4.1", { input: 2_000_000_000, output: 8_000_000_000, cacheRead: 500_000_000 }],
    ["openai", "o4-mini", { input: 1_100_000_000, output: 4_400_000_000, cacheRead: 275_000_000 }],
    ["anthropic", "claude-sonnet-4-5", { input: 3_000_000_000, output: 15_000_000_000, cacheRead: 300_000_000, cacheWrite: 3_750_000_000 }],
    ["anthropic", "claude-haiku-4-5", { input: 1_000_000_000, output: 5_000_000_000, cacheRead: 100_000_000, cacheWrite: 1_250_000_000 }],
    ["google", "gemini-2.5-flash", { input: 300_000_000, output: 2_500_000_000, cacheRead: 30_000_000 }],
    ["google", "gemini-2.5-pro", { input: 1_250_000_000, output: 10_000_000_000, cacheRead: 125_000_000 }],
  ])("%s %s is listed at the prices above (nano-USD per MTok)", (provider, modelId, expected) => {
    const found = lookupPrice(provider, modelId);
    expect(found?.source).toBe("catalog");
    expect(found?.price).toMatchObject(expected);
  });

  it("carries the long-context tiers, thresholds as genai-prices defines them", () => {
    expect(lookupPrice("anthropic", "claude-sonnet-4-5")?.price.tiers).toEqual([
      { above: 200_000, input: 6_000_000_000, output: 22_500_000_000, cacheRead: 600_000_000, cacheWrite: 7_500_000_000, cacheWrite1h: 12_000_000_000 },
    ]);
    expect(lookupPrice("google", "gemini-2.5-pro")?.price.tiers).toEqual([
      { above: 200_000, input: 2_500_000_000, output: 15_000_000_000, cacheRead: 250_000_000 },
    ]);
  });

  it("reports the context window", () => {
    expect(lookupPrice("openai", "gpt-4.1")?.contextWindow).toBe(1_000_000);
    expect(lookupPrice("anthropic", "claude-sonnet-4-5")?.contextWindow).toBe(200_000);
  });
});

describe("usdPerMTokToNano", () => {
  it("converts float per-MTok prices to exact integers", () => {
    expect($(0.15)).toBe(150_000_000);
    expect($(0.075)).toBe(75_000_000); // 0.075 * 1e9 is 75000000.00000001 in floating point
    expect($(0.275)).toBe(275_000_000);
    expect($(22.5)).toBe(22_500_000_000);
    expect($(0.3833)).toBe(383_300_000);
    expect($(0.08333333333333334)).toBe(83_333_333);
    expect($(0)).toBe(0);
  });
});

describe("costOf — OpenAI", () => {
  it("gpt-4o-mini: 1,000 input + 500 output", () => {
    // 1,000 × $0.15/MTok = $0.00015 = 150,000 n$; 500 × $0.60/MTok = $0.0003 = 300,000 n$
    expect(costOf("openai", "gpt-4o-mini", usage({ inputNoCache: 1_000, output: 500 }))).toEqual({
      priced: true,
      costNanoUsd: 450_000,
      source: "catalog",
      matchedModelId: "gpt-4o-mini",
      breakdown: { input: 150_000, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, output: 300_000, tools: 0 },
      toolCostNano: 0,
      unknownRates: [],
    });
  });

  it("gpt-4o-mini: cached prompt tokens at the cache-read price", () => {
    // 1,000 × 150 + 2,000 × 75 + 500 × 600 = 150,000 + 150,000 + 300,000
    expect(cost("openai", "gpt-4o-mini", { inputNoCache: 1_000, cacheRead: 2_000, output: 500 })).toBe(600_000);
  });

  it("gpt-4.1: 10,000 input, 4,000 cached, 2,000 output", () => {
    // 10,000 × $2 = 20,000,000 n$; 4,000 × $0.50 = 2,000,000 n$; 2,000 × $8 = 16,000,000 n$ → $0.038
    expect(cost("openai", "gpt-4.1", { inputNoCache: 10_000, cacheRead: 4_000, output: 2_000 })).toBe(38_000_000);
  });

  it("o4-mini: reasoning tokens are output tokens at the output price", () => {
    // 1,234 × $1.10 = 1,357,400 n$; 5,678 output (4,096 of them reasoning) × $4.40 = 24,983,200 n$
    expect(cost("openai", "o4-mini", { inputNoCache: 1_234, output: 5_678, reasoning: 4_096 })).toBe(26_340_600);
    expect(cost("openai", "o4-mini", { inputNoCache: 1_234, output: 5_678, reasoning: 0 })).toBe(26_340_600);
  });

  it("o3: a price that changed over time is taken at the time of the call", () => {
    const call = { inputNoCache: 1_000, output: 1_000, reasoning: 800 };
    // since 2025-06-10: 1,000 × $2 + 1,000 × $8 = 2,000,000 + 8,000,000
    expect(cost("openai", "o3", call, [], new Date("2025-07-01T00:00:00Z"))).toBe(10_000_000);
    // before: 1,000 × $10 + 1,000 × $40 = 10,000,000 + 40,000,000
    expect(cost("openai", "o3", call, [], new Date("2025-05-01T00:00:00Z"))).toBe(50_000_000);
  });

  it("a dated snapshot the data prices on its own keeps its own price", () => {
    // gpt-4o-2024-05-13: 1,000 × $5 + 1,000 × $15 = 5,000,000 + 15,000,000 (gpt-4o would be 2,500,000 + 10,000,000)
    expect(cost("openai", "gpt-4o-2024-05-13", { inputNoCache: 1_000, output: 1_000 })).toBe(20_000_000);
    expect(cost("openai", "gpt-4o", { inputNoCache: 1_000, output: 1_000 })).toBe(12_500_000);
  });

  it("gpt-4o-mini-2024-07-18 is gpt-4o-mini", () => {
    const result = costOf("openai", "gpt-4o-mini-2024-07-18", usage({ inputNoCache: 1_000, output: 500 }));
    expect(result).toMatchObject({ priced: true, costNanoUsd: 450_000, matchedModelId: "gpt-4o-mini" });
  });
});

describe("costOf — Anthropic", () => {
  it("claude-sonnet-4-5 with cache read and cache write", () => {
    // 2,000 × $3 = 6,000,000; 50,000 read × $0.30 = 15,000,000; 10,000 written × $3.75 = 37,500,000;
    // 1,500 × $15 = 22,500,000 → 81,000,000 n$ ($0.081). Prompt 62,000 ≤ 200k: base prices.
    expect(costOf("anthropic", "claude-sonnet-4-5", usage({ inputNoCache: 2_000, cacheRead: 50_000, cacheWrite: 10_000, output: 1_500 }))).toEqual({
      priced: true,
      costNanoUsd: 81_000_000,
      source: "catalog",
      matchedModelId: "claude-sonnet-4-5",
      breakdown: { input: 6_000_000, cacheRead: 15_000_000, cacheWrite: 37_500_000, cacheWrite1h: 0, output: 22_500_000, tools: 0 },
      toolCostNano: 0,
      unknownRates: [],
    });
  });

  it("claude-sonnet-4-5-20250929 (date suffix) is claude-sonnet-4-5", () => {
    // 1,000 × $3 + 1,000 × $15 = 3,000,000 + 15,000,000
    const result = costOf("anthropic", "claude-sonnet-4-5-20250929", usage({ inputNoCache: 1_000, output: 1_000 }));
    expect(result).toMatchObject({ priced: true, costNanoUsd: 18_000_000, matchedModelId: "claude-sonnet-4-5" });
  });

  it("claude-sonnet-4.5 (dotted) is claude-sonnet-4-5", () => {
    expect(cost("anthropic", "claude-sonnet-4.5", { inputNoCache: 1_000, output: 1_000 })).toBe(18_000_000);
  });

  it("claude-haiku-4-5 with cache read and write", () => {
    // 3,000 × $1 = 3,000,000; 20,000 read × $0.10 = 2,000,000; 4,000 written × $1.25 = 5,000,000; 800 × $5 = 4,000,000
    expect(cost("anthropic", "claude-haiku-4-5", { inputNoCache: 3_000, cacheRead: 20_000, cacheWrite: 4_000, output: 800 })).toBe(14_000_000);
    expect(cost("anthropic", "claude-haiku-4.5", { inputNoCache: 3_000, cacheRead: 20_000, cacheWrite: 4_000, output: 800 })).toBe(14_000_000);
  });

  it("claude-sonnet-4-5 above 200k prompt tokens: the whole call at the long-context prices", () => {
    // prompt 150,000 + 60,000 cached = 210,000 > 200,000 → $6 / $22.50 / $0.60 for every token:
    // 150,000 × $6 = 900,000,000; 60,000 × $0.60 = 36,000,000; 2,000 × $22.50 = 45,000,000 → $0.981
    expect(cost("anthropic", "claude-sonnet-4-5", { inputNoCache: 150_000, cacheRead: 60_000, output: 2_000 })).toBe(981_000_000);
  });

  it("the tier threshold is strict: exactly 200,000 prompt tokens is still the base price", () => {
    // 200,000 × $3 = 600,000,000; 2,000 × $15 = 30,000,000
    expect(cost("anthropic", "claude-sonnet-4-5", { inputNoCache: 200_000, output: 2_000 })).toBe(630_000_000);
    // 200,001 × $6 = 1,200,006,000; 2,000 × $22.50 = 45,000,000
    expect(cost("anthropic", "claude-sonnet-4-5", { inputNoCache: 200_001, output: 2_000 })).toBe(1_245_006_000);
  });

  it("cache writes count towards the tier threshold", () => {
    // 100,000 + 100,001 written = 200,001 > 200k: 100,000 × $6 = 600,000,000; 100,001 × $7.50 = 750,007,500
    expect(cost("anthropic", "claude-sonnet-4-5", { inputNoCache: 100_000, cacheWrite: 100_001 })).toBe(1_350_007_500);
  });
});

describe("costOf — Google", () => {
  it("gemini-2.5-flash with thinking tokens", () => {
    // 10,000 × $0.30 = 3,000,000; 3,000 output (2,000 thinking) × $2.50 = 7,500,000
    expect(cost("google", "gemini-2.5-flash", { inputNoCache: 10_000, output: 3_000, reasoning: 2_000 })).toBe(10_500_000);
  });

  it("gemini-2.5-flash with cached content", () => {
    // 10,000 × $0.30 = 3,000,000; 100,000 cached × $0.03 = 3,000,000; 1,000 × $2.50 = 2,500,000
    expect(cost("google", "gemini-2.5-flash", { inputNoCache: 10_000, cacheRead: 100_000, output: 1_000 })).toBe(8_500_000);
    expect(cost("google", "models/gemini-2.5-flash", { inputNoCache: 10_000, cacheRead: 100_000, output: 1_000 })).toBe(8_500_000);
  });

  it("gemini-2.5-pro below and above the 200k long-context threshold", () => {
    // 100,000 × $1.25 = 125,000,000; 4,000 × $10 = 40,000,000
    expect(cost("google", "gemini-2.5-pro", { inputNoCache: 100_000, output: 4_000, reasoning: 3_000 })).toBe(165_000_000);
    // 250,000 > 200k: 250,000 × $2.50 = 625,000,000; 4,000 × $15 = 60,000,000
    expect(cost("google", "gemini-2.5-pro", { inputNoCache: 250_000, output: 4_000, reasoning: 3_000 })).toBe(685_000_000);
    // 150,000 + 60,000 cached = 210,000 > 200k: 150,000 × $2.50 = 375,000,000; 60,000 × $0.25 = 15,000,000; 1,000 × $15 = 15,000,000
    expect(cost("google", "gemini-2.5-pro", { inputNoCache: 150_000, cacheRead: 60_000, output: 1_000 })).toBe(405_000_000);
  });
});

describe("costOf — OpenRouter", () => {
  it("anthropic/claude-sonnet-4.5 is priced from OpenRouter's catalog entry", () => {
    // 1,000 × $3 = 3,000,000; 10,000 cached × $0.30 = 3,000,000; 1,000 × $15 = 15,000,000
    const result = costOf("openrouter", "anthropic/claude-sonnet-4.5", usage({ inputNoCache: 1_000, cacheRead: 10_000, output: 1_000 }));
    expect(result).toMatchObject({ priced: true, costNanoUsd: 21_000_000, source: "catalog", matchedModelId: "anthropic/claude-sonnet-4.5" });
    expect(normaliseModelId("openrouter", "anthropic/claude-sonnet-4.5").modelId).toBe("anthropic/claude-sonnet-4-5");
  });

  it("Anthropic's spellings work through OpenRouter too", () => {
    expect(cost("openrouter", "anthropic/claude-sonnet-4-5", { inputNoCache: 1_000, output: 1_000 })).toBe(18_000_000);
    expect(cost("openrouter", "anthropic/claude-sonnet-4.5-20250929", { inputNoCache: 1_000, output: 1_000 })).toBe(18_000_000);
  });

  it("openai/gpt-4o-mini costs what gpt-4o-mini costs", () => {
    // 1,000 × $0.15 + 500 × $0.60 = 150,000 + 300,000
    expect(cost("openrouter", "openai/gpt-4o-mini", { inputNoCache: 1_000, output: 500 })).toBe(450_000);
  });

  it("OpenRouter's own cache prices win where it lists them (google/gemini-2.5-flash)", () => {
    // OpenRouter lists $0.075 cache read and $0.3833 cache write (Google's own entry: $0.03 read):
    // 10,000 × $0.30 = 3,000,000; 100,000 × $0.075 = 7,500,000; 10,000 × $0.3833 = 3,833,000; 1,000 × $2.50 = 2,500,000
    expect(cost("openrouter", "google/gemini-2.5-flash", { inputNoCache: 10_000, cacheRead: 100_000, cacheWrite: 10_000, output: 1_000 })).toBe(16_833_000);
  });

  it("cache prices OpenRouter's entry lacks come from the vendor's entry when the list prices agree (openai/gpt-4o)", () => {
    // OpenRouter lists $2.50 / $10 and no cache price; OpenAI lists the same plus $1.25 cache read:
    // 1,000 × $2.50 = 2,500,000; 4,000 × $1.25 = 5,000,000; 1,000 × $10 = 10,000,000
    expect(cost("openrouter", "openai/gpt-4o", { inputNoCache: 1_000, cacheRead: 4_000, output: 1_000 })).toBe(17_500_000);
  });

  it("a first-party model missing from OpenRouter's catalog falls back to the vendor's (openai/o1-preview)", () => {
    // o1-preview: 1,000 × $15 + 1,000 × $60 = 15,000,000 + 60,000,000
    const result = costOf("openrouter", "openai/o1-preview", usage({ inputNoCache: 1_000, output: 1_000 }));
    expect(result).toMatchObject({ priced: true, costNanoUsd: 75_000_000, matchedModelId: "o1-preview" });
  });

  it("a separate reasoning price, where the data has one (perplexity/sonar-deep-research)", () => {
    // 1,000 × $2 = 2,000,000; (10,000 − 6,000) × $8 = 32,000,000; 6,000 reasoning × $3 = 18,000,000
    const result = costOf("openrouter", "perplexity/sonar-deep-research", usage({ inputNoCache: 1_000, output: 10_000, reasoning: 6_000 }));
    expect(result).toMatchObject({ priced: true, costNanoUsd: 52_000_000, breakdown: { input: 2_000_000, output: 50_000_000 } });
  });

  it("a ':free' model is free, and priced", () => {
    expect(costOf("openrouter", "meta-llama/llama-3.3-70b-instruct:free", usage({ inputNoCache: 5_000, output: 5_000 }))).toMatchObject({
      priced: true,
      costNanoUsd: 0,
    });
  });
});

describe("costOf — overrides", () => {
  const llamaFree: PriceOverride = { provider: "openai-compatible", modelId: "llama3.2", price: { input: 0, output: 0 } };
  // A negotiated $2 / $8 for gpt-4o (catalog: $2.50 / $10 / $1.25 cached)
  const gpt4oDeal: PriceOverride = { provider: "openai", modelId: "gpt-4o", price: { input: 2_000_000_000, output: 8_000_000_000 } };

  it("an OpenAI-compatible model is priced only through an override: llama3.2 at $0", () => {
    const call = usage({ inputNoCache: 10_000, output: 2_000 });
    expect(costOf("openai-compatible", "llama3.2:latest", call)).toEqual({ priced: false, reason: "unknown_model" });
    expect(costOf("openai-compatible", "llama3.2:latest", call, { overrides: [llamaFree] })).toEqual({
      priced: true,
      costNanoUsd: 0,
      source: "override",
      matchedModelId: "llama3.2",
      breakdown: { input: 0, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, output: 0, tools: 0 },
      toolCostNano: 0,
      unknownRates: [],
    });
  });

  it("an override wins over the catalog: gpt-4o at a negotiated $2 / $8", () => {
    // 1,000 × $2 + 1,000 × $8 = 2,000,000 + 8,000,000 (catalog: 2,500,000 + 10,000,000)
    const result = costOf("openai", "gpt-4o", usage({ inputNoCache: 1_000, output: 1_000 }), { overrides: [gpt4oDeal] });
    expect(result).toMatchObject({ priced: true, costNanoUsd: 10_000_000, source: "override", matchedModelId: "gpt-4o" });
    expect(lookupPrice("openai", "gpt-4o", { overrides: [gpt4oDeal] })).toMatchObject({ source: "override", contextWindow: 128_000 });
  });

  it("an override applies to every spelling of its model, and only to its provider", () => {
    // gpt-4o-2024-11-20 normalises to gpt-4o: 2,000,000 + 8,000,000
    expect(cost("openai", "GPT-4o-2024-11-20", { inputNoCache: 1_000, output: 1_000 }, [gpt4oDeal])).toBe(10_000_000);
    // OpenRouter's openai/gpt-4o is another (provider, model): catalog 2,500,000 + 10,000,000
    expect(cost("openrouter", "openai/gpt-4o", { inputNoCache: 1_000, output: 1_000 }, [gpt4oDeal])).toBe(12_500_000);
    // an override stored under another spelling still matches
    const sonnet: PriceOverride = { provider: "anthropic", modelId: "Claude-Sonnet-4.5", price: { input: 1_000_000_000, output: 1_000_000_000 } };
    expect(cost("anthropic", "claude-sonnet-4-5-20250929", { inputNoCache: 1_000, output: 1_000 }, [sonnet])).toBe(2_000_000);
  });

  it("an override without cache prices bills cache tokens at its own input price", () => {
    // 1,000 × $2 + 4,000 cached × $2 + 1,000 × $8 = 2,000,000 + 8,000,000 + 8,000,000
    expect(cost("openai", "gpt-4o", { inputNoCache: 1_000, cacheRead: 4_000, output: 1_000 }, [gpt4oDeal])).toBe(18_000_000);
  });

  it("an override's tiers apply to the whole call above the threshold", () => {
    const tiered: PriceOverride = {
      provider: "openai-compatible",
      modelId: "big-model",
      price: { input: 1_000_000_000, output: 2_000_000_000, tiers: [{ above: 1_000, input: 10_000_000_000, output: 20_000_000_000 }] },
    };
    // 1,000 ≤ 1,000: 1,000 × $1 + 10 × $2 = 1,000,000 + 20,000
    expect(cost("openai-compatible", "big-model", { inputNoCache: 1_000, output: 10 }, [tiered])).toBe(1_020_000);
    // 1,001 > 1,000: 1,001 × $10 + 10 × $20 = 10,010,000 + 200,000
    expect(cost("openai-compatible", "big-model", { inputNoCache: 1_001, output: 10 }, [tiered])).toBe(10_210_000);
  });

  it("refuses an invalid override price rather than guess", () => {
    const bad: PriceOverride = { provider: "openai", modelId: "gpt-4o", price: { input: 0.5, output: 1 } };
    expect(() => costOf("openai", "gpt-4o", usage({ inputNoCache: 1 }), { overrides: [bad] })).toThrow(RangeError);
  });
});

describe("costOf — unknown models", () => {
  it.each<[ProviderId, string]>([
    ["openai", "gpt-nonexistent"],
    ["anthropic", "gpt-4o-mini"], // right model, wrong provider
    ["openai-compatible", "gpt-4o-mini"], // no catalog behind a custom endpoint, even for a known name
    ["openai-compatible", "llama3.2"],
    ["openrouter", "some-vendor/some-model"],
    ["openai", "whisper-1"], // priced per audio hour only: not meterable in tokens
    ["openai", ""],
  ])("%s %j → priced: false, never $0", (provider, modelId) => {
    expect(costOf(provider, modelId, usage({ inputNoCache: 1_000, output: 1_000 }))).toEqual({ priced: false, reason: "unknown_model" });
    expect(lookupPrice(provider, modelId)).toBeNull();
  });
});

describe("costOf — rounding", () => {
  // $0.0015/MTok = 1,500,000 n$/MTok = 1.5 n$ per token
  const fractional: PriceOverride = { provider: "openai-compatible", modelId: "tiny", price: { input: 1_500_000, output: 1_500_000 } };

  it("rounds the total once, not each bucket", () => {
    // exact: 1 × 1.5 + 1 × 1.5 = 3.0 n$ → 3. Rounding each bucket first would give 2 + 2 = 4.
    const result = costOf("openai-compatible", "tiny", usage({ inputNoCache: 1, output: 1 }), { overrides: [fractional] });
    expect(result).toMatchObject({ priced: true, costNanoUsd: 3, breakdown: { input: 2, output: 2 } });
  });

  it("rounds half up", () => {
    // $0.0025/MTok: 1 token = 2.5 n$ → 3 (half-even would give 2); 3 tokens = 7.5 n$ → 8
    const half: PriceOverride = { provider: "openai-compatible", modelId: "tiny", price: { input: 2_500_000, output: 0 } };
    expect(cost("openai-compatible", "tiny", { inputNoCache: 1 }, [half])).toBe(3);
    expect(cost("openai-compatible", "tiny", { inputNoCache: 3 }, [half])).toBe(8);
    // $0.0004/MTok: 1 token = 0.4 n$, below half → 0
    const low: PriceOverride = { provider: "openai-compatible", modelId: "tiny", price: { input: 400_000, output: 0 } };
    expect(cost("openai-compatible", "tiny", { inputNoCache: 1 }, [low])).toBe(0);
  });

  it("a catalog price with a fractional nano-dollar per token (OpenRouter google/gemini-2.5-flash cache write, $0.3833/MTok)", () => {
    // 5 × 383.3 = 1,916.5 n$ → 1,917; with 1 uncached input token (300 n$): 2,216.5 → 2,217
    expect(cost("openrouter", "google/gemini-2.5-flash", { cacheWrite: 5 })).toBe(1_917);
    expect(cost("openrouter", "google/gemini-2.5-flash", { inputNoCache: 1, cacheWrite: 5 })).toBe(2_217);
  });
});

describe("costOf — input checks", () => {
  it.each<Partial<TokenUsage>>([{ inputNoCache: -1 }, { output: 1.5 }, { cacheRead: Number.NaN }, { output: 10, reasoning: 11 }])(
    "rejects %j",
    (u) => {
      expect(() => costOf("openai", "gpt-4o-mini", usage(u))).toThrow(RangeError);
    },
  );

  it("zero tokens cost zero, and are priced", () => {
    expect(costOf("openai", "gpt-4o-mini", usage({}))).toMatchObject({ priced: true, costNanoUsd: 0 });
  });
});

describe("priceLevelFor", () => {
  it("falls back to the input price for missing cache prices and to output for reasoning", () => {
    expect(priceLevelFor({ input: 5, output: 7 }, 0)).toEqual({
      input: 5,
      output: 7,
      cacheRead: 5,
      cacheWrite: 5,
      reasoning: 7,
      cacheWrite1h: 10,
      inputAudio: undefined,
      outputAudio: undefined,
    });
  });
});

describe("cross-check against genai-prices' own float calculation", () => {
  it.each<[ProviderId, string, Partial<TokenUsage>]>([
    ["openai", "gpt-4o-mini", { inputNoCache: 1_234, cacheRead: 4_321, output: 987 }],
    ["openai", "o4-mini", { inputNoCache: 12_345, cacheRead: 6_789, output: 5_432, reasoning: 4_000 }],
    ["anthropic", "claude-sonnet-4-5", { inputNoCache: 12_345, cacheRead: 67_890, cacheWrite: 13_579, output: 2_468 }],
    ["anthropic", "claude-sonnet-4-5", { inputNoCache: 123_456, cacheRead: 67_890, cacheWrite: 13_579, output: 2_468 }],
    ["anthropic", "claude-haiku-4-5", { inputNoCache: 777, cacheRead: 3_333, cacheWrite: 1_111, output: 555 }],
    ["google", "gemini-2.5-pro", { inputNoCache: 234_567, cacheRead: 1_234, output: 8_765, reasoning: 5_000 }],
    ["openrouter", "google/gemini-2.5-flash", { inputNoCache: 3_333, cacheRead: 7_777, cacheWrite: 1_111, output: 999 }],
    ["openrouter", "perplexity/sonar-deep-research", { inputNoCache: 3_333, output: 9_999, reasoning: 7_777 }],
  ])("%s %s %j agrees within 1 nano-USD", (provider, modelId, u) => {
    const t = usage(u);
    const { lookupProvider, lookupModel } = normaliseModelId(provider, modelId);
    const reference = calcPrice(
      {
        input_tokens: t.inputNoCache + t.cacheRead + t.cacheWrite,
        cache_read_tokens: t.cacheRead,
        cache_write_tokens: t.cacheWrite,
        output_tokens: t.output,
        output_reasoning_tokens: t.reasoning,
      },
      lookupModel,
      { providerId: lookupProvider },
    );
    expect(reference).not.toBeNull();
    expect(Math.abs(cost(provider, modelId, u) - (reference?.total_price ?? 0) * 1e9)).toBeLessThanOrEqual(1);
  });
});

/*
 * Bill lines beyond text tokens, at the published rates (genai-prices 0.1.8 where it has them, else TOOL_FEES):
 *
 *   claude-sonnet-4-5 (anthropic)   5-minute cache write 3.75/MTok · 1-hour cache write 6.00/MTok (2 × input 3.00)
 *                                   (> 200k prompt: 7.50 / 12.00) · web search $10 per 1,000 · web fetch $0
 *   claude-haiku-4-5 (anthropic)    input 1.00 · 5-minute write 1.25 · 1-hour write 2.00
 *   gpt-4o-mini (openai)            web search $10 per 1,000 calls
 *   gpt-4o-audio-preview (openai)   input 2.50 · output 10.00 · no audio rate in the data
 *   gemini-2.5-flash (google)       input 0.30 · audio input 1.00 · output 2.50 · grounded prompt $35 per 1,000
 *   gemini-3-pro-preview (google)   grounding: $14 per 1,000 search queries
 */
describe("costOf — bill lines beyond text tokens", () => {
  it("claude-sonnet-4-5: 5-minute and 1-hour cache writes each at their own rate", () => {
    const result = costOf("anthropic", "claude-sonnet-4-5", usage({ inputNoCache: 1_000, cacheWrite: 3_000, cacheWrite1h: 2_000, output: 500 }));
    // 1,000 × 3,000 + 1,000 × 3,750 (5m) + 2,000 × 6,000 (1h) + 500 × 15,000 nano-USD
    expect(result).toMatchObject({ priced: true, costNanoUsd: 3_000_000 + 3_750_000 + 12_000_000 + 7_500_000 });
    expect(result.priced && result.breakdown).toMatchObject({ cacheWrite: 15_750_000, cacheWrite1h: 12_000_000 });
  });

  it("claude-haiku-4-5: 1-hour writes cost 2 × input, 5-minute writes 1.25 ×", () => {
    expect(cost("anthropic", "claude-haiku-4-5", { cacheWrite: 1_000_000, cacheWrite1h: 1_000_000 })).toBe(2_000_000_000);
    expect(cost("anthropic", "claude-haiku-4-5", { cacheWrite: 1_000_000 })).toBe(1_250_000_000);
  });

  it("a 1-hour write in a prompt over 200k tokens is billed at the long-context 1-hour rate", () => {
    expect(cost("anthropic", "claude-sonnet-4-5", { inputNoCache: 200_000, cacheWrite: 1_000, cacheWrite1h: 1_000 })).toBe(200_000 * 6_000 + 1_000 * 12_000);
  });

  it("a model without a 1-hour price bills it at 2 × input (override without cacheWrite1h)", () => {
    const overrides: PriceOverride[] = [{ provider: "anthropic", modelId: "claude-test", price: { input: 1_000_000_000, output: 1_000_000_000, cacheWrite: 1_250_000_000 } }];
    expect(cost("anthropic", "claude-test", { cacheWrite: 100, cacheWrite1h: 100 }, overrides)).toBe(200_000);
  });

  it("claude-sonnet-4-5: web searches at $10 per 1,000 and web fetches free, on top of tokens", () => {
    const result = costOf("anthropic", "claude-sonnet-4-5", usage({ inputNoCache: 1_000, output: 100, serverTools: { web_search: 3, web_fetch: 2 } }));
    expect(result).toMatchObject({ priced: true, costNanoUsd: 3_000_000 + 1_500_000 + 30_000_000, toolCostNano: 30_000_000, unknownRates: [] });
  });

  it("gpt-4o-mini: web search calls at $10 per 1,000", () => {
    expect(cost("openai", "gpt-4o-mini", { inputNoCache: 1_000, serverTools: { web_search: 1 } })).toBe(150_000 + 10_000_000);
  });

  it("gemini-2.5-flash: audio input at $1.00/MTok, text at $0.30/MTok, a grounded prompt at $35 per 1,000", () => {
    const result = costOf("google", "gemini-2.5-flash", usage({ inputNoCache: 1_000, audioInput: 400, output: 100, serverTools: { grounded_prompt: 1 } }));
    expect(result).toMatchObject({ priced: true, costNanoUsd: 600 * 300 + 400 * 1_000 + 100 * 2_500 + 35_000_000, unknownRates: [] });
  });

  it("gemini-3: a search query at $14 per 1,000", () => {
    const found = lookupPrice("google", "gemini-3-pro-preview");
    expect(found).not.toBeNull();
    const result = costOf("google", "gemini-3-pro-preview", usage({ serverTools: { web_search: 2 } }));
    expect(result).toMatchObject({ priced: true, costNanoUsd: 28_000_000, toolCostNano: 28_000_000 });
  });

  it("audio without a known audio rate is billed as text and named in unknownRates, never silently", () => {
    const result = costOf("openai", "gpt-4o-audio-preview", usage({ inputNoCache: 1_000, audioInput: 800, output: 200, audioOutput: 150 }));
    expect(result).toMatchObject({ priced: true, costNanoUsd: 1_000 * 2_500 + 200 * 10_000, unknownRates: ["audio_input", "audio_output"] });
  });

  it("a tool with no known fee is named in unknownRates and adds nothing", () => {
    const result = costOf("google", "gemini-2.5-flash", usage({ serverTools: { web_fetch: 1 } }));
    expect(result).toMatchObject({ priced: true, costNanoUsd: 0, unknownRates: ["tool:web_fetch"] });
  });

  it("refuses parts larger than their bucket", () => {
    expect(() => costOf("anthropic", "claude-sonnet-4-5", usage({ cacheWrite: 1, cacheWrite1h: 2 }))).toThrow(RangeError);
    expect(() => costOf("google", "gemini-2.5-flash", usage({ inputNoCache: 1, audioInput: 2 }))).toThrow(RangeError);
    expect(() => costOf("openai", "gpt-4o-mini", usage({ serverTools: { web_search: -1 } }))).toThrow(RangeError);
  });
});
