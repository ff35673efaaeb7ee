import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";
import { dataDir } from "@/lib/server-env";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseKind = "pglite" | "postgres" | "neon";

export type DatabaseConfig = { kind: "pglite"; dir: string } | { kind: "postgres" | "neon"; url: string };

export interface DatabaseHandle {
  kind: DatabaseKind;
  db: Db;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "db/migrations");

/** Chooses the driver from the environment: no DATABASE_URL → embedded PGlite; a neon.tech host → Neon. */
export function resolveDatabaseConfig(env: Record<string, string | undefined> = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (!url) {
    return { kind: "pglite", dir: path.resolve(/*turbopackIgnore: true*/ env.PGLITE_DIR?.trim() || path.join(/*turbopackIgnore: true*/ dataDir(), "pglite")) };
  }
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") throw new Error("protocol");
    host = parsed.hostname;
  } catch {
    throw new Error("DATABASE_URL must be a postgres:// URL (or unset for the embedded database).");
  }
  return { kind: host === "neon.tech" || host.endsWith(".neon.tech") ? "neon" : "postgres", url };
}

export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  switch (config.kind) {
    case "pglite": {
      mkdirSync(config.dir, { recursive: true });
      const { PGlite } = await import("@electric-sql/pglite");
      const { drizzle } = await import("drizzle-orm/pglite");
      const client = await PGlite.create(config.dir);
      return { kind: "pglite", db: drizzle(client, { schema }) as unknown as Db, close: () => client.close() };
    }
    case "postgres": {
      const { Pool } = await import("pg");
      const { drizzle } = await import("drizzle-orm/node-postgres");
      const pool = new Pool({ connectionString: config.url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
      // An idle connection dropped by the server must not crash the process; the pool replaces it.
      pool.on("error", (error) => console.error("[db] idle connection error: %s", error.message));
      return { kind: "postgres", db: drizzle(pool, { schema }) as unknown as Db, close: () => pool.end() };
    }
    case "neon": {
      const { Pool } = await import("@neondatabase/serverless");
      const { drizzle } = await import("drizzle-orm/neon-serverless");
      const pool = new Pool({ connectionString: config.url });
      pool.on("error", (error: Error) => console.error("[db] idle connection error: %s", error.message));
      return { kind: "neon", db: drizzle(pool, { schema }) as unknown as Db, close: () => pool.end() };
    }
  }
}

export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  const options = { migrationsFolder: MIGRATIONS_FOLDER };
  switch (handle.kind) {
    case "pglite": {
      const { migrate } = await import("drizzle-orm/pglite/migrator");
      return migrate(handle.db as never, options);
    }
    case "postgres": {
      const { migrate } = await import("drizzle-orm/node-postgres/migrator");
      return migrate(handle.db as never, options);
    }
    case "neon": {
      const { migrate } = await import("drizzle-orm/neon-serverless/migrator");
      return migrate(handle.db as never, options);
    }
  }
}
