import { describe, expect, it, vi } from "vitest";
import type { LanguageModel } from "ai";
import * as priceBook from "@/lib/pricing/price-book";
import type { ResolvedModel } from "@/lib/providers/resolve-model";
import { meteredCall } from "@/lib/usage/metered-call";

/** The metered call on its own (no database, no upstream): estimates, records, prices, step numbering. */

const target = (provider: ResolvedModel["provider"], modelId: string): ResolvedModel => ({ model: {} as LanguageModel, provider, modelId, keySource: "user" });
const context = { userId: "00000000-0000-4000-8000-000000000001", feature: "chat", source: "chat" as const, overrides: [], enforceBudget: false, requestId: "req-1" };
const usage = (input: number, output: number, raw?: unknown) => ({ inputTokens: { total: input }, outputTokens: { total: output }, raw });

describe("a metered call", () => {
  it("estimates a step's most cost from the price it looked up: input, dearest cache write, per-request tool fees", () => {
    const call = meteredCall(target("anthropic", "claude-sonnet-4-5"), context);
    // claude-sonnet-4-5: $3 in, $3.75 5-minute writes, $6 1-hour writes, $15 out per million; web search $10 per 1,000.
    const plain = call.estimate({ promptTokens: 1_000, maxOutputTokens: 500 });
    expect(plain).toMatchObject({ inputTokens: 1_000, inputCostNano: 3_000_000, outputNanoPerMTok: 15_000_000_000, maxOutputTokens: 500 });
    expect(call.estimate({ promptTokens: 1_000, maxOutputTokens: 500, cacheWrite: "5m" }).inputCostNano).toBe(3_750_000);
    expect(call.estimate({ promptTokens: 1_000, maxOutputTokens: 500, cacheWrite: "1h" }).inputCostNano).toBe(6_000_000);
    expect(call.estimate({ promptTokens: 1_000, maxOutputTokens: 500, serverTools: { web_search: 3 } }).inputCostNano).toBe(3_000_000 + 3 * 10_000_000);
    // An unpriced model: no cost to hold, only tokens.
    expect(meteredCall(target("openai-compatible", "my-local-model"), context).estimate({ promptTokens: 10, maxOutputTokens: 5 })).toMatchObject({ inputCostNano: null, outputNanoPerMTok: null });
  });

  it("prices every step once, at the price looked up when the call was made", () => {
    const lookups = vi.spyOn(priceBook, "lookupPrice");
    const call = meteredCall(target("openai", "gpt-4o-mini"), context);
    for (const n of [1, 2, 3]) {
      call.beginStep();
      call.endStep(call.recordOf({ reservation: null, promptTokens: 10, startedAt: Date.now() }, { usage: usage(1_000 * n, 100), status: "ok", partialText: "", ttftMs: 5 }));
    }
    expect(lookups).toHaveBeenCalledTimes(1);
    lookups.mockRestore();
    // 1,000 × 150 + 100 × 600; then 2,000 and 3,000 input tokens.
    expect(call.records.map((r) => r.costNano)).toEqual([210_000, 360_000, 510_000]);
    expect(call.records.map((r) => r.requestId)).toEqual(["req-1:0", "req-1:1", "req-1:2"]);
    expect(call.totals()).toMatchObject({ inputTokens: 6_000, outputTokens: 300, costNano: 1_080_000, priced: true, estimated: false });
  });

  it("records a refusal before any answer as nothing used, and a broken stream as estimated from what was seen", () => {
    const call = meteredCall(target("openai", "gpt-4o-mini"), context);
    const refused = call.recordOf({ reservation: null, promptTokens: 50, startedAt: Date.now() }, { status: "error", partialText: "", ttftMs: null, error: Object.assign(new Error("rate limited"), { statusCode: 429 }) });
    expect(refused).toMatchObject({ usage: { inputNoCache: 0, output: 0 }, costNano: 0, estimated: false, errorMessage: "429: rate limited", source: "chat" });
    const broken = call.recordOf({ reservation: null, promptTokens: 50, startedAt: Date.now() }, { status: "error", partialText: "Hello there, this was cut", ttftMs: 12 });
    expect(broken.estimatedParts).toEqual(["input", "output"]);
    expect(broken.usage.inputNoCache).toBe(50);
    expect(broken.usage.output).toBeGreaterThan(0);
    // With the input the provider reported before breaking, only the output is estimated.
    const partial = call.recordOf({ reservation: null, promptTokens: 50, startedAt: Date.now() }, { status: "error", partialText: "cut", ttftMs: 12, partial: { inputNoCache: 70, cacheRead: 30, cacheWrite: 0 } });
    expect(partial).toMatchObject({ estimatedParts: ["output"], usage: { inputNoCache: 70, cacheRead: 30 } });
  });

  it("shares its records and step numbers with the delegates it starts, each with its own model and tags", () => {
    const call = meteredCall(target("openai", "gpt-4o-mini"), { ...context, messageId: "m-1", conversationId: "00000000-0000-4000-8000-000000000002" });
    const delegate = call.delegate(target("anthropic", "claude-sonnet-4-5"), { feature: "assistant:Research", assistantId: "00000000-0000-4000-8000-000000000003" });
    call.beginStep();
    delegate.beginStep();
    delegate.endStep(delegate.recordOf({ reservation: null, promptTokens: 5, startedAt: Date.now() }, { usage: usage(100, 10), status: "ok", partialText: "", ttftMs: 1 }));
    call.endStep(call.recordOf({ reservation: null, promptTokens: 5, startedAt: Date.now() }, { usage: usage(100, 10), status: "ok", partialText: "", ttftMs: 1 }));
    expect(call.records).toHaveLength(2);
    expect(delegate.records).toBe(call.records);
    expect(call.records[0]).toMatchObject({ requestId: "req-1:0", provider: "anthropic", feature: "assistant:Research", messageId: null, conversationId: "00000000-0000-4000-8000-000000000002" });
    expect(call.records[1]).toMatchObject({ requestId: "req-1:1", provider: "openai", feature: "chat", messageId: "m-1" });
  });

  it("knows when every step has ended", async () => {
    const call = meteredCall(target("openai", "gpt-4o-mini"), context);
    call.beginStep();
    let idle = false;
    const waiting = call.idle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    call.endStep(null);
    await waiting;
    expect(idle).toBe(true);
  });
});
