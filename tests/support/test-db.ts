import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { migrateDatabase, openDatabase, resolveDatabaseConfig, type DatabaseConfig, type DatabaseHandle } from "@/db/client";
import { installDatabase, uninstallDatabase } from "@/db";
import { migratedTemplate, postgresTemplateName } from "./db-template";

export const TEST_DB_PREFIX = "sb_test_";

export interface TestDatabase {
  handle: DatabaseHandle;
  /** Closes the connection and deletes the database (an in-memory PGlite goes with its connection). */
  destroy(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * How test databases on the server are opened: node-postgres, or with TEST_DATABASE_DRIVER=neon Neon's serverless
 * driver through the pipe the global setup started (the same environment variables a deployment would set).
 */
export function serverDatabaseConfig(url: string): DatabaseConfig {
  if (process.env.TEST_DATABASE_DRIVER?.trim() !== "neon") return { kind: "postgres", url };
  const port = inject("neonPipePort");
  if (!port) throw new Error("TEST_DATABASE_DRIVER=neon but no Neon pipe is running (tests/support/global-setup.ts starts it)");
  return resolveDatabaseConfig({ DATABASE_URL: url, DATABASE_DRIVER: "neon", NEON_WS_PROXY: `127.0.0.1:${port}`, NEON_INSECURE_WS: "true" });
}

/**
 * A fresh, migrated database of its own: an in-memory PGlite started from a copy of the migrated template (see
 * tests/support/db-template.ts) by default, or a new database on the PostgreSQL server at TEST_DATABASE_URL.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL?.trim();
  if (!serverUrl) {
    const handle = await openDatabase({ kind: "pglite", image: await migratedTemplate() });
    await migrateDatabase(handle); // a no-op on the template; keeps a stale template honest
    return { handle, destroy: () => handle.close() };
  }
  const name = `${TEST_DB_PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}" template "${postgresTemplateName()}"`);
  } finally {
    await admin.end();
  }
  const handle = await openDatabase(serverDatabaseConfig(withDatabase(serverUrl, name)));
  await migrateDatabase(handle); // a no-op on the template
  return {
    handle,
    destroy: async () => {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/**
 * Lets the file's background work (usage recording, titles) and queued usage finish against the file's own database:
 * test files share their worker's modules, so what is left would otherwise be written — and retried — against the
 * next file's database, and hold that file's waits.
 */
async function settleBackgroundWork(): Promise<void> {
  const [{ waitForBackgroundWork }, { flushUsageQueue, queuedUsageRows }, { clearApiTokenCache }, { forgetBudgetLeases }, { forgetMeteringContexts }] = await Promise.all([
    import("@/lib/usage/background"),
    import("@/lib/usage/usage-queue"),
    import("@/lib/api-tokens/authenticate"),
    import("@/lib/budgets/leases"),
    import("@/lib/usage/metering-context"),
  ]);
  await waitForBackgroundWork();
  while (queuedUsageRows() > 0) await flushUsageQueue();
  await waitForBackgroundWork();
  clearApiTokenCache();
  forgetBudgetLeases();
  forgetMeteringContexts();
}

/** Gives the calling test file its own fresh database, installed as the process database. */
export function freshDatabasePerFile(): { current(): DatabaseHandle } {
  let testDb: TestDatabase | undefined;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    installDatabase(testDb.handle);
  }, 120_000);
  afterAll(async () => {
    await settleBackgroundWork();
    uninstallDatabase();
    await testDb?.destroy();
  }, 60_000);
  return {
    current() {
      if (!testDb) throw new Error("freshDatabasePerFile: the database is not ready (use it inside tests)");
      return testDb.handle;
    },
  };
}

/** Runs `fn` with a brand-new empty database installed, for tests that need "no users yet". */
export async function withFreshDatabase<T>(fn: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const testDb = await createTestDatabase();
  installDatabase(testDb.handle);
  try {
    return await fn(testDb.handle);
  } finally {
    uninstallDatabase();
    await testDb.destroy();
  }
}
