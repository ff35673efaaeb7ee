import { describe, expect, it } from "vitest";
import { formatModelRef, parseModelRef } from "./model-ref";

const endpoint = "3f0c2a9e-5b7d-4c1e-9a8b-0123456789ab";

describe("model refs", () => {
  it.each([
    ["openai:gpt-4o-mini", { provider: "openai", modelId: "gpt-4o-mini" }],
    ["openrouter:anthropic/claude-sonnet-4.5", { provider: "openrouter", modelId: "anthropic/claude-sonnet-4.5" }],
    [`openai-compatible:${endpoint}:llama3.2:latest`, { provider: "openai-compatible", endpointId: endpoint, modelId: "llama3.2:latest" }],
  ])("%s", (text, ref) => {
    expect(parseModelRef(text)).toEqual(ref);
    expect(formatModelRef(parseModelRef(text)!)).toBe(text);
  });

  it.each(["gpt-4o-mini", "mistral:large", "openai:", "openai-compatible:not-a-uuid:llama3", "openai:has space"])(
    "refuses %j",
    (text) => {
      expect(parseModelRef(text)).toBeNull();
    },
  );
});
