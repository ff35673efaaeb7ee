import { randomBytes, randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { migrateDatabase, openDatabase, resolveDatabaseConfig, type DatabaseHandle } from "@/db/client";
import { isMigrated } from "@/db";
import { createUser } from "@/db/queries/users";
import { upsertBudget } from "@/db/queries/settings";
import { budgetLedger, budgetReservations, users } from "@/db/schema";
import { reserveBudget } from "@/lib/budgets/ledger";
import { neonPipeStats, startNeonPipe, type NeonPipe } from "@/tests/support/neon-pipe";
import { freshDatabasePerFile, serverDatabaseConfig, TEST_DB_PREFIX } from "@/tests/support/test-db";

/**
 * The Neon serverless driver (`@neondatabase/serverless`, db/client.ts kind "neon") against the local PostgreSQL
 * through the WebSocket-to-TCP pipe: the locking the app relies on behaves as on node-postgres. Each scenario runs
 * on both drivers side by side against the same database and must give the same answer.
 */
const SERVER_URL = process.env.TEST_DATABASE_URL?.trim();
const NEON = process.env.TEST_DATABASE_DRIVER?.trim() === "neon" && Boolean(SERVER_URL);

const db = freshDatabasePerFile();
type Rows<T> = { rows: T[] };

function urlFor(database: string): string {
  const url = new URL(SERVER_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

async function rowsOf<T>(handle: DatabaseHandle, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await handle.db.execute(query)) as unknown as Rows<T>).rows;
}

describe.skipIf(!NEON)("the Neon driver (runs with TEST_DATABASE_DRIVER=neon and TEST_DATABASE_URL: `npm run test:neon`; skipped otherwise)", () => {
  let database: string;
  let pipe: NeonPipe;
  let neon: DatabaseHandle; // through a pipe of this file's own, to count its connections exactly
  let postgres: DatabaseHandle; // node-postgres on the same database, for comparison

  beforeAll(async () => {
    database = (await rowsOf<{ name: string }>(db.current(), sql`select current_database() as name`))[0]!.name;
    const server = new URL(SERVER_URL!);
    pipe = await startNeonPipe({ allow: [`${server.hostname}:${server.port || 5432}`] });
    neon = await openDatabase(
      resolveDatabaseConfig({ DATABASE_URL: urlFor(database), DATABASE_DRIVER: "neon", NEON_WS_PROXY: `127.0.0.1:${pipe.port}`, NEON_INSECURE_WS: "true" }),
    );
    postgres = await openDatabase({ kind: "postgres", url: urlFor(database) });
    await postgres.db.execute(sql`create table neon_probe (id int primary key, n int not null)`);
  });
  afterAll(async () => {
    await neon?.close();
    await postgres?.close();
    await pipe?.close();
  });

  it("the per-file database is opened through Neon's driver, and every connection goes through the pipe", async () => {
    expect(db.current().kind).toBe("neon");
    const shared = await neonPipeStats(inject("neonPipePort"));
    expect(shared.connections).toBeGreaterThan(0); // the global pipe carried this file's (and the others') databases
    expect(neon.kind).toBe("neon");
    expect(pipe.connections()).toBe(0);
    await Promise.all([1, 2, 3].map(() => neon.db.transaction((tx) => tx.execute(sql`select pg_sleep(0.05)`))));
    expect(pipe.connections()).toBe(3); // three transactions at once: three pooled connections, all piped
    expect((await rowsOf<{ one: number }>(neon, sql`select 1 as one`))[0]!.one).toBe(1);
    // The proxy is a setting of each pool, not of the process: a handle opened now still goes through the shared pipe.
    const other = await openDatabase(serverDatabaseConfig(urlFor(database)));
    try {
      const before = (await neonPipeStats(inject("neonPipePort"))).connections;
      await other.db.execute(sql`select 1`);
      expect((await neonPipeStats(inject("neonPipePort"))).connections).toBeGreaterThan(before);
      expect(pipe.connections()).toBe(3);
    } finally {
      await other.close();
    }
  });

  it("runs the migrations on an empty database", async () => {
    const name = `${TEST_DB_PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    const fresh = await openDatabase(
      resolveDatabaseConfig({ DATABASE_URL: urlFor(name), DATABASE_DRIVER: "neon", NEON_WS_PROXY: `127.0.0.1:${pipe.port}`, NEON_INSECURE_WS: "true" }),
    );
    try {
      expect(fresh.kind).toBe("neon");
      expect(await isMigrated(fresh.db)).toBe(false);
      await migrateDatabase(fresh);
      expect(await isMigrated(fresh.db)).toBe(true);
    } finally {
      await fresh.close();
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  });

  for (const driver of ["neon", "postgres"] as const) {
    const handle = () => (driver === "neon" ? neon : postgres);

    it(`${driver}: a rolled-back transaction leaves nothing behind`, async () => {
      const email = `rollback-${driver}-${randomUUID()}@example.test`;
      await expect(
        handle().db.transaction(async (tx) => {
          await tx.insert(users).values({ email, role: "user" });
          expect(await tx.select().from(users).where(eq(users.email, email))).toHaveLength(1);
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect(await handle().db.select().from(users).where(eq(users.email, email))).toHaveLength(0);
    });

    it(`${driver}: concurrent read-modify-write transactions serialize on a FOR UPDATE row (and lose updates without it)`, async () => {
      const id = driver === "neon" ? 1 : 2;
      const bump = (lock: boolean) =>
        handle().db.transaction(async (tx) => {
          const [row] = ((await tx.execute(lock ? sql`select n from neon_probe where id = ${id} for update` : sql`select n from neon_probe where id = ${id}`)) as unknown as Rows<{ n: number }>).rows;
          await new Promise((resolve) => setTimeout(resolve, 40)); // everyone else is reading meanwhile
          await tx.execute(sql`update neon_probe set n = ${row!.n + 1} where id = ${id}`);
        });
      await handle().db.execute(sql`insert into neon_probe (id, n) values (${id}, 0) on conflict (id) do update set n = 0`);
      await Promise.all(Array.from({ length: 8 }, () => bump(true)));
      expect((await rowsOf<{ n: number }>(handle(), sql`select n from neon_probe where id = ${id}`))[0]!.n).toBe(8);
      // The control: the same transactions without the row lock read the same value and overwrite each other.
      await handle().db.execute(sql`update neon_probe set n = 0 where id = ${id}`);
      await Promise.all(Array.from({ length: 8 }, () => bump(false)));
      expect((await rowsOf<{ n: number }>(handle(), sql`select n from neon_probe where id = ${id}`))[0]!.n).toBeLessThan(8);
    });

    it(`${driver}: a transaction-scoped advisory lock excludes others until the holder commits`, async () => {
      const key = driver === "neon" ? 0x7e01 : 0x7e02;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = handle().db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${key})`);
        locked();
        await held;
      });
      await isLocked;
      const tryLock = () => handle().db.transaction(async (tx) => (await tx.execute(sql`select pg_try_advisory_xact_lock(${key}) as got`)) as unknown as Rows<{ got: boolean }>);
      expect((await tryLock()).rows[0]!.got).toBe(false);
      release();
      await holder;
      expect((await tryLock()).rows[0]!.got).toBe(true); // released with the commit
    });
  }

  it("an advisory-locked race of 20 sign-ups on an empty database makes exactly one admin", async () => {
    expect(await db.current().db.select().from(users)).toHaveLength(0);
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => createUser({ email: `race-${i}-${randomUUID()}@example.test` })));
    expect(created.filter((u) => u.role === "admin")).toHaveLength(1);
    const all = await db.current().db.select().from(users);
    expect(all.filter((u) => u.role === "admin")).toHaveLength(1);
    expect(all.filter((u) => u.role === "user")).toHaveLength(19);
  });

  it("50 parallel budget reservations against a budget that fits 10: exactly 10 are held, the ledger matches", async () => {
    const user = await createUser({ email: `ledger-${randomUUID()}@example.test` });
    const perCall = 601_500; // 10 input tokens (1,500 nano-USD) + 1,000 output tokens at 600,000,000 nano-USD / M
    await upsertBudget({
      userId: user.id,
      source: "user",
      values: { monthlyCostLimitNano: 10 * perCall, dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce", alertThresholds: [50, 80, 100] },
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () => reserveBudget(user.id, { inputTokens: 10, inputCostNano: 1_500, outputNanoPerMTok: 600_000_000, maxOutputTokens: 1000 })),
    );
    const held = outcomes.flatMap((o) => (o.status === "fulfilled" && o.value ? [o.value] : []));
    const refused = outcomes.filter((o) => o.status === "rejected" && (o.reason as { code?: string }).code === "budget_exceeded");
    expect(held).toHaveLength(10);
    expect(refused).toHaveLength(40);
    expect(held.every((r) => r.amountNano === perCall)).toBe(true);
    const month = (await db.current().db.select().from(budgetLedger).where(eq(budgetLedger.userId, user.id))).find((row) => row.periodKind === "month");
    const reservations = await db.current().db.select().from(budgetReservations).where(eq(budgetReservations.userId, user.id));
    expect(reservations).toHaveLength(10);
    expect(month!.reservedNano).toBe(10 * perCall);
  });
});
