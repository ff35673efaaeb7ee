import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApiToken } from "@/lib/api-tokens/tokens";
import type { RecentPage } from "@/lib/dashboard/contract";
import type { DashboardSkills, SkillUsageJson } from "@/lib/track/skills";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { recordUsage } from "@/lib/usage/recorder";
import { newUser, session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/**
 * The dashboard's skills table and the token name in recent requests, against a real database: events reported
 * through /api/track with a real token, the skills table (the user's and an admin's view) against a direct SQL sum and
 * against /api/usage/stats' by_skill, and the token's name on every event it made (JSON and CSV), none on a chat call.
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const track = await import("@/app/api/track/route");
const mySkills = await import("@/app/api/usage/skills/route");
const userSkills = await import("@/app/api/admin/users/[id]/usage/skills/route");
const stats = await import("@/app/api/usage/stats/route");
const recent = await import("@/app/api/usage/recent/route");
const exportCsv = await import("@/app/api/usage/export/route");

const db = freshDatabasePerFile();

type Params = Record<string, string>;
type Handler = (request: Request, context?: { params?: Promise<Params> }) => Promise<Response>;
async function get<T>(handler: Handler, url: string, params: Params = {}): Promise<T> {
  const response = await handler(new Request(`http://localhost${url}`), { params: Promise.resolve(params) });
  const text = await response.text();
  expect(response.status, `${url}: ${text}`).toBe(200);
  return (url.includes("/export") ? text : JSON.parse(text)) as T;
}

let admin: { id: string };
beforeAll(async () => {
  admin = await newUser("admin"); // the first account becomes the admin
});
afterEach(() => {
  session.current = null;
});

const DAY = 86_400_000;

async function reportedUser() {
  const user = await newUser("skills");
  const { token, view } = await createApiToken(user, { name: "nightly job", scopes: ["track"], expiresOn: null, defaultFeature: null, monthlyUsd: null });
  const events = [
    { skill_id: "pdf-summary", tool_name: "Read", model_name: "claude-sonnet-4-5", provider: "anthropic", input_tokens: 1200, output_tokens: 300 },
    { skill_id: "pdf-summary", tool_name: "Read", model_name: "claude-sonnet-4-5", provider: "anthropic", input_tokens: 800, output_tokens: 100 },
    { skill_id: "pdf-summary", tool_name: "Write", model_name: "openai:gpt-4o-mini", input_tokens: 5000, output_tokens: 2000 },
    { skill_id: "lint", tool_name: "Bash" },
    { skill_id: "lint", tool_name: "Bash" },
    { skill_id: "search", tool_name: "WebSearch", model_name: "some-unknown-model", provider: "openai", cost_usd: "0.5" },
    { tool_name: "Glob", model_name: "openai:gpt-4o-mini", input_tokens: 10, output_tokens: 1 },
    // Before the range: not in the table.
    { skill_id: "pdf-summary", tool_name: "Read", model_name: "claude-sonnet-4-5", provider: "anthropic", input_tokens: 9999, output_tokens: 9999, ts: new Date(Date.now() - 40 * DAY).toISOString() },
  ].map((e) => ({ event_id: randomUUID(), session_id: "run-1", ...e }));
  const response = await track.POST(
    new Request("http://localhost/api/track", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ events }) }),
  );
  expect(response.status, await response.clone().text()).toBe(200);
  expect(await response.json()).toMatchObject({ accepted: events.length, duplicates: 0, rejected: [] });
  // A chat call: no token.
  const at = new Date();
  await recordUsage([
    {
    requestId: `${randomUUID()}:0`,
    userId: user.id,
    provider: "openai",
    model: "gpt-4o-mini",
    feature: "chat",
    keySource: "user",
    usage: { inputNoCache: 100, cacheRead: 0, cacheWrite: 0, output: 10, reasoning: 0 },
    costNano: 21_000,
    costSource: "price_book",
    estimated: false,
    status: "ok",
    latencyMs: 100,
    ttftMs: 30,
    startedAt: new Date(at.getTime() - 100),
    finishedAt: at,
    },
  ]);
  await waitForBackgroundWork();
  return { user, tokenId: view.id };
}

describe("the skills table", () => {
  it("equals a direct SQL sum per skill over the range, /api/usage/stats' by_skill, and the admin's view of the user", async () => {
    const { user } = await reportedUser();
    signIn(user);
    const mine = await get<DashboardSkills>(mySkills.GET, "/api/usage/skills?range=30d");

    const direct = (
      (await db.current().db.execute(sql`
        select skill, count(*) as uses, coalesce(sum(cost_nano), 0) as cost
        from usage_events where user_id = ${user.id}::uuid and skill is not null
          and created_at >= ${mine.range.startsAt}::timestamptz and created_at < ${mine.range.endsAt}::timestamptz
        group by skill`)) as unknown as { rows: { skill: string; uses: string; cost: string }[] }
    ).rows;
    const sums = new Map(direct.map((r) => [r.skill, { uses: Number(r.uses), cost: Number(r.cost) }]));
    expect([...sums.keys()].sort()).toEqual(["lint", "pdf-summary", "search"]);

    const row = (skill: string) => mine.skills.find((s) => s.skill_id === skill)!;
    for (const s of mine.skills) {
      expect(s.uses, s.skill_id).toBe(sums.get(s.skill_id)!.uses);
      expect(s.total_cost_nano, s.skill_id).toBe(sums.get(s.skill_id)!.cost);
      expect(s.avg_cost_per_use_nano, s.skill_id).toBe(s.measured_uses > 0 ? Math.round(s.total_cost_nano / s.measured_uses) : null);
    }
    // Reported cost $0.50 is the most expensive; the use without tokens counts but is not measured.
    expect(mine.skills.map((s) => s.skill_id)).toEqual(["search", "pdf-summary", "lint"]);
    expect(row("search")).toMatchObject({ uses: 1, measured_uses: 1, total_cost_nano: 500_000_000, predominant_model: "some-unknown-model" });
    expect(row("pdf-summary")).toMatchObject({ uses: 3, measured_uses: 3, predominant_model: "claude-sonnet-4-5" });
    expect(row("pdf-summary").total_cost_nano).toBeGreaterThan(0);
    expect(row("lint")).toMatchObject({ uses: 2, measured_uses: 0, total_cost_nano: 0, avg_cost_per_use_nano: null, predominant_model: null });

    // The same numbers as the stats API (this month holds every event of the last 30 days but the 40-day-old one).
    const month = await get<{ by_skill: SkillUsageJson[] }>(stats.GET, "/api/usage/stats?period=month");
    expect(month.by_skill).toEqual(mine.skills);

    signIn(admin);
    const seen = await get<DashboardSkills>(userSkills.GET, `/api/admin/users/${user.id}/usage/skills?range=30d`, { id: user.id });
    expect(seen.skills).toEqual(mine.skills);
  });

  it("is the signed-in user's own, admins only for someone else's, and refuses a bad range with a 400", async () => {
    const { user } = await reportedUser();
    const other = await newUser("other");
    signIn(other);
    expect((await get<DashboardSkills>(mySkills.GET, "/api/usage/skills?range=30d")).skills).toEqual([]);
    const refused = await userSkills.GET(new Request(`http://localhost/api/admin/users/${user.id}/usage/skills`), { params: Promise.resolve({ id: user.id }) });
    expect(refused.status).toBe(403);
    const bad = await mySkills.GET(new Request("http://localhost/api/usage/skills?range=forever"));
    expect(bad.status).toBe(400);
    signIn(admin);
    const unknown = await userSkills.GET(new Request(`http://localhost/api/admin/users/${randomUUID()}/usage/skills`), { params: Promise.resolve({ id: randomUUID() }) });
    expect(unknown.status).toBe(404);
  });
});

describe("recent requests name the token", () => {
  it("every event the token reported carries its name (JSON and CSV); the chat call none", async () => {
    const { user, tokenId } = await reportedUser();
    signIn(user);
    const page = await get<RecentPage>(recent.GET, "/api/usage/recent?range=30d&limit=100");
    expect(page.items).toHaveLength(8); // 7 reported in range + the chat call
    for (const item of page.items) expect(item.apiTokenName, `${item.source} ${item.feature}`).toBe(item.source === "track" ? "nightly job" : null);

    const direct = (
      (await db.current().db.execute(sql`select count(*) as n from usage_events where user_id = ${user.id}::uuid and api_token_id = ${tokenId}::uuid`)) as unknown as {
        rows: { n: string }[];
      }
    ).rows[0]!;
    expect(Number(direct.n)).toBe(8); // the 40-day-old one too

    const csv = await get<string>(exportCsv.GET, "/api/usage/export?range=30d");
    const [header, ...lines] = csv.trim().split("\r\n");
    const column = header!.split(",").indexOf("api_token_name");
    expect(column).toBeGreaterThan(0);
    expect(lines.map((line) => line.split(",")[column]).sort()).toEqual(["", ...Array(7).fill("nightly job")]);
  });
});
