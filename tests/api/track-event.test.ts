import { describe, expect, it } from "vitest";
import { decimalUsdToNano, eventsOf, numberToDecimal, trackEventSchema } from "@/lib/track/event";
import { trackedUsage } from "@/lib/track/usage";

/** The pure parts of /api/track: exact USD amounts, the body's shapes, the event schema and token conventions. */

describe("cost_usd", () => {
  it("turns decimal strings into exact nano-USD and refuses more than 9 decimals or a sign", () => {
    expect(decimalUsdToNano("0")).toBe(0);
    expect(decimalUsdToNano("0.000000001")).toBe(1);
    expect(decimalUsdToNano("123.456789012")).toBe(123_456_789_012);
    expect(decimalUsdToNano("0.0000000001")).toBeNull();
    expect(decimalUsdToNano("-1")).toBeNull();
    expect(decimalUsdToNano("1e-9")).toBeNull();
    expect(decimalUsdToNano("")).toBeNull();
    expect(decimalUsdToNano("9999999999999")).toBeNull();
  });

  it("reads a JSON number as the decimal it was written as, exponents expanded", () => {
    expect(numberToDecimal(0.1)).toBe("0.1");
    expect(numberToDecimal(1e-7)).toBe("0.0000001");
    expect(numberToDecimal(1.5e-9)).toBe("0.0000000015");
    expect(numberToDecimal(2.5e21)).toBe("2500000000000000000000");
    expect(numberToDecimal(Number.NaN)).toBeNull();
    const parse = (cost_usd: unknown) => trackEventSchema.safeParse({ skill_id: "s", cost_usd });
    expect(parse(0.3).data?.cost_usd).toBe(300_000_000);
    expect(parse(1e-9).data?.cost_usd).toBe(1);
    expect(parse(1.5e-9).success).toBe(false);
    expect(parse(-0.1).success).toBe(false);
    expect(parse("  0.25 ").data?.cost_usd).toBe(250_000_000);
  });
});

describe("the body and the event", () => {
  it("takes one event, {events: […]} or a bare array", () => {
    expect(eventsOf({ skill_id: "s" })).toEqual([{ skill_id: "s" }]);
    expect(eventsOf({ events: [1, 2] })).toEqual([1, 2]);
    expect(eventsOf([1])).toEqual([1]);
    expect(eventsOf({ events: "x" })).toBeNull();
    expect(eventsOf("x")).toBeNull();
    expect(eventsOf(null)).toBeNull();
  });

  it("reads ts as ISO 8601 with a zone or Unix seconds / milliseconds", () => {
    const ts = (value: unknown) => trackEventSchema.safeParse({ skill_id: "s", ts: value }).data?.ts?.toISOString();
    expect(ts("2026-12-02T09:00:00Z")).toBe("2026-12-02T09:00:00.000Z");
    expect(ts("2026-12-02T10:00:00+01:00")).toBe("2026-12-02T09:00:00.000Z");
    expect(ts(1_796_202_000)).toBe(new Date(1_796_202_000_000).toISOString());
    expect(ts(1_796_202_000_123)).toBe(new Date(1_796_202_000_123).toISOString());
    expect(ts("2026-12-02 09:00")).toBeUndefined();
    expect(ts("2026-12-02T09:00:00")).toBeUndefined();
  });
});

describe("token conventions", () => {
  const fields = { input_tokens: 1_000, cache_read_tokens: 300, cache_write_tokens: 100, output_tokens: 200, reasoning_tokens: 80 };
  it("Anthropic: input without the cache; OpenAI-style: input with it; Gemini: output without the thoughts", () => {
    expect(trackedUsage("anthropic", fields)).toEqual({ inputNoCache: 1_000, cacheRead: 300, cacheWrite: 100, output: 200, reasoning: 80 });
    expect(trackedUsage("openai", fields)).toEqual({ inputNoCache: 600, cacheRead: 300, cacheWrite: 100, output: 200, reasoning: 80 });
    expect(trackedUsage("openai-compatible", fields)).toEqual({ inputNoCache: 600, cacheRead: 300, cacheWrite: 100, output: 200, reasoning: 80 });
    expect(trackedUsage("google", fields)).toEqual({ inputNoCache: 600, cacheRead: 300, cacheWrite: 100, output: 280, reasoning: 80 });
  });

  it("counts the cache alone as the prompt when input_tokens is missing, and refuses cache larger than the prompt", () => {
    expect(trackedUsage("openai", { cache_read_tokens: 50 })).toEqual({ inputNoCache: 0, cacheRead: 50, cacheWrite: 0, output: 0, reasoning: 0 });
    expect(trackedUsage("openai", { input_tokens: 10, cache_read_tokens: 50 })).toHaveProperty("error");
    expect(trackedUsage("anthropic", {})).toEqual({ inputNoCache: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });
    expect(trackedUsage("openai", { output_tokens: 5, reasoning_tokens: 9 })).toMatchObject({ output: 9, reasoning: 9 });
  });
});

describe("the tracked model", () => {
  it("keeps a provider we do not know in the model id, whatever its name (no prototype lookups)", async () => {
    const { trackedModel } = await import("@/lib/track/model");
    expect(trackedModel("x", "constructor", [])).toEqual({ provider: "openai-compatible", modelId: "constructor/x" });
    expect(trackedModel("x", "__proto__", [])).toEqual({ provider: "openai-compatible", modelId: "__proto__/x" });
    expect(trackedModel("gemini-2.5-flash", "Gemini", [])).toEqual({ provider: "google", modelId: "gemini-2.5-flash" });
    expect(trackedModel(undefined, undefined, [])).toEqual({ provider: "openai-compatible", modelId: "unknown" });
    expect(trackedModel("gpt-4o-mini", undefined, [])).toEqual({ provider: "openai", modelId: "gpt-4o-mini" });
  });
});
