import { releaseIdleLeases } from "@/lib/budgets/leases";
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { upsertBudget } from "@/db/queries/settings";
import { budgetLedger, budgetReservations, usageEvents } from "@/db/schema";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { addKey, fakeLlmPerFile, newUser, postChat, signIn, userMessage } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const SERVER_URL = process.env.TEST_DATABASE_URL?.trim();

const { POST } = await import("@/app/api/chat/route");
const db = freshDatabasePerFile();
const llm = fakeLlmPerFile();

/** Terminates every connection the app holds to `database` (from a separate client, as an operator or a failover would). */
async function terminateAppConnections(admin: pg.Client, database: string): Promise<number> {
  // In the select list, not the WHERE clause: PostgreSQL may evaluate WHERE conditions in any order.
  const result = await admin.query<{ done: boolean }>(
    "select pg_terminate_backend(pid) as done from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
    [database],
  );
  return result.rows.filter((r) => r.done).length;
}

describe.skipIf(!SERVER_URL)("the database drops connections mid-write (PostgreSQL only: PGlite has no server connections to terminate; runs in CI's PostgreSQL pass)", () => {
  it("a burst of 50 chats while the app's connections are terminated several times: one usage event per upstream call, ledger = events", { timeout: 120_000 }, async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    // An enforced budget that does not bind: every call takes the reservation path (a locked ledger transaction).
    await upsertBudget({
      userId: user.id,
      source: "user",
      values: { monthlyCostLimitNano: 100_000_000_000, dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce", alertThresholds: [50, 80, 100] },
    });
    // Open the test session's row now (the mocked auth() does it at the first request), not during the burst.
    await (await import("@/app/(auth)/auth")).auth();
    const database = String(((await db.current().db.execute(sql`select current_database() as name`)) as unknown as { rows: { name: string }[] }).rows[0]!.name);
    const admin = new pg.Client({ connectionString: SERVER_URL });
    admin.on("error", () => undefined);
    await admin.connect();
    const quiet = [vi.spyOn(console, "error").mockImplementation(() => undefined), vi.spyOn(console, "warn").mockImplementation(() => undefined)];

    const before = llm.current().requests.length;
    const burst = Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage(`Chat ${i} [[delay:15]] [[reply:one two three four five six]] [[usage:prompt=20,completion=6]]`) }).then(
          (call) => call.status,
          () => 0, // a request that failed outright (counted below, never an upstream call without its event)
        ),
      ),
    );
    let terminated = 0;
    for (const wait of [30, 120, 200, 300, 400]) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      terminated += await terminateAppConnections(admin, database);
    }
    const statuses = await burst;
    await waitForBackgroundWork();
    // One more round after the burst: the pool must replace dead connections and keep working.
    terminated += await terminateAppConnections(admin, database);
    await admin.end();
    for (const spy of quiet) spy.mockRestore();
    const after = await postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage("still there? [[reply:yes]]") });
    await waitForBackgroundWork();
    // The budget lease is given back (as after a second without calls), with whatever its calls did not spend.
    await releaseIdleLeases();

    const upstreamCalls = llm.current().requests.slice(before).filter((r) => r.method === "POST").length;
    const events = await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, user.id));
    const [month] = await db.current().db.select().from(budgetLedger).where(and(eq(budgetLedger.userId, user.id), eq(budgetLedger.periodKind, "month")));
    const open = (await db.current().db.select().from(budgetReservations).where(eq(budgetReservations.userId, user.id))).filter((r) => r.closedAt === null);
    const count = (status: number) => statuses.filter((s) => s === status).length;
    console.info(
      `[connection drops] ${terminated} connections terminated during 50 chats: ${count(200)} answered, ${statuses.length - count(200)} failed ` +
        `(${[...new Set(statuses.filter((s) => s !== 200))].join(", ") || "none"}); ${upstreamCalls} upstream calls, ${events.length} usage events`,
    );

    expect(terminated).toBeGreaterThan(0);
    expect(after.status, after.text.slice(0, 500)).toBe(200);
    expect(count(200)).toBeGreaterThan(0);
    // Every upstream call has exactly one usage event (request ids are unique, so "exactly" is "as many").
    expect(new Set(events.map((e) => e.requestId)).size).toBe(events.length);
    expect(events.length).toBe(upstreamCalls);
    // The ledger equals the sum of the events, and nothing is left held.
    expect(month!.spentNano).toBe(events.reduce((sum, e) => sum + (e.costNano ?? 0), 0));
    expect(month!.reservedNano).toBe(0);
    expect(open).toHaveLength(0);
  });
});
