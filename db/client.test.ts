import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, resolveDatabaseConfig } from "./client";
import { isMigrated } from "./index";

describe("resolveDatabaseConfig", () => {
  it("uses embedded PGlite when DATABASE_URL is unset", () => {
    expect(resolveDatabaseConfig({ PGLITE_DIR: "/tmp/x" })).toEqual({ kind: "pglite", dir: "/tmp/x" });
    const fallback = resolveDatabaseConfig({ SPENDBOARD_DATA_DIR: "/srv/sb" });
    expect(fallback).toEqual({ kind: "pglite", dir: path.resolve(process.env.SPENDBOARD_DATA_DIR ?? ".data", "pglite") });
  });

  it("uses node-postgres for a server and Neon for a neon.tech host", () => {
    expect(resolveDatabaseConfig({ DATABASE_URL: "postgres://u@127.0.0.1:5432/db" }).kind).toBe(
      "postgres",
    );
    expect(
      resolveDatabaseConfig({ DATABASE_URL: "postgresql://u:p@ep-cool-1.eu-central-1.aws.neon.tech/db" })
        .kind,
    ).toBe("neon");
    expect(resolveDatabaseConfig({ DATABASE_URL: "postgres://u@notneon.tech.example/db" }).kind).toBe(
      "postgres",
    );
  });

  it("DATABASE_DRIVER chooses the driver whatever the host; NEON_WS_PROXY / NEON_INSECURE_WS configure Neon's", () => {
    const local = "postgres://postgres@127.0.0.1:5432/db";
    expect(resolveDatabaseConfig({ DATABASE_URL: local, DATABASE_DRIVER: "neon" })).toEqual({ kind: "neon", url: local });
    const neonHost = "postgresql://u:p@ep-cool-1.eu-central-1.aws.neon.tech/db";
    expect(resolveDatabaseConfig({ DATABASE_URL: neonHost, DATABASE_DRIVER: "pg" }).kind).toBe("postgres");
    expect(resolveDatabaseConfig({ DATABASE_URL: neonHost, DATABASE_DRIVER: "postgres" }).kind).toBe("postgres");
    expect(
      resolveDatabaseConfig({ DATABASE_URL: local, DATABASE_DRIVER: "neon", NEON_WS_PROXY: "127.0.0.1:3600", NEON_INSECURE_WS: "true" }),
    ).toEqual({ kind: "neon", url: local, wsProxy: "127.0.0.1:3600", insecureWebSocket: true });
    // The proxy settings only concern the Neon driver.
    expect(resolveDatabaseConfig({ DATABASE_URL: local, NEON_WS_PROXY: "127.0.0.1:3600", NEON_INSECURE_WS: "true" })).toEqual({ kind: "postgres", url: local });
  });

  it("refuses a driver it does not know, a driver without a URL, and plain ws:// to anything but this machine", () => {
    expect(() => resolveDatabaseConfig({ DATABASE_URL: "postgres://u@h/db", DATABASE_DRIVER: "mysql" })).toThrow(/DATABASE_DRIVER must be/);
    expect(() => resolveDatabaseConfig({ DATABASE_DRIVER: "neon" })).toThrow(/needs a DATABASE_URL/);
    expect(() => resolveDatabaseConfig({ DATABASE_URL: "postgres://u@h/db", DATABASE_DRIVER: "neon", NEON_WS_PROXY: "ws://x" })).toThrow(/host:port/);
    expect(() => resolveDatabaseConfig({ DATABASE_URL: "postgres://u@h/db", DATABASE_DRIVER: "neon", NEON_INSECURE_WS: "true" })).toThrow(/NEON_WS_PROXY on this machine/);
    expect(() =>
      resolveDatabaseConfig({ DATABASE_URL: "postgres://u@h/db", DATABASE_DRIVER: "neon", NEON_WS_PROXY: "proxy.example.com:443", NEON_INSECURE_WS: "true" }),
    ).toThrow(/NEON_WS_PROXY on this machine/);
  });

  it("refuses a URL that is not postgres://", () => {
    expect(() => resolveDatabaseConfig({ DATABASE_URL: "mysql://x@y/z" })).toThrow(/postgres:\/\//);
    expect(() => resolveDatabaseConfig({ DATABASE_URL: "not a url" })).toThrow(/postgres:\/\//);
  });
});

describe("embedded database", () => {
  it("creates missing parent directories and reports migration state", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "spendboard-pglite-"));
    const handle = await openDatabase({ kind: "pglite", dir: path.join(root, "nested/deeper/pglite") });
    try {
      expect(await isMigrated(handle.db)).toBe(false);
      await migrateDatabase(handle);
      expect(await isMigrated(handle.db)).toBe(true);
      await migrateDatabase(handle); // idempotent
      expect(await isMigrated(handle.db)).toBe(true);
    } finally {
      await handle.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
