import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { inTransaction } from "@/db/queries/transaction";
import { usageEvents, type NewUsageEvent } from "@/db/schema";
import { insertJsonText, runText } from "@/db/statement-text";
import { newUser } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

freshDatabasePerFile();

/** An event with every kind of value a column can hold: JSON, text arrays, a timestamp, nulls, and omitted defaults. */
function eventOf(userId: string, overrides: Partial<NewUsageEvent> = {}): NewUsageEvent {
  return {
    requestId: `req-${randomUUID()}`,
    userId,
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    feature: "it's \"quoted\"",
    source: "gateway",
    keySource: "user",
    inputNoCacheTokens: 1200,
    outputTokens: 345,
    cacheWriteTokens: 7,
    serverToolRequests: { web_search: 2 },
    unpricedUsageFields: ["server_tool_use.code_execution_requests", "a,b {c}"],
    costNano: 9_007_199_254_740,
    priced: true,
    costSource: "price_book",
    estimatedParts: null,
    status: "ok",
    latencyMs: 812,
    ttftMs: null,
    rawUsage: { input_tokens: 1200, nested: { text: "line\nbreak" } },
    metadata: null,
    startedAt: new Date("2026-03-04T05:06:07.891Z"),
    ...overrides,
  };
}

/** A stored event's columns, without what the database chose (its id and creation time). */
async function stored(requestId: string) {
  const [row] = await (await getDb()).select().from(usageEvents).where(eq(usageEvents.requestId, requestId));
  const { id, createdAt, ...rest } = row!;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(createdAt).toBeInstanceOf(Date);
  return rest;
}

describe("insertJsonText (a multi-row insert as text with the rows as one JSON parameter, for the usage recorder's hot path)", () => {
  it("stores exactly what drizzle's own insert stores, value for value", async () => {
    const user = await newUser("text-insert");
    const viaText = eventOf(user.id);
    const viaDrizzle = { ...eventOf(user.id), requestId: `req-${randomUUID()}` };
    const { text, json } = insertJsonText(usageEvents, [viaText], "$1");
    await runText(await getDb(), text, [json]);
    await (await getDb()).insert(usageEvents).values(viaDrizzle);

    const a = await stored(viaText.requestId);
    const b = await stored(viaDrizzle.requestId);
    expect({ ...a, requestId: "" }).toEqual({ ...b, requestId: "" });
    expect(a).toMatchObject({
      feature: "it's \"quoted\"",
      serverToolRequests: { web_search: 2 },
      unpricedUsageFields: ["server_tool_use.code_execution_requests", "a,b {c}"],
      costNano: 9_007_199_254_740,
      startedAt: new Date("2026-03-04T05:06:07.891Z"),
      rawUsage: { input_tokens: 1200, nested: { text: "line\nbreak" } },
      ttftMs: null,
      cacheReadTokens: 0, // omitted: the column's default
      estimated: false,
    });
  });

  it("takes one parameter for any number of rows, runs inside a transaction and returns the RETURNING rows", async () => {
    const user = await newUser("text-insert");
    const events = [eventOf(user.id), eventOf(user.id, { costNano: null, priced: false, costSource: "unpriced" }), eventOf(user.id, { feature: "x".repeat(2000) })];
    const { text, json } = insertJsonText(usageEvents, events, "$1", `on conflict do nothing returning ${usageEvents.requestId.name}`);
    expect(text.match(/\$\d+/g)).toEqual(["$1"]);

    const returned = await inTransaction((tx) => runText(tx, text, [json]));
    expect(returned.map((r) => r.request_id).sort()).toEqual(events.map((e) => e.requestId).sort());
    // The same rows again: the conflict skips them and nothing is returned.
    expect(await runText(await getDb(), text, [json])).toEqual([]);
    expect((await stored(events[1]!.requestId)).costNano).toBeNull();
    expect((await stored(events[2]!.requestId)).feature).toHaveLength(2000);
  });

  it("refuses a column some rows leave to a default only the database computes", () => {
    const rows = [eventOf(randomUUID(), { createdAt: new Date() }), eventOf(randomUUID())];
    expect(() => insertJsonText(usageEvents, rows, "$1")).toThrow(/created_at/);
  });

  it("writes nothing when the transaction it runs in rolls back", async () => {
    const user = await newUser("text-insert");
    const event = eventOf(user.id);
    const { text, json } = insertJsonText(usageEvents, [event], "$1");
    await expect(
      inTransaction(async (tx) => {
        await runText(tx, text, [json]);
        throw new Error("simulated");
      }),
    ).rejects.toThrow("simulated");
    expect(await (await getDb()).select().from(usageEvents).where(eq(usageEvents.requestId, event.requestId))).toEqual([]);
  });
});
