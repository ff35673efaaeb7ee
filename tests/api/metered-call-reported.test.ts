import { describe, expect, it } from "vitest";
import type { ResolvedModel } from "@/lib/providers/resolve-model";
import { meteredCall } from "@/lib/usage/metered-call";
import { toEventRow } from "@/lib/usage/recorder";

/** The metered call's parts /api/track and the gateway rely on, without a database: app tags on every record, and reported usage. */

const target = (provider: ResolvedModel["provider"], modelId: string): ResolvedModel => ({ model: `${provider}:${modelId}`, provider, modelId, keySource: "user" });
const context = {
  userId: "00000000-0000-4000-8000-000000000001",
  feature: "api",
  source: "track" as const,
  overrides: [],
  enforceBudget: false,
  requestId: "req-9",
  apiTokenId: "00000000-0000-4000-8000-0000000000aa",
  skill: "pdf-summary",
  sessionTag: "sess-1",
};
const tokens = { inputNoCache: 1_000, cacheRead: 0, cacheWrite: 0, output: 100, reasoning: 0 };

describe("metered call: tags and reported usage", () => {
  it("copies the token, skill and session into a step's record (the gateway's path) and into the stored row", () => {
    const call = meteredCall(target("openai", "gpt-4o-mini"), { ...context, source: "gateway" });
    const record = call.recordOf({ reservation: null, promptTokens: 10, startedAt: Date.now() }, { usage: { inputTokens: { total: 10 }, outputTokens: { total: 1 } }, status: "ok", partialText: "", ttftMs: 3 });
    expect(record).toMatchObject({ apiTokenId: context.apiTokenId, skill: "pdf-summary", sessionTag: "sess-1", source: "gateway" });
    expect(toEventRow(record)).toMatchObject({ apiTokenId: context.apiTokenId, skill: "pdf-summary", sessionTag: "sess-1", toolName: null, eventId: null, metadata: null, reportedCostNano: null });
  });

  it("records reported usage priced once at the call's price, or at the reported cost marked provider; unknown models unpriced", () => {
    const finishedAt = new Date("2026-12-02T09:00:00Z");
    const startedAt = new Date(finishedAt.getTime() - 1_200);
    const priced = meteredCall(target("openai", "gpt-4o-mini"), context);
    const record = priced.recordReported({ usage: tokens, startedAt, finishedAt, toolName: "Read", eventId: "e-1", metadata: { a: 1 } });
    // 1,000 × 150 + 100 × 600 nano-USD.
    expect(record).toMatchObject({ costNano: 210_000, costSource: "price_book", status: "ok", latencyMs: 1_200, reservationId: null, requestId: "req-9:0", toolName: "Read", eventId: "e-1", skill: "pdf-summary" });
    expect(priced.records).toEqual([record]);
    expect(toEventRow(record)).toMatchObject({ eventId: "e-1", toolName: "Read", metadata: { a: 1 }, createdAt: finishedAt, startedAt, priced: true });

    const reported = priced.recordReported({ usage: tokens, startedAt, finishedAt, reportedCostNano: 123, status: "error" });
    expect(reported).toMatchObject({ costNano: 123, reportedCostNano: 123, costSource: "provider", status: "error", requestId: "req-9:1" });

    const unknown = meteredCall(target("openai-compatible", "my-model"), context).recordReported({ usage: tokens, startedAt, finishedAt });
    expect(unknown).toMatchObject({ costNano: null, costSource: "unpriced" });
    expect(toEventRow(unknown).priced).toBe(false);
  });
});
