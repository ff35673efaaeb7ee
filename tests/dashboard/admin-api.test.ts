import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { upsertBudget } from "@/db/queries/settings";
import { users } from "@/db/schema";
import type { AdminUserPage, RecentPage, UnpricedField, UnpricedModel, UsageBreakdown, UsageSummary, UsageTimeseries } from "@/lib/dashboard/contract";
import { recordUsage, type UsageRecord } from "@/lib/usage/recorder";
import { newUser, session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/**
 * The admin's cost dashboards against a real database: the user list, organisation-wide usage, unpriced models and
 * one user's dashboard seen by an admin — and that every /api/admin route refuses anyone else.
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const usersRoute = await import("@/app/api/admin/users/route");
const orgSummary = await import("@/app/api/admin/usage/summary/route");
const orgTimeseries = await import("@/app/api/admin/usage/timeseries/route");
const orgBreakdown = await import("@/app/api/admin/usage/breakdown/route");
const unpricedRoute = await import("@/app/api/admin/usage/unpriced/route");
const userSummary = await import("@/app/api/admin/users/[id]/usage/summary/route");
const userTimeseries = await import("@/app/api/admin/users/[id]/usage/timeseries/route");
const userBreakdown = await import("@/app/api/admin/users/[id]/usage/breakdown/route");
const userRecent = await import("@/app/api/admin/users/[id]/usage/recent/route");
const userExport = await import("@/app/api/admin/users/[id]/usage/export/route");

const db = freshDatabasePerFile();

type Params = Record<string, string | string[] | undefined>;
type Handler = (request: Request, context?: { params?: Promise<Params> }) => Promise<Response>;

async function call(handler: Handler, url: string, params: Params = {}, method = "GET") {
  const response = await handler(new Request(`http://localhost${url}`, { method }), { params: Promise.resolve(params) });
  const text = await response.text();
  const isJson = response.headers.get("content-type")?.includes("application/json") ?? false;
  return { status: response.status, headers: response.headers, text, body: (isJson ? JSON.parse(text) : undefined) as never };
}
async function ok<T>(handler: Handler, url: string, params: Params = {}): Promise<T> {
  const result = await call(handler, url, params);
  expect(result.status, `${url}: ${result.text}`).toBe(200);
  return result.body as T;
}
const custom = (from: string, to: string) => `range=custom&from=${from}&to=${to}`;

function event(userId: string, at: string | Date, o: Partial<Pick<UsageRecord, "provider" | "model" | "feature" | "costNano" | "assistantId">> & { usage?: Partial<UsageRecord["usage"]> } = {}): UsageRecord {
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
    estimated: false,
    status: "ok",
    latencyMs: 100,
    startedAt: new Date(finishedAt.getTime() - 100),
    finishedAt,
  };
}
async function userIn(timeZone: string | null, prefix = "member", name: string | null = null) {
  const user = await newUser(prefix);
  await db.current().db.update(users).set({ timeZone, name }).where(eq(users.id, user.id));
  return { ...user, timeZone, name };
}
async function rows<T>(statement: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.current().db.execute(statement)) as unknown as { rows: T[] }).rows;
}
/** Direct sums over usage_events, each event on its user's own local day. */
async function eventSums(from: string, to: string, where = sql`true`) {
  const [row] = await rows<Record<string, string>>(sql`
    select coalesce(sum(e.cost_nano), 0) as cost, count(*) as requests, count(*) filter (where not e.priced) as unpriced,
           coalesce(sum(e.input_no_cache_tokens), 0) as input, coalesce(sum(e.output_tokens), 0) as output
    from usage_events e join users u on u.id = e.user_id
    where (e.created_at at time zone coalesce(u.time_zone, 'UTC'))::date between ${from}::date and ${to}::date and ${where}`);
  return { costNano: Number(row!.cost), requests: Number(row!.requests), unpricedRequests: Number(row!.unpriced), inputTokens: Number(row!.input), outputTokens: Number(row!.output) };
}
function freezeNow(iso: string) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(iso));
}

let admin: Awaited<ReturnType<typeof userIn>>;
beforeAll(async () => {
  admin = await userIn("America/Los_Angeles", "admin"); // the first account becomes the admin
  expect(admin.role).toBe("admin");
});
afterEach(() => {
  vi.useRealTimers();
  session.current = null;
});

/** Every route file under app/api/admin, with the URL params its path needs. */
function adminRouteFiles(): string[] {
  const root = path.resolve(import.meta.dirname, "../..");
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (entry.name === "route.ts") found.push(relative);
    }
  };
  walk("app/api/admin");
  return found.sort();
}

describe("access", () => {
  it("every /api/admin route answers 403 to a non-admin and 401 when signed out", async () => {
    const files = adminRouteFiles();
    // This file's own routes are all among them (and the list is not vacuous).
    for (const mine of [
      "app/api/admin/users/route.ts",
      "app/api/admin/usage/summary/route.ts",
      "app/api/admin/usage/timeseries/route.ts",
      "app/api/admin/usage/breakdown/route.ts",
      "app/api/admin/usage/unpriced/route.ts",
      "app/api/admin/users/[id]/usage/summary/route.ts",
      "app/api/admin/users/[id]/usage/timeseries/route.ts",
      "app/api/admin/users/[id]/usage/breakdown/route.ts",
      "app/api/admin/users/[id]/usage/recent/route.ts",
      "app/api/admin/users/[id]/usage/export/route.ts",
    ]) {
      expect(files).toContain(mine);
    }
    const member = await userIn("UTC");
    let checked = 0;
    for (const file of files) {
      const mod = (await import(/* @vite-ignore */ path.resolve(import.meta.dirname, "../..", file))) as Record<string, unknown>;
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        const handler = mod[method] as Handler | undefined;
        if (!handler) continue;
        const params = { id: member.id };
        session.current = null;
        const signedOut = await call(handler, `/${file}?range=7d`, params, method);
        expect(signedOut.status, `${method} ${file} signed out`).toBe(401);
        signIn(member);
        const forbidden = await call(handler, `/${file}?range=7d`, params, method);
        expect(forbidden.status, `${method} ${file} as a member`).toBe(403);
        expect((forbidden.body as { error: { code: string } }).error.code).toBe("admin_required");
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it("one user's dashboard: 404 for an unknown or malformed user id, on every route", async () => {
    signIn(admin);
    for (const handler of [userSummary.GET, userTimeseries.GET, userBreakdown.GET, userRecent.GET, userExport.GET]) {
      for (const id of [randomUUID(), "not-a-user", "00000000-0000-0000-0000-000000000000"]) {
        const result = await call(handler, `/api/admin/users/${id}/usage/x?range=7d`, { id });
        expect(result.status, id).toBe(404);
        expect((result.body as { error: { code: string } }).error.code).toBe("not_found");
      }
    }
  });
});

describe("the user list", () => {
  it("lists spend, budget, % used, requests, top model and last activity; searches, sorts and pages", async () => {
    const tag = `list${randomUUID().slice(0, 8)}`;
    const ana = await userIn("Asia/Kolkata", `${tag}-ana`, "Ana Lytics");
    const zed = await userIn("UTC", `${tag}-zed`, `Zed ${tag}name`);
    const idle = await userIn(null, `${tag}-idle`);
    const budget = { dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce" as const, alertThresholds: [50, 80, 100] };
    await upsertBudget({ userId: ana.id, source: "user", values: { ...budget, monthlyCostLimitNano: 10_000_000_000 } });
    await upsertBudget({ userId: ana.id, source: "admin", values: { ...budget, monthlyCostLimitNano: 5_000_000_000 } });
    await upsertBudget({ userId: idle.id, source: "user", values: { ...budget, monthlyCostLimitNano: null, dailyCostLimitNano: 1_000_000_000 } });
    await upsertBudget({ userId: zed.id, source: "admin", values: { ...budget, monthlyCostLimitNano: 2_000_000_000 } });
    await recordUsage([
      event(ana.id, "2025-05-02T10:00:00Z", { model: "small", costNano: 100 }),
      event(ana.id, "2025-05-03T10:00:00Z", { model: "small", costNano: 200 }),
      event(ana.id, "2025-05-04T10:00:00Z", { model: "large", costNano: 1000 }),
      ...Array.from({ length: 5 }, (_, i) => event(zed.id, `2025-05-0${i + 1}T12:00:00Z`, { model: "medium", costNano: 50 })),
      event(zed.id, "2025-06-20T12:00:00Z", { model: "medium", costNano: 7 }), // after the range
    ]);
    // This month's spend against the tightest monthly limit: 1 of 5 USD for Ana; nothing yet for Zed.
    const lastActive = new Date();
    await recordUsage([event(ana.id, lastActive, { costNano: 1_000_000_000 })]);

    signIn(admin);
    const page = await ok<AdminUserPage>(usersRoute.GET, `/api/admin/users?${custom("2025-05-01", "2025-05-07")}&q=${tag}`);
    expect(page).toMatchObject({ total: 3, page: 1, pageSize: 25, range: { from: "2025-05-01", to: "2025-05-07", timeZone: "America/Los_Angeles" } });
    expect(page.items).toEqual([
      {
        id: ana.id,
        email: ana.email,
        name: "Ana Lytics",
        role: "user",
        disabled: false,
        spendNano: 1300,
        budgetNano: 5_000_000_000,
        pctUsed: 20,
        requests: 3,
        topModel: "large",
        lastActiveAt: lastActive.toISOString(),
      },
      expect.objectContaining({ id: zed.id, spendNano: 250, budgetNano: 2_000_000_000, pctUsed: 0, requests: 5, topModel: "medium", lastActiveAt: "2025-06-20T12:00:00.000Z" }),
      expect.objectContaining({ id: idle.id, spendNano: 0, budgetNano: null, pctUsed: null, requests: 0, topModel: null, lastActiveAt: null }),
    ]);
    // The organisation's totals are everyone's, not only the page's.
    const org = await eventSums("2025-05-01", "2025-05-07");
    expect(page.orgTotals).toMatchObject({ costNano: org.costNano, requests: org.requests });

    const order = async (query: string) =>
      (await ok<AdminUserPage>(usersRoute.GET, `/api/admin/users?${custom("2025-05-01", "2025-05-07")}&q=${tag}&${query}`)).items.map((u) => u.id);
    const byEmail = [ana.id, idle.id, zed.id];
    expect(await order("sort=email")).toEqual(byEmail);
    expect(await order("sort=email&dir=desc")).toEqual([...byEmail].reverse());
    expect(await order("sort=spend&dir=asc")).toEqual([idle.id, zed.id, ana.id]);
    expect(await order("sort=requests")).toEqual([zed.id, ana.id, idle.id]);
    expect(await order("sort=budget")).toEqual([ana.id, zed.id, idle.id]); // no budget: last either way
    expect(await order("sort=budget&dir=asc")).toEqual([zed.id, ana.id, idle.id]);
    expect(await order("sort=pct")).toEqual([ana.id, zed.id, idle.id]);
    expect(await order("sort=last_active")).toEqual([ana.id, zed.id, idle.id]);
    expect(await order("sort=last_active&dir=asc")).toEqual([zed.id, ana.id, idle.id]);
    expect(await order("sort=email&pageSize=1&page=2")).toEqual([idle.id]);
    expect(await order("sort=email&pageSize=2&page=3")).toEqual([]);

    // Search by name, case-insensitive; LIKE wildcards are taken literally.
    const byName = await ok<AdminUserPage>(usersRoute.GET, `/api/admin/users?q=${tag.toUpperCase()}NAME`);
    expect(byName.items.map((u) => u.id)).toEqual([zed.id]);
    expect(byName.total).toBe(1);
    expect((await ok<AdminUserPage>(usersRoute.GET, `/api/admin/users?q=${tag}%25`)).total).toBe(0);
    expect((await ok<AdminUserPage>(usersRoute.GET, "/api/admin/users?q=_")).total).toBe(0);
  });

  it("refuses bad list parameters with 400 and the reason", async () => {
    signIn(admin);
    const bad: [string, RegExp][] = [
      ["sort=colour", /^sort: sort must be one of spend, budget, pct, requests, last_active, email/],
      ["dir=up", /^dir: dir must be one of asc, desc/],
      ["pageSize=0", /^pageSize: pageSize must be at least 1/],
      ["pageSize=101", /^pageSize: pageSize must be at most 100/],
      ["page=0", /^page: page must be at least 1/],
      ["page=1.5", /^page: page must be a whole number/],
      [`q=${"x".repeat(201)}`, /^q: q is at most 200 characters/],
      [custom("2026-05-02", "2026-05-01"), /^to: The end date is before the start date/],
      [custom("2024-01-01", "2026-01-01"), /^to: A range can span at most 400 days/],
      [custom("2026-13-01", "2026-12-01"), /^from: 2026-13-01 is not a date/],
    ];
    for (const [query, reason] of bad) {
      const result = await call(usersRoute.GET, `/api/admin/users?${query}`);
      expect(result.status, query).toBe(400);
      expect((result.body as { error: { code: string; message: string } }).error).toMatchObject({ code: "validation_failed", message: expect.stringMatching(reason) });
    }
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

describe("organisation-wide usage", () => {
  it("summary, breakdowns and series equal the events (each on its user's own day) for 20 random ranges", async () => {
    const members = [await userIn("America/Los_Angeles"), await userIn("Asia/Kolkata"), await userIn("Europe/Berlin"), await userIn(null)];
    const random = mulberry32(424242);
    const start = Date.parse("2024-01-01T00:00:00Z");
    const records = Array.from({ length: 200 }, () =>
      event(members[Math.floor(random() * members.length)]!.id, new Date(start + Math.floor(random() * 120 * 86_400_000)), {
        provider: random() < 0.5 ? "openai" : "anthropic",
        model: ["m1", "m2", "m3", "m4"][Math.floor(random() * 4)]!,
        feature: random() < 0.7 ? "chat" : "title",
        costNano: random() < 0.1 ? null : Math.floor(random() * 3_000_000),
        usage: { inputNoCache: Math.floor(random() * 4000), output: Math.floor(random() * 900) },
      }),
    );
    for (let i = 0; i < records.length; i += 50) await recordUsage(records.slice(i, i + 50));
    signIn(admin);
    let nonEmpty = 0;
    for (let n = 0; n < 20; n++) {
      const from = new Date(Date.parse("2023-12-28T00:00:00Z") + Math.floor(random() * 125) * 86_400_000).toISOString().slice(0, 10);
      const to = new Date(Date.parse(`${from}T00:00:00Z`) + Math.floor(random() * 45) * 86_400_000).toISOString().slice(0, 10);
      const want = await eventSums(from, to);
      if (want.requests > 0) nonEmpty++;
      const label = `${from}..${to}`;
      const summary = await ok<UsageSummary>(orgSummary.GET, `/api/admin/usage/summary?${custom(from, to)}`);
      expect(summary.totals, label).toMatchObject(want);
      expect(summary.budgets).toEqual([]);
      for (const by of ["user", "model", "provider", "feature", "assistant"]) {
        const body = await ok<UsageBreakdown>(orgBreakdown.GET, `/api/admin/usage/breakdown?${custom(from, to)}&by=${by}`);
        const sum = (k: keyof typeof want) => body.rows.reduce((s, r) => s + r[k], 0);
        expect({ costNano: sum("costNano"), requests: sum("requests"), unpricedRequests: sum("unpricedRequests"), inputTokens: sum("inputTokens"), outputTokens: sum("outputTokens") }, `${label} by ${by}`).toEqual(want);
      }
      const series = await ok<UsageTimeseries>(orgTimeseries.GET, `/api/admin/usage/timeseries?${custom(from, to)}&groupBy=user`);
      expect(series.points.reduce((s, p) => s + Object.values(p.values).reduce((a, b) => a + b, 0), 0), label).toBe(want.costNano);
      expect(series.points.reduce((s, p) => s + p.requests, 0), label).toBe(want.requests);
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(12);
  });

  it("labels users by email in breakdowns and series", async () => {
    const [a, b] = [await userIn("UTC"), await userIn("UTC")];
    await recordUsage([event(a.id, "2023-03-02T10:00:00Z", { costNano: 30 }), event(b.id, "2023-03-02T11:00:00Z", { costNano: 20 }), event(b.id, "2023-03-03T11:00:00Z", { costNano: 20 })]);
    signIn(admin);
    const body = await ok<UsageBreakdown>(orgBreakdown.GET, `/api/admin/usage/breakdown?${custom("2023-03-01", "2023-03-03")}&by=user`);
    expect(body.rows.map((r) => [r.key, r.label, r.costNano])).toEqual([[b.id, b.email, 40], [a.id, a.email, 30]]);
    const series = await ok<UsageTimeseries>(orgTimeseries.GET, `/api/admin/usage/timeseries?${custom("2023-03-01", "2023-03-03")}&groupBy=user`);
    expect(series.keys).toEqual([b.email, a.email]);
    expect(series.points).toEqual([
      { t: "2023-03-01", values: { [b.email]: 0, [a.email]: 0 }, requests: 0 },
      { t: "2023-03-02", values: { [b.email]: 20, [a.email]: 30 }, requests: 2 },
      { t: "2023-03-03", values: { [b.email]: 20, [a.email]: 0 }, requests: 1 },
    ]);
  });

  it("today, organisation-wide, is each user's own today, charted by hour on one time line (labelled in the admin's zone)", async () => {
    freezeNow("2022-07-04T19:00:00Z"); // 12:00 PDT on the 4th; 00:30 on the 5th in Kolkata
    const [a, b] = [await userIn("Asia/Kolkata"), await userIn("UTC")];
    const inToday = [
      event(a.id, "2022-07-04T18:40:00Z", { costNano: 10 }), // 00:10 on the 5th in Kolkata: a's today
      event(b.id, "2022-07-04T00:10:00Z", { costNano: 100 }), // 00:10 UTC on the 4th: b's today
    ];
    await recordUsage([
      ...inToday,
      event(a.id, "2022-07-04T18:20:00Z", { costNano: 1 }), // 23:50 on the 4th in Kolkata: a's yesterday
      event(b.id, "2022-07-03T23:50:00Z", { costNano: 1_000 }), // b's yesterday
    ]);
    signIn(admin);
    const body = await ok<UsageTimeseries>(orgTimeseries.GET, "/api/admin/usage/timeseries?range=today&groupBy=user");
    expect(body.bucket).toBe("hour");
    expect(body.range).toMatchObject({ timeZone: "America/Los_Angeles", perUserDays: true });
    // The time line runs from the earliest of the users' midnights to the latest, hour by hour.
    expect(Date.parse(body.range.startsAt)).toBeLessThanOrEqual(Date.parse("2022-07-04T00:00:00Z"));
    expect(Date.parse(body.range.endsAt)).toBeGreaterThanOrEqual(Date.parse("2022-07-05T18:30:00Z"));
    expect(body.points[0]!.t).toBe(body.range.startsAt);
    expect(body.keys).toEqual([b.email, a.email]);
    const hourOf = (at: Date) => Math.floor((at.getTime() - Date.parse(body.range.startsAt)) / 3_600_000);
    expect(body.points[hourOf(inToday[0]!.finishedAt)]!.values[a.email]).toBe(10);
    expect(body.points[hourOf(inToday[1]!.finishedAt)]!.values[b.email]).toBe(100);
    const total = (email: string) => body.points.reduce((sum, p) => sum + (p.values[email] ?? 0), 0);
    expect([total(a.email), total(b.email)]).toEqual([10, 100]);
    // The same totals as the summary, the user list and each user's own page for today.
    const summary = await ok<UsageSummary>(orgSummary.GET, "/api/admin/usage/summary?range=today");
    expect(summary.range.perUserDays).toBe(true);
    const list = await ok<AdminUserPage>(usersRoute.GET, "/api/admin/users?range=today&pageSize=100");
    expect(list.items.find((r) => r.id === a.id)!.spendNano).toBe(10);
    expect(list.items.find((r) => r.id === b.id)!.spendNano).toBe(100);
    expect(list.orgTotals.costNano).toBe(summary.totals.costNano);
    const own = await ok<UsageSummary>(userSummary.GET, `/api/admin/users/${a.id}/usage/summary?range=today`, { id: a.id });
    expect(own.totals.costNano).toBe(10);
  });

  it("lists unpriced usage by provider and model", async () => {
    const member = await userIn("UTC");
    await recordUsage([
      event(member.id, "2022-02-02T10:00:00Z", { provider: "openai-compatible", model: "llama3.2", costNano: null, usage: { inputNoCache: 100, cacheRead: 20, cacheWrite: 5, output: 40 } }),
      event(member.id, "2022-02-02T11:00:00Z", { provider: "openai-compatible", model: "llama3.2", costNano: null, usage: { inputNoCache: 200, output: 60 } }),
      event(member.id, "2022-02-03T11:00:00Z", { provider: "google", model: "gemini-new", costNano: null }),
      event(member.id, "2022-02-03T12:00:00Z", { provider: "google", model: "gemini-new", costNano: 5 }), // priced: not counted
      event(member.id, "2022-02-03T12:00:00Z", { provider: "openai", model: "gpt-4o-mini", costNano: 5 }),
      event(member.id, "2022-03-03T12:00:00Z", { provider: "openai", model: "later", costNano: null }), // after the range
    ]);
    signIn(admin);
    const body = await ok<{ models: UnpricedModel[] }>(unpricedRoute.GET, `/api/admin/usage/unpriced?${custom("2022-02-01", "2022-02-28")}`);
    expect(body.models).toEqual([
      { provider: "openai-compatible", model: "llama3.2", requests: 2, inputTokens: 325, outputTokens: 100 },
      { provider: "google", model: "gemini-new", requests: 1, inputTokens: 100, outputTokens: 50 },
    ]);
  });

  it("lists bill lines without a price (usage fields nobody prices, rates the price list lacks) and shows tool calls in the breakdown", async () => {
    const member = await userIn("UTC");
    const base = { provider: "anthropic" as const, model: "claude-sonnet-4-5" };
    await recordUsage([
      { ...event(member.id, "2021-04-02T10:00:00Z", base), unpricedUsageFields: ["server_tool_use.code_execution_requests"] },
      { ...event(member.id, "2021-04-02T11:00:00Z", base), unpricedUsageFields: ["server_tool_use.code_execution_requests"] },
      { ...event(member.id, "2021-04-03T11:00:00Z", { model: "gpt-4o-audio-preview" }), estimated: true, estimatedParts: ["rate:audio_input"] },
      { ...event(member.id, "2021-04-03T12:00:00Z", { ...base, costNano: 20_001_000, usage: { serverTools: { web_search: 2, web_fetch: 1 } } }), toolCostNano: 20_000_000 },
      { ...event(member.id, "2021-05-03T12:00:00Z", base), unpricedUsageFields: ["later_field"] }, // after the range
    ]);
    signIn(admin);
    const body = await ok<{ models: UnpricedModel[]; fields: UnpricedField[] }>(unpricedRoute.GET, `/api/admin/usage/unpriced?${custom("2021-04-01", "2021-04-30")}`);
    expect(body.models).toEqual([]);
    expect(body.fields).toEqual([
      { provider: "anthropic", model: "claude-sonnet-4-5", field: "server_tool_use.code_execution_requests", requests: 2 },
      { provider: "openai", model: "gpt-4o-audio-preview", field: "rate:audio_input", requests: 1 },
    ]);
    const breakdown = await ok<UsageBreakdown>(orgBreakdown.GET, `/api/admin/usage/breakdown?${custom("2021-04-01", "2021-04-30")}&by=model`);
    expect(breakdown.rows.find((r) => r.key === "claude-sonnet-4-5")).toMatchObject({ requests: 3, serverToolRequests: 3, toolCostNano: 20_000_000, costNano: 20_003_000 });
  });

  it("refuses unknown groupBy and by values", async () => {
    signIn(admin);
    const g = await call(orgTimeseries.GET, "/api/admin/usage/timeseries?groupBy=feature");
    expect(g.status).toBe(400);
    expect((g.body as { error: { message: string } }).error.message).toMatch(/^groupBy: groupBy must be one of none, provider, model, user, team/);
    const b = await call(orgBreakdown.GET, "/api/admin/usage/breakdown?by=colour");
    expect(b.status).toBe(400);
    expect((b.body as { error: { message: string } }).error.message).toMatch(/^by: by must be one of model, provider, feature, assistant, user, source, team/);
  });
});

describe("one user's dashboard, seen by an admin", () => {
  it("uses that user's time zone, not the admin's, on every route", async () => {
    const target = await userIn("Asia/Kolkata");
    const other = await userIn("Asia/Kolkata");
    await recordUsage([
      event(target.id, "2021-01-24T18:00:00Z", { costNano: 1 }), // Jan 24 23:30 IST: before
      event(target.id, "2021-01-24T19:00:00Z", { costNano: 10 }), // Jan 25 00:30 IST (24th in Los Angeles): in
      event(target.id, "2021-01-31T18:00:00Z", { costNano: 100 }), // Jan 31 23:30 IST: in
      event(target.id, "2021-01-31T19:00:00Z", { costNano: 1000 }), // Feb 1 00:30 IST (31st in Los Angeles): after
      event(other.id, "2021-01-28T12:00:00Z", { costNano: 5_000 }),
    ]);
    signIn(admin);
    const q = custom("2021-01-25", "2021-01-31");
    const params = { id: target.id };
    const summary = await ok<UsageSummary>(userSummary.GET, `/api/admin/users/${target.id}/usage/summary?${q}`, params);
    expect(summary.range.timeZone).toBe("Asia/Kolkata");
    expect(summary.totals).toMatchObject({ costNano: 110, requests: 2 });
    const series = await ok<UsageTimeseries>(userTimeseries.GET, `/api/admin/users/${target.id}/usage/timeseries?${q}&groupBy=model`, params);
    expect(series.points.map((p) => p.values["gpt-4o-mini"])).toEqual([10, 0, 0, 0, 0, 0, 100]);
    const breakdown = await ok<UsageBreakdown>(userBreakdown.GET, `/api/admin/users/${target.id}/usage/breakdown?${q}&by=provider`, params);
    expect(breakdown.rows.map((r) => [r.key, r.costNano])).toEqual([["openai", 110]]);
    const recent = await ok<RecentPage>(userRecent.GET, `/api/admin/users/${target.id}/usage/recent?${q}&limit=1`, params);
    expect(recent.items.map((e) => e.costNano)).toEqual([100]);
    const next = await ok<RecentPage>(userRecent.GET, `/api/admin/users/${target.id}/usage/recent?${q}&limit=1&cursor=${encodeURIComponent(recent.nextCursor!)}`, params);
    expect(next).toMatchObject({ items: [expect.objectContaining({ costNano: 10 })], nextCursor: null });
    const exported = await call(userExport.GET, `/api/admin/users/${target.id}/usage/export?${q}`, params);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-disposition")).toBe('attachment; filename="spendboard-usage-2021-01-25-2021-01-31.csv"');
    const lines = exported.text.split("\r\n").filter(Boolean);
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(["2021-01-24T19:00:00.000Z", "2021-01-31T18:00:00.000Z"]);
    // Organisation-wide keys are not one user's.
    expect((await call(userTimeseries.GET, `/api/admin/users/${target.id}/usage/timeseries?groupBy=user`, params)).status).toBe(400);
    expect((await call(userBreakdown.GET, `/api/admin/users/${target.id}/usage/breakdown?by=user`, params)).status).toBe(400);
    expect((await call(userRecent.GET, `/api/admin/users/${target.id}/usage/recent?limit=101`, params)).status).toBe(400);
  });
});
