import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { installDatabase, uninstallDatabase } from "@/db";
import { migrateDatabase, openDatabase } from "@/db/client";
import { conversations, providerKeys, usageEvents, users } from "@/db/schema";
import { ensureDemoData } from "@/scripts/demo-data";
import { DEMO_USERS } from "@/scripts/demo-users";
import { pointProvidersAt } from "@/tests/support/chat";
import { startFakeLlm, type FakeLlm } from "@/tools/fake-llm/server";

// What `npm run dev:demo` does before the app starts (scripts/seed-demo.ts --if-empty), run twice on one fresh PGlite
// directory, each time in a database opened and closed again as the script does: the first run seeds, the second
// finds the accounts and adds nothing.

let dir: string;
let fake: FakeLlm;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "spendboard-demo-seed-"));
  fake = await startFakeLlm();
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => pointProvidersAt(fake));

/** Opens the directory, runs the seeding part, reads the counts, closes it again. */
async function runOnce() {
  const handle = await openDatabase({ kind: "pglite", dir: path.join(dir, "pglite") });
  try {
    await migrateDatabase(handle);
    installDatabase(handle);
    const lines: string[] = [];
    const result = await ensureDemoData({ compatBaseUrl: fake.baseUrls.compat, days: 2, log: (line) => lines.push(line) });
    const db = handle.db;
    const [u] = await db.select({ n: count() }).from(users);
    const [e] = await db.select({ n: count() }).from(usageEvents);
    const [c] = await db.select({ n: count() }).from(conversations);
    const keys = await db.select({ provider: providerKeys.provider, status: providerKeys.status, baseUrl: providerKeys.baseUrl, email: users.email }).from(providerKeys).innerJoin(users, eq(users.id, providerKeys.userId));
    const admins = await db.select({ email: users.email }).from(users).where(eq(users.role, "admin"));
    return { result, lines, users: u!.n, events: e!.n, conversations: c!.n, keys, admins: admins.map((a) => a.email) };
  } finally {
    uninstallDatabase();
    await handle.close();
  }
}

describe("dev:demo's seeding", () => {
  it("fills an empty database once, with keys checked against the fake upstream; a second run adds nothing", async () => {
    const first = await runOnce();
    expect(first.result).toEqual({ seeded: true, keysAdded: DEMO_USERS.length * 5 });
    expect(first.users).toBe(DEMO_USERS.length);
    expect(first.admins).toEqual([DEMO_USERS[0]!.email]);
    expect(first.conversations).toBe(DEMO_USERS.length * 2);
    expect(first.events).toBeGreaterThan(0);
    expect(first.lines).toHaveLength(DEMO_USERS.length);
    // Every demo user can use every provider: five keys each, verified by the fake upstream (so they point at it).
    for (const demo of DEMO_USERS) {
      const mine = first.keys.filter((k) => k.email === demo.email);
      expect(mine.map((k) => k.provider).sort()).toEqual(["anthropic", "google", "openai", "openai-compatible", "openrouter"]);
      expect(mine.every((k) => k.status === "valid")).toBe(true);
      expect(mine.find((k) => k.provider === "openai-compatible")?.baseUrl).toBe(fake.baseUrls.compat);
    }
    const checks = fake.requests.filter((r) => r.path.endsWith("/models") || r.path.endsWith("/key"));
    expect(checks.length).toBeGreaterThanOrEqual(DEMO_USERS.length * 5);

    const second = await runOnce();
    expect(second.result).toEqual({ seeded: false, keysAdded: 0 });
    expect(second.lines).toEqual(["The database already has accounts: no demo data added."]);
    expect({ users: second.users, events: second.events, conversations: second.conversations, keys: second.keys.length }).toEqual({
      users: first.users,
      events: first.events,
      conversations: first.conversations,
      keys: first.keys.length,
    });
  }, 120_000);
});
