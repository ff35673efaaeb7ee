import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { users } from "@/db/schema";
import type { AdminUserPage, UsageSummary } from "@/lib/dashboard/contract";
import { resolveRange } from "@/lib/dashboard/range";
import { newUser, recordSpend, session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/**
 * The totals rule (lib/dashboard/contract.ts): a user's spend is counted in *their* days, in their time zone, wherever
 * it is shown. So for the same user and range the admin's user list (/admin), the admin's page of that user
 * (/admin/users/<id>) and the user's own dashboard show the same totals — here with a user in Auckland, an admin in
 * Los Angeles (whose "today" is a different date), and spend a minute either side of the user's midnights.
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const usersRoute = await import("@/app/api/admin/users/route");
const orgSummary = await import("@/app/api/admin/usage/summary/route");
const adminUserSummary = await import("@/app/api/admin/users/[id]/usage/summary/route");
const ownSummary = await import("@/app/api/usage/summary/route");

const db = freshDatabasePerFile();

type Handler = (request: Request, context?: { params?: Promise<Record<string, string>> }) => Promise<Response>;
async function get<T>(handler: Handler, url: string, params: Record<string, string> = {}): Promise<T> {
  const response = await handler(new Request(`http://localhost${url}`), { params: Promise.resolve(params) });
  const text = await response.text();
  expect(response.status, `${url}: ${text}`).toBe(200);
  return JSON.parse(text) as T;
}

async function userIn(timeZone: string, prefix: string) {
  const user = await newUser(prefix);
  await db.current().db.update(users).set({ timeZone }).where(eq(users.id, user.id));
  return user;
}

/** Spend recorded at an instant (the recorder stamps it with the clock, which is frozen there). */
async function spendAt(userId: string, iso: string, costNano: number) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(iso));
  await recordSpend(userId, costNano);
  vi.useRealTimers();
}

// 12:00 UTC on 2 Dec 2026: 01:00 on the 3rd in Auckland (UTC+13), 04:00 on the 2nd in Los Angeles.
const NOW = "2026-12-02T12:00:00Z";

let admin: { id: string };
let kiwi: { id: string; email: string };
let other: { id: string };
beforeAll(async () => {
  admin = await userIn("America/Los_Angeles", "admin"); // the first account becomes the admin
  kiwi = await userIn("Pacific/Auckland", "kiwi");
  other = await userIn("UTC", "other");
  // Each amount is a different power of ten, so a total says exactly which calls it counted.
  await spendAt(kiwi.id, "2026-10-31T10:59:00Z", 1); // 23:59 on 31 Oct in Auckland (10:59 UTC: still October)
  await spendAt(kiwi.id, "2026-10-31T11:01:00Z", 10); // 00:01 on 1 Nov in Auckland
  await spendAt(kiwi.id, "2026-11-30T10:59:00Z", 100); // 23:59 on 30 Nov in Auckland
  await spendAt(kiwi.id, "2026-11-30T11:01:00Z", 1_000); // 00:01 on 1 Dec in Auckland
  await spendAt(kiwi.id, "2026-12-02T10:59:00Z", 10_000); // 23:59 on 2 Dec in Auckland: yesterday for them
  await spendAt(kiwi.id, "2026-12-02T11:01:00Z", 100_000); // 00:01 on 3 Dec in Auckland: today for them
  await spendAt(other.id, "2026-12-02T00:30:00Z", 1_000_000); // today in UTC
  await spendAt(other.id, "2026-11-30T23:30:00Z", 10_000_000); // 30 Nov in UTC
});
afterEach(() => {
  vi.useRealTimers();
  session.current = null;
});

/** The three places a person's total shows for a range, read through the routes the pages call. */
async function threeViews(query: string) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(NOW));
  signIn(kiwi);
  const own = await get<UsageSummary>(ownSummary.GET, `/api/usage/summary?${query}`);
  signIn(admin);
  const adminPage = await get<UsageSummary>(adminUserSummary.GET, `/api/admin/users/${kiwi.id}/usage/summary?${query}`, { id: kiwi.id });
  const list = await get<AdminUserPage>(usersRoute.GET, `/api/admin/users?${query}&pageSize=100`);
  const org = await get<UsageSummary>(orgSummary.GET, `/api/admin/usage/summary?${query}`);
  const row = list.items.find((item) => item.id === kiwi.id)!;
  return { own, adminPage, list, row, org };
}

describe("the same user and range show the same totals on /admin, /admin/users/<id> and their own dashboard", () => {
  const cases: [query: string, costNano: number][] = [
    ["range=today", 100_000], // their 3 Dec; the admin's today is 2 Dec
    ["range=7d", 100 + 1_000 + 10_000 + 100_000], // 27 Nov .. 3 Dec (the admin's 7 days would end on 2 Dec)
    ["range=30d", 100 + 1_000 + 10_000 + 100_000], // 4 Nov .. 3 Dec: not the call at 00:01 on 1 Nov
    ["range=this_month", 1_000 + 10_000 + 100_000],
    ["range=last_month", 10 + 100], // their November: 00:01 on the 1st to 23:59 on the 30th
    ["range=custom&from=2026-11-01&to=2026-11-30", 10 + 100],
    ["range=custom&from=2026-12-02&to=2026-12-02", 10_000],
  ];

  it.each(cases)("%s", async (query, costNano) => {
    const { own, adminPage, row, list, org } = await threeViews(query);
    expect(own.range).toEqual(adminPage.range);
    expect(own.range.timeZone).toBe("Pacific/Auckland");
    expect(own.totals.costNano).toBe(costNano);
    expect(adminPage.totals.costNano).toBe(costNano);
    expect(row.spendNano).toBe(costNano);
    expect([own.totals.requests, adminPage.totals.requests, row.requests]).toEqual(Array(3).fill(own.totals.requests));
    // Organisation-wide: each user over their own days, so the total is the sum of the rows.
    expect(list.orgTotals.costNano).toBe(list.items.reduce((sum, item) => sum + item.spendNano, 0));
    expect(org.totals.costNano).toBe(list.orgTotals.costNano);
    expect(org.range.perUserDays).toBe(true);
  });

  it("would not agree if the admin's days were used: their today is another date", () => {
    const query = { range: "today" as const };
    expect(resolveRange(query, "America/Los_Angeles", new Date(NOW)).from).toBe("2026-12-02");
    expect(resolveRange(query, "Pacific/Auckland", new Date(NOW)).from).toBe("2026-12-03");
  });
});
