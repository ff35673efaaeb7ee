import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql, type SQL } from "drizzle-orm";
import {
  MIGRATIONS_FOLDER,
  migrateDatabase,
  openDatabase,
  resolveDatabaseConfig,
  type DatabaseHandle,
  type DatabaseKind,
  type Db,
} from "./client";
import { AppError } from "@/lib/errors";

export type { Db, DatabaseKind };
/** The database or a transaction: queries that take one can join the caller's transaction. */
export type DbExecutor = Db | Parameters<Parameters<Db["transaction"]>[0]>[0];

type Status = "starting" | "ready" | "not_migrated" | "failed";

interface ProcessDatabase {
  kind: DatabaseKind;
  status: Status;
  handle: Promise<DatabaseHandle>;
  ready: Promise<DatabaseHandle>;
  error?: unknown;
}

// One client per process. Kept on globalThis because Next.js may load this module in several bundles
// (instrumentation, route handlers, server components) and PGlite must never be opened twice.
const holder = globalThis as typeof globalThis & { __spendboardDb?: ProcessDatabase };

function shouldMigrateOnStart(kind: DatabaseKind): boolean {
  return kind === "pglite" || process.env.DB_MIGRATE_ON_START === "true";
}

function latestMigrationMillis(): number {
  const journal = JSON.parse(readFileSync(path.join(/*turbopackIgnore: true*/ MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as {
    entries: { when: number }[];
  };
  return Math.max(0, ...journal.entries.map((e) => e.when));
}

export async function isMigrated(db: Db): Promise<boolean> {
  try {
    const result = (await db.execute(sql`select max(created_at) as latest from drizzle.__drizzle_migrations`)) as unknown as {
      rows: { latest: string | number | null }[];
    };
    const latest = Number(result.rows[0]?.latest ?? 0);
    return latest >= latestMigrationMillis();
  } catch {
    return false; // the migrations table does not exist yet
  }
}

/** Opens the database chosen by the environment (once per process) and migrates it when that is automatic. */
export function startDatabase(): ProcessDatabase {
  if (holder.__spendboardDb) return holder.__spendboardDb;
  const config = resolveDatabaseConfig();
  const handle = openDatabase(config);
  const state: ProcessDatabase = { kind: config.kind, status: "starting", handle, ready: handle };
  state.ready = handle.then(async (h) => {
    if (shouldMigrateOnStart(h.kind)) {
      await migrateDatabase(h);
      state.status = "ready";
    } else {
      state.status = (await isMigrated(h.db)) ? "ready" : "not_migrated";
    }
    return h;
  });
  state.ready.catch((error: unknown) => {
    state.status = "failed";
    state.error = error;
    console.error("[db] could not open the %s database: %s", config.kind, (error as Error)?.message ?? error);
  });
  holder.__spendboardDb = state;
  return state;
}

/** The process's database, ready for queries. Throws a 503 AppError while it is not usable. */
export async function getDb(): Promise<Db> {
  const state = startDatabase();
  let handle: DatabaseHandle;
  try {
    handle = await state.ready;
  } catch {
    throw new AppError("database_unavailable");
  }
  if (state.status === "not_migrated") {
    if (!(await isMigrated(handle.db))) throw new AppError("database_not_migrated");
    state.status = "ready";
  }
  return handle.db;
}

/**
 * Lets the transaction `tx` commit without waiting for its WAL to reach the disk (PostgreSQL's
 * `synchronous_commit = off`, for this transaction only): a commit then costs a round trip instead of a disk flush.
 * For the writes before a model call (the chat turn's message, the budget hold). Consistency is kept; only a crash of
 * the database server itself can lose such a commit made in its last fraction of a second — and any later synchronous
 * commit (the usage recorder's) flushes it along. Not on Neon (its durability is its safekeepers').
 */
export async function asyncCommit(tx: DbExecutor): Promise<void> {
  if (commitsAsynchronously()) await tx.execute(sql`set local synchronous_commit = off`);
}

/** Whether the process database takes asynchronous commits (PostgreSQL and PGlite; not Neon). */
export function commitsAsynchronously(): boolean {
  const kind = holder.__spendboardDb?.kind;
  return kind === "postgres" || kind === "pglite";
}

/**
 * asyncCommit for a statement that is its own transaction: a `WITH` item to add to it, which turns
 * `synchronous_commit` off until that transaction (the statement) commits. The statement must reference it
 * (`select … from async_commit`): PostgreSQL skips a plain `WITH` query nobody reads. Empty where commits stay
 * synchronous (Neon).
 */
export function asyncCommitItem(): { item: SQL; read: SQL } {
  if (!commitsAsynchronously()) return { item: sql``, read: sql`` };
  return { item: sql`async_commit as (select set_config('synchronous_commit', 'off', true) as setting), `, read: sql`, (select setting from async_commit) as commit_mode` };
}

/** For /api/health: never waits for a migration to finish. */
export async function databaseHealth(): Promise<{ kind: DatabaseKind; status: Status }> {
  const state = startDatabase();
  if (state.status === "not_migrated") {
    const handle = await state.handle;
    if (await isMigrated(handle.db)) state.status = "ready";
  }
  if (state.status === "ready") {
    try {
      const db = (await state.handle).db;
      await db.execute(sql`select 1`);
    } catch {
      return { kind: state.kind, status: "failed" };
    }
  }
  return { kind: state.kind, status: state.status };
}

/** Tests install their own fresh database as the process database. */
export function installDatabase(handle: DatabaseHandle, status: "ready" | "not_migrated" = "ready"): void {
  const ready = Promise.resolve(handle);
  holder.__spendboardDb = { kind: handle.kind, status, handle: ready, ready };
}

export function uninstallDatabase(): void {
  delete holder.__spendboardDb;
}
