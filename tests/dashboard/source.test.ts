import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { users, type UsageSource } from "@/db/schema";
import type { RecentPage, UsageBreakdown } from "@/lib/dashboard/contract";
import { USAGE_EVENT_CSV_HEADERS, USAGE_EVENT_FIELDS, usageEventCsvCells } from "@/lib/usage/event";
import { recordUsage, type UsageRecord } from "@/lib/usage/recorder";
import { newUser, session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/**
 * Which caller made a call (usage_events.source: chat | gateway | track) in the dashboards: the `source` breakdown
 * (user, organisation, one user seen by an admin) against direct sums over the events, and the recent requests and
 * the CSV export carrying every field of the one event definition (lib/usage/event.ts), source included.
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const myBreakdown = await import("@/app/api/usage/breakdown/route");
const myRecent = await import("@/app/api/usage/recent/route");
const myExport = await import("@/app/api/usage/export/route");
const orgBreakdown = await import("@/app/api/admin/usage/breakdown/route");
const userBreakdown = await import("@/app/api/admin/users/[id]/usage/breakdown/route");

const db = freshDatabasePerFile();

type Params = Record<string, string | string[] | undefined>;
type Handler = (request: Request, context?: { params?: Promise<Params> }) => Promise<Response>;

async function get(handler: Handler, url: string, params: Params = {}) {
  const response = await handler(new Request(`http://localhost${url}`), { params: Promise.resolve(params) });
  const text = await response.text();
  expect(response.status, `${url}: ${text}`).toBe(200);
  return text;
}
const json = async <T,>(handler: Handler, url: string, params: Params = {}): Promise<T> => JSON.parse(await get(handler, url, params)) as T;
const custom = (from: string, to: string) => `range=custom&from=${from}&to=${to}`;

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

function event(userId: string, at: Date, source: UsageSource | undefined, o: { costNano: number | null; input: number; output: number }): UsageRecord {
  return {
    requestId: `${randomUUID()}:0`,
    userId,
    provider: "openai",
    model: "gpt-4o-mini",
    feature: "chat",
    ...(source ? { source } : {}),
    keySource: "user",
    usage: { inputNoCache: o.input, cacheRead: 0, cacheWrite: 0, output: o.output, reasoning: 0 },
    costNano: o.costNano,
    costSource: o.costNano === null ? "unpriced" : "price_book",
    estimated: false,
    status: "ok",
    latencyMs: 100,
    ttftMs: 30,
    startedAt: new Date(at.getTime() - 100),
    finishedAt: at,
  };
}

async function userIn(timeZone: string) {
  const user = await newUser("source");
  await db.current().db.update(users).set({ timeZone }).where(eq(users.id, user.id));
  return user;
}

interface Sums {
  costNano: number;
  requests: number;
  unpricedRequests: number;
  inputTokens: number;
  outputTokens: number;
}

/** Per source, straight from usage_events: each event on its user's own local day. */
async function sumsBySource(from: string, to: string, userId: string | null): Promise<Record<string, Sums>> {
  const result = (await db.current().db.execute(sql`
    select e.source::text as source, coalesce(sum(e.cost_nano), 0) as cost, count(*) as requests,
           count(*) filter (where not e.priced) as unpriced,
           coalesce(sum(e.input_no_cache_tokens), 0) as input, coalesce(sum(e.output_tokens), 0) as output
    from usage_events e join users u on u.id = e.user_id
    where (e.created_at at time zone coalesce(u.time_zone, 'UTC'))::date between ${from}::date and ${to}::date
      and (${userId}::uuid is null or e.user_id = ${userId}::uuid)
    group by 1`)) as unknown as { rows: Record<string, string>[] };
  return Object.fromEntries(
    result.rows.map((r) => [
      r.source!,
      { costNano: Number(r.cost), requests: Number(r.requests), unpricedRequests: Number(r.unpriced), inputTokens: Number(r.input), outputTokens: Number(r.output) },
    ]),
  );
}

const fromBreakdown = (body: UsageBreakdown): Record<string, Sums> =>
  Object.fromEntries(
    body.rows.map((r) => [
      r.key,
      { costNano: r.costNano, requests: r.requests, unpricedRequests: r.unpricedRequests, inputTokens: r.inputTokens, outputTokens: r.outputTokens },
    ]),
  );

let admin: Awaited<ReturnType<typeof userIn>>;
beforeAll(async () => {
  admin = await userIn("UTC"); // the first account becomes the admin
  expect(admin.role).toBe("admin");
});
afterEach(() => {
  session.current = null;
});

describe("the source breakdown", () => {
  it("equals SELECT sum(…) … GROUP BY source for the user, the organisation and one user seen by an admin", async () => {
    const me = await userIn("America/Los_Angeles");
    const other = await userIn("Asia/Kolkata");
    const random = mulberry32(20261202);
    const sources = [undefined, "chat", "gateway", "track"] as const; // undefined: the recorder's default, chat
    const start = Date.parse("2026-02-01T00:00:00Z");
    const records: UsageRecord[] = [];
    for (let i = 0; i < 120; i++) {
      const at = new Date(start + Math.floor(random() * 40 * 86_400_000));
      records.push(
        event(i % 3 === 2 ? other.id : me.id, at, sources[Math.floor(random() * sources.length)], {
          costNano: random() < 0.1 ? null : Math.floor(random() * 3_000_000),
          input: Math.floor(random() * 4000),
          output: Math.floor(random() * 1500),
        }),
      );
    }
    await recordUsage(records);

    let checked = 0;
    for (const [from, to] of [
      ["2026-02-01", "2026-03-15"],
      ["2026-02-10", "2026-02-20"],
      ["2026-03-01", "2026-03-01"],
    ] as const) {
      const q = `${custom(from, to)}&by=source`;
      signIn(me);
      const mine = await json<UsageBreakdown>(myBreakdown.GET, `/api/usage/breakdown?${q}`);
      expect(mine.by).toBe("source");
      expect(fromBreakdown(mine), `me ${from}..${to}`).toEqual(await sumsBySource(from, to, me.id));
      // Largest cost first, labelled as stored.
      expect(mine.rows.map((r) => r.costNano)).toEqual(mine.rows.map((r) => r.costNano).sort((a, b) => b - a));
      for (const row of mine.rows) expect(row.label).toBe(row.key);

      signIn(admin);
      const org = await json<UsageBreakdown>(orgBreakdown.GET, `/api/admin/usage/breakdown?${q}`);
      expect(fromBreakdown(org), `org ${from}..${to}`).toEqual(await sumsBySource(from, to, null));
      const seen = await json<UsageBreakdown>(userBreakdown.GET, `/api/admin/users/${other.id}/usage/breakdown?${q}`, { id: other.id });
      expect(fromBreakdown(seen), `other ${from}..${to}`).toEqual(await sumsBySource(from, to, other.id));
      checked += org.rows.length;
    }
    // Every source occurs (not a vacuous comparison).
    const all = await sumsBySource("2026-01-01", "2026-12-31", null);
    expect(Object.keys(all).sort()).toEqual(["chat", "gateway", "track"]);
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it("counts events recorded without a source as chat", async () => {
    const user = await userIn("UTC");
    await recordUsage([event(user.id, new Date("2026-04-02T10:00:00Z"), undefined, { costNano: 7, input: 1, output: 1 })]);
    signIn(user);
    const body = await json<UsageBreakdown>(myBreakdown.GET, `/api/usage/breakdown?${custom("2026-04-01", "2026-04-03")}&by=source`);
    expect(body.rows.map((r) => [r.key, r.costNano, r.requests])).toEqual([["chat", 7, 1]]);
  });
});

describe("recent requests and the CSV export carry the one event definition", () => {
  it("every field is in both, with the same values (source included)", async () => {
    const user = await userIn("UTC");
    await recordUsage([
      event(user.id, new Date("2026-04-02T10:00:00Z"), "gateway", { costNano: 435_000, input: 1000, output: 500 }),
      event(user.id, new Date("2026-04-02T11:00:00Z"), "track", { costNano: null, input: 10, output: 5 }),
      event(user.id, new Date("2026-04-02T12:00:00Z"), undefined, { costNano: 1, input: 1, output: 1 }),
    ]);
    signIn(user);
    const q = custom("2026-04-01", "2026-04-03");
    const recent = await json<RecentPage>(myRecent.GET, `/api/usage/recent?${q}`);
    expect(recent.items.map((e) => e.source)).toEqual(["chat", "track", "gateway"]);
    for (const item of recent.items) expect(Object.keys(item).sort()).toEqual(USAGE_EVENT_FIELDS.map((f) => f.key).sort());

    const [header, ...lines] = (await get(myExport.GET, `/api/usage/export?${q}`)).split("\r\n").filter(Boolean);
    expect(header!.split(",")).toEqual([...USAGE_EVENT_CSV_HEADERS]);
    expect(lines).toHaveLength(3);
    // Oldest first in the export, newest first in the list: the same events, cell for cell.
    const expected = [...recent.items].reverse().map((item) => usageEventCsvCells(item).map((cell) => (cell.value === null ? "" : String(cell.value))));
    expect(lines.map((line) => line.split(","))).toEqual(expected);
    expect(lines.map((line) => line.split(",")[USAGE_EVENT_CSV_HEADERS.indexOf("source")])).toEqual(["gateway", "track", "chat"]);
  });
});
