import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";
import { dataDir } from "@/lib/server-env";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseKind = "pglite" | "postgres" | "neon";

export type DatabaseConfig =
  /** Embedded: in `dir`, or in memory without one; `image` (a `dumpDataDir()` tarball) starts it from a copy. */
  | { kind: "pglite"; dir?: string; image?: Blob }
  | { kind: "postgres"; url: string }
  /**
   * Neon's serverless (WebSocket) driver. `wsProxy` ("host:port") sends the WebSocket to a proxy of your own instead of
   * Neon's, and `insecureWebSocket` talks plain ws:// to it — test/dev only (a loopback proxy; see resolveDatabaseConfig).
   */
  | { kind: "neon"; url: string; wsProxy?: string; insecureWebSocket?: boolean };

export interface DatabaseHandle {
  kind: DatabaseKind;
  db: Db;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "db/migrations");

const DRIVERS: Record<string, "postgres" | "neon"> = { pg: "postgres", postgres: "postgres", neon: "neon" };
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Chooses the driver from the environment: no DATABASE_URL → embedded PGlite; otherwise DATABASE_DRIVER (`pg` or
 * `neon`) when set, else Neon for a neon.tech host and node-postgres for any other. For the Neon driver,
 * NEON_WS_PROXY / NEON_INSECURE_WS point it at a local WebSocket-to-TCP proxy instead of Neon's (test/dev only).
 */
export function resolveDatabaseConfig(env: Record<string, string | undefined> = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  const driverName = env.DATABASE_DRIVER?.trim().toLowerCase() || undefined;
  const driver = driverName === undefined ? undefined : DRIVERS[driverName];
  if (driverName !== undefined && !driver) throw new Error(`DATABASE_DRIVER must be "pg" or "neon" (got "${driverName}").`);
  if (!url) {
    if (driver) throw new Error("DATABASE_DRIVER needs a DATABASE_URL (unset both for the embedded database).");
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
  const kind = driver ?? (host === "neon.tech" || host.endsWith(".neon.tech") ? "neon" : "postgres");
  if (kind === "postgres") return { kind, url };
  const wsProxy = env.NEON_WS_PROXY?.trim() || undefined;
  const insecureWebSocket = env.NEON_INSECURE_WS?.trim() === "true";
  if (wsProxy !== undefined && !/^[^\s/?#]+:\d+$/.test(wsProxy)) throw new Error(`NEON_WS_PROXY must be host:port (got "${wsProxy}").`);
  if (insecureWebSocket) {
    // Plain ws:// carries the password in the clear: only to a proxy on this machine.
    const proxyHost = wsProxy?.slice(0, wsProxy.lastIndexOf(":"));
    if (!proxyHost || !LOOPBACK.has(proxyHost)) throw new Error("NEON_INSECURE_WS=true needs NEON_WS_PROXY on this machine (127.0.0.1:PORT).");
  }
  return { kind, url, ...(wsProxy ? { wsProxy } : {}), ...(insecureWebSocket ? { insecureWebSocket } : {}) };
}

export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  switch (config.kind) {
    case "pglite": {
      if (config.dir) mkdirSync(config.dir, { recursive: true });
      const { PGlite } = await import("@electric-sql/pglite");
      const { drizzle } = await import("drizzle-orm/pglite");
      const client = await PGlite.create({ dataDir: config.dir, loadDataDir: config.image });
      return { kind: "pglite", db: drizzle(client, { schema }) as unknown as Db, close: () => client.close() };
    }
    case "postgres": {
      const { drizzle } = await import("drizzle-orm/node-postgres");
      const { Pool } = await import("pg");
      const pool = await recoveringPool(Pool, config.url, Number(process.env.DATABASE_POOL_SIZE ?? 10));
      return { kind: "postgres", db: drizzle(pool, { schema }) as unknown as Db, close: () => pool.end() };
    }
    case "neon": {
      const { Client, Pool } = await import("@neondatabase/serverless");
      const { drizzle } = await import("drizzle-orm/neon-serverless");
      // Per connection, not Neon's process-wide `neonConfig`: two handles with different settings can coexist.
      // Node 20 has no global WebSocket: the `ws` package on every Node version.
      const { wsProxy, insecureWebSocket } = config;
      const settings: Partial<import("@neondatabase/serverless").NeonConfig> = {
        webSocketConstructor: (await import("ws")).WebSocket,
        ...(wsProxy ? { wsProxy: (host: string, port: number | string) => `${wsProxy}/v1?address=${host}:${port}` } : {}),
        // A local proxy in front of a local server without TLS: plain ws://, no TLS inside it, no pipelined startup.
        ...(insecureWebSocket ? { useSecureWebSocket: false, pipelineTLS: false, pipelineConnect: false as const } : {}),
      };
      class ConfiguredClient extends Client {
        constructor(clientConfig?: ConstructorParameters<typeof Client>[0]) {
          super(clientConfig);
          Object.assign(this.neonConfig, settings);
        }
      }
      class ConfiguredPool extends Pool {
        constructor(poolConfig?: ConstructorParameters<typeof Pool>[0]) {
          super(poolConfig);
          this.Client = ConfiguredClient;
        }
      }
      const pool = await recoveringPool(ConfiguredPool as unknown as typeof import("pg").Pool, config.url, Number(process.env.DATABASE_POOL_SIZE ?? 10));
      return { kind: "neon", db: drizzle(pool as never, { schema }) as unknown as Db, close: () => pool.end() };
    }
  }
}

/**
 * A node-postgres pool (or Neon's, which is node-postgres's over a WebSocket) that survives connections the server drops (`pg_terminate_backend`, a restart, a failover):
 * - an idle connection that dies is removed by the pool (its "error" event is logged, never thrown);
 * - a checked-out connection that dies is handed back as broken at once, so the pool replaces it even when the
 *   code holding it never releases it — drizzle's `transaction()` sends `begin` before its try/finally, so a
 *   connection that dies right there would otherwise leak its pool slot for good — and a later `release()` of the
 *   same checkout is a no-op instead of throwing. Queries on the dead connection fail and the caller retries (the
 *   usage recorder does) on a fresh one;
 * - a single statement (no transaction) refused by a connection the server terminated is sent again on another.
 */
async function recoveringPool(Pool: typeof import("pg").Pool, url: string, max: number) {
  type Client = import("pg").PoolClient;
  const checkedOut = new Set<Client>();
  class RecoveringPool extends Pool {
    override connect(): Promise<Client>;
    override connect(callback: (err: Error | undefined, client: Client | undefined, done: (release?: unknown) => void) => void): void;
    override connect(callback?: (err: Error | undefined, client: Client | undefined, done: (release?: unknown) => void) => void): Promise<Client> | void {
      // The callback form is pool.query's own checkout, which always releases (with the error, if any).
      if (callback) return super.connect(callback);
      return super.connect().then((client) => {
        const release = client.release.bind(client);
        let released = false;
        checkedOut.add(client);
        client.release = (err?: Error | boolean) => {
          if (released) return;
          released = true;
          checkedOut.delete(client);
          release(err);
        };
        return client;
      });
    }
  }
  const pool = new RecoveringPool({ connectionString: url, max });
  // A statement outside a transaction that meets a connection the server had already terminated gets 57P01/57P02/57P03
  // before it runs (a terminated backend runs nothing more): safe to send again on another connection. Each refusal
  // removes that connection from the pool, and up to `max` idle ones may be dead at once (a failover ends them all),
  // so it takes up to `max` refusals before a fresh connection answers.
  const query = pool.query.bind(pool) as unknown as (...args: unknown[]) => Promise<unknown>;
  const terminated = (error: unknown) => ["57P01", "57P02", "57P03"].includes((error as { code?: string })?.code ?? "");
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    if (typeof args.at(-1) === "function") return query(...args);
    const attempt = (left: number): Promise<unknown> => query(...args).catch((error: unknown) => (left > 0 && terminated(error) ? attempt(left - 1) : Promise.reject(error)));
    return attempt(max);
  };
  // An idle connection dropped by the server must not crash the process; the pool replaces it.
  pool.on("error", (error) => console.error("[db] idle connection error: %s", error.message));
  pool.on("connect", (client) => {
    client.on("error", (error) => {
      if (!checkedOut.has(client as Client)) return; // idle: the pool's own listener removes it
      console.error("[db] connection lost while in use: %s", error.message);
      (client as Client).release(error);
    });
  });
  return pool;
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
