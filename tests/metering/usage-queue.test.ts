import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as recorder from "@/lib/usage/recorder";
import type { UsageRecord } from "@/lib/usage/recorder";
import { createConversation, deleteConversation } from "@/db/queries/conversations";
import { drainUsageQueue, enqueueUsage, flushUsageQueue, queuedUsageRows, usageQueue } from "@/lib/usage/usage-queue";
import { newUser } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/**
 * The usage queue against a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): many concurrent callers'
 * records are group-committed in a few transactions and end up as exactly the right events, rollups and ledger spend;
 * a failing group falls back to each caller's records alone, so one bad record loses nothing else.
 */

const db = freshDatabasePerFile();

afterEach(() => {
  vi.restoreAllMocks();
  usageQueue.intervalMs = 5;
  usageQueue.backgroundMs = 50;
  usageQueue.maxRows = 500;
});

const AT = new Date("2027-04-15T12:00:00.000Z");

function record(userId: string, costNano: number, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId: `queue-${randomUUID()}`,
    userId,
    provider: "openai",
    model: "gpt-4o-mini",
    feature: "api",
    source: "gateway",
    keySource: "user",
    usage: { inputNoCache: 10, cacheRead: 0, cacheWrite: 0, output: 20, reasoning: 0 },
    costNano,
    costSource: "price_book",
    estimated: false,
    status: "ok",
    latencyMs: 3,
    startedAt: AT,
    finishedAt: AT,
    ...overrides,
  };
}

async function totals(userId: string) {
  const result = (await db.current().db.execute(sql`
    select
      (select count(*) from usage_events where user_id = ${userId}) as events,
      (select coalesce(sum(cost_nano), 0) from usage_events where user_id = ${userId}) as event_sum,
      (select coalesce(sum(requests), 0) from usage_daily where user_id = ${userId}) as rollup_requests,
      (select coalesce(sum(cost_nano), 0) from usage_daily where user_id = ${userId}) as rollup_sum,
      (select coalesce(sum(spent_nano), 0) from budget_ledger where user_id = ${userId} and period_kind = 'month') as month_spent,
      (select coalesce(sum(spent_nano), 0) from budget_ledger where user_id = ${userId} and period_kind = 'day') as day_spent,
      (select coalesce(sum(tokens_used), 0) from budget_ledger where user_id = ${userId} and period_kind = 'month') as month_tokens
  `)) as unknown as { rows: Record<string, string>[] };
  const row = result.rows[0]!;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

describe("usage queue (group commits)", () => {
  it("stores 300 concurrent callers' records for 3 users as exactly the right rows and ledger spend, in a few transactions", async () => {
    const users = [await newUser("q1"), await newUser("q2"), await newUser("q3")];
    const writes = vi.spyOn(recorder, "writeUsageOnce");
    // Costs with odd nano-USD amounts: the sums must be exact.
    const records = Array.from({ length: 300 }, (_, i) => record(users[i % 3]!.id, 1_000_003 + i * 7));
    await Promise.all(records.map((r) => enqueueUsage([r])));
    expect(queuedUsageRows()).toBe(0);
    // Grouped: far fewer transactions than records (300 callers, at most 500 rows a flush).
    expect(writes.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(writes.mock.calls.length).toBeLessThan(30);
    expect(writes.mock.calls.reduce((n, [rows]) => n + rows.length, 0)).toBe(300);

    for (const user of users) {
      const mine = records.filter((r) => r.userId === user.id);
      const sum = mine.reduce((s, r) => s + r.costNano!, 0);
      expect(await totals(user.id)).toEqual({
        events: 100,
        event_sum: sum,
        rollup_requests: 100,
        rollup_sum: sum,
        month_spent: sum,
        day_spent: sum,
        month_tokens: 100 * 30,
      });
    }
  }, 120_000);

  it("flushes at maxRows without waiting for the timer, and flushUsageQueue writes what is queued at once", async () => {
    const user = await newUser("q4");
    usageQueue.intervalMs = 60_000; // the timer would never fire during this test
    usageQueue.maxRows = 10;
    const full = Promise.all(Array.from({ length: 10 }, () => enqueueUsage([record(user.id, 5)])));
    await full; // reached maxRows: flushed without the timer
    const pending = enqueueUsage([record(user.id, 7)]);
    expect(queuedUsageRows()).toBe(1);
    await flushUsageQueue();
    await pending;
    expect(await totals(user.id)).toMatchObject({ events: 11, event_sum: 57, month_spent: 57 });
  });

  it("records nobody waits for wait for the longer window, and go with the first record someone waits for", async () => {
    const user = await newUser("queue-background");
    const writes = vi.spyOn(recorder, "writeUsageOnce");
    usageQueue.intervalMs = 20;
    usageQueue.backgroundMs = 400;
    const started = performance.now();
    const background = enqueueUsage([record(user.id, 1_000)], [], { background: true });
    await new Promise((resolve) => setTimeout(resolve, 60));
    // Past the interval, the background record still waits.
    expect(queuedUsageRows()).toBe(1);
    expect(writes).not.toHaveBeenCalled();
    // A record someone waits for is written within the interval, with the background one in the same commit.
    await Promise.all([enqueueUsage([record(user.id, 2_000)]), background]);
    expect(performance.now() - started).toBeLessThan(400);
    expect(writes).toHaveBeenCalledTimes(1);
    expect(writes.mock.calls[0]![0]).toHaveLength(2);
    // Alone, a background record is written once its window has passed.
    const alone = performance.now();
    await enqueueUsage([record(user.id, 3_000)], [], { background: true });
    expect(performance.now() - alone).toBeGreaterThanOrEqual(395);
    expect(await totals(user.id)).toMatchObject({ events: 3, event_sum: 6_000, month_spent: 6_000 });
  });

  it("a record stored again (same request id) is counted once", async () => {
    const user = await newUser("q5");
    const once = record(user.id, 1_234_567);
    await Promise.all([enqueueUsage([once]), enqueueUsage([{ ...once }])]);
    await enqueueUsage([{ ...once }]);
    expect(await totals(user.id)).toMatchObject({ events: 1, event_sum: 1_234_567, month_spent: 1_234_567 });
  });

  it("when a group fails, writes each caller's records alone: a bad record fails its own caller only, nothing else is lost", async () => {
    const user = await newUser("q6");
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const good = Array.from({ length: 20 }, (_, i) => record(user.id, 100 + i));
    // A user that does not exist: its event violates the foreign key and fails any transaction it is part of.
    const bad = record(randomUUID(), 999);
    const outcomes = await Promise.allSettled([...good.slice(0, 10).map((r) => enqueueUsage([r])), enqueueUsage([bad]), ...good.slice(10).map((r) => enqueueUsage([r]))]);
    expect(outcomes.filter((o) => o.status === "rejected")).toHaveLength(1);
    expect(outcomes[10]!.status).toBe("rejected");
    const sum = good.reduce((s, r) => s + r.costNano!, 0);
    expect(await totals(user.id)).toMatchObject({ events: 20, event_sum: sum, rollup_sum: sum, month_spent: sum, day_spent: sum });
  }, 30_000);

  it("drainUsageQueue writes everything queued", async () => {
    const user = await newUser("q7");
    usageQueue.intervalMs = 60_000;
    const pending = Promise.all(Array.from({ length: 25 }, (_, i) => enqueueUsage([record(user.id, 10 + i)])));
    expect(queuedUsageRows()).toBe(25);
    await drainUsageQueue();
    await pending;
    expect(queuedUsageRows()).toBe(0);
    expect(await totals(user.id)).toMatchObject({ events: 25, event_sum: 25 * 10 + 300, month_spent: 25 * 10 + 300 });
  });
  it("writes the rows that belong with the usage (an answer, a title) in the same commit, and only where they may be", async () => {
    const user = await newUser("q8");
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const conversation = async (title: string | null = null) => {
      const id = randomUUID();
      await createConversation({ id, userId: user.id, model: "openai:gpt-4o-mini", assistantId: null });
      if (title) await db.current().db.execute(sql`update conversations set title = ${title} where id = ${id}`);
      return id;
    };
    const [chat, titled, named, gone] = [await conversation(), await conversation(), await conversation("Named by the user"), await conversation()];
    await deleteConversation({ id: gone, userId: user.id });
    const answer = (conversationId: string, text: string) => ({
      kind: "message" as const,
      id: randomUUID(),
      conversationId,
      role: "assistant" as const,
      parts: [{ type: "text", text }],
      metadata: { costNano: 5 },
    });
    const [stored, lost] = [answer(chat, "The answer."), answer(gone, "Nobody will read this.")];
    usageQueue.intervalMs = 60_000;
    const writes = Promise.all([
      enqueueUsage([record(user.id, 5, { conversationId: chat })], [stored]),
      enqueueUsage([record(user.id, 7)], [{ kind: "title", conversationId: titled, title: "A generated title" }]),
      enqueueUsage([record(user.id, 11)], [{ kind: "title", conversationId: named, title: "Not this one" }]),
      // The conversation was deleted while its answer streamed: the answer is left out, its usage is kept.
      enqueueUsage([record(user.id, 13)], [lost]),
    ]);
    const transactions = vi.spyOn(recorder, "writeUsageOnce");
    await flushUsageQueue();
    await writes;
    expect(transactions).toHaveBeenCalledTimes(1);
    const rows = (await db.current().db.execute(sql`
      select (select count(*) from messages where id = ${stored.id} and conversation_id = ${chat} and parts->0->>'text' = 'The answer.') as stored,
             (select count(*) from messages where id = ${lost.id}) as lost,
             (select title from conversations where id = ${titled}) as titled,
             (select title from conversations where id = ${named}) as named`)) as unknown as { rows: Record<string, unknown>[] };
    expect(rows.rows[0]).toEqual({ stored: expect.anything(), lost: expect.anything(), titled: "A generated title", named: "Named by the user" });
    expect(Number(rows.rows[0]!.stored)).toBe(1);
    expect(Number(rows.rows[0]!.lost)).toBe(0);
    expect(await totals(user.id)).toMatchObject({ events: 4, event_sum: 36, month_spent: 36 });
  });
});
