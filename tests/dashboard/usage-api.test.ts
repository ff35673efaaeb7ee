import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { deleteAssistant, insertAssistant } from "@/db/queries/assistants";
import { upsertBudget } from "@/db/queries/settings";
import { users } from "@/db/schema";
import type { RecentPage, UsageBreakdown, UsageSummary, UsageTimeseries } from "@/lib/dashboard/contract";
import { exportUsageCsv } from "@/lib/dashboard/csv-export";
import { resolveRange } from "@/lib/dashboard/range";
import { USAGE_EVENT_CSV_HEADERS as CSV_COLUMNS } from "@/lib/usage/event";
import { recordUsage, type UsageRecord } from "@/lib/usage/recorder";
import { newUser, session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/**
 * The user's cost dashboard API against a real database: usage is created with the app's own recorder (events and
 * daily rollups in one transaction), then every /api/usage route is read back and checked against the events.
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const summaryRoute = await import("@/app/api/usage/summary/route");
const timeseriesRoute = await import("@/app/api/usage/timeseries/route");
const breakdownRoute = await import("@/app/api/usage/breakdown/route");
const recentRoute = await import("@/app/api/usage/recent/route");
const exportRoute = await import("@/app/api/usage/export/route");

const db = freshDatabasePerFile();

type Handler = (request: Request, context?: { params?: Promise<Record<string, string | string[] | undefined>> }) => Promise<Response>;

async function call(handler: Handler, url: string) {
  const response = await handler(new Request(`http://localhost${url}`), { params: Promise.resolve({}) });
  const text = await response.text();
  const isJson = response.headers.get("content-type")?.includes("application/json") ?? false;
  return { status: response.status, headers: response.headers, text, body: (isJson ? JSON.parse(text) : undefined) as never };
}
const summary = async (url: string): Promise<UsageSummary> => (await ok(summaryRoute.GET, `/api/usage/summary?${url}`)) as UsageSummary;
const timeseries = async (url: string): Promise<UsageTimeseries> => (await ok(timeseriesRoute.GET, `/api/usage/timeseries?${url}`)) as UsageTimeseries;
const breakdown = async (url: string): Promise<UsageBreakdown> => (await ok(breakdownRoute.GET, `/api/usage/breakdown?${url}`)) as UsageBreakdown;
const recent = async (url: string): Promise<RecentPage> => (await ok(recentRoute.GET, `/api/usage/recent?${url}`)) as RecentPage;
async function ok(handler: Handler, url: string): Promise<unknown> {
  const result = await call(handler, url);
  expect(result.status, `${url}: ${result.text}`).toBe(200);
  return result.body;
}
async function csv(url: string) {
  const result = await call(exportRoute.GET, `/api/usage/export?${url}`);
  expect(result.status, result.text).toBe(200);
  const [header, ...lines] = result.text.split("\r\n").filter(Boolean);
  const columns = header!.split(",");
  return { result, columns, rows: lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [columns[i]!, v]))) };
}
const custom = (from: string, to: string) => `range=custom&from=${from}&to=${to}`;

interface EventOptions {
  provider?: UsageRecord["provider"];
  model?: string;
  feature?: string;
  assistantId?: string | null;
  costNano?: number | null;
  status?: UsageRecord["status"];
  estimated?: boolean;
  usage?: Partial<UsageRecord["usage"]>;
}
function event(userId: string, at: string | Date, o: EventOptions = {}): UsageRecord {
  const finishedAt = new Date(at);
  const costNano = o.costNano === undefined ? 1_000 : o.costNano;
  return {
    requestId: `${randomUUID()}:0`,
    userId,
    provider: o.provider ?? "openai",
    model: o.model ?? "gpt-4o-mini",
    feature: o.feature ?? "chat",
    assistantId: o.assistantId ?? null,
    keySource: "user",
    usage: { inputNoCache: 100, cacheRead: 0, cacheWrite: 0, output: 50, reasoning: 0, ...o.usage },
    costNano,
    costSource: costNano === null ? "unpriced" : "price_book",
    estimated: o.estimated ?? false,
    status: o.status ?? "ok",
    latencyMs: 120,
    ttftMs: 40,
    startedAt: new Date(finishedAt.getTime() - 120),
    finishedAt,
  };
}
async function userIn(timeZone: string | null) {
  const user = await newUser("dash");
  await db.current().db.update(users).set({ timeZone }).where(eq(users.id, user.id));
  return user;
}
async function rows<T>(statement: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.current().db.execute(statement)) as unknown as { rows: T[] }).rows;
}
function freezeNow(iso: string) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(iso));
}

beforeAll(async () => {
  await newUser("first-admin"); // the first account becomes the admin; every user below is an ordinary one
});
afterEach(() => {
  vi.useRealTimers();
  session.current = null;
});

describe("sums", () => {
  it("summary totals every bucket of the events in the range; average cost is per priced request", async () => {
    const user = await userIn("UTC");
    await recordUsage([
      event(user.id, "2026-05-10T10:00:00Z", { costNano: 435_000, usage: { inputNoCache: 1000, cacheRead: 200, cacheWrite: 50, output: 300, reasoning: 20 } }),
      event(user.id, "2026-05-11T10:00:00Z", { costNano: 65_000, status: "error", estimated: true, usage: { inputNoCache: 10, output: 0 } }),
      event(user.id, "2026-05-12T10:00:00Z", { costNano: null, provider: "openai-compatible", model: "llama3.2" }),
      event(user.id, "2026-05-20T10:00:00Z", { costNano: 7 }), // outside
    ]);
    signIn(user);
    const body = await summary(custom("2026-05-10", "2026-05-12"));
    expect(body.range).toMatchObject({ preset: "custom", from: "2026-05-10", to: "2026-05-12", timeZone: "UTC" });
    expect(body.totals).toEqual({
      costNano: 500_000,
      requests: 3,
      errorRequests: 1,
      unpricedRequests: 1,
      estimatedRequests: 1,
      inputTokens: 1110,
      cacheReadTokens: 200,
      cacheWriteTokens: 50,
      outputTokens: 350,
      reasoningTokens: 20,
      cacheWrite1hTokens: 0,
      serverToolRequests: 0,
      toolCostNano: 0,
      avgCostPerRequestNano: 250_000,
    });
    expect(body.budgets).toEqual([]);
  });

  it("summary shows budget progress (own budget and admin cap) from the ledger", async () => {
    const user = await userIn("UTC");
    const values = { dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce" as const, alertThresholds: [50, 80, 100] };
    await upsertBudget({ userId: user.id, source: "user", values: { ...values, monthlyCostLimitNano: 20_000_000_000 } });
    await upsertBudget({ userId: user.id, source: "admin", values: { ...values, monthlyCostLimitNano: 10_000_000_000 } });
    await recordUsage([event(user.id, new Date(), { costNano: 3_000_000 })]);
    signIn(user);
    const body = await summary("range=7d");
    expect(body.totals.costNano).toBe(3_000_000);
    expect(body.budgets).toEqual([
      expect.objectContaining({ kind: "monthly_cost", limit: 20_000_000_000, used: 3_000_000, cap: false }),
      expect.objectContaining({ kind: "monthly_cost", limit: 10_000_000_000, used: 3_000_000, cap: true }),
    ]);
  });

  it("a day series is zero-filled, keyed by provider with the largest total first", async () => {
    const user = await userIn("UTC");
    await recordUsage([
      event(user.id, "2026-05-02T10:00:00Z", { provider: "anthropic", model: "claude-sonnet-4-5", costNano: 900 }),
      event(user.id, "2026-05-02T11:00:00Z", { provider: "openai", costNano: 100 }),
      event(user.id, "2026-05-04T11:00:00Z", { provider: "openai", costNano: 50 }),
    ]);
    signIn(user);
    const body = await timeseries(`${custom("2026-05-01", "2026-05-05")}&groupBy=provider`);
    expect(body.bucket).toBe("day");
    expect(body.keys).toEqual(["anthropic", "openai"]);
    expect(body.points).toEqual([
      { t: "2026-05-01", values: { anthropic: 0, openai: 0 }, requests: 0 },
      { t: "2026-05-02", values: { anthropic: 900, openai: 100 }, requests: 2 },
      { t: "2026-05-03", values: { anthropic: 0, openai: 0 }, requests: 0 },
      { t: "2026-05-04", values: { anthropic: 0, openai: 50 }, requests: 1 },
      { t: "2026-05-05", values: { anthropic: 0, openai: 0 }, requests: 0 },
    ]);
    const total = await timeseries(custom("2026-05-01", "2026-05-05"));
    expect(total.keys).toEqual(["total"]);
    expect(total.points.map((p) => p.values.total)).toEqual([0, 1000, 0, 50, 0]);
  });

  it("keeps the top 8 series by cost and sums the rest as other", async () => {
    const user = await userIn("UTC");
    const models = Array.from({ length: 11 }, (_, i) => `model-${String(i).padStart(2, "0")}`);
    await recordUsage(models.map((model, i) => event(user.id, `2026-05-0${1 + (i % 3)}T12:00:00Z`, { model, costNano: (i + 1) * 1000 })));
    signIn(user);
    const body = await timeseries(`${custom("2026-05-01", "2026-05-03")}&groupBy=model`);
    expect(body.keys).toEqual(["model-10", "model-09", "model-08", "model-07", "model-06", "model-05", "model-04", "model-03", "other"]);
    const sums = Object.fromEntries(body.keys.map((k) => [k, body.points.reduce((s, p) => s + p.values[k]!, 0)]));
    expect(sums.other).toBe(1000 + 2000 + 3000);
    expect(sums["model-10"]).toBe(11_000);
    expect(body.points.reduce((s, p) => s + p.requests, 0)).toBe(11);
    for (const point of body.points) expect(Object.keys(point.values).sort()).toEqual([...body.keys].sort());
  });

  it("today is charted by hour in the user's zone (Kolkata: hours start at :30 UTC)", async () => {
    const user = await userIn("Asia/Kolkata");
    await recordUsage([
      event(user.id, "2026-06-09T18:15:00Z", { costNano: 1 }), // 23:45 on the 9th: yesterday
      event(user.id, "2026-06-09T18:45:00Z", { costNano: 10 }), // 00:15 → hour 0
      event(user.id, "2026-06-10T05:29:00Z", { costNano: 20 }), // 10:59 → hour 10
      event(user.id, "2026-06-10T05:31:00Z", { costNano: 30 }), // 11:01 → hour 11
    ]);
    signIn(user);
    freezeNow("2026-06-10T12:00:00Z");
    const body = await timeseries("range=today");
    expect(body.bucket).toBe("hour");
    expect(body.range).toMatchObject({ from: "2026-06-10", startsAt: "2026-06-09T18:30:00.000Z", endsAt: "2026-06-10T18:30:00.000Z" });
    expect(body.points).toHaveLength(24);
    expect(body.points[0]).toEqual({ t: "2026-06-09T18:30:00.000Z", values: { total: 10 }, requests: 1 });
    expect(body.points[10]).toEqual({ t: "2026-06-10T04:30:00.000Z", values: { total: 20 }, requests: 1 });
    expect(body.points[11]!.values.total).toBe(30);
    expect(body.points.reduce((s, p) => s + p.values.total!, 0)).toBe(60);
    expect((await summary("range=today")).totals.costNano).toBe(60);
  });

  it("today has 23 hourly points on the spring-forward day in Los Angeles", async () => {
    const user = await userIn("America/Los_Angeles");
    await recordUsage([event(user.id, "2026-03-08T10:30:00Z", { costNano: 5 })]); // 03:30 PDT, the 3rd hour after midnight
    signIn(user);
    freezeNow("2026-03-08T20:00:00Z");
    const body = await timeseries("range=today&groupBy=model");
    expect(body.points).toHaveLength(23);
    expect(body.keys).toEqual(["gpt-4o-mini"]);
    expect(body.points[2]).toEqual({ t: "2026-03-08T10:00:00.000Z", values: { "gpt-4o-mini": 5 }, requests: 1 });
  });

  it("breakdowns label assistants by name, none as No assistant, a deleted one as Deleted assistant; features as stored", async () => {
    const user = await userIn("UTC");
    const kept = (await insertAssistant({ userId: user.id, name: "Researcher", systemPrompt: "Find things.", preferredModel: null, delegateIds: [] }))!;
    const doomed = (await insertAssistant({ userId: user.id, name: "Doomed", systemPrompt: "Bye.", preferredModel: null, delegateIds: [] }))!;
    await recordUsage([
      event(user.id, "2026-05-02T10:00:00Z", { assistantId: kept.id, costNano: 300, feature: "chat" }),
      event(user.id, "2026-05-02T11:00:00Z", { assistantId: doomed.id, costNano: 200, feature: "delegation" }),
      event(user.id, "2026-05-02T12:00:00Z", { costNano: 100, feature: "title" }),
      event(user.id, "2026-05-02T13:00:00Z", { costNano: null, feature: "title", provider: "openai-compatible", model: "llama3.2" }),
    ]);
    await deleteAssistant({ id: doomed.id, userId: user.id });
    signIn(user);
    const byAssistant = await breakdown(`${custom("2026-05-01", "2026-05-03")}&by=assistant`);
    expect(byAssistant.by).toBe("assistant");
    expect(byAssistant.rows.map((r) => [r.key, r.label, r.costNano, r.requests])).toEqual([
      [kept.id, "Researcher", 300, 1],
      [doomed.id, "Deleted assistant", 200, 1],
      ["00000000-0000-0000-0000-000000000000", "No assistant", 100, 2],
    ]);
    const noAssistant = byAssistant.rows[2]!;
    expect(noAssistant).toMatchObject({ unpricedRequests: 1, avgCostPerRequestNano: 100 });
    const byFeature = await breakdown(`${custom("2026-05-01", "2026-05-03")}&by=feature`);
    expect(byFeature.rows.map((r) => [r.label, r.requests])).toEqual([["chat", 1], ["delegation", 1], ["title", 2]]);
    const byProvider = await breakdown(`${custom("2026-05-01", "2026-05-03")}&by=provider`);
    expect(byProvider.rows.map((r) => [r.key, r.costNano, r.unpricedRequests])).toEqual([["openai", 600, 0], ["openai-compatible", 0, 1]]);
    // The default is by model.
    expect((await breakdown(custom("2026-05-01", "2026-05-03"))).rows.map((r) => r.key)).toEqual(["gpt-4o-mini", "llama3.2"]);
  });
});

describe("recent requests and the CSV export", () => {
  it("pages newest first with a cursor, including events at the same instant, without gaps or repeats", async () => {
    const user = await userIn("UTC");
    const records = [
      event(user.id, "2026-05-02T10:00:00.000Z", { costNano: 1 }),
      event(user.id, "2026-05-02T10:00:00.000Z", { costNano: 2 }),
      event(user.id, "2026-05-02T10:00:00.000Z", { costNano: 3 }),
      event(user.id, "2026-05-02T11:00:00.000Z", { costNano: null, estimated: true, status: "aborted" }),
      event(user.id, "2026-05-03T09:00:00.000Z", { costNano: 5 }),
    ];
    await recordUsage(records);
    signIn(user);
    const seen: RecentPage["items"] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: RecentPage = await recent(`${custom("2026-05-01", "2026-05-03")}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(5);
    expect(new Set(seen.map((e) => e.id)).size).toBe(5);
    const times = seen.map((e) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(seen[0]).toMatchObject({ createdAt: "2026-05-03T09:00:00.000Z", costNano: 5, priced: true, status: "ok", provider: "openai", model: "gpt-4o-mini", feature: "chat", latencyMs: 120, ttftMs: 40, inputTokens: 100, outputTokens: 50 });
    expect(seen[1]).toMatchObject({ costNano: null, priced: false, estimated: true, status: "aborted", costSource: "unpriced" });
    // An empty cursor parameter means the first page.
    expect((await recent(`${custom("2026-05-01", "2026-05-03")}&limit=100&cursor=`)).items).toHaveLength(5);
  });

  it("exports every event as CSV: a header, decimal USD with 9 decimals and the raw nano column", async () => {
    const user = await userIn("UTC");
    await recordUsage([
      event(user.id, "2026-05-02T10:00:00Z", { costNano: 435_000, model: "=HYPERLINK(1)" }),
      event(user.id, "2026-05-02T11:00:00Z", { costNano: null }),
      event(user.id, "2026-05-02T12:00:00Z", { costNano: 12_345_678_901 }),
      event(user.id, "2026-05-09T12:00:00Z", { costNano: 1 }), // outside
    ]);
    signIn(user);
    const { result, columns, rows: lines } = await csv(custom("2026-05-01", "2026-05-03"));
    expect(result.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(result.headers.get("content-disposition")).toBe('attachment; filename="spendboard-usage-2026-05-01-2026-05-03.csv"');
    expect(columns).toEqual([...CSV_COLUMNS]);
    expect(lines.map((l) => [l.created_at, l.cost_usd, l.cost_nano, l.priced])).toEqual([
      ["2026-05-02T10:00:00.000Z", "0.000435000", "435000", "true"],
      ["2026-05-02T11:00:00.000Z", "", "", "false"],
      ["2026-05-02T12:00:00.000Z", "12.345678901", "12345678901", "true"],
    ]);
    expect(lines[0]!.model).toBe("'=HYPERLINK(1)"); // a spreadsheet does not run it
    expect(lines[1]).toMatchObject({ cost_source: "unpriced", input_no_cache_tokens: "100", output_tokens: "50", status: "ok" });
  });

  it("exports each event's bill lines beyond the token buckets", async () => {
    const user = await userIn("UTC");
    await recordUsage([
      {
        ...event(user.id, "2026-05-02T10:00:00Z", { costNano: 20_500_000, usage: { inputNoCache: 100, cacheWrite: 30, cacheWrite1h: 20, audioInput: 40, serverTools: { web_search: 2 } } }),
        toolCostNano: 20_000_000,
        estimated: true,
        estimatedParts: ["rate:audio_input"],
        unpricedUsageFields: ["server_tool_use.code_execution_requests"],
      },
      { ...event(user.id, "2026-05-02T11:00:00Z", { provider: "openrouter", costNano: 262_500 }), costSource: "provider", upstreamCostNano: 250_000 },
    ]);
    signIn(user);
    const { rows: lines } = await csv(custom("2026-05-01", "2026-05-03"));
    expect(lines[0]).toMatchObject({
      cache_write_1h_tokens: "20",
      audio_input_tokens: "40",
      audio_output_tokens: "0",
      server_tool_requests: "web_search=2",
      tool_cost_nano: "20000000",
      upstream_cost_nano: "",
      estimated_parts: "rate:audio_input",
      unpriced_usage_fields: "server_tool_use.code_execution_requests",
    });
    expect(lines[1]).toMatchObject({ upstream_cost_nano: "250000", cost_nano: "262500", server_tool_requests: "", estimated_parts: "", unpriced_usage_fields: "" });
  });

  it("streams the export a page at a time with a keyset cursor (ties on created_at included)", async () => {
    const user = await userIn("UTC");
    const records = Array.from({ length: 7 }, (_, i) => event(user.id, `2026-05-02T10:00:0${Math.floor(i / 3)}Z`, { costNano: i + 1 }));
    await recordUsage(records);
    const range = resolveRange({ range: "custom", from: "2026-05-02", to: "2026-05-02" }, "UTC");
    const response = exportUsageCsv({ userId: user.id, range, pageSize: 2 });
    const reader = response.body!.getReader();
    const chunks: string[] = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(new TextDecoder().decode(value));
    }
    // The header, then 4 pages of at most 2 events: the range was never read in one query.
    expect(chunks).toHaveLength(5);
    const lines = chunks.join("").split("\r\n").filter(Boolean).slice(1);
    expect(lines).toHaveLength(7);
    const costs = lines.map((l) => Number(l.split(",")[CSV_COLUMNS.indexOf("cost_nano")])).sort((a, b) => a - b);
    expect(costs).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

/** A small deterministic PRNG, so a failure can be replayed. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe("the APIs agree with the events", () => {
  it("summary and breakdowns equal SELECT sum(…) FROM usage_events for 20 random ranges", async () => {
    const zone = "America/Los_Angeles";
    const user = await userIn(zone);
    const other = await userIn("Asia/Kolkata");
    const assistant = (await insertAssistant({ userId: user.id, name: "Helper", systemPrompt: "Help.", preferredModel: null, delegateIds: [] }))!;
    const random = mulberry32(20261124);
    const pick = <T,>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const models = [
      ["openai", "gpt-4o-mini"],
      ["openai", "gpt-4.1"],
      ["anthropic", "claude-sonnet-4-5"],
      ["google", "gemini-2.5-flash"],
      ["openai-compatible", "llama3.2"],
    ] as const;
    const start = Date.parse("2026-01-01T00:00:00Z");
    const span = Date.parse("2026-05-01T00:00:00Z") - start; // across the DST change of 2026-03-08
    const records: UsageRecord[] = [];
    for (let i = 0; i < 260; i++) {
      const [provider, model] = pick(models);
      const unpriced = provider === "openai-compatible" || random() < 0.05;
      records.push(
        event(i % 5 === 4 ? other.id : user.id, new Date(start + Math.floor(random() * span)), {
          provider,
          model,
          feature: pick(["chat", "chat", "title", "delegation"]),
          assistantId: random() < 0.3 ? assistant.id : null,
          costNano: unpriced ? null : Math.floor(random() * 5_000_000),
          status: random() < 0.1 ? "error" : random() < 0.05 ? "aborted" : "ok",
          estimated: random() < 0.07,
          usage: {
            inputNoCache: Math.floor(random() * 5000),
            cacheRead: Math.floor(random() * 1000),
            cacheWrite: Math.floor(random() * 300),
            output: Math.floor(random() * 2000),
            reasoning: Math.floor(random() * 200),
          },
        }),
      );
    }
    for (let i = 0; i < records.length; i += 50) await recordUsage(records.slice(i, i + 50));
    signIn(user);

    let nonEmpty = 0;
    for (let n = 0; n < 20; n++) {
      const from = new Date(Date.parse("2025-12-25T00:00:00Z") + Math.floor(random() * 130) * 86_400_000).toISOString().slice(0, 10);
      const to = new Date(Date.parse(`${from}T00:00:00Z`) + Math.floor(random() * 60) * 86_400_000).toISOString().slice(0, 10);
      const [expected] = await rows<Record<string, string | number>>(sql`
        select coalesce(sum(cost_nano), 0) as cost, count(*) as requests,
               count(*) filter (where status = 'error') as errors, count(*) filter (where not priced) as unpriced,
               count(*) filter (where estimated) as estimated, coalesce(sum(input_no_cache_tokens), 0) as input,
               coalesce(sum(cache_read_tokens), 0) as cache_read, coalesce(sum(cache_write_tokens), 0) as cache_write,
               coalesce(sum(output_tokens), 0) as output, coalesce(sum(reasoning_tokens), 0) as reasoning
        from usage_events
        where user_id = ${user.id} and (created_at at time zone ${zone})::date between ${from}::date and ${to}::date`);
      const want = {
        costNano: Number(expected!.cost),
        requests: Number(expected!.requests),
        errorRequests: Number(expected!.errors),
        unpricedRequests: Number(expected!.unpriced),
        estimatedRequests: Number(expected!.estimated),
        inputTokens: Number(expected!.input),
        cacheReadTokens: Number(expected!.cache_read),
        cacheWriteTokens: Number(expected!.cache_write),
        outputTokens: Number(expected!.output),
        reasoningTokens: Number(expected!.reasoning),
      };
      const label = `${from}..${to}`;
      if (want.requests > 0) nonEmpty++;
      const got = await summary(custom(from, to));
      expect(got.totals, label).toMatchObject(want);
      for (const by of ["model", "provider", "feature", "assistant"]) {
        const body = await breakdown(`${custom(from, to)}&by=${by}`);
        const sum = (k: keyof typeof want) => body.rows.reduce((s, r) => s + r[k], 0);
        expect(Object.fromEntries(Object.keys(want).map((k) => [k, sum(k as keyof typeof want)])), `${label} by ${by}`).toEqual(want);
      }
      const series = await timeseries(`${custom(from, to)}&groupBy=model`);
      expect(series.points.reduce((s, p) => s + Object.values(p.values).reduce((a, b) => a + b, 0), 0), label).toBe(want.costNano);
      expect(series.points.reduce((s, p) => s + p.requests, 0), label).toBe(want.requests);
    }
    // The events really are spread over the ranges (not a vacuous comparison).
    expect(nonEmpty).toBeGreaterThanOrEqual(12);
    const [count] = await rows<{ n: string }>(sql`select count(*) as n from usage_events where user_id = ${user.id}`);
    expect(Number(count!.n)).toBe(208);
  });
});

describe("time zones and boundaries", () => {
  const cases = [
    {
      zone: "America/Los_Angeles",
      // The range ends on the spring-forward day: 23:30 PDT on Mar 8 is 06:30Z on Mar 9.
      from: "2026-03-02",
      to: "2026-03-08",
      inside: ["2026-03-02T08:30:00Z", "2026-03-09T06:30:00Z"], // 00:30 PST on the first day, 23:30 PDT on the last
      outside: ["2026-03-02T07:30:00Z", "2026-03-09T07:30:00Z"], // 23:30 the day before, 00:30 the day after
    },
    {
      zone: "Asia/Kolkata",
      from: "2026-01-25",
      to: "2026-01-31",
      inside: ["2026-01-24T19:00:00Z", "2026-01-31T18:00:00Z"], // 00:30 IST on the 25th, 23:30 IST on the 31st
      outside: ["2026-01-24T18:00:00Z", "2026-01-31T19:00:00Z"], // 23:30 on the 24th, 00:30 on Feb 1
    },
  ];
  for (const c of cases) {
    it(`${c.zone}: 23:30 local on the last day is in, 00:30 the next day is out (every API)`, async () => {
      const user = await userIn(c.zone);
      await recordUsage([
        ...c.inside.map((at, i) => event(user.id, at, { costNano: 1000 * (i + 1) })),
        ...c.outside.map((at) => event(user.id, at, { costNano: 1_000_000 })),
      ]);
      signIn(user);
      const q = custom(c.from, c.to);
      const body = await summary(q);
      expect(body.range.timeZone).toBe(c.zone);
      expect(body.totals).toMatchObject({ requests: 2, costNano: 3000 });
      const series = await timeseries(q);
      expect(series.points).toHaveLength(7);
      expect(series.points[0]).toMatchObject({ t: c.from, values: { total: 1000 }, requests: 1 });
      expect(series.points[6]).toMatchObject({ t: c.to, values: { total: 2000 }, requests: 1 });
      expect((await breakdown(q)).rows.map((r) => r.costNano)).toEqual([3000]);
      expect((await recent(q)).items.map((e) => e.createdAt)).toEqual([...c.inside].reverse().map((t) => new Date(t).toISOString()));
      expect((await csv(q)).rows.map((r) => r.created_at)).toEqual(c.inside.map((t) => new Date(t).toISOString()));
    });
  }

  it("this_month and last_month follow the user's calendar, not UTC's (Los Angeles and Kolkata)", async () => {
    // 2026-04-01T03:00Z is still March 31 in Los Angeles.
    freezeNow("2026-04-01T03:00:00Z");
    const la = await userIn("America/Los_Angeles");
    await recordUsage([
      event(la.id, "2026-02-01T07:30:00Z", { costNano: 1 }), // Jan 31 23:30 PST (February in UTC): neither
      event(la.id, "2026-02-01T08:30:00Z", { costNano: 10 }), // Feb 1 00:30: last month
      event(la.id, "2026-03-01T07:30:00Z", { costNano: 100 }), // Feb 28 23:30 (March in UTC): last month
      event(la.id, "2026-03-01T08:30:00Z", { costNano: 1000 }), // Mar 1 00:30: this month
      event(la.id, "2026-04-01T02:00:00Z", { costNano: 10_000 }), // Mar 31 19:00 PDT (April in UTC): this month, today
    ]);
    signIn(la);
    expect(await summary("range=last_month")).toMatchObject({ range: { from: "2026-02-01", to: "2026-02-28" }, totals: { costNano: 110 } });
    expect(await summary("range=this_month")).toMatchObject({ range: { from: "2026-03-01", to: "2026-03-31" }, totals: { costNano: 11_000 } });
    expect((await timeseries("range=last_month")).points).toHaveLength(28);
    expect((await recent("range=this_month")).items.map((e) => e.costNano)).toEqual([10_000, 1000]);
    expect((await csv("range=last_month")).rows.map((r) => r.cost_nano)).toEqual(["10", "100"]);

    // 2026-03-31T19:00Z is already April 1 (00:30) in Kolkata.
    freezeNow("2026-03-31T19:00:00Z");
    const kolkata = await userIn("Asia/Kolkata");
    await recordUsage([
      event(kolkata.id, "2026-02-28T18:00:00Z", { costNano: 1 }), // Feb 28 23:30 IST: neither
      event(kolkata.id, "2026-02-28T19:00:00Z", { costNano: 10 }), // Mar 1 00:30 IST (February in UTC): last month
      event(kolkata.id, "2026-03-31T18:00:00Z", { costNano: 100 }), // Mar 31 23:30 IST: last month
      event(kolkata.id, "2026-03-31T18:40:00Z", { costNano: 1000 }), // Apr 1 00:10 IST (March in UTC): this month
    ]);
    signIn(kolkata);
    expect(await summary("range=last_month")).toMatchObject({ range: { from: "2026-03-01", to: "2026-03-31" }, totals: { costNano: 110 } });
    expect(await summary("range=this_month")).toMatchObject({ range: { from: "2026-04-01", to: "2026-04-01" }, totals: { costNano: 1000 } });
    expect((await recent("range=last_month")).items.map((e) => e.costNano)).toEqual([100, 10]);
  });

  it("a user without a time zone is on UTC", async () => {
    const user = await userIn(null);
    await recordUsage([event(user.id, "2026-05-01T23:59:00Z", { costNano: 9 }), event(user.id, "2026-05-02T00:01:00Z", { costNano: 90 })]);
    signIn(user);
    expect((await summary(custom("2026-05-01", "2026-05-01"))).totals.costNano).toBe(9);
    expect((await summary(custom("2026-05-01", "2026-05-01"))).range.timeZone).toBe("UTC");
  });
});

describe("authorization and input", () => {
  it("a user asking for another user's data gets only their own, whatever the parameters", async () => {
    const me = await userIn("UTC");
    const them = await userIn("UTC");
    await recordUsage([event(me.id, "2026-05-02T10:00:00Z", { costNano: 7 }), event(them.id, "2026-05-02T10:00:00Z", { costNano: 7_000_000 })]);
    signIn(me);
    const q = `${custom("2026-05-01", "2026-05-03")}&userId=${them.id}&user=${them.id}&subject=${them.id}&id=${them.id}`;
    expect((await summary(q)).totals).toMatchObject({ costNano: 7, requests: 1 });
    expect((await timeseries(q)).points.reduce((s, p) => s + p.values.total!, 0)).toBe(7);
    expect((await breakdown(q)).rows.map((r) => r.costNano)).toEqual([7]);
    const mine = (await recent(q)).items;
    expect(mine.map((e) => e.costNano)).toEqual([7]);
    const exported = await csv(q);
    expect(exported.rows.map((r) => r.cost_nano)).toEqual(["7"]);
    // Nor through groupBy=user or by=user, which are admin-only.
    expect((await call(timeseriesRoute.GET, `/api/usage/timeseries?${q}&groupBy=user`)).status).toBe(400);
    expect((await call(breakdownRoute.GET, `/api/usage/breakdown?${q}&by=user`)).status).toBe(400);
  });

  it("every usage route answers 401 when signed out", async () => {
    for (const [name, handler] of Object.entries({ summaryRoute, timeseriesRoute, breakdownRoute, recentRoute, exportRoute })) {
      const result = await call(handler.GET, "/api/usage/x?range=7d");
      expect(result.status, name).toBe(401);
      expect((result.body as { error: { code: string } }).error.code).toBe("unauthorized");
    }
  });

  it("refuses bad input with 400 and the reason", async () => {
    const user = await userIn("UTC");
    signIn(user);
    const everyRoute = { summaryRoute, timeseriesRoute, breakdownRoute, recentRoute, exportRoute };
    const bad: [string, RegExp][] = [
      [custom("2026-03-02", "2026-03-01"), /^to: The end date is before the start date/],
      [custom("2025-01-01", "2026-02-05"), /^to: A range can span at most 400 days/],
      [custom("2026-02-30", "2026-03-01"), /^from: 2026-02-30 is not a date/],
      [custom("2026-3-1", "2026-03-05"), /^from: Dates look like/],
      ["range=custom&from=2026-03-01", /^from: A custom range needs from and to/],
      ["range=forever", /^range: range must be one of today, 7d, 30d, this_month, last_month, custom/],
    ];
    for (const [name, handler] of Object.entries(everyRoute)) {
      for (const [query, reason] of bad) {
        const result = await call(handler.GET, `/api/usage/x?${query}`);
        expect(result.status, `${name} ${query}`).toBe(400);
        const error = (result.body as { error: { code: string; message: string } }).error;
        expect(error.code).toBe("validation_failed");
        expect(error.message, `${name} ${query}`).toMatch(reason);
      }
    }
    const specific: [Handler, string, RegExp][] = [
      [timeseriesRoute.GET, "groupBy=feature", /^groupBy: groupBy must be one of none, provider, model/],
      [breakdownRoute.GET, "by=colour", /^by: by must be one of model, provider, feature, assistant/],
      [recentRoute.GET, "limit=0", /^limit: limit must be at least 1/],
      [recentRoute.GET, "limit=101", /^limit: limit must be at most 100/],
      [recentRoute.GET, "limit=ten", /^limit: limit must be a number/],
      [recentRoute.GET, "cursor=abc", /^cursor: cursor is not one this API gave out/],
    ];
    for (const [handler, query, reason] of specific) {
      const result = await call(handler, `/api/usage/x?range=7d&${query}`);
      expect(result.status, query).toBe(400);
      expect((result.body as { error: { message: string } }).error.message, query).toMatch(reason);
    }
    // 400 days is the most, and the default range is 30d.
    expect((await call(summaryRoute.GET, `/api/usage/summary?${custom("2025-01-01", "2026-02-04")}`)).status).toBe(200);
    expect((await summary("")).range.preset).toBe("30d");
  });
});
