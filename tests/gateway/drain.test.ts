import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { installDatabase, uninstallDatabase } from "@/db";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { newUser } from "@/tests/support/chat";
import { migratedTemplate, postgresTemplateName } from "@/tests/support/db-template";
import { TEST_DB_PREFIX } from "@/tests/support/test-db";

/**
 * SIGTERM drains the usage queue: a separate Node process (tests/gateway/drain-child.ts) queues 200 records that its
 * timer would not flush for a minute, plus 10 more from background work still running; SIGTERM → it drains and exits
 * with 143, and every record is in the database with its ledger spend. On the embedded database (a PGlite directory
 * the child opens after this process closed it) or, with TEST_DATABASE_URL, a fresh PostgreSQL database.
 */

const RECORDS = 200;
const COST_BASE = 1_000_001;

/** A database the child can open: its environment, a handle for this process, and a way to drop it. */
async function sharedDatabase(): Promise<{ env: Record<string, string>; open: () => Promise<DatabaseHandle>; drop: () => Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL?.trim();
  if (!serverUrl) {
    const dir = await mkdtemp(path.join(os.tmpdir(), "spendboard-drain-"));
    const image = await migratedTemplate();
    let first = true;
    return {
      env: { PGLITE_DIR: dir },
      open: () => openDatabase({ kind: "pglite", dir, ...(first ? ((first = false), { image }) : {}) }),
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const name = `${TEST_DB_PREFIX}drain_${randomBytes(4).toString("hex")}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(text).finally(() => client.end());
  };
  await admin(`create database "${name}" template "${postgresTemplateName()}"`);
  const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  return { env: { DATABASE_URL: url }, open: () => openDatabase({ kind: "postgres", url }), drop: () => admin(`drop database if exists "${name}" with (force)`) };
}

describe("shutdown drain", () => {
  it("SIGTERM writes every queued record before the process exits", async () => {
    const database = await sharedDatabase();
    try {
      let handle = await database.open();
      installDatabase(handle);
      const user = await newUser("drain");
      uninstallDatabase();
      await handle.close();

      const parentEnv = { ...process.env };
      delete parentEnv.DATABASE_URL;
      delete parentEnv.PGLITE_DIR;
      const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "tests/gateway/drain-child.ts"], {
        env: { ...parentEnv, ...database.env, USER_ID: user.id, RECORDS: String(RECORDS), COST_BASE: String(COST_BASE) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          if (/queued \d+/.test(stdout)) resolve();
        });
        child.once("exit", () => reject(new Error(`the child exited early: ${stdout}\n${stderr}`)));
      });
      expect(stdout).toContain(`queued ${RECORDS}`);
      child.kill("SIGTERM");
      expect(await exited, stderr).toBe(143);
      expect(stderr).not.toContain("lost");

      handle = await database.open();
      try {
        const total = RECORDS + 10;
        const expected = total * COST_BASE + (total * (total - 1)) / 2;
        const result = (await handle.db.execute(sql`
          select (select count(*) from usage_events where user_id = ${user.id}) as events,
                 (select coalesce(sum(cost_nano), 0) from usage_events where user_id = ${user.id}) as event_sum,
                 (select coalesce(sum(spent_nano), 0) from budget_ledger where user_id = ${user.id} and period_kind = 'month') as spent`)) as unknown as { rows: Record<string, string>[] };
        const row = result.rows[0]!;
        expect({ events: Number(row.events), eventSum: Number(row.event_sum), spent: Number(row.spent) }).toEqual({ events: total, eventSum: expected, spent: expected });
      } finally {
        await handle.close();
      }
    } finally {
      await database.drop();
    }
    // A few seconds on an idle machine; the child compiles the recorder's imports with tsx first.
  }, 180_000);
});
