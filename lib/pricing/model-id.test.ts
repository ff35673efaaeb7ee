import { describe, expect, it } from "vitest";
import { catalogCandidates, normaliseModelId, type ProviderId } from "./model-id";

describe("normaliseModelId", () => {
  it.each<[ProviderId, string, string]>([
    // case and whitespace
    ["openai", "  GPT-4o-Mini ", "gpt-4o-mini"],
    // date suffixes → the base model
    ["openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"],
    ["anthropic", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5"],
    ["anthropic", "claude-sonnet-4-5@20250929", "claude-sonnet-4-5"],
    ["anthropic", "claude-haiku-4-5-20251001", "claude-haiku-4-5"],
    // Claude: dotted ≡ dashed, Anthropic's dashed spelling is canonical
    ["anthropic", "claude-sonnet-4.5", "claude-sonnet-4-5"],
    ["anthropic", "claude-haiku-4.5", "claude-haiku-4-5"],
    ["anthropic", "claude-3.5-haiku", "claude-3-5-haiku"],
    ["anthropic", "Claude-Sonnet-4.5-20250929", "claude-sonnet-4-5"],
    // other families keep their dots: those are the real names
    ["openai", "gpt-4.1", "gpt-4.1"],
    ["openai", "gpt-4.1-2025-04-14", "gpt-4.1"],
    ["google", "gemini-2.5-flash", "gemini-2.5-flash"],
    ["google", "models/gemini-2.5-pro", "gemini-2.5-pro"],
    // a preview tag is not a date suffix (different model, different price)
    ["google", "gemini-2.5-flash-preview-05-20", "gemini-2.5-flash-preview-05-20"],
    // OpenRouter keeps the vendor prefix, normalises the rest
    ["openrouter", "openai/gpt-4o-mini", "openai/gpt-4o-mini"],
    ["openrouter", "anthropic/claude-sonnet-4.5", "anthropic/claude-sonnet-4-5"],
    ["openrouter", "Anthropic/Claude-Sonnet-4.5-20250929", "anthropic/claude-sonnet-4-5"],
    ["openrouter", "google/gemini-2.5-flash", "google/gemini-2.5-flash"],
    ["openrouter", "meta-llama/llama-3.3-70b-instruct:free", "meta-llama/llama-3.3-70b-instruct:free"],
    // Ollama: ":latest" is the default tag, other tags are other models
    ["openai-compatible", "llama3.2:latest", "llama3.2"],
    ["openai-compatible", "LLaMA3.2", "llama3.2"],
    ["openai-compatible", "qwen2.5-coder:7b", "qwen2.5-coder:7b"],
  ])("%s %j → %j", (provider, modelId, expected) => {
    expect(normaliseModelId(provider, modelId).modelId).toBe(expected);
    expect(normaliseModelId(provider, modelId).provider).toBe(provider);
  });

  it("is idempotent", () => {
    for (const [provider, id] of [
      ["anthropic", "claude-sonnet-4.5-20250929"],
      ["openrouter", "anthropic/claude-3.5-sonnet:beta"],
      ["openai-compatible", "llama3.2:latest"],
      ["openai", "gpt-4o-mini-2024-07-18"],
    ] as const) {
      const once = normaliseModelId(provider, id).modelId;
      expect(normaliseModelId(provider, once).modelId).toBe(once);
    }
  });

  it("names the first genai-prices look-up", () => {
    expect(normaliseModelId("openrouter", "anthropic/claude-sonnet-4.5")).toEqual({
      provider: "openrouter",
      modelId: "anthropic/claude-sonnet-4-5",
      lookupProvider: "openrouter",
      lookupModel: "anthropic/claude-sonnet-4.5",
    });
    expect(normaliseModelId("anthropic", "claude-sonnet-4-5-20250929")).toEqual({
      provider: "anthropic",
      modelId: "claude-sonnet-4-5",
      lookupProvider: "anthropic",
      lookupModel: "claude-sonnet-4-5-20250929",
    });
  });
});

describe("catalogCandidates", () => {
  it("tries the id as sent, then the canonical id", () => {
    expect(catalogCandidates("openai", "gpt-4o-2024-05-13")).toEqual([
      { provider: "openai", model: "gpt-4o-2024-05-13" },
      { provider: "openai", model: "gpt-4o" },
    ]);
    expect(catalogCandidates("openai", "gpt-4o-mini")).toEqual([{ provider: "openai", model: "gpt-4o-mini" }]);
  });

  it("routes OpenRouter ids to OpenRouter's catalog first (in its dotted spelling), then to the vendor's", () => {
    expect(catalogCandidates("openrouter", "anthropic/claude-sonnet-4-5-20250929")).toEqual([
      { provider: "openrouter", model: "anthropic/claude-sonnet-4-5-20250929" },
      { provider: "openrouter", model: "anthropic/claude-sonnet-4.5" },
      { provider: "anthropic", model: "claude-sonnet-4-5-20250929" },
      { provider: "anthropic", model: "claude-sonnet-4-5" },
    ]);
    expect(catalogCandidates("openrouter", "anthropic/claude-3-5-haiku")[1]).toEqual({
      provider: "openrouter",
      model: "anthropic/claude-3.5-haiku",
    });
  });

  it("never falls back to a vendor's list price for a ':variant' or a third-party vendor", () => {
    expect(catalogCandidates("openrouter", "openai/gpt-oss-20b:free")).toEqual([{ provider: "openrouter", model: "openai/gpt-oss-20b:free" }]);
    expect(catalogCandidates("openrouter", "meta-llama/llama-3.3-70b-instruct")).toEqual([
      { provider: "openrouter", model: "meta-llama/llama-3.3-70b-instruct" },
    ]);
  });

  it("has no catalog for OpenAI-compatible endpoints", () => {
    expect(catalogCandidates("openai-compatible", "gpt-4o-mini")).toEqual([]);
    expect(catalogCandidates("openai-compatible", "llama3.2:latest")).toEqual([]);
  });
});
