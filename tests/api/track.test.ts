import { and, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { notifications, usageDaily, usageEvents } from "@/db/schema";
import { upsertBudget } from "@/db/queries/settings";
import { clearApiTokenCache } from "@/lib/api-tokens/authenticate";
import { revokeOwnApiToken } from "@/lib/api-tokens/tokens";
import { costOf } from "@/lib/pricing/price-book";
import { getBudgetOverview } from "@/lib/settings/budget";
import { session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";
import { extraToken, postJson, userWithToken } from "./track-support";

/**
 * POST /api/track against a real database: single events and batches, idempotent retries (event_id), a bad event
 * rejected alone, size limits, token scopes and revocation, exact reported costs, the token conventions per provider,
 * and tracked spend in the rollups, the budget ledger and budget alerts.
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const { POST: track } = await import("@/app/api/track/route");

const db = freshDatabasePerFile();

interface TrackAnswer {
  accepted: number;
  duplicates: number;
  rejected: { index: number; code: string; message: string }[];
  budget: { allowed: boolean; remaining_nano: number | null; reason: string | null; limits: unknown[] };
}

async function send(body: unknown, token?: string, headers?: Record<string, string>) {
  const response = await track(postJson("/api/track", body, token, headers));
  return { status: response.status, headers: response.headers, body: (await response.json()) as TrackAnswer & { error?: { code: string; message: string } } };
}

const eventsOf = (userId: string) => db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, userId));

beforeEach(() => {
  clearApiTokenCache();
  session.current = null;
});

describe("POST /api/track: what is stored", () => {
  it("stores one event as a tracked usage event of the token, priced once from the price book", async () => {
    const { user, token, tokenId } = await userWithToken(["track"]);
    const ts = new Date(Date.now() - 60_000);
    const { status, body } = await send(
      {
        event_id: "evt-1",
        skill_id: "pdf-summary",
        tool_name: "Read",
        ts: ts.toISOString(),
        model_name: "gpt-4o-mini",
        input_tokens: 1_200,
        cache_read_tokens: 200,
        output_tokens: 300,
        reasoning_tokens: 50,
        latency_ms: 1_500,
        session_id: "sess-42",
        metadata: { repo: "spendboard", attempt: 1 },
      },
      token,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] });
    const [event] = await eventsOf(user.id);
    const usage = { inputNoCache: 1_000, cacheRead: 200, cacheWrite: 0, output: 300, reasoning: 50 };
    const price = costOf("openai", "gpt-4o-mini", usage);
    expect(price.priced).toBe(true);
    expect(event).toMatchObject({
      source: "track",
      apiTokenId: tokenId,
      provider: "openai",
      model: "gpt-4o-mini",
      feature: "api",
      skill: "pdf-summary",
      toolName: "Read",
      sessionTag: "sess-42",
      eventId: "evt-1",
      metadata: { repo: "spendboard", attempt: 1 },
      inputNoCacheTokens: 1_000,
      cacheReadTokens: 200,
      outputTokens: 300,
      reasoningTokens: 50,
      costNano: price.priced ? price.costNanoUsd : -1,
      costSource: "price_book",
      priced: true,
      reportedCostNano: null,
      status: "ok",
      latencyMs: 1_500,
      keySource: "user",
    });
    expect(event!.createdAt.getTime()).toBe(ts.getTime());
    expect(event!.startedAt.getTime()).toBe(ts.getTime() - 1_500);
    // The rollup has it under source track.
    const [rollup] = await db.current().db.select().from(usageDaily).where(and(eq(usageDaily.userId, user.id), eq(usageDaily.source, "track")));
    expect(rollup).toMatchObject({ requests: 1, costNano: event!.costNano, inputNoCacheTokens: 1_000, cacheReadTokens: 200, outputTokens: 300, feature: "api" });
  });

  it("tags the feature from the event, else the token's default feature, else api", async () => {
    const { user, token } = await userWithToken(["track"], "ci-bot");
    await send({ events: [{ skill_id: "a" }, { skill_id: "b", feature: "nightly" }] }, token);
    const features = (await eventsOf(user.id)).map((e) => `${e.skill}:${e.feature}`).sort();
    expect(features).toEqual(["a:ci-bot", "b:nightly"]);
  });

  it("counts a payload without token fields as a use of its skill: model unknown, nothing charged", async () => {
    const { user, token } = await userWithToken();
    const { body } = await send({ skill_id: "lint", tool_name: "Bash" }, token);
    expect(body.accepted).toBe(1);
    const [event] = await eventsOf(user.id);
    expect(event).toMatchObject({ skill: "lint", toolName: "Bash", model: "unknown", provider: "openai-compatible", costNano: null, priced: false, costSource: "unpriced" });
  });

  it("charges a reported cost_usd exactly (string or number), marked provider, and keeps it", async () => {
    const { user, token } = await userWithToken();
    const cases: [unknown, number][] = [
      ["0.123456789", 123_456_789],
      [0.1, 100_000_000],
      [1e-7, 100],
      ["12.5", 12_500_000_000],
      [0, 0],
    ];
    const { body } = await send({ events: cases.map(([cost], i) => ({ event_id: `c${i}`, model_name: "gpt-4o-mini", input_tokens: 10, cost_usd: cost })) }, token);
    expect(body.accepted).toBe(cases.length);
    const events = await eventsOf(user.id);
    for (const [i, [, nano]] of cases.entries()) {
      const event = events.find((e) => e.eventId === `c${i}`)!;
      expect(event, `case ${i}`).toMatchObject({ costNano: nano, reportedCostNano: nano, costSource: "provider", priced: true });
    }
    // An unknown model is stored unpriced, not refused; with a reported cost it is charged that.
    const unknown = await send({ events: [{ model_name: "my-own-model-7b" }, { model_name: "my-own-model-7b", cost_usd: "0.000000001", event_id: "u2" }] }, token);
    expect(unknown.body.accepted).toBe(2);
    const stored = (await eventsOf(user.id)).filter((e) => e.model === "my-own-model-7b");
    expect(stored.map((e) => [e.provider, e.costNano, e.costSource, e.priced]).sort((a, b) => String(a[2]).localeCompare(String(b[2])))).toEqual([
      ["openai-compatible", 1, "provider", true],
      ["openai-compatible", null, "unpriced", false],
    ]);
  });

  it("reads model refs, plain ids the price book knows, and providers it does not", async () => {
    const { user, token } = await userWithToken();
    await send(
      {
        events: [
          { event_id: "ref", model_name: "anthropic:claude-sonnet-4-5", input_tokens: 100, output_tokens: 10 },
          { event_id: "plain", model_name: "claude-sonnet-4-5", input_tokens: 100, output_tokens: 10 },
          { event_id: "named", model_name: "gemini-2.5-flash", provider: "gemini", input_tokens: 100, output_tokens: 10 },
          { event_id: "other", model_name: "mistral-large", provider: "mistral", input_tokens: 100, output_tokens: 10 },
        ],
      },
      token,
    );
    const byId = new Map((await eventsOf(user.id)).map((e) => [e.eventId, e]));
    expect(byId.get("ref")).toMatchObject({ provider: "anthropic", model: "claude-sonnet-4-5", priced: true });
    expect(byId.get("plain")).toMatchObject({ provider: "anthropic", model: "claude-sonnet-4-5", priced: true });
    expect(byId.get("ref")!.costNano).toBe(byId.get("plain")!.costNano);
    expect(byId.get("named")).toMatchObject({ provider: "google", model: "gemini-2.5-flash", priced: true });
    expect(byId.get("other")).toMatchObject({ provider: "openai-compatible", model: "mistral/mistral-large", priced: false });
  });

  it("reads token fields in each provider's convention: Anthropic's input excludes the cache, OpenAI's includes it", async () => {
    const { user, token } = await userWithToken();
    const fields = { input_tokens: 1_000, cache_read_tokens: 400, cache_write_tokens: 100, output_tokens: 200, reasoning_tokens: 50 };
    await send(
      {
        events: [
          { event_id: "a", model_name: "anthropic:claude-sonnet-4-5", ...fields },
          { event_id: "o", model_name: "openai:gpt-4o-mini", ...fields },
          { event_id: "g", model_name: "google:gemini-2.5-flash", ...fields },
        ],
      },
      token,
    );
    const byId = new Map((await eventsOf(user.id)).map((e) => [e.eventId, e]));
    const buckets = (id: string) => {
      const e = byId.get(id)!;
      return [e.inputNoCacheTokens, e.cacheReadTokens, e.cacheWriteTokens, e.outputTokens, e.reasoningTokens];
    };
    expect(buckets("a")).toEqual([1_000, 400, 100, 200, 50]);
    expect(buckets("o")).toEqual([500, 400, 100, 200, 50]);
    // Gemini's candidatesTokenCount leaves the thoughts out: they are added to the output.
    expect(buckets("g")).toEqual([500, 400, 100, 250, 50]);
  });
});

describe("POST /api/track: retries and duplicates", () => {
  it("stores a batch's events once: a duplicate inside it and a retried batch are acknowledged as duplicates", async () => {
    const { user, token } = await userWithToken();
    const batch = {
      events: [
        { event_id: "e1", skill_id: "s", model_name: "gpt-4o-mini", input_tokens: 100, output_tokens: 10 },
        { event_id: "e2", skill_id: "s", model_name: "gpt-4o-mini", input_tokens: 200, output_tokens: 20 },
        { event_id: "e1", skill_id: "s", model_name: "gpt-4o-mini", input_tokens: 100, output_tokens: 10 },
        { event_id: "e3", skill_id: "s", cost_usd: "0.25" },
        { skill_id: "s" },
      ],
    };
    const first = await send(batch, token);
    expect(first.body).toMatchObject({ accepted: 4, duplicates: 1, rejected: [] });
    const ledgerAfterFirst = await ledgerSpent(user.id);

    // The network dropped; the hook sends the same batch again: every event with an id is a duplicate. (The one
    // without an event_id cannot be recognised: it is stored again — the reason to send event ids.)
    const retry = await send(batch, token);
    expect(retry.body).toMatchObject({ accepted: 1, duplicates: 4, rejected: [] });
    const events = await eventsOf(user.id);
    expect(events.filter((e) => e.eventId !== null).map((e) => e.eventId).sort()).toEqual(["e1", "e2", "e3"]);
    expect(events.filter((e) => e.eventId === null)).toHaveLength(2);
    // The spend was counted once per stored event.
    const direct = await sumCost(user.id);
    expect(await ledgerSpent(user.id)).toBe(direct);
    expect(ledgerAfterFirst).toBe(direct);
    const rollups = await db.current().db.select().from(usageDaily).where(eq(usageDaily.userId, user.id));
    expect(rollups.reduce((n, r) => n + r.requests, 0)).toBe(events.length);
    expect(rollups.reduce((n, r) => n + r.costNano, 0)).toBe(direct);
  });

  it("stores an event once when the same batch arrives twice at the same time", async () => {
    const { user, token } = await userWithToken();
    const batch = { events: Array.from({ length: 20 }, (_, i) => ({ event_id: `p${i}`, model_name: "gpt-4o-mini", input_tokens: 10 + i, output_tokens: 5 })) };
    const [a, b] = await Promise.all([send(batch, token), send(batch, token)]);
    expect(a.body.accepted + b.body.accepted).toBe(20);
    expect(a.body.duplicates + b.body.duplicates).toBe(20);
    expect(await eventsOf(user.id)).toHaveLength(20);
    expect(await ledgerSpent(user.id)).toBe(await sumCost(user.id));
  });

  it("keeps event ids apart per user: another user's event with the same id is stored", async () => {
    const one = await userWithToken();
    const two = await userWithToken();
    expect((await send({ event_id: "shared", skill_id: "x" }, one.token)).body.accepted).toBe(1);
    expect((await send({ event_id: "shared", skill_id: "x" }, two.token)).body.accepted).toBe(1);
  });
});

describe("POST /api/track: bad input", () => {
  it("rejects a malformed event alone, naming its index, and stores the rest", async () => {
    const { user, token } = await userWithToken();
    const events = [
      { event_id: "ok-1", model_name: "gpt-4o-mini", input_tokens: 10 },
      { model_name: "gpt-4o-mini", input_tokens: -1 },
      {},
      "not an event",
      { model_name: "gpt-4o-mini", cost_usd: "0.0000000001" },
      { model_name: "gpt-4o-mini", cost_usd: -1 },
      { skill_id: "s", ts: "yesterday" },
      { skill_id: "bad\u0000id" },
      { skill_id: "s", metadata: { blob: "x".repeat(5_000) } },
      { model_name: "openai:gpt-4o-mini", input_tokens: 10, cache_read_tokens: 50 },
      { skill_id: "s", ts: new Date(Date.now() + 3_600_000).toISOString() },
      { skill_id: "s", metadata: [1, 2] },
      { event_id: "ok-2", skill_id: "s", unknown_field: "ignored" },
    ];
    const { status, body } = await send({ events }, token);
    expect(status).toBe(200);
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, "invalid_event"],
      [2, "invalid_event"],
      [3, "invalid_event"],
      [4, "invalid_event"],
      [5, "invalid_event"],
      [6, "invalid_event"],
      [7, "invalid_event"],
      [8, "invalid_event"],
      [9, "invalid_tokens"],
      [10, "invalid_ts"],
      [11, "invalid_event"],
    ]);
    const message = (i: number) => body.rejected.find((r) => r.index === i)!.message;
    expect(message(1)).toMatch(/^input_tokens: /);
    expect(message(2)).toMatch(/skill_id, tool_name or model_name/);
    expect(message(3)).toMatch(/JSON object/);
    expect(message(4)).toMatch(/^cost_usd: .*9 decimals/);
    expect(message(5)).toMatch(/^cost_usd: .*non-negative/);
    expect(message(7)).toMatch(/^skill_id: .*cannot be stored/);
    expect(message(8)).toMatch(/^metadata: .*4 KB/);
    expect(message(9)).toMatch(/input_tokens counts the whole prompt/);
    expect((await eventsOf(user.id)).map((e) => e.eventId).sort()).toEqual(["ok-1", "ok-2"]);
  });

  it("refuses a batch of more than 1,000 events with 413, an empty one and a non-JSON body with 400", async () => {
    const { user, token } = await userWithToken();
    const tooMany = await send({ events: Array.from({ length: 1_001 }, () => ({ skill_id: "s" })) }, token);
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error).toMatchObject({ code: "payload_too_large" });
    expect(tooMany.body.error!.message).toMatch(/at most 1,000 events/);
    expect((await send({ events: [] }, token)).status).toBe(400);
    expect((await send({ events: "nope" }, token)).status).toBe(400);
    expect((await send("{nope", token)).status).toBe(400);
    expect((await send(42, token)).status).toBe(400);
    const plain = await track(new Request("http://localhost/api/track", { method: "POST", body: '{"skill_id":"s"}', headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" } }));
    expect(plain.status).toBe(400);
    expect(await eventsOf(user.id)).toHaveLength(0);
  });

  it("takes a full batch of 1,000 events in one write", { timeout: 120_000 }, async () => {
    const { user, token } = await userWithToken();
    const { status, body } = await send({ events: Array.from({ length: 1_000 }, (_, i) => ({ event_id: `b${i}`, skill_id: `s${i % 7}`, model_name: "gpt-4o-mini", input_tokens: i, output_tokens: 1 })) }, token);
    expect(status).toBe(200);
    expect(body).toMatchObject({ accepted: 1_000, duplicates: 0, rejected: [] });
    expect(await eventsOf(user.id)).toHaveLength(1_000);
  });

  it("refuses a body over 10 MB with 413, by its Content-Length or while reading it", async () => {
    const { token } = await userWithToken();
    const declared = await send({ skill_id: "s" }, token, { "content-length": String(10 * 1024 * 1024 + 1) });
    expect(declared.status).toBe(413);
    const big = JSON.stringify({ events: [{ skill_id: "s", metadata: { x: "y".repeat(10 * 1024 * 1024) } }] });
    const read = await send(big, token);
    expect(read.status).toBe(413);
    expect(read.body.error!.message).toMatch(/10 MB/);
  });
});

describe("POST /api/track: who may report", () => {
  it("answers 401 with WWW-Authenticate without a token, even to a signed-in session", async () => {
    const { user } = await userWithToken();
    const anonymous = await send({ skill_id: "s" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error!.code).toBe("invalid_token");
    expect(anonymous.headers.get("www-authenticate")).toBe('Bearer realm="spendboard"');
    signIn(user);
    const withSession = await send({ skill_id: "s" });
    expect(withSession.status).toBe(401);
    expect(await eventsOf(user.id)).toHaveLength(0);
  });

  it("answers 403 to a token without the track scope, and 401 to an unknown or revoked token", async () => {
    const { user, token, tokenId } = await userWithToken(["track"]);
    const readOnly = await extraToken(user, ["read", "gateway"]);
    const wrongScope = await send({ skill_id: "s" }, readOnly);
    expect(wrongScope.status).toBe(403);
    expect(wrongScope.body.error!.code).toBe("insufficient_scope");
    expect(wrongScope.headers.get("www-authenticate")).toBe('Bearer realm="spendboard", error="insufficient_scope", scope="track"');
    const unknown = await send({ skill_id: "s" }, `sb_${"x".repeat(40)}`);
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("www-authenticate")).toBe('Bearer realm="spendboard", error="invalid_token"');
    expect((await send({ skill_id: "s" }, token)).status).toBe(200);
    await revokeOwnApiToken(user, tokenId);
    const revoked = await send({ skill_id: "s" }, token);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error!.code).toBe("invalid_token");
    expect(await eventsOf(user.id)).toHaveLength(1);
  });

  it("keeps the events when their token is deleted later (the link is cleared)", async () => {
    const { user, token, tokenId } = await userWithToken();
    await send({ skill_id: "s" }, token);
    await db.current().db.execute(sql`delete from api_tokens where id = ${tokenId}::uuid`);
    const [event] = await eventsOf(user.id);
    expect(event).toMatchObject({ skill: "s", apiTokenId: null });
  });
});

describe("POST /api/track: budgets", () => {
  it("counts tracked spend toward the budget and its alerts; it cannot be refused, and the answer says where the budget stands", async () => {
    const { user, token } = await userWithToken();
    await upsertBudget({ userId: user.id, source: "user", values: { monthlyCostLimitNano: 1_000_000_000, dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce", alertThresholds: [50] } });
    const first = await send({ event_id: "b1", model_name: "gpt-4o-mini", cost_usd: "0.6" }, token);
    expect(first.body.accepted).toBe(1);
    expect(first.body.budget).toMatchObject({ allowed: true, remaining_nano: 400_000_000, reason: null });
    const alerts = await db.current().db.select().from(notifications).where(eq(notifications.userId, user.id));
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    // Over the limit: still stored (it already happened), and the answer says the budget is spent.
    const second = await send({ event_id: "b2", model_name: "gpt-4o-mini", cost_usd: "0.5" }, token);
    expect(second.body.accepted).toBe(1);
    expect(second.body.budget).toMatchObject({ allowed: false, remaining_nano: 0 });
    expect(second.body.budget.reason).toMatch(/Monthly budget reached: \$1\.10 of \$1\.00 used/);
    const overview = await getBudgetOverview(user.id, user.timeZone);
    expect(overview.limits.find((l) => l.limitKind === "monthly_cost")!.used).toBe(1_100_000_000);
  });
});

async function sumCost(userId: string): Promise<number> {
  const result = (await db.current().db.execute(sql`select coalesce(sum(cost_nano), 0) as total from usage_events where user_id = ${userId}::uuid`)) as unknown as { rows: { total: string | number }[] };
  return Number(result.rows[0]!.total);
}

async function ledgerSpent(userId: string): Promise<number> {
  const result = (await db.current().db.execute(sql`select spent_nano from budget_ledger where user_id = ${userId}::uuid and period_kind = 'month' order by period_start desc limit 1`)) as unknown as {
    rows: { spent_nano: string | number }[];
  };
  return Number(result.rows[0]?.spent_nano ?? 0);
}
