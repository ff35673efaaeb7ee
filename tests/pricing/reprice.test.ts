import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { upsertPriceOverride } from "@/db/queries/prices";
import { usageDaily, usageEvents, type UsageSource } from "@/db/schema";
import { repriceUnpricedUsage } from "@/lib/pricing/reprice";
import { recordUsage } from "@/lib/usage/recorder";
import { newUser } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

const db = freshDatabasePerFile();

async function recordUnpriced(userId: string, model: string, source: UsageSource) {
  const now = new Date();
  await recordUsage([
    {
      requestId: `reprice-${randomUUID()}`,
      userId,
      provider: "openai-compatible",
      model,
      feature: "chat",
      source,
      keySource: "user",
      usage: { inputNoCache: 1_000, cacheRead: 0, cacheWrite: 0, output: 2_000, reasoning: 0 },
      costNano: null,
      costSource: "unpriced",
      estimated: false,
      status: "ok",
      latencyMs: 5,
      startedAt: now,
      finishedAt: now,
    },
  ]);
}

describe("repricing unpriced usage", () => {
  it("adds each event's new cost to its own daily rollup only, whatever the source", async () => {
    const user = await newUser();
    const model = `lab-${randomUUID().slice(0, 8)}`;
    await recordUnpriced(user.id, model, "chat");
    await recordUnpriced(user.id, model, "gateway");
    // $0.10 in, $0.20 out per MTok: 1,000×100 + 2,000×200 = 500,000 nano-USD per event.
    await upsertPriceOverride({
      provider: "openai-compatible",
      modelId: model,
      inputNanoPerMTok: 100_000_000,
      outputNanoPerMTok: 200_000_000,
      cacheReadNanoPerMTok: null,
      cacheWriteNanoPerMTok: null,
      note: null,
      updatedBy: null,
    });

    expect(await repriceUnpricedUsage({ provider: "openai-compatible" })).toMatchObject({ repriced: 2, stillUnpriced: 0 });

    const events = await db.current().db.select().from(usageEvents).where(eq(usageEvents.model, model));
    expect(events.map((e) => [e.source, e.costNano, e.priced])).toEqual(
      expect.arrayContaining([
        ["chat", 500_000, true],
        ["gateway", 500_000, true],
      ]),
    );
    const rollups = await db.current().db.select().from(usageDaily).where(and(eq(usageDaily.userId, user.id), eq(usageDaily.model, model)));
    expect(rollups.map((r) => [r.source, r.costNano, r.unpricedRequests]).sort()).toEqual([
      ["chat", 500_000, 0],
      ["gateway", 500_000, 0],
    ]);
    // A second run finds nothing left to price.
    expect(await repriceUnpricedUsage({ provider: "openai-compatible" })).toEqual({ repriced: 0, stillUnpriced: 0 });
  });
});
